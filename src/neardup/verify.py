"""Exact verification of candidate pairs: Jaccard similarity, containment, aligned words.

Shingle scores count a word edit five times (every 5-word shingle that holds it changes);
a reader counts it once. The aligned share measures what a reader means by "the same
article": the share of the smaller article's words that align, in order, with the other
article's words (a longest common subsequence, rapidfuzz's ``LCSseq``), counting only
words that lie in a 3-word run the two articles share, so that common words scattered
over two different stories do not align by chance. It is computed for candidate pairs
that share at least :data:`ALIGNMENT_MIN_CONTAINMENT` of the smaller one's shingles and
that the shingle scores do not match already (the scores that decide the pair).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import LCSseq

from neardup.config import Config
from neardup.shingles import combine_shingles, shingle_hashes_batch

#: A pair's aligned share is computed only when at least this share of the smaller
#: article's shingles is in the other. Copies with a word in ten or fifteen edited keep
#: 0.55-0.7 of them; heavy rewrites that keep some phrases, and different articles that
#: share a few paragraphs or quotes, keep less (chosen on benchmarks/syndication.py and
#: the Clough-Stevenson answers: 0.3 let three heavy rewrites match, with no gain).
ALIGNMENT_MIN_CONTAINMENT = 0.4
# Words in a run of this many that both articles hold can align.
_ALIGNED_RUN = 3


@dataclass(frozen=True, slots=True)
class Edge:
    """Exact similarity of two articles (by index), computed from their shingle sets.

    Attributes:
        a: Index of the first article.
        b: Index of the second article.
        jaccard: ``|A ∩ B| / |A ∪ B|``.
        contain_a_in_b: ``|A ∩ B| / |A|``, the share of a's shingles found in b.
        contain_b_in_a: ``|A ∩ B| / |B|``.
        aligned: Share of the shorter article's words that align with the other's
            (see :func:`aligned_share`); ``None`` where it was not computed: the shingle
            scores match the pair already, or it shares less than
            :data:`ALIGNMENT_MIN_CONTAINMENT` of the smaller one's shingles.
    """

    a: int
    b: int
    jaccard: float
    contain_a_in_b: float
    contain_b_in_a: float
    aligned: float | None = None

    @property
    def containment(self) -> float:
        """Containment of the smaller article in the larger one."""
        return max(self.contain_a_in_b, self.contain_b_in_a)

    def is_match(self, config: Config) -> bool:
        """Whether the pair counts as copies under ``config``'s thresholds."""
        if self.jaccard >= config.threshold:
            return True
        if config.containment is not None and self.containment >= config.containment:
            return True
        return (
            config.alignment is not None
            and self.aligned is not None
            and self.aligned >= config.alignment
        )


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


def edges_of(
    pairs: npt.NDArray[np.int64],
    counts: npt.NDArray[np.int64],
    aligned: npt.NDArray[np.float64] | None = None,
) -> list[Edge]:
    """The :class:`Edge` of each pair from its :func:`overlaps` counts.

    ``aligned`` holds each pair's :func:`alignments` value (NaN: not computed).
    """
    shares: list[float | None] = (
        [None] * len(pairs)
        if aligned is None
        else [None if share != share else share for share in aligned.tolist()]  # NaN
    )
    edges = []
    for (a, b), (shared, size_a, size_b), share in zip(
        pairs.tolist(), counts.tolist(), shares, strict=True
    ):
        edges.append(Edge(a, b, *_scores(shared, size_a, size_b), share))
    return edges


def aligned_share(first: npt.NDArray[np.uint64], second: npt.NDArray[np.uint64]) -> float:
    """The share of the shorter token sequence that aligns, in order, with the other.

    Args:
        first: One article's token hashes, in text order (``shingle_size`` 1).
        second: The other's.

    Returns:
        The length of the longest common subsequence of the two sequences, divided by
        the shorter one's length, where only tokens inside a run of three consecutive
        tokens found in both articles can be common. An edited word costs one aligned
        word, not five shingles. ``0.0`` when either is empty.
    """
    if len(first) == 0 or len(second) == 0:
        return 0.0
    first_kept = _in_shared_runs(first, second)
    second_kept = _in_shared_runs(second, first)
    # Tokens outside shared runs get values of their own (negative, never a token's:
    # tokens are read as non-negative after the top bit is cleared), so they never align.
    mask = np.int64(0x7FFFFFFFFFFFFFFF)
    first_values = np.where(first_kept, first.view(np.int64) & mask, -3 - 2 * np.arange(len(first)))
    second_values = np.where(
        second_kept, second.view(np.int64) & mask, -4 - 2 * np.arange(len(second))
    )
    common = LCSseq.similarity(first_values.tolist(), second_values.tolist())
    return float(common / min(len(first), len(second)))


def _in_shared_runs(
    tokens: npt.NDArray[np.uint64], other: npt.NDArray[np.uint64]
) -> npt.NDArray[np.bool_]:
    """Which of ``tokens`` lie in a run of :data:`_ALIGNED_RUN` tokens ``other`` holds too."""
    runs = combine_shingles(tokens, _ALIGNED_RUN)
    kept = np.zeros(len(tokens), dtype=np.bool_)
    if len(runs) == 0:
        return kept
    shared = np.isin(runs, combine_shingles(other, _ALIGNED_RUN))
    for offset in range(_ALIGNED_RUN):
        kept[offset : offset + len(runs)] |= shared
    return kept


def tokens_of(texts: Sequence[str], config: Config) -> list[npt.NDArray[np.uint64]]:
    """Each text's token hashes in order, as :func:`aligned_share` takes them."""
    return shingle_hashes_batch(texts, 1, config.seed)


def _needs_alignment(shared: int, size_a: int, size_b: int, config: Config) -> bool:
    """Whether a pair's aligned share can decide it: shingles alone do not match it."""
    smaller = min(size_a, size_b)
    if config.alignment is None or not smaller or shared < ALIGNMENT_MIN_CONTAINMENT * smaller:
        return False
    return not Edge(0, 0, *_scores(shared, size_a, size_b)).is_match(config)


def alignments(
    texts: Sequence[str],
    pairs: npt.NDArray[np.int64],
    counts: npt.NDArray[np.int64],
    config: Config,
) -> npt.NDArray[np.float64]:
    """Each pair's :func:`aligned_share` where it can decide the pair, else NaN.

    It is computed for the pairs that share at least :data:`ALIGNMENT_MIN_CONTAINMENT`
    of the smaller article's shingles and that the shingle scores do not match already.

    Args:
        texts: The articles' texts; ``pairs`` index into them.
        pairs: Index pairs.
        counts: The pairs' :func:`overlaps` counts.
        config: The match settings.
    """
    shares = np.full(len(pairs), np.nan)
    rows = [
        row
        for row, (shared, size_a, size_b) in enumerate(counts.tolist())
        if _needs_alignment(shared, size_a, size_b, config)
    ]
    if not rows:
        return shares
    needed = np.unique(pairs[rows]).tolist()
    tokens = dict(zip(needed, tokens_of([texts[i] for i in needed], config), strict=True))
    for row in rows:
        a, b = pairs[row].tolist()
        shares[row] = aligned_share(tokens[a], tokens[b])
    return shares


def scored_pair(first: str, second: str, config: Config) -> Edge:
    """The :class:`Edge` (indices 0 and 1) of two texts, as a scan scores a candidate pair."""
    first_set, second_set = (
        np.unique(hashes)
        for hashes in shingle_hashes_batch([first, second], config.shingle_size, config.seed)
    )
    shared = len(np.intersect1d(first_set, second_set, assume_unique=True))
    aligned = None
    if _needs_alignment(shared, len(first_set), len(second_set), config):
        aligned = aligned_share(*tokens_of([first, second], config))
    return Edge(0, 1, *similarity(first_set, second_set), aligned)
