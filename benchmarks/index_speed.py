"""The persistent index and the pre-commit check, timed as whole processes.

Writes a corpus made by ``speed.py``'s generator (20,000 news-like articles of 3 to 8
paragraphs, 38 MB, with planted near-duplicates, seed 7) as a folder of ``.txt`` files,
then times, each as a fresh
``neardup`` process (interpreter start included), alternating runs:

- ``neardup scan DIR`` against ``neardup index DIR --rebuild`` (the full index);
- ``neardup index DIR`` after one file changed (the refresh), and with nothing changed;
- ``neardup check --corpus DIR new.txt`` for a copy of an indexed article (found, exit 1)
  and for a new article (exit 0), against the index made already.

It prints each run's seconds, the best of each, and the ratio of the full index to the
scan. ``--articles N`` sets the corpus size, ``--runs N`` the runs of each (default 3).

Run: ``python benchmarks/index_speed.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from speed import article, corpus, vocabulary

NEARDUP = [sys.executable, "-m", "neardup"]


def timed(arguments: list[str], expect: int = 0) -> tuple[float, str]:
    """Wall seconds of one ``neardup`` process, and its standard output.

    The process's CPU seconds (its workers' included) are printed beside, as the
    machine may be shared: wall time well above CPU time is time spent waiting.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([*NEARDUP, *arguments], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode != expect:
        raise SystemExit(f"neardup {' '.join(arguments)}: exit {done.returncode}\n{done.stderr}")
    print(f"    neardup {arguments[0]}: {elapsed:.2f} s wall, {cpu:.2f} s CPU")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="neardup-index-bench-"))
    try:
        folder = work / "corpus"
        folder.mkdir()
        documents = corpus(args.articles, (3, 8))
        for document in documents:
            (folder / document.id).write_text(document.text, encoding="utf-8")
        size = sum(len(document.text.encode("utf-8")) for document in documents)
        print(f"corpus: {len(documents):,} articles, {size / 1e6:.1f} MB, in {folder}")
        index = str(work / "index.db")
        scans, builds = [], []
        for _ in range(args.runs):
            scans.append(timed(["scan", str(folder), "-q", "--format", "json"])[0])
            builds.append(timed(["index", str(folder), "--index", index, "--rebuild"])[0])
            print(f"  scan {scans[-1]:6.2f} s   full index {builds[-1]:6.2f} s")
        rng = random.Random(1)
        words, weights = vocabulary()
        refreshes, idle, inner = [], [], []
        for _ in range(args.runs):
            changed = folder / documents[rng.randrange(len(documents))].id
            changed.write_text(article(rng, words, weights, 5), encoding="utf-8")
            elapsed, output = timed(["index", str(folder), "--index", index, "--format", "json"])
            summary = json.loads(output)
            assert (summary["changed"], summary["added"]) == (1, 0), summary
            refreshes.append(elapsed)
            inner.append(summary["seconds"])
            idle.append(timed(["index", str(folder), "--index", index])[0])
            print(
                f"  refresh after one change {refreshes[-1]:5.2f} s (in the index "
                f"{inner[-1]:.2f} s); nothing changed {idle[-1]:5.2f} s"
            )
        copy = work / "new-copy.txt"
        copy.write_text("Connect with us\n\n" + documents[123].text, encoding="utf-8")
        fresh = work / "new.txt"
        fresh.write_text(article(rng, words, weights, 6), encoding="utf-8")
        found, clean = [], []
        for _ in range(args.runs):
            elapsed, output = timed(
                ["check", "--corpus", str(folder), "--index", index, str(copy)], expect=1
            )
            found.append(elapsed)
            clean.append(timed(["check", "--corpus", str(folder), "--index", index, str(fresh)])[0])
            print(f"  check a copy {found[-1]:5.2f} s; check a new article {clean[-1]:5.2f} s")
        print(f"finding: {output.strip()}")
        print("best of each:")
        print(f"  scan                          {min(scans):6.2f} s")
        print(f"  full index                    {min(builds):6.2f} s")
        print(f"  full index / scan             {min(builds) / min(scans):6.2f}x")
        print(f"  refresh after one change      {min(refreshes):6.2f} s")
        print(f"  refresh with nothing changed  {min(idle):6.2f} s")
        print(f"  check new.txt (a copy)        {min(found):6.2f} s")
        print(f"  check new.txt (new article)   {min(clean):6.2f} s")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
