"""Renders the benchmark results as BENCHMARKS.md: machine, corpus, quality, grid, speed, memory."""

from __future__ import annotations

import os
import platform
from typing import Any

from wirestory.pipeline.run import package_versions
from wirestory.pipeline.runner import available_cores

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
        "nproc": available_cores(),
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
        "`wirestory run` (all steps, Parquet written) against its extraction alone "
        "(`extract_document` with the default settings: trafilatura, second pass, the other "
        "extractors' vote, metadata, page type; the plain-text cleaner for .txt) on a "
        "`multiprocessing.Pool` of all cores over the same files (benchmarks/bench_speed.py). "
        "Ratio = wirestory docs/s / limit docs/s. Wall times include start-up.",
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
        rates = {r["name"]: r["docs"] / r["seconds"] for r in size["dedup"] if r.get("seconds")}
        beam_rate = rates.get("wirestory GroupStories, Beam FnApiRunner")
        sketch_rate = rates.get("datasketch MinHashLSH script")
        versus = (
            f" Beam / datasketch script: {beam_rate / sketch_rate:.2f}x the docs/s."
            if beam_rate and sketch_rate
            else ""
        )
        out += [
            f"## Dedup only ({size['docs']} pre-extracted texts)",
            "",
            "Single process each, same texts; P/R/F1 against the ground truth, agreement = ARI "
            "between the tool's groups and wirestory's (benchmarks/bench_dedup.py)." + versus,
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


_TOP_STEPS = 12  # steps listed by name in the breakdown; the rest are summed


def stage_rows(run: dict[str, Any]) -> list[list[Any]]:
    """Where one run's wall seconds went: launcher, pipeline steps, runner, commit."""
    timings = run.get("timings") or {}
    total = run["seconds"]
    pipeline = timings.get("pipeline_seconds", 0.0)
    commit = timings.get("commit_seconds", 0.0)
    steps = timings.get("step_seconds", {})

    def row(name: str, seconds: float) -> list[Any]:
        return [name, f"{seconds:.1f}", f"{seconds / total:.0%}" if total else "-"]

    rows = [
        row(
            "start-up, input listing, graph building, manifest (launcher)",
            total - pipeline - commit,
        )
    ]
    rows.append(row("Beam pipeline, of which:", pipeline))
    ranked = sorted(steps.items(), key=lambda kv: -kv[1])
    for name, seconds in ranked[:_TOP_STEPS]:
        rows.append(row(f"↳ {name}", seconds))
    rest = ranked[_TOP_STEPS:]
    if rest:
        rows.append(row(f"↳ {len(rest)} other steps", sum(v for _, v in rest)))
    rows.append(
        row("↳ runner between steps (shuffles, stage set-up)", pipeline - sum(steps.values()))
    )
    rows.append(row("Delta commit by the launcher, of which:", commit))
    for name, seconds in timings.get("commit_step_seconds", {}).items():
        rows.append(row(f"↳ {name}", seconds))
    return rows


def _section_stages(sizes: list[dict[str, Any]]) -> list[str]:
    timed = [s for s in sizes if s.get("run", {}).get("timings")]
    if not timed:
        return []
    size = max(timed, key=lambda s: s["docs"])
    return [
        f"## Where the seconds go ({size['docs']} docs)",
        "",
        "The largest `wirestory run` above, from its manifest: the runner's execution time per "
        "step (Beam's sampled start/process/finish time of each step's transforms; a step "
        "waiting on the extractor processes counts that wait), the launcher's Delta commit per "
        "table, and the rest of the wall time. ExtractArticles is the extraction the limit "
        "measures; everything else is what the pipeline adds to it.",
        "",
        table(["part", "seconds", "share of the run"], stage_rows(size["run"])),
        "",
    ]


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
    from benchmarks.bench_grouping_report import section_grid, section_quality

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
    out += section_quality(sizes, results["params"])
    out += section_grid(sizes, results["params"])
    out += _section_speed(sizes)
    out += _section_dedup(sizes)
    out += _section_signatures(sizes)
    out += _section_memory(sizes)
    out += _section_stages(sizes)
    out += results.get("notes", [])
    return "\n".join(out).rstrip() + "\n"
