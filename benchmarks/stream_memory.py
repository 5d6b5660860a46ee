"""Peak memory of a scan of a folder, holding every text or streaming them (``--stream``).

Writes the generated corpus of ``speed.py`` to a temporary folder, one file an article,
then scans it twice, each time in a fresh process, as ``neardup scan FOLDER --format
json --jobs 2`` does (read, clean, split, sketch, index, verify, cluster, report): once
holding every text, once with ``stream=True``. Prints the time, the main process's peak
memory (and what it held before the scan: its imports), the largest worker's peak, and
checks that both JSON reports are the same.

Run: ``python benchmarks/stream_memory.py [--articles N | --short N]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from neardup import find_duplicates, read_documents
from neardup.report import scan_to_dict


def _child(folder: str, stream: bool, queue: Any) -> None:
    multiprocessing.set_start_method(None, force=True)  # the platform's, as `neardup scan`
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    read = read_documents([folder], jobs=2, stream=stream)
    result = find_duplicates(read.documents, jobs=2)
    report = json.dumps(scan_to_dict(result, read.errors), ensure_ascii=False)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    digest = hashlib.sha256(report.encode()).hexdigest()[:16]
    queue.put((elapsed, before, peak, workers, digest))


def measure(folder: str, stream: bool) -> tuple[float, int, int, int, str]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(folder, stream, queue))
    process.start()
    result: tuple[float, int, int, int, str] = queue.get()
    process.join()
    return result


def _write(folder: str, count: int, short: bool, queue: Any) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from speed import corpus

    documents = corpus(count, (1, 2) if short else (6, 14))
    for document in documents:
        (Path(folder) / document.id).write_text(document.text, encoding="utf-8")
    queue.put(sum(len(document.text.encode()) for document in documents))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--short", type=int, default=0, help="generate N short articles")
    args = parser.parse_args()
    count, short = (args.short, True) if args.short else (args.articles, False)
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        # Written in another process: a process started from this one begins its peak
        # memory at this one's (Linux keeps it across exec), which must stay small.
        queue = context.Queue()
        writer = context.Process(target=_write, args=(folder, count, short, queue))
        writer.start()
        size = queue.get()
        writer.join()
        print(f"{count:,} files, {size / 1e6:.0f} MB of text; scan --jobs 2, JSON report")
        print(f"{'mode':<22} {'seconds':>8} {'main MB':>8} {'before':>7} {'worker MB':>9}  report")
        digests = set()
        for stream in (False, True):
            elapsed, before, peak, workers, digest = measure(folder, stream)
            digests.add(digest)
            label = "streamed (--stream)" if stream else "every text held"
            print(
                f"{label:<22} {elapsed:>8.2f} {peak / 1024:>8.0f} {before / 1024:>7.0f} "
                f"{workers / 1024:>9.0f}  {digest}"
            )
        print("reports identical" if len(digests) == 1 else "REPORTS DIFFER")


if __name__ == "__main__":
    main()
