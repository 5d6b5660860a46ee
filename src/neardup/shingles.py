"""Word shingles as 64-bit hashes.

A shingle is ``shingle_size`` consecutive tokens (:func:`neardup.normalize.tokenize`).
Its hash is defined from the tokens' seeded xxh3-64 hashes ``t0 .. t(n-1)``::

    acc = t0;  acc = acc * K + t_k  (k = 1 .. n-1, arithmetic mod 2**64);  hash = fmix64(acc)

where ``K`` is the odd 64-bit golden-ratio constant and ``fmix64`` MurmurHash3's
finaliser. Every token is hashed once, and the shingle combination is vectorised with
numpy, so no Python work is done per shingle. The wrap-around mod 2**64 is the
definition, not an accident: the combination is a polynomial hash over the ring of
64-bit integers, and fmix64 spreads its bits.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import xxhash

from neardup.normalize import tokenize

UInt64Array = npt.NDArray[np.uint64]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_FMIX64_M1 = np.uint64(0xFF51AFD7ED558CCD)
_FMIX64_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_SHIFT_33 = np.uint64(33)


def fmix64(values: UInt64Array) -> UInt64Array:
    """MurmurHash3's 64-bit finaliser, element-wise (a bijection on 64-bit integers)."""
    values = values ^ (values >> _SHIFT_33)
    values = values * _FMIX64_M1
    values = values ^ (values >> _SHIFT_33)
    values = values * _FMIX64_M2
    return values ^ (values >> _SHIFT_33)


def token_hashes(tokens: list[str], seed: int) -> UInt64Array:
    """Seeded xxh3-64 hash of each token, in order."""
    digest = xxhash.xxh3_64_intdigest
    return np.fromiter(
        (digest(token.encode("utf-8"), seed) for token in tokens),
        dtype=np.uint64,
        count=len(tokens),
    )


def combine_shingles(hashes: UInt64Array, shingle_size: int) -> UInt64Array:
    """Hashes of all windows of ``shingle_size`` consecutive token hashes, in order.

    Returns an empty array when there are fewer tokens than ``shingle_size``.
    """
    count = len(hashes) - shingle_size + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    accumulator = hashes[:count].copy()
    for offset in range(1, shingle_size):
        accumulator *= _GOLDEN
        accumulator += hashes[offset : offset + count]
    return fmix64(accumulator)


def shingle_set(text: str, shingle_size: int = 5, seed: int = 1) -> UInt64Array:
    """The set of shingle hashes of a text, as a sorted array of unique uint64.

    Args:
        text: The text (it is normalised and tokenised here).
        shingle_size: Tokens per shingle.
        seed: Seed of the token hash.

    Returns:
        Sorted, unique shingle hashes; empty when the text has fewer tokens than
        ``shingle_size``.
    """
    return np.unique(combine_shingles(token_hashes(tokenize(text), seed), shingle_size))
