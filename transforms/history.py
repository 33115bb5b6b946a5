"""Incremental steps: skip what a dataset already holds, match new articles against its index.

A dataset keeps two index tables (see schemas.models): `documents` (every ingested doc_id with
its story, date and MinHash signature) and `bands` (the LSH band keys of every article). Both are
partitioned into `buckets` by a hash of their key, and every lookup here is a GroupByKey on that
bucket followed by a DoFn that reads only that bucket's files: a worker holds one bucket of the
history at a time, never the whole of it, on any runner.
"""

from __future__ import annotations

import datetime
import pickle
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
import numpy as np
from wirestory.transforms.candidates import compare
from wirestory.transforms.records import RawDocument, RejectRecord, Signature
from wirestory.transforms.signatures import MinHashParams, band_keys, is_comparable

SKIPPED = "skipped"
BucketFiles = Mapping[int, Sequence[str]]


def doc_bucket(doc_id: str, buckets: int) -> int:
    """Bucket of a document id (already a hash: its first 8 hex digits suffice)."""
    return int(doc_id[:8], 16) % buckets


def band_bucket(band_key: bytes, buckets: int) -> int:
    """Bucket of a band key (2-byte band index + digest: the digest's first bytes)."""
    return int.from_bytes(band_key[2:6], "big") % buckets


def scan_matching(
    paths: Sequence[str], key: str, wanted: Iterable[Any], columns: list[str]
) -> Iterator[dict[str, Any]]:
    """Rows of some Parquet files whose `key` is one of `wanted`, read in record batches and
    filtered in Arrow: memory stays at one record batch plus the matches, whatever the files'
    size (so a lookup's memory does not grow with the history)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    from apache_beam.io.filesystems import FileSystems

    values = list(wanted)
    if not values or not paths:
        return
    value_set = pa.array(values)
    for path in paths:
        with FileSystems.open(path) as handle:
            for batch in pq.ParquetFile(handle).iter_batches(batch_size=65_536, columns=columns):
                found = batch.filter(pc.is_in(batch.column(key), value_set=value_set))
                if found.num_rows:
                    yield from found.to_pylist()


@dataclass(frozen=True)
class Skipped:
    """An input the batch does not ingest, and why."""

    doc_id: str
    source_uri: str
    reason: str  # "already_ingested" or "duplicate_in_batch"


def identify(item: RawDocument | RejectRecord) -> tuple[str, RawDocument | RejectRecord]:
    """(identity, item): a document's content id, or an unread file's URI hash."""
    if isinstance(item, RawDocument):
        item = item.identified()
        return item.doc_id, item
    return item.identity(), item


@dataclass(frozen=True)
class Sealed:
    """An input on its way through the skip shuffle: its identity and URI, and the item itself
    pickled and zstd-compressed. The local runner holds a GroupByKey's whole input decoded; a
    page's HTML is 4.8 times smaller compressed (the 181 real pages of the extraction benchmark;
    2.1 on the small synthetic pages), and only the items kept are opened."""

    doc_id: str
    source_uri: str
    packed: bytes

    def open(self, decompressor: Any) -> RawDocument | RejectRecord:
        """The item, with a zstandard.ZstdDecompressor."""
        return pickle.loads(decompressor.decompress(self.packed))


class SealFn(beam.DoFn):
    """RawDocument or RejectRecord -> Sealed, identified; one compressor per DoFn instance."""

    def setup(self) -> None:
        import zstandard

        self._compressor = zstandard.ZstdCompressor(level=1)

    def process(self, item: RawDocument | RejectRecord) -> Iterator[Sealed]:
        doc_id, item = identify(item)
        packed = self._compressor.compress(pickle.dumps(item, protocol=5))
        yield Sealed(doc_id, item.source_uri, packed)


class SkipSeenFn(beam.DoFn):
    """Per doc bucket: passes documents the dataset has not seen, once each; tags the rest."""

    def __init__(self, files: BucketFiles) -> None:
        self._files = files

    def setup(self) -> None:
        import zstandard

        self._decompressor = zstandard.ZstdDecompressor()

    def process(self, element: tuple[int, Iterable[Sealed]]) -> Iterator[Any]:
        bucket, items = element
        by_id: dict[str, list[Sealed]] = {}
        for item in items:
            by_id.setdefault(item.doc_id, []).append(item)
        paths = self._files.get(bucket, ())
        seen = {row["doc_id"] for row in scan_matching(paths, "doc_id", by_id, ["doc_id"])}
        for doc_id in sorted(by_id):
            ordered = sorted(by_id[doc_id], key=lambda sealed: sealed.source_uri)
            if doc_id in seen:
                for item in ordered:
                    yield beam.pvalue.TaggedOutput(
                        SKIPPED, Skipped(doc_id, item.source_uri, "already_ingested")
                    )
                continue
            yield ordered[0].open(self._decompressor)
            for item in ordered[1:]:
                yield beam.pvalue.TaggedOutput(
                    SKIPPED, Skipped(doc_id, item.source_uri, "duplicate_in_batch")
                )


class SkipSeen(beam.PTransform):
    """RawDocuments and read rejects -> the ones new to the dataset (main) and 'skipped'."""

    def __init__(self, files: BucketFiles, buckets: int) -> None:
        super().__init__()
        self._files = files
        self._buckets = buckets

    def expand(self, items: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        buckets = self._buckets
        return (
            items
            | "Identify" >> beam.ParDo(SealFn())
            | "KeyByBucket" >> beam.Map(lambda sealed: (doc_bucket(sealed.doc_id, buckets), sealed))
            | "GroupBuckets" >> beam.GroupByKey()
            | "Skip" >> beam.ParDo(SkipSeenFn(self._files)).with_outputs(SKIPPED, main="new")
        )


@dataclass(frozen=True)
class Probe:
    """A new article as the history lookup needs it: its signature and document date."""

    signature: Signature
    doc_date: datetime.date

    @property
    def doc_id(self) -> str:
        return self.signature.doc_id


@dataclass(frozen=True)
class HistoryMatch:
    """The best verified match of a new article in the dataset."""

    story_id: str
    doc_id: str
    jaccard: float
    containment: float

    def rank(self) -> tuple[float, float, str, str]:
        """Higher is better; ties go to the smaller story id, then the smaller indexed doc id
        (identical copies tie often: max() must not depend on arrival order)."""
        return (
            self.jaccard,
            self.containment,
            _descending(self.story_id),
            _descending(self.doc_id),
        )


def _descending(text: str) -> str:
    return "".join(chr(0x10FFFF - ord(ch)) for ch in text)


def best_match(matches: Iterable[HistoryMatch]) -> HistoryMatch | None:
    """The best of several matches, or None."""
    return max(matches, key=HistoryMatch.rank, default=None)


SIGNATURE_COLUMNS = ["doc_id", "num_shingles", "hashvalues", "shingle_keys", "lead_keys"]


def indexed_signature(row: dict[str, Any]) -> Signature:
    """The Signature record of a `documents` row (SIGNATURE_COLUMNS)."""
    return Signature(
        row["doc_id"],
        row["num_shingles"],
        row["hashvalues"],
        row["shingle_keys"] or b"",
        row["lead_keys"] or b"",
    )


def verify_history(probe: Probe, old: dict[str, Any], params: MinHashParams) -> HistoryMatch | None:
    """The one-shot verification rule (candidates.compare), applied to a new article and an
    indexed one.

    A Jaccard edge joins. A containment match joins only when the new article is the shorter
    one (it attaches to the older, longer copy's story): an indexed article's story never
    changes, so a new container cannot pull an old brief into its story.
    """
    match = compare(probe.signature, indexed_signature(old), params)
    if match is None or not (match.is_jaccard_edge or match.small == probe.doc_id):
        return None
    jaccard, containment = round(match.jaccard, 6), round(match.containment, 6)
    return HistoryMatch(old["story_id"], old["doc_id"], jaccard, containment)


class LookupBandsFn(beam.DoFn):
    """Per band bucket: (old doc_id, new doc_id) for every shared band within the lookback (a
    pair sharing several bands repeats: route_probe drops the repeats, no shuffle needed)."""

    def __init__(self, files: BucketFiles, lookback_days: int) -> None:
        self._files = files
        self._lookback = datetime.timedelta(days=lookback_days)

    def process(self, element: tuple[int, Iterable[tuple[bytes, str, Any]]]) -> Iterator[Any]:
        bucket, entries = element
        wanted: dict[bytes, list[tuple[str, datetime.date]]] = {}
        for key, doc_id, doc_date in entries:
            wanted.setdefault(key, []).append((doc_id, doc_date))
        columns = ["band_key", "doc_id", "doc_date"]
        for old in scan_matching(self._files.get(bucket, ()), "band_key", wanted, columns):
            for new_id, new_date in wanted[old["band_key"]]:
                old_date = old["doc_date"]
                if old_date is None or abs(new_date - old_date) <= self._lookback:
                    yield old["doc_id"], new_id


def route_probe(
    item: tuple[str, dict[str, list[Any]]], buckets: int
) -> Iterator[tuple[int, tuple[Probe, list[str]]]]:
    """(new doc_id, {probe, old ids}) -> (doc bucket, (probe, its old ids there)), once per
    bucket its collisions fall in.

    The probe travels to the indexed documents, not the other way: a document that collides
    with hundreds of indexed ones (a shared background passage, a popular story) is copied at
    most once per bucket, so the records this step moves are bounded by the batch (times the
    bucket count), never by the history. Shipping each indexed row once per colliding pair grew
    with the history: 250,272 pairs against 3,101 verified matches for a 20,000-article batch
    into a 1,060,000-article dataset (BENCHMARKS.md)."""
    _, joined = item
    if not joined["probe"] or not joined["old"]:
        return
    probe: Probe = joined["probe"][0]
    by_bucket: dict[int, list[str]] = {}
    for old_id in sorted(set(joined["old"])):
        by_bucket.setdefault(doc_bucket(old_id, buckets), []).append(old_id)
    for bucket in sorted(by_bucket):
        yield bucket, (probe, by_bucket[bucket])


class VerifyInBucketFn(beam.DoFn):
    """Per doc bucket: reads the indexed documents the bucket's probes collided with (once
    each) and verifies every (probe, indexed document) pair there; emits the verified matches
    only, (new doc_id, HistoryMatch)."""

    def __init__(self, files: BucketFiles, params: MinHashParams) -> None:
        self._files = files
        self._params = params

    def process(self, element: tuple[int, Iterable[tuple[Probe, list[str]]]]) -> Iterator[Any]:
        bucket, routed = element
        wanted: dict[str, list[Probe]] = {}
        for probe, old_ids in routed:
            for old_id in old_ids:
                wanted.setdefault(old_id, []).append(probe)
        columns = [*SIGNATURE_COLUMNS, "story_id"]
        for old in scan_matching(self._files.get(bucket, ()), "doc_id", wanted, columns):
            if old["story_id"] is None:
                continue
            for probe in wanted[old["doc_id"]]:
                match = verify_history(probe, old, self._params)
                if match is not None:
                    yield probe.doc_id, match


def best_of(matches: Iterable[HistoryMatch]) -> HistoryMatch:
    """CombinePerKey's function: the best match (associative and order-free)."""
    best = best_match(matches)
    assert best is not None, "CombinePerKey never combines an empty key"
    return best


def probe_bands(probe: Probe, params: MinHashParams, buckets: int) -> Iterator[Any]:
    """(band bucket, (band key, doc_id, date)) for every band of a new article."""
    # Too few shingles: never a candidate, as in a one-shot run.
    if is_comparable(probe.signature, params):
        values = np.frombuffer(probe.signature.hashvalues, dtype="<u4")
        for key in band_keys(values, params):
            yield band_bucket(key, buckets), (key, probe.doc_id, probe.doc_date)


def make_probe(item: tuple[str, dict[str, list[Any]]]) -> Iterator[Probe]:
    """Joins a signature with its article's document date."""
    _, joined = item
    if joined["signature"] and joined["date"]:
        yield Probe(joined["signature"][0], joined["date"][0])


class MatchHistory(beam.PTransform):
    """(signatures, (doc_id, doc_date)) -> (doc_id, HistoryMatch): each new article's best
    verified match among the dataset's indexed articles within the lookback window."""

    def __init__(
        self,
        params: MinHashParams,
        bands: BucketFiles,
        documents: BucketFiles,
        buckets: int,
        lookback_days: int,
    ) -> None:
        super().__init__()
        self._params = params
        self._bands = bands
        self._documents = documents
        self._buckets = buckets
        self._lookback = lookback_days

    def expand(self, inputs: tuple[beam.PCollection, beam.PCollection]) -> beam.PCollection:
        signatures, dates = inputs
        params, buckets = self._params, self._buckets
        probes = (
            {
                "signature": signatures | "KeySignatures" >> beam.Map(lambda s: (s.doc_id, s)),
                "date": dates,
            }
            | "JoinDates" >> beam.CoGroupByKey()
            | "Probes" >> beam.FlatMap(make_probe)
        )
        collisions = (
            probes
            | "BandEntries" >> beam.FlatMap(probe_bands, params, buckets)
            | "GroupBandBuckets" >> beam.GroupByKey()
            | "LookupBands" >> beam.ParDo(LookupBandsFn(self._bands, self._lookback))
            | "KeyByNewDoc" >> beam.Map(lambda pair: (pair[1], pair[0]))
        )
        return (
            {"probe": probes | "KeyProbes" >> beam.Map(lambda p: (p.doc_id, p)), "old": collisions}
            | "JoinCollisions" >> beam.CoGroupByKey()
            | "RouteProbes" >> beam.FlatMap(route_probe, buckets)
            | "GroupDocBuckets" >> beam.GroupByKey()
            | "VerifyInBuckets" >> beam.ParDo(VerifyInBucketFn(self._documents, params))
            | "BestMatch" >> beam.CombinePerKey(best_of)
        )
