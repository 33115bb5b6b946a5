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

Furniture. A line that many different stories carry ("Sign up for our morning briefing", "By
A. Reporter, Agency", "Staff and agencies") is an outlet's furniture, not the story's content,
even when two copies of one story happen to carry it and so confirm each other. The grouping
counts, per line hash, the stories holding it (a keyed sum over the whole run, see
transforms/stories.py); a line held by at least furniture_floor(stories) of them is furniture.
Its shingles (those touching the line) count for nothing (they leave the content sets C that
the recall and intersection terms use) but stay in |S_m|, so they lower precision like any
unconfirmed content:

    score(m) = sum over j != m of  |C_m n C_j| / |C_j| + CLEANLINESS * |C_m n C_j| / |S_m|

An outlet's own additions. A line that names the copy's own outlet ("told The Courier", "The
Courier regrets the error", "Download the Courier app") is the outlet speaking, not the story,
when the other members lack most of its shingles (OWN_LINE_UNSHARED): its shingles leave C_m
like furniture's, for that member only. Set relations alone cannot tell a paragraph an outlet
added from the original's content that the other copies cut; the outlet's name can.

Ties, and near ties (NEAR_TIE), then go to fewer furniture and own-addition shingles, then
canonical_order. Without furniture and own additions (C = S) the score is the one above, bit
for bit.
"""

from __future__ import annotations

import datetime
import hashlib
import heapq
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np
from wirestory.transforms.candidates import Match
from wirestory.transforms.signatures import normalise, shingle_sequence

# Weight of cleanliness (the precision terms) against completeness (the recall terms); chosen on
# the syndication benchmark (BENCHMARKS.md, 10,000 documents): with 0.5 the canonical copy is the
# original or token-identical to it in 76% of multi-copy stories (74% the original itself),
# against 72% (70%) for coverage minus unique content; 0.4: 75%, 0.75: 75%, 1.0: 72%.
CLEANLINESS = 0.5
# A line is furniture when at least this share of all stories of the run (and at least
# FURNITURE_MIN_STORIES of them) hold it. On the syndication benchmark (10,000 documents, 3,657
# stories) floors of 40 to 100 stories give the same picks (0.841 strict against 0.734 without
# furniture); 20 stories: 0.810, 10: 0.796, 200: 0.793 (at 200 the reporters' bylines, held by
# 110-150 stories each, are content again). 2% sits inside that plateau (73 stories here).
# Scores within NEAR_TIE per other member of the best are ties (a few shingles of a copy, such as
# "CITY (Agency) -" against "CITY -", confirmed or not by chance): fewer furniture shingles,
# then more words win. On the benchmark: 0 -> 0.841, 0.002 -> 0.845, 0.005 -> 0.850,
# 0.01 -> 0.847, 0.02 -> 0.829.
NEAR_TIE = 0.005
# A short line that opens with a label of at most LABEL_MAX_WORDS words and a colon ("RELATED:
# <another story's headline>", "READ MORE: ...", "WATCH: ...") is keyed by its label, so an
# outlet's link lines count as one line across stories, and become furniture like any other.
# On the benchmark (10,000 documents, after transforms/edges.py) canonical accuracy with
# identical copies goes 0.882 -> 0.913; a quote line ("Smith: ...") keeps a label of its own
# story, held by too few stories to be furniture.
LABEL_MAX_WORDS = 3
LABEL_LINE_MAX_WORDS = 25
_LABEL = re.compile(r"^\s*([^\W\d_][^:]{0,30}?)\s*:\s*\S")
FURNITURE_SHARE = 0.02
FURNITURE_MIN_STORIES = 20
# A line naming the member's own outlet is an own addition when at least this share of its
# shingles are held by no other member of the group. A wire story's line that names the original
# outlet (its dateline credit, "told Reuters") is shared by the copies that kept it; an outlet's
# inserted paragraph is held by no one else. Measured on two syndication corpora (BENCHMARKS.md,
# "Canonical copy: an outlet's own additions"); a site name of more than SITE_MAX_WORDS words, or
# under SITE_MIN_CHARS letters and digits, is no name (extractors sometimes guess a sentence).
OWN_LINE_UNSHARED = 0.5
SITE_MAX_WORDS = 4
SITE_MIN_CHARS = 4
_SITE_WORD = re.compile(r"[^\W_]+")
# Second-level labels under a country code ("bbc.co.uk", "abc.net.au").
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go"})
# Site names that are common words: a text may say them without naming the outlet.
_GENERIC_NAMES = frozenset(
    {"news", "home", "blog", "daily", "today", "online", "media", "press", "world", "local"}
    | {"live", "times", "post", "herald", "journal", "report", "magazine", "radio", "video"}
)


def furniture_floor(stories: int) -> float:
    """Stories that must hold a line for it to be furniture, in a run of `stories` stories."""
    return max(FURNITURE_MIN_STORIES, FURNITURE_SHARE * stories)


def line_hash(tokens: Sequence[str]) -> int:
    """64-bit key of a line's normalised tokens (signed, so Beam's integer coder takes it)."""
    data = " ".join(tokens).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


def _line_key(line: str, tokens: list[str]) -> list[str]:
    """What identifies a line across stories: its tokens, or for a short line that opens with a
    label ("RELATED: ...", "READ MORE: ..."), the label alone (see LABEL_MAX_WORDS)."""
    label = _LABEL.match(line)
    if label and len(tokens) <= LABEL_LINE_MAX_WORDS:
        words = normalise(label.group(1))
        if 0 < len(words) <= LABEL_MAX_WORDS:
            return ["\x00label", *words]
    return tokens


def text_lines(text: str, shingle_size: int) -> tuple[tuple[int, bytes], ...]:
    """Every distinct line of the text with words: (line_hash, the little-endian uint32 keys of
    the shingles touching it, those that cross into a neighbouring line included)."""
    return line_keys(text, shingle_size)[0]


def line_keys(
    text: str, shingle_size: int, site: str | None = None
) -> tuple[tuple[tuple[int, bytes], ...], tuple[int, ...]]:
    """(text_lines, the sorted hashes of the lines that name the site: see site_key)."""
    lines = [(line, tokens) for line in text.splitlines() if (tokens := normalise(line))]
    words = [token for _, tokens in lines for token in tokens]
    sequence = shingle_sequence(words, shingle_size)
    out: dict[int, bytes] = {}
    naming: set[int] = set()
    start = 0
    for line, tokens in lines:
        end = start + len(tokens)
        touching = sequence[max(0, start - shingle_size + 1) : min(len(sequence), end)]
        key = line_hash(_line_key(line, tokens))
        out[key] = out.get(key, b"") + touching.astype("<u4").tobytes()
        if site and _names(tokens, site):
            naming.add(key)
        start = end
    return tuple(sorted(out.items())), tuple(sorted(naming))


def line_texts(text: str) -> dict[int, str]:
    """line_hash -> the line itself, for the lines of a text with words (the first of repeats)."""
    out: dict[int, str] = {}
    for line in text.splitlines():
        if tokens := normalise(line):
            out.setdefault(line_hash(_line_key(line, tokens)), line.strip())
    return out


def outlet_key(sitename: str | None, url: str | None) -> str | None:
    """The site key of a copy's outlet: from its site name, else from its url's host."""
    return site_key(sitename) or site_key(urlsplit(url).hostname if url else None)


def site_key(sitename: str | None) -> str | None:
    """The outlet's name as one lowercase run of letters and digits ("The Harbour Gazette" ->
    "harbourgazette", "www.capitalwire.example" -> "capitalwire"); None when it is no name."""
    if not sitename:
        return None
    name = sitename.strip()
    if " " not in name and "." in name:  # a host name: its registrable label
        name = _registrable_label(name)
    words = _SITE_WORD.findall(name.casefold())
    if words[:1] == ["the"]:
        words = words[1:]
    key = "".join(words)
    if not words or len(words) > SITE_MAX_WORDS or len(key) < SITE_MIN_CHARS:
        return None
    if key in _GENERIC_NAMES:  # "News", "Home": every text may say it
        return None
    if re.search(r"[.!?]\s", sitename):  # a sentence, not a name
        return None
    return key


def _registrable_label(host: str) -> str:
    """The label a host is registered under: "www.capitalwire.example" -> "capitalwire",
    "news.sky.com" -> "sky", "www.bbc.co.uk" -> "bbc" (a subdomain such as "news" or "edition"
    says nothing of the outlet)."""
    labels = [part for part in host.casefold().split(".") if part]
    if len(labels) > 2 and labels[-2] in _SECOND_LEVEL:
        labels = labels[:-1]
    return labels[-2] if len(labels) > 1 else (labels[0] if labels else "")


def _names(tokens: Sequence[str], site: str) -> bool:
    """Whether 1 to SITE_MAX_WORDS consecutive tokens spell the site key."""
    if site[:SITE_MIN_CHARS] not in "".join(tokens):
        return False
    for i in range(len(tokens)):
        spelled = ""
        for token in tokens[i : i + SITE_MAX_WORDS]:
            spelled += token
            if len(spelled) >= len(site):
                break
        if spelled == site:
            return True
    return False


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
    lines: tuple[tuple[int, bytes], ...] = ()  # text_lines: line hashes and their shingle keys
    naming: tuple[int, ...] = ()  # hashes of its lines that name its own outlet (line_keys)

    def keys(self) -> np.ndarray:
        """The shingle keys (see `sequence`)."""
        return np.frombuffer(self.sequence, dtype="<u4")

    def furniture_keys(self, furniture: Collection[int]) -> np.ndarray:
        """Sorted distinct keys of the shingles touching a furniture line."""
        held = [np.frombuffer(keys, dtype="<u4") for h, keys in self.lines if h in furniture]
        return np.unique(np.concatenate(held)) if held else np.zeros(0, dtype="<u4")


def own_additions(members: Sequence[Member], full: Sequence[np.ndarray]) -> list[frozenset[int]]:
    """Per member, the lines it names its own outlet in that are its own additions: at least
    OWN_LINE_UNSHARED of their shingles held by no other member (`full`: distinct keys)."""
    if not any(m.naming for m in members):
        return [frozenset()] * len(members)
    keys, counts = np.unique(np.concatenate(full), return_counts=True)
    out = []
    for member in members:
        naming, own = set(member.naming), set()
        for line, packed in member.lines:
            if line in naming:
                held = np.unique(np.frombuffer(packed, dtype="<u4"))
                alone = counts[np.searchsorted(keys, held)] == 1
                if len(held) and alone.mean() >= OWN_LINE_UNSHARED:
                    own.add(line)
        out.append(frozenset(own))
    return out


def canonical_order(member: Member) -> tuple[int, bool, datetime.date, str]:
    """Sort key: most words first, then earliest published (unknown last), then smallest id."""
    return (
        -member.word_count,
        member.published is None,
        member.published or datetime.date.max,
        member.doc_id,
    )


def _not_the_story(
    members: Sequence[Member], full: Sequence[np.ndarray], furniture: Collection[int]
) -> list[np.ndarray]:
    """Per member, the sorted keys of its furniture lines and its own additions."""
    own = own_additions(members, full)
    furniture = frozenset(furniture)
    return [
        m.furniture_keys(furniture | lines) if furniture or lines else np.zeros(0, dtype="<u4")
        for m, lines in zip(members, own, strict=True)
    ]


def completeness(members: Sequence[Member], furniture: Collection[int] = ()) -> list[float]:
    """The score of every member, as the module doc defines it (linear in the group's size)."""
    full = [np.unique(m.keys()) for m in members]
    return _scores(full, _not_the_story(members, full, furniture))


def _scores(full: Sequence[np.ndarray], outside: Sequence[np.ndarray]) -> list[float]:
    """Scores from each member's distinct keys and the keys that are not the story's for it.

    Vectorised, with the arithmetic of the plain loops it replaced: per-key weights added in
    member order (bincount adds sequentially), each member's recall summed key by key in
    ascending key order (cumsum is sequential, unlike sum's pairwise rounding), precision from
    integer counts; so the scores, and the picks, are bit for bit the same.
    """
    if not any(len(keys) for keys in full):
        return [float("-inf")] * len(full)
    sets = full
    if any(len(keys) for keys in outside):
        sets = [np.setdiff1d(k, out) for k, out in zip(full, outside, strict=True)]
    sizes = [len(keys) for keys in sets]
    if not any(sizes):  # all furniture: nothing is confirmed, so only the ties decide
        return [float("-inf") if not len(k) else 0.0 for k in full]
    _, inverse, counts = np.unique(np.concatenate(sets), return_inverse=True, return_counts=True)
    shares = np.repeat([1.0 / n if n else 0.0 for n in sizes], sizes)
    weight = np.bincount(inverse, weights=shares, minlength=len(counts))
    scores = []
    start = 0
    for n, keys in zip(sizes, full, strict=True):
        if not len(keys):
            scores.append(float("-inf"))
            continue
        if not n:
            scores.append(0.0)
            continue
        held = inverse[start : start + n]
        start += n
        # sum over j of |C_m n C_j| / |C_j|, without m's own term (1.0)
        recall = float(np.cumsum(weight[held])[-1]) - 1.0
        # sum over j of |C_m n C_j| / |S_m|: each shingle counts once per other member holding it
        precision = int(counts[held].sum() - n) / len(keys)
        scores.append(round(recall + CLEANLINESS * precision, 9))
    return scores


def rank_members(members: Iterable[Member], furniture: Collection[int] = ()) -> list[Member]:
    """Members, the canonical copy first (see the module doc); `furniture`: line hashes."""
    ordered = sorted(members, key=lambda m: m.doc_id)
    if len(ordered) < 2:
        return ordered
    full = [np.unique(m.keys()) for m in ordered]
    outside = _not_the_story(ordered, full, furniture)
    scores = _scores(full, outside)
    own = [len(np.intersect1d(out, keys)) for out, keys in zip(outside, full, strict=True)]
    floor = max(scores) - NEAR_TIE * (len(ordered) - 1)

    def key(i: int) -> tuple[bool, float, int, tuple[int, bool, datetime.date, str]]:
        near = scores[i] >= floor  # a near tie: decided by furniture, then canonical_order
        return (not near, 0.0 if near else -scores[i], own[i], canonical_order(ordered[i]))

    return [ordered[i] for i in sorted(range(len(ordered)), key=key)]


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
