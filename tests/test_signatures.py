"""Signatures: bit-identical to datasketch, normalisation, band keys, batching."""

from __future__ import annotations

import random

import apache_beam as beam
import numpy as np
import pytest
from apache_beam.testing.util import assert_that, equal_to
from datasketch import MinHash
from wirestory.transforms.records import ExtractedArticle, Signature
from wirestory.transforms.signatures import (
    ComputeSignatures,
    MinHasher,
    MinHashParams,
    band_keys,
    lead_keys,
    normalise,
    shingle_keys,
    shingle_sequence,
    shingles,
    signature_values,
)

from tests.conftest import local_pipeline


def _datasketch(grams: list[bytes], num_perm: int = 128, seed: int = 1) -> np.ndarray:
    sketch = MinHash(num_perm=num_perm, seed=seed)
    sketch.update_batch(grams)
    return sketch.hashvalues


@pytest.mark.parametrize("num_perm,seed", [(128, 1), (64, 42), (256, 7)])
def test_signatures_bit_identical_to_datasketch(num_perm: int, seed: int) -> None:
    rng = random.Random(num_perm + seed)
    sizes = [0, 1, 2, 5, 6, 40, 600, 9000, 20000, 3]
    texts = [" ".join(f"w{rng.randint(0, 4000)}" for _ in range(n)) for n in sizes]
    sets = [shingles(text, 5) for text in texts]
    ours = MinHasher(num_perm, seed).signatures(sets)
    assert ours.dtype == np.uint32 and ours.shape == (len(sets), num_perm)
    for grams, row in zip(sets, ours, strict=True):
        assert np.array_equal(row, _datasketch(grams, num_perm, seed))


def test_normalise_folds_case_punctuation_width_and_quotes() -> None:
    assert normalise("“Hello,” SAID   the\u00a0Ｍinister — twice!") == normalise(
        '"hello" said the minister - twice'
    )
    assert normalise("Straße") == ["strasse"]


def test_shingles_are_distinct_word_ngrams() -> None:
    assert shingles("a b c a b c", 3) == [b"a b c", b"b c a", b"c a b"]
    assert shingles("only two", 5) == [b"only two"]
    assert shingles("   ", 5) == []


def test_params_follow_datasketch_optimum_and_validate() -> None:
    from datasketch.lsh import _optimal_param

    params = MinHashParams(threshold=0.7, candidate_threshold=0.7)
    assert (params.bands, params.rows) == _optimal_param(0.7, 128, 0.5, 0.5)
    banded = MinHashParams(threshold=0.7, candidate_threshold=0.2)
    assert (banded.bands, banded.rows) == _optimal_param(0.2, 128, 0.5, 0.5)
    with pytest.raises(ValueError):
        MinHashParams(threshold=1.5)
    with pytest.raises(ValueError):
        MinHashParams(candidate_threshold=1.5)


def test_band_keys_equal_exactly_when_band_rows_equal() -> None:
    params = MinHashParams()
    values = np.arange(128, dtype=np.uint32)
    changed = values.copy()
    changed[0] += 1  # falls in band 0 only
    keys, other = band_keys(values, params), band_keys(changed, params)
    assert len(keys) == params.bands
    assert keys[0] != other[0] and keys[1:] == other[1:]
    assert len(set(keys)) == len(keys)  # the band index is part of the key


def test_compute_signatures_transform_matches_datasketch() -> None:
    texts = [f"story {i} " + " ".join(f"word{j * i}" for j in range(50)) for i in range(30)]
    articles = [
        ExtractedArticle(f"d{i:02d}", f"u{i}", None, None, None, None, None, None, t, 52)
        for i, t in enumerate(texts)
    ]
    size = MinHashParams().shingle_size
    expected = [
        Signature(
            a.doc_id,
            len(shingles(a.text, size)),
            _datasketch(shingles(a.text, size)).tobytes(),
            shingle_keys(normalise(a.text), size).astype("<u4").tobytes(),
            lead_keys(shingle_sequence(normalise(a.text), size), MinHashParams().lead_shingles)
            .astype("<u4")
            .tobytes(),
        )
        for a in articles
    ]
    with local_pipeline() as p:
        out = p | beam.Create(articles) | ComputeSignatures(MinHashParams())
        assert_that(out, equal_to(expected))
    assert signature_values(expected[0]).dtype == np.uint32


def test_scripts_without_spaces_are_shingled_on_characters() -> None:
    # Before: \w+ took a whole Japanese clause as one token, so one edited character changed
    # the clause's only shingle and two sentences gave a handful of shingles.
    text = "東京都は新しい対策を発表した。Apple の iPhone も対象だ。ภาษาไทย"
    tokens = normalise(text)
    assert tokens[:4] == ["東", "京", "都", "は"]
    assert "apple" in tokens and "iphone" in tokens
    assert tokens[-2:] == ["ท", "ย"]
    edited = text.replace("新", "新た")
    a, b = shingle_keys(normalise(text), 3), shingle_keys(normalise(edited), 3)
    shared = len(np.intersect1d(a, b))
    assert len(a) >= 25 and shared / len(a) > 0.85


def test_shingle_keys_are_the_distinct_token_ngrams() -> None:
    keys = shingle_keys(["a", "b", "c", "a", "b", "c", "a", "b"], 3)
    assert len(keys) == 3  # "a b c", "b c a", "c a b"
    assert len(shingle_keys(["only", "two"], 3)) == 1
    assert len(shingle_keys([], 3)) == 0


def test_token_hashes_are_blake2b_per_token_across_the_shared_cache(monkeypatch) -> None:
    import hashlib

    import wirestory.transforms.signatures as signatures

    def plain(tokens: list[str]) -> list[int]:
        digests = [hashlib.blake2b(t.encode(), digest_size=8).digest() for t in tokens]
        return [int.from_bytes(d, "little") for d in digests]

    monkeypatch.setattr(signatures, "_TOKEN_DIGESTS_MAX", 4)
    monkeypatch.setattr(signatures, "_token_digests", {})
    docs = [["a", "b", "a", "ünï", "c"], ["c", "d", "e", "f", "g", "a"], [], ["g", "g"]]
    for tokens in docs * 2:  # the second pass reads digests cached, then a replaced cache
        assert signatures.token_hashes(tokens).tolist() == plain(tokens)
    assert len(signatures._token_digests) <= 4 + 6
