"""Syndication benchmark: corpora, wirestory runs, group scores and timings into BENCHMARKS.md.

    .venv/bin/python -m benchmarks.run_bench [--docs 10000 100000] [--sections quality,grid,...]
    .venv/bin/python -m benchmarks.run_bench --quick          # smoke run, a few hundred docs

Corpora and run outputs live under .bench/syndication (reused when the arguments match); the
report goes to BENCHMARKS.md at the project root unless --output says otherwise.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import shlex
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
HARD_KINDS = ("shared passage", "brief", "brief host", "near-empty", "near-empty page", "CJK")
if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(PROJECT))

SECTIONS = ("quality", "grid", "e2e", "dedup", "signatures", "memory")
THIRD_PARTY_NOTES = [
    "## Third-party MinHash tools",
    "",
    "Installed only in throwaway venvs under /tmp, never in the project's dependencies "
    "(setup in benchmarks/SYNDICATION.md). datatrove 0.10.1 needs its `processing` extra plus "
    "orjson for MinHash, and its English word tokenizer needs spaCy, so the harness passes a "
    "`\\w+` tokenizer like wirestory's. text-dedup 0.4.0 installs (with ~80 packages: datasets, "
    "pyspark, onnxruntime, ...) and runs offline on a local JSON Lines file. Neither verifies "
    "candidate pairs: one shared LSH band makes two documents duplicates.",
    "",
]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, nargs="+", default=None, help="Corpus sizes (10000).")
    p.add_argument("--quick", action="store_true", help="Smoke run: 400 docs, one repeat.")
    p.add_argument("--sections", default="all", help=f"Comma list of {', '.join(SECTIONS)}.")
    p.add_argument("--seed", type=int, default=13, help="Corpus generator seed.")
    p.add_argument("--workers", type=int, help="wirestory --workers (default: its own, 1).")
    p.add_argument("--work-dir", type=Path, default=PROJECT / ".bench" / "syndication")
    p.add_argument("--output", type=Path, default=PROJECT / "BENCHMARKS.md")
    p.add_argument("--json", type=Path, help="Also write the raw results here.")
    p.add_argument("--reuse-run", action="store_true", help="Reuse an existing run output.")
    p.add_argument("--regenerate", action="store_true", help="Regenerate the corpora.")
    p.add_argument("--datatrove-python", help="Interpreter of a venv with datatrove.")
    p.add_argument("--text-dedup-python", help="Interpreter of a venv with text-dedup.")
    p.add_argument("--threshold", type=float, help="Passed to wirestory run (default: its own).")
    p.add_argument("--containment", type=float, help="Passed to wirestory run.")
    p.add_argument("--shingle-size", type=int, help="Passed to wirestory run.")
    p.add_argument("--signature-docs", type=int, default=5000, help="Docs timed for signatures.")
    p.add_argument("--grid-shingles", default="3,4,5")
    p.add_argument("--grid-thresholds", default="0.3,0.4,0.5")
    p.add_argument("--grid-containments", default="0.4,0.5,0.6")
    p.add_argument("--easy", action="store_true", help="Also score the corpus without hard kinds.")
    p.add_argument(
        "--splice",
        action="store_true",
        help="Replace only the rendered sections in --output, keeping the others.",
    )
    return p


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",") if v]


def _quality(score: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready form of dedup_metrics.score_run's result."""
    canonical = score["canonical"]
    return {
        "pairs": dataclasses.asdict(score["pairs"]),
        "by_kind": score["by_kind"],
        "canonical": {
            "accuracy": canonical.accuracy,
            "accuracy_identical": canonical.accuracy_identical,
            "stories": canonical.stories,
            "beaten_by": dict(canonical.beaten_by),
        },
        "precision_by_kind": score["precision_by_kind"],
        "kind_docs": score["kind_docs"],
        "counts": score["counts"],
        "template_merges": score["template_merges"],
        "template_singletons": score["template_singletons"],
    }


def _corpus_stats(truth: dict[str, Any], seconds: float | None) -> dict[str, Any]:
    stories = truth["stories"].values()
    files = truth["files"]
    fmt = Counter("txt" if ".txt" in f else "html" for f in files)
    return {
        "seed": truth["seed"],
        "stories": len(truth["stories"]),
        "multi": sum(s["copies"] > 1 for s in stories),
        "articles": sum(s["origin"] == "article" for s in stories),
        "derived": sum(s["origin"] == "derived" for s in stories),
        "templates": sum(s["origin"] == "template" for s in stories),
        "formats": f"{fmt['html']} / {fmt['txt']} / {sum(f.endswith('.gz') for f in files)}",
        "generated": f"{seconds:.1f} s" if seconds is not None else "reused",
    }


def _grid(truth, docs, file_of, run_labels, params, args) -> tuple[list[dict[str, Any]], bool]:
    from benchmarks.dedup_metrics import score_run
    from benchmarks.dedup_offline import grid, group

    labels, canonical = group(docs, params)
    same = labels == run_labels["labels"] and canonical == run_labels["canonical"]
    rows = []
    # The run's own settings always join the grid, so its row and recall by kind are shown.
    sizes = sorted({params.shingle_size, *(int(v) for v in args.grid_shingles.split(","))})
    thresholds = sorted({params.threshold, *_floats(args.grid_thresholds)})
    containments = sorted({params.containment, *_floats(args.grid_containments)})
    combos = grid(
        docs,
        sizes,
        thresholds,
        containments,
        params.num_perm,
        params.seed,
        candidate_threshold=params.candidate_threshold,
        min_shingles=params.min_shingles,
        lead_share=params.lead_share,
        lead_shingles=params.lead_shingles,
    )
    story = [truth["files"][file_of[doc.doc_id]]["story"] for doc in docs]
    from wirestory.transforms.signatures import normalise

    tokens = {file_of[doc.doc_id]: normalise(doc.text) for doc in docs}
    for point in combos:
        combo = point.params
        score = score_run(
            truth,
            {file_of[d]: label for d, label in point.labels.items()},
            {file_of[d]: flag for d, flag in point.canonical.items()},
            tokens,
        )
        pairs = score["pairs"]
        # Direct true pairs LSH proposed, and those verification kept (before transitivity).
        proposed = sum(story[a] == story[b] for a, b in point.candidates)
        kept = sum(story[a] == story[b] for a, b in point.edges)
        rows.append(
            {
                "shingle_size": combo.shingle_size,
                "threshold": combo.threshold,
                "containment": combo.containment,
                "banding": f"{combo.bands}x{combo.rows}",
                "candidates": len(point.candidates),
                "true_proposed": proposed / max(pairs.true_pairs, 1),
                "true_kept": kept / max(pairs.true_pairs, 1),
                "by_kind": score["by_kind"],
                "precision": pairs.precision,
                "recall": pairs.recall,
                "f1": pairs.f1,
                "ari": pairs.ari,
                "canonical": score["canonical"].accuracy,
                "canonical_identical": score["canonical"].accuracy_identical,
                "hard_precision": min(
                    (
                        f / t
                        for k, (t, f) in score["precision_by_kind"].items()
                        if k in HARD_KINDS and t
                    ),
                    default=1.0,
                ),
                "template_merges": score["template_merges"],
            }
        )
    return rows, same


def _dedup(truth, docs, rows, file_of, params, args, work: Path) -> list[dict[str, Any]]:
    from benchmarks import bench_dedup as bd
    from benchmarks.dedup_metrics import pair_scores

    story_of = {f: info["story"] for f, info in truth["files"].items()}
    results: list[dict[str, Any]] = []
    reference: dict[str, str] = {}

    def add(name: str, seconds: float, labels: dict[str, str], note: str = "") -> None:
        by_file = {file_of[d]: label for d, label in labels.items() if d in file_of}
        scores = pair_scores(story_of, by_file)
        agreement = pair_scores(reference, labels).ari if reference else 1.0
        results.append(
            {
                "name": name,
                "seconds": seconds,
                "docs": len(docs),
                "note": note,
                "precision": scores.precision,
                "recall": scores.recall,
                "f1": scores.f1,
                "agreement": agreement,
            }
        )

    # Every contender reads the texts the run's grouping read (chrome stripped, docs), not
    # the stored ones: a page mostly chrome is stored whole.
    grouped = {d.doc_id: d for d in docs}
    articles = [
        dataclasses.replace(a, text=grouped[a.doc_id].text, word_count=grouped[a.doc_id].word_count)
        for a in bd.articles_from(rows)
    ]
    seconds, reference = bd.dedup_beam(articles, params)
    add("wirestory GroupStories, Beam FnApiRunner", seconds, reference)
    add("wirestory steps, plain Python (no Beam)", *bd.dedup_offline(docs, params))
    add("datasketch MinHashLSH script", *bd.dedup_datasketch(docs, params))
    jsonl = work / f"texts-{len(docs)}.jsonl"
    bd.write_jsonl(docs, jsonl)
    for tool, python in (
        ("datatrove", args.datatrove_python),
        ("text-dedup", args.text_dedup_python),
    ):
        if not python:
            results.append({"name": tool, "error": f"not run (pass --{tool}-python)"})
            continue
        report = bd.dedup_third_party(python, tool, jsonl, params)
        if "error" in report:
            results.append({"name": tool, "error": report["error"]})
            continue
        note = f"{report['version']}, {report['bands']}x{report['rows']} bands, no verification"
        add(tool, report["seconds"], report["labels"], note)
    return results


def _easy_quality(n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Quality at the defaults on the corpus without the hard kinds (synd_corpus --easy)."""
    from wirestory.transforms.signatures import normalise

    from benchmarks.bench_speed import run_wirestory
    from benchmarks.dedup_metrics import read_run, score_run
    from benchmarks.synd_corpus import ensure_corpus

    corpus = args.work_dir / f"easy-{n}-s{args.seed}"
    output = args.work_dir / f"easy-out-{n}-s{args.seed}"
    print(f"[{n}] easy corpus {corpus}", flush=True)
    truth, _ = ensure_corpus(corpus, n, args.seed, force=args.regenerate, easy=True)
    if not (args.reuse_run and (output / "manifest.json").is_file()):
        run_wirestory(corpus, output, args.workers, ["--overwrite", "--quiet", *args.extra])
    rows = read_run(output, corpus)
    labels = {f: r["story_id"] for f, r in rows.items()}
    canonical = {f: r["is_canonical"] for f, r in rows.items()}
    tokens = {f: normalise(r["text"]) for f, r in rows.items()}
    return _quality(score_run(truth, labels, canonical, tokens))


def bench_size(n: int, args: argparse.Namespace, sections: set[str], params) -> dict[str, Any]:
    """Every requested section for one corpus size."""
    from benchmarks.bench_dedup import signature_timings
    from benchmarks.bench_speed import extraction_limit, run_wirestory
    from benchmarks.dedup_metrics import grouped_texts, read_run, score_run
    from benchmarks.dedup_offline import Doc
    from benchmarks.synd_corpus import ensure_corpus

    corpus = args.work_dir / f"corpus-{n}-s{args.seed}"
    output = args.work_dir / f"out-{n}-s{args.seed}"
    start = time.perf_counter()
    print(f"[{n}] corpus {corpus}", flush=True)
    truth, fresh = ensure_corpus(corpus, n, args.seed, force=args.regenerate)
    generated = time.perf_counter() - start
    size: dict[str, Any] = {"docs": n, "corpus": _corpus_stats(truth, generated if fresh else None)}
    if args.reuse_run and (output / "manifest.json").is_file():
        print(f"[{n}] reusing {output}", flush=True)
    else:
        print(f"[{n}] wirestory run", flush=True)
        run = run_wirestory(corpus, output, args.workers, ["--overwrite", "--quiet", *args.extra])
        size["run"] = {
            "workers": args.workers or 1,
            "extract_processes": run.manifest["parameters"]["extract_processes"],
            "seconds": run.seconds,
            "peak_rss": run.peak_rss,
            "peak_pss": run.peak_pss,
            "peak_processes": run.peak_processes,
            "command": run.command,
            "timings": run.manifest.get("timings", {}),
        }
    rows = read_run(output, corpus)
    labels = {f: r["story_id"] for f, r in rows.items()}
    canonical = {f: r["is_canonical"] for f, r in rows.items()}
    from wirestory.transforms.signatures import normalise

    tokens = {f: normalise(r["text"]) for f, r in rows.items()}
    if "quality" in sections:
        size["quality"] = _quality(score_run(truth, labels, canonical, tokens))
        if args.easy and n == args.grid_docs:
            size["quality_easy"] = _easy_quality(n, args)
    grouped = grouped_texts(output, rows)  # what grouping read (chrome stripped)
    docs = sorted(
        (
            Doc(r["doc_id"], *grouped[f], r["published"], r["sitename"], r["url"])
            for f, r in rows.items()
        ),
        key=lambda d: d.doc_id,
    )
    file_of = {r["doc_id"]: f for f, r in rows.items()}
    # The grid tunes the defaults; at the smallest size only (27 offline runs each).
    if "grid" in sections and n == args.grid_docs:
        print(f"[{n}] offline grid", flush=True)
        run_labels = {
            "labels": {r["doc_id"]: r["story_id"].removeprefix("st_") for r in rows.values()},
            "canonical": {r["doc_id"]: r["is_canonical"] for r in rows.values()},
        }
        size["grid"], size["grid_reproduces"] = _grid(
            truth, docs, file_of, run_labels, params, args
        )
    if "e2e" in sections:
        print(f"[{n}] extraction limit", flush=True)
        from wirestory.pipeline.runner import available_cores

        cores = available_cores()
        files, seconds, with_text = extraction_limit(corpus, cores)
        size["limit"] = {
            "files": files,
            "seconds": seconds,
            "with_text": with_text,
            "processes": cores,
        }
    if "dedup" in sections:
        print(f"[{n}] dedup only", flush=True)
        size["dedup"] = _dedup(
            truth, docs, list(rows.values()), file_of, params, args, output.parent
        )
    if "signatures" in sections:
        print(f"[{n}] signatures", flush=True)
        sample = [d.text for d in docs[: args.signature_docs]]  # µs/doc needs no more
        size["signatures"] = signature_timings(sample, params, 1 if args.quick else 3)
    if "memory" not in sections and "e2e" not in sections:
        size.pop("run", None)
    return size


def _warm_up() -> None:
    """Compiles the MinHash kernel into numba's on-disk cache before anything is timed: only
    the first run after an install pays for it (about 10 s on 2 cores), as for a user."""
    import subprocess

    code = "from wirestory.transforms.minhash_kernel import warm_up; warm_up()"
    subprocess.run([sys.executable, "-c", code], check=True)


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark and writes the report; 0 on success, 2 on bad arguments."""
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    from wirestory.transforms.signatures import MinHashParams

    from benchmarks.bench_report import machine_info, render, splice

    sections = set(SECTIONS if args.sections == "all" else args.sections.split(","))
    if sections - set(SECTIONS):
        print(f"run_bench: unknown sections {sorted(sections - set(SECTIONS))}", file=sys.stderr)
        return 2
    sizes = args.docs or ([400] if args.quick else [10_000])
    args.grid_docs = min(sizes)
    overrides = {k: getattr(args, k) for k in ("threshold", "containment", "shingle_size")}
    overrides = {k: v for k, v in overrides.items() if v is not None}
    params = MinHashParams(**overrides)
    args.extra = [a for k, v in overrides.items() for a in (f"--{k.replace('_', '-')}", str(v))]
    args.work_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now().isoformat(timespec="seconds")
    results: dict[str, Any] = {
        "machine": machine_info(),
        "started": started,
        "params": dataclasses.asdict(params),
        "sizes": [],
    }
    results["command"] = shlex.join([".venv/bin/python", "-m", "benchmarks.run_bench", *argv])
    if sections & {"e2e", "memory", "dedup"}:
        _warm_up()
    clock = time.perf_counter()
    for n in sizes:
        results["sizes"].append(bench_size(n, args, sections, params))
    results["seconds"] = time.perf_counter() - clock
    results["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    results["notes"] = THIRD_PARTY_NOTES if "dedup" in sections else []
    text = render(results)
    if args.splice and args.output.is_file():
        text = splice(args.output.read_text(encoding="utf-8"), text)
    args.output.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"run_bench: wrote {args.output} in {results['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
