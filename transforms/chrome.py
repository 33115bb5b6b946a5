"""Learned page chrome: lines that repeat across many pages of one site are removed.

Cookie banners, menus and newsletter boxes that the extractor lets through come back, word for
word, on page after page of one site, while reporting does not. Counted per (site, line hash)
in the pipeline itself, distributed and deterministic (sums do not depend on order):

    batch = articles | CountChromeLines()                  # ChromeCount rows: the `chrome` table
    totals = batch | AddStoredCounts(files, buckets)        # + the dataset's earlier batches
    clean = articles | RemoveChrome(totals, ChromeRule())

The rule (ChromeRule): a line is chrome for a site when at least `min_pages` of its pages and
`min_share` of them hold it. Grouping never sees a chrome line. The stored text loses them too,
unless they make up more than `max_page_share` of the page's words: then the page is stored as
extracted (a page that is mostly what its site repeats is a copy of a repeated page, or has no
text of its own), while grouping reads what is left (maybe nothing: a story of its own). An
article is never dropped.

A line on `min_pages` pages but under the share (a consent overlay a site shows on some pages
only, a promo box) stays in the text, except on a page where such lines hold more than
`repeated_share` of the tokens left: that page is grouped on its own lines alone and stored as
it was. Two short pages of one site that share only those lines (and a dateline) would
otherwise reach the containment threshold together (0.35 caught every such merge of the
100,000-document syndication corpus and changed no grouping at 10,000; BENCHMARKS.md).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import apache_beam as beam
from wirestory.transforms.edges import strip_edge_metadata
from wirestory.transforms.extractors import count_words
from wirestory.transforms.history import BucketFiles
from wirestory.transforms.records import ExtractedArticle
from wirestory.transforms.signatures import normalise

_NO_SITE = ""
_SPACE = re.compile(r"\s+")


class ChromeCount(NamedTuple):
    """How many pages of a site hold a line (line_hash ""), or how many pages the site has."""

    site: str
    line_hash: str
    pages: int


@dataclasses.dataclass(frozen=True)
class ChromeRule:
    """When a line is chrome for a site, and when a page keeps it anyway."""

    min_pages: int = 5  # a site with fewer pages than this never loses a line
    min_share: float = 0.3  # of the site's pages
    max_page_share: float = 0.8  # a page more chrome than this is stored as extracted
    repeated_share: float = 0.35  # a page more repeated lines than this is grouped on its own

    def floor(self, site_pages: int) -> float:
        """Pages that must hold a line of a site with site_pages pages for it to be chrome."""
        return max(self.min_pages, self.min_share * site_pages)


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


def chrome_bucket(site: str, digest: str, buckets: int) -> int:
    """Bucket of a (site, line hash) key in the `chrome` table."""
    key = f"{site}\0{digest}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=4).digest(), "big") % buckets


def page_lines(article: ExtractedArticle) -> list[str]:
    """The distinct line hashes of an article, sorted."""
    return sorted({line_hash(line) for line in article.text.splitlines() if line.strip()})


def _page_counts(article: ExtractedArticle) -> Iterator[tuple[tuple[str, str], int]]:
    site = site_of(article)
    if site == _NO_SITE:
        return
    yield (site, ""), 1
    for digest in page_lines(article):
        yield (site, digest), 1


class CountChromeLines(beam.PTransform):
    """ExtractedArticle -> ChromeCount per (site, line hash) and per site (line_hash "")."""

    def expand(self, articles: beam.PCollection) -> beam.PCollection:
        return (
            articles
            | "PageLines" >> beam.FlatMap(_page_counts)
            | "Sum" >> beam.CombinePerKey(sum)
            | "AsRows" >> beam.MapTuple(lambda key, pages: ChromeCount(key[0], key[1], pages))
        )


def chrome_row(count: ChromeCount, batch: int, buckets: int) -> dict[str, Any]:
    """The `chrome` table row of one batch count."""
    bucket = chrome_bucket(count.site, count.line_hash, buckets)
    return {**count._asdict(), "bucket": bucket, "batch": batch}


class LookupChromeFn(beam.DoFn):
    """Per chrome bucket: each batch count plus the pages the dataset's batches counted."""

    def __init__(self, files: BucketFiles) -> None:
        self._files = files

    def process(self, element: tuple[int, Iterable[ChromeCount]]) -> Iterator[ChromeCount]:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq
        from apache_beam.io.filesystems import FileSystems

        bucket, counts = element
        totals = {(c.site, c.line_hash): c.pages for c in counts}
        wanted = pa.array(sorted(f"{site}\0{digest}" for site, digest in totals))
        for path in self._files.get(bucket, ()):
            with FileSystems.open(path) as handle:
                columns = ["site", "line_hash", "pages"]
                for part in pq.ParquetFile(handle).iter_batches(65_536, columns=columns):
                    keys = pc.binary_join_element_wise(part["site"], part["line_hash"], "\0")
                    found = part.filter(pc.is_in(keys, value_set=wanted)).to_pydict()
                    for site, digest, pages in zip(*found.values(), strict=True):
                        totals[(site, digest)] += pages
        for (site, digest), pages in sorted(totals.items()):
            yield ChromeCount(site, digest, pages)


class AddStoredCounts(beam.PTransform):
    """A batch's ChromeCounts -> the same keys counted over the batch and the stored batches."""

    def __init__(self, files: BucketFiles, buckets: int) -> None:
        super().__init__()
        self._files = files
        self._buckets = buckets

    def expand(self, counts: beam.PCollection) -> beam.PCollection:
        if not any(self._files.values()):
            return counts  # a new dataset: nothing stored yet
        buckets = self._buckets
        return (
            counts
            | "KeyByBucket" >> beam.Map(lambda c: (chrome_bucket(c.site, c.line_hash, buckets), c))
            | "GroupBuckets" >> beam.GroupByKey()
            | "Lookup" >> beam.ParDo(LookupChromeFn(self._files))
        )


class SiteLines(NamedTuple):
    """A site's line hashes that its pages repeat: chrome, and repeated under the share."""

    chrome: frozenset[str]
    repeated: frozenset[str]


def site_lines(counts: Iterable[ChromeCount], rule: ChromeRule) -> SiteLines:
    """One site's chrome lines and its other lines on at least min_pages pages, under the rule."""
    rows = list(counts)
    floor = rule.floor(sum(c.pages for c in rows if c.line_hash == ""))
    frequent = [c for c in rows if c.line_hash and c.pages >= rule.min_pages]
    return SiteLines(
        frozenset(c.line_hash for c in frequent if c.pages >= floor),
        frozenset(c.line_hash for c in frequent if c.pages < floor),
    )


def _without_lines(text: str, hashes: frozenset[str]) -> str | None:
    """The text without the lines whose hash is in hashes; None when it holds none of them."""
    lines = text.splitlines()
    kept = [line for line in lines if line_hash(line) not in hashes]
    return None if len(kept) == len(lines) else "\n".join(kept).strip()


def _removed_share(before: str, after: str) -> float:
    """Share of the tokens removed, in the unit of shingles (a character in scripts without
    spaces)."""
    total = len(normalise(before))
    return (total - len(normalise(after))) / total if total else 0.0


def strip_chrome(
    article: ExtractedArticle, chrome: Iterable[str], max_page_share: float = 1.0
) -> ExtractedArticle:
    """The article without its chrome lines, and then without the page-metadata lines that were
    inside them (transforms/edges.py). Its text (what grouping reads) always loses them;
    when they hold more than max_page_share of its tokens, the text as extracted is kept for
    storage (`kept_text`)."""
    kept = _without_lines(article.text, frozenset(chrome))
    if kept is None:
        return article
    # Without the chrome around them, the page's headline and date lines may now be the edges.
    text = strip_edge_metadata(kept, article.title)
    mostly_chrome = _removed_share(article.text, text) > max_page_share
    return dataclasses.replace(
        article,
        text=text,
        word_count=count_words(text),
        kept_text=article.text if mostly_chrome else None,
    )


def group_on_own_lines(
    article: ExtractedArticle, repeated: Iterable[str], min_share: float
) -> ExtractedArticle:
    """The article grouped on its own lines alone when lines its site repeats hold more than
    min_share of its tokens (so 1 never applies); its stored text stays as it was."""
    repeated = frozenset(repeated)
    own, removed, total = [], 0, 0
    for line in article.text.splitlines():
        tokens = len(normalise(line))  # tokens never span lines: the text is read once
        total += tokens
        if line_hash(line) in repeated:
            removed += tokens
        else:
            own.append(line)
    if not total or removed <= min_share * total:
        return article
    text = strip_edge_metadata("\n".join(own).strip(), article.title)
    return dataclasses.replace(
        article, text=text, word_count=count_words(text), kept_text=article.stored_text()
    )


def clean_page(article: ExtractedArticle, lines: SiteLines, rule: ChromeRule) -> ExtractedArticle:
    """The article as grouping reads it (and stores it) under its site's repeated lines."""
    if lines.chrome:
        article = strip_chrome(article, lines.chrome, rule.max_page_share)
    if lines.repeated:
        article = group_on_own_lines(article, lines.repeated, rule.repeated_share)
    return article


def _site_lines(article: ExtractedArticle) -> Iterator[tuple[tuple[str, str], str]]:
    site = site_of(article)
    if site != _NO_SITE:
        for digest in page_lines(article):
            yield (site, digest), article.doc_id


def _chrome_hits(
    item: tuple[tuple[str, str], dict[str, Any]],
) -> Iterator[tuple[str, tuple[str, bool]]]:
    (_, digest), joined = item
    if joined["chrome"]:
        is_chrome = joined["chrome"][0]
        for doc_id in joined["docs"]:
            yield doc_id, (digest, is_chrome)


def _strip_joined(item: tuple[str, dict[str, Any]], rule: ChromeRule) -> Iterator[Any]:
    _, joined = item
    hits = joined["chrome"]
    lines = SiteLines(
        frozenset(digest for digest, is_chrome in hits if is_chrome),
        frozenset(digest for digest, is_chrome in hits if not is_chrome),
    )
    for article in joined["article"]:
        yield clean_page(article, lines, rule) if hits else article


class RemoveChrome(beam.PTransform):
    """ExtractedArticle -> ExtractedArticle without the lines its site repeats on many pages.

    Joins on keys only: (site, line hash) to find each page's chrome and repeated lines, then
    doc_id to strip them; the one side input is the page count of each site in the batch.
    """

    def __init__(self, totals: beam.PCollection, rule: ChromeRule | None = None) -> None:
        super().__init__()
        self._totals = totals
        self._rule = rule or ChromeRule()

    def expand(self, articles: beam.PCollection) -> beam.PCollection:
        rule = self._rule
        sites = (
            self._totals
            | "SitePages" >> beam.Filter(lambda c: c.line_hash == "")
            | "SiteEntry" >> beam.Map(lambda c: (c.site, c.pages))
        )
        chrome = (
            self._totals
            | "Frequent" >> beam.Filter(lambda c: c.line_hash != "" and c.pages >= rule.min_pages)
            | "OfSite"
            >> beam.Map(
                lambda c, pages: (c, c.pages >= rule.floor(pages.get(c.site, 0))),
                pages=beam.pvalue.AsDict(sites),
            )
            | "ChromeKey" >> beam.MapTuple(lambda c, is_chrome: ((c.site, c.line_hash), is_chrome))
        )
        hits = (
            {"chrome": chrome, "docs": articles | "SiteLines" >> beam.FlatMap(_site_lines)}
            | "JoinLines" >> beam.CoGroupByKey()
            | "Hits" >> beam.FlatMap(_chrome_hits)
        )
        return (
            {"article": articles | "ById" >> beam.Map(lambda a: (a.doc_id, a)), "chrome": hits}
            | "JoinPages" >> beam.CoGroupByKey()
            | "Strip" >> beam.FlatMap(_strip_joined, rule)
        )
