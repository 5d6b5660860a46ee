from __future__ import annotations

import math

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup.errors import ConfigError
from neardup.minhash import (
    EMPTY_SLOT,
    MinHasher,
    estimate_jaccard,
    from_lean_minhash,
    permutations,
    signature_input,
    to_lean_minhash,
)
from neardup.shingles import shingle_set

from .conftest import SEED_A, seed_text

MASK32 = (1 << 32) - 1


def reference_fmix32(value: int) -> int:
    value ^= value >> 16
    value = (value * 0x85EBCA6B) & MASK32
    value ^= value >> 13
    value = (value * 0xC2B2AE35) & MASK32
    return value ^ (value >> 16)


def reference_signature(shingles: list[int], num_perm: int, seed: int) -> list[int]:
    """MinHash with Python's unbounded integers: nothing can overflow here."""
    a, b = permutations(num_perm, seed)
    mixed = [reference_fmix32(value & MASK32) for value in shingles]
    return [
        min(((int(a_k) * value + int(b_k)) % (1 << 32) for value in mixed), default=MASK32)
        for a_k, b_k in zip(a.tolist(), b.tolist(), strict=True)
    ]


uint64_sets = st.lists(st.integers(0, (1 << 64) - 1), min_size=0, max_size=60)


@settings(max_examples=60, deadline=None)
@given(sets=st.lists(uint64_sets, min_size=1, max_size=5), seed=st.integers(0, 2**32 - 1))
def test_signatures_equal_the_big_integer_reference(sets: list[list[int]], seed: int) -> None:
    hasher = MinHasher(num_perm=32, seed=seed)
    signatures = hasher.signatures([np.array(values, dtype=np.uint64) for values in sets])
    for values, signature in zip(sets, signatures, strict=True):
        assert signature.tolist() == reference_signature(values, 32, seed)


def test_extreme_inputs_do_not_overflow() -> None:
    extremes = [0, 1, MASK32, (1 << 64) - 1, (1 << 63), 0xFFFFFFFF00000000]
    signature = MinHasher(num_perm=128, seed=7).signature(np.array(extremes, dtype=np.uint64))
    assert signature.tolist() == reference_signature(extremes, 128, 7)


def test_signature_is_bit_identical_to_datasketch_affine32() -> None:
    shingles = shingle_set(seed_text(SEED_A))
    ours = MinHasher(num_perm=128, seed=1).signature(shingles)
    theirs = MinHash(num_perm=128, seed=1, hashfunc=lambda value: value, scheme="affine32")
    theirs.update_batch([int(value) for value in signature_input(shingles)])
    assert np.array_equal(ours, theirs.hashvalues)


def test_batches_equal_one_at_a_time_across_block_boundaries() -> None:
    rng = np.random.default_rng(3)
    sets = [rng.integers(0, 2**63, size, dtype=np.uint64) for size in (0, 5, 40000, 1, 70000, 0)]
    hasher = MinHasher(num_perm=128, seed=1)
    together = hasher.signatures(sets)
    for values, row in zip(sets, together, strict=True):
        assert np.array_equal(row, hasher.signature(values))
    assert (together[0] == EMPTY_SLOT).all()


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(200, 2000),
    overlap=st.floats(0.0, 1.0),
    seed=st.integers(0, 10_000),
)
def test_jaccard_estimate_within_its_error_bound(size: int, overlap: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    universe = rng.choice(2**62, size * 2, replace=False).astype(np.uint64)
    shared = int(size * overlap)
    first = universe[:size]
    second = np.concatenate([universe[:shared], universe[size : 2 * size - shared]])
    true_jaccard = shared / (2 * size - shared)
    num_perm = 256
    hasher = MinHasher(num_perm=num_perm, seed=seed)
    signatures = hasher.signatures([first, second])
    estimate = estimate_jaccard(signatures[0], signatures[1])
    # Five standard errors of a binomial proportion, plus a small floor for J near 0 or 1.
    bound = 5 * math.sqrt(true_jaccard * (1 - true_jaccard) / num_perm) + 0.02
    assert abs(estimate - true_jaccard) <= bound


def test_lean_minhash_round_trip_and_datasketch_lsh() -> None:
    text = seed_text(SEED_A)
    hasher = MinHasher(num_perm=128, seed=1)
    full, half = hasher.signatures([shingle_set(text), shingle_set(text[: len(text) // 2])])
    lean = to_lean_minhash(full, seed=1)
    assert isinstance(lean, LeanMinHash)
    assert lean.scheme == "affine32"
    back, seed = from_lean_minhash(lean)
    assert seed == 1
    assert np.array_equal(back, full)
    index = MinHashLSH(threshold=0.3, num_perm=128)
    index.insert("full", lean)
    assert index.query(to_lean_minhash(half, seed=1)) == ["full"]


def test_from_lean_minhash_rejects_other_schemes() -> None:
    legacy = MinHash(num_perm=16, scheme="legacy")
    with pytest.raises(ConfigError, match="affine32"):
        from_lean_minhash(legacy)
