"""Tests for the distributed connected-components transform, checked against a plain union-find."""

from __future__ import annotations

import random
from itertools import pairwise

import apache_beam as beam
import pytest
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing import test_pipeline
from apache_beam.testing.util import assert_that, equal_to
from wirestory.transforms.components import DEFAULT_ROUNDS, ConnectedComponents

Edge = tuple[str, str]


def _hex_ids(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.getrandbits(64):016x}" for _ in range(n)]


def _chain(nodes: list[str]) -> list[Edge]:
    return list(pairwise(nodes))


def _union_find_labels(edges: list[Edge]) -> list[Edge]:
    """Test oracle: (node, min id of its component) for every node in any edge."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [(node, find(node)) for node in list(parent)]


def _assert_components(
    edges: list[Edge], rounds: int = DEFAULT_ROUNDS, contract: bool = False
) -> None:
    # Bundle contraction off by default: on the local runner one bundle holds every edge, so it
    # would solve the graph before the rounds these tests exercise.
    # Pinned: the default DirectRunner would try to download Prism, which is unavailable here.
    with test_pipeline.TestPipeline(runner=FnApiRunner()) as p:
        labels = (
            p | beam.Create(edges) | ConnectedComponents(rounds=rounds, contract_bundles=contract)
        )
        assert_that(labels, equal_to(_union_find_labels(edges)))


def test_chain_with_random_ids() -> None:
    edges = _chain(_hex_ids(2000, seed=1))
    random.Random(2).shuffle(edges)  # input order must not matter
    _assert_components(edges)


@pytest.mark.parametrize("descending", [False, True], ids=["increasing", "decreasing"])
def test_chain_with_monotone_ids(descending: bool) -> None:
    _assert_components(_chain(sorted(_hex_ids(2000, seed=3), reverse=descending)))


def test_star_whose_centre_has_the_largest_id() -> None:
    ids = sorted(_hex_ids(2001, seed=4))
    centre, leaves = ids[-1], ids[:-1]
    _assert_components([(centre, leaf) for leaf in leaves])


def test_cliques_joined_in_a_chain() -> None:
    ids = _hex_ids(30 * 20, seed=5)
    cliques = [ids[i : i + 20] for i in range(0, len(ids), 20)]
    edges = [(c[i], c[j]) for c in cliques for i in range(20) for j in range(i + 1, 20)]
    edges += [(prev[-1], nxt[0]) for prev, nxt in pairwise(cliques)]
    _assert_components(edges)


def test_disjoint_components_with_duplicates_reversed_edges_and_self_loops() -> None:
    ids = _hex_ids(40, seed=6)
    triangle = [(ids[0], ids[1]), (ids[1], ids[2]), (ids[2], ids[0])]
    path = _chain(ids[3:10])
    cycle = [*_chain(ids[10:18]), (ids[17], ids[10])]
    star = [(ids[18], leaf) for leaf in ids[19:25]]
    tree = [(ids[25 + (i - 1) // 2], ids[25 + i]) for i in range(1, 10)]
    pair = [(ids[35], ids[36])] * 3 + [(ids[36], ids[35])]
    lonely = [(ids[37], ids[37]), (ids[37], ids[37])]  # a node known only through self-loops
    noise = [(b, a) for a, b in path] + path[:3] + [(ids[5], ids[5]), (ids[18], ids[18])]
    edges = triangle + path + cycle + star + tree + pair + lonely + noise
    random.Random(7).shuffle(edges)
    assert len(_union_find_labels(edges)) == 38  # every fixture node is present
    _assert_components(edges)


def test_bundle_contraction_gives_the_same_labels() -> None:
    ids = _hex_ids(600, seed=9)
    edges = _chain(sorted(ids[:300])) + [(ids[300], leaf) for leaf in ids[301:400]]
    edges += [(ids[400], ids[400])] + [(a, b) for a, b in pairwise(ids[401:]) if a < b]
    random.Random(10).shuffle(edges)
    # One round: contraction alone must have solved it (the local runner runs one bundle).
    _assert_components(edges, rounds=1, contract=True)


def test_empty_edge_collection_gives_empty_output() -> None:
    with test_pipeline.TestPipeline(runner=FnApiRunner()) as p:
        labels = p | beam.Create([]).with_output_types(Edge) | ConnectedComponents()
        assert_that(labels, equal_to([]))


def test_too_few_rounds_fails_loudly() -> None:
    with pytest.raises(Exception, match="did not converge after 1 rounds"):
        _assert_components(_chain(_hex_ids(2000, seed=1)), rounds=1)


def test_convergence_check_is_exact_at_the_boundary() -> None:
    # An increasing 256-node chain needs exactly 8 rounds (log2 256): 7 must fail, 8 must pass.
    edges = _chain(sorted(_hex_ids(256, seed=8)))
    with pytest.raises(Exception, match="did not converge after 7 rounds"):
        _assert_components(edges, rounds=7)
    _assert_components(edges, rounds=8)


def test_rounds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="rounds"):
        ConnectedComponents(rounds=0)


def test_rounds_move_packs_of_edges_in_both_directions() -> None:
    from apache_beam.transforms.window import GlobalWindow
    from wirestory.transforms.components import PackEdgesFn, node_shard

    ids = _hex_ids(3000, seed=4)
    edges = [*_chain(ids), (ids[0], ids[0])]
    fn = PackEdgesFn()
    fn.start_bundle()
    window = GlobalWindow()
    packs = [out for edge in edges for out in fn.process(edge, window)]
    packs += [wv.value for wv in fn.finish_bundle()]
    directed = [e for _, pack in packs for e in pack]
    assert sorted(directed) == sorted({*edges, *((b, a) for a, b in edges)})
    assert all(node_shard(node) == shard for shard, pack in packs for node, _ in pack)
    assert len(packs) <= 1024 < len(directed)


def test_stars_a_bundle_solved_leave_and_the_rest_go_to_the_rounds() -> None:
    from apache_beam.transforms.window import GlobalWindow
    from wirestory.transforms.contraction import BundleStarsFn, clean_marks, split_stars

    ids = sorted(_hex_ids(40, seed=6))
    inside = [(ids[0], ids[1]), (ids[1], ids[2]), (ids[3], ids[3])]  # bundle 1 alone
    spanning = [(ids[10], ids[11]), (ids[12], ids[13])]  # bundle 1 half of a component
    other = [(ids[11], ids[12]), (ids[20], ids[21])]  # bundle 2: joins it; and its own pair
    window = GlobalWindow()
    records = []
    for bundle in (inside + spanning, other):
        fn = BundleStarsFn()
        fn.start_bundle()
        for edge in bundle:
            assert list(fn.process(edge, window)) == []
        records += [r for wv in fn.finish_bundle() for r in wv.value[1]]
    labels, edges = split_stars(clean_marks(records))
    solved = {ids[i]: ids[j] for i, j in [(0, 0), (1, 0), (2, 0), (3, 3), (20, 20), (21, 20)]}
    assert dict(labels) == solved and len(labels) == len(solved)
    # Only the spanning component's stars are left, as the edges the contraction hands over.
    assert sorted(edges) == sorted([(ids[11], ids[10]), (ids[13], ids[12]), (ids[12], ids[11])])
    everything = inside + spanning + other
    assert sorted(labels + _union_find_labels(edges)) == sorted(_union_find_labels(everything))
