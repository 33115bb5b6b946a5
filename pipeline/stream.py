"""`wirestory stream`: Pub/Sub messages -> the same articles, stories and index as `ingest`,
committed to the dataset once per event-time window.

Graph (transform labels are the job's step names: keep them stable, see README):
ParseMessages -> Dedup (keyed state per doc_id) -> Window -> ExtractArticles -> Signatures ->
Candidates and Clusters (within the window, distributed) -> BandIndex (keyed state per band,
entries with their group's label or story) -> VerifyHistory -> BestPerPair (per new group and
old group; plus one marker per window) -> StoryMap (one key: the stories of groups that
joined history; transforms/story_map.py) -> JoinStories (per old group) -> HistoryMatches ->
Canonical -> JoinExisting -> Index -> Write<Table> (pipeline/stream_files.py) -> CommitWindow
(one key, windows in order once the watermark passes them, Delta app transaction
`wirestory:<table>` = window end in epoch seconds, so a retried commit is skipped;
pipeline/stream_commit.py).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.trigger import AccumulationMode, AfterCount, AfterWatermark
from apache_beam.transforms.window import FixedWindows, GlobalWindows
from apache_beam.utils.timestamp import Duration
from wirestory.pipeline.dataset import META
from wirestory.pipeline.options import WirestoryOptions
from wirestory.pipeline.stream_commit import STAGING, CommitWindowFn
from wirestory.pipeline.stream_files import VersionedFn, write_window_files
from wirestory.transforms.candidates import FindSimilarPairs
from wirestory.transforms.components import rounds_for
from wirestory.transforms.extract import ExtractArticles
from wirestory.transforms.grouping import GroupMatches
from wirestory.transforms.history import Probe, best_of
from wirestory.transforms.incremental import STORIES, UPDATES, IndexRows, JoinExistingStories
from wirestory.transforms.messages import IGNORED, ParseMessageFn
from wirestory.transforms.read import REJECTS
from wirestory.transforms.records import ExtractedArticle, RejectRecord
from wirestory.transforms.signatures import ComputeSignatures, MinHashParams
from wirestory.transforms.stories import AssignStories
from wirestory.transforms.story_map import StoryMapFn, fill_story, story_pair
from wirestory.transforms.stream_seed import IndexSnapshot
from wirestory.transforms.streaming import (
    DUPLICATES,
    BandIndexFn,
    DedupFn,
    ReviveLateFn,
    TagWindowFn,
    VerifyCollisionsFn,
    identity,
    probe_bands,
)

# Steps that hold state (keyed state, window state). Renaming one, or changing its key or state
# layout, breaks an in-place update of a running job (`--update`): drain and restart instead.
STATEFUL_STEPS = (
    "GroupCopies",
    "Dedup",
    "GroupBands",
    "BandIndex",
    "GroupStoryInputs",
    "StoryMap",
    "GroupWindow",
    "CommitWindow",
)
# A window's grouping (transforms/grouping.py, distributed, with the loud convergence check)
# converges for windows of up to a million articles; `--cc-rounds` overrides it.
STREAM_ROUNDS = rounds_for(10**6)


@dataclass(frozen=True)
class StreamContext:
    root: str
    subscription: str
    params: MinHashParams
    buckets: int
    window_seconds: int
    lookback_days: int
    start_date: datetime.date  # the document date of an article with no published/fetched date
    snapshot: IndexSnapshot = field(
        default_factory=IndexSnapshot
    )  # the dataset's index when the job was built
    start_index: int = 0  # the window the job started in
    cc_rounds: int = STREAM_ROUNDS  # connected-components rounds of a window's grouping

    @property
    def lookback_windows(self) -> int:
        return math.ceil(self.lookback_days * 86400 / self.window_seconds)


def _is_reject(item: Any, _: int) -> int:
    return int(isinstance(item, RejectRecord))


def _probe(
    item: tuple[str, dict[str, list[Any]]], today: datetime.date
) -> Iterator[tuple[str, tuple[Probe, str]]]:
    """(doc_id, (Probe, its group's label in the window; itself when in no match))."""
    doc_id, joined = item
    if joined["article"] and joined["signature"]:
        article: ExtractedArticle = joined["article"][0]
        signature = joined["signature"][0]
        date = article.published or (article.fetched.date() if article.fetched else today)
        label = joined["label"][0] if joined["label"] else doc_id
        yield doc_id, (Probe(signature, date), label)


def build_stream_pipeline(
    messages: beam.PCollection, options: WirestoryOptions, ctx: StreamContext
) -> dict[str, beam.PCollection]:
    """Adds every streaming step after the source; returns the outputs tests look at."""
    seconds, lookback = ctx.window_seconds, ctx.lookback_windows
    parsed = messages | "ParseMessages" >> beam.ParDo(
        ParseMessageFn(ctx.subscription, options.read_limits(), options.json_fields())
    ).with_outputs(REJECTS, IGNORED, main="docs")
    revived = (
        (parsed.docs, parsed[REJECTS])
        | "AllInputs" >> beam.Flatten()
        | "Identify" >> beam.Map(identity)
        | "ArrivalWindow"
        >> beam.WindowInto(
            FixedWindows(seconds),
            trigger=AfterWatermark(late=AfterCount(1)),
            accumulation_mode=AccumulationMode.DISCARDING,
            allowed_lateness=Duration(seconds=ctx.lookback_days * 86400),
        )
        | "GroupCopies" >> beam.GroupByKey()
        | "ReviveLate"
        >> beam.ParDo(ReviveLateFn())
        .with_output_types(tuple[str, Any])
        .with_outputs(DUPLICATES, main="first")
    )
    unique = (
        revived.first
        | "DedupWindow" >> beam.WindowInto(GlobalWindows()).with_output_types(tuple[str, Any])
        | "Dedup"
        >> beam.ParDo(DedupFn(ctx.lookback_days * 86400, ctx.snapshot))
        .with_input_types(tuple[str, Any])
        .with_outputs(DUPLICATES, main="new")
    )
    windows = FixedWindows(seconds)
    windowed = unique.new | "Window" >> beam.WindowInto(windows)
    docs, read_rejects = windowed | "SplitRejects" >> beam.Partition(_is_reject, 2)
    extracted = docs | "ExtractArticles" >> ExtractArticles(
        options.extraction_settings(), max(1, options.extract_processes)
    )
    articles = extracted.articles
    signatures = articles | "Signatures" >> ComputeSignatures(ctx.params)
    edges = signatures | "Candidates" >> FindSimilarPairs(ctx.params)
    groups = edges | "Clusters" >> GroupMatches(ctx.cc_rounds)
    probes = (
        {
            "article": articles | "KeyArticles" >> beam.Map(lambda a: (a.doc_id, a)),
            "signature": signatures | "KeySignatures" >> beam.Map(lambda s: (s.doc_id, s)),
            "label": groups["labels"],
        }
        | "JoinProbes" >> beam.CoGroupByKey()
        | "Probes" >> beam.FlatMap(_probe, ctx.start_date)
    )
    collisions = (
        probes
        | "ProbeBands" >> beam.FlatMap(probe_bands, ctx.params)
        | "GroupBands" >> beam.GroupByKey()
        | "TagBands"
        >> beam.ParDo(
            TagWindowFn(seconds, lambda kv: kv[0], lambda kv: list(kv[1]))
        ).with_output_types(tuple[bytes, Any])
        | "BandsGlobal" >> beam.WindowInto(GlobalWindows())
        | "BandIndex"
        >> beam.ParDo(
            BandIndexFn(seconds, lookback, ctx.lookback_days, ctx.snapshot, ctx.start_index)
        ).with_input_types(tuple[bytes, Any])
        | "CollisionWindows" >> beam.WindowInto(windows)
    )
    matches = (
        {"probe": probes, "old": collisions}
        | "JoinCollisions" >> beam.CoGroupByKey()
        | "VerifyHistory" >> beam.ParDo(VerifyCollisionsFn(ctx.params))
    )
    # Only (new group, old group) pairs reach the one key, each once: a window's unmatched
    # articles, its edges and its repeated matches never do.
    story_inputs = (
        matches
        | "PairKeys" >> beam.Map(story_pair)
        | "BestPerPair" >> beam.CombinePerKey(best_of)
        | "OneStoryKey" >> beam.Map(lambda kv: (0, (kv[0][0], kv[0][1], kv[1])))
    )
    # One marker per window that has articles (combined, distributed): StoryMap knows from it
    # that a window its refs name will arrive, even one with no matches of its own.
    marks = (
        signatures
        | "Ones" >> beam.Map(lambda _: 1)
        | "CountWindow" >> beam.CombineGlobally(sum).without_defaults()
        | "WindowMark" >> beam.Map(lambda _: (0, None))
    )
    decided = (
        (story_inputs, marks)
        | "StoryInputs" >> beam.Flatten()
        | "GroupStoryInputs" >> beam.GroupByKey()
        | "TagStoryWindow"
        >> beam.ParDo(TagWindowFn(seconds, lambda _: 0, lambda kv: list(kv[1]))).with_output_types(
            tuple[int, Any]
        )
        | "StoryGlobal" >> beam.WindowInto(GlobalWindows())
        | "StoryMap" >> beam.ParDo(StoryMapFn(seconds, lookback)).with_input_types(tuple[int, Any])
        | "DecidedWindows" >> beam.WindowInto(windows)
    )
    history = (
        {
            "match": matches | "KeyByRef" >> beam.Map(lambda kv: (kv[1][1], (kv[0], kv[1][2]))),
            "story": decided,
        }
        | "JoinStories" >> beam.CoGroupByKey()
        | "FillStories" >> beam.FlatMap(fill_story)
        | "HistoryMatches" >> beam.CombinePerKey(best_of)
    )
    grouped = (articles, groups["labels"], groups["matches"]) | "Canonical" >> AssignStories(
        ctx.params
    )
    joined = (grouped["articles"], grouped[STORIES], history) | "JoinExisting" >> (
        JoinExistingStories()
    )
    rows = joined.articles
    rejects = (
        (read_rejects, extracted.rejects)
        | "AllRejects" >> beam.Flatten()
        | "RejectRows" >> beam.Map(lambda reject: reject.as_row())
    )
    index = (rows, signatures, rejects) | "Index" >> IndexRows(
        ctx.params, ctx.buckets, 0, ctx.start_date
    )
    documents = index["documents"] | "DocumentVersion" >> beam.ParDo(VersionedFn(seconds))
    staging = FileSystems.join(ctx.root, META, STAGING)
    infos = [
        write_window_files(rows, "articles", ctx.root, seconds),
        write_window_files(rejects, "rejects", ctx.root, seconds),
        write_window_files(documents, "documents", ctx.root, seconds),
        write_window_files(index["bands"], "bands", ctx.root, seconds),
        write_window_files(joined[STORIES], "stories", staging, seconds),
        joined[UPDATES] | "TagUpdates" >> beam.Map(lambda u: ("update", u)),
    ]
    commits = (
        infos
        | "CommitInputs" >> beam.Flatten()
        | "OneKey" >> beam.Map(lambda item: (0, item))
        | "GroupWindow" >> beam.GroupByKey()
        | "TagCommitWindow"
        >> beam.ParDo(TagWindowFn(seconds, lambda _: 0, lambda kv: list(kv[1]))).with_output_types(
            tuple[int, Any]
        )
        | "CommitGlobal" >> beam.WindowInto(GlobalWindows())
        | "CommitWindow"
        >> beam.ParDo(CommitWindowFn(ctx.root, seconds)).with_input_types(tuple[int, Any])
    )
    return {
        "articles": rows,
        "rejects": rejects,
        "stories": joined[STORIES],
        "updates": joined[UPDATES],
        "duplicates": (
            revived[DUPLICATES] | "DuplicatesGlobal" >> beam.WindowInto(GlobalWindows()),
            unique[DUPLICATES],
        )
        | "AllDuplicates" >> beam.Flatten(),
        "ignored": parsed[IGNORED],
        "commits": commits,
        "story_inputs": story_inputs,  # what reaches StoryMap's single key
    }
