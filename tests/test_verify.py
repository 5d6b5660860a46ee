from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup import similarity
from neardup.verify import verify_pairs

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
