"""An adversarial review of dedup's promises (docs/safety.md): one test per way found to break them.

Each test builds its folder from real text (the Sky News story) and runs the real command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from neardup import Config, shingle_set
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


@pytest.mark.xfail(
    strict=True,
    reason="design: lines that cleaning drops (a table, a fact box, captions) are not "
    "compared, so a file holding them can go even at --containment 1.0",
)
def test_at_containment_one_a_file_with_a_table_found_nowhere_else_stays(
    tmp_path: Path,
) -> None:
    folder = write(
        tmp_path / "corpus",
        {"a-story.txt": story() + "\n", "b-with-results.txt": f"{story()}\n\n{RESULTS_TABLE}\n"},
    )
    texts = {path.name: path.read_text(encoding="utf-8") for path in folder.iterdir()}
    code = (
        CliRunner()
        .invoke(
            cli,
            ["dedup", str(folder), "--containment", "1.0", "--keep", "first", "--delete", "--yes"],
        )
        .exit_code
    )
    assert code == 0
    left = set().union(*(shingles(path.read_text(encoding="utf-8")) for path in folder.iterdir()))
    for name, text in texts.items():
        missing = shingles(text) - left
        assert not missing, (name, len(missing))
