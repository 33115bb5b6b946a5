"""Step 4: LSH banding -> candidate pairs -> pairs verified on the full signatures."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import apache_beam as beam
import numpy as np
from apache_beam.utils.windowed_value import WindowedValue
from wirestory.transforms.packing import PackPerKeyFn, unpacked
from wirestory.transforms.records import Signature
from wirestory.transforms.signatures import (
    MinHashParams,
    band_keys,
    is_comparable,
    keys_of,
    lead_of,
    signature_values,
)

# Buckets up to this size verify every pair; larger ones (mass-produced pages) compare each
# member with the bucket's smallest id and its sorted neighbour, keeping work linear.
_ALL_PAIRS_MAX_BUCKET = 64


def estimated_jaccard(left: np.ndarray, right: np.ndarray) -> float:
    """Fraction of equal MinHash values: datasketch's MinHash.jaccard."""
    return float(np.count_nonzero(left == right)) / len(left)


def estimated_containment(jaccard: float, size_small: int, size_large: int) -> float:
    """Share of the smaller shingle set inside the larger one, from Jaccard and set sizes."""
    if size_small <= 0:
        return 0.0
    overlap = jaccard * (size_small + size_large) / (1.0 + jaccard)
    return min(1.0, overlap / size_small)


@dataclass(frozen=True)
class Match:
    """A verified pair. `small` is the document with fewer shingles (ties: the larger doc_id),
    the one a containment match attaches to `large`."""

    small: str
    large: str
    jaccard: float
    containment: float  # |A n B| / |small|
    is_jaccard_edge: bool  # else a containment-only match
    small_shingles: int = 0  # distinct shingles of each side
    large_shingles: int = 0

    def other(self, doc_id: str) -> str:
        """The pair's other document."""
        return self.large if doc_id == self.small else self.small


def overlap(left: np.ndarray, right: np.ndarray) -> int:
    """Number of shingle keys two sorted distinct key arrays share."""
    return int(np.intersect1d(left, right, assume_unique=True).size)


def jaccard_score(shared: int, size_a: int, size_b: int) -> float:
    """Exact Jaccard |A n B| / |A u B| from the overlap and the set sizes."""
    union = size_a + size_b - shared
    return shared / union if union else 0.0


def containment_score(shared: int, size_a: int, size_b: int) -> float:
    """Exact containment of the smaller set in the larger: |A n B| / min(|A|, |B|)."""
    smaller = min(size_a, size_b)
    return shared / smaller if smaller else 0.0


def is_jaccard_edge(jaccard: float, params: MinHashParams) -> bool:
    """A symmetric match: may join two groups (connected components)."""
    return jaccard >= params.threshold


def is_containment_match(containment: float, lead: float, params: MinHashParams) -> bool:
    """The shorter document is mostly inside the longer one and keeps its lead: it may attach,
    never join.

    `lead` is the share of the longer document's opening shingles found in the shorter one. A
    shorter copy of a story keeps its lead (copy desks trim from the bottom); a brief or a
    background paragraph that another story repeats sits in that story's body, not its lead.
    """
    return containment >= params.containment and lead >= params.lead_share


def lead_score(small: Signature, large: Signature) -> float:
    """Share of the longer document's lead keys found in the shorter document (1.0 if unknown)."""
    lead = lead_of(large)
    if not len(lead):
        return 1.0
    return overlap(lead, keys_of(small)) / len(lead)


def compare(left: Signature, right: Signature, params: MinHashParams) -> Match | None:
    """Verifies a candidate pair exactly on its shingle keys; None when it does not match."""
    if not (is_comparable(left, params) and is_comparable(right, params)):
        return None
    a, b = keys_of(left), keys_of(right)
    shared = overlap(a, b)
    jaccard = jaccard_score(shared, len(a), len(b))
    containment = containment_score(shared, len(a), len(b))
    edge = is_jaccard_edge(jaccard, params)
    small, large = sorted((left, right), key=lambda s: (len(s.shingle_keys), _desc(s.doc_id)))
    if not edge and not is_containment_match(containment, lead_score(small, large), params):
        return None
    sizes = len(small.shingle_keys) // 4, len(large.shingle_keys) // 4
    return Match(small.doc_id, large.doc_id, jaccard, containment, edge, *sizes)


def _desc(doc_id: str) -> tuple[int, ...]:
    """Sort key putting larger ids first."""
    return tuple(-ord(ch) for ch in doc_id)


def container_rank(match: Match) -> tuple[float, float, tuple[int, ...]]:
    """Sort key of a document's containers, best first: most contained in, then most similar,
    then the smallest container id."""
    return (-match.containment, -match.jaccard, tuple(ord(ch) for ch in match.large))


def pick_container(matches: Iterable[Match]) -> Match | None:
    """The containment match a document attaches through: its best container."""
    ranked = sorted(matches, key=container_rank)
    return ranked[0] if ranked else None


def is_same_story(left: Signature, right: Signature, params: MinHashParams) -> bool:
    """Whether a candidate pair is a verified match of either kind."""
    return compare(left, right, params) is not None


_Item = TypeVar("_Item")


def bucket_pairs(members: list[_Item]) -> Iterator[tuple[_Item, _Item]]:
    """Candidate pairs inside one LSH bucket, members (doc ids, or anything in doc_id order)
    sorted by doc_id."""
    if len(members) <= _ALL_PAIRS_MAX_BUCKET:
        for i, left in enumerate(members):
            for right in members[i + 1 :]:
                yield left, right
        return
    first = members[0]
    for i in range(1, len(members)):
        yield first, members[i]
        if i > 1:
            yield members[i - 1], members[i]


def band_entries(signature: Signature, params: MinHashParams) -> Iterator[tuple[bytes, str]]:
    """(band key, doc_id) for every band of one document: small records for the big shuffle.
    A document with too few shingles has none: it is never a candidate."""
    if not is_comparable(signature, params):
        return
    for key in band_keys(signature_values(signature), params):
        yield key, signature.doc_id


# The band shuffle moves packs of band entries, not one element per band: entries go to one of
# _BAND_SHARDS shards by band key, and each bundle emits a shard's entries together, _PACK at a
# time (bounded memory). A shard holds 1/_BAND_SHARDS of all entries (~2,700 at 100,000 docs),
# so no worker gathers more than a small share of the index.
_BAND_SHARDS = 1024
_PACK = 4096
# Candidate pairs a BucketPairsFn bundle holds (deduplicated) before it flushes them (~10 MB).
_PAIRS_HELD = 1 << 16


def band_shard(key: bytes) -> int:
    """The shard of a band key: its digest bytes are already uniform."""
    return int.from_bytes(key[-4:], "big") % _BAND_SHARDS


class PackBandsFn(beam.DoFn):
    """Signatures -> (shard, [(band key, doc_id), ...]): each bundle's band entries per window
    and shard, at most _PACK to an element."""

    def __init__(self, params: MinHashParams) -> None:
        self._params = params
        self._packs: dict[tuple[Any, int], list[tuple[bytes, str]]] = {}

    def start_bundle(self) -> None:
        self._packs = {}

    def process(
        self, signature: Signature, window: Any = beam.DoFn.WindowParam
    ) -> Iterator[tuple[int, list[tuple[bytes, str]]]]:
        for key, doc_id in band_entries(signature, self._params):
            shard = band_shard(key)
            pack = self._packs.setdefault((window, shard), [])
            pack.append((key, doc_id))
            if len(pack) >= _PACK:
                yield shard, self._packs.pop((window, shard))

    def finish_bundle(self) -> Iterator[WindowedValue]:
        for (window, shard), pack in self._packs.items():
            yield WindowedValue((shard, pack), window.max_timestamp(), (window,))
        self._packs = {}


def _shard_pairs(shard: tuple[int, Iterable[list[tuple[bytes, str]]]]) -> Iterator[tuple[str, str]]:
    """The candidate (smaller, larger) id pairs of every LSH bucket in a shard's band packs."""
    buckets: dict[bytes, set[str]] = {}
    for pack in shard[1]:
        for key, doc_id in pack:
            buckets.setdefault(key, set()).add(doc_id)
    for members in buckets.values():
        if len(members) > 1:
            yield from bucket_pairs(sorted(members))


class BucketPairsFn(PackPerKeyFn):
    """Shards of band entries -> (left_id, [right_id, ...]): the candidate pairs of every LSH
    bucket, packed per bundle and left document (a pair met in several bands of the bundle
    once), at most _PAIRS_HELD pairs held before a flush."""

    def __init__(self) -> None:
        super().__init__(_shard_pairs, distinct=True, held=_PAIRS_HELD)


def _keyed_for_verification(signature: Signature) -> tuple[str, Signature]:
    """(doc_id, the signature without its MinHash values): verification reads only the shingle
    and lead keys, and the values are a quarter of the bytes the two joins would move."""
    return signature.doc_id, dataclasses.replace(signature, hashvalues=b"")


def _with_left_signature(
    item: tuple[str, dict[str, list[Any]]],
) -> Iterator[tuple[str, Signature]]:
    """(right_id, left signature) for every candidate pair whose left document is this one (its
    packs of right ids); a pair met in several bands is verified once."""
    _, joined = item
    if joined["pairs"] and joined["signature"]:
        left = joined["signature"][0]
        for right_id in sorted({right for pack in joined["pairs"] for right in pack}):
            yield right_id, left


class VerifyPairsFn(beam.DoFn):
    """Verifies every candidate pair that ends at one document; emits the verified edges."""

    def __init__(self, params: MinHashParams) -> None:
        self._params = params

    def process(self, item: tuple[str, dict[str, list[Any]]]) -> Iterator[Match]:
        _, joined = item
        if not (joined["lefts"] and joined["signature"]):
            return
        right = joined["signature"][0]
        for left in unpacked(joined["lefts"]):
            match = compare(left, right, self._params)
            if match is not None:
                yield match


@beam.typehints.with_input_types(Signature)
@beam.typehints.with_output_types(Match)
class FindSimilarPairs(beam.PTransform):
    """Signatures -> distinct verified matches (Jaccard edges and containment matches).

    The band shuffle carries only (band key, doc_id), packed per bundle and band-key shard: most
    buckets hold one document, so signatures join the few candidate pairs afterwards, once per
    pair rather than once per band.
    """

    def __init__(self, params: MinHashParams) -> None:
        super().__init__()
        self._params = params

    def expand(self, signatures: beam.PCollection) -> beam.PCollection:
        by_id = signatures | "KeyById" >> beam.Map(_keyed_for_verification)
        pairs = (
            signatures
            | "BandKeys"
            # Typed Any, not list[...]: packs get the compiled coder (components.PackCoded).
            >> beam.ParDo(PackBandsFn(self._params)).with_output_types(tuple[int, Any])
            | "GroupShards" >> beam.GroupByKey()
            # The same pair meets in several bands: JoinLeft verifies it once.
            | "BucketPairs" >> beam.ParDo(BucketPairsFn()).with_output_types(tuple[str, Any])
        )
        lefts = (
            {"pairs": pairs, "signature": by_id}
            | "JoinLeft" >> beam.CoGroupByKey()
            # Signatures are large: a bundle holds at most 4,096 of them (~8 MB) before a flush.
            | "KeyByRight" >> beam.ParDo(PackPerKeyFn(_with_left_signature, held=4096))
        )
        return (
            {"lefts": lefts, "signature": by_id}
            | "JoinRight" >> beam.CoGroupByKey()
            | "VerifyPairs" >> beam.ParDo(VerifyPairsFn(self._params)).with_output_types(Match)
        )
