"""Grouping: Jaccard edges join groups, containment only attaches a group to one container."""

from __future__ import annotations

import random

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to
from wirestory.transforms.candidates import Match, pick_container
from wirestory.transforms.grouping import GroupMatches, group_in_memory

from tests.conftest import local_pipeline


def _edge(small: str, large: str, sizes: tuple[int, int] = (100, 100)) -> Match:
    return Match(small, large, 0.8, 0.9, True, *sizes)


def _inside(small: str, large: str, containment: float, sizes: tuple[int, int]) -> Match:
    return Match(small, large, 0.2, containment, False, *sizes)


def test_a_shared_passage_never_chains_two_stories() -> None:
    # Before: containment and Jaccard matches alike were edges of the connected components, so
    # a brief holding one paragraph of each of two stories merged the two (issue 10).
    matches = [
        _edge("a2", "a1", (300, 310)),
        _edge("b2", "b1", (280, 290)),
        _inside("brief", "a1", 0.7, (60, 310)),
        _inside("brief", "b1", 0.6, (60, 290)),
    ]
    labels, used = group_in_memory(matches)
    assert labels == {"a1": "a1", "a2": "a1", "b1": "b1", "b2": "b1", "brief": "a1"}
    assert matches[2] in used and matches[3] not in used


def test_a_group_moves_only_through_its_longest_member() -> None:
    matches = [
        _edge("copy", "brief", (40, 90)),  # the brief story: a brief and its abridged copy
        _inside("copy", "host", 1.0, (40, 500)),  # the copy is the host's shared paragraph
        _edge("ab2", "ab1", (150, 160)),  # two abridged copies of the long story
        _inside("ab1", "orig", 0.9, (160, 400)),
    ]
    labels, _ = group_in_memory(matches)
    assert labels["copy"] == labels["brief"] == "brief"  # the brief is not inside the host
    assert labels["ab1"] == labels["ab2"] == labels["orig"] == "orig"


def test_attachments_are_one_level_deep() -> None:
    matches = [
        _inside("c", "b", 0.9, (50, 100)),
        _inside("b", "a", 0.9, (100, 200)),
        _inside("c", "x", 0.6, (50, 300)),
    ]
    labels, _ = group_in_memory(matches)
    # b attaches to a; c may not attach to b (b's group is attaching), so it takes x.
    assert labels == {"a": "a", "b": "a", "c": "x", "x": "x"}


def test_pick_container_prefers_containment_then_jaccard_then_id() -> None:
    options = [
        Match("d", "z", 0.3, 0.9, False),
        Match("d", "y", 0.4, 0.9, False),
        Match("d", "x", 0.4, 0.9, False),
        Match("d", "w", 0.9, 0.8, False),
    ]
    assert pick_container(options) == options[2]


def test_beam_grouping_equals_the_in_memory_rule() -> None:
    rng = random.Random(4)
    ids = [f"d{i:03d}" for i in range(120)]
    sizes = {d: rng.randint(20, 400) for d in ids}
    matches = []
    for _ in range(160):
        a, b = rng.sample(ids, 2)
        small, large = sorted((a, b), key=lambda d: (sizes[d], [-ord(c) for c in d]))
        edge = rng.random() < 0.4
        score = round(rng.uniform(0.5, 1.0), 2)
        matches.append(Match(small, large, 0.3, score, edge, sizes[small], sizes[large]))
    expected, used = group_in_memory(matches)
    with local_pipeline() as p:
        out = p | beam.Create(matches) | GroupMatches(rounds=12)
        assert_that(out["labels"], equal_to(sorted(expected.items())), label="labels")
        assert_that(out["matches"], equal_to(used), label="matches")
