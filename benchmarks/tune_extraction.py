"""Extraction settings on WCXB dev articles and the 181-page benchmark together: a fast loop.

Each trafilatura pass (one set of options) runs once over the pages of both sets and is cached
in .bench/tune/ (text and CPU seconds per page); strategies that combine passes (a second pass
when the first text is short, a choice between candidates) are then scored from that cache in
seconds. WCXB dev articles are split into two fixed halves by page id (A: even, B: odd): tune
on A, confirm on B. Scores: WCXB word-F1 (benchmarks/eval_wcxb.py) and the 181-page shingle F1
(benchmarks/eval_extraction.py), on the extracted text alone (no page-type rejects: run
eval_wcxb.py for the pipeline's numbers). Time: CPU seconds per page of the passes a strategy
runs, so other load on the machine does not blur the comparison. Delete .bench/tune/ after a
change to trafilatura or to the pipeline's text clean-up to run the passes again.

Other extractors (OTHERS: resiliparse, readability, jusText, boilerpy3, goose3, trafilatura's
baseline and html2txt) are passes too, to measure them alone and the pipeline's consensus vote
(transforms/consensus.py); boilerpy3 and goose3 are not project dependencies: install them to run
their passes.

    python -m benchmarks.tune_extraction            # run missing passes, print the table
    python -m benchmarks.tune_extraction --markdown # the same as a Markdown table
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wirestory.transforms.consensus import consensus_text
from wirestory.transforms.extractors import (
    count_words,
    drop_repeated_lines,
    strip_xml_prolog,
    tidy_paragraphs,
)

from benchmarks import eval_extraction, eval_wcxb

PROJECT = Path(__file__).resolve().parents[1]
CACHE = PROJECT / ".bench" / "tune"
BASE = {"include_comments": False, "deduplicate": False, "with_metadata": True}
# Passes: name -> trafilatura options on top of BASE.
PASSES: dict[str, dict[str, Any]] = {
    "default": {"fast": False},
    "fast": {"fast": True},
    "recall": {"fast": False, "favor_recall": True},
    "precision": {"fast": False, "favor_precision": True},
    "no_tables": {"fast": False, "include_tables": False},
    # The pipeline's second pass: the same text as "recall", without trafilatura's metadata.
    "recall_text": {"fast": False, "favor_recall": True, "with_metadata": False},
}


def _resiliparse(html: str, **options: Any) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, main_content=True, **options)


def _readability(html: str) -> str:
    from readability import Document
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(Document(html).summary(html_partial=True), alt_texts=False)


def _justext(html: str) -> str:
    import justext

    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def _boilerpy3(html: str) -> str:
    from boilerpy3 import extractors

    return extractors.ArticleExtractor(raise_on_failure=False).get_content(html)


def _goose(html: str) -> str:
    from goose3 import Goose

    with Goose() as goose:
        return goose.extract(raw_html=html).cleaned_text


def _baseline(html: str) -> str:
    from trafilatura import baseline

    return baseline(html)[1]


def _html2txt(html: str) -> str:
    from trafilatura import html2txt

    return html2txt(html)


# Other extractors: name -> function of the page's HTML to its text (measured, not in the pipeline).
OTHERS: dict[str, Callable[[str], str]] = {
    "resiliparse": _resiliparse,
    "resiliparse_noalt": lambda html: _resiliparse(html, alt_texts=False),
    "readability": _readability,
    "justext": _justext,
    "boilerpy3": _boilerpy3,
    "goose3": _goose,
    "tf_baseline": _baseline,
    "tf_html2txt": _html2txt,
}


@dataclass(frozen=True)
class Page:
    """One page of either set: its id ('w:0001' or 'a:<id>'), HTML and reference text."""

    key: str
    html: str
    truth: str


def load_pages() -> list[Page]:
    """Both sets' article pages, decoded once and cached."""
    cache = CACHE / "pages.pkl"
    if cache.is_file():
        return pickle.loads(cache.read_bytes())
    pages = []
    wcxb = eval_wcxb.load_truth(eval_wcxb.DEFAULT_DATA)
    for pid, truth in sorted(wcxb.items()):
        if truth.page_type == eval_wcxb.ARTICLE:
            raw = (eval_wcxb.DEFAULT_DATA / "html" / f"{pid}.html.gz").read_bytes()
            html = gzip.decompress(raw).decode("utf-8", errors="replace")
            pages.append(Page(f"w:{pid}", strip_xml_prolog(html), truth.content))
    bench = eval_extraction.DEFAULT_BENCHMARK
    for pid, body in sorted(eval_extraction.load_truth(bench).items()):
        raw = (bench / "html" / f"{pid}.html.gz").read_bytes()
        html = gzip.decompress(raw).decode("utf-8", errors="replace")
        pages.append(Page(f"a:{pid}", strip_xml_prolog(html), body))
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(pages))
    return pages


def _run_pass(job: tuple[str, str, str]) -> tuple[str, dict[str, Any]]:
    """One page through one pass: text, words, CPU seconds (and the page's body words)."""
    key, html, name = job
    start = time.process_time()
    if name == "signals":
        from wirestory.transforms.metadata import parse_tree
        from wirestory.transforms.pagetype import page_signals

        tree = parse_tree(html)
        words = page_signals(tree).body_words if tree is not None else 0
        return key, {"body_words": words, "cpu": time.process_time() - start}
    if name in OTHERS:
        try:
            text = tidy_paragraphs(OTHERS[name](html) or "")
        except ImportError:  # not installed: no pass rather than a cached empty one
            raise
        except Exception:  # a crash is an empty text
            text = ""
        return key, {"text": text, "words": count_words(text), "cpu": time.process_time() - start}
    from wirestory.transforms.extractors import _trafilatura

    lib = _trafilatura()
    options = {**BASE, **PASSES[name]}
    try:
        result = lib["extract"](html, config=lib["config"], **options)
    except Exception:  # a crash is an empty text, as the pipeline's reject
        result = None
    text = tidy_paragraphs(result.text or "") if result is not None else ""
    return key, {"text": text, "words": count_words(text), "cpu": time.process_time() - start}


def load_pass(name: str, pages: list[Page], processes: int) -> dict[str, dict[str, Any]]:
    """A pass's results per page key, run and cached on first use."""
    cache = CACHE / f"pass-{name}.json"
    if cache.is_file():
        return json.loads(cache.read_text(encoding="utf-8"))
    start = time.perf_counter()
    jobs = [(p.key, p.html, name) for p in pages]
    with ProcessPoolExecutor(max_workers=processes) as pool:
        results = dict(pool.map(_run_pass, jobs, chunksize=8))
    cache.write_text(json.dumps(results), encoding="utf-8")
    print(f"pass {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return results


# A strategy picks one page's text from the cached passes; it returns (text, passes it ran).
Strategy = Callable[[str, dict[str, dict[str, dict[str, Any]]]], tuple[str, list[str]]]


def single(name: str) -> Strategy:
    return lambda key, runs: (runs[name][key]["text"], [name])


def retry(share: float, ratio: float, repeat_min_words: int | None = None) -> Strategy:
    """The pipeline's rule: a favor_recall pass when the default text holds under `share` of
    the page's words; its text wins when the first is under `ratio` of its length. Then, with
    `repeat_min_words`, repeated lines are dropped (extractors.drop_repeated_lines)."""

    def pick(key: str, runs: dict[str, dict[str, dict[str, Any]]]) -> tuple[str, list[str]]:
        one, ran = runs["default"][key], ["default"]
        text = one["text"]
        if one["words"] < share * runs["signals"][key]["body_words"]:
            two = runs["recall_text"][key]
            ran.append("recall_text")
            text = two["text"] if one["words"] < ratio * two["words"] else text
        if repeat_min_words is not None:
            text = drop_repeated_lines(text, repeat_min_words)
        return text, ran

    return pick


# The pipeline's other extractors (transforms/consensus.py OTHERS, same order) as cached passes.
CONSENSUS_PASSES = ("resiliparse_noalt", "tf_baseline", "justext", "readability")


def consensus(agree: float, pair: float, share: float = 0.7, ratio: float = 0.9) -> Strategy:
    """The pipeline's rule after `retry`: the other extractors' consensus text replaces the
    first when none of them agrees with it (transforms/consensus.consensus_text)."""
    first = retry(share, ratio, 10)

    def pick(key: str, runs: dict[str, dict[str, dict[str, Any]]]) -> tuple[str, list[str]]:
        text, ran = first(key, runs)

        def others() -> Iterator[tuple[str, str]]:
            for name in CONSENSUS_PASSES:
                ran.append(name)
                yield name, runs[name][key]["text"]

        agreed = consensus_text(text, others(), agree, pair)
        if agreed is not None:
            text = drop_repeated_lines(tidy_paragraphs(agreed), 10)
        return text, ran

    return pick


def strategies() -> dict[str, tuple[Strategy, list[str]]]:
    """Candidate strategies and the passes each needs."""
    out: dict[str, tuple[Strategy, list[str]]] = {
        name: (single(name), [name]) for name in PASSES if name != "recall_text"
    }
    out.update({name: (single(name), [name]) for name in OTHERS})
    needs = ["default", "recall_text", "signals"]
    for share, ratio in ((0.5, 0.5), (0.5, 0.7), (0.7, 0.7), (0.7, 0.9), (0.7, 1.0), (1.0, 0.9)):
        out[f"default, recall if <{share} of page, wins <{ratio}"] = (retry(share, ratio), needs)
    for share, ratio in ((0.5, 0.5), (0.7, 0.9)):
        name = f"default, recall if <{share} of page, wins <{ratio}, repeats dropped"
        out[name] = (retry(share, ratio, 10), needs)
    needs = [*needs, *CONSENSUS_PASSES]
    for agree, pair in ((0.9, 0.9), (0.925, 0.9), (0.925, 0.85), (0.95, 0.9)):
        name = f"the above, consensus if none agrees >={agree}, pair >={pair}"
        out[name] = (consensus(agree, pair), needs)
    return out


def score(pages: list[Page], texts: dict[str, str]) -> dict[str, float]:
    """WCXB word-F1 on halves A, B and all; the 181-page shingle F1."""
    halves: dict[str, list[float]] = {"A": [], "B": []}
    truth, predicted = {}, {}
    for page in pages:
        if page.key.startswith("w:"):
            half = "A" if int(page.key[2:]) % 2 == 0 else "B"
            halves[half].append(eval_wcxb.word_f1(texts[page.key], page.truth))
        else:
            truth[page.key], predicted[page.key] = page.truth, texts[page.key]
    a, b = halves["A"], halves["B"]
    return {
        "wcxb_a": sum(a) / len(a),
        "wcxb_b": sum(b) / len(b),
        "wcxb": (sum(a) + sum(b)) / (len(a) + len(b)),
        "aeb": eval_extraction.evaluate(truth, predicted).f1,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2, help="Pass processes (<= 2).")
    parser.add_argument("--only", nargs="*", help="Score only these strategies.")
    parser.add_argument("--markdown", action="store_true", help="Print a Markdown table.")
    args = parser.parse_args(argv)
    pages = load_pages()
    table = strategies()
    names = args.only or list(table)
    runs = {}
    for name in names:
        for needed in table[name][1]:
            if needed not in runs:
                runs[needed] = load_pass(needed, pages, max(1, min(args.processes, 2)))
    if args.markdown:
        print("| setting | WCXB A | WCXB B | WCXB all | 181-page F1 | CPU s/page |")
        print("|---|---|---|---|---|---|")
    for name in names:
        strategy = table[name][0]
        texts, cpu = {}, 0.0
        for page in pages:
            texts[page.key], ran = strategy(page.key, runs)
            cpu += sum(runs[r][page.key]["cpu"] for r in ran)
        s = score(pages, texts)
        row = (s["wcxb_a"], s["wcxb_b"], s["wcxb"], s["aeb"], cpu / len(pages))
        if args.markdown:
            print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in row) + " |")
        else:
            print(f"{name:<28}" + "".join(f"{v:8.4f}" for v in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
