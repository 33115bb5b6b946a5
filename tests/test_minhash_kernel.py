"""Numba MinHash kernel: SHA-1 against hashlib, signatures and counts against datasketch."""

from __future__ import annotations

import hashlib
import random
from functools import cache

import numpy as np
import pytest
from datasketch import MinHash
from wirestory.transforms.minhash_kernel import batch_signatures, sha1_digests, warm_up
from wirestory.transforms.signatures import normalise, shingles

_LANES = 32
# Letters by UTF-8 width: ASCII, Cyrillic (2 bytes), CJK (3), CJK Extension B (4). Emoji and
# punctuation are not \w: they only separate tokens, as in real text.
_ALPHABETS = {
    "ascii": "abcdefghijklmnopqrstuvwxyz0123456789",
    "cyrillic": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "cjk": "的一是不了人我在有他这中大来上个国",
    "mixed": "aбв的𠀀𠀁𠀂ﬁＡé",
}
_SEPARATORS = [" ", " ", " ", ", ", ". ", " 😀 ", " — ", "\n"]


@cache
def _perms(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    mults, adds = MinHash(num_perm=num_perm, seed=seed).permutations
    return mults, adds


def _reference(text: str, size: int, num_perm: int, seed: int) -> tuple[np.ndarray, int]:
    grams = shingles(text, size)
    sketch = MinHash(num_perm=num_perm, seed=seed)
    sketch.update_batch(grams)
    return sketch.hashvalues, len(grams)


def _text(rng: random.Random, words: list[str]) -> str:
    """Raw text with punctuation, emoji and case changes that normalise() removes."""
    parts = []
    for word in words:
        parts.append(word.upper() if rng.random() < 0.1 else word)
        parts.append(rng.choice(_SEPARATORS))
    return "".join(parts)


@cache
def _pool(alphabet: str, vocab: int) -> list[str]:
    """A fixed vocabulary of 1-9 letter words (built once: building it dominated the test)."""
    rng = random.Random(alphabet)
    return ["".join(rng.choices(alphabet, k=rng.randint(1, 9))) for _ in range(vocab)]


def _words(rng: random.Random, alphabet: str, count: int, vocab: int = 5000) -> list[str]:
    return rng.choices(_pool(alphabet, vocab), k=count)


def _corpus(rng: random.Random, size: int) -> list[str]:
    """Every edge the kernel must get right, for one shingle size."""
    texts = ["", "   ", "😀 — !"]
    for alphabet in _ALPHABETS.values():
        for count in sorted({1, max(size - 1, 1), size, size + 1, 600}):
            texts.append(_text(rng, _words(rng, alphabet, count)))
    texts.append(_text(rng, _words(rng, _ALPHABETS["ascii"], 20_000)))
    # Tokens of exact byte lengths around SHA-1's padding boundaries, and multi-block ones.
    lengths = [1, 55, 56, 63, 64, 119, 120, 200, 3000]
    texts.append(" ".join("".join(rng.choices("abcdefghij", k=n)) for n in lengths))
    texts.append(" ".join("ж" * (n // 2) for n in rng.choices(lengths, k=60)))
    texts.append(" ".join("".join(rng.choices("xyz", k=rng.choice(lengths))) for _ in range(40)))
    # Repeated shingles: a tiny vocabulary, and one phrase over and over.
    texts.append(_text(rng, _words(rng, "ab", 3000, vocab=3)))
    texts.append("the same story again " * 200)
    return texts


@pytest.mark.parametrize(
    "num_perm,seed,size",
    [(128, 1, 5), (64, 7, 3), (256, 1, 1), (256, 7, 5), (64, 1, 1), (128, 7, 3)],
)
def test_signatures_and_counts_match_datasketch(num_perm: int, seed: int, size: int) -> None:
    texts = _corpus(random.Random(num_perm * 10 + seed + size), size)
    sigs, counts = batch_signatures(
        [" ".join(normalise(t)) for t in texts], size, *_perms(num_perm, seed)
    )
    assert sigs.dtype == np.uint32 and sigs.shape == (len(texts), num_perm)
    assert counts.dtype == np.int64 and counts.shape == (len(texts),)
    for text, row, count in zip(texts, sigs, counts, strict=True):
        expected, distinct = _reference(text, size, num_perm, seed)
        assert np.array_equal(row, expected), text[:60]
        assert count == distinct, text[:60]


def test_documents_do_not_depend_on_their_batch() -> None:
    rng = random.Random(3)
    texts = [" ".join(normalise(t)) for t in _corpus(rng, 5)]
    together, counts = batch_signatures(texts, 5, *_perms(128, 1))
    for i in (0, 5, len(texts) - 1):
        alone, count = batch_signatures([texts[i]], 5, *_perms(128, 1))
        assert np.array_equal(alone[0], together[i]) and count[0] == counts[i]


def test_empty_batch_and_empty_documents() -> None:
    sigs, counts = batch_signatures([], 5, *_perms(64, 1))
    assert sigs.shape == (0, 64) and counts.shape == (0,)
    sigs, counts = batch_signatures(["", "a"], 5, *_perms(64, 1))
    assert (sigs[0] == 0xFFFFFFFF).all() and counts.tolist() == [0, 1]


@pytest.mark.parametrize("text", [" a b", "a b ", "a  b", " "])
def test_rejects_text_that_is_not_joined_tokens(text: str) -> None:
    with pytest.raises(ValueError, match="space"):
        batch_signatures([text], 3, *_perms(64, 1))


def test_sha1_matches_hashlib_for_every_length_to_300() -> None:
    rng = random.Random(11)
    messages = [rng.randbytes(n) for n in range(301)]
    # Batches of 32 mix one-, two-, three-, four- and five-block messages in one call.
    for first in range(0, len(messages), _LANES):
        batch = messages[first : first + _LANES]
        assert sha1_digests(batch) == [hashlib.sha1(m).digest() for m in batch]
    for message in (b"", b"abc", messages[55], messages[56], rng.randbytes(10_000)):
        assert sha1_digests([message]) == [hashlib.sha1(message).digest()]


def test_warm_up_compiles() -> None:
    warm_up()
