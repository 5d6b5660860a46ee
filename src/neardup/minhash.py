"""MinHash signatures for many shingle sets at once, bit-identical to datasketch.

The permutation scheme is datasketch's ``affine32`` (datasketch >= 2.0): each 32-bit
input hash ``x`` is pre-mixed with MurmurHash3's 32-bit finaliser, then permutation
``k`` maps it to ``(a_k * x + b_k) mod 2**32`` with ``a_k`` odd (a bijection, so the
permutation step adds no collisions), and the signature keeps the minimum per
permutation. ``a`` and ``b`` come from ``numpy.random.RandomState(seed)`` exactly as
datasketch draws them, so a neardup signature equals ``datasketch.MinHash(num_perm,
seed, scheme="affine32")`` fed the same 32-bit shingle hashes, and converts to a
:class:`datasketch.LeanMinHash` that datasketch's LSH indexes and storage accept.

The arithmetic is defined mod ``2**32`` and computed in uint32, whose wrap-around is that
modulus exactly: nothing is lost that the definition keeps (unlike the legacy
``(a * h + b) % p`` of older datasketch, where uint64 overflowed before the ``% p`` the
definition asked for). The tests check every value against a pure-Python big-integer
reference, including extreme inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from neardup.errors import ConfigError

UInt32Array = npt.NDArray[np.uint32]
UInt64Array = npt.NDArray[np.uint64]

#: The value of every permutation slot of an empty set's signature.
EMPTY_SLOT = np.uint32(0xFFFFFFFF)
SCHEME = "affine32"

_MASK32 = np.uint64(0xFFFFFFFF)
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))
# Shingles per block of the (num_perm x block) permutation matrix: 128 x 8192 x 4 bytes
# is 4 MiB, large enough to amortise numpy's per-call cost, small enough for the cache.
_BLOCK_ELEMENTS = 128 * 8192


def permutations(num_perm: int, seed: int) -> tuple[UInt32Array, UInt32Array]:
    """The permutation parameters ``(a, b)``, drawn exactly as datasketch draws them."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def fmix32(values: UInt32Array) -> UInt32Array:
    """MurmurHash3's 32-bit finaliser (multiplication mod 2**32, as uint32 computes it)."""
    shift_16, multiplier_1, shift_13, multiplier_2 = _FMIX32
    values = values ^ (values >> shift_16)
    values = values * multiplier_1
    values = values ^ (values >> shift_13)
    values = values * multiplier_2
    return values ^ (values >> shift_16)


def signature_input(shingles: UInt64Array) -> UInt32Array:
    """The 32-bit values a signature is computed from: the low half of each shingle hash."""
    return (shingles & _MASK32).astype(np.uint32)


class MinHasher:
    """Computes MinHash signatures for batches of shingle sets.

    Args:
        num_perm: Permutations per signature.
        seed: Seed of the permutations.

    Example:
        >>> from neardup.shingles import shingle_set
        >>> hasher = MinHasher(num_perm=128, seed=1)
        >>> sigs = hasher.signatures([shingle_set("the quick brown fox jumps over it")])
        >>> sigs.shape
        (1, 128)
    """

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        if num_perm < 1:
            raise ConfigError(f"'num_perm' must be at least 1 (got {num_perm!r})")
        self.num_perm = num_perm
        self.seed = seed
        self._a, self._b = permutations(num_perm, seed)

    def signatures(self, shingle_sets: Sequence[UInt64Array]) -> UInt32Array:
        """Signatures of many shingle sets, computed together.

        Args:
            shingle_sets: One array of 64-bit shingle hashes per document (duplicates
                are harmless).

        Returns:
            A ``(len(shingle_sets), num_perm)`` uint32 array; an empty set's row is all
            ``0xFFFFFFFF``, as in datasketch.
        """
        lengths = np.fromiter(
            (len(s) for s in shingle_sets), dtype=np.int64, count=len(shingle_sets)
        )
        if lengths.sum() == 0:
            return np.full((len(shingle_sets), self.num_perm), EMPTY_SLOT, dtype=np.uint32)
        return self.signatures_of_concatenated(np.concatenate(shingle_sets), lengths)

    def signatures_of_concatenated(
        self, shingles: UInt64Array, lengths: npt.NDArray[np.int64]
    ) -> UInt32Array:
        """:meth:`signatures` of sets given end to end: ``lengths[i]`` values each."""
        result = np.full((len(lengths), self.num_perm), EMPTY_SLOT, dtype=np.uint32)
        if len(shingles) == 0:
            return result
        values = fmix32(signature_input(shingles))
        # Where each non-empty set begins in ``values``, and its row.
        ends = np.cumsum(lengths)
        rows_present = np.flatnonzero(lengths)
        set_starts = (ends - lengths)[rows_present]
        block = max(1, _BLOCK_ELEMENTS // self.num_perm)
        a = self._a[:, None]
        b = self._b[:, None]
        # One work matrix for all blocks: a fresh one per block costs page faults.
        work = np.empty((self.num_perm, min(block, len(values))), dtype=np.uint32)
        for start in range(0, len(values), block):
            chunk = values[start : start + block]
            # Sets beginning in this chunk, and the set the chunk begins inside.
            first = max(int(np.searchsorted(set_starts, start, side="right")) - 1, 0)
            last = int(np.searchsorted(set_starts, start + len(chunk), side="left"))
            offsets = np.maximum(set_starts[first:last] - start, 0)
            permuted = work[:, : len(chunk)]
            np.multiply(a, chunk[None, :], out=permuted)
            permuted += b
            minima = np.minimum.reduceat(permuted, offsets, axis=1).T
            rows = rows_present[first:last]
            result[rows] = np.minimum(result[rows], minima)
        return result

    def signature(self, shingles: UInt64Array) -> UInt32Array:
        """The signature of one shingle set (see :meth:`signatures`)."""
        signature: UInt32Array = self.signatures([shingles])[0]
        return signature


def estimate_jaccard(first: UInt32Array, second: UInt32Array) -> float:
    """Estimated Jaccard similarity of two sets from their signatures.

    The standard error is ``sqrt(J * (1 - J) / num_perm)``.
    """
    if first.shape != second.shape:
        raise ValueError(f"signatures differ in length ({first.shape} vs {second.shape})")
    return float(np.count_nonzero(first == second)) / len(first)


def to_lean_minhash(signature: UInt32Array, seed: int = 1) -> Any:
    """Convert a signature to a :class:`datasketch.LeanMinHash` (scheme ``affine32``).

    Args:
        signature: One row of :meth:`MinHasher.signatures`.
        seed: The seed the signature was computed with.
    """
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=np.asarray(signature, dtype=np.uint32), scheme=SCHEME)


def from_lean_minhash(minhash: Any) -> tuple[UInt32Array, int]:
    """Convert a datasketch ``MinHash`` or ``LeanMinHash`` back to ``(signature, seed)``.

    Raises:
        ConfigError: The sketch uses another permutation scheme than ``affine32``.
    """
    scheme = getattr(minhash, "scheme", None)
    if scheme != SCHEME:
        raise ConfigError(
            f"datasketch sketch must use scheme {SCHEME!r} to be compared with neardup's "
            f"(got {scheme!r})"
        )
    return np.asarray(minhash.hashvalues, dtype=np.uint32).copy(), int(minhash.seed)
