from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup import similarity

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
