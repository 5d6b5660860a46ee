"""Diff alignment on graded real reuse (Clough-Stevenson) and diff speed on long texts.

Prints, in one run:

- for each category of answer (cut, light, heavy, non), the mean share of the answer's
  words that ``neardup.diff`` aligns as equal to the task's source text (words of equal
  paragraphs, plus the unchanged words inside replaced paragraphs); the corpus design
  says this should fall in the order cut > light > heavy > non;
- the time to diff two 50,000-word documents (a long article and a copy with edits),
  the median of 5 runs.

Run: ``python benchmarks/diff_quality.py``.
"""

from __future__ import annotations

import itertools
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _corpora import load_clough
from neardup.diff import SegmentDiff, diff


def aligned_share(result: SegmentDiff) -> float:
    """Share of b's words that are aligned as equal to a."""
    total = aligned = 0
    for segment in result.segments:
        words = len((segment.b_text or "").split())
        total += words
        if segment.op == "equal":
            aligned += words
        elif segment.op == "replace":
            changed = sum(len((word.b_text or "").split()) for word in segment.words)
            aligned += words - changed
    return aligned / total if total else 0.0


def long_pair(words: int, seed: int = 7) -> tuple[str, str]:
    """A ``words``-word document of 60-word paragraphs, and a copy with edits."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(5000)]
    paragraphs = [
        " ".join(rng.choice(vocabulary) for _ in range(59)) + "." for _ in range(words // 60)
    ]
    copy = list(paragraphs)
    for index in range(0, len(copy), 10):
        copy[index] = copy[index].replace(copy[index].split()[3], "changed", 1)
    del copy[5::37]
    for index in range(7, len(copy), 50):
        copy.insert(index, "An inserted paragraph that only the copy has.")
    return "\n\n".join(paragraphs), "\n\n".join(copy)


def main() -> None:
    files = load_clough()
    sources = {f.task: f.document.text for f in files if f.category == "orig"}
    shares: dict[str, list[float]] = defaultdict(list)
    for item in files:
        if item.category == "orig":
            continue
        result = diff(sources[item.task], item.document.text)
        shares[item.category].append(aligned_share(result))
    print("Clough-Stevenson: share of each answer aligned as equal to its source")
    print(f"{'category':<10} {'n':>3} {'mean':>6} {'median':>7}")
    for category in ("cut", "light", "heavy", "non"):
        values = shares[category]
        print(
            f"{category:<10} {len(values):>3} {statistics.mean(values):>6.3f} "
            f"{statistics.median(values):>7.3f}"
        )
    order = [statistics.mean(shares[c]) for c in ("cut", "light", "heavy", "non")]
    print("order cut > light > heavy > non:", all(x > y for x, y in itertools.pairwise(order)))
    a, b = long_pair(50_000)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        result = diff(a, b, raw=True)
        times.append(time.perf_counter() - started)
    changed = sum(segment.op != "equal" for segment in result.segments)
    print(
        f"diff of two {len(a.split()):,}/{len(b.split()):,}-word documents: "
        f"{statistics.median(times):.2f} s, median of 5 ({changed} changed segments)"
    )


if __name__ == "__main__":
    main()
