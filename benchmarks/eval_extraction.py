"""Extraction quality gate: run the real pipeline on the article-extraction-benchmark and score it.

The metric is the one of scrapinghub/article-extraction-benchmark's evaluate.py: \\w+ tokens (case
kept), multisets of 4-token shingles, precision and recall per page, each averaged over the pages,
and F1 of the two averages. One deviation, stricter than the original: a page that is not in
articles/ (rejected or lost) scores precision 0 and recall 0, where the original would leave an
empty prediction out of the precision average. With no lost pages the numbers are the same.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_BENCHMARK = PROJECT.parent / "shared" / "data" / "article-extraction-benchmark"
DEFAULT_OUTPUT = PROJECT / ".bench" / "eval-out"
DEFAULT_BASELINE = Path(__file__).resolve().with_name("extraction_baseline.json")
SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+")


@dataclass
class Scores:
    """Benchmark result: averaged precision/recall/F1 plus the pages that could not be scored."""

    pages: int
    precision: float
    recall: float
    f1: float
    lost: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    per_page: dict[str, tuple[float, float]] = field(default_factory=dict)


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of size-token shingles; a shorter text is one shingle of all its tokens."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)))


def page_scores(true: str, pred: str | None) -> tuple[float, float]:
    """(precision, recall) of one page; a missing or token-less prediction scores (0, 0)."""
    true_sh, pred_sh = shingles(true), shingles(pred or "")
    if not pred_sh:
        return 0.0, 0.0
    overlap = sum((true_sh & pred_sh).values())
    return overlap / sum(pred_sh.values()), overlap / sum(true_sh.values())


def f1_score(precision: float, recall: float) -> float:
    """Harmonic mean, 0 when both are 0."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def evaluate(truth: dict[str, str], predicted: dict[str, str]) -> Scores:
    """Score predictions against ground truth; pages absent from predicted are lost."""
    per_page: dict[str, tuple[float, float]] = {}
    lost, skipped = [], []
    for page_id in sorted(truth):
        if not shingles(truth[page_id]):
            skipped.append(page_id)
            continue
        if page_id not in predicted:
            lost.append(page_id)
        per_page[page_id] = page_scores(truth[page_id], predicted.get(page_id))
    n = len(per_page)
    precision = sum(p for p, _ in per_page.values()) / n if n else 0.0
    recall = sum(r for _, r in per_page.values()) / n if n else 0.0
    return Scores(n, precision, recall, f1_score(precision, recall), lost, skipped, per_page)


def check_gate(scores: Scores, baseline: dict[str, Any]) -> list[str]:
    """Reasons the gate fails (empty when it passes)."""
    failures = []
    if scores.f1 < baseline["min_f1"]:
        failures.append(f"F1 {scores.f1:.4f} is below min_f1 {baseline['min_f1']:.4f}")
    if len(scores.lost) > baseline.get("max_lost_pages", 0):
        failures.append(
            f"{len(scores.lost)} page(s) lost (max {baseline.get('max_lost_pages', 0)}): "
            + ", ".join(scores.lost[:5])
            + (" ..." if len(scores.lost) > 5 else "")
        )
    if "pages" in baseline and scores.pages != baseline["pages"]:
        failures.append(f"scored {scores.pages} pages, baseline expects {baseline['pages']}")
    return failures


def updated_baseline(baseline: dict[str, Any], scores: Scores) -> dict[str, Any]:
    """Baseline with measured replaced by these scores; min_f1 and max_lost_pages kept."""
    measured = {k: round(getattr(scores, k), 4) for k in ("f1", "precision", "recall")}
    return {**baseline, "pages": scores.pages, "measured": measured}


def load_truth(benchmark: Path) -> dict[str, str]:
    """Ground-truth article bodies by page id."""
    data = json.loads((benchmark / "ground-truth.json").read_text(encoding="utf-8"))
    return {page_id: entry.get("articleBody") or "" for page_id, entry in data.items()}


def page_id(source_uri: str) -> str:
    """Page id of an input path: the file name without .html.gz."""
    return re.sub(r"\.html?(\.gz)?$", "", source_uri.replace("\\", "/").rsplit("/", 1)[-1])


def read_articles(output: Path) -> dict[str, str]:
    """articles.text by page id from a wirestory output directory."""
    import pyarrow.parquet as pq  # imported late: the metric functions need only the stdlib

    table = pq.read_table(output / "articles", columns=["source_uri", "text"]).to_pydict()
    return {page_id(u): t for u, t in zip(table["source_uri"], table["text"], strict=True)}


def wirestory_command(html_dir: Path, output: Path) -> list[str]:
    """The wirestory CLI of the running interpreter's environment, with the eval arguments."""
    script = Path(sys.executable).parent / "wirestory"
    if script.is_file():
        prefix = [str(script)]
    else:
        entry = "import sys; from pipeline.cli import main; sys.exit(main())"
        prefix = [sys.executable, "-c", entry]
    return [*prefix, "run", str(html_dir), "--output", str(output), "--overwrite", "--quiet"]


def run_pipeline(command: list[str]) -> float:
    """Run the pipeline; returns wall seconds, raises RuntimeError with its output on failure."""
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}".rstrip())
    return seconds


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmark", type=Path, default=DEFAULT_BENCHMARK, help="Data dir.")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="wirestory output.")
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE, help="Pinned gate.")
    parser.add_argument("--update-baseline", action="store_true", help="Rewrite 'measured'.")
    parser.add_argument("--json", type=Path, help="Also write the numbers to this file.")
    parser.add_argument("--no-run", action="store_true", help="Score an existing --output.")
    parser.add_argument("--worst", type=int, default=5, help="List the N lowest-F1 pages.")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run, score, report and gate; 0 pass, 1 gate failed, 2 could not run."""
    args = _parser().parse_args(argv)
    benchmark, output = args.benchmark.resolve(), args.output.resolve()
    if not (benchmark / "ground-truth.json").is_file() or not (benchmark / "html").is_dir():
        print(f"eval: no benchmark at {benchmark} (ground-truth.json + html/)", file=sys.stderr)
        return 2
    command = wirestory_command(benchmark / "html", output)
    seconds = None
    if not args.no_run:
        try:
            seconds = run_pipeline(command)
        except RuntimeError as err:
            print(f"eval: pipeline failed: {err}", file=sys.stderr)
            return 2
    if not (output / "articles").is_dir():
        print(f"eval: no articles/ table in {output}", file=sys.stderr)
        return 2
    scores = evaluate(load_truth(benchmark), read_articles(output))
    baseline = json.loads(args.baseline.read_text(encoding="utf-8"))
    measured = baseline.get("measured", {})

    print(f"command          {shlex.join(command)}" + ("  (not run)" if args.no_run else ""))
    skipped = f"  (skipped, empty ground truth: {scores.skipped})" if scores.skipped else ""
    print(f"pages            {scores.pages}{skipped}")
    print(f"lost             {len(scores.lost)}" + (f"  {scores.lost}" if scores.lost else ""))
    for name in ("precision", "recall", "f1"):
        value, pinned = getattr(scores, name), measured.get(name)
        delta = f"  (baseline {pinned:.4f}, {value - pinned:+.4f})" if pinned is not None else ""
        print(f"{name:<16} {value:.4f}{delta}")
    if seconds is not None:
        print(f"seconds/page     {seconds / max(scores.pages, 1):.3f}  (wall {seconds:.1f} s)")
    worst = sorted(scores.per_page.items(), key=lambda kv: f1_score(*kv[1]))[: args.worst]
    for pid, (p, r) in worst:
        print(f"  low F1 {f1_score(p, r):.3f}  P {p:.3f}  R {r:.3f}  {pid}")

    failures = check_gate(scores, baseline)
    if args.json:
        report = {k: v for k, v in asdict(scores).items() if k != "per_page"}
        per_page = seconds / max(scores.pages, 1) if seconds is not None else None
        report.update(seconds=seconds, seconds_per_page=per_page, command=command)
        report["gate_failures"] = failures
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if failures:
        for failure in failures:
            print(f"eval: GATE FAILED: {failure}", file=sys.stderr)
        if args.update_baseline:
            print("eval: baseline not updated (the gate failed)", file=sys.stderr)
        return 1
    if args.update_baseline:
        text = json.dumps(updated_baseline(baseline, scores), indent=2) + "\n"
        args.baseline.write_text(text, encoding="utf-8")
        print(f"eval: baseline measured values updated in {args.baseline}")
    lost = len(scores.lost)
    print(f"eval: gate passed (F1 {scores.f1:.4f} >= min_f1 {baseline['min_f1']}, lost {lost})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
