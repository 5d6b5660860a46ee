from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup import Config, similarity
from neardup.verify import (
    ALIGNMENT_MIN_CONTAINMENT,
    aligned_share,
    scored_pair,
    tokens_of,
    verify_pairs,
)

values = st.sets(st.integers(0, 2**64 - 1), max_size=60)


@settings(max_examples=300, deadline=None)
@given(first=values, second=values, shared=values)
def test_similarity_equals_set_arithmetic(
    first: set[int], second: set[int], shared: set[int]
) -> None:
    a, b = first | shared, second | shared
    as_array = [np.array(sorted(s), dtype=np.uint64) for s in (a, b)]
    jaccard, a_in_b, b_in_a = similarity(*as_array)
    if not a or not b:
        assert (jaccard, a_in_b, b_in_a) == (0.0, 0.0, 0.0)
        return
    common = len(a & b)
    assert (jaccard, a_in_b, b_in_a) == (common / len(a | b), common / len(a), common / len(b))


@settings(max_examples=200, deadline=None)
@given(
    sets=st.lists(st.sets(st.integers(0, 40), max_size=25), min_size=2, max_size=8),
    data=st.data(),
)
def test_batched_pairs_score_as_each_pair_alone(sets: list[set[int]], data: st.DataObject) -> None:
    # Small values make overlaps common; pairs repeat first articles, in any order.
    index = st.integers(0, len(sets) - 1)
    pairs = data.draw(st.lists(st.tuples(index, index), max_size=20))
    arrays = [np.array(sorted(s), dtype=np.uint64) for s in sets]
    edges = verify_pairs(arrays, np.array(pairs, dtype=np.int64).reshape(-1, 2))
    assert [(edge.a, edge.b) for edge in edges] == pairs
    for edge in edges:
        expected = similarity(arrays[edge.a], arrays[edge.b])
        assert (edge.jaccard, edge.contain_a_in_b, edge.contain_b_in_a) == expected


def _story(count: int, seed: int) -> list[str]:
    """``count`` words of running text drawn from a news paragraph's vocabulary."""
    vocabulary = [
        "the",
        "president",
        "said",
        "on",
        "monday",
        "that",
        "talks",
        "with",
        "the",
        "kremlin",
        "would",
        "continue",
        "despite",
        "charges",
        "filed",
        "against",
        "twelve",
        "russian",
        "intelligence",
        "officers",
        "in",
        "washington",
        "officials",
        "in",
        "helsinki",
        "prepared",
        "the",
        "summit",
        "venue",
        "while",
        "protesters",
        "gathered",
        "outside",
    ]
    rng = random.Random(seed)
    return [rng.choice(vocabulary) for _ in range(count)]


def _edited(words: list[str], every: int) -> list[str]:
    """``words`` with one word in ``every`` replaced, as a copy editor scatters edits."""
    return [f"edit{i}" if i % every == every // 2 else word for i, word in enumerate(words)]


def test_scattered_word_edits_cost_one_word_each_not_five_shingles() -> None:
    # A word in ten edited: most 5-word shingles are gone, 90% of the words still align.
    original = " ".join(_story(400, 1))
    copy = " ".join(_edited(original.split(), 10))
    edge = scored_pair(original, copy, Config())
    assert edge.jaccard < 0.5
    assert edge.containment < 0.7
    assert edge.aligned is not None
    assert 0.88 <= edge.aligned <= 0.92
    assert edge.is_match(Config())
    assert not edge.is_match(Config(alignment=None))


def test_words_of_different_texts_do_not_align_by_chance() -> None:
    # Two texts over one small vocabulary share many words and short runs, few long runs.
    first, second = (_story(300, seed) for seed in (1, 2))
    tokens = tokens_of([" ".join(first), " ".join(second)], Config())
    assert aligned_share(*tokens) < 0.3


def test_an_abridged_copy_aligns_whole_inside_the_longer_article() -> None:
    words = _story(600, 3)
    tokens = tokens_of([" ".join(words[:200]), " ".join(words)], Config())
    assert aligned_share(*tokens) == 1.0


def test_alignment_is_computed_only_for_pairs_sharing_enough_shingles() -> None:
    edge = scored_pair(" ".join(_story(300, 1)), " ".join(_story(300, 2)), Config())
    assert edge.containment < ALIGNMENT_MIN_CONTAINMENT
    assert edge.aligned is None
    assert not edge.is_match(Config())
