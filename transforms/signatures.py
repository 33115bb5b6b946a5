"""Step 3: normalise text, build word shingles and batched MinHash signatures."""

from __future__ import annotations

import functools
import hashlib
import re
import struct
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import apache_beam as beam
import numpy as np
from wirestory.transforms.records import ExtractedArticle, Signature
from wirestory.transforms.scripts import NO_SPACE_SCRIPTS as _NO_SPACE_SCRIPTS

# Each character of a script written without spaces (transforms/scripts.py) is a token of its
# own (so shingles are character n-grams there), whatever surrounds it; other word characters
# form words as before, so mixed text works too.
_TOKEN = re.compile(rf"[{_NO_SPACE_SCRIPTS}]|[^\W{_NO_SPACE_SCRIPTS}]+")
# Rows of the (shingles x permutations) matrix computed at once: bounds memory at ~4 MB.
_CHUNK_ROWS = 8192


@dataclass(frozen=True)
class MinHashParams:
    """Similarity settings, fixed for a run and recorded in the manifest.

    LSH math: a signature of num_perm MinHash values is cut into `bands` bands of
    `rows` values. Two documents with Jaccard similarity s share at least one band
    with probability P(s) = 1 - (1 - s**rows) ** bands, an S-curve whose steepest
    point sits near (1 / bands) ** (1 / rows). bands x rows come from datasketch's
    optimal parameters for `candidate_threshold` (equal false-positive/negative weights), so
    candidates match what datasketch.MinHashLSH(candidate_threshold, num_perm) would return.
    It is set apart from the verification threshold: a containment match (an abridged copy, a
    brief) has a low Jaccard, so candidates are sought below the Jaccard edge threshold.

    Verification is exact, on each document's set of shingle keys (32-bit hashes of its
    shingles): MinHash estimates J with a standard error of sqrt(J (1 - J) / num_perm), about
    0.04 at 128 permutations, and a containment derived from a small J (a brief inside a long
    story) is far noisier still. A candidate pair is
      - a *Jaccard edge* when |A n B| / |A u B| >= threshold: symmetric, so it may join groups
        (connected components);
      - else a *containment match* when |A n B| / min(|A|, |B|) >= containment and the
        shorter one holds at least lead_share of the longer one's lead (its first
        lead_shingles shingles): a shorter copy keeps the lead (copy desks cut from the
        bottom), a brief or a background paragraph that another story repeats does not. It
        attaches the shorter document's group to its best container's group, never joins
        groups otherwise (transforms/grouping.py), so a shared passage cannot chain stories.
    A document with fewer than min_shingles distinct shingles (empty, punctuation only, a
    caption, a lone quote, or an empty page's consent banner) is never a candidate: it stays a
    story of its own. 40 shingles are about 40 words, or 40 characters of Chinese or Japanese.

    Defaults, chosen on the offline grid of the syndication benchmark (BENCHMARKS.md; copies
    trimmed to 40%, up to 8% of words edited, promos and own paragraphs added, stories sharing
    background paragraphs and quotes, briefs whose paragraph reappears in a longer story,
    near-empty pages, edited CJK copies): word 3-shingles keep edited copies similar (a changed
    word breaks 3 shingles, not 5). candidate_threshold 0.2 gives 28 bands x 2 rows: a pair at
    J = 0.2 is a candidate with P = 1 - (1 - 0.04)**28 = 0.68, at J = 0.3 with P = 0.93 and at
    J = 0.4 with P = 0.99, so abridged copies (J 0.2-0.4, containment near 1) are found, while
    pairs below J = 0.05 almost never are (P < 0.07). threshold 0.4 (not 0.3): a one-paragraph
    brief copy has J ~ 0.3 with a longer story that repeats its paragraph, which must not be an
    edge. containment 0.5 with the lead rule kept precision at 1.0 on every kind. (0.4 does
    too at 10,000 documents since short template pages are grouped on their own lines, with
    recall +0.0012; but at 100,000 a brief-host copy already attaches to a brief at 0.52.)
    max_story_size: a component larger than this is mass-produced pages or a bad input; it is
    labelled without gathering its members on one worker and listed in the summary.
    """

    num_perm: int = 128
    shingle_size: int = 3
    threshold: float = 0.4
    candidate_threshold: float = 0.2  # 0: the same as threshold
    containment: float = 0.5
    seed: int = 1
    min_shingles: int = 40
    lead_shingles: int = 20
    lead_share: float = 0.5
    max_story_size: int = 1000
    bands: int = field(default=0)
    rows: int = field(default=0)

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be in (0, 1), got {self.threshold}")
        if self.shingle_size < 1 or self.num_perm < 2:
            raise ValueError("shingle_size must be >= 1 and num_perm >= 2")
        if not self.candidate_threshold:
            object.__setattr__(self, "candidate_threshold", self.threshold)
        if not 0.0 < self.candidate_threshold < 1.0:
            raise ValueError(f"candidate_threshold must be in (0, 1): {self.candidate_threshold}")
        if not (self.bands and self.rows):
            bands, rows = _optimal_banding(self.candidate_threshold, self.num_perm)
            object.__setattr__(self, "bands", bands)
            object.__setattr__(self, "rows", rows)
        if self.bands * self.rows > self.num_perm:
            raise ValueError("bands x rows exceeds num_perm")


@functools.lru_cache(maxsize=32)
def _optimal_banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's optimal (bands, rows); it integrates numerically (~0.5 s), so it is cached."""
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, 0.5, 0.5)


def normalise(text: str) -> list[str]:
    """Unicode-normalised (NFKC), case-folded tokens; punctuation and spacing drop out.

    Words of scripts that separate words by spaces, and single characters of scripts that do
    not (Chinese, Japanese, Thai, ...): `\\w+` would take a whole clause as one token there.
    """
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, size: int) -> list[bytes]:
    """Distinct word n-grams of the normalised text, UTF-8 encoded, in first-seen order."""
    tokens = normalise(text)
    if len(tokens) <= size:
        return [" ".join(tokens).encode("utf-8")] if tokens else []
    grams = (" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1))
    return [gram.encode("utf-8") for gram in dict.fromkeys(grams)]


_KEY_MULT = np.uint64(0x9E3779B97F4A7C15)


# Token digests, shared by every document a process hashes (both the signature and the canonical
# choice hash each text's tokens, and news vocabulary repeats across documents): ~2.5x fewer
# blake2b calls and Python-level steps per token. Bounded: replaced, never cleared in place, when
# full, so a thread still reading the old dict is unaffected.
_TOKEN_DIGESTS_MAX = 1 << 18
_token_digests: dict[str, bytes] = {}


def token_hashes(tokens: Sequence[str]) -> np.ndarray:
    """64-bit blake2b hash of every token (uint64, in order)."""
    global _token_digests
    if len(_token_digests) > _TOKEN_DIGESTS_MAX:
        _token_digests = {}
    cache = _token_digests
    blake = hashlib.blake2b
    for token in set(tokens).difference(cache):
        cache[token] = blake(token.encode("utf-8"), digest_size=8).digest()
    digests = b"".join(map(cache.__getitem__, tokens))
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


def shingle_keys(tokens: Sequence[str], size: int) -> np.ndarray:
    """Sorted distinct 32-bit keys of the token n-grams (the same shingles MinHash sees).

    Exact verification intersects these sets. Two distinct shingles of a pair share a key with
    probability |A| |B| / 2**32 (about 1e-4 for two 600-shingle documents): at most a shingle's
    difference, never a decision on its own.
    """
    return np.unique(shingle_sequence(tokens, size))


def lead_keys(sequence: np.ndarray, count: int) -> np.ndarray:
    """Sorted distinct keys of a document's first `count` shingles: its lead."""
    return np.unique(sequence[:count])


def shingle_sequence(tokens: Sequence[str], size: int) -> np.ndarray:
    """The 32-bit key of every token n-gram in text order, repeats kept (uint32)."""
    if not tokens:
        return np.zeros(0, dtype=np.uint32)
    hashed = token_hashes(tokens)
    count = max(1, len(tokens) - size + 1)
    width = min(size, len(tokens))
    with np.errstate(over="ignore"):
        keys = hashed[:count].copy()
        for j in range(1, width):
            keys = keys * _KEY_MULT + hashed[j : j + count]
        keys ^= keys >> np.uint64(31)
        keys *= np.uint64(0xBF58476D1CE4E5B9)
        keys ^= keys >> np.uint64(29)
    return (keys >> np.uint64(32)).astype(np.uint32)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, as datasketch's affine32 scheme applies it."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


class MinHasher:
    """Computes datasketch-identical MinHash signatures for many documents per numpy call.

    The pure numpy reference: the pipeline uses the compiled minhash_kernel, ~10x faster, and
    tests hold both to datasketch.
    """

    def __init__(self, num_perm: int, seed: int) -> None:
        from datasketch import MinHash

        # Take the permutations from datasketch itself so signatures stay bit-identical.
        mults, adds = MinHash(num_perm=num_perm, seed=seed).permutations
        self._mults = np.asarray(mults, dtype=np.uint32)[None, :]
        self._adds = np.asarray(adds, dtype=np.uint32)[None, :]
        self.num_perm = num_perm

    def hash_shingles(self, grams: Sequence[bytes]) -> np.ndarray:
        """datasketch's sha1_hash32 (first 4 bytes of SHA-1, little-endian) of each shingle."""
        sha1 = hashlib.sha1
        digest = b"".join([sha1(gram).digest()[:4] for gram in grams])
        return np.frombuffer(digest, dtype="<u4").astype(np.uint32)

    def signatures(self, shingle_sets: Sequence[Sequence[bytes]]) -> np.ndarray:
        """Returns a (documents x num_perm) uint32 array; empty documents get all-max rows."""
        hashed = [self.hash_shingles(grams) for grams in shingle_sets]
        out = np.full((len(hashed), self.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
        start = 0
        while start < len(hashed):
            stop, rows = start, 0
            while stop < len(hashed) and (stop == start or rows + len(hashed[stop]) <= _CHUNK_ROWS):
                rows += len(hashed[stop])
                stop += 1
            self._fill(out, start, hashed[start:stop])
            start = stop
        return out

    def _fill(self, out: np.ndarray, first: int, hashed: list[np.ndarray]) -> None:
        """Writes the signatures of consecutive documents starting at row `first`."""
        sizes = np.array([len(h) for h in hashed])
        nonempty = np.flatnonzero(sizes)
        if not len(nonempty):
            return
        values = _fmix32(np.concatenate(hashed))
        # Rows beyond the chunk size belong to one large document: reduce it in slices.
        mins = None
        for begin in range(0, len(values), _CHUNK_ROWS):
            permuted = values[begin : begin + _CHUNK_ROWS, None] * self._mults + self._adds
            if len(hashed) == 1:
                part = permuted.min(axis=0)
                mins = part if mins is None else np.minimum(mins, part)
            else:
                offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))[nonempty]
                mins = np.minimum.reduceat(permuted, offsets, axis=0)
        if len(hashed) == 1:
            out[first] = mins
        else:
            out[first + nonempty] = mins


def band_keys(hashvalues: np.ndarray, params: MinHashParams) -> list[bytes]:
    """One key per band: band index + 8-byte digest of its rows (what an LSH index stores)."""
    keys = []
    for band in range(params.bands):
        rows = hashvalues[band * params.rows : (band + 1) * params.rows].tobytes()
        digest = hashlib.blake2b(rows, digest_size=8).digest()
        keys.append(struct.pack(">H", band) + digest)
    return keys


class SignatureFn(beam.DoFn):
    """Computes signatures for a batch of articles in one compiled pass (minhash_kernel)."""

    def __init__(self, params: MinHashParams) -> None:
        self._params = params
        self._permutations: tuple[np.ndarray, np.ndarray] | None = None
        self._kernel: Any = None

    def setup(self) -> None:
        # Imported here: numba and the compiled kernel belong to the worker, not the pickled DoFn.
        from datasketch import MinHash
        from wirestory.transforms.minhash_kernel import batch_signatures, warm_up

        self._kernel = batch_signatures
        mults, adds = MinHash(num_perm=self._params.num_perm, seed=self._params.seed).permutations
        self._permutations = (np.asarray(mults, np.uint32), np.asarray(adds, np.uint32))
        warm_up()  # compile (or load the cached kernel) before the first bundle

    def process(self, batch: Sequence[ExtractedArticle]) -> Iterator[Signature]:
        assert self._permutations is not None
        tokens = [normalise(article.text) for article in batch]
        token_texts = [" ".join(doc_tokens) for doc_tokens in tokens]
        size = self._params.shingle_size
        values, counts = self._kernel(token_texts, size, *self._permutations)
        for article, doc_tokens, count, row in zip(batch, tokens, counts, values, strict=True):
            sequence = shingle_sequence(doc_tokens, size)
            keys = np.unique(sequence).astype("<u4").tobytes()
            lead = lead_keys(sequence, self._params.lead_shingles).astype("<u4").tobytes()
            yield Signature(article.doc_id, int(count), row.astype("<u4").tobytes(), keys, lead)


@beam.typehints.with_input_types(ExtractedArticle)
@beam.typehints.with_output_types(Signature)
class ComputeSignatures(beam.PTransform):
    """Articles -> Signature records, batched so per-element overhead stays small."""

    def __init__(self, params: MinHashParams) -> None:
        super().__init__()
        self._params = params

    def expand(self, articles: beam.PCollection) -> beam.PCollection:
        return (
            articles
            | "Batch" >> beam.BatchElements(min_batch_size=8, max_batch_size=128)
            | "MinHash" >> beam.ParDo(SignatureFn(self._params))
        )


def signature_values(signature: Signature) -> np.ndarray:
    """The uint32 hash values of a Signature record."""
    return np.frombuffer(signature.hashvalues, dtype="<u4")


def keys_of(signature: Signature) -> np.ndarray:
    """The sorted distinct uint32 shingle keys of a Signature record."""
    return np.frombuffer(signature.shingle_keys, dtype="<u4")


def lead_of(signature: Signature) -> np.ndarray:
    """The sorted distinct keys of a Signature record's lead shingles."""
    return np.frombuffer(signature.lead_keys, dtype="<u4")


def is_comparable(signature: Signature, params: MinHashParams) -> bool:
    """Enough shingles to compare: fewer (no words, a caption) never joins a group.

    Without this every empty or punctuation-only text has the all-maximum signature, so all of
    them share every band and merge into one story.
    """
    return len(signature.shingle_keys) // 4 >= params.min_shingles
