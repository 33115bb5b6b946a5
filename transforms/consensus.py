"""A second opinion on trafilatura's main text: other extractors, and a vote among them.

trafilatura's text is kept whenever one of the other extractors agrees with it (bag-of-words
F1 of at least `agree`). When none does, but two of the others agree with each other (at least
`pair`), trafilatura is the odd one out on this page: the other extractors' consensus text (the
one closest to the rest of them) replaces it. The others run cheapest first and stop at the
first that agrees with trafilatura, so most pages pay only for resiliparse (a few ms).

Chosen on WCXB dev's even page ids and the 181-page benchmark, confirmed on the odd ids
(benchmarks/tune_extraction.py, BENCHMARKS.md). Nothing here knows a site or a benchmark page.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

_WORD = re.compile(r"\w+")
_LIBS: dict[str, Any] = {}


def _libs() -> dict[str, Any]:
    """Imports the other extractors once per process (the extractor child pays it once)."""
    if not _LIBS:
        import justext
        from readability import Document
        from resiliparse.extract.html2text import extract_plain_text
        from trafilatura import baseline

        logging.getLogger("readability").setLevel(logging.CRITICAL)
        _LIBS.update(
            plain_text=extract_plain_text,
            document=Document,
            justext=justext.justext,
            stoplist=justext.get_stoplist("English"),
            baseline=baseline,
        )
    return _LIBS


def _resiliparse(html: str) -> str:
    return _libs()["plain_text"](html, main_content=True, alt_texts=False)


def _trafilatura_baseline(html: str) -> str:
    return _libs()["baseline"](html)[1]


def _justext(html: str) -> str:
    lib = _libs()
    paragraphs = lib["justext"](html.encode("utf-8", errors="replace"), lib["stoplist"])
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def _readability(html: str) -> str:
    lib = _libs()
    summary = lib["document"](html).summary(html_partial=True)
    return lib["plain_text"](summary, alt_texts=False)


# The other extractors, cheapest first (CPU ms per page on WCXB dev: ~3, ~16, ~20, ~25).
OTHERS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("resiliparse", _resiliparse),
    ("trafilatura_baseline", _trafilatura_baseline),
    ("justext", _justext),
    ("readability", _readability),
)


def word_bag(text: str) -> Counter[str]:
    """Lowercased \\w+ tokens with their counts."""
    return Counter(_WORD.findall(text.lower()))


def bag_f1(a: Counter[str], b: Counter[str]) -> float:
    """Bag-of-words F1 of two texts' word bags (0 when either is empty)."""
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def other_texts(html: str) -> Iterator[tuple[str, str]]:
    """(name, text) of each other extractor in cost order; a crash gives an empty text."""
    for name, extract in OTHERS:
        try:
            text = extract(html) or ""
        except Exception:  # a library failing on odd markup only loses its vote
            text = ""
        yield name, text


def consensus_text(
    text: str, others: Iterator[tuple[str, str]], agree: float, pair: float
) -> str | None:
    """The others' consensus text when `text` is the odd one out; None to keep `text`.

    `others` is consumed lazily: it stops at the first text that agrees with `text`.
    """
    mine = word_bag(text)
    bags: list[tuple[str, Counter[str]]] = []
    for _name, candidate in others:
        bag = word_bag(candidate)
        if bag_f1(mine, bag) >= agree:
            return None
        bags.append((candidate, bag))
    similar = [
        [bag_f1(a, b) if i != j else 0.0 for j, (_, b) in enumerate(bags)]
        for i, (_, a) in enumerate(bags)
    ]
    backed = [i for i, row in enumerate(similar) if max(row, default=0.0) >= pair]
    if not backed:
        return None
    # The backed text closest to all the others (first in cost order on a tie).
    best = max(backed, key=lambda i: (sum(similar[i]), -i))
    return bags[best][0]
