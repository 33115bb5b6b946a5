"""The pipeline's grouping rerun offline, in plain Python, for a grid of similarity settings.

Signatures come from transforms.signatures (MinHasher, shingles, shingle_keys, band_keys),
candidate pairs from transforms.candidates.bucket_pairs on buckets sorted by doc_id (documents
with too few shingles have no bands), verification from candidates.compare, groups from
grouping.group_in_memory (Jaccard components plus containment attachments) and canonical copies
from canonical.rank_members: the same functions as GroupStories, without Beam. At the
pipeline's settings it must reproduce the run's groups exactly (run_bench reports whether it
does), which is what makes the grid trustworthy.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from wirestory.transforms.candidates import Match, bucket_pairs, compare
from wirestory.transforms.canonical import (
    Member,
    furniture_floor,
    line_keys,
    outlet_key,
    rank_members,
)
from wirestory.transforms.grouping import group_in_memory
from wirestory.transforms.records import Signature
from wirestory.transforms.signatures import (
    MinHasher,
    MinHashParams,
    band_keys,
    is_comparable,
    lead_keys,
    normalise,
    shingle_sequence,
)

_BATCH = 128  # documents per MinHasher call, as ComputeSignatures batches at most


@dataclass(frozen=True)
class Doc:
    """What the grouping needs of one extracted article."""

    doc_id: str
    text: str
    word_count: int
    published: datetime.date | None
    sitename: str | None = None
    url: str | None = None


def compute_signatures(
    docs: Sequence[Doc],
    shingle_size: int,
    num_perm: int,
    seed: int,
    lead_shingles: int = MinHashParams.lead_shingles,
) -> tuple[list[Signature], list[np.ndarray]]:
    """Signature records of every document, in input order, and the shingle sequences."""
    hasher = MinHasher(num_perm, seed)
    out: list[Signature] = []
    sequences: list[np.ndarray] = []
    for start in range(0, len(docs), _BATCH):
        batch = docs[start : start + _BATCH]
        seqs = [shingle_sequence(normalise(doc.text), shingle_size) for doc in batch]
        grams = [_grams(doc.text, shingle_size) for doc in batch]
        values = hasher.signatures(grams)
        for doc, seq, doc_grams, row in zip(batch, seqs, grams, values, strict=True):
            keys = np.unique(seq).astype("<u4").tobytes()
            lead = lead_keys(seq, lead_shingles).astype("<u4").tobytes()
            hashvalues = row.astype("<u4").tobytes()
            out.append(Signature(doc.doc_id, len(doc_grams), hashvalues, keys, lead))
            sequences.append(seq)
    return out, sequences


def _grams(text: str, size: int) -> list[bytes]:
    from wirestory.transforms.signatures import shingles

    return shingles(text, size)


def candidate_pairs(signatures: Sequence[Signature], params: MinHashParams) -> set[tuple[int, int]]:
    """Index pairs meeting in some LSH bucket, chosen per bucket exactly as BucketPairsFn does."""
    buckets: dict[bytes, list[int]] = defaultdict(list)
    for i, sig in enumerate(signatures):
        if not is_comparable(sig, params):
            continue
        for key in band_keys(np.frombuffer(sig.hashvalues, dtype="<u4"), params):
            buckets[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        by_id = {signatures[i].doc_id: i for i in members}  # a document once per bucket
        ordered = [by_id[d] for d in sorted(by_id)]
        for left, right in bucket_pairs(ordered):
            pairs.add((left, right))
    return pairs


class UnionFind:
    """Disjoint sets over 0..n-1; the root of a set is its smallest member."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        """Root of x, with path halving."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        """Joins the sets of a and b under the smaller root."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def verified(
    signatures: Sequence[Signature], pairs: Iterable[tuple[int, int]], params: MinHashParams
) -> list[tuple[int, int, Match]]:
    """(left, right, match) of every candidate pair that passes verification."""
    out = []
    for a, b in pairs:
        match = compare(signatures[a], signatures[b], params)
        if match is not None:
            out.append((a, b, match))
    return out


def stories_from(
    docs: Sequence[Doc],
    sequences: Sequence[np.ndarray],
    matches: Iterable[Match],
    shingle_size: int = MinHashParams.shingle_size,
) -> tuple[dict[str, str], dict[str, bool]]:
    """(doc_id -> story label, doc_id -> is canonical); a label is its core's smallest doc_id.
    Furniture lines are counted over the groups as StoryFurniture counts them."""
    grouped, _ = group_in_memory(matches)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        groups[grouped.get(doc.doc_id, doc.doc_id)].append(i)
    lines = [line_keys(doc.text, shingle_size, outlet_key(doc.sitename, doc.url)) for doc in docs]
    holders: dict[int, set[str]] = defaultdict(set)
    for label, members in groups.items():
        for i in members:
            for line, _ in lines[i][0]:
                holders[line].add(label)
    floor = furniture_floor(len(groups))
    furniture = {line for line, labels_ in holders.items() if len(labels_) >= floor}
    labels: dict[str, str] = {}
    canonical: dict[str, bool] = {}
    for label, members in groups.items():
        ranked = rank_members(
            (_member(docs[i], sequences[i], lines[i]) for i in members), furniture
        )
        for i in members:
            labels[docs[i].doc_id] = label
            canonical[docs[i].doc_id] = docs[i].doc_id == ranked[0].doc_id
    return labels, canonical


def _member(
    doc: Doc, sequence: np.ndarray, lines: tuple[tuple[tuple[int, bytes], ...], tuple[int, ...]]
) -> Member:
    """What AssignStories knows of an article."""
    return Member(
        doc.doc_id,
        doc.word_count,
        doc.published,
        doc.url,
        doc.sitename,
        sequence.tobytes(),
        lines=lines[0],
        naming=lines[1],
    )


def group(docs: Sequence[Doc], params: MinHashParams) -> tuple[dict[str, str], dict[str, bool]]:
    """The grouping GroupStories produces for these documents and settings."""
    signatures, sequences = compute_signatures(
        docs, params.shingle_size, params.num_perm, params.seed
    )
    found = verified(signatures, candidate_pairs(signatures, params), params)
    return stories_from(docs, sequences, (m for _, _, m in found), params.shingle_size)


@dataclass(frozen=True)
class GridPoint:
    """One grid combination: its groups, and the pairs LSH proposed and verification kept."""

    params: MinHashParams
    labels: dict[str, str]
    canonical: dict[str, bool]
    candidates: list[tuple[int, int]]  # document index pairs
    edges: list[tuple[int, int]]


def grid(
    docs: Sequence[Doc],
    shingle_sizes: Sequence[int],
    thresholds: Sequence[float],
    containments: Sequence[float],
    num_perm: int = 128,
    seed: int = 1,
    candidate_threshold: float = 0.0,
    min_shingles: int = MinHashParams.min_shingles,
    lead_share: float = MinHashParams.lead_share,
    lead_shingles: int = MinHashParams.lead_shingles,
) -> Iterable[GridPoint]:
    """The grouping of every combination, reusing work across them.

    Signatures are computed once per shingle size and candidates once per banding (the
    candidate threshold, or each threshold when it is 0); only verification and grouping run
    per threshold and containment.
    """
    for size in shingle_sizes:
        signatures, sequences = compute_signatures(docs, size, num_perm, seed, lead_shingles)
        banded: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for threshold in thresholds:
            banding = MinHashParams(
                num_perm=num_perm,
                shingle_size=size,
                threshold=threshold,
                candidate_threshold=candidate_threshold,
                min_shingles=min_shingles,
            )
            key = (banding.bands, banding.rows)
            if key not in banded:
                banded[key] = sorted(candidate_pairs(signatures, banding))
            pairs = banded[key]
            for containment in containments:
                params = MinHashParams(
                    num_perm=num_perm,
                    shingle_size=size,
                    threshold=threshold,
                    candidate_threshold=candidate_threshold,
                    containment=containment,
                    seed=seed,
                    min_shingles=min_shingles,
                    lead_share=lead_share,
                    lead_shingles=lead_shingles,
                )
                found = verified(signatures, pairs, params)
                labels, canonical = stories_from(docs, sequences, (m for _, _, m in found), size)
                edges = [(a, b) for a, b, _ in found]
                yield GridPoint(params, labels, canonical, pairs, edges)
