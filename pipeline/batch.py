"""The pipeline of one ingest batch: new inputs -> rows and index files for one dataset commit.

Workers write every table's Parquet files and a small JSON summary (counts, the files written,
the rows the launcher merges into `stories`); pipeline/dataset.py then commits them.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator
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
from wirestory.transforms.read import CONTAINERS, REJECTS, UNITS, ListedInputs, ReadDocuments
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


# How the summary combines each entry's values: count the elements, sum them, tally them
# ({value: count}) or list them (small per batch: file infos, updates to existing stories).
_COUNT, _SUM, _TALLY, _LIST = "count", "sum", "tally", "list"


class SummaryFn(beam.CombineFn):
    """(name, value) pairs -> the batch summary, in one combine for every entry.

    `kinds` maps each entry name to how its values combine; every name is in the output, also
    when no value arrived (0, {} or [])."""

    def __init__(self, kinds: dict[str, str]) -> None:
        self._kinds = kinds

    def create_accumulator(self) -> dict[str, Any]:
        return {}

    def add_input(self, acc: dict[str, Any], entry: tuple[str, Any]) -> dict[str, Any]:
        name, value = entry
        kind = self._kinds[name]
        if kind == _COUNT:
            acc[name] = acc.get(name, 0) + 1
        elif kind == _SUM:
            acc[name] = acc.get(name, 0) + value
        elif kind == _TALLY:
            tally = acc.setdefault(name, {})
            tally[value] = tally.get(value, 0) + 1
        else:
            acc.setdefault(name, []).append(value)
        return acc

    def merge_accumulators(self, accumulators: Iterable[dict[str, Any]]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for acc in accumulators:
            for name, value in acc.items():
                kind = self._kinds[name]
                if kind in (_COUNT, _SUM):
                    merged[name] = merged.get(name, 0) + value
                elif kind == _TALLY:
                    tally = merged.setdefault(name, {})
                    for key, count in value.items():
                        tally[key] = tally.get(key, 0) + count
                else:
                    merged.setdefault(name, []).extend(value)
        return merged

    def extract_output(self, acc: dict[str, Any]) -> dict[str, Any]:
        empty = {_COUNT: 0, _SUM: 0, _TALLY: {}, _LIST: []}
        out = {name: acc.get(name, empty[kind]) for name, kind in self._kinds.items()}
        for name, kind in self._kinds.items():
            if kind == _LIST:  # the same summary whatever order the values arrived in
                out[name] = sorted(out[name], key=_json_key)
        return out


def _json_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _one(_: Any) -> int:
    return 1


def _entry(
    pcoll: beam.PCollection, name: str, value: Any = None, label: str = ""
) -> beam.PCollection:
    """(name, value) per element; value(element) when given, else the element itself."""
    return pcoll | f"Entry_{label or name}" >> beam.Map(
        lambda item, key=name, of=value: (key, item if of is None else of(item))
    )


def build_batch_pipeline(
    pipeline: beam.Pipeline,
    files: list[tuple[str, int]],
    options: WirestoryOptions,
    ctx: BatchContext,
) -> None:
    """Adds every step of one batch: read, skip seen, extract, group, join history, write.
    `files`: (path, size) of the batch's inputs, as the launcher listed them."""
    limits, fields = options.read_limits(), options.json_fields()
    matched = pipeline | "ListedInputs" >> ListedInputs(files)
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

    # Against the dataset's history: a dataset with nothing indexed (a new one, as `wirestory
    # run` builds) can match nothing, so the batch's stories are all new and its rows final.
    if ctx.bands:
        dates = articles | "DocDates" >> beam.Map(_doc_date, ctx.ingest_date)
        matches = (signatures, dates) | "MatchHistory" >> MatchHistory(
            ctx.params, ctx.bands, ctx.documents, ctx.buckets, ctx.lookback_days
        )
        joined = (grouped["articles"], grouped[STORIES], matches) | "JoinExisting" >> (
            JoinExistingStories()
        )
        joined_rows, new_stories, updates = joined.articles, joined[STORIES], joined[UPDATES]
    else:
        joined_rows, new_stories = grouped["articles"], grouped[STORIES]
        updates = pipeline | "NoHistory" >> beam.Create([])
    rows = joined_rows | "ProgressGrouped" >> log_progress("grouped")
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
        new_stories
        | "ProgressWrittenStories" >> log_progress("written")
        | "StageStories" >> WriteShards("stories", ctx.staging, ctx.prefix, lambda _: 0),
    )
    kinds = {
        "files": _COUNT,
        "units": _SUM,
        "articles": _COUNT,
        "rejects": _COUNT,
        "new_stories": _COUNT,
        "rejects_by_reason": _TALLY,
        "skipped": _TALLY,
        "skipped_records": _TALLY,
        "written": _LIST,
        "story_updates": _LIST,
        "oversized": _LIST,
    }
    entries = [
        _entry(matched, "files", _one),
        _entry(read[UNITS], "units"),
        _entry(records[UNITS], "units", label="units_records"),
        _entry(rows, "articles", _one),
        _entry(rejects, "rejects", _one),
        _entry(new_stories, "new_stories", _one),
        _entry(rejects, "rejects_by_reason", lambda r: r["reason"]),
        _entry(fresh[SKIPPED], "skipped", lambda s: s.reason),
        _entry(records[SKIPPED_RECORDS], "skipped_records"),
        _entry(written | "AllWritten" >> beam.Flatten(), "written"),
        _entry(updates, "story_updates"),
        _entry(grouped[OVERSIZED], "oversized"),
    ]
    _ = (
        entries
        | "SummaryEntries" >> beam.Flatten()
        | "Summary" >> beam.CombineGlobally(SummaryFn(kinds))
        | "WriteSummary" >> beam.ParDo(WriteSummaryFn(FileSystems.join(ctx.staging, BATCH_SUMMARY)))
    )
