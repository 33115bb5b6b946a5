"""Candidates: LSH buckets find near-duplicates, verification keeps chance collisions out."""

from __future__ import annotations

import random

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to
from wirestory.transforms.candidates import (
    FindSimilarPairs,
    bucket_pairs,
    compare,
    estimated_containment,
    is_same_story,
)
from wirestory.transforms.records import Signature
from wirestory.transforms.signatures import (
    MinHasher,
    MinHashParams,
    lead_keys,
    normalise,
    shingle_keys,
    shingle_sequence,
    shingles,
)

from tests.conftest import local_pipeline

PARAMS = MinHashParams()


def _signatures(texts: dict[str, str]) -> list[Signature]:
    ids = sorted(texts)
    sets = [shingles(texts[i], PARAMS.shingle_size) for i in ids]
    values = MinHasher(PARAMS.num_perm, PARAMS.seed).signatures(sets)
    seqs = [shingle_sequence(normalise(texts[i]), PARAMS.shingle_size) for i in ids]
    keys = [shingle_keys(normalise(texts[i]), PARAMS.shingle_size).tobytes() for i in ids]
    leads = [lead_keys(seq, PARAMS.lead_shingles).tobytes() for seq in seqs]
    return [
        Signature(i, len(s), v.tobytes(), k, lead)
        for i, s, v, k, lead in zip(ids, sets, values, keys, leads, strict=True)
    ]


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
    expected = [
        tuple(sorted((f"s{s}c{a}", f"s{s}c{b}")))
        for s in range(3)
        for a, b in ((0, 1), (0, 2), (1, 2))
    ]
    with local_pipeline() as p:
        matches = p | beam.Create(_signatures(texts)) | FindSimilarPairs(PARAMS)
        pairs = matches | beam.Map(lambda m: tuple(sorted((m.small, m.large))))
        assert_that(pairs, equal_to(expected))


def test_documents_without_words_are_never_candidates() -> None:
    # Before: "• • •" had no shingles, an all-maximum signature, and every band in common with
    # every other empty document, so all of them merged into one story.
    texts = {"e1": "• • •", "e2": "* * *", "e3": "—", "e4": "Photo: AP", "e5": "Photo: AP"}
    with local_pipeline() as p:
        matches = p | beam.Create(_signatures(texts)) | FindSimilarPairs(PARAMS)
        assert_that(matches, equal_to([]))


def test_compare_is_exact_and_tells_edges_from_containment() -> None:
    rng = random.Random(11)
    story = _story(rng, 400)
    texts = {
        "full": " ".join(story),
        "half": " ".join(story[:200]),  # J ~ 0.5: an edge
        "fifth": " ".join(story[:80]),  # J ~ 0.2, inside with the lead: containment only
        "middle": " ".join(story[200:260]),  # inside, but not the lead: a repeated passage
        "other": " ".join(story[:60] + _story(rng, 300)),  # shares a passage: neither
    }
    sig = {s.doc_id: s for s in _signatures(texts)}
    edge = compare(sig["full"], sig["half"], PARAMS)
    assert edge is not None and edge.is_jaccard_edge and edge.small == "half"
    assert edge.jaccard == 198 / 398
    inside = compare(sig["fifth"], sig["full"], PARAMS)
    assert inside is not None and not inside.is_jaccard_edge
    assert (inside.small, inside.large, inside.containment) == ("fifth", "full", 1.0)
    assert compare(sig["other"], sig["full"], PARAMS) is None
    assert compare(sig["middle"], sig["full"], PARAMS) is None


def test_band_entries_travel_in_packs_and_give_every_bucket_pair() -> None:
    # Before: one shuffle element per band of every document (28 per document).
    from apache_beam.transforms.window import GlobalWindow
    from wirestory.transforms.candidates import BucketPairsFn, PackBandsFn, band_entries

    rng = random.Random(5)
    base = [_story(rng, 300) for _ in range(20)]
    texts = {f"d{i:02d}": " ".join(words) for i, words in enumerate(base)}
    texts.update({f"c{i:02d}": " ".join(words[:250]) for i, words in enumerate(base)})
    signatures = _signatures(texts)
    fn = PackBandsFn(PARAMS)
    fn.start_bundle()
    window = GlobalWindow()
    packed = [out for s in signatures for out in fn.process(s, window)]
    packed += [wv.value for wv in fn.finish_bundle()]
    entries = [e for s in signatures for e in band_entries(s, PARAMS)]
    assert sorted(e for _, pack in packed for e in pack) == sorted(entries)
    assert len(packed) < len(entries) and len({shard for shard, _ in packed}) == len(packed)
    by_shard: dict[int, list] = {}
    for shard, pack in packed:
        by_shard.setdefault(shard, []).append(pack)
    # Pairs leave packed per bundle and left document: fewer elements than pairs, each pair once.
    bucket_fn = BucketPairsFn()
    bucket_fn.start_bundle()
    packs = [out for item in by_shard.items() for out in bucket_fn.process(item, window)]
    packs += list(bucket_fn.finish_bundle())
    lefts = [wv.value[0] for wv in packs]
    assert len(lefts) == len(set(lefts))
    pairs = {(left, right) for wv in packs for left, rights in [wv.value] for right in rights}
    assert len(pairs) == sum(len(wv.value[1]) for wv in packs)
    buckets: dict[bytes, set[str]] = {}
    for key, doc_id in entries:
        buckets.setdefault(key, set()).add(doc_id)
    expected = {p for m in buckets.values() if len(m) > 1 for p in bucket_pairs(sorted(m))}
    met = sum(1 for m in buckets.values() if len(m) > 1 for _ in bucket_pairs(sorted(m)))
    assert len(packs) * 5 < met  # a pair meets in many bands; it travels once
    assert pairs == expected and {(f"c{i:02d}", f"d{i:02d}") for i in range(20)} <= pairs
