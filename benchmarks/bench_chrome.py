"""Page chrome: how much of the outlets' templates leaks into article texts, and grouping quality,
with chrome removal off and on.

    .venv/bin/python -m benchmarks.bench_chrome --docs 10000 [--corpus DIR] [--workers 1]

Runs `wirestory run` twice on one syndication corpus (`--chrome-min-pages 0`, then the
defaults). A line of an HTML page's article text is chrome when it is, after collapsing
whitespace and case, a piece of its outlet's template text (the template without markup and
placeholders); the leak is the share of HTML articles with at least one such line. Near-empty
pages (whose whole text is chrome) are left out of the leak. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):
    sys.path.insert(0, str(PROJECT))

_TAG = re.compile(r"<[^>]+>")
_PLACEHOLDER = re.compile(r"\$\w+")
_SPACE = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def template_texts() -> dict[str, list[str]]:
    """Each outlet's template text pieces (text between tags, placeholders cut out)."""
    from benchmarks.synd_templates import OUTLETS

    pieces: dict[str, list[str]] = {}
    for outlet in OUTLETS:
        source = re.sub(
            r"<(script|style|title|head)\b.*?</\1>", " ", outlet.template.template, flags=re.S
        )
        parts = (_normal(html.unescape(p)) for p in _TAG.split(source))
        pieces[outlet.slug] = [
            q for p in parts for q in _PLACEHOLDER.split(p) if re.search(r"\w", q)
        ]
    return pieces


def chrome_lines(text: str, pieces: list[str]) -> list[str]:
    """Lines of an article text that are a piece of its template's text, or made of them."""
    found = []
    for line in text.splitlines():
        normal = _normal(line)
        if not re.search(r"\w", normal):
            continue
        rest = normal
        for piece in sorted(pieces, key=len, reverse=True):
            if len(piece) > 2 or piece == rest:
                rest = rest.replace(piece.strip(), " ")
        if not re.search(r"\w", rest):
            found.append(line)
    return found


def leak(rows: dict[str, dict[str, Any]], truth: dict[str, Any]) -> dict[str, Any]:
    """Share of HTML articles (near-empty pages aside) holding a chrome line, per outlet."""
    pieces = template_texts()
    per: dict[str, list[int]] = {}
    words = [0, 0]
    for path, row in rows.items():
        kinds = truth["files"].get(path, {}).get("kinds", [])
        if ".html" not in path or "near-empty page" in kinds:
            continue
        outlet = path.split("/", 1)[0]
        lines = chrome_lines(row["text"], pieces.get(outlet, []))
        tally = per.setdefault(outlet, [0, 0])
        tally[0] += 1
        tally[1] += bool(lines)
        words[0] += row["word_count"]
        words[1] += sum(len(line.split()) for line in lines)
    pages = sum(t[0] for t in per.values())
    leaked = sum(t[1] for t in per.values())
    return {
        "pages": pages,
        "leaked": leaked,
        "share": leaked / pages if pages else 0.0,
        "chrome_words_share": words[1] / words[0] if words[0] else 0.0,
        "by_outlet": {o: {"pages": t[0], "leaked": t[1]} for o, t in sorted(per.items())},
    }


def _table_bytes(dataset: Path, table: str) -> tuple[int, int]:
    files = [p for p in (dataset / table).rglob("*.parquet")]
    import pyarrow.parquet as pq

    rows = sum(pq.ParquetFile(p).metadata.num_rows for p in files)
    return rows, sum(p.stat().st_size for p in files)


def measure(corpus: Path, output: Path, workers: int | None, extra: list[str]) -> dict[str, Any]:
    """One run: its leak, pair scores, hard-kind precision and chrome table size."""
    from wirestory.transforms.signatures import normalise

    from benchmarks.bench_speed import run_wirestory
    from benchmarks.dedup_metrics import read_run, score_run
    from benchmarks.synd_corpus import load_truth, truth_path_for

    truth = load_truth(truth_path_for(corpus))
    run = run_wirestory(corpus, output, workers, ["--overwrite", "--quiet", *extra])
    rows = read_run(output, corpus)
    labels = {f: r["story_id"] for f, r in rows.items()}
    canonical = {f: r["is_canonical"] for f, r in rows.items()}
    tokens = {f: normalise(r["text"]) for f, r in rows.items()}
    score = score_run(truth, labels, canonical, tokens)
    pairs = score["pairs"]
    return {
        "command": run.command,
        "seconds": round(run.seconds, 1),
        "leak": leak(rows, truth),
        "precision": pairs.precision,
        "recall": pairs.recall,
        "f1": pairs.f1,
        "template_merges": score["template_merges"],
        "precision_by_kind": score["precision_by_kind"],
        "chrome_table": _table_bytes(output, "chrome"),
        "documents_table": _table_bytes(output, "documents"),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=10000)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--corpus", type=Path, help="An existing corpus (its truth beside it).")
    p.add_argument("--work-dir", type=Path, default=PROJECT / ".bench" / "chrome")
    p.add_argument("--workers", type=int)
    p.add_argument("--json", type=Path, help="Also write the results here.")
    args = p.parse_args(argv)
    corpus = args.corpus
    if corpus is None:
        from benchmarks.synd_corpus import ensure_corpus

        corpus = args.work_dir / f"corpus-{args.docs}-s{args.seed}"
        ensure_corpus(corpus, args.docs, args.seed)
    results = {}
    for label, extra in (("off", ["--chrome-min-pages", "0"]), ("on", [])):
        print(f"chrome removal {label}: wirestory run on {corpus}", flush=True)
        results[label] = measure(
            corpus, args.work_dir / f"out-{corpus.name}-{label}", args.workers, extra
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(
        "| chrome removal | HTML articles with chrome | chrome words | precision | recall | F1 "
        "| template merges | chrome table rows (MB) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, r in results.items():
        lk = r["leak"]
        rows, size = r["chrome_table"]
        print(
            f"| {label} | {lk['share']:.3f} ({lk['leaked']}/{lk['pages']}) "
            f"| {lk['chrome_words_share']:.4f} | {r['precision']:.4f} | {r['recall']:.4f} "
            f"| {r['f1']:.4f} | {r['template_merges']} | {rows} ({size / 1e6:.1f}) |"
        )
    for label, r in results.items():
        print(
            label,
            json.dumps(r["leak"]["by_outlet"]),
            json.dumps(r["precision_by_kind"], default=str)[:600],
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
