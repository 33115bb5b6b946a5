"""Joins a batch's stories to the dataset's existing stories, and builds the index rows.

The batch is grouped exactly as a one-shot run groups it (GroupStories). Then each batch story
whose members matched indexed articles (MatchHistory) joins the existing story of the best
match: highest estimated Jaccard, then containment, then the smallest story id. Existing
stories are never merged with each other, and an article's story id never changes once
committed. A batch story that matched nothing keeps its own id ('st_' + its smallest doc_id).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
import numpy as np
from wirestory.transforms.history import HistoryMatch, band_bucket, doc_bucket
from wirestory.transforms.records import Signature
from wirestory.transforms.signatures import MinHashParams, band_keys

STORIES = "stories"
UPDATES = "story_updates"


def document_date(row: dict[str, Any], ingest_date: datetime.date) -> datetime.date:
    """Document time: published, else fetched, else the ingest date."""
    if row.get("published"):
        return row["published"]
    if row.get("fetched"):
        return row["fetched"].date()
    return ingest_date


def _story_of_match(
    item: tuple[str, dict[str, list[Any]]],
) -> Iterator[tuple[str, tuple[str, HistoryMatch]]]:
    """(batch story id, (new doc id, its best match in the history))."""
    doc_id, joined = item
    if joined["story"] and joined["match"]:
        yield joined["story"][0], (doc_id, joined["match"][0])


def _best(pairs: Iterable[tuple[str, HistoryMatch]]) -> tuple[str, HistoryMatch]:
    """The (new doc id, match) with the best match: its own output type, so Beam may apply it
    to partial results again."""
    return max(pairs, key=lambda pair: pair[1].rank())


class JoinExistingFn(beam.DoFn):
    """One batch story: kept as a new story, or its articles joined to an existing story."""

    def process(self, item: tuple[str, dict[str, list[Any]]]) -> Iterator[Any]:
        batch_story_id, joined = item
        rows: list[dict[str, Any]] = joined["rows"]
        match: HistoryMatch | None = joined["match"][0][1] if joined["match"] else None
        if match is None:
            yield from rows
            for story in joined["story"]:
                yield beam.pvalue.TaggedOutput(STORIES, story)
            return
        own: dict[str, HistoryMatch] = dict(joined["own"])  # new doc id -> its own best match
        for row in rows:
            direct = own.get(row["doc_id"])
            joined_row = {**row, "story_id": match.story_id, "is_canonical": False}
            if direct is not None:
                # Against the indexed copy it matched; else against its batch's canonical.
                joined_row["similarity"] = direct.jaccard
            if row["matched_doc_id"] is None:
                # The batch group's first article joined through the group's best match.
                via = direct or match
                joined_row["matched_doc_id"] = via.doc_id
                joined_row["match_jaccard"] = via.jaccard
                joined_row["match_containment"] = via.containment
            yield joined_row
        canonical = next((r for r in rows if r["is_canonical"]), rows[0])
        dates = [r["published"] for r in rows if r["published"] is not None]
        yield beam.pvalue.TaggedOutput(
            UPDATES,
            {
                "story_id": match.story_id,
                "batch_story_id": batch_story_id,
                "size": len(rows),
                "doc_ids": sorted(r["doc_id"] for r in rows),
                "urls": sorted({r["url"] for r in rows if r["url"]}),
                "sites": sorted({r["sitename"] for r in rows if r["sitename"]}),
                "first_published": min(dates) if dates else None,
                "last_published": max(dates) if dates else None,
                "candidate": {
                    k: canonical[k] for k in ("doc_id", "title", "url", "text", "word_count")
                },
            },
        )


class JoinExistingStories(beam.PTransform):
    """(article rows, story rows, history matches) -> article rows (main), new story rows
    ('stories') and updates to existing stories ('story_updates')."""

    def expand(self, inputs: tuple[beam.PCollection, ...]) -> beam.pvalue.DoOutputsTuple:
        rows, stories, matches = inputs
        story_of = rows | "StoryOfDoc" >> beam.Map(lambda r: (r["doc_id"], r["story_id"]))
        own = (
            {"story": story_of, "match": matches}
            | "JoinMatches" >> beam.CoGroupByKey()
            | "MatchByStory" >> beam.FlatMap(_story_of_match)
        )
        best = own | "BestMatch" >> beam.CombinePerKey(_best)
        return (
            {
                "rows": rows | "RowsByStory" >> beam.Map(lambda r: (r["story_id"], r)),
                "story": stories | "StoriesById" >> beam.Map(lambda s: (s["story_id"], s)),
                "match": best,
                "own": own,
            }
            | "GroupByStory" >> beam.CoGroupByKey()
            | "JoinExisting"
            >> beam.ParDo(JoinExistingFn()).with_outputs(STORIES, UPDATES, main="articles")
        )


class IndexRowsFn(beam.DoFn):
    """Index rows of one new article: its `documents` row (main) and `bands` rows ('bands')."""

    def __init__(
        self, params: MinHashParams, buckets: int, batch: int, ingest_date: datetime.date
    ) -> None:
        self._params = params
        self._buckets = buckets
        self._batch = batch
        self._ingest_date = ingest_date

    def process(self, item: tuple[str, dict[str, list[Any]]]) -> Iterator[Any]:
        doc_id, joined = item
        if not joined["row"] or not joined["signature"]:
            return
        row: dict[str, Any] = joined["row"][0]
        signature: Signature = joined["signature"][0]
        doc_date = document_date(row, self._ingest_date)
        yield {
            "bucket": doc_bucket(doc_id, self._buckets),
            "doc_id": doc_id,
            "kind": "article",
            "story_id": row["story_id"],
            "doc_date": doc_date,
            "num_shingles": signature.num_shingles,
            "hashvalues": signature.hashvalues,
            "shingle_keys": signature.shingle_keys,
            "lead_keys": signature.lead_keys,
            "batch": self._batch,
        }
        values = np.frombuffer(signature.hashvalues, dtype="<u4")
        for key in band_keys(values, self._params):
            yield beam.pvalue.TaggedOutput(
                "bands",
                {
                    "bucket": band_bucket(key, self._buckets),
                    "band_key": key,
                    "doc_id": doc_id,
                    "story_id": row["story_id"],
                    "doc_date": doc_date,
                },
            )


def reject_document(row: dict[str, Any], buckets: int, batch: int) -> dict[str, Any]:
    """The `documents` row of a rejected input, so a rerun skips it too."""
    return {
        "bucket": doc_bucket(row["doc_id"], buckets),
        "doc_id": row["doc_id"],
        "kind": "reject",
        "story_id": None,
        "doc_date": None,
        "num_shingles": 0,
        "hashvalues": None,
        "shingle_keys": None,
        "lead_keys": None,
        "batch": batch,
    }


def _index_fields(row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(doc id, the fields of an article row its index rows read): the join carries no text."""
    return row["doc_id"], {k: row.get(k) for k in ("story_id", "published", "fetched")}


class IndexRows(beam.PTransform):
    """(final article rows, signatures, reject rows) -> `documents` rows and 'bands' rows."""

    def __init__(
        self, params: MinHashParams, buckets: int, batch: int, ingest_date: datetime.date
    ) -> None:
        super().__init__()
        self._args = (params, buckets, batch, ingest_date)

    def expand(self, inputs: tuple[beam.PCollection, ...]) -> dict[str, beam.PCollection]:
        rows, signatures, rejects = inputs
        _, buckets, batch, _ = self._args
        indexed = (
            {
                "row": rows | "KeyRows" >> beam.Map(_index_fields),
                "signature": signatures | "KeySignatures" >> beam.Map(lambda s: (s.doc_id, s)),
            }
            | "JoinSignatures" >> beam.CoGroupByKey()
            | "IndexRows" >> beam.ParDo(IndexRowsFn(*self._args)).with_outputs("bands", main="docs")
        )
        rejected = rejects | "RejectDocuments" >> beam.Map(reject_document, buckets, batch)
        documents = (indexed.docs, rejected) | "AllDocuments" >> beam.Flatten()
        return {"documents": documents, "bands": indexed.bands}
