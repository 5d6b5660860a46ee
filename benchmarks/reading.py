"""Reading hostile and ordinary input: the memory a gzip bomb costs, and reading speed.

Prints:

- the peak resident memory of ``neardup scan FOLDER --format json --jobs 1`` on a folder
  holding one story and a gzip bomb (a ``.txt.gz`` of about 1 MB that inflates to
  1 GB of text), beside the same scan without the bomb; each scan runs in a fresh
  process, measured with ``getrusage(RUSAGE_CHILDREN)`` in a process of its own;
- the CPU time (user and system) ``read_documents`` takes on a folder of small text
  files and on one JSONL file holding the same texts (best of ``--runs``), in MB of
  text per CPU second.

Run: ``python benchmarks/reading.py [--files N] [--runs N] [--no-bomb]``. To compare two versions
of neardup on this noisy machine, run it with each on ``PYTHONPATH`` in turn, twice
each, alternating, and compare the ratios.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from neardup import read_documents

# Runs a command in a child and prints the child's peak resident memory in bytes.
_PEAK_OF_A_CHILD = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""

STORY = (
    "The council approved the new budget on Tuesday after a long debate about the "
    "cost of repairing the town's roads and bridges, which engineers say are "
    "failing faster than expected. "
)


def peak_of_scan(folder: Path) -> int:
    command = [sys.executable, "-m", "neardup", "scan", str(folder), "--format", "json"]
    completed = subprocess.run(
        [sys.executable, "-c", _PEAK_OF_A_CHILD, *command, "--jobs", "1", "-q"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(completed.stdout)


def bomb_memory() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        plain, bombed = Path(temporary, "plain"), Path(temporary, "bombed")
        for folder in (plain, bombed):
            folder.mkdir()
            (folder / "story.txt").write_text(STORY * 20, encoding="utf-8")
        # 100 gzip members of 10 MB of text each: 1 GB of text.
        member = gzip.compress(STORY.encode() * (10_000_000 // len(STORY)))
        (bombed / "bomb.txt.gz").write_bytes(member * 100)
        size = (bombed / "bomb.txt.gz").stat().st_size
        inflated = 100 * len(STORY.encode() * (10_000_000 // len(STORY)))
        peaks: dict[str, list[int]] = {"without the bomb": [], "with the bomb": []}
        for _ in range(2):  # alternated, as the machine is noisy
            peaks["without the bomb"].append(peak_of_scan(plain))
            peaks["with the bomb"].append(peak_of_scan(bombed))
    print(f"gzip bomb: {size / 1e6:.1f} MB file, {inflated / 1e9:.2f} GB of text inflated")
    for name, values in peaks.items():
        print(f"  peak RSS of neardup scan {name}: {max(values) / 1e6:,.0f} MB")
    ratio = max(peaks["with the bomb"]) / max(peaks["without the bomb"])
    print(f"  ratio with / without: {ratio:.2f}")


def best_of(runs: int, action: object) -> float:
    """The least CPU time (user and system) of ``runs`` calls: steadier than wall time
    on a shared machine."""
    timings = []
    for _ in range(runs):
        started = time.process_time()
        action()  # type: ignore[operator]
        timings.append(time.process_time() - started)
    return min(timings)


def reading_speed(files: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary, "folder")
        texts = [f"Story {number}. " + STORY * (1 + number % 7) for number in range(files)]
        for number, text in enumerate(texts):
            sub = folder / f"{number % 100:02d}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"{number}.txt").write_text(text, encoding="utf-8")
        records = Path(temporary, "records.jsonl")
        with records.open("w", encoding="utf-8") as output:
            for number, text in enumerate(texts):
                output.write(json.dumps({"id": str(number), "text": text}) + "\n")
        megabytes = sum(len(text.encode()) for text in texts) / 1e6
        for name, path in (("folder of .txt files", folder), ("one JSONL file", records)):
            read = read_documents([path])
            assert len(read.documents) == files, read.errors[:3]
            seconds = best_of(runs, lambda path=path: read_documents([path]))
            print(
                f"read_documents, {name}: {files:,} texts, {megabytes:.1f} MB in "
                f"{seconds:.3f} CPU s ({megabytes / seconds:.0f} MB/s)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000, help="texts to read")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (best counts)")
    parser.add_argument(
        "--no-bomb", action="store_true", help="measure reading speed only (for old versions)"
    )
    args = parser.parse_args()
    reading_speed(args.files, args.runs)
    if not args.no_bomb:
        bomb_memory()


if __name__ == "__main__":
    main()
