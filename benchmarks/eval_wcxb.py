"""WCXB dev gate: text, metadata and page types of wirestory's extractor on unseen sites.

Runs the function the pipeline's extractor processes run (transforms.extractors
.extract_document, with the same settings and page-type decision) on every page of
../shared/data/wcxb-dev, in a pool of at most 2 processes, and scores:

- word-F1 on article pages, as WCXB's evaluate.py: lowercased \\w+ tokens, bag-of-words
  precision and recall per page, F1 per page, averaged. A page the extractor rejects scores 0.
- title: exact match after normalising case, punctuation and whitespace (NFKC, \\w+ tokens).
- author: the same names (each name's tokens, "and" and "by" dropped) in any order; a page
  with no author in the ground truth matches when none is extracted.
- date: the same day; a page with no date in the ground truth matches when none is extracted.
  Accuracy where the ground truth states an author or date is reported too.
- per page type, the share kept as articles; time per page.

`--subset N` scores every Nth page (sorted by id): the test suite gates on that fixed subset.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wirestory.transforms.language import detect_language

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = PROJECT.parent / "shared" / "data" / "wcxb-dev"
DEFAULT_BASELINE = Path(__file__).resolve().with_name("wcxb_baseline.json")
ARTICLE = "article"
_TOKEN = re.compile(r"\w+")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\|)\s*|\s+and\s+", re.I)


@dataclass(frozen=True)
class Truth:
    """Ground truth of one WCXB page."""

    page_type: str
    title: str
    author: str | None
    date: str | None
    content: str


def tokens(text: str | None) -> list[str]:
    """WCXB's tokenisation: lowercased \\w+ tokens."""
    return _TOKEN.findall((text or "").lower())


def word_f1(predicted: str | None, reference: str) -> float:
    """WCXB's word-level F1 of one page (1.0 when both are empty)."""
    pred, ref = tokens(predicted), tokens(reference)
    if not ref:
        return 0.0 if pred else 1.0
    if not pred:
        return 0.0
    overlap = sum((Counter(pred) & Counter(ref)).values())
    precision, recall = overlap / len(pred), overlap / len(ref)
    return 2 * precision * recall / (precision + recall) if overlap else 0.0


def normalise(text: str | None) -> str:
    """Case, punctuation and whitespace removed: NFKC, lowercased \\w+ tokens joined by spaces."""
    return " ".join(tokens(unicodedata.normalize("NFKC", text or "")))


def title_match(predicted: str | None, truth: str | None) -> bool:
    return normalise(predicted) == normalise(truth)


def author_names(value: str | None) -> frozenset[str]:
    """The set of names in a byline, each normalised, without "by"."""
    names = (
        # "by" before a name, and "and" after an Oxford comma ("A, B, and C").
        normalise(re.sub(r"^\s*(?:by|and)\s+", "", n, flags=re.I))
        for n in _NAME_SPLIT.split(value or "")
    )
    return frozenset(n for n in names if n)


def author_match(predicted: str | None, truth: str | None) -> bool:
    return author_names(predicted) == author_names(truth)


def date_match(predicted: str | None, truth: str | None) -> bool:
    return (predicted or "")[:10] == (truth or "")[:10]


def load_truth(data: Path, subset: int = 1) -> dict[str, Truth]:
    """Ground truth by page id; with subset N, every Nth page sorted by id."""
    truth = {}
    for index, path in enumerate(sorted((data / "ground-truth").glob("*.json"))):
        if index % subset:
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        gt = record.get("ground_truth") or {}
        kind = ((record.get("_internal") or {}).get("page_type") or {}).get("primary", ARTICLE)
        truth[path.stem] = Truth(
            page_type=kind,
            title=gt.get("title") or "",
            author=gt.get("author") or None,
            date=gt.get("publish_date") or None,
            content=gt.get("main_content") or "",
        )
    return truth


def _extract_one(path: str) -> tuple[str, dict[str, Any], float]:
    """Runs the pipeline's extractor on one page; (page id, fields, seconds)."""
    from wirestory.transforms.extractors import ExtractionSettings, extract_document

    html = gzip.decompress(Path(path).read_bytes()).decode("utf-8", errors="replace")
    start = time.perf_counter()
    try:
        fields = extract_document("html", html, ExtractionSettings())
    except Exception as err:  # an extractor crash is an extract_error reject in the pipeline
        fields = {"text": "", "page_type": f"error: {type(err).__name__}"}
    seconds = time.perf_counter() - start
    published = fields.get("published")
    fields["published"] = published.isoformat() if published else None
    return Path(path).name.split(".")[0], fields, seconds


def run_extractor(data: Path, ids: list[str], processes: int = 2) -> dict[str, Any]:
    """Fields and seconds per page id, from a pool of at most `processes` processes."""
    paths = [str(data / "html" / f"{page_id}.html.gz") for page_id in ids]
    results: dict[str, Any] = {}
    with ProcessPoolExecutor(max_workers=max(1, min(processes, 2))) as pool:
        for page_id, fields, seconds in pool.map(_extract_one, paths, chunksize=4):
            results[page_id] = {**fields, "seconds": seconds}
    return results


def kept(fields: dict[str, Any]) -> bool:
    """Whether the pipeline keeps this page as an article (text and article type)."""
    return bool(fields.get("text")) and fields.get("page_type", ARTICLE) == ARTICLE


def score(truth: dict[str, Truth], results: dict[str, Any]) -> dict[str, Any]:
    """The report: text, metadata, page types and time."""
    articles = [pid for pid, t in truth.items() if t.page_type == ARTICLE]
    texts = {pid: results[pid]["text"] if kept(results[pid]) else "" for pid in articles}
    f1 = [word_f1(texts[pid], truth[pid].content) for pid in articles]
    n = max(len(articles), 1)

    def accuracy(match: Any, field: str, attr: str, stated_only: bool) -> float:
        pids = [p for p in articles if getattr(truth[p], attr) or not stated_only]
        hits = sum(match(results[p].get(field), getattr(truth[p], attr)) for p in pids)
        return hits / max(len(pids), 1)

    by_type: dict[str, list[bool]] = defaultdict(list)
    detected: dict[str, Counter[str]] = defaultdict(Counter)
    for pid, t in truth.items():
        by_type[t.page_type].append(kept(results[pid]))
        detected[t.page_type][results[pid].get("page_type", ARTICLE)] += 1
    non_articles = [k for kind, ks in by_type.items() if kind != ARTICLE for k in ks]
    seconds = [r["seconds"] for r in results.values()]
    # The detector checked against the pages' own declarations (kept pages that have one).
    declared = [r for r in results.values() if kept(r) and r.get("language_declared")]
    agree = sum(detect_language(r["text"]) == r["language_declared"] for r in declared)
    return {
        "pages": len(truth),
        "article_pages": len(articles),
        "word_f1": round(sum(f1) / n, 4),
        "title": round(
            sum(title_match(results[p].get("title"), truth[p].title) for p in articles) / n, 4
        ),
        "author": round(accuracy(author_match, "author", "author", False), 4),
        "author_where_stated": round(accuracy(author_match, "author", "author", True), 4),
        "date": round(accuracy(date_match, "published", "date", False), 4),
        "date_where_stated": round(accuracy(date_match, "published", "date", True), 4),
        "article_kept": round(sum(by_type[ARTICLE]) / max(len(by_type[ARTICLE]), 1), 4),
        "non_article_rejected": round(1 - sum(non_articles) / max(len(non_articles), 1), 4),
        "kept_by_type": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_type.items())},
        "detected_by_type": {k: dict(v) for k, v in sorted(detected.items())},
        "seconds_per_page": round(sum(seconds) / max(len(seconds), 1), 4),
        "language_detector_agreement": round(agree / max(len(declared), 1), 4),
        "language_declared_pages": len(declared),
        "low_f1": sorted(zip(f1, articles, strict=True))[:5],
    }


GATED = ("word_f1", "title", "author", "date", "article_kept", "non_article_rejected")


def check_gate(report: dict[str, Any], gate: dict[str, Any]) -> list[str]:
    """Reasons the gate fails (empty when it passes)."""
    failures = [
        f"{name} {report[name]:.4f} is below min {gate['min'][name]:.4f}"
        for name in GATED
        if name in gate.get("min", {}) and report[name] < gate["min"][name]
    ]
    if "pages" in gate and report["pages"] != gate["pages"]:
        failures.append(f"scored {report['pages']} pages, baseline expects {gate['pages']}")
    return failures


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="WCXB dev folder.")
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE, help="Pinned gate.")
    parser.add_argument("--subset", type=int, default=1, help="Score every Nth page.")
    parser.add_argument("--processes", type=int, default=2, help="Extractor processes (<= 2).")
    parser.add_argument("--update-baseline", action="store_true", help="Rewrite 'measured'.")
    parser.add_argument("--json", type=Path, help="Also write the report (and fields) here.")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run, score, report and gate; 0 pass, 1 gate failed, 2 could not run."""
    args = _parser().parse_args(argv)
    if not (args.data / "ground-truth").is_dir():
        print(f"eval: no WCXB data at {args.data}", file=sys.stderr)
        return 2
    truth = load_truth(args.data, args.subset)
    start = time.perf_counter()
    results = run_extractor(args.data, sorted(truth), args.processes)
    wall = time.perf_counter() - start
    report = score(truth, results)
    key = "full" if args.subset == 1 else f"subset_{args.subset}"
    baseline = json.loads(args.baseline.read_text(encoding="utf-8"))
    gate = baseline.get(key, {})
    print(f"WCXB dev ({key}): {report['pages']} pages, {report['article_pages']} articles")
    extra = ("author_where_stated", "date_where_stated", "seconds_per_page")
    for name in (*GATED, *extra, "language_detector_agreement"):
        pinned = gate.get("measured", {}).get(name)
        delta = f"  (baseline {pinned:.4f}, {report[name] - pinned:+.4f})" if pinned else ""
        print(f"  {name:<22} {report[name]:.4f}{delta}")
    print(f"  wall seconds           {wall:.1f} ({args.processes} processes)")
    for kind, share in report["kept_by_type"].items():
        print(f"  kept {kind:<17} {share:.3f}  detected {report['detected_by_type'][kind]}")
    for f1, pid in report["low_f1"]:
        print(f"  low word-F1 {f1:.3f}  {pid}")
    if args.json:
        args.json.write_text(json.dumps({"report": report, "fields": results}, default=str))
    failures = check_gate(report, gate) if gate else [f"no '{key}' gate in {args.baseline}"]
    if failures:
        for failure in failures:
            print(f"eval: WCXB GATE FAILED: {failure}", file=sys.stderr)
        return 1
    if args.update_baseline:
        measured = {name: report[name] for name in (*GATED, "seconds_per_page")}
        baseline[key] = {**gate, "pages": report["pages"], "measured": measured}
        args.baseline.write_text(json.dumps(baseline, indent=2) + "\n", encoding="utf-8")
        print(f"eval: baseline '{key}' measured values updated in {args.baseline}")
    print(f"eval: WCXB gate passed ({key})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
