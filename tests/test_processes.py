from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds processes through Linux's /proc"
)


def _state_and_parent(pid: int) -> tuple[str, int] | None:
    """A process's state letter and parent's id, or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    state, parent = stat[stat.rindex(")") + 2 :].split()[:2]
    return state, int(parent)


def _alive(pid: int) -> bool:
    found = _state_and_parent(pid)
    return found is not None and found[0] not in ("Z", "X")  # a zombie has ended


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _state_and_parent(int(entry.name))
            if found is not None and found[1] == pid and found[0] not in ("Z", "X"):
                children.append(int(entry.name))
    return children


def _wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _news_folder(folder: Path, count: int) -> Path:
    """``count`` files of random prose, a copy of an earlier one now and then."""
    rng = random.Random(16)
    words = [f"w{rng.randrange(5000)}" for _ in range(4000)]
    folder.mkdir()
    texts: list[str] = []
    for number in range(count):
        if texts and rng.random() < 0.2:
            text = texts[rng.randrange(len(texts))].replace(" ", "  ", 1)
        else:
            paragraphs = [
                " ".join(rng.choices(words, k=rng.randint(40, 90))) + "."
                for _ in range(rng.randint(3, 8))
            ]
            text = "\n\n".join(paragraphs)
        texts.append(text)
        (folder / f"a{number:06}.txt").write_text(text, encoding="utf-8")
    return folder


def _kill_when_busy(command: list[str], workers: int) -> list[int]:
    """Start ``command``, SIGKILL it once it has ``workers`` children; their ids."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_until(lambda: len(_children(process.pid)) >= workers, 60), "no workers"
        children = _children(process.pid)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    return children


@pytest.mark.slow
def test_scan_workers_end_when_the_scan_is_killed(tmp_path: Path) -> None:
    folder = _news_folder(tmp_path / "corpus", 12_000)
    command = [sys.executable, "-m", "neardup", "scan", str(folder), "--jobs", "2"]
    workers = _kill_when_busy(command, 2)
    assert len(workers) == 2
    assert _wait_until(lambda: not any(map(_alive, workers)), 5), [
        pid for pid in workers if _alive(pid)
    ]


@pytest.mark.slow
def test_html_reading_workers_end_when_the_scan_is_killed(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    folder = tmp_path / "pages"
    folder.mkdir()
    paragraph = "<p>" + " ".join(f"word{i}" for i in range(120)) + ".</p>"
    for number in range(3000):
        (folder / f"p{number:05}.html").write_text(
            f"<html><body><h1>Story {number}</h1>{paragraph * 6}</body></html>", encoding="utf-8"
        )
    command = [sys.executable, "-m", "neardup", "scan", str(folder), "--jobs", "2"]
    workers = _kill_when_busy(command, 2)
    assert len(workers) == 2
    assert _wait_until(lambda: not any(map(_alive, workers)), 5)


# A process forks a child, which prints its id, and ends: killed, once the child has
# arranged to die with it ("early"), or of itself, before the child has ("late").
_ORPHAN = textwrap.dedent(
    """
    import os, sys, time
    from neardup import _processes

    late, kernel = sys.argv[1] == "late", sys.argv[2] == "kernel"
    if not kernel:
        _processes._ask_kernel_for_signal = lambda: None
    parent = os.getpid()
    read, write = os.pipe()
    if os.fork() == 0:
        if late:
            while os.getppid() == parent:
                time.sleep(0.01)
        else:
            _processes.die_with_parent(parent)
        print(os.getpid(), flush=True)
        if late:
            _processes.die_with_parent(parent)
        os.write(write, b"ready")
        time.sleep(30)
        os._exit(0)
    if not late:
        os.read(read, 5)
        os.kill(os.getpid(), 9)
    """
)


def _orphan(late: bool, kernel: bool) -> int:
    """Run :data:`_ORPHAN`; the id of the child it leaves behind."""
    arguments = ["late" if late else "early", "kernel" if kernel else "thread"]
    with subprocess.Popen(
        [sys.executable, "-c", _ORPHAN, *arguments], stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        line = process.stdout.readline()
    return int(line)


@pytest.mark.parametrize("kernel", [True, False], ids=["prctl", "watching thread"])
def test_a_process_ends_when_its_parent_is_killed(kernel: bool) -> None:
    child = _orphan(late=False, kernel=kernel)
    assert _wait_until(lambda: not _alive(child), 5)


def test_a_process_whose_parent_ended_before_it_asked_ends_at_once() -> None:
    child = _orphan(late=True, kernel=True)
    assert _wait_until(lambda: not _alive(child), 5)


def test_die_with_parent_keeps_a_process_whose_parent_lives() -> None:
    script = textwrap.dedent(
        """
        import os, time
        from neardup._processes import die_with_parent
        die_with_parent(os.getppid())
        time.sleep(1.2)
        print("still here")
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert (completed.returncode, completed.stdout) == (0, "still here\n")
