"""What a stream's keyed state starts from: the dataset's index as it was when the job started.

A stream keeps its history in keyed state (transforms/streaming.py). A job that starts on a
dataset that already holds articles (from `ingest` or an earlier job) reads, the first time a
key is used, what the committed index says about that key: the indexed articles sharing a band
key, or whether a doc_id is already in the dataset. Each read is one bucket of one index table
(the same per-bucket lookup `ingest` does), filtered in Arrow.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wirestory.transforms.history import (
    SIGNATURE_COLUMNS,
    band_bucket,
    doc_bucket,
    indexed_signature,
    scan_matching,
)
from wirestory.transforms.records import Signature

BucketFiles = Mapping[int, Sequence[str]]


@dataclass(frozen=True)
class IndexSnapshot:
    """The committed index files of a dataset, by bucket, when the job was built."""

    buckets: int = 1
    bands: BucketFiles = field(default_factory=dict)
    documents: BucketFiles = field(default_factory=dict)

    def empty(self) -> bool:
        return not self.bands and not self.documents


def indexed_band(
    snapshot: IndexSnapshot, key: bytes, since: datetime.date | None
) -> Iterator[tuple[str, Signature, datetime.date, str]]:
    """(doc_id, Signature, doc_date, story_id) of every indexed article with
    this band key whose document date is on or after `since` (None: all)."""
    bands = snapshot.bands.get(band_bucket(key, snapshot.buckets), ())
    rows = scan_matching(bands, "band_key", [key], ["band_key", "doc_id", "story_id", "doc_date"])
    wanted: dict[str, Any] = {}
    for row in rows:
        if row["story_id"] is not None and (since is None or row["doc_date"] >= since):
            wanted[row["doc_id"]] = row
    by_bucket: dict[int, list[str]] = {}
    for doc_id in sorted(wanted):
        by_bucket.setdefault(doc_bucket(doc_id, snapshot.buckets), []).append(doc_id)
    for bucket, ids in sorted(by_bucket.items()):
        files = snapshot.documents.get(bucket, ())
        for doc in scan_matching(files, "doc_id", ids, SIGNATURE_COLUMNS):
            band = wanted[doc["doc_id"]]
            yield doc["doc_id"], indexed_signature(doc), band["doc_date"], band["story_id"]


def already_indexed(snapshot: IndexSnapshot, doc_id: str) -> bool:
    """Whether the dataset already holds this document (an article or a reject)."""
    files = snapshot.documents.get(doc_bucket(doc_id, snapshot.buckets), ())
    return any(True for _ in scan_matching(files, "doc_id", [doc_id], ["doc_id"]))
