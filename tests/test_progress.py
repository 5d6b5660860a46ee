"""The progress display: every stage reported, with counts that move, and on a terminal only."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from neardup import find_duplicates, read_documents
from neardup.html_report import scan_to_html
from neardup.report import scan_to_text

from .conftest import write_corpus

STAGES = ["reading", "learning boilerplate", "sketching", "finding candidates", "verifying"]


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.calls.append((stage, done, total))

    def stages(self) -> list[str]:
        return list(dict.fromkeys(stage for stage, _, _ in self.calls))

    def counts(self) -> dict[str, list[tuple[int, int]]]:
        by_stage: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for stage, done, total in self.calls:
            by_stage[stage].append((done, total))
        return by_stage


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_stage_is_reported_with_counts_that_move(tmp_path: Path, jobs: int) -> None:
    write_corpus(tmp_path / "corpus")
    progress = Recorder()
    read = read_documents([tmp_path / "corpus"], jobs=jobs, progress=progress)
    result = find_duplicates(read.documents, jobs=jobs, progress=progress)
    assert result.stats.clusters == 150
    assert progress.stages() == STAGES
    counts = progress.counts()
    expected_totals = {
        "reading": 300,
        "learning boilerplate": 300,
        "sketching": 300,
        "finding candidates": 300,
        "verifying": result.stats.candidate_pairs,
    }
    for stage, total in expected_totals.items():
        dones = [done for done, _ in counts[stage]]
        assert {count_total for _, count_total in counts[stage]} == {total}, stage
        assert dones == sorted(dones), stage
        assert dones[-1] == total, stage
    # Not one jump from nothing to all: the long stages count in between.
    for stage in ("reading", "learning boilerplate", "sketching", "verifying"):
        assert len({done for done, _ in counts[stage]}) >= 2, stage
    reported = Recorder()
    scan_to_text(result, progress=reported)
    scan_to_html(result, progress=reported)
    assert reported.calls == [("reporting", n, 150) for n in range(1, 151)] * 2


def run_on_a_terminal(arguments: list[str], output: Path | None) -> tuple[str, str]:
    """Run the command with stderr on a pseudo-terminal: (stdout, what the terminal got).

    Without ``output``, stdout goes to the terminal too (and ``""`` is returned for it).
    """
    import pty  # POSIX only

    controller, terminal = pty.openpty()
    with (output or Path(os.devnull)).open("wb") as stdout:
        command = subprocess.Popen(
            [sys.executable, "-m", "neardup", *arguments],
            stdout=terminal if output is None else stdout,
            stderr=terminal,
            env={key: value for key, value in os.environ.items() if key != "NO_COLOR"},
        )
    os.close(terminal)
    shown = bytearray()
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:  # Linux: EIO once the command has closed the terminal
            break
        if not data:
            break
        shown.extend(data)
    os.close(controller)
    assert command.wait(timeout=120) == 0
    return "" if output is None else output.read_text(encoding="utf-8"), shown.decode("utf-8")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_the_command_shows_each_stage_on_a_terminal(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus")
    corpus = str(tmp_path / "corpus")
    stdout, terminal = run_on_a_terminal(["scan", corpus, "--jobs", "1"], tmp_path / "out")
    assert stdout.startswith("cluster 1 of 150: 2 copies")
    drawn = re.findall(r"\rneardup: ([a-z ]+) ([\d,]+)/([\d,]+)\x1b\[K", terminal)
    assert list(dict.fromkeys(stage for stage, _, _ in drawn)) == [*STAGES, "reporting"]
    assert ("reading", "300", "300") in drawn
    assert ("reporting", "150", "150") in drawn
    assert terminal.endswith("\r\x1b[K")  # the line is erased before the report
    quiet_stdout, quiet = run_on_a_terminal(["scan", corpus, "--quiet"], tmp_path / "quiet")
    assert quiet == ""
    assert quiet_stdout == stdout


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_json_report_written_as_it_is_made_keeps_the_terminal_clean(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus")
    arguments = ["scan", str(tmp_path / "corpus"), "--jobs", "1", "--format", "json"]
    # Written to a file, the report's progress is shown as it is written, then erased.
    stdout, terminal = run_on_a_terminal(arguments, tmp_path / "out")
    drawn = re.findall(r"\rneardup: ([a-z ]+) ([\d,]+)/([\d,]+)\x1b\[K", terminal)
    assert ("reporting", "150", "150") in drawn
    assert terminal.endswith("\r\x1b[K")
    assert len(json.loads(stdout)["clusters"]) == 150
    # Written to the terminal, it starts after the line is erased, which is not drawn again.
    _, terminal = run_on_a_terminal(arguments, None)
    progress, report = terminal.split("{", 1)
    assert progress.endswith("\r\x1b[K")
    assert "neardup: " not in report
    report = report.removesuffix("\r\x1b[K")  # the (empty) line erased at the end
    assert json.loads("{" + report.replace("\r\n", "\n")) == json.loads(stdout)
