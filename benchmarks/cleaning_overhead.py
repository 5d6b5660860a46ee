"""How much cleaning (boilerplate removal, splitting, corpus-learnt lines) adds to a scan.

Prints, measured side by side in one run on the Helsinki corpus (612 scraped pages,
repeated to enlarge it): the time of a whole ``find_duplicates`` scan, the time of its
clean-and-split stage, the time of building the same articles without cleaning, and the
share cleaning adds to the rest of the scan.

Run: ``python benchmarks/cleaning_overhead.py [--copies N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _corpora import load_helsinki, text_bytes
from neardup import Config, find_duplicates
from neardup.boilerplate import keep_all
from neardup.pipeline import articles_of
from neardup.segment import Article


def best_of(runs: int, action: object) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4, help="times to repeat the corpus")
    args = parser.parse_args()
    base = [row.document for row in load_helsinki()]
    documents = [
        replace(document, id=f"{copy}/{document.id}")
        for copy in range(args.copies)
        for document in base
    ]
    config = Config()
    megabytes = text_bytes(documents) / 1e6

    def uncleaned() -> list[Article]:
        articles = []
        for document in documents:
            cleaned = keep_all(document.text)
            articles.append(Article(document.id, document.id, document.path, None, cleaned))
        return articles

    scan = best_of(3, lambda: find_duplicates(documents, config))
    cleaning = best_of(3, lambda: articles_of(documents, config))
    plain = best_of(3, uncleaned)
    added = cleaning - plain
    print(f"{len(documents)} documents, {megabytes:.1f} MB")
    print(f"scan end to end:           {scan:6.2f} s  ({megabytes / scan:5.1f} MB/s)")
    print(f"clean + split stage:       {cleaning:6.2f} s")
    print(f"same articles, no cleaning:{plain:6.2f} s")
    print(f"cleaning adds {added / (scan - added):.0%} to the rest of the scan")


if __name__ == "__main__":
    main()
