"""Connected components of an edge list, computed inside Beam with large-star/small-star rounds.

Kiveris et al., "Connected Components in MapReduce and Beyond" (SoCC 2014), alternating variant.
Every round is two shuffles. They move packs, not single edges: a directed edge goes to one of
_SHARDS shards by its first node, and each bundle emits a shard's edges together (at most _PACK to
an element), so a round costs a few elements per shard rather than a few per node. A step sees
one shard: 1/_SHARDS of the edges, each node with its whole neighbourhood, and decides every node
exactly as the per-node large-star and small-star do, so rounds and results are unchanged.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.utils.windowed_value import WindowedValue

# Rounds of (large-star + small-star) unrolled into the pipeline graph; Beam has no loops.
#
# Measured with a pure-Python simulation of exactly these two operations (first round r after
# which one more round changes nothing):
#   chain, 2,000 nodes, random ids              9      chain, 200k random ids         14
#   chain, 2,000 ids increasing / decreasing   11      chain, 200k increasing         18
#   chain, 2,000 ids zig-zag (0, n-1, 1, ...)  11      chain, 2M increasing           21
#   star, 2,000 leaves, centre largest id       2      binary tree 131k, random ids    8
#   binary tree 2,047 (random / heap order)   6 / 4    30 cliques of 20 in a chain    5-6
#   random G(n=100k, m=50k..1M)               7..3     random G(n=1M, m=1M)            6
# Monotone chains are the slowest shape seen: one round halves the path length (large-star
# links each node to its grandparent), so r ~= log2(n): 11 at 2e3, 18 at 2e5, 21 at 2e6,
# hence ~24 at 1e7. The proven worst case is O(log^2 n), but no tested shape came near it.
# So rounds_for(n) = ceil(log2 n) + 4: one round for bundle contraction (it can turn an edge
# into a two-edge path) and three of margin. DEFAULT_ROUNDS = rounds_for(1e7) = 28; a run sizes
# it from an upper bound on its documents (pipeline.run). Near-duplicate graphs (many small
# clusters) converge in ~5 rounds; the surplus rounds then shuffle only the final star edges
# (two per node, in at most one pack per shard). Components a bundle held whole never enter the
# rounds (transforms/contraction.py): on a local run, where a stage is one bundle, the rounds
# carry nothing and cost only their fixed per-stage time.
# Too few rounds never yields a wrong answer: the check round below fails the pipeline.
_MARGIN_ROUNDS = 4


def rounds_for(max_nodes: int) -> int:
    """Rounds that converge on any tested graph shape of up to max_nodes nodes."""
    return math.ceil(math.log2(max(max_nodes, 16))) + _MARGIN_ROUNDS


DEFAULT_ROUNDS = rounds_for(10**7)

_NOT_CONVERGED = (
    "connected components did not converge after {rounds} rounds (node {node!r} still changing); "
    "rerun with a larger --cc-rounds"
)


_SHARDS = 1024
_PACK = 4096
_SHARD_CACHE = 1 << 18  # nodes whose shard a bundle remembers

Pack = tuple[int, list[tuple[str, str]]]  # (shard, [(node, other node), ...])
# The coder's view of a pack: a typed list would get Beam's element-wise Python ListCoder (a
# Python call per string); Any gets the compiled FastPrimitivesCoder, ~5x faster on packs.
PackCoded = tuple[int, Any]


def node_shard(node: str) -> int:
    """The shard of a node's edges: a stable hash, the same in every worker process."""
    return zlib.crc32(node.encode("utf-8")) % _SHARDS


class _PackEdgesFn(beam.DoFn):
    """Collects directed edges per window and shard of their first node; emits (shard, edges)
    packs of at most _PACK edges, the rest when the bundle finishes."""

    def start_bundle(self) -> None:
        self._packs: dict[Any, dict[int, set[tuple[str, str]]]] = {}
        self._shards: dict[str, int] = {}  # node -> shard, for this bundle

    def _emit(self, window: Any, edges: Iterable[tuple[str, str]]) -> Iterator[Pack]:
        packs = self._packs.setdefault(window, {})
        shards = self._shards
        if len(shards) > _SHARD_CACHE:
            shards.clear()
        for edge in edges:
            node = edge[0]
            shard = shards.get(node)
            if shard is None:
                shard = shards[node] = node_shard(node)
            pack = packs.get(shard)
            if pack is None:
                pack = packs[shard] = set()
            pack.add(edge)
            if len(pack) >= _PACK:
                yield shard, list(packs.pop(shard))

    def finish_bundle(self) -> Iterator[WindowedValue]:
        for window, packs in self._packs.items():
            for shard, pack in packs.items():
                yield WindowedValue((shard, list(pack)), window.max_timestamp(), (window,))
        self._packs, self._shards = {}, {}


def _both(a: str, b: str) -> list[tuple[str, str]]:
    """An undirected edge as its directed edges (a self-loop once)."""
    return [(a, b), (b, a)] if a != b else [(a, b)]


def _by_node(packs: Iterable[list[tuple[str, str]]]) -> dict[str, set[str]]:
    """A shard's packed edges as node -> the other nodes of its edges."""
    others: dict[str, set[str]] = {}
    for pack in packs:
        for node, other in pack:
            near = others.get(node)
            if near is None:
                others[node] = {other}
            else:
                near.add(other)
    return others


class PackEdgesFn(_PackEdgesFn):
    """Undirected edges -> packs of both directions (a self-loop once), for the first round."""

    def process(self, edge: tuple[str, str], window: Any = beam.DoFn.WindowParam) -> Iterator[Pack]:
        yield from self._emit(window, _both(*edge))


class LargeStarFn(_PackEdgesFn):
    """Per node of the shard: links every neighbour larger than the node to the smallest id in
    the node's neighbourhood (and keeps a local minimum with a self-loop)."""

    def process(
        self,
        shard: tuple[int, Iterable[list[tuple[str, str]]]],
        window: Any = beam.DoFn.WindowParam,
    ) -> Iterator[Pack]:
        out: list[tuple[str, str]] = []
        for node, neighbours in _by_node(shard[1]).items():
            smallest = min(node, min(neighbours))
            if smallest == node:
                out.append((node, node))
            out.extend((n, smallest) for n in neighbours if n > node)
        yield from self._emit(window, out)


class SmallStarFn(_PackEdgesFn):
    """Per node of the shard: links the node and its smaller neighbours to the smallest of them;
    emits each edge in both directions, the next round's input."""

    def process(
        self,
        shard: tuple[int, Iterable[list[tuple[str, str]]]],
        window: Any = beam.DoFn.WindowParam,
    ) -> Iterator[Pack]:
        out: list[tuple[str, str]] = []
        for node, members in _by_node(shard[1]).items():
            smallest = min(members)  # members are <= node, so this is node only for a self-loop
            out += _both(node, smallest)
            # No (smallest, smallest) per member: once stars form, every leaf would re-emit its
            # centre's self-loop; the centre keeps one via LargeStarFn.
            for member in members:
                if member != node and member != smallest:
                    out += ((member, smallest), (smallest, member))
        yield from self._emit(window, out)


def _star_edges(packs: Iterable[list[tuple[str, str]]]) -> dict[str, set[str]]:
    """Small-star's own edges in a shard: (node, smaller-or-equal node), without the reversed
    copies (those point to a larger node)."""
    edges: dict[str, set[str]] = {}
    for pack in packs:
        for node, other in pack:
            if other <= node:
                edges.setdefault(node, set()).add(other)
    return edges


class AssertConvergedFn(beam.DoFn):
    """Fails loudly unless every node's edges are identical in the last round and the check
    round; emits (node, label) for every node of the shard."""

    def __init__(self, rounds: int):
        self._rounds = rounds

    def process(self, element: tuple[int, dict[str, Iterable[Any]]]) -> Iterator[tuple[str, str]]:
        _, sides = element
        last, check = _star_edges(sides["last"]), _star_edges(sides["check"])
        for node in sorted(last.keys() | check.keys()):
            labels = last.get(node)
            # At the fixed point each component is a star around its minimum: one label per node.
            if labels != check.get(node) or labels is None or len(labels) != 1:
                raise RuntimeError(_NOT_CONVERGED.format(rounds=self._rounds, node=node))
            yield node, next(iter(labels))


class ContractBundleFn(beam.DoFn):
    """Replaces a bundle's edges by stars: each node linked to the smallest id it reaches.

    A union-find over one bundle, like a combiner: it never changes the components (every edge
    becomes a path of at most two star edges within its component) but hands the rounds far
    fewer edges, and a graph already solved wherever a bundle held a whole component. Memory is
    bounded by the bundle, which the runner sizes.
    """

    def start_bundle(self) -> None:
        self._parents: dict[Any, dict[str, str]] = {}

    def process(
        self, edge: tuple[str, str], window: Any = beam.DoFn.WindowParam
    ) -> Iterator[tuple[str, str]]:
        parent = self._parents.setdefault(window, {})
        a, b = (_root(parent, node) for node in edge)
        if a != b:
            parent[max(a, b)] = min(a, b)
        return iter(())

    def finish_bundle(self) -> Iterator[WindowedValue]:
        for window, parent in self._parents.items():
            roots = {node: _root(parent, node) for node in list(parent)}
            linked = {root for node, root in roots.items() if node != root}
            for node, root in roots.items():
                # Roots appear through their members; a self-loop keeps a node linked to nothing.
                if node != root or node not in linked:
                    yield WindowedValue((node, root), window.max_timestamp(), (window,))
        self._parents = {}


def _root(parent: dict[str, str], node: str) -> str:
    """Union-find root of node with path halving; adds unseen nodes as their own root."""
    parent.setdefault(node, node)
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


@beam.typehints.with_input_types(PackCoded)
@beam.typehints.with_output_types(PackCoded)
class StarRound(beam.PTransform):
    """One large-star then one small-star, each behind its own GroupByKey (of shard packs)."""

    def expand(self, packs: beam.PCollection) -> beam.PCollection:
        return (
            packs
            | "GroupNeighbours" >> beam.GroupByKey()
            # LargeStarFn emits (larger, smaller) pairs, already keyed as small-star needs.
            | "LargeStar" >> beam.ParDo(LargeStarFn()).with_output_types(PackCoded)
            | "GroupSmaller" >> beam.GroupByKey()
            | "SmallStar" >> beam.ParDo(SmallStarFn()).with_output_types(PackCoded)
        )


@beam.typehints.with_input_types(tuple[str, str])
@beam.typehints.with_output_types(tuple[str, str])
class ConnectedComponents(beam.PTransform):
    """Labels every node that appears in an edge with the smallest node id of its component."""

    def __init__(self, rounds: int = DEFAULT_ROUNDS, contract_bundles: bool = True):
        super().__init__()
        if rounds < 1:
            raise ValueError(f"rounds must be >= 1, got {rounds}")
        self._rounds = rounds
        self._contract_bundles = contract_bundles

    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        solved = None
        if self._contract_bundles:
            # Stars a bundle solved whole leave now (transforms/contraction.py); the rest go on.
            from wirestory.transforms.contraction import (
                SOLVED,
                BundleStarsFn,
                MarkCleanFn,
                SplitStarsFn,
            )

            split = (
                edges
                | "ContractBundles" >> beam.ParDo(BundleStarsFn()).with_output_types(PackCoded)
                | "GroupNodes" >> beam.GroupByKey()
                | "MarkClean" >> beam.ParDo(MarkCleanFn()).with_output_types(PackCoded)
                | "GroupStars" >> beam.GroupByKey()
                | "SplitStars" >> beam.ParDo(SplitStarsFn()).with_outputs(SOLVED, main="packs")
            )
            packs, solved = split.packs, split[SOLVED]
        else:
            packs = edges | "PackEdges" >> beam.ParDo(PackEdgesFn()).with_output_types(PackCoded)
        for i in range(1, self._rounds + 1):
            packs = packs | f"Round{i}" >> StarRound()
        # Converged iff one more round leaves every node's edges unchanged; compared per node.
        check = packs | "CheckRound" >> StarRound()
        converged = (
            {"last": packs, "check": check}
            | "JoinLastAndCheck" >> beam.CoGroupByKey()
            | "AssertConverged" >> beam.ParDo(AssertConvergedFn(self._rounds))
        )
        if solved is None:
            return converged
        return (solved, converged) | "AllLabels" >> beam.Flatten()
