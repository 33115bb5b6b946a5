"""The pipeline of one ingest batch: new inputs -> rows and index files for one dataset commit.

Workers write every table's Parquet files and a small JSON summary (counts, the files written,
the rows the launcher merges into `stories`); pipeline/dataset.py then commits them.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from wirestory.pipeline.assembly import GroupStories
from wirestory.pipeline.options import WirestoryOptions
from wirestory.transforms.chrome import AddStoredCounts, CountChromeLines, RemoveChrome, chrome_row
from wirestory.transforms.containers import SKIPPED as SKIPPED_RECORDS
from wirestory.transforms.containers import ReadContainers
from wirestory.transforms.extract import ExtractArticles
from wirestory.transforms.history import SKIPPED, BucketFiles, MatchHistory, SkipSeen
from wirestory.transforms.incremental import (
    STORIES,
    UPDATES,
    IndexRows,
    JoinExistingStories,
    document_date,
)
from wirestory.transforms.read import CONTAINERS, REJECTS, UNITS, MatchInputs, ReadDocuments
from wirestory.transforms.records import ExtractedArticle, RejectRecord
from wirestory.transforms.signatures import MinHashParams
from wirestory.transforms.stories import OVERSIZED
from wirestory.transforms.tables import WriteShards, shard_of
from wirestory.transforms.write import log_progress

BATCH_SUMMARY = "batch.json"


@dataclass(frozen=True)
class BatchContext:
    """Everything one batch's graph needs to know about the dataset and the batch."""

    root: str  # dataset directory
    staging: str  # where this attempt writes its summary and new story rows
    batch: int
    prefix: str  # file name prefix, unique per attempt
    params: MinHashParams
    buckets: int
    lookback_days: int
    ingest_date: datetime.date
    cc_rounds: int
    article_shards: int = 4  # about one articles file per 20,000 articles
    documents: BucketFiles = field(default_factory=dict)
    bands: BucketFiles = field(default_factory=dict)
    chrome: BucketFiles = field(default_factory=dict)


def _is_reject(item: Any, _: int) -> int:
    return int(isinstance(item, RejectRecord))


def _doc_date(article: ExtractedArticle, today: datetime.date) -> tuple[str, datetime.date]:
    row = {"published": article.published, "fetched": article.fetched}
    return article.doc_id, document_date(row, today)


class WriteSummaryFn(beam.DoFn):
    """Writes the batch summary as one small JSON file."""

    def __init__(self, path: str) -> None:
        self._path = path

    def process(self, summary: dict[str, Any]) -> Iterator[str]:
        with FileSystems.create(self._path) as handle:
            handle.write(json.dumps(summary, sort_keys=True, default=str).encode("utf-8"))
        yield self._path


def _counted(pcoll: beam.PCollection, name: str) -> beam.PCollection:
    return (
        pcoll
        | f"Count_{name}" >> beam.combiners.Count.Globally()
        | f"Entry_{name}" >> beam.Map(lambda n, key=name: (key, n))
    )


def _summed(pcoll: beam.PCollection, name: str) -> beam.PCollection:
    return (
        pcoll
        | f"Sum_{name}" >> beam.CombineGlobally(sum)
        | f"Entry_{name}" >> beam.Map(lambda n, key=name: (key, n))
    )


def _tallied(pcoll: beam.PCollection, name: str) -> beam.PCollection:
    return (
        pcoll
        | f"Count_{name}" >> beam.combiners.Count.PerElement()
        | f"Dict_{name}" >> beam.combiners.ToDict()
        | f"Entry_{name}" >> beam.Map(lambda found, key=name: (key, found))
    )


def _listed(pcoll: beam.PCollection, name: str) -> beam.PCollection:
    # Small per batch: file infos (a few per table) and the updates to existing stories.
    return (
        pcoll
        | f"List_{name}" >> beam.combiners.ToList()
        | f"Entry_{name}" >> beam.Map(lambda items, key=name: (key, items))
    )


def build_batch_pipeline(
    pipeline: beam.Pipeline, files: list[str], options: WirestoryOptions, ctx: BatchContext
) -> None:
    """Adds every step of one batch: read, skip seen, extract, group, join history, write."""
    limits, fields = options.read_limits(), options.json_fields()
    matched = pipeline | "MatchInputs" >> MatchInputs(files)
    read = matched | "ReadDocuments" >> ReadDocuments(limits)
    records = read[CONTAINERS] | "ReadContainers" >> ReadContainers(limits, fields)
    fresh = (
        (read.docs, records["docs"], read[REJECTS], records[REJECTS])
        | "AllInputs" >> beam.Flatten()
        | "SkipSeen" >> SkipSeen(ctx.documents, ctx.buckets)
    )
    docs, read_rejects = fresh.new | "SplitRejects" >> beam.Partition(_is_reject, 2)
    extracted = (
        docs
        | "ProgressRead" >> log_progress("read")
        | "ExtractArticles"
        >> ExtractArticles(options.extraction_settings(), max(1, options.extract_processes))
    )
    extracted_articles = extracted.articles | "ProgressExtract" >> log_progress("extracted")
    failed = extracted.rejects | "ProgressExtractRejects" >> log_progress("extracted")
    rejects = (
        (read_rejects, failed)
        | "AllRejects" >> beam.Flatten()
        | "RejectRows" >> beam.Map(lambda reject: reject.as_row())
    )

    # Page chrome: every page's lines counted per site (the batch's `chrome` rows), then
    # the lines the site repeats, over this batch and the stored ones, removed before grouping.
    chrome = extracted_articles | "CountChrome" >> CountChromeLines()
    rule = options.chrome_rule()
    articles = extracted_articles
    if rule is not None:
        totals = chrome | "StoredChrome" >> AddStoredCounts(ctx.chrome, ctx.buckets)
        articles = extracted_articles | "RemoveChrome" >> RemoveChrome(totals, rule)

    # Grouping within the batch, exactly as a one-shot run groups.
    grouped = articles | "GroupStories" >> GroupStories(ctx.params, ctx.cc_rounds)
    signatures = grouped["signatures"]

    # Against the dataset's history.
    dates = articles | "DocDates" >> beam.Map(_doc_date, ctx.ingest_date)
    matches = (signatures, dates) | "MatchHistory" >> MatchHistory(
        ctx.params, ctx.bands, ctx.documents, ctx.buckets, ctx.lookback_days
    )
    joined = (grouped["articles"], grouped[STORIES], matches) | "JoinExisting" >> (
        JoinExistingStories()
    )
    rows = joined.articles | "ProgressGrouped" >> log_progress("grouped")
    index = (rows, signatures, rejects) | "Index" >> IndexRows(
        ctx.params, ctx.buckets, ctx.batch, ctx.ingest_date
    )

    def by_doc(shards: int) -> Any:
        return lambda row: shard_of(row["doc_id"], shards)

    written = (
        rows
        | "ProgressWrittenArticles" >> log_progress("written")
        | "WriteArticles"
        >> WriteShards("articles", ctx.root, ctx.prefix, by_doc(ctx.article_shards)),
        rejects
        | "ProgressWrittenRejects" >> log_progress("written")
        | "WriteRejects" >> WriteShards("rejects", ctx.root, ctx.prefix, by_doc(1)),
        index["documents"]
        | "WriteDocuments"
        >> WriteShards("documents", ctx.root, ctx.prefix, lambda r: r["bucket"], True),
        index["bands"]
        | "WriteBands" >> WriteShards("bands", ctx.root, ctx.prefix, lambda r: r["bucket"], True),
        chrome
        | "ChromeRows" >> beam.Map(chrome_row, ctx.batch, ctx.buckets)
        | "WriteChrome" >> WriteShards("chrome", ctx.root, ctx.prefix, lambda r: r["bucket"], True),
        joined[STORIES]
        | "ProgressWrittenStories" >> log_progress("written")
        | "StageStories" >> WriteShards("stories", ctx.staging, ctx.prefix, lambda _: 0),
    )
    entries = [
        _counted(matched, "files"),
        _summed((read[UNITS], records[UNITS]) | "AllUnits" >> beam.Flatten(), "units"),
        _counted(rows, "articles"),
        _counted(rejects, "rejects"),
        _counted(joined[STORIES], "new_stories"),
        _tallied(rejects | "Reasons" >> beam.Map(lambda r: r["reason"]), "rejects_by_reason"),
        _tallied(fresh[SKIPPED] | "SkipReasons" >> beam.Map(lambda s: s.reason), "skipped"),
        _tallied(records[SKIPPED_RECORDS], "skipped_records"),
        _listed(written | "AllWritten" >> beam.Flatten(), "written"),
        _listed(joined[UPDATES], "story_updates"),
        _listed(grouped[OVERSIZED], "oversized"),
    ]
    _ = (
        entries
        | "SummaryEntries" >> beam.Flatten()
        | "Summary" >> beam.combiners.ToDict()
        | "WriteSummary" >> beam.ParDo(WriteSummaryFn(FileSystems.join(ctx.staging, BATCH_SUMMARY)))
    )
