"""Renders the benchmark results as BENCHMARKS.md: machine, corpus, quality, grid, speed, memory."""

from __future__ import annotations

import os
import platform
from typing import Any

from wirestory.pipeline.run import package_versions

_PACKAGES = ("apache-beam", "trafilatura", "datasketch", "numpy", "pyarrow")


def machine_info() -> dict[str, Any]:
    """Cores, memory, CPU model, load and the versions that matter for the numbers."""
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next(
                (ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), model
            )
        with open("/proc/meminfo", encoding="utf-8") as f:
            mem_kb = int(next(ln.split()[1] for ln in f if ln.startswith("MemTotal")))
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    versions = package_versions(_PACKAGES)
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem_kb / 1024**2, 1),
        "cpu": model,
        "kernel": platform.release(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "versions": versions,
    }


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A GitHub Markdown table; floats get 4 decimals unless already formatted."""

    def cell(value: Any) -> str:
        return f"{value:.4f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _mib(n: int) -> str:
    return f"{n / 1024**2:,.0f} MiB"


def _rate(docs: int, seconds: float | None) -> str:
    return f"{docs / seconds:,.1f}" if seconds else "-"


def _quality_rows(size: dict[str, Any], key: str = "quality", label: str = "") -> list[Any]:
    q = size[key]
    pairs, counts = q["pairs"], q["counts"]
    canonical = q["canonical"]
    return [
        f"{size['docs']}{label}",
        pairs["precision"],
        pairs["recall"],
        pairs["f1"],
        pairs["ari"],
        f"{canonical['accuracy']:.3f} / {canonical.get('accuracy_identical', 0):.3f} "
        f"({canonical['stories']})",
        counts["merged_groups"],
        counts["split_stories"],
        counts["missing"],
        f"{q['template_merges']} / {q['template_singletons']}",
    ]


def _section_quality(sizes: list[dict[str, Any]], params: dict[str, Any]) -> list[str]:
    done = [s for s in sizes if s.get("quality")]
    if not done:
        return []
    out = [
        "## Grouping quality at the defaults",
        "",
        f"`wirestory run` with threshold {params['threshold']}, containment "
        f"{params['containment']}, shingle size {params['shingle_size']}, num_perm "
        f"{params['num_perm']}, candidate threshold {params.get('candidate_threshold')} "
        f"({params.get('bands')}x{params.get('rows')} bands), min shingles "
        f"{params.get('min_shingles')}. Pairwise scores over all document pairs; canonical "
        "accuracy: share of multi-copy stories whose untouched original is its group's "
        "canonical copy, then the share where it is the original or a copy with identical "
        "tokens (stories counted in brackets). Template merges: template-heavy singletons that "
        "joined any group (must be 0). `(easy)`: the corpus without the hard kinds "
        "(`synd_corpus --easy`, the corpus of the earlier reports).",
        "",
        table(
            [
                "docs",
                "precision",
                "recall",
                "F1",
                "ARI",
                "canonical acc.",
                "merged groups",
                "split stories",
                "missing",
                "template merges",
            ],
            [_quality_rows(s) for s in done]
            + [_quality_rows(s, "quality_easy", " (easy)") for s in done if s.get("quality_easy")],
        ),
        "",
    ]
    for size in done:
        by_kind = size["quality"].get("precision_by_kind", {})
        recall = size["quality"]["by_kind"]
        docs = size["quality"].get("kind_docs", {})
        hard = [k for k in _HARD if k in by_kind or k in recall or docs.get(k)]
        if hard:
            out += [
                f"### The hard kinds ({size['docs']} docs)",
                "",
                "Precision: predicted pairs with a document of that kind that are true pairs "
                "(they must never merge with another story); recall: true pairs with one, "
                "joined. Near-empty documents are singletons: no true pairs, and any predicted "
                "pair would be a merge. `near-empty page`: a near-empty page in an outlet's "
                "template, where the extractor returns the template's chrome (see "
                "benchmarks/SYNDICATION.md). Documents: files of that kind (some are rejected "
                "before grouping, see `missing`).",
                "",
                table(
                    ["kind", "documents", "predicted pairs", "precision", "true pairs", "recall"],
                    [
                        [
                            k,
                            docs.get(k, ""),
                            by_kind.get(k, (0, 0))[0],
                            by_kind[k][1] / by_kind[k][0] if by_kind.get(k, (0,))[0] else 1.0,
                            recall.get(k, (0, 0))[0],
                            recall[k][1] / recall[k][0] if recall.get(k, (0,))[0] else 1.0,
                        ]
                        for k in hard
                    ],
                ),
                "",
            ]
    for size in done:
        kinds = size["quality"]["by_kind"]
        out += [
            f"### Recall by copy kind ({size['docs']} docs)",
            "",
            "True pairs with at least one copy of that kind, and the share joined.",
            "",
            table(
                ["copy kind", "true pairs", "recall"],
                [
                    [k, t, f / t if t else 1.0]
                    for k, (t, f) in sorted(
                        kinds.items(), key=lambda kv: kv[1][1] / max(kv[1][0], 1)
                    )
                ],
            ),
            "",
        ]
        beaten = size["quality"]["canonical"]["beaten_by"]
        if beaten:
            top = ", ".join(f"{k} {n}" for k, n in sorted(beaten.items(), key=lambda kv: -kv[1]))
            out += [f"Copies picked as canonical instead of the original have: {top}.", ""]
    return out


_HARD = ("shared passage", "brief", "brief host", "near-empty", "near-empty page", "CJK",
         "CJK edits")  # fmt: skip


def _is_run(row: dict[str, Any], params: dict[str, Any]) -> bool:
    keys = ("shingle_size", "threshold", "containment")
    return all(row[k] == params[k] for k in keys)


def _grid_row(g: dict[str, Any], params: dict[str, Any]) -> list[Any]:
    return [
        f"{g['shingle_size']}{'*' if _is_run(g, params) else ''}",
        f"{g['threshold']:g}",
        f"{g['containment']:g}",
        g["banding"],
        g["candidates"],
        f"{g['true_proposed']:.3f}",
        f"{g['true_kept']:.3f}",
        g["precision"],
        g["recall"],
        g["f1"],
        g["ari"],
        f"{g['canonical']:.3f} / {g.get('canonical_identical', 0):.3f}",
        g.get("hard_precision", 1.0),
        g["template_merges"],
    ]


_GRID_HEADERS = ["shingle", "threshold", "containment", "bands x rows", "candidates",
                 "true pairs proposed", "true pairs kept", "precision", "recall", "F1", "ARI",
                 "canonical acc. / identical", "hard kinds precision (min)",
                 "template merges"]  # fmt: skip


def _kind_comparison(run: dict[str, Any], best: dict[str, Any]) -> str:
    """Recall per copy kind at the run's settings and at the best grid point."""
    rows = []
    for kind, (total, found) in sorted(run["by_kind"].items(), key=lambda kv: kv[1][1] / kv[1][0]):
        best_total, best_found = best["by_kind"].get(kind, (total, found))
        rows.append([kind, total, found / total, best_found / best_total])
    name = (
        f"best: shingle {best['shingle_size']}, threshold {best['threshold']:g}, "
        f"containment {best['containment']:g}"
    )
    return table(["copy kind", "true pairs", "run's settings", name], rows)


def _section_grid(sizes: list[dict[str, Any]], params: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for size in sizes:
        if not size.get("grid"):
            continue
        same = "yes" if size["grid_reproduces"] else "NO (the grid does not match the pipeline)"
        out += [
            f"## Parameter grid, offline ({size['docs']} docs)",
            "",
            "The run's extracted texts regrouped in plain Python with the pipeline's own "
            "functions (benchmarks/dedup_offline.py). At the run's settings it reproduces the "
            f"run's groups and canonical picks exactly: {same}. The run's settings are marked *. "
            "True pairs proposed: share of the true pairs that met in an LSH bucket; kept: share "
            "that also passed verification (recall also counts pairs joined through a third copy). "
            "Banding is fixed by the candidate threshold, so it is the same on every row of a "
            "shingle size. Hard kinds precision: the lowest precision among shared passage, "
            "brief, brief host, near-empty, near-empty page and CJK.",
            "",
            table(_GRID_HEADERS, [_grid_row(g, params) for g in size["grid"]]),
            "",
        ]
        run = next((g for g in size["grid"] if _is_run(g, params)), None)
        best = max(size["grid"], key=lambda g: (g["f1"], g["shingle_size"], g["threshold"]))
        if run is not None:
            out += [
                "Recall by copy kind at the run's settings and at the grid's best F1:",
                "",
                _kind_comparison(run, best),
                "",
            ]
    return out


def _workers(run: dict[str, Any]) -> str:
    """Beam workers, and extractor processes per worker when recorded."""
    if "extract_processes" not in run:
        return str(run["workers"])
    return f"{run['workers']} x {run['extract_processes']} extractors"


def _section_speed(sizes: list[dict[str, Any]]) -> list[str]:
    rows = [s for s in sizes if s.get("run") and s.get("limit")]
    if not rows:
        return []
    body = []
    for s in rows:
        run, limit = s["run"], s["limit"]
        ratio = (s["docs"] / run["seconds"]) / (limit["files"] / limit["seconds"])
        body.append(
            [
                s["docs"],
                _workers(run),
                f"{run['seconds']:.1f}",
                _rate(s["docs"], run["seconds"]),
                limit["processes"],
                f"{limit['seconds']:.1f}",
                _rate(limit["files"], limit["seconds"]),
                f"{ratio:.2f}",
            ]
        )
    return [
        "## End-to-end speed against the extraction limit",
        "",
        "`wirestory run` (all steps, Parquet written) against trafilatura alone on a "
        "`multiprocessing.Pool` of all cores over the same files (same settings, plain-text "
        "cleaner for .txt; benchmarks/bench_speed.py). Ratio = wirestory docs/s / limit docs/s. "
        "Wall times include start-up.",
        "",
        table(
            [
                "docs",
                "workers",
                "wirestory s",
                "wirestory docs/s",
                "pool processes",
                "limit s",
                "limit docs/s",
                "ratio",
            ],
            body,
        ),
        "",
    ]


def _section_dedup(sizes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for size in sizes:
        if not size.get("dedup"):
            continue
        body = []
        for row in size["dedup"]:
            if "error" in row:
                body.append([row["name"], "-", "-", "-", "-", "-", "-", row["error"]])
                continue
            body.append(
                [
                    row["name"],
                    f"{row['seconds']:.2f}",
                    _rate(row["docs"], row["seconds"]),
                    row["precision"],
                    row["recall"],
                    row["f1"],
                    row["agreement"],
                    row.get("note", ""),
                ]
            )
        out += [
            f"## Dedup only ({size['docs']} pre-extracted texts)",
            "",
            "Single process each, same texts; P/R/F1 against the ground truth, agreement = ARI "
            "between the tool's groups and wirestory's (benchmarks/bench_dedup.py).",
            "",
            table(
                ["dedup", "seconds", "docs/s", "precision", "recall", "F1", "agreement", "note"],
                body,
            ),
            "",
        ]
    return out


def _section_signatures(sizes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for size in sizes:
        sig = size.get("signatures")
        if not sig:
            continue
        rows = [[name, f"{us:,.0f}"] for name, us in sig["us_per_doc"].items()]
        out += [
            f"## Signatures ({sig['docs']} docs, {sig['mean_shingles']:.0f} shingles/doc mean)",
            "",
            f"Best of {sig['repeats']}, SHA-1 shingle hashing included, shingling excluded. "
            f"Identical signatures asserted: {'yes' if sig['identical'] else 'NO'}.",
            "",
            table(["signatures", "µs per doc"], rows),
            "",
        ]
    return out


def _section_memory(sizes: list[dict[str, Any]]) -> list[str]:
    rows = [s for s in sizes if s.get("run")]
    if not rows:
        return []
    body = [
        [
            s["docs"],
            _workers(s["run"]),
            f"{s['run']['seconds']:.1f}",
            _mib(s["run"]["peak_rss"]),
            _mib(s["run"]["peak_pss"]),
            s["run"]["peak_processes"],
        ]
        for s in rows
    ]
    return [
        "## Peak memory of `wirestory run`",
        "",
        "Whole process tree sampled every 0.2 s from /proc: summed RSS (shared pages counted per "
        "process) and summed PSS (shared pages split, the real footprint).",
        "",
        table(["docs", "workers", "seconds", "peak RSS", "peak PSS", "processes"], body),
        "",
    ]


def splice(old: str, new: str) -> str:
    """`old` with each `## ` section that `new` renders replaced (new ones appended after the
    last replaced one); the header, and sections `new` does not render, stay as they were. A
    note under the header says which sections were regenerated, and with what."""

    def sections(text: str) -> tuple[str, list[tuple[str, str]]]:
        parts = text.split("\n## ")
        return parts[0], [(p.split("\n", 1)[0], "## " + p) for p in parts[1:]]

    old_head, old_parts = sections(old)
    new_head, new_parts = sections(new)
    fresh = dict(new_parts)
    merged: list[tuple[str, str]] = []
    pending = [t for t, _ in new_parts if t not in {t for t, _ in old_parts}]
    for title, body in old_parts:
        merged.append((title, fresh.get(title, body)))
        if title in fresh and pending:
            merged += [(t, fresh[t]) for t in pending]
            pending = []
    merged += [(t, fresh[t]) for t in pending]
    command = next((ln for ln in new_head.splitlines() if ln.startswith(".venv/bin/python")), "")
    machine = next((line for line in new_head.splitlines() if line.startswith("Machine:")), "")
    note = (
        f"Sections {', '.join(repr(t) for t, _ in new_parts)} regenerated with `{command}`; "
        f"the other sections are from the run above, on the corpus before its hard kinds. "
        f"{machine}"
    )
    head = old_head.split("\nSections ", 1)[0].rstrip() + "\n\n" + note + "\n"
    body = "\n".join(part.rstrip("\n") + "\n" for _, part in merged)
    return head + "\n" + body


def render(results: dict[str, Any]) -> str:
    """The whole BENCHMARKS.md."""
    m, sizes = results["machine"], results["sizes"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    out = [
        "# wirestory benchmarks",
        "",
        "Generated by `benchmarks/run_bench.py`; do not edit by hand. Regenerate with:",
        "",
        "```sh",
        results["command"],
        "```",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB, Linux {m['kernel']}; "
        f"load average {m['loadavg_start']} at start, {m.get('loadavg_end')} at end. {versions}. "
        f"Run started {results['started']}, took {results['seconds']:.0f} s.",
        "",
        "## Syndication corpus",
        "",
        "Seeded copies of the article-extraction benchmark's bodies and of stories derived from "
        "them (benchmarks/SYNDICATION.md).",
        "",
        table(
            [
                "docs",
                "seed",
                "stories",
                "with copies",
                "real / derived",
                "template singletons",
                "html / txt / gz",
                "generated in",
            ],
            [
                [
                    s["docs"],
                    s["corpus"]["seed"],
                    s["corpus"]["stories"],
                    s["corpus"]["multi"],
                    f"{s['corpus']['articles']} / {s['corpus']['derived']}",
                    s["corpus"]["templates"],
                    s["corpus"]["formats"],
                    s["corpus"]["generated"],
                ]
                for s in sizes
            ],
        ),
        "",
    ]
    out += _section_quality(sizes, results["params"])
    out += _section_grid(sizes, results["params"])
    out += _section_speed(sizes)
    out += _section_dedup(sizes)
    out += _section_signatures(sizes)
    out += _section_memory(sizes)
    out += results.get("notes", [])
    return "\n".join(out).rstrip() + "\n"
