"""An adversarial review of dedup's promises (docs/safety.md): one test per way found to break them.

Each test builds its folder from real text (the Sky News story) and runs the real command.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from neardup import Config, shingle_set
from neardup.actions import locked
from neardup.cli import cli

from .conftest import story_paragraphs
from .test_safety import copies_folder, snapshot, write


def story() -> str:
    return "\n\n".join(story_paragraphs())


class KilledError(Exception):
    """Stands for a SIGKILL: the run stops where it is, with no clean-up of any kind."""


def killed_after_planning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the next dedup stop right after it saved its plan, before touching any file."""
    from neardup import actions

    real_save = actions.Journal.save

    def save_then_stop(journal: actions.Journal, plan: actions.Plan) -> None:
        real_save(journal, plan)
        raise KilledError

    monkeypatch.setattr(actions.Journal, "save", save_then_stop)


def test_a_killed_run_finished_from_another_folder_ends_as_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Started as `cd work && neardup dedup corpus --delete --yes`, killed, then finished
    # by the same command with the folder's full path, from another folder.
    folder = copies_folder(tmp_path / "work" / "corpus")
    (folder / "copy2.txt").write_text((folder / "copy1.txt").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path / "work")
    with monkeypatch.context() as killed:
        killed_after_planning(killed)
        first = CliRunner().invoke(cli, ["dedup", "corpus", "--delete", "--yes"])
    assert isinstance(first.exception, KilledError)
    assert set(snapshot(folder)) == {"copy0.txt", "copy1.txt", "copy2.txt"}
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    rerun = CliRunner().invoke(cli, ["dedup", str(folder), "--delete", "--yes"])
    assert rerun.exit_code == 0, rerun.output
    assert "already gone" not in rerun.stdout  # they were not
    assert set(snapshot(folder)) == {"copy0.txt"}
    dry = CliRunner().invoke(cli, ["dedup", str(folder)])
    assert dry.stdout.startswith("0 of 1 files are redundant"), dry.stdout


def test_a_run_given_full_paths_is_finished_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copies_folder(tmp_path / "work" / "corpus")
    monkeypatch.chdir(tmp_path / "work")
    with monkeypatch.context() as killed:
        killed_after_planning(killed)
        CliRunner().invoke(cli, ["dedup", str(folder), "--delete", "--yes"])
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    rerun = CliRunner().invoke(cli, ["dedup", str(folder), "--delete", "--yes"])
    assert rerun.exit_code == 0, rerun.output
    assert "finishing the interrupted run of this command (1 files planned)" in rerun.stderr
    assert set(snapshot(folder)) == {"copy0.txt"}


def test_a_cache_folder_that_cannot_be_written_stops_dedup_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copies_folder(tmp_path / "corpus")
    before = snapshot(folder)
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_folder))
    result = CliRunner().invoke(cli, ["dedup", str(folder), "--delete", "--yes"])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)  # not a traceback
    assert result.stderr.startswith(f"neardup: error: {not_a_folder / 'neardup'}")
    assert "cannot save the plan of this run" in result.stderr
    assert snapshot(folder) == before


@pytest.mark.slow
def test_a_named_pipe_in_a_scanned_folder_is_an_error_not_a_wait_forever(tmp_path: Path) -> None:
    folder = copies_folder(tmp_path / "corpus")
    os.mkfifo(folder / "pipe.txt")  # nothing ever writes to it
    command = [sys.executable, "-m", "neardup", "dedup", str(folder), "--move-to"]
    run = subprocess.run(
        [*command, str(tmp_path / "dupes")], capture_output=True, text=True, timeout=30
    )
    assert run.returncode == 2, run.stderr
    assert "neardup: error: pipe.txt: not a regular file" in run.stderr
    assert set(snapshot(tmp_path / "dupes")) == {"copy1.txt"}  # the run went on


# Design-level: the rule compares articles as cleaning leaves them.

CONFIG = Config()


def shingles(text: str) -> set[int]:
    return set(shingle_set(text, CONFIG.shingle_size, CONFIG.seed).tolist())


RESULTS_TABLE = "\n\n".join(
    [
        "Results by district",
        "North 41% 12,400 votes",
        "South 38% 9,870 votes",
        "East 55% 15,002 votes",
        "West 29% 7,311 votes",
    ]
)


def chained_folder(folder: Path) -> Path:
    """Copies, edited copies, an excerpt and pages of the story and Helsinki articles.

    Decided in path order (``--keep first``): the page f7.txt goes in a first pass, one of
    its articles lying inside the page f1.txt, which goes in a second pass; so f7.txt
    stays after all, while the edited copy f2.txt, which lies inside f7.txt's first
    article, was decided to stay before that.
    """
    from .test_safety import page, pool

    articles = pool()
    story_, helsinki_4, helsinki_5, helsinki_7 = (articles[n] for n in (0, 4, 5, 7))

    def text(
        paragraphs: list[str], edits: tuple[int, ...] = (), lines: tuple[int, ...] = ()
    ) -> str:
        paragraphs = list(paragraphs)
        for index in edits:
            words = paragraphs[index].split()
            words[len(words) // 2] = "reportedly"
            paragraphs[index] = " ".join(words)
        for index, line in zip(lines, ("Related Topics", "Updated at 10:42"), strict=False):
            paragraphs.insert(index, line)
        return "\n\n".join(paragraphs)

    files = {
        "f0.txt": text(helsinki_5),
        "f1.txt": page(text(story_[38:]), text(helsinki_5[:3]), text(helsinki_5[8:12])),
        "f2.txt": text(story_, edits=(5, 20, 40), lines=(11,)),
        "f3.txt": text(story_),
        "f4.txt": page(text(helsinki_4), text(helsinki_7[:9])),
        "f5.txt": text(story_, edits=(10, 30, 50)),
        "f6.txt": text(helsinki_5[8:11], lines=(1,)),
        "f7.txt": page(text(story_, lines=(12, 54)), text(helsinki_7[:9])),
    }
    return write(folder, {name: body + "\n" for name, body in files.items()})


@pytest.mark.slow
def test_after_dedup_a_second_run_has_nothing_to_do_when_a_file_stays_after_all(
    tmp_path: Path,
) -> None:
    folder = chained_folder(tmp_path / "corpus")
    first = CliRunner().invoke(cli, ["dedup", str(folder), "--keep", "first", "--delete", "--yes"])
    assert first.exit_code == 0, first.output
    assert "f3.txt" not in snapshot(folder)  # it acted
    second = CliRunner().invoke(cli, ["dedup", str(folder), "--keep", "first"])
    assert second.stdout.startswith(f"0 of {len(snapshot(folder))} files"), second.stdout


# Locks: a worker process outliving a killed run must not keep the folder locked.


def test_a_process_forked_while_a_run_holds_its_lock_does_not_keep_the_folder_locked(
    tmp_path: Path,
) -> None:
    # With --jobs 2, scanning forks worker processes while the lock is held; a SIGKILL of
    # the run leaves them behind (orphans), and they must not lock every later run out.
    folder = copies_folder(tmp_path / "corpus")
    started, ready = os.pipe()
    with locked([folder]):
        child = os.fork()
        if child == 0:  # pragma: no cover - the child only waits to be killed
            os.write(ready, b"x")  # the fork's hooks have run: the child is what an orphan is
            time.sleep(60)
            os._exit(0)
    os.read(started, 1)
    os.close(started)
    os.close(ready)
    try:
        result = CliRunner().invoke(cli, ["dedup", str(folder), "--delete", "--yes"])
        assert result.exit_code == 0, result.stderr
        assert set(snapshot(folder)) == {"copy0.txt"}
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
