"""Exact verification of candidate pairs: Jaccard similarity and containment."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from neardup.config import Config


@dataclass(frozen=True, slots=True)
class Edge:
    """Exact similarity of two articles (by index), computed from their shingle sets.

    Attributes:
        a: Index of the first article.
        b: Index of the second article.
        jaccard: ``|A ∩ B| / |A ∪ B|``.
        contain_a_in_b: ``|A ∩ B| / |A|``, the share of a's shingles found in b.
        contain_b_in_a: ``|A ∩ B| / |B|``.
    """

    a: int
    b: int
    jaccard: float
    contain_a_in_b: float
    contain_b_in_a: float

    @property
    def containment(self) -> float:
        """Containment of the smaller article in the larger one."""
        return max(self.contain_a_in_b, self.contain_b_in_a)

    def is_match(self, config: Config) -> bool:
        """Whether the pair counts as copies under ``config``'s thresholds."""
        if self.jaccard >= config.threshold:
            return True
        return config.containment is not None and self.containment >= config.containment


class ShingleSetLookup(Protocol):
    """Anything that gives an article's shingle set (sorted, unique) by index."""

    def __getitem__(self, index: int, /) -> npt.NDArray[np.uint64]: ...


def similarity(
    first: npt.NDArray[np.uint64], second: npt.NDArray[np.uint64]
) -> tuple[float, float, float]:
    """Exact ``(jaccard, first in second, second in first)`` of two sorted unique sets."""
    if len(first) == 0 or len(second) == 0:
        return (0.0, 0.0, 0.0)
    small, large = (first, second) if len(first) <= len(second) else (second, first)
    # Binary search each of the smaller set's values in the larger one.
    positions = np.searchsorted(large, small)
    positions[positions == len(large)] = 0
    shared = int(np.count_nonzero(large[positions] == small))
    return _scores(shared, len(first), len(second))


def _scores(shared: int, size_a: int, size_b: int) -> tuple[float, float, float]:
    """``(jaccard, a in b, b in a)`` of two sets of these sizes sharing ``shared``."""
    if size_a == 0 or size_b == 0:
        return (0.0, 0.0, 0.0)
    union = size_a + size_b - shared
    return (shared / union, shared / size_a, shared / size_b)


def verify_pairs(sets: ShingleSetLookup, pairs: npt.NDArray[np.int64]) -> list[Edge]:
    """Exact scores for each candidate pair (``pairs`` rows are index pairs into ``sets``).

    The scores are those of :func:`similarity`, made from :func:`overlaps`.
    """
    return edges_of(pairs, overlaps(sets, pairs))


def overlaps(sets: ShingleSetLookup, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For each pair, ``(shared shingles, size of a's set, size of b's set)``.

    Pairs that share their first article are counted together: their partners'
    shingles are searched in its set in one batch.
    """
    firsts = pairs[:, 0] if len(pairs) else np.empty(0, dtype=np.int64)
    order = np.argsort(firsts, kind="stable")
    group_starts = np.flatnonzero(np.diff(firsts[order], prepend=-1)).tolist()
    group_starts.append(len(order))
    counts = np.zeros((len(pairs), 3), dtype=np.int64)
    for start, stop in itertools.pairwise(group_starts):
        rows = order[start:stop]
        first = sets[int(firsts[rows[0]])]
        partners = [sets[b] for b in pairs[rows, 1].tolist()]
        lengths = np.fromiter(map(len, partners), dtype=np.int64, count=len(partners))
        counts[rows, 1] = len(first)
        counts[rows, 2] = lengths
        if len(first) == 0:
            continue
        values = np.concatenate(partners)
        positions = np.searchsorted(first, values)
        positions[positions == len(first)] = 0
        found = np.zeros(len(values) + 1, dtype=np.int64)
        np.cumsum(first[positions] == values, out=found[1:])
        ends = np.cumsum(lengths)
        counts[rows, 0] = found[ends] - found[ends - lengths]
    return counts


def edges_of(pairs: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]) -> list[Edge]:
    """The :class:`Edge` of each pair from its :func:`overlaps` counts."""
    edges = []
    for (a, b), (shared, size_a, size_b) in zip(pairs.tolist(), counts.tolist(), strict=True):
        edges.append(Edge(a, b, *_scores(shared, size_a, size_b)))
    return edges
