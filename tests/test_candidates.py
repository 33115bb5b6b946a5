"""Candidates: LSH buckets find near-duplicates, verification keeps chance collisions out."""

from __future__ import annotations

import random

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to
from wirestory.transforms.candidates import (
    FindSimilarPairs,
    bucket_pairs,
    estimated_containment,
    is_same_story,
)
from wirestory.transforms.records import Signature
from wirestory.transforms.signatures import MinHasher, MinHashParams, shingles

from tests.conftest import local_pipeline

PARAMS = MinHashParams()


def _signatures(texts: dict[str, str]) -> list[Signature]:
    ids = sorted(texts)
    sets = [shingles(texts[i], PARAMS.shingle_size) for i in ids]
    values = MinHasher(PARAMS.num_perm, PARAMS.seed).signatures(sets)
    return [Signature(i, len(s), v.tobytes()) for i, s, v in zip(ids, sets, values, strict=True)]


def _story(rng: random.Random, words: int) -> list[str]:
    return [f"w{rng.randint(0, 50_000)}" for _ in range(words)]


def test_containment_estimate() -> None:
    # |A|=100 inside |B|=250: J = 100/250 = 0.4 -> containment 1.0
    assert abs(estimated_containment(0.4, 100, 250) - 1.0) < 1e-9
    assert estimated_containment(0.0, 100, 250) == 0.0


def test_verification_accepts_edits_and_abridged_copies_rejects_others() -> None:
    rng = random.Random(3)
    base = _story(rng, 600)
    edited = list(base)
    for i in rng.sample(range(600), 6):
        edited[i] = "changed"
    texts = {
        "a": " ".join(base),
        "b": " ".join(edited),
        "c": " ".join(base[:300]),  # half the story
        "d": " ".join(_story(rng, 600)),  # another story
    }
    sig = {s.doc_id: s for s in _signatures(texts)}
    assert is_same_story(sig["a"], sig["b"], PARAMS)
    assert is_same_story(sig["a"], sig["c"], PARAMS)
    assert not is_same_story(sig["a"], sig["d"], PARAMS)


def test_large_buckets_stay_linear_but_connected() -> None:
    members = [Signature(f"{i:04d}", 1, b"") for i in range(500)]
    pairs = list(bucket_pairs(members))
    assert len(pairs) < 2 * len(members)
    linked = {m.doc_id for pair in pairs for m in pair}
    assert linked == {m.doc_id for m in members}
    assert len(list(bucket_pairs(members[:10]))) == 45


def test_find_similar_pairs_transform() -> None:
    rng = random.Random(5)
    stories = [_story(rng, 400) for _ in range(3)]
    texts = {}
    for s, words in enumerate(stories):
        for copy in range(3):
            variant = list(words)
            for i in rng.sample(range(400), 4):
                variant[i] = f"x{copy}"
            texts[f"s{s}c{copy}"] = " ".join(variant)
    texts["lonely"] = " ".join(_story(rng, 400))
    expected = [(f"s{s}c{a}", f"s{s}c{b}") for s in range(3) for a, b in ((0, 1), (0, 2), (1, 2))]
    with local_pipeline() as p:
        edges = p | beam.Create(_signatures(texts)) | FindSimilarPairs(PARAMS)
        assert_that(edges, equal_to(expected))
