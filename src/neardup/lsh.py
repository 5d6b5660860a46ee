"""Locality-sensitive hashing over MinHash signatures: candidate pairs, not answers.

A signature is cut into ``bands`` bands of ``rows`` values; two articles become a
candidate pair when any band is identical. The chance that a pair of Jaccard similarity
``s`` becomes a candidate is ``1 - (1 - s**rows)**bands``. Results are approximate in
both directions (pairs are missed, unrelated pairs collide), so every candidate must be
verified exactly (:mod:`neardup.verify`) before it is reported.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
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
        self._check_width(signatures)
        return np.stack([self._band_key(signatures, band) for band in range(self.bands)], axis=1)

    def _check_width(self, signatures: npt.NDArray[np.uint32]) -> None:
        needed = self.bands * self.rows
        if signatures.shape[1] < needed:
            raise ConfigError(
                f"signatures have {signatures.shape[1]} values; {self.bands} bands x "
                f"{self.rows} rows need {needed}"
            )

    def _band_key(
        self,
        signatures: npt.NDArray[np.uint32],
        band: int,
        among: npt.NDArray[np.int64] | None = None,
    ) -> npt.NDArray[np.uint64]:
        """The keys of one band (of the rows ``among``, if given): a polynomial hash."""
        columns = slice(band * self.rows, (band + 1) * self.rows)
        values = signatures[:, columns] if among is None else signatures[among, columns]
        keys = values[:, 0].astype(np.uint64)
        for row in range(1, self.rows):
            keys *= _GOLDEN
            keys += values[:, row]
        return fmix64(keys)

    def candidates(
        self, signatures: npt.NDArray[np.uint32], among: npt.NDArray[np.int64] | None = None
    ) -> Candidates:
        """Candidate pairs among the rows of ``signatures``.

        Args:
            signatures: One signature per row.
            among: Row indices to index, ascending (default: all rows); pairs are
                still row indices of ``signatures``.

        Bands are hashed and bucketed one at a time, and each bucket size's pairs are
        generated for all buckets of that size at once, so memory stays within a few
        arrays of one entry per row, plus the pairs.
        """
        self._check_width(signatures)
        keys = (self._band_key(signatures, band, among) for band in range(self.bands))
        return self.candidates_of_columns(keys, among)

    def candidates_of_keys(
        self, keys: npt.NDArray[np.uint64], among: npt.NDArray[np.int64] | None = None
    ) -> Candidates:
        """As :meth:`candidates`, from the rows' :meth:`band_keys` instead of signatures.

        A caller that keeps only the band keys needs ``bands`` 64-bit numbers a row
        (31 with the default settings) where signatures take ``num_perm`` 32-bit ones.
        """
        if keys.ndim != 2 or keys.shape[1] != self.bands:
            raise ConfigError(f"band keys must have {self.bands} columns (got shape {keys.shape})")
        columns = (
            keys[:, band] if among is None else keys[among, band] for band in range(self.bands)
        )
        return self.candidates_of_columns(columns, among)

    def candidates_of_columns(
        self,
        columns: Iterable[npt.NDArray[np.uint64]],
        among: npt.NDArray[np.int64] | None = None,
    ) -> Candidates:
        """As :meth:`candidates_of_keys`, from the band keys one band at a time.

        For a caller that keeps the band keys outside memory and reads in one band's at a
        time: ``columns`` gives each band's keys in turn (``bands`` arrays), of the rows
        ``among`` if given (pairs are then row indices of all rows, as ever), else of all.
        """
        count: int | None = None if among is None else len(among)
        found: list[npt.NDArray[np.int64]] = []
        unique = 0
        capped = 0
        bands = 0
        for keys in columns:
            bands += 1
            if count is None:
                count = len(keys)
            if len(keys) != count or bands > self.bands:
                raise ConfigError(
                    f"band keys must be {self.bands} columns of {count} keys "
                    f"(got {len(keys)} in column {bands})"
                )
            if count < 2:
                continue
            capped += self._band_pairs(keys, found)
            held = sum(len(codes) for codes in found)
            # A pair of copies meets in most bands: once the codes held are twice the
            # distinct ones last counted, they are made distinct again, so that memory
            # follows the pairs, not the pairs times the bands.
            if held > 2 * unique + count:
                found = [np.unique(np.concatenate(found).astype(np.int64))]
                unique = len(found[0])
        if bands != self.bands:
            raise ConfigError(f"band keys must have {self.bands} columns (got {bands})")
        if not found or count is None:
            return Candidates(np.empty((0, 2), dtype=np.int64), capped)
        codes = np.unique(np.concatenate(found).astype(np.int64))
        pairs = np.stack([codes // count, codes % count], axis=1)
        if among is not None:
            pairs = np.asarray(among, dtype=np.int64)[pairs]
        return Candidates(pairs, capped)

    def _band_pairs(self, keys: npt.NDArray[np.uint64], found: list[npt.NDArray[np.int64]]) -> int:
        """Add one band's pairs of rows that share a key to ``found``, as ``i * count + j``.

        Returns:
            How many of the band's buckets were capped.
        """
        count = len(keys)
        capped = 0
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        run_starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        del sorted_keys
        sizes = np.diff(np.r_[run_starts, count])
        shared = sizes > 1
        run_starts, sizes = run_starts[shared], sizes[shared]
        over = sizes > self.max_bucket
        for start, size in zip(run_starts[over].tolist(), sizes[over].tolist(), strict=True):
            # Pair the rest with the bucket's first member only: exact copies
            # beyond the cap still meet the head, in linear, not square, pairs.
            capped += 1
            found.append(order[start] * count + order[start + self.max_bucket : start + size])
        sizes = np.minimum(sizes, self.max_bucket)
        for size in np.unique(sizes).tolist():
            members = order[run_starts[sizes == size][:, None] + np.arange(size)]
            first, second = np.triu_indices(size, k=1)
            found.append((members[:, first] * count + members[:, second]).ravel())
        return capped
