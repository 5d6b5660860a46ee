"""How much cleaning (boilerplate removal, splitting, corpus-learnt lines) adds to a scan.

Prints, measured side by side in one run on the Helsinki corpus (612 scraped pages,
repeated to enlarge it): the time of a whole ``find_duplicates`` scan, the time of its
clean-and-split stage, the time of building the same articles without cleaning, and the
share cleaning adds to the rest of the scan.

Then the same pages as ``.txt`` files in a folder, scanned as a user would
(``neardup scan FOLDER --format json``, with ``--jobs`` 1 and 2), with cleaning on and
with it off (each document kept whole as one article: no cleaning, no splitting, no
repeated lines learnt): the share cleaning adds to a folder scan, reading the files and
writing the report included. Workers are forked, so they clean as the main process does.

Run: ``python benchmarks/cleaning_overhead.py [--copies N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import multiprocessing
import sys
import tempfile
import time
import unittest.mock
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _corpora import load_helsinki, text_bytes
from neardup import Config, Document, find_duplicates
from neardup.boilerplate import keep_all
from neardup.cli import cli
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
        return [article for document in documents for article in kept_whole(document)]

    scan = best_of(3, lambda: find_duplicates(documents, config))
    cleaning = best_of(3, lambda: articles_of(documents, config))
    plain = best_of(3, uncleaned)
    added = cleaning - plain
    print(f"{len(documents)} documents, {megabytes:.1f} MB")
    print(f"scan end to end:           {scan:6.2f} s  ({megabytes / scan:5.1f} MB/s)")
    print(f"clean + split stage:       {cleaning:6.2f} s")
    print(f"same articles, no cleaning:{plain:6.2f} s")
    print(f"cleaning adds {added / (scan - added):.0%} to the rest of the scan")
    with tempfile.TemporaryDirectory() as folder:
        for document in documents:
            path = Path(folder, f"{document.id}.txt")
            path.parent.mkdir(exist_ok=True)
            path.write_text(document.text, encoding="utf-8")
        for jobs in (1, 2):
            arguments = ["scan", folder, "--format", "json", "--jobs", str(jobs), "-q"]
            # Alternated, so that a change in the machine's speed hits both alike.
            cleaned, whole = 9e9, 9e9
            for _ in range(4):
                cleaned = min(cleaned, best_of(1, functools.partial(folder_scan, arguments, True)))
                whole = min(whole, best_of(1, functools.partial(folder_scan, arguments, False)))
            print(
                f"folder scan, --jobs {jobs}: {cleaned:5.2f} s, without cleaning {whole:5.2f} s: "
                f"cleaning adds {cleaned / whole - 1:.0%}"
            )


def kept_whole(document: Document, *, split: bool = True, repeated: object = None) -> list[Article]:
    """``split_articles`` with cleaning off: the document, every line kept, as one article."""
    cleaned = keep_all(document.text)
    return [Article(document.id, document.id, document.path, None, cleaned, document.mtime)]


@contextlib.contextmanager
def cleaning_off() -> Iterator[None]:
    """Scans in this process (and in workers forked from it) keep every article whole."""
    with (
        unittest.mock.patch("neardup.pipeline.split_articles", kept_whole),
        unittest.mock.patch("neardup.pipeline.learn_repeated_lines", return_value=None),
    ):
        yield


def folder_scan(arguments: list[str], clean: bool) -> None:
    """Run ``neardup`` with ``arguments`` here, its report thrown away."""
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.nullcontext() if clean else cleaning_off(),
    ):
        cli.main(arguments, standalone_mode=False)


if __name__ == "__main__":
    # Workers must inherit cleaning_off() (Python 3.14 starts them otherwise on Linux).
    multiprocessing.set_start_method("fork")
    main()
