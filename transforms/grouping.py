"""Step 5: verified matches -> story labels, without chaining through shared passages.

The rule (pure parts: candidates.is_jaccard_edge, containment_score, pick_container, and
representative_key here; group_in_memory is the whole rule in plain Python):

1. Jaccard edges (exact |A n B| / |A u B| >= threshold) are symmetric: they may join groups,
   so their connected components (transforms/components.py, distributed, with the loud
   convergence check) are the core groups, labelled by their smallest doc_id. A document
   without Jaccard edges is a group of its own.
2. A containment-only match (the shorter document mostly inside the longer one) only ever
   moves the shorter document's group, and only through that group's *representative* (its
   longest member, then smallest id): the group is a shortened version of another story when
   its fullest text is. Among the representative's containers in other groups it takes the
   best (pick_container: highest containment, then Jaccard, then smallest id) and joins that
   container's group. One match attaches one group to one group: a passage shared by two
   stories can attach a brief to at most one of them and never joins the two stories, and a
   story whose fullest copy is not contained in another never moves, whatever its shorter
   copies share.
3. A container qualifies only when its own group is not attaching elsewhere, so attachments
   are one level deep and never chain.

Every step is a keyed join over one document's or one group's records; nothing is gathered on
one worker (a group's members are streamed, never held). The same functions decide an
incremental run against a persistent index: a new document's Jaccard edges join groups, else its
best container whose group is not itself attached gives its group.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from wirestory.transforms.candidates import Match, pick_container
from wirestory.transforms.components import DEFAULT_ROUNDS, ConnectedComponents
from wirestory.transforms.packing import PackPerKeyFn, unpacked

ATTACHED = "attached"


def representative_key(doc_id: str, shingles: int) -> tuple[int, tuple[int, ...]]:
    """Sort key of a group's members, its representative (the longest, then smallest id) first."""
    return (-shingles, tuple(ord(ch) for ch in doc_id))


def group_in_memory(matches: Iterable[Match]) -> tuple[dict[str, str], list[Match]]:
    """The same rule in plain Python, for a set of matches that fits in memory (the offline
    grid, tests, one incremental batch): (doc_id -> label for every grouped document, the
    matches the groups were built from). Labels equal GroupMatches' labels."""
    matches = list(matches)
    parent: dict[str, str] = {}
    sizes: dict[str, int] = {}

    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for match in matches:
        sizes[match.small], sizes[match.large] = match.small_shingles, match.large_shingles
        a, b = root(match.small), root(match.large)
        if match.is_jaccard_edge and a != b:
            parent[max(a, b)] = min(a, b)
    labels = {node: root(node) for node in list(parent)}
    representative: dict[str, str] = {}
    for node in sorted(labels, key=lambda n: representative_key(n, sizes[n])):
        representative.setdefault(labels[node], node)
    options: dict[str, list[Match]] = {}
    for match in matches:
        group = labels[match.small]
        if (
            not match.is_jaccard_edge
            and representative[group] == match.small
            and labels[match.large] != group
        ):
            options.setdefault(group, []).append(match)
    used = [m for m in matches if m.is_jaccard_edge]
    moved = {}
    for group, found in options.items():
        anchored = [m for m in found if labels[m.large] not in options]
        best = pick_container(anchored)
        if best is not None:
            moved[group] = labels[best.large]
            used.append(best)
    return {node: moved.get(label, label) for node, label in labels.items()}, used


EDGE_PAIRS = "edge_pairs"
CONTAINED = "contained"


def _split(match: Match) -> Iterator[Any]:
    """A Jaccard edge (main) and its (small, large) pair, or a containment-only match keyed by
    its shorter document."""
    if match.is_jaccard_edge:
        yield match
        yield beam.pvalue.TaggedOutput(EDGE_PAIRS, (match.small, match.large))
    else:
        yield beam.pvalue.TaggedOutput(CONTAINED, (match.small, match))


def _both_sizes(match: Match) -> Iterator[tuple[str, int]]:
    yield match.small, match.small_shingles
    yield match.large, match.large_shingles


def _doc_info(item: tuple[str, dict[str, list[Any]]]) -> Iterator[tuple[str, tuple[str, int]]]:
    """(doc_id, (its Jaccard group's label, or itself, its shingle count))."""
    doc_id, joined = item
    label = joined["label"][0] if joined["label"] else doc_id
    yield doc_id, (label, max(unpacked(joined["size"])))


def _by_large(item: tuple[str, dict[str, list[Any]]]) -> Iterator[tuple[str, tuple[Match, str]]]:
    """Containment matches of one shorter document, with its group label, keyed by container."""
    _, joined = item
    if joined["info"]:
        label = joined["info"][0][0]
        for match in joined["match"]:
            yield match.large, (match, label)


def _across_groups(item: tuple[str, dict[str, list[Any]]]) -> Iterator[Any]:
    """(shorter doc's group, (match, container's group)) for matches between two groups."""
    _, joined = item
    container_label = joined["info"][0][0]
    for match, label in joined["option"]:
        if label != container_label:
            yield label, (match, container_label)


def _representative_options(item: tuple[str, dict[str, list[Any]]]) -> Iterator[Any]:
    """A group's options through its representative; those groups are the attaching ones."""
    label, joined = item
    if not joined["rep"]:
        return
    representative = joined["rep"][0][0]
    found = [(m, target) for m, target in joined["option"] if m.small == representative]
    for match, target in found:
        yield target, (label, match)
    if found:
        yield beam.pvalue.TaggedOutput(ATTACHING, (label, True))


def _anchored(item: tuple[str, dict[str, list[Any]]]) -> Iterator[Any]:
    """Options whose container's group is not itself attaching elsewhere (one level only)."""
    target, joined = item
    if not joined["attaching"]:
        for label, match in joined["option"]:
            yield label, (match, target)


def _pick(item: tuple[str, Iterable[tuple[Match, str]]]) -> Iterator[Any]:
    """The group's best container: its new label, and the match it joined through."""
    label, options = item
    targets = {match.large: target for match, target in options}
    best = pick_container(match for match, _ in options)
    assert best is not None
    yield label, targets[best.large]
    yield beam.pvalue.TaggedOutput(ATTACHED, best)


def _relabel(item: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[tuple[str, str]]:
    """Every member of a group with the group's final label (members streamed, not held)."""
    label, joined = item
    final = next(iter(joined["moved"]), label)
    for doc_id in joined["member"]:
        yield doc_id, final


ATTACHING = "attaching"


def _smallest(candidates: Iterable[tuple[str, int]]) -> tuple[str, int]:
    """The representative of (doc_id, shingles) candidates: associative, so a combiner."""
    return min(candidates, key=lambda r: representative_key(*r))


@beam.typehints.with_input_types(Match)
class GroupMatches(beam.PTransform):
    """Matches -> (doc_id, label) for every document in a match, and the matches the groups
    were built from ('matches': Jaccard edges and chosen attachments)."""

    def __init__(self, rounds: int = DEFAULT_ROUNDS) -> None:
        super().__init__()
        self._rounds = rounds

    def expand(self, matches: beam.PCollection) -> dict[str, beam.PCollection]:
        split = matches | "SplitMatches" >> beam.FlatMap(_split).with_outputs(
            EDGE_PAIRS, CONTAINED, main="edges"
        )
        edges = split.edges
        labels = split[EDGE_PAIRS] | "Components" >> ConnectedComponents(self._rounds)
        info = (
            {
                "label": labels,
                "size": matches | "Sizes" >> beam.ParDo(PackPerKeyFn(_both_sizes, True)),
            }
            | "JoinInfo" >> beam.CoGroupByKey()
            | "DocInfo" >> beam.FlatMap(_doc_info)
        )
        options = (
            {"match": split[CONTAINED], "info": info}
            | "JoinSmall" >> beam.CoGroupByKey()
            | "ByLarge" >> beam.FlatMap(_by_large)
        )
        across = (
            {"option": options, "info": info}
            | "JoinLarge" >> beam.CoGroupByKey()
            | "AcrossGroups" >> beam.FlatMap(_across_groups)
        )
        reps = info | "RepCandidates" >> beam.Map(lambda i: (i[1][0], (i[0], i[1][1])))
        rep_options = (
            {"option": across, "rep": reps | "Representatives" >> beam.CombinePerKey(_smallest)}
            | "JoinGroups" >> beam.CoGroupByKey()
            | "ThroughRepresentative"
            >> beam.FlatMap(_representative_options).with_outputs(ATTACHING, main="options")
        )
        attached = (
            {"option": rep_options.options, "attaching": rep_options[ATTACHING]}
            | "JoinTargets" >> beam.CoGroupByKey()
            | "Anchored" >> beam.FlatMap(_anchored)
            | "GroupOptions" >> beam.GroupByKey()
            | "PickContainer" >> beam.FlatMap(_pick).with_outputs(ATTACHED, main="moved")
        )
        final = (
            {
                "member": reps | "Members" >> beam.Map(lambda r: (r[0], r[1][0])),
                "moved": attached.moved,
            }
            | "JoinMoved" >> beam.CoGroupByKey()
            | "Relabel" >> beam.FlatMap(_relabel)
        )
        return {
            "labels": final,
            "matches": (edges, attached[ATTACHED]) | "UsedMatches" >> beam.Flatten(),
        }
