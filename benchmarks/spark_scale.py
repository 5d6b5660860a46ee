"""Spark ``local[N]`` against the local scan: time, peak memory, and that both agree.

Generates the corpus of ``speed.py`` (``--articles`` news-like articles, about one in six a
near-duplicate; ``--short`` for one- or two-paragraph ones), then, each in a fresh
process, runs ``find_duplicates`` (``--jobs`` processes) and ``neardup.spark.dedup`` on a
Spark session at ``--master``, writing the clusters out (``count()`` of every member row,
so every stage runs). Prints each run's wall time, the driver process's peak memory, and
the peak of its largest child process (the local scan's workers; for Spark, the JVM,
which holds the executors in local mode, and its Python workers are its children), then
checks that both found the same cluster members with the same scores.

Run: ``python benchmarks/spark_scale.py [--articles N | --short N] [--master local[2]]``
(needs ``pip install '.[spark,bench]'`` and Java 17).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from neardup import Config, find_duplicates
from speed import in_child

Members = set[tuple[str, str, float, float]]


def _local(documents: list[Any], jobs: int) -> Members:
    result = find_duplicates(documents, Config(), jobs=jobs)
    return {
        (cluster.keep.id, member.article.id, member.jaccard, member.containment)
        for cluster in result.clusters
        for member in cluster.members
    }


# The JVM's peak resident memory (kB), read before Spark stops it (local mode: the executors).
_JVM_PEAK: list[int] = []


def _peak_kb(pid: int) -> int:
    """A live process's peak resident memory in kB (``VmHWM``; Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _spark(documents: list[Any], master: str) -> Members:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from neardup.spark import dedup

    spark = (
        SparkSession.builder.master(master)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    frame = spark.createDataFrame(
        [(document.id, document.text) for document in documents], "id string, text string"
    ).repartition(8)
    found = dedup(frame, config=Config()).clusters.collect()
    _JVM_PEAK.append(_peak_kb(spark.sparkContext._gateway.proc.pid))  # type: ignore[union-attr]
    spark.stop()
    return {(row["cluster"], row["article"], row["jaccard"], row["containment"]) for row in found}


def _child(engine: str, count: int, short: bool, option: str, queue: Any) -> None:
    multiprocessing.set_start_method(None, force=True)
    sys.path.insert(0, str(Path(__file__).parent))  # the benchmarks folder is not a package
    from speed import corpus

    documents = corpus(count, (1, 2) if short else (6, 14))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    members = _local(documents, int(option)) if engine == "local" else _spark(documents, option)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    children = max([children, *_JVM_PEAK])
    queue.put((elapsed, baseline, peak, children, sorted(members)))


def measure(engine: str, count: int, short: bool, option: str) -> tuple[Any, ...]:
    result: tuple[Any, ...] = in_child(_child, engine, count, short, option)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--short", type=int, default=0, help="generate N short articles")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--jobs", type=int, default=2, help="processes of the local scan")
    args = parser.parse_args()
    count, short = (args.short, True) if args.short else (args.articles, False)
    print(f"{count:,} {'short ' if short else ''}articles; Spark at {args.master}")
    print("| engine | seconds | driver peak MB | child peak MB (Spark: its JVM) | members |")
    print("|---|---|---|---|---|")
    found = {}
    for engine, option in (("local", str(args.jobs)), ("spark", args.master)):
        elapsed, baseline, peak, children, members = measure(engine, count, short, option)
        found[engine] = members
        name = f"local --jobs {args.jobs}" if engine == "local" else f"spark {args.master}"
        print(
            f"| {name} | {elapsed:.1f} | {peak / 1024:.0f} (imports {baseline / 1024:.0f}) "
            f"| {children / 1024:.0f} | {len(members):,} |",
            flush=True,
        )
    print("same clusters, keeps and scores:", found["local"] == found["spark"])


if __name__ == "__main__":
    main()
