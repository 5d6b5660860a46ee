from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from neardup.cli import cli

from .conftest import SEED_A, SEED_B, seed_text, story_paragraphs


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder, by relative path, with a hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def corpus(folder: Path, copies: int = 30) -> Path:
    """The two seeds plus many republished copies of the story, each with its own header."""
    folder.mkdir(parents=True)
    for name in (SEED_A, SEED_B):
        (folder / name).write_text(seed_text(name), encoding="utf-8")
    story = "\n\n".join(story_paragraphs())
    for number in range(copies):
        site = folder / f"site{number % 3}"
        site.mkdir(exist_ok=True)
        header = f"Site number {number} | Home\n\nPublished\n\non\n\n"
        (site / f"copy{number:02}.txt").write_text(header + story, encoding="utf-8")
    return folder


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "corpus", copies=4)
    before = snapshot(folder)
    result = CliRunner().invoke(cli, ["dedup", str(folder)])
    assert result.exit_code == 0
    assert snapshot(folder) == before
    lines = result.stdout.splitlines()
    # The page with three unique articles stays, so its copy of the story is the one kept.
    assert lines[0] == (
        f"would move {SEED_A} -> dupes/{SEED_A} "
        f"(near-duplicate of {SEED_B}#0, jaccard 1.00, containment 1.00)"
    )
    assert lines[1].startswith("would move site0/copy00.txt -> dupes/site0/copy00.txt")
    assert lines[-1].startswith("5 of 6 files are redundant; nothing was changed")


def test_a_streamed_dedup_plans_and_moves_what_a_dedup_does(tmp_path: Path) -> None:
    whole, streamed = (corpus(tmp_path / name, copies=70) for name in ("whole", "streamed"))
    planned = [
        CliRunner().invoke(cli, ["dedup", str(folder), *flags]).output
        for folder, flags in ((whole, []), (streamed, ["--stream"]))
    ]
    assert planned[0] == planned[1]
    assert "71 of 72 files are redundant" in planned[0]  # enough files for workers
    for folder, flags in ((whole, []), (streamed, ["--stream"])):
        moved = CliRunner().invoke(
            cli,
            [
                "dedup",
                str(folder),
                "--move-to",
                str(folder.parent / f"{folder.name}-dupes"),
                *flags,
            ],
        )
        assert moved.exit_code == 0
    assert snapshot(whole) == snapshot(streamed)


def test_move_to_moves_only_redundant_files_and_never_the_page_with_unique_articles(
    tmp_path: Path,
) -> None:
    folder = corpus(tmp_path / "corpus", copies=6)
    before = snapshot(folder)
    dupes = tmp_path / "dupes"
    result = CliRunner().invoke(cli, ["dedup", str(folder), "--move-to", str(dupes)])
    assert result.exit_code == 0, result.output
    after, moved = snapshot(folder), snapshot(dupes)
    assert set(after) == {SEED_B}  # the page with 3 unique articles, and the story's copy
    assert moved == {name: digest for name, digest in before.items() if name != SEED_B}
    rescan = CliRunner().invoke(cli, ["scan", str(folder)])
    assert rescan.stdout.startswith("no near-duplicates")


def test_no_split_moves_the_abridged_page_but_keeps_a_copy(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "corpus", copies=0)
    dupes = folder / "dupes"  # inside the scanned folder: excluded from the scan
    result = CliRunner().invoke(cli, ["dedup", str(folder), "--no-split", "--move-to", str(dupes)])
    assert result.exit_code == 0, result.output
    assert snapshot(folder) == {
        SEED_B: hashlib.sha256(seed_text(SEED_B).encode()).hexdigest(),
        f"dupes/{SEED_A}": hashlib.sha256(seed_text(SEED_A).encode()).hexdigest(),
    }


def test_out_gives_a_folder_without_near_duplicates(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "corpus", copies=5)
    before = snapshot(folder)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["dedup", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert snapshot(folder) == before
    assert snapshot(out) == {SEED_B: before[SEED_B]}
    rescan = CliRunner().invoke(cli, ["scan", str(out)])
    assert rescan.stdout.startswith("no near-duplicates")


def test_delete_needs_yes_and_keeps_every_cluster(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "corpus", copies=3)
    refused = CliRunner().invoke(cli, ["dedup", str(folder), "--delete"])
    assert refused.exit_code == 2
    assert "--yes" in refused.stderr
    result = CliRunner().invoke(cli, ["dedup", str(folder), "--delete", "--yes"])
    assert result.exit_code == 0
    assert set(snapshot(folder)) == {SEED_B}


def test_a_file_changed_after_the_scan_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from neardup import actions

    folder = corpus(tmp_path / "corpus", copies=2)
    real_plan = actions.plan
    edited: list[Path] = []

    def plan_then_edit(result: object) -> actions.Plan:
        decided = real_plan(result)  # type: ignore[arg-type]
        edited.append(Path(decided.redundant[0].file))
        with edited[0].open("a", encoding="utf-8") as handle:
            handle.write("\nA correction was added after the scan.\n")
        return decided

    monkeypatch.setattr(actions, "plan", plan_then_edit)
    target = tmp_path / "d"
    result = CliRunner().invoke(cli, ["dedup", str(folder), "--move-to", str(target)])
    assert result.exit_code == 2
    assert f"{edited[0]}: changed since the scan" in result.stderr
    assert edited[0].exists()
    assert not (target / edited[0].relative_to(folder)).exists()
    assert len(snapshot(target)) == 2  # the other redundant files were moved


@pytest.mark.slow
def test_interrupted_move_then_rerun_equals_one_run(tmp_path: Path) -> None:
    interrupted = corpus(tmp_path / "interrupted", copies=40)
    reference = tmp_path / "reference"
    shutil.copytree(interrupted, reference)
    command = [sys.executable, "-m", "neardup", "dedup"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    moved = 0
    with subprocess.Popen(
        [*command, str(interrupted), "--move-to", str(tmp_path / "dupes-i")],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            moved += line.startswith("moved ")
            if moved == 5:
                process.kill()  # SIGKILL: no clean-up of any kind
                break
    assert moved == 5
    assert len(snapshot(tmp_path / "dupes-i")) >= 5
    subprocess.run(
        [*command, str(interrupted), "--move-to", str(tmp_path / "dupes-i")], check=True, env=env
    )
    subprocess.run(
        [*command, str(reference), "--move-to", str(tmp_path / "dupes-r")], check=True, env=env
    )
    assert snapshot(interrupted) == snapshot(reference)
    assert snapshot(tmp_path / "dupes-i") == snapshot(tmp_path / "dupes-r")
    assert len(snapshot(tmp_path / "dupes-r")) == 41  # the 40 copies and the story's page
