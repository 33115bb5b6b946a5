"""Numba kernel: word shingles -> SHA-1 -> datasketch affine32 MinHash, many documents per call.

Bit-identical to ``datasketch.MinHash(num_perm, seed).update_batch(shingles(text, k))``: sha1_hash32
(first 4 SHA-1 digest bytes, little-endian), MurmurHash3 fmix32, ``a * h + b`` mod 2**32, min.
A document arrives as ``" ".join(normalise(text))`` in UTF-8, so a shingle is a contiguous byte
slice that SHA-1 reads in place; SHA-1 runs on _LANES shingles at once, one per SIMD lane.
Distinct shingles are counted on a 64-bit key, the first two SHA-1 digest words: two different
shingles of one document collide with probability ~n**2 / 2**65 (3e-8 for a million shingles).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numba import njit

_M32 = 0xFFFFFFFF
_SPACE = 32
_MIN_TABLE = 16
# Shingles hashed per SHA-1 call. LLVM vectorised the lane loops well from 32 on (16 lanes ran
# 2x slower per shingle on AVX2); more lanes waste more work on a document's last, partial call.
_LANES = 32
# Shingles up to 55 bytes fit one padded block; longer ones get their own queue, so a long
# shingle does not make 31 short ones idle through its extra blocks.
_ONE_BLOCK = 55
_PAD = 4  # spare bytes after the last document: see _sha1_lanes
_U1, _U2, _U3 = np.uint64(1), np.uint64(2), np.uint64(3)
_INIT = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0)


# Helpers are inlined at numba IR level: as calls they cost refcount atomics per array argument,
# and LLVM cannot inline a function loaded from the cache. So they need no cache of their own.
_inline = njit(nogil=True, inline="always")


def _cached_njit(func: Callable) -> Callable:
    """njit with an on-disk cache where numba finds a writable place for one."""
    try:
        return njit(cache=True, nogil=True)(func)
    except RuntimeError:  # read-only package and no writable ~/.cache or NUMBA_CACHE_DIR
        return njit(nogil=True)(func)


@_inline
def _round(stage: int, t: int, a: int, b: int, c: int, d: int, e: int, ws: np.ndarray) -> None:
    """One SHA-1 round on every lane; a..e are the rows of ws holding the working variables."""
    # Values are int64 masked to 32 bits: numba widens uint32 arithmetic to uint64, and mixing
    # uint64 with int literals yields float64. Carries above bit 31 never reach the low 32 bits,
    # so sums are masked once; LLVM narrows it all to 32-bit vector lanes.
    for lane in range(_LANES):
        av, bv, cv, dv = np.int64(ws[a, lane]), np.int64(ws[b, lane]), ws[c, lane], ws[d, lane]
        if stage == 0:
            f = ((bv & cv) | (~bv & dv)) + 0x5A827999
        elif stage == 2:
            f = ((bv & cv) | (dv & (bv | cv))) + 0x8F1BBCDC
        else:
            f = (bv ^ cv ^ dv) + (0x6ED9EBA1 if stage == 1 else 0xCA62C1D6)
        ws[e, lane] = (ws[e, lane] + ((av << 5) | (av >> 27)) + f + ws[t, lane]) & _M32
        ws[b, lane] = ((bv << 30) | (bv >> 2)) & _M32


@_inline
def _be32(src: np.ndarray, p: int) -> int:
    """The big-endian 32-bit word at src[p:p + 4]."""
    # Unsigned indices skip numba's negative-index wraparound, so LLVM fuses the loads (movbe).
    q = np.uint64(p)
    high = (np.int64(src[q]) << 24) | (np.int64(src[q + _U1]) << 16)
    return high | (np.int64(src[q + _U2]) << 8) | np.int64(src[q + _U3])


@_cached_njit
def _sha1_lanes(
    src: np.ndarray, starts: np.ndarray, stops: np.ndarray, count: int, ws: np.ndarray
) -> None:
    """SHA-1 (FIPS 180-4) of src[starts[i]:stops[i]] for i < count into ws rows 85..89.

    Reads up to 4 bytes past a message's end (masked off), so src must end in 4 spare bytes."""
    # ws rows: 0-79 message schedule, 80-84 working variables, 85-89 digest state, 90 message
    # sizes. One array, so LLVM sees that rows do not overlap and needs no alias checks.
    most = 0
    for lane in range(_LANES):
        ws[90, lane] = stops[lane] - starts[lane] if lane < count else 0  # idle lanes hash b""
        most = max(most, (ws[90, lane] + 8) // 64 + 1)
    # Explicit loops here and below: numba compiles array slice assignment slowly (seconds).
    for row in range(5):
        for lane in range(_LANES):
            ws[85 + row, lane] = _INIT[row]
    for block in range(most):
        for lane in range(_LANES):
            # The padded message is built word by word straight from src: no copies.
            size, base = np.int64(ws[90, lane]), starts[lane] if lane < count else 0
            off = base + 64 * block
            full = min(16, max(0, size - 64 * block) // 4)  # whole message words
            for t in range(full):
                ws[t, lane] = _be32(src, off + 4 * t)
            left = size - 64 * block - 4 * full
            if full < 16 and left >= 0:  # the last 0-3 bytes, then the 0x80 terminator
                word = _be32(src, off + 4 * full)
                ws[full, lane] = (word & ~(_M32 >> (8 * left))) | (0x80 << (24 - 8 * left))
                full += 1
            for t in range(full, 16):
                ws[t, lane] = 0
            if block == (size + 8) // 64:  # last block: bit length in words 14 and 15
                ws[14, lane], ws[15, lane] = (size * 8) >> 32, (size * 8) & _M32
        for t in range(16, 80):
            for lane in range(_LANES):
                x = np.int64(ws[t - 3, lane]) ^ ws[t - 8, lane] ^ ws[t - 14, lane]
                x ^= ws[t - 16, lane]
                ws[t, lane] = ((x << 1) | (x >> 31)) & _M32
        for row in range(5):
            for lane in range(_LANES):
                ws[80 + row, lane] = ws[85 + row, lane]
        # Five rounds per step rotate the roles of rows 80-84 instead of moving values.
        for t in range(0, 80, 5):
            stage = t // 20
            _round(stage, t, 80, 81, 82, 83, 84, ws)
            _round(stage, t + 1, 84, 80, 81, 82, 83, ws)
            _round(stage, t + 2, 83, 84, 80, 81, 82, ws)
            _round(stage, t + 3, 82, 83, 84, 80, 81, ws)
            _round(stage, t + 4, 81, 82, 83, 84, 80, ws)
        # A lane past its last block keeps its digest; a select, as masked stores are slow.
        for row in range(5):
            for lane in range(_LANES):
                old = np.int64(ws[85 + row, lane])
                new = (old + ws[80 + row, lane]) & _M32
                ws[85 + row, lane] = new if block <= (np.int64(ws[90, lane]) + 8) // 64 else old


@_inline
def _add(
    h0: int, h1: int, table: np.ndarray, mask: int, sig: np.ndarray, perms: np.ndarray
) -> bool:
    """Folds a new shingle (first SHA-1 words h0, h1) into sig; returns False for a repeat."""
    # Open addressing, linear probing, 0 = empty. SHA-1 bits are uniform, so the low bits index
    # directly; key 0 is stored as 1 (one more 2**-64 collision chance, nothing else).
    key = (h0 << 32) | h1
    if key == 0:
        key = 1
    slot = key & mask
    while table[slot] != 0:
        if table[slot] == key:
            return False  # a repeated shingle cannot lower any minimum
        slot = (slot + 1) & mask
    table[slot] = key
    # datasketch's sha1_hash32 reads the first four digest bytes little-endian: byte-swap h0.
    x = ((h0 >> 24) | ((h0 >> 8) & 0xFF00) | ((h0 << 8) & 0xFF0000) | (h0 << 24)) & _M32
    x ^= x >> 16
    x = (x * 0x85EBCA6B) & _M32
    x ^= x >> 13
    x = (x * 0xC2B2AE35) & _M32
    hv = np.uint32(x ^ (x >> 16))
    # uint32 lanes and an unconditional store vectorise this loop (vpmulld, vpminud); a
    # conditional store became slow masked stores.
    for j in range(sig.shape[0]):
        sig[j] = min(sig[j], np.uint32(perms[0, j] * hv + perms[1, j]))
    return True


@_cached_njit
def _kernel(
    buf: np.ndarray, offsets: np.ndarray, size: int, perms: np.ndarray, out: np.ndarray
) -> np.ndarray:
    """Fills out[d] (pre-set to all-max) for every document d of buf; returns distinct counts."""
    counts = np.zeros(offsets.shape[0] - 1, dtype=np.int64)
    ws = np.empty((91, _LANES), dtype=np.uint32)
    queues = np.zeros((2, 2, _LANES), dtype=np.int64)  # [one-block or longer][start, stop][lane]
    queued = np.zeros(2, dtype=np.int64)
    table = np.zeros(_MIN_TABLE, dtype=np.int64)
    ring = np.empty(size, dtype=np.int64)  # start offsets of the last `size` tokens
    for d in range(counts.shape[0]):
        first, last = offsets[d], offsets[d + 1]
        if first == last:
            continue
        if buf[first] == _SPACE or buf[last - 1] == _SPACE:
            raise ValueError("token text has a leading or trailing space")
        tokens = 1
        for i in range(first, last):
            tokens += buf[i] == _SPACE
        short = tokens <= size  # then the document is one shingle of all its tokens
        cap = _MIN_TABLE  # table at most half full keeps probes short
        while cap < 2 * (tokens - size + 1):
            cap *= 2
        if cap > table.shape[0]:
            table = np.zeros(cap, dtype=np.int64)
        else:
            for slot in range(cap):
                table[slot] = 0
        sig = out[d]
        token, oldest = 0, 1 % size  # oldest: ring slot of the shingle's first token
        ring[0] = first
        for i in range(first, last + 1):
            if i < last and buf[i] != _SPACE:
                continue
            if i < last and buf[i - 1] == _SPACE:
                raise ValueError("token text has two consecutive spaces")
            # Token `token` ends at i: queue the shingle of the `size` tokens ending here.
            if (i == last) if short else (token >= size - 1):
                start = first if short else ring[oldest]
                q = 0 if i - start <= _ONE_BLOCK else 1
                queues[q, 0, queued[q]], queues[q, 1, queued[q]] = start, i
                queued[q] += 1
            for q in range(2):
                if queued[q] == _LANES or (i == last and queued[q] > 0):
                    _sha1_lanes(buf, queues[q, 0], queues[q, 1], queued[q], ws)
                    for lane in range(queued[q]):
                        h0, h1 = np.int64(ws[85, lane]), np.int64(ws[86, lane])
                        counts[d] += _add(h0, h1, table, cap - 1, sig, perms)
                    queued[q] = 0
            token += 1
            ring[oldest] = i + 1
            oldest = oldest + 1 if oldest + 1 < size else 0
    return counts


def batch_signatures(
    token_texts: Sequence[str], shingle_size: int, mults: np.ndarray, adds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """token_texts[i] is " ".join(normalise(doc_i)); returns (uint32 [docs, num_perm]
    signatures, int64 [docs] distinct shingle counts)."""
    if shingle_size < 1:
        raise ValueError(f"shingle_size must be >= 1, got {shingle_size}")
    perms = np.ascontiguousarray(np.stack([np.asarray(mults), np.asarray(adds)]), dtype=np.uint32)
    encoded = [text.encode("utf-8") for text in token_texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    # One join, no copies: a fresh large buffer costs page faults. It is read-only, like the
    # one sha1_digests passes, so the shared SHA-1 function compiles once.
    buf = np.frombuffer(b"".join([*encoded, bytes(_PAD)]), dtype=np.uint8)
    out = np.full((len(encoded), perms.shape[1]), _M32, dtype=np.uint32)
    return out, _kernel(buf, offsets, shingle_size, perms, out)


def sha1_digests(messages: Sequence[bytes]) -> list[bytes]:
    """The kernel's SHA-1 on up to _LANES messages at once, for tests against hashlib."""
    if len(messages) > _LANES:
        raise ValueError(f"at most {_LANES} messages per call")
    buf = np.frombuffer(b"".join([*messages, bytes(_PAD)]), dtype=np.uint8)
    bounds = np.zeros((2, _LANES), dtype=np.int64)
    np.cumsum([len(m) for m in messages], out=bounds[1, : len(messages)])
    bounds[0, 1 : len(messages)] = bounds[1, : len(messages) - 1]
    ws = np.empty((91, _LANES), dtype=np.uint32)
    _sha1_lanes(buf, bounds[0], bounds[1], len(messages), ws)
    return [ws[85:90, lane].astype(">u4").tobytes() for lane in range(len(messages))]


def warm_up() -> None:
    """Compiles the kernel (call from DoFn.setup so the first bundle does not pay for it)."""
    batch_signatures(["warm up", ""], 1, np.ones(2, np.uint32), np.zeros(2, np.uint32))
