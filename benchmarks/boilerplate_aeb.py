"""Boilerplate-removal quality on the Article Extraction Benchmark (scrapinghub-aeb).

Prints precision, recall and F1 with the benchmark's own metric (token 4-gram shingles,
counted as multisets, per-page scores normalised and averaged; F1 from the mean precision
and recall), measured in one run for:

- ``whole page, untouched``: the page's visible text, one line per block (html-text, as
  upstream's 0.665 baseline);
- ``whole page -> neardup``: that same plain text through ``neardup.clean``;
- ``HTML -> trafilatura``: trafilatura's extraction alone;
- ``whole page -> neardup, corpus``: the same, with lines learnt from all 181 pages as
  one scan (``RepeatedLines``, a line in 2 or more pages around different text);
- ``HTML -> neardup``: neardup's HTML path (trafilatura, then ``neardup.clean`` without
  main-stretch selection, as for ``.html`` files).

Run: ``python benchmarks/boilerplate_aeb.py [--show-worst N]``. Needs the ``html`` extra
and ``html-text`` (benchmark-only). The corpus is found through ``NEARDUP_CORPORA`` or at
``../shared/corpora`` beside the repository.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import html_text

import neardup
from neardup.boilerplate import RepeatedLines
from neardup.html import html_to_text

_TOKEN = re.compile(r"\w+", re.UNICODE)
Counts = tuple[float, float, float]


def corpus_dir() -> Path:
    """The scrapinghub-aeb folder, or exit with a clear message."""
    root = Path(os.environ.get("NEARDUP_CORPORA", Path(__file__).parents[2] / "shared" / "corpora"))
    folder = root / "scrapinghub-aeb"
    if not (folder / "ground-truth.json").exists():
        sys.exit(f"scrapinghub-aeb corpus not found at {folder} (set NEARDUP_CORPORA)")
    return folder


def shingle_counts(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of token ``size``-grams (a text shorter than that is one short shingle)."""
    tokens = _TOKEN.findall(text)
    return Counter(
        tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)) if tokens
    )


def match(true: str, predicted: str) -> Counts:
    """Normalised (tp, fp, fn) of one page."""
    gold, guess = shingle_counts(true), shingle_counts(predicted)
    tp = sum((gold & guess).values())
    fp = sum((guess - gold).values())
    fn = sum((gold - guess).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def scores(counts: list[Counts]) -> tuple[float, float, float]:
    """Mean precision, mean recall, and F1 of those means (as upstream computes them)."""
    mean_p = statistics.mean(precision(*c) for c in counts if c[0] + c[1] > 0)
    mean_r = statistics.mean(recall(*c) for c in counts if c[0] + c[2] > 0)
    return mean_p, mean_r, 2 * mean_p * mean_r / (mean_p + mean_r)


def whole_page_text(html: str) -> str:
    """The visible text of the page, one line per block."""
    return str(html_text.extract_text(html, guess_layout=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-worst", type=int, default=0, help="print the N worst pages")
    args = parser.parse_args()
    folder = corpus_dir()
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        key: gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")
        for key in sorted(truth)
    }
    plain = {key: whole_page_text(html) for key, html in pages.items()}
    extracted = {key: html_to_text(html) for key, html in pages.items()}
    repeated = RepeatedLines(plain.values(), min_documents=2)
    systems: dict[str, Callable[[str], str]] = {
        "whole page, untouched": lambda key: plain[key],
        "whole page -> neardup": lambda key: neardup.clean(plain[key]).text,
        "whole page -> neardup, corpus": lambda key: (
            neardup.clean(plain[key], repeated=repeated).text
        ),
        "HTML -> trafilatura": lambda key: extracted[key],
        "HTML -> neardup": lambda key: neardup.clean(extracted[key], main_stretch=False).text,
    }
    print(f"{len(pages)} pages; metric: token 4-gram shingles (upstream evaluate.py)")
    print(f"{'system':<32} {'precision':>9} {'recall':>7} {'F1':>6} {'seconds':>8}")
    for name, system in systems.items():
        started = time.perf_counter()
        outputs = {key: system(key) for key in pages}
        elapsed = time.perf_counter() - started
        counts = {key: match(truth[key]["articleBody"], outputs[key]) for key in pages}
        p, r, f1 = scores(list(counts.values()))
        print(f"{name:<32} {p:>9.3f} {r:>7.3f} {f1:>6.3f} {elapsed:>8.2f}")
        if args.show_worst:
            worst = sorted(counts, key=lambda key: precision(*counts[key]) + recall(*counts[key]))
            for key in worst[: args.show_worst]:
                c = counts[key]
                print(
                    f"    {key[:12]} p={precision(*c):.2f} r={recall(*c):.2f} {truth[key]['url']}"
                )


if __name__ == "__main__":
    main()
