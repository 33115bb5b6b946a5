"""Step 4: LSH banding -> candidate pairs -> pairs verified on the full signatures."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import apache_beam as beam
import numpy as np
from wirestory.transforms.records import Signature
from wirestory.transforms.signatures import MinHashParams, band_keys, signature_values

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


def is_same_story(left: Signature, right: Signature, params: MinHashParams) -> bool:
    """Verifies a candidate pair: similar enough, or the shorter copy contained in the longer."""
    jaccard = estimated_jaccard(signature_values(left), signature_values(right))
    if jaccard >= params.threshold:
        return True
    small, large = sorted((left.num_shingles, right.num_shingles))
    return estimated_containment(jaccard, small, large) >= params.containment


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
    """(band key, doc_id) for every band of one document: small records for the big shuffle."""
    for key in band_keys(signature_values(signature), params):
        yield key, signature.doc_id


class BucketPairsFn(beam.DoFn):
    """Emits the candidate (smaller_id, larger_id) pairs of one LSH bucket."""

    def process(self, bucket: tuple[bytes, Iterable[str]]) -> Iterator[tuple[str, str]]:
        _, doc_ids = bucket
        members = sorted(set(doc_ids))
        if len(members) > 1:
            yield from bucket_pairs(members)


def _with_left_signature(
    item: tuple[str, dict[str, list[Any]]],
) -> Iterator[tuple[str, Signature]]:
    """(right_id, left signature) for every candidate pair whose left document is this one."""
    _, joined = item
    if joined["pairs"] and joined["signature"]:
        left = joined["signature"][0]
        for right_id in joined["pairs"]:
            yield right_id, left


class VerifyPairsFn(beam.DoFn):
    """Verifies every candidate pair that ends at one document; emits the verified edges."""

    def __init__(self, params: MinHashParams) -> None:
        self._params = params

    def process(self, item: tuple[str, dict[str, list[Any]]]) -> Iterator[tuple[str, str]]:
        _, joined = item
        if not (joined["lefts"] and joined["signature"]):
            return
        right = joined["signature"][0]
        for left in joined["lefts"]:
            if is_same_story(left, right, self._params):
                yield left.doc_id, right.doc_id


@beam.typehints.with_input_types(Signature)
@beam.typehints.with_output_types(tuple[str, str])
class FindSimilarPairs(beam.PTransform):
    """Signatures -> distinct verified edges between near-duplicate documents.

    The band shuffle carries only (band key, doc_id): most buckets hold one document, so
    signatures join the few candidate pairs afterwards, once per pair rather than once per band.
    """

    def __init__(self, params: MinHashParams) -> None:
        super().__init__()
        self._params = params

    def expand(self, signatures: beam.PCollection) -> beam.PCollection:
        by_id = signatures | "KeyById" >> beam.Map(lambda s: (s.doc_id, s))
        pairs = (
            signatures
            | "BandKeys"
            >> beam.FlatMap(band_entries, self._params).with_output_types(tuple[bytes, str])
            | "GroupBuckets" >> beam.GroupByKey()
            | "BucketPairs" >> beam.ParDo(BucketPairsFn()).with_output_types(tuple[str, str])
            # The same pair meets in several bands.
            | "DistinctPairs" >> beam.Distinct()
        )
        lefts = (
            {"pairs": pairs, "signature": by_id}
            | "JoinLeft" >> beam.CoGroupByKey()
            | "KeyByRight" >> beam.FlatMap(_with_left_signature)
        )
        return (
            {"lefts": lefts, "signature": by_id}
            | "JoinRight" >> beam.CoGroupByKey()
            | "VerifyPairs"
            >> beam.ParDo(VerifyPairsFn(self._params)).with_output_types(tuple[str, str])
        )
