"""Beam-free extraction of one document: what the isolated extractor process runs.

Kept apart from the Beam transform so the child process imports only trafilatura.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass
from typing import Any

from wirestory.transforms.consensus import consensus_text, other_texts
from wirestory.transforms.dates import vote_date
from wirestory.transforms.edges import strip_edge_metadata
from wirestory.transforms.language import article_language, declared_language, detect_language
from wirestory.transforms.metadata import clean_author, page_metadata, parse_tree
from wirestory.transforms.pagetype import ARTICLE, page_signals, page_type
from wirestory.transforms.plaintext import clean_plain_text

_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.I)
_WORD = re.compile(r"\w+")
# Whitespace, a byte-order mark, comments and processing instructions may precede the DOCTYPE.
_XML_PROLOG = re.compile(
    r"^(?:\s|\ufeff|<!--.*?-->|<\?[^>]*>)*(<!DOCTYPE[^\[>]*(\[.*?\])?\s*>)?", re.I | re.S
)


@dataclass(frozen=True)
class ExtractionSettings:
    """Extraction settings, chosen on the article-extraction benchmark and WCXB dev together.

    fast=False (trafilatura's fallback extractors) scores WCXB word-F1 0.937 vs 0.915 for
    fast=True, for 0.960 vs 0.962 on the 181 pages. When the text holds under
    `second_pass_share` of the page's words, a favor_recall pass runs too (text only) and wins
    when the first text is under `second_pass_ratio` of its length. A line of at least
    `repeat_min_words` words that repeats an earlier line of the same text is dropped. When no
    other extractor agrees with that text (word-bag F1 under `consensus_agree`) but two of them
    agree with each other (at least `consensus_pair`), their consensus text replaces it
    (transforms/consensus.py; `consensus_agree=0` turns this off). Measured in BENCHMARKS.md
    (benchmarks/tune_extraction.py).
    """

    fast: bool = False
    include_tables: bool = True
    second_pass_share: float = 0.7
    second_pass_ratio: float = 0.9
    repeat_min_words: int = 10
    consensus_agree: float = 0.925
    consensus_pair: float = 0.9
    detect_page_type: bool = True
    strip_edge_metadata: bool = True  # the page's headline and date lines (transforms/edges.py)
    max_seconds: float = 20.0
    max_memory_bytes: int = 2 * 1024**3


def count_words(text: str) -> int:
    """Counts \\w+ tokens, the unit used for word_count and shingles."""
    return len(_WORD.findall(text))


def tidy_paragraphs(text: str) -> str:
    """Strips every line, drops empty ones and joins paragraphs with single newlines."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def drop_repeated_lines(text: str, min_words: int) -> str:
    """Drops each line of `min_words` or more words that repeats an earlier line of the text.

    Compared on lowercased \\w+ tokens. A page's own template repeated inside the extracted
    block (a footer or call to action printed two or three times) is not the article's text.
    """
    seen: set[tuple[str, ...]] = set()
    kept = []
    for line in text.splitlines():
        key = tuple(_WORD.findall(line.lower()))
        if len(key) >= min_words:
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    return "\n".join(kept)


def parse_date(value: str | None) -> datetime.date | None:
    """Parses trafilatura's YYYY-MM-DD date, None when absent or invalid."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def strip_xml_prolog(html: str) -> str:
    """Drops the prolog (XML declaration, comments, DOCTYPE with any entity subset) before parsing.

    lxml's HTML parser refuses such pages outright; removing the subset also guarantees that
    no entity (external file, or billion-laughs expansion) is ever defined, let alone expanded.
    """
    head = html[:65536]
    stripped = _XML_PROLOG.sub("", head, count=1)
    return stripped + html[65536:] if stripped != head else html


def html_language(html: str) -> str | None:
    """Primary language subtag from <html lang=...>, the cheap signal pages carry."""
    match = _HTML_LANG.search(html[:20000])
    return match.group(1).lower() if match else None


_TRAFILATURA: dict[str, Any] = {}


def _trafilatura() -> dict[str, Any]:
    """Imports and configures trafilatura once per process."""
    if not _TRAFILATURA:
        from copy import deepcopy

        from trafilatura import bare_extraction
        from trafilatura.settings import DEFAULT_CONFIG

        # Its per-page complaints would flood the run's log; rejects carry the outcome.
        for name in ("trafilatura", "htmldate", "courlan", "justext"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        config = deepcopy(DEFAULT_CONFIG)
        # Its own timeout uses SIGALRM; our limit is enforced from the parent process instead.
        config["DEFAULT"]["extraction_timeout"] = "0"
        _TRAFILATURA.update(extract=bare_extraction, config=config)
    return _TRAFILATURA


def extract_document(kind: str, content: str, settings: ExtractionSettings) -> dict[str, Any]:
    """Extracts one document into plain values (lxml objects do not pickle); text may be ''."""
    fields = _extract_fields(kind, content, settings)
    # Counted here, in the extractor processes, which run in parallel with the Beam worker.
    fields["word_count"] = count_words(fields["text"])
    return fields


def _extract_fields(kind: str, content: str, settings: ExtractionSettings) -> dict[str, Any]:
    """The extracted text and metadata fields of one document."""
    if kind == "clean":
        text = tidy_paragraphs(content)
        return {"text": text, "language": detect_language(text)}
    if kind != "html":
        cleaned = clean_plain_text(content)
        text = tidy_paragraphs(cleaned.text)
        return {
            "url": cleaned.url,
            "title": cleaned.title,
            "author": cleaned.author,
            "published": cleaned.published,
            "sitename": None,
            "language": detect_language(text),
            "text": text,
        }
    html = strip_xml_prolog(content)
    tree = parse_tree(html)
    if tree is None:
        return {"text": ""}
    meta = page_metadata(tree)
    signals = page_signals(tree)  # after the metadata: it blanks script elements
    result = _trafilatura_pass(html, settings, favor_recall=False, with_metadata=True)
    text = tidy_paragraphs(result.text or "") if result is not None else ""
    words = count_words(text)
    if words < settings.second_pass_share * signals.body_words:
        # Its metadata only when the first pass found nothing (the text is the same either way).
        second = _trafilatura_pass(html, settings, favor_recall=True, with_metadata=result is None)
        second_text = tidy_paragraphs(second.text or "") if second is not None else ""
        if words < settings.second_pass_ratio * count_words(second_text):
            text = second_text
            result = result if result is not None else second
    text = drop_repeated_lines(text, settings.repeat_min_words)
    kind = page_type(meta, signals, count_words(text)) if settings.detect_page_type else ARTICLE
    # The other extractors vote only on articles: a rejected page's text is never kept.
    if result is not None and kind == ARTICLE and settings.consensus_agree > 0:
        agreed = consensus_text(
            text, other_texts(html), settings.consensus_agree, settings.consensus_pair
        )
        if agreed is not None:
            text = drop_repeated_lines(tidy_paragraphs(agreed), settings.repeat_min_words)
            if settings.detect_page_type:
                kind = page_type(meta, signals, count_words(text))
    if result is None:
        return {"text": "", "page_type": kind}
    title = meta.title or result.title or None
    if settings.strip_edge_metadata:
        text = strip_edge_metadata(text, title)
    declared = declared_language(meta.language or html_language(content))
    # What the markup states (JSON-LD, meta tags, <h1>, <time>) beats trafilatura's guesses.
    return {
        "url": meta.url or result.url or None,
        "title": title,
        "author": meta.author or clean_author(result.author),
        "published": vote_date({**meta.date_signals, "guess": _guessed_date(result.date)}),
        "sitename": meta.sitename or result.sitename or None,
        "language": article_language(declared, text),
        "language_declared": declared,
        "text": text,
        "page_type": kind,
    }


def _guessed_date(value: str | None) -> datetime.date | None:
    """trafilatura's (htmldate's) date, unless it is a bare year completed to January 1.

    htmldate completes a year alone (often the copyright line) to YYYY-01-01; on WCXB dev
    articles whose markup states no date, 57 of 64 such dates were wrong.
    """
    date = parse_date(value)
    return None if date is None or (date.month, date.day) == (1, 1) else date


def _trafilatura_pass(
    html: str, settings: ExtractionSettings, favor_recall: bool, with_metadata: bool
) -> Any:
    lib = _trafilatura()
    return lib["extract"](
        html,
        fast=settings.fast,
        favor_recall=favor_recall,
        with_metadata=with_metadata,
        include_comments=False,
        include_tables=settings.include_tables,
        deduplicate=False,
        config=lib["config"],
    )
