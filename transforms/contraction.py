"""Components a bundle already solved leave before the connected-components rounds.

ContractBundleFn (transforms/components.py) runs a union-find over each bundle's edges. A star it
builds (a root, the smallest id, and the nodes it reaches in that bundle) is a whole component of
the graph when none of its nodes has an edge in another bundle: every edge touching it was in the
bundle. Two keyed steps find those stars, without gathering more than one shard of nodes:

1. by node: a node is *clean* when one bundle alone holds edges of it;
2. by star: a star is solved when all its nodes are clean. Its labels are final (the root is the
   component's smallest id); every other star goes to the rounds as the star edges the
   contraction would have handed them.

A component that spans bundles has a node in two of them, so all its stars go to the rounds
together, and the rounds and their loud convergence check decide it as before. On a local run,
where a stage is one bundle, every component is solved here and the rounds carry nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.utils.windowed_value import WindowedValue
from wirestory.transforms.components import (
    _PACK,
    ContractBundleFn,
    _both,
    _PackEdgesFn,
    _root,
    node_shard,
)

SOLVED = "solved"


class BundleStarsFn(ContractBundleFn):
    """Edges -> packs of (node, its root in this bundle, the bundle's token) for every node of
    the bundle's edges, keyed by the node's shard."""

    def finish_bundle(self) -> Iterator[WindowedValue]:
        token = uuid.uuid4().hex  # tells bundles apart; no result depends on its value
        for window, parent in self._parents.items():
            packs: dict[int, list[tuple[str, str, str]]] = {}
            for node in list(parent):
                packs.setdefault(node_shard(node), []).append((node, _root(parent, node), token))
            for shard, pack in packs.items():
                for start in range(0, len(pack), _PACK):
                    chunk = pack[start : start + _PACK]
                    yield WindowedValue((shard, chunk), window.max_timestamp(), (window,))
        self._parents = {}


def clean_marks(records: Iterable[tuple[str, str, str]]) -> Iterator[tuple[str, str, str, bool]]:
    """(root, token, node, clean) for every (node, root, token) record of a shard's nodes: clean
    when the node's records all come from one bundle."""
    by_node: dict[str, list[tuple[str, str]]] = {}
    for node, root, token in records:
        by_node.setdefault(node, []).append((root, token))
    for node, stars in by_node.items():
        clean = len({token for _, token in stars}) == 1
        for root, token in stars:
            yield root, token, node, clean


class MarkCleanFn(_PackEdgesFn):
    """Shard of node records -> packs of (root, token, node, clean), keyed by the root's shard."""

    def process(
        self,
        shard: tuple[int, Iterable[list[tuple[str, str, str]]]],
        window: Any = beam.DoFn.WindowParam,
    ) -> Iterator[Any]:
        records = (record for pack in shard[1] for record in pack)
        yield from self._emit(window, clean_marks(records))


def split_stars(
    marks: Iterable[tuple[str, str, str, bool]],
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(labels of the solved stars' nodes, star edges of the others) from a shard's marks."""
    stars: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    for root, token, node, clean in marks:
        stars.setdefault((root, token), []).append((node, clean))
    labels: list[tuple[str, str]] = []
    edges: list[tuple[str, str]] = []
    for (root, _), members in stars.items():
        if all(clean for _, clean in members):
            labels += ((node, root) for node, _ in members)
        elif len(members) == 1:  # a self-loop's node, linked to nothing else in its bundle
            edges.append((root, root))
        else:
            edges += ((node, root) for node, _ in members if node != root)
    return labels, edges


class SplitStarsFn(_PackEdgesFn):
    """Shard of star marks -> the solved stars' (node, label) pairs (SOLVED), and packs of the
    other stars' edges in both directions, the rounds' input (main)."""

    def process(
        self,
        shard: tuple[int, Iterable[list[tuple[str, str, str, bool]]]],
        window: Any = beam.DoFn.WindowParam,
    ) -> Iterator[Any]:
        labels, edges = split_stars(mark for pack in shard[1] for mark in pack)
        for label in labels:
            yield beam.pvalue.TaggedOutput(SOLVED, label)
        yield from self._emit(window, (d for edge in edges for d in _both(*edge)))
