"""Learned page chrome: lines that repeat across many pages of one site are removed.

Cookie banners, menus and newsletter boxes that the extractor lets through come back, word for
word, on page after page of one site, while reporting does not. Counted per (site, line hash),
in the pipeline itself, distributed and deterministic:

    counts = articles | LearnChrome()                      # ChromeCount rows (keep them)
    clean = articles | RemoveChrome(counts, min_pages=3, min_share=0.3)

LearnChrome's rows can be stored with the dataset and flattened with the next run's
(`LearnChrome(previous=...)`), so incremental runs keep learning. Not wired into the pipeline
yet; an article is never dropped, and one whose every line is chrome is left as it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple
from urllib.parse import urlsplit

import apache_beam as beam
from wirestory.transforms.extractors import count_words
from wirestory.transforms.records import ExtractedArticle

_NO_SITE = ""
_SPACE = re.compile(r"\s+")


class ChromeCount(NamedTuple):
    """How many pages of a site hold a line (line_hash ""), or how many pages the site has."""

    site: str
    line_hash: str
    pages: int


def site_of(article: ExtractedArticle) -> str:
    """The site key: the URL's host without "www.", else the site name, else ""."""
    host = urlsplit(article.url).hostname if article.url and "//" in article.url else None
    if host:
        return host.lower().removeprefix("www.")
    return (article.sitename or _NO_SITE).strip().lower()


def line_hash(line: str) -> str:
    """16 hex chars of blake2b over the line, whitespace collapsed and case folded."""
    normal = _SPACE.sub(" ", line).strip().casefold()
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=8).hexdigest()


def _page_counts(article: ExtractedArticle) -> Iterator[tuple[tuple[str, str], int]]:
    site = site_of(article)
    if site == _NO_SITE:
        return
    yield (site, ""), 1
    for digest in sorted({line_hash(line) for line in article.text.splitlines() if line.strip()}):
        yield (site, digest), 1


class LearnChrome(beam.PTransform):
    """ExtractedArticle -> ChromeCount per (site, line hash) and per site (line_hash "")."""

    def __init__(self, previous: beam.PCollection | None = None) -> None:
        super().__init__()
        self._previous = previous

    def expand(self, articles: beam.PCollection) -> beam.PCollection:
        counts = articles | "PageLines" >> beam.FlatMap(_page_counts)
        if self._previous is not None:
            earlier = self._previous | "Previous" >> beam.Map(
                lambda c: ((c.site, c.line_hash), c.pages)
            )
            counts = (counts, earlier) | "WithPrevious" >> beam.Flatten()
        return (
            counts
            | "Sum" >> beam.CombinePerKey(sum)
            | "AsRows" >> beam.MapTuple(lambda key, pages: ChromeCount(key[0], key[1], pages))
        )


def chrome_lines(counts: Iterable[ChromeCount], min_pages: int, min_share: float) -> frozenset[str]:
    """Line hashes of one site found on at least min_pages pages and min_share of its pages."""
    rows = list(counts)
    total = sum(c.pages for c in rows if c.line_hash == "")
    floor = max(min_pages, min_share * total)
    return frozenset(c.line_hash for c in rows if c.line_hash and c.pages >= floor)


def strip_chrome(article: ExtractedArticle, chrome: frozenset[str]) -> ExtractedArticle:
    """The article without its chrome lines (unchanged when nothing else would be left)."""
    kept = [line for line in article.text.splitlines() if line_hash(line) not in chrome]
    if len(kept) == len(article.text.splitlines()) or not any(line.strip() for line in kept):
        return article
    text = "\n".join(kept)
    return dataclasses.replace(article, text=text, word_count=count_words(text))


class RemoveChrome(beam.PTransform):
    """ExtractedArticle -> ExtractedArticle without the lines its site repeats on many pages."""

    def __init__(self, counts: beam.PCollection, min_pages: int = 3, min_share: float = 0.3):
        super().__init__()
        self._counts = counts
        self._min_pages = min_pages
        self._min_share = min_share

    def expand(self, articles: beam.PCollection) -> beam.PCollection:
        min_pages, min_share = self._min_pages, self._min_share
        # Only a site's frequent lines travel: a line on fewer than min_pages pages never counts.
        chrome = (
            self._counts
            | "Frequent" >> beam.Filter(lambda c: c.line_hash == "" or c.pages >= min_pages)
            | "BySite" >> beam.Map(lambda c: (c.site, c))
        )
        keyed = articles | "KeyBySite" >> beam.Map(lambda a: (site_of(a), a))

        def clean(item: tuple[str, dict[str, list]]) -> Iterator[ExtractedArticle]:
            site, grouped = item
            lines = chrome_lines(grouped["counts"], min_pages, min_share) if site else frozenset()
            for article in grouped["articles"]:
                yield strip_chrome(article, lines) if lines else article

        return (
            {"articles": keyed, "counts": chrome}
            | "JoinSite" >> beam.CoGroupByKey()
            | "Strip" >> beam.FlatMap(clean)
        )
