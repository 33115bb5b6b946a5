"""Connected components of an edge list, computed inside Beam with large-star/small-star rounds.

Kiveris et al., "Connected Components in MapReduce and Beyond" (SoCC 2014), alternating variant.
Every round is two keyed shuffles; no step ever sees more than one node's neighbourhood.
"""

from __future__ import annotations

import math
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
# clusters) converge in ~5 rounds, or in one where a bundle held whole components; the surplus
# rounds then shuffle only the final star edges (about two records per node per shuffle).
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


class LargeStarFn(beam.DoFn):
    """Links every neighbour larger than the node to the smallest id in the node's neighbourhood."""

    def process(self, element: tuple[str, Iterable[str]]) -> Iterator[tuple[str, str]]:
        node, neighbours = element
        # Two streaming passes rather than a set: once converged, a component's minimum has the
        # whole component as neighbours. Duplicate emissions are dropped by SmallStarFn.
        smallest = min(node, min(neighbours))
        if smallest == node:
            # A self-loop keeps local minima (and isolated self-loop nodes) in the edge set.
            yield node, node
        for neighbour in neighbours:
            if neighbour > node:
                yield neighbour, smallest


class SmallStarFn(beam.DoFn):
    """Links a node and its smaller neighbours to the smallest of them."""

    def process(self, element: tuple[str, Iterable[str]]) -> Iterator[tuple[str, str]]:
        node, smaller = element
        # A set dedupes across rounds; it holds only the smaller neighbours, which shrink to
        # one per node as the stars form, so the component's hub never lands in it.
        members = set(smaller)
        smallest = min(members)  # members are <= node, so this is node only for a self-loop
        yield node, smallest
        # No (smallest, smallest) per member: once stars form, every leaf would re-emit its
        # centre's self-loop; the centre keeps one via LargeStarFn.
        for member in members - {node, smallest}:
            yield member, smallest


class AssertConvergedFn(beam.DoFn):
    """Fails loudly unless a node's edges are identical in the last round and the check round."""

    def __init__(self, rounds: int):
        self._rounds = rounds

    def process(self, element: tuple[str, dict[str, Iterable[str]]]) -> Iterator[tuple[str, str]]:
        node, sides = element
        last, check = set(sides["last"]), set(sides["check"])
        # At the fixed point each component is a star around its minimum: one label per node.
        if last != check or len(last) != 1:
            raise RuntimeError(_NOT_CONVERGED.format(rounds=self._rounds, node=node))
        yield node, last.pop()


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


def _both_directions(edge: tuple[str, str]) -> Iterator[tuple[str, str]]:
    a, b = edge
    yield a, b
    if a != b:
        yield b, a


@beam.typehints.with_input_types(tuple[str, str])
@beam.typehints.with_output_types(tuple[str, str])
class StarRound(beam.PTransform):
    """One large-star then one small-star, each behind its own GroupByKey."""

    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        return (
            edges
            | "BothDirections" >> beam.FlatMap(_both_directions)
            | "GroupNeighbours" >> beam.GroupByKey()
            # LargeStarFn emits (larger, smaller) pairs, already keyed as small-star needs.
            | "LargeStar" >> beam.ParDo(LargeStarFn())
            | "GroupSmaller" >> beam.GroupByKey()
            | "SmallStar" >> beam.ParDo(SmallStarFn())
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
        if self._contract_bundles:
            edges = edges | "ContractBundles" >> beam.ParDo(ContractBundleFn()).with_output_types(
                tuple[str, str]
            )
        # Small-star output is (node, smaller-or-equal neighbour), already keyed by node.
        for i in range(1, self._rounds + 1):
            edges = edges | f"Round{i}" >> StarRound()
        # Converged iff one more round leaves every node's edges unchanged; compared per node.
        check = edges | "CheckRound" >> StarRound()
        return (
            {"last": edges, "check": check}
            | "JoinLastAndCheck" >> beam.CoGroupByKey()
            | "AssertConverged" >> beam.ParDo(AssertConvergedFn(self._rounds))
        )
