"""The canonical copy of a story, and the match each member joined through: pure functions.

Judged exactly from the group itself, on the members' shingle sets S (signatures.shingle_keys).
Against every other member j, a member m is scored on how much of j it holds (recall,
|S_m n S_j| / |S_j|: completeness) and how much of itself j confirms (precision,
|S_m n S_j| / |S_m|: cleanliness):

    score(m) = sum over j != m of  recall_j(m) + CLEANLINESS * precision_j(m)

Copies derive from one original, so the original holds nearly all of every other copy (a
trimmed copy misses what the fuller ones kept), while content an outlet added (its edits,
promos, dateline, byline, a paragraph of its own) is confirmed by few or no other members and
lowers its precision against each of them. Ties (the same content) go to canonical_order: most
words, earliest date, smallest id. Both sums come from per-shingle counts (how many members hold
it, and the sum of 1 / |S_j| over them), so the score is linear in the group's total shingles.
"""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from wirestory.transforms.candidates import Match

# Weight of cleanliness (the precision terms) against completeness (the recall terms); chosen on
# the syndication benchmark (BENCHMARKS.md, 10,000 documents): with 0.5 the canonical copy is the
# original or token-identical to it in 76% of multi-copy stories (74% the original itself),
# against 72% (70%) for coverage minus unique content; 0.4: 75%, 0.75: 75%, 1.0: 72%.
CLEANLINESS = 0.5


@dataclass(frozen=True)
class Member:
    """What choosing a canonical copy needs of one article: no text."""

    doc_id: str
    word_count: int
    published: datetime.date | None
    url: str | None
    sitename: str | None
    # Little-endian uint32 shingle keys: in text order with repeats, or the distinct sorted keys
    # of its signature (only the set counts).
    sequence: bytes
    matches: tuple[Match, ...] = ()  # verified matches the grouping used, at either end

    def keys(self) -> np.ndarray:
        """The shingle keys (see `sequence`)."""
        return np.frombuffer(self.sequence, dtype="<u4")


def canonical_order(member: Member) -> tuple[int, bool, datetime.date, str]:
    """Sort key: most words first, then earliest published (unknown last), then smallest id."""
    return (
        -member.word_count,
        member.published is None,
        member.published or datetime.date.max,
        member.doc_id,
    )


def completeness(members: Sequence[Member]) -> list[float]:
    """The score of every member, as the module doc defines it (linear in the group's size).

    Vectorised, with the arithmetic of the plain loops it replaced: per-key weights added in
    member order (bincount adds sequentially), each member's recall summed key by key in
    ascending key order (cumsum is sequential, unlike sum's pairwise rounding), precision from
    integer counts; so the scores, and the picks, are bit for bit the same.
    """
    sets = [np.unique(m.keys()) for m in members]
    sizes = [len(keys) for keys in sets]
    if not any(sizes):
        return [float("-inf")] * len(members)
    _, inverse, counts = np.unique(np.concatenate(sets), return_inverse=True, return_counts=True)
    shares = np.repeat([1.0 / n if n else 0.0 for n in sizes], sizes)
    weight = np.bincount(inverse, weights=shares, minlength=len(counts))
    scores = []
    start = 0
    for n in sizes:
        if not n:
            scores.append(float("-inf"))
            continue
        held = inverse[start : start + n]
        start += n
        # sum over j of |S_m n S_j| / |S_j|, without m's own term (1.0)
        recall = float(np.cumsum(weight[held])[-1]) - 1.0
        # sum over j of |S_m n S_j| / |S_m|: each shingle counts once per other member holding it
        precision = int(counts[held].sum() - n) / n
        scores.append(round(recall + CLEANLINESS * precision, 9))
    return scores


def rank_members(members: Iterable[Member]) -> list[Member]:
    """Members, the canonical copy first (see the module doc)."""
    ordered = sorted(members, key=lambda m: m.doc_id)
    if len(ordered) < 2:
        return ordered
    scores = completeness(ordered)
    order = sorted(range(len(ordered)), key=lambda i: (-scores[i], canonical_order(ordered[i])))
    return [ordered[i] for i in order]


def _match_rank(match: Match) -> tuple[float, float, str, str]:
    return (-match.jaccard, -match.containment, match.small, match.large)


def joined_through(canonical: str, members: Sequence[Member]) -> dict[str, Match]:
    """The verified match through which each member (but the canonical) joined the story.

    A maximum spanning tree of the group's matches grown from the canonical copy (Prim, best
    Jaccard first): each member's match leads to a member already in the tree.
    """
    ids = {m.doc_id for m in members}
    adjacent: dict[str, list[Match]] = {doc_id: [] for doc_id in ids}
    for member in members:
        for match in member.matches:
            if match.small in ids and match.large in ids:
                adjacent[member.doc_id].append(match)
    reached = {canonical}
    parents: dict[str, Match] = {}
    pushed = 0  # a tie breaker: the same match arrives from both of its ends
    heap: list[tuple[tuple[float, float, str, str], int, Match]] = []
    for match in adjacent.get(canonical, []):
        heapq.heappush(heap, (_match_rank(match), pushed := pushed + 1, match))
    while heap:
        _, _, match = heapq.heappop(heap)
        new = match.small if match.small not in reached else match.large
        if new in reached:
            continue
        reached.add(new)
        parents[new] = match
        for following in adjacent[new]:
            if following.other(new) not in reached:
                heapq.heappush(heap, (_match_rank(following), pushed := pushed + 1, following))
    return parents
