"""Locality-sensitive hashing over MinHash signatures: candidate pairs, not answers.

A signature is cut into ``bands`` bands of ``rows`` values; two articles become a
candidate pair when any band is identical. The chance that a pair of Jaccard similarity
``s`` becomes a candidate is ``1 - (1 - s**rows)**bands``. Results are approximate in
both directions (pairs are missed, unrelated pairs collide), so every candidate must be
verified exactly (:mod:`neardup.verify`) before it is reported.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from neardup.config import Config
from neardup.errors import ConfigError
from neardup.shingles import fmix64

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_INTEGRATION_POINTS = 2001


def collision_probability(similarity: float, bands: int, rows: int) -> float:
    """The chance that a pair of Jaccard similarity ``similarity`` becomes a candidate."""
    return float(1.0 - (1.0 - similarity**rows) ** bands)


@functools.lru_cache(maxsize=64)
def optimal_bands(
    threshold: float,
    num_perm: int,
    false_positive_weight: float = 0.5,
    false_negative_weight: float = 0.5,
) -> tuple[int, int]:
    """Bands and rows that minimise the weighted false-positive and false-negative areas.

    The false-positive area is the integral of the collision probability below
    ``threshold``; the false-negative area the integral of its complement above it
    (the method of datasketch's ``MinHashLSH``, integrated numerically here).

    Returns:
        ``(bands, rows)`` with ``bands * rows <= num_perm``.
    """
    if not 0.0 < threshold <= 1.0:
        raise ConfigError(f"LSH threshold must be in (0, 1] (got {threshold!r})")
    below = np.linspace(0.0, threshold, _INTEGRATION_POINTS)
    above = np.linspace(threshold, 1.0, _INTEGRATION_POINTS)
    best = (float("inf"), 1, 1)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_positive = np.trapezoid(1.0 - (1.0 - below**rows) ** bands, below)
            false_negative = np.trapezoid((1.0 - above**rows) ** bands, above)
            error = false_positive_weight * false_positive + false_negative_weight * false_negative
            if error < best[0]:
                best = (float(error), bands, rows)
    return best[1], best[2]


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs from an LSH index.

    Attributes:
        pairs: ``(k, 2)`` int64 array of row indices ``i < j``, sorted, unique.
        capped_buckets: How many buckets were larger than ``max_bucket`` and capped.
    """

    pairs: npt.NDArray[np.int64]
    capped_buckets: int


class LSHIndex:
    """Banded LSH over a batch of signatures.

    Args:
        bands: Number of bands.
        rows: Signature values per band.
        max_bucket: A bucket with more members than this contributes all pairs among
            its first ``max_bucket`` members (lowest row indices) and pairs of its first
            member with each of the rest, so one huge bucket cannot blow up the pair
            count while exact copies still meet. The cap is applied the same way on every
            path, so results stay deterministic.
    """

    def __init__(self, bands: int, rows: int, max_bucket: int = 200) -> None:
        if bands < 1 or rows < 1 or max_bucket < 2:
            raise ConfigError(
                f"LSH needs bands >= 1, rows >= 1 and max_bucket >= 2 "
                f"(got bands={bands}, rows={rows}, max_bucket={max_bucket})"
            )
        self.bands = bands
        self.rows = rows
        self.max_bucket = max_bucket

    @classmethod
    def from_config(cls, config: Config) -> LSHIndex:
        """The index for a config: explicit bands and rows, or derived from its thresholds."""
        if config.bands is not None and config.rows is not None:
            return cls(config.bands, config.rows, config.max_bucket)
        bands, rows = optimal_bands(config.candidate_threshold, config.num_perm)
        return cls(bands, rows, config.max_bucket)

    def band_keys(self, signatures: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
        """One 64-bit key per (row, band): a hash of the band's signature values."""
        needed = self.bands * self.rows
        if signatures.shape[1] < needed:
            raise ConfigError(
                f"signatures have {signatures.shape[1]} values; {self.bands} bands x "
                f"{self.rows} rows need {needed}"
            )
        values = signatures[:, :needed].astype(np.uint64).reshape(-1, self.bands, self.rows)
        keys = values[:, :, 0].copy()
        for row in range(1, self.rows):
            keys *= _GOLDEN
            keys += values[:, :, row]
        return fmix64(keys)

    def candidates(self, signatures: npt.NDArray[np.uint32]) -> Candidates:
        """Candidate pairs among the rows of ``signatures``."""
        count = len(signatures)
        if count < 2:
            return Candidates(np.empty((0, 2), dtype=np.int64), 0)
        keys = self.band_keys(signatures)
        found: list[npt.NDArray[np.int64]] = []
        capped = 0
        for band in range(self.bands):
            order = np.argsort(keys[:, band], kind="stable")
            sorted_keys = keys[order, band]
            run_starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
            run_ends = np.r_[run_starts[1:], count]
            shared = run_ends - run_starts > 1
            for start, end in zip(run_starts[shared], run_ends[shared], strict=True):
                members = order[start:end]
                if len(members) > self.max_bucket:
                    # Pair the rest with the bucket's first member only: exact copies
                    # beyond the cap still meet the head, in linear, not square, pairs.
                    capped += 1
                    found.append(members[0] * count + members[self.max_bucket :])
                    members = members[: self.max_bucket]
                first, second = np.triu_indices(len(members), k=1)
                found.append(members[first] * count + members[second])
        if not found:
            return Candidates(np.empty((0, 2), dtype=np.int64), capped)
        codes = np.unique(np.concatenate(found).astype(np.int64))
        pairs = np.stack([codes // count, codes % count], axis=1)
        return Candidates(pairs, capped)
