"""The pipeline's grouping rerun offline, in plain Python, for a grid of similarity settings.

Signatures come from transforms.signatures (MinHasher, shingles, band_keys), candidate pairs from
transforms.candidates.bucket_pairs on buckets sorted by doc_id, verification from is_same_story,
and components from a union-find: the same steps as GroupStories, without Beam. Canonical copies
follow transforms.stories.rank_members. At the pipeline's settings it must reproduce the run's
groups exactly (run_bench reports whether it does), which is what makes the grid trustworthy.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from wirestory.transforms.candidates import bucket_pairs, is_same_story
from wirestory.transforms.records import Signature
from wirestory.transforms.signatures import MinHasher, MinHashParams, band_keys, shingles
from wirestory.transforms.stories import Member, rank_members

_BATCH = 128  # documents per MinHasher call, as ComputeSignatures batches at most


@dataclass(frozen=True)
class Doc:
    """What the grouping needs of one extracted article."""

    doc_id: str
    text: str
    word_count: int
    published: datetime.date | None


def compute_signatures(docs: Sequence[Doc], shingle_size: int, num_perm: int, seed: int):
    """Signature records of every document, in input order."""
    hasher = MinHasher(num_perm, seed)
    out: list[Signature] = []
    for start in range(0, len(docs), _BATCH):
        batch = docs[start : start + _BATCH]
        grams = [shingles(doc.text, shingle_size) for doc in batch]
        values = hasher.signatures(grams)
        for doc, doc_grams, row in zip(batch, grams, values, strict=True):
            out.append(Signature(doc.doc_id, len(doc_grams), row.astype("<u4").tobytes()))
    return out


def candidate_pairs(signatures: Sequence[Signature], params: MinHashParams) -> set[tuple[int, int]]:
    """Index pairs meeting in some LSH bucket, chosen per bucket exactly as VerifyBucketFn does."""
    buckets: dict[bytes, list[int]] = defaultdict(list)
    for i, sig in enumerate(signatures):
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


def components(n: int, edges: Iterable[tuple[int, int]]) -> list[int]:
    """Component root of every index."""
    sets = UnionFind(n)
    for a, b in edges:
        sets.union(a, b)
    return [sets.find(i) for i in range(n)]


def _member(doc: Doc, signature: Signature) -> Member:
    """What AssignStories knows of an article (url and sitename do not affect the ranking)."""
    return Member(doc.doc_id, doc.word_count, doc.published, None, None, signature.hashvalues)


def stories_from(
    docs: Sequence[Doc], signatures: Sequence[Signature], roots: Sequence[int]
) -> tuple[dict[str, str], dict[str, bool]]:
    """(doc_id -> story label, doc_id -> is canonical); a label is the group's smallest doc_id."""
    groups: dict[int, list[int]] = defaultdict(list)
    for i, root in enumerate(roots):
        groups[root].append(i)
    labels: dict[str, str] = {}
    canonical: dict[str, bool] = {}
    for members in groups.values():
        label = min(docs[i].doc_id for i in members)
        # The pipeline's own ranking (AssignStoryFn), on the fields it sees.
        ranked = rank_members(_member(docs[i], signatures[i]) for i in members)
        for i in members:
            labels[docs[i].doc_id] = label
            canonical[docs[i].doc_id] = docs[i].doc_id == ranked[0].doc_id
    return labels, canonical


def group(docs: Sequence[Doc], params: MinHashParams) -> tuple[dict[str, str], dict[str, bool]]:
    """The grouping GroupStories produces for these documents and settings."""
    signatures = compute_signatures(docs, params.shingle_size, params.num_perm, params.seed)
    pairs = candidate_pairs(signatures, params)
    edges = ((a, b) for a, b in pairs if is_same_story(signatures[a], signatures[b], params))
    return stories_from(docs, signatures, components(len(docs), edges))


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
) -> Iterable[GridPoint]:
    """The grouping of every combination, reusing work across them.

    Signatures are computed once per shingle size and candidates once per threshold (banding
    depends only on it); only verification and components run per containment.
    """
    for size in shingle_sizes:
        signatures = compute_signatures(docs, size, num_perm, seed)
        for threshold in thresholds:
            banding = MinHashParams(num_perm=num_perm, shingle_size=size, threshold=threshold)
            pairs = sorted(candidate_pairs(signatures, banding))
            for containment in containments:
                params = MinHashParams(
                    num_perm=num_perm,
                    shingle_size=size,
                    threshold=threshold,
                    containment=containment,
                    seed=seed,
                )
                edges = [
                    (a, b) for a, b in pairs if is_same_story(signatures[a], signatures[b], params)
                ]
                labels, canonical = stories_from(docs, signatures, components(len(docs), edges))
                yield GridPoint(params, labels, canonical, pairs, edges)
