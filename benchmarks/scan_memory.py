"""Peak memory of ``neardup scan`` over its whole process tree, against the corpus's size.

Runs ``neardup scan FOLDER --format json --jobs 2`` (``python -m neardup``), with and
without ``--stream``, each in a fresh process, and samples every process of its tree
every 20 ms from ``/proc`` (Linux): the peak of their summed resident memory (RSS),
each process's own peak (``VmHWM``), and the peak of their summed proportional set
size (PSS: a page shared by n processes counts 1/n in each, so pages that forked
workers share with the main process count once). Prints the corpus's size, each
process's peak, the tree's peaks and their ratio to the corpus's text, the time and a
digest of the JSON report (identical in every mode). With ``--stages``, it also runs the
scan's stages in one process through the library and prints that process's peak after
each stage.

The corpus is the generated one of ``speed.py``, one file an article, written to
``--folder`` (kept, and reused when it exists) or to a temporary folder.

Run: ``python benchmarks/scan_memory.py --short 250000 --folder /tmp/short-250k``
(``--short N``: N short articles of 1 or 2 paragraphs, about 510 bytes each;
``--articles N``: N articles of 6 to 14 paragraphs).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_IMPORTS = "import neardup.cli, neardup.pipeline, numpy, regex, charset_normalizer, rapidfuzz"


@dataclass
class Peaks:
    """What one scan's process tree used at its peak, in bytes."""

    seconds: float = 0.0
    rss: int = 0
    pss: int = 0
    processes: dict[int, tuple[str, int]] = field(default_factory=dict)  # pid: (role, VmHWM)
    digest: str = ""


def _tree(root: int) -> list[int]:
    """``root`` and its descendants that are still there."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    found = [root]
    for pid in found:
        found.extend(child for child, parent in parents.items() if parent == pid)
    return found


def _status(pid: int) -> tuple[int, int]:
    """A process's current and peak resident memory (bytes), from its status."""
    values = {"VmRSS": 0, "VmHWM": 0}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in values:
            values[key] = int(value.split()[0]) * 1024
    return values["VmRSS"], values["VmHWM"]


def _pss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def scan(folder: str, stream: bool, output: Path) -> Peaks:
    """Run one scan of ``folder``, sampling its process tree until it ends."""
    command = [sys.executable, "-m", "neardup", "scan", folder, "--format", "json", "--jobs", "2"]
    peaks = Peaks()
    started = time.perf_counter()
    with output.open("wb") as out:
        process = subprocess.Popen([*command, *(["--stream"] if stream else [])], stdout=out)
        sample = 0
        while process.poll() is None:
            rss = pss = 0
            for pid in _tree(process.pid):
                try:
                    current, peak = _status(pid)
                    # PSS costs a walk of the page tables: every fifth sample.
                    pss += _pss(pid) if sample % 5 == 0 else 0
                except OSError:
                    continue
                rss += current
                role = "main" if pid == process.pid else "worker"
                peaks.processes[pid] = (role, max(peak, peaks.processes.get(pid, ("", 0))[1]))
            peaks.rss = max(peaks.rss, rss)
            peaks.pss = max(peaks.pss, pss)
            sample += 1
            time.sleep(0.02)
    peaks.seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"scan exited with {process.returncode}")
    peaks.digest = hashlib.sha256(output.read_bytes()).hexdigest()[:16]
    return peaks


def imports() -> int:
    """Resident memory of a process that has only imported what a scan imports."""
    script = f"{_IMPORTS}; print(open('/proc/self/status').read())"
    status = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    for line in status.stdout.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


_STAGES = """
import json, sys
import neardup.cli
from neardup import find_duplicates, pipeline, read_documents
from neardup.report import scan_to_pieces

def peak(stage):
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    print(f"{stage:<22} {int(fields['VmHWM'].split()[0]) / 1e3:>8.0f}", flush=True)

def probe(function, stage):
    def probed(*arguments, **options):
        result = function(*arguments, **options)
        peak(stage)
        return result
    return probed

pipeline._sketch = probe(pipeline._sketch, "clean, split, sketch")
pipeline.LSHIndex.candidates_of_columns = probe(pipeline.LSHIndex.candidates_of_columns, "LSH")
pipeline._matches = probe(pipeline._matches, "verify")
peak("imports")
read = read_documents([sys.argv[1]], jobs=2, stream=sys.argv[2] == "stream", digests=False)
peak("read")
result = find_duplicates(read.documents, jobs=2)
peak("cluster")
for piece in scan_to_pieces(result, read.errors):
    pass
peak("JSON report")
"""


def stages(folder: str, stream: bool) -> None:
    """The main process's peak after each stage, in one process through the library."""
    print(f"main process's peak MB after each stage ({'--stream' if stream else 'held'}):")
    mode = "stream" if stream else "held"
    subprocess.run([sys.executable, "-c", _STAGES, folder, mode], check=True)


def _write(folder: str, count: int, short: bool, queue: Any) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from speed import corpus

    for document in corpus(count, (1, 2) if short else (6, 14)):
        (Path(folder) / document.id).write_text(document.text, encoding="utf-8")
    queue.put(None)


def text_size(folder: str) -> tuple[int, int]:
    """Files and bytes of text in ``folder``."""
    sizes = [entry.stat().st_size for entry in os.scandir(folder) if entry.is_file()]
    return len(sizes), sum(sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--short", type=int, default=0, help="generate N short articles")
    parser.add_argument("--folder", help="where the corpus is, or is written (kept)")
    parser.add_argument("--runs", type=int, default=1, help="scans in each mode (best kept)")
    parser.add_argument("--only", choices=["held", "stream"], help="one mode only")
    parser.add_argument(
        "--stages", action="store_true", help="also the main process's peak after each stage"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.folder or str(Path(scratch, "corpus"))
        if not Path(folder).is_dir() or not any(os.scandir(folder)):
            Path(folder).mkdir(parents=True, exist_ok=True)
            count, short = (args.short, True) if args.short else (args.articles, False)
            # Written in another process, which ends before any scan starts.
            context = multiprocessing.get_context("spawn")
            queue = context.Queue()
            writer = context.Process(target=_write, args=(folder, count, short, queue))
            writer.start()
            queue.get()
            writer.join()
        files, size = text_size(folder)
        baseline = imports()
        print(f"{files:,} files, {size / 1e6:.1f} MB of text; neardup scan --format json --jobs 2")
        print(f"a process that has only imported neardup: {baseline / 1e6:.0f} MB")
        header = (
            f"{'mode':<10} {'seconds':>7} {'main MB':>8} {'workers MB':>11} {'tree RSS MB':>11}"
        )
        print(f"{header} {'x text':>6} {'tree PSS MB':>11} {'x text':>6}  report")
        modes = [False, True] if args.only is None else [args.only == "stream"]
        digests = set()
        for stream in modes:
            for _ in range(args.runs):
                peaks = scan(folder, stream, Path(scratch, "report.json"))
                digests.add(peaks.digest)
                main_peak = max(p for role, p in peaks.processes.values() if role == "main")
                workers = sorted(
                    (p for role, p in peaks.processes.values() if role == "worker"), reverse=True
                )
                worker_text = "/".join(f"{p / 1e6:.0f}" for p in workers) or "-"
                label = "--stream" if stream else "held"
                print(
                    f"{label:<10} {peaks.seconds:>7.1f} {main_peak / 1e6:>8.0f} {worker_text:>11} "
                    f"{peaks.rss / 1e6:>11.0f} {peaks.rss / size:>6.2f} "
                    f"{peaks.pss / 1e6:>11.0f} {peaks.pss / size:>6.2f}  {peaks.digest}"
                )
        print("reports identical" if len(digests) == 1 else "REPORTS DIFFER")
        if args.stages:
            for stream in modes:
                stages(folder, stream)


if __name__ == "__main__":
    main()
