"""Step 4: LSH banding -> candidate pairs -> pairs verified on the full signatures."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import apache_beam as beam
import numpy as np

from transforms.records import Signature
from transforms.signatures import MinHashParams, iter_band_entries, signature_values

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


def bucket_pairs(members: list[Signature]) -> Iterator[tuple[Signature, Signature]]:
    """Candidate pairs inside one LSH bucket, members sorted by doc_id."""
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


class VerifyBucketFn(beam.DoFn):
    """Emits verified (smaller_id, larger_id) edges from one LSH bucket."""

    def __init__(self, params: MinHashParams) -> None:
        self._params = params

    def process(self, bucket: tuple[bytes, Iterable[Signature]]) -> Iterator[tuple[str, str]]:
        _, signatures = bucket
        members = sorted({s.doc_id: s for s in signatures}.values(), key=lambda s: s.doc_id)
        if len(members) < 2:
            return
        for left, right in bucket_pairs(members):
            if is_same_story(left, right, self._params):
                yield left.doc_id, right.doc_id


@beam.typehints.with_input_types(Signature)
@beam.typehints.with_output_types(tuple[str, str])
class FindSimilarPairs(beam.PTransform):
    """Signatures -> distinct verified edges between near-duplicate documents."""

    def __init__(self, params: MinHashParams) -> None:
        super().__init__()
        self._params = params

    def expand(self, signatures: beam.PCollection) -> beam.PCollection:
        params = self._params
        return (
            signatures
            | "BandKeys" >> beam.FlatMap(iter_band_entries, params)
            | "GroupBuckets" >> beam.GroupByKey()
            | "VerifyPairs" >> beam.ParDo(VerifyBucketFn(params))
            # The same pair meets in several bands.
            | "DistinctEdges" >> beam.Distinct()
        )
