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
    """Lines of an article text that are part of a piece of its template's text, or made of
    such pieces."""
    found = []
    for line in text.splitlines():
        normal = _normal(line)
        if not re.search(r"\w", normal):
            continue
        if any(normal in piece for piece in pieces):  # a piece the extractor cut into lines
            found.append(line)
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
    import pyarrow.parquet as pq

    files = list((dataset / table).rglob("*.parquet"))
    rows = sum(pq.ParquetFile(p).metadata.num_rows for p in files)
    return rows, sum(p.stat().st_size for p in files)


def read_rows(output: Path, corpus: Path) -> dict[str, dict[str, Any]]:
    """The run's articles keyed by corpus path, with the columns chrome removal needs."""
    import pyarrow.parquet as pq

    from benchmarks.dedup_metrics import relative_path

    columns = ["doc_id", "source_uri", "url", "sitename", "story_id", "is_canonical", "text"]
    columns += ["word_count", "published"]
    root = str(corpus.resolve())
    rows = pq.read_table(output / "articles", columns=columns).to_pylist()
    return {relative_path(r["source_uri"], root): r for r in rows}


def offline_chrome(rows: dict[str, dict[str, Any]], rule: Any) -> dict[str, dict[str, Any]]:
    """The rows with chrome removed as RemoveChrome does, in plain Python (one batch): the
    stored text as `text`, and (text, word count) as grouping reads them as `grouping`."""
    from collections import Counter, defaultdict

    from wirestory.transforms.chrome import ChromeCount, clean_page, site_lines, site_of
    from wirestory.transforms.chrome import page_lines as lines_of

    from benchmarks.dedup_metrics import article_of

    articles = {path: article_of(row) for path, row in rows.items()}
    counts: Counter[tuple[str, str]] = Counter()
    for a in articles.values():
        site = site_of(a)
        if site:
            counts.update([(site, ""), *((site, h) for h in lines_of(a))])
    by_site: dict[str, list[ChromeCount]] = defaultdict(list)
    for (site, digest), pages in counts.items():
        by_site[site].append(ChromeCount(site, digest, pages))
    repeated = {site: site_lines(c, rule) for site, c in by_site.items()}
    out = {}
    for path, a in articles.items():
        lines = repeated.get(site_of(a))
        clean = clean_page(a, lines, rule) if lines else a
        out[path] = {
            **rows[path],
            "text": clean.stored_text(),
            "word_count": clean.stored_words(),
            "grouping": (clean.text, clean.word_count),
        }
    return out


def score(rows: dict[str, dict[str, Any]], truth: dict[str, Any], offline: bool = False) -> dict:
    """Leak and grouping scores of article rows; with `offline`, the rows' texts are regrouped
    offline (dedup_offline reproduces the pipeline's grouping) instead of read as labelled."""
    from wirestory.transforms.signatures import MinHashParams, normalise

    from benchmarks.dedup_metrics import score_run
    from benchmarks.dedup_offline import Doc, group

    if offline:
        file_of = {r["doc_id"]: f for f, r in rows.items()}
        docs = sorted(
            (
                Doc(
                    r["doc_id"],
                    *r.get("grouping", (r["text"], r["word_count"])),
                    r["published"],
                    r.get("sitename"),
                    r.get("url"),
                )
                for r in rows.values()
            ),
            key=lambda d: d.doc_id,
        )
        by_doc, canonical_by_doc = group(docs, MinHashParams())
        labels = {file_of[d]: f"st_{label}" for d, label in by_doc.items()}
        canonical = {file_of[d]: flag for d, flag in canonical_by_doc.items()}
    else:
        labels = {f: r["story_id"] for f, r in rows.items()}
        canonical = {f: r["is_canonical"] for f, r in rows.items()}
    tokens = {f: normalise(r["text"]) for f, r in rows.items()}
    result = score_run(truth, labels, canonical, tokens)
    pairs = result["pairs"]
    return {
        "leak": leak(rows, truth),
        "precision": pairs.precision,
        "recall": pairs.recall,
        "f1": pairs.f1,
        "template_merges": result["template_merges"],
        "precision_by_kind": result["precision_by_kind"],
        "labels": labels,
    }


START, END = "<!-- chrome:start -->", "<!-- chrome:end -->"


def bench_corpus(corpus: Path, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Every requested run on one corpus, plus "on (offline)" from the "off" run's texts."""
    from wirestory.transforms.chrome import ChromeRule

    from benchmarks.bench_speed import run_wirestory
    from benchmarks.synd_corpus import load_truth, truth_path_for

    truth = load_truth(truth_path_for(corpus))
    results: dict[str, dict[str, Any]] = {}
    runs = {"off": ["--chrome-min-pages", "0"], "on": []}
    for label in args.runs.split(","):
        output = args.work_dir / f"out-{corpus.name}-{label}"
        seconds = None
        if not (args.reuse_run and (output / "manifest.json").is_file()):
            print(f"chrome removal {label}: wirestory run on {corpus}", flush=True)
            extra = ["--overwrite", "--quiet", *runs[label]]
            seconds = run_wirestory(corpus, output, args.workers, extra).seconds
        rows = read_rows(output, corpus)
        results[label] = {**score(rows, truth), "seconds": seconds}
        results[label]["chrome_table"] = _table_bytes(output, "chrome")
        results[label]["documents_table"] = _table_bytes(output, "documents")
        if label == "off":
            # The same texts with chrome removed, regrouped offline: the "on" numbers without
            # a second extraction (checked against the pipeline's when both runs are made).
            results["on (offline)"] = score(offline_chrome(rows, ChromeRule()), truth, True)
            same = score(rows, truth, True)["labels"] == results["off"]["labels"]
            results["off"]["offline_reproduces_run"] = same
    if "on" in results and "on (offline)" in results:
        agree = results["on"]["labels"] == results["on (offline)"]["labels"]
        results["on"]["offline_reproduces_run"] = agree
    for r in results.values():
        r.pop("labels")
    return results


def render(by_corpus: dict[str, dict[str, dict[str, Any]]], command: str) -> str:
    """The BENCHMARKS.md section."""
    lines = [
        START,
        "## Page chrome",
        "",
        f"Regenerate: `{command}`",
        "",
        'Lines a site repeats on many pages are removed before grouping (README, "Page chrome"):',
        "`wirestory run` with `--chrome-min-pages 0` (off) and at the defaults (on: 5 pages and",
        "30% of the site's pages; a page more than 80% chrome is stored whole, grouping never",
        "sees chrome). `on (offline)`: the off run's texts with chrome removed by the same",
        "functions and regrouped offline (`dedup_offline`, which reproduces the pipeline's",
        "groups). Leak: stored HTML articles with a line of their outlet's template text",
        "(near-empty pages aside), and chrome words over all their words. The `<div><span>`",
        "outlet (Lakeside Ledger) has the consent banner and the menu that the extractor keeps;",
        "the corpus before it (7 templates, `old`) is the one of the sections above, generated",
        "by the generator before that outlet. `off` is the pipeline as it was before chrome",
        "removal. Without it, the Lakeside Ledger's short pages and its near-empty pages, whose",
        "text is mostly banner and menu, join each other by that text alone (template merges).",
        "The template merges left on `old` are two Metro Portal pages whose consent overlay the",
        "extractor keeps on its short pages only (~1% of that site's pages): under the 30%",
        "share, not learned. Since then such a page, much made of lines its site repeats on",
        '5+ pages, is grouped on its own lines (README, "Repeated lines on short pages"; the',
        '100,000-document rows of "Grouping quality at the defaults"); these rows predate it.',
        "",
        "| corpus | chrome removal | HTML articles with chrome | chrome words | precision "
        "| recall | F1 | template merges | reproduced offline |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, results in by_corpus.items():
        for label, r in results.items():
            lk = r["leak"]
            same = r.get("offline_reproduces_run")
            lines.append(
                f"| {name} | {label} | {lk['share']:.3f} ({lk['leaked']}/{lk['pages']}) "
                f"| {lk['chrome_words_share']:.4f} | {r['precision']:.4f} | {r['recall']:.4f} "
                f"| {r['f1']:.4f} | {r['template_merges']} "
                f"| {'' if same is None else 'yes' if same else 'no'} |"
            )
    lines += ["", "Leak by outlet (HTML articles with chrome, off -> on):", ""]
    for name, results in by_corpus.items():
        off = results["off"]["leak"]["by_outlet"]
        on = results.get("on", results["on (offline)"])["leak"]["by_outlet"]
        parts = [
            f"{o} {off[o]['leaked']}/{off[o]['pages']} -> {on[o]['leaked']}"
            for o in sorted(off)
            if off[o]["leaked"] or on[o]["leaked"]
        ]
        lines.append(f"- {name}: " + ", ".join(parts))
    lines.append("")
    for name, results in by_corpus.items():
        rows, size = results["off"]["chrome_table"]
        docs, doc_size = results["off"]["documents_table"]
        lines.append(
            f"- {name}: the `chrome` table holds {rows:,} rows ({size / 1e6:.1f} MB), the "
            f"`documents` index {docs:,} rows ({doc_size / 1e6:.1f} MB)."
        )
    return "\n".join([*lines, END])


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    text = (
        pattern.sub(lambda _: section, text)
        if pattern.search(text)
        else (text.rstrip() + "\n\n" + section)
    )
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=10000)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument(
        "--corpus", type=Path, action="append", help="An existing corpus (truth beside it)."
    )
    p.add_argument("--work-dir", type=Path, default=PROJECT / ".bench" / "chrome")
    p.add_argument("--workers", type=int)
    p.add_argument("--runs", default="off,on", help="Pipeline runs: off, on or off,on.")
    p.add_argument("--reuse-run", action="store_true", help="Reuse existing run outputs.")
    p.add_argument("--json", type=Path, help="Also write the results here.")
    p.add_argument("--output", type=Path, help="Write the section into this BENCHMARKS.md.")
    p.add_argument("--from-json", type=Path, action="append", help="Render saved --json files.")
    p.add_argument("--command", help="The command to name in the section (default: this one).")
    args = p.parse_args(argv)
    cmd = [args.command] if args.command else (argv or sys.argv[1:])
    if args.from_json:  # render saved results: {corpus name: results} per file
        by_corpus = {
            k: v for path in args.from_json for k, v in json.loads(path.read_text()).items()
        }
        section = render(by_corpus, " ".join([".venv/bin/python -m benchmarks.bench_chrome", *cmd]))
        print(section)
        if args.output:
            write_section(args.output, section)
        return 0
    corpora = args.corpus
    if not corpora:
        from benchmarks.synd_corpus import ensure_corpus

        corpora = [args.work_dir / f"corpus-{args.docs}-s{args.seed}"]
        ensure_corpus(corpora[0], args.docs, args.seed)
    by_corpus = {c.name: bench_corpus(c, args) for c in corpora}
    if args.json:
        args.json.write_text(json.dumps(by_corpus, indent=2, default=str), encoding="utf-8")
    command = " ".join([".venv/bin/python -m benchmarks.bench_chrome", *cmd])
    section = render(by_corpus, command)
    print(section)
    if args.output:
        write_section(args.output, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
