"""pytest-benchmark: diffing two 50,000-word documents (issue target: under a second)."""

from __future__ import annotations

from typing import Any

from diff_quality import long_pair
from neardup.diff import diff


def test_diff_two_50k_word_documents(benchmark: Any) -> None:
    a, b = long_pair(50_000)
    result = benchmark(diff, a, b, raw=True)
    changed = [segment.op for segment in result.segments if segment.op != "equal"]
    assert changed.count("replace") >= 80
    assert "delete" in changed
    assert "insert" in changed
