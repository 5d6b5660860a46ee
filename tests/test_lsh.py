from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from datasketch.lsh import _optimal_param

from neardup import Config, LSHIndex, MinHasher, optimal_bands
from neardup.errors import ConfigError
from neardup.lsh import collision_probability
from neardup.shingles import shingle_set

from .conftest import story_paragraphs


@pytest.mark.parametrize("threshold", [0.2, 0.5, 0.7, 0.9])
def test_optimal_bands_agree_with_datasketch(threshold: float) -> None:
    ours = optimal_bands(threshold, 128)
    theirs = _optimal_param(threshold, 128, 0.5, 0.5)
    assert ours == tuple(theirs)


def test_default_index_catches_the_containment_jaccard_band() -> None:
    # With alignment matching off, LSH is tuned for containment alone: a copy 80% inside
    # a page four times its size has Jaccard 0.8 / 4.2 ~ 0.19.
    index = LSHIndex.from_config(Config(alignment=None))
    assert collision_probability(0.4, index.bands, index.rows) > 0.99
    assert collision_probability(0.05, index.bands, index.rows) < 0.1
    # At the defaults (alignment matching on), an edited copy sharing half its shingles
    # with an article twice its size (Jaccard 0.5 / 2.5 = 0.2) is caught too.
    aligning = LSHIndex.from_config(Config())
    assert collision_probability(0.19, aligning.bands, aligning.rows) > 0.9
    assert collision_probability(0.05, aligning.bands, aligning.rows) < 0.2


def test_explicit_bands_and_rows_win() -> None:
    index = LSHIndex.from_config(Config(bands=16, rows=8))
    assert (index.bands, index.rows) == (16, 8)


def signatures_of(texts: list[str]) -> npt.NDArray[np.uint32]:
    return MinHasher(128, 1).signatures([shingle_set(t) for t in texts])


def test_copies_become_candidates_and_unrelated_texts_do_not() -> None:
    paragraphs = story_paragraphs()
    full = "\n\n".join(paragraphs)
    edited = full.replace("North Korean", "DPRK", 3)
    other = "\n\n".join(f"Paragraph {i} about the weather in town {i * 7}." for i in range(40))
    candidates = LSHIndex.from_config(Config()).candidates(signatures_of([full, other, edited]))
    assert candidates.pairs.tolist() == [[0, 2]]
    assert candidates.capped_buckets == 0


def test_oversized_buckets_are_capped_deterministically() -> None:
    text = "\n\n".join(story_paragraphs())
    signatures = signatures_of([text] * 6)
    index = LSHIndex(bands=4, rows=4, max_bucket=3)
    first = index.candidates(signatures)
    second = index.candidates(signatures.copy())
    # All pairs among the first three, then the head with each of the rest.
    assert first.pairs.tolist() == [[0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [1, 2]]
    assert first.capped_buckets == 4
    assert np.array_equal(first.pairs, second.pairs)


def test_band_keys_need_enough_signature_values() -> None:
    with pytest.raises(ConfigError, match="need 160"):
        LSHIndex(bands=20, rows=8).band_keys(np.zeros((2, 128), dtype=np.uint32))


def reference_candidates(
    signatures: npt.NDArray[np.uint32], bands: int, rows: int, max_bucket: int
) -> set[tuple[int, int]]:
    """Buckets as dicts of lists, pairs by the documented cap rule, one band at a time."""
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: dict[bytes, list[int]] = {}
        for index, signature in enumerate(signatures):
            key = signature[band * rows : (band + 1) * rows].tobytes()
            buckets.setdefault(key, []).append(index)
        for members in buckets.values():
            head = members[:max_bucket]
            pairs.update((a, b) for i, a in enumerate(head) for b in head[i + 1 :])
            pairs.update((members[0], b) for b in members[max_bucket:])
    return pairs


def test_candidates_equal_a_bucket_by_bucket_reference() -> None:
    # Buckets of many sizes: signatures drawn from a few prototypes, values perturbed.
    rng = np.random.default_rng(3)
    prototypes = rng.integers(0, 2**32, (40, 16), dtype=np.uint32)
    signatures = prototypes[rng.integers(0, 40, 600)]
    noise = rng.random(signatures.shape) < 0.4
    signatures[noise] = rng.integers(0, 2**32, int(noise.sum()), dtype=np.uint32)
    signatures[:30] = signatures[0]  # one bucket beyond the cap in every band
    index = LSHIndex(bands=8, rows=2, max_bucket=12)
    found = index.candidates(signatures)
    expected = reference_candidates(signatures, 8, 2, 12)
    assert [tuple(pair) for pair in found.pairs.tolist()] == sorted(expected)
    among = np.flatnonzero(rng.random(600) < 0.5)
    subset = index.candidates(signatures, among)
    expected_subset = reference_candidates(signatures[among], 8, 2, 12)
    assert [tuple(pair) for pair in subset.pairs.tolist()] == sorted(
        (int(among[a]), int(among[b])) for a, b in expected_subset
    )


@pytest.mark.parametrize("copies", [1, 40], ids=["few pairs", "pairs met in every band"])
def test_candidates_from_band_keys_equal_those_from_signatures(copies: int) -> None:
    rng = np.random.default_rng(copies)
    prototypes = rng.integers(0, 2**32, (200, 16), dtype=np.uint32)
    signatures = np.repeat(prototypes, copies, axis=0)[:2000]
    noise = rng.random(signatures.shape) < 0.3
    signatures[noise] = rng.integers(0, 2**32, int(noise.sum()), dtype=np.uint32)
    index = LSHIndex(bands=8, rows=2, max_bucket=30)
    keys = index.band_keys(signatures)
    expected = reference_candidates(signatures, 8, 2, 30)
    found = index.candidates_of_keys(keys)
    assert [tuple(pair) for pair in found.pairs.tolist()] == sorted(expected)
    assert found.capped_buckets == index.candidates(signatures).capped_buckets
    among = np.flatnonzero(rng.random(len(signatures)) < 0.5)
    assert np.array_equal(
        index.candidates_of_keys(keys, among).pairs, index.candidates(signatures, among).pairs
    )
    with pytest.raises(ConfigError, match="8 columns"):
        index.candidates_of_keys(keys[:, :7])
