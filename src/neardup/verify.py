"""Exact verification of candidate pairs: Jaccard similarity and containment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


def similarity(
    first: npt.NDArray[np.uint64], second: npt.NDArray[np.uint64]
) -> tuple[float, float, float]:
    """Exact ``(jaccard, first in second, second in first)`` of two sorted unique sets."""
    if len(first) == 0 or len(second) == 0:
        return (0.0, 0.0, 0.0)
    shared = len(np.intersect1d(first, second, assume_unique=True))
    union = len(first) + len(second) - shared
    return (shared / union, shared / len(first), shared / len(second))


def verify_pairs(
    shingle_hashes: Sequence[npt.NDArray[np.uint64]], pairs: npt.NDArray[np.int64]
) -> list[Edge]:
    """Exact scores for each candidate pair (``pairs`` rows are index pairs).

    ``shingle_hashes`` may hold repeats; each article's set is taken once, when first
    needed.
    """
    sets: dict[int, npt.NDArray[np.uint64]] = {}

    def set_of(index: int) -> npt.NDArray[np.uint64]:
        if index not in sets:
            sets[index] = np.unique(shingle_hashes[index])
        return sets[index]

    edges = []
    for a, b in pairs.tolist():
        jaccard, a_in_b, b_in_a = similarity(set_of(a), set_of(b))
        edges.append(Edge(a, b, jaccard, a_in_b, b_in_a))
    return edges
