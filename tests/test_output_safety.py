"""What reaches the terminal and JSON readers: hostile and undecodable file names, closed
pipes, folders given to ``diff``, number formatting and the text report's legend."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from neardup.cli import cli
from neardup.config import Config
from neardup.pipeline import DedupResult, Stats
from neardup.report import scan_to_text, shown

from .conftest import DATA, SEED_A, SEED_B

# A name that sets the terminal's title, and one that clears the screen.
TITLE = "x\x1b]0;pwned\x07.txt"
CLEAR = "y\x1b[2J\x1b[H.txt"
# A file name that is not UTF-8 (Latin-1 "café"), as bytes.
LATIN1 = b"caf\xe9.txt"


def hostile_folder(tmp_path: Path) -> Path:
    """The two seed copies plus two more copies of seed A under hostile names."""
    folder = tmp_path / "news"
    folder.mkdir()
    story = (DATA / SEED_A).read_bytes()
    (folder / SEED_A).write_bytes(story)
    (folder / SEED_B).write_bytes((DATA / SEED_B).read_bytes())
    (folder / TITLE).write_bytes(story)
    (folder / CLEAR).write_bytes(b"\x00\x01\x02 not text")  # unreadable: an error line
    return folder


def no_control_characters(text: str) -> bool:
    return not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)


def test_shown_escapes_what_could_drive_a_terminal() -> None:
    assert shown(TITLE) == r"x\x1b]0;pwned\x07.txt"
    assert shown("a\nb\tc\r") == r"a\nb\tc\r"
    assert shown("evil\u202etxt.exe") == r"evil\u202etxt.exe"  # right-to-left override
    assert shown("caf\udce9.txt") == r"caf\xe9.txt"  # os.fsdecode(b"caf\xe9.txt")
    assert shown("Zürich 北京 — ok.txt") == "Zürich 北京 — ok.txt"


def test_scan_and_error_lines_show_names_escaped(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    result = CliRunner().invoke(cli, ["scan", str(folder)])
    assert result.exit_code == 2  # the unreadable file
    assert no_control_characters(result.stdout)
    assert no_control_characters(result.stderr)
    assert r"x\x1b]0;pwned\x07.txt" in result.stdout
    assert r"neardup: error: y\x1b[2J\x1b[H.txt: " in result.stderr
    stripped = CliRunner().invoke(cli, ["strip", str(folder / SEED_A), str(folder / TITLE)])
    assert no_control_characters(stripped.stdout)
    assert r"==> " + str(folder).replace("\\", "\\\\") + r"/x\x1b]0;pwned\x07.txt <==" in (
        stripped.stdout
    )


def test_diff_shows_names_escaped(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    result = CliRunner().invoke(cli, ["diff", str(folder / SEED_B), str(folder / TITLE)])
    assert result.exit_code == 1
    assert no_control_characters(result.stdout)
    assert result.stdout.splitlines()[1] == rf"+++ {folder}/x\x1b]0;pwned\x07.txt"
    missing = CliRunner().invoke(cli, ["diff", str(folder / SEED_A), str(folder / "z\x1b[2J")])
    assert missing.exit_code == 2
    assert no_control_characters(missing.stderr)
    assert r"z\x1b[2J" in missing.stderr


@pytest.fixture
def latin1_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    try:
        with open(os.fsencode(folder) + b"/" + LATIN1, "wb") as handle:
            handle.write((DATA / SEED_A).read_bytes())
    except OSError as refused:  # a file system that takes only UTF-8 names
        pytest.skip(f"cannot create a file named with non-UTF-8 bytes: {refused}")
    (folder / SEED_B).write_bytes((DATA / SEED_B).read_bytes())
    return folder


def test_a_name_that_is_not_utf8_is_shown_as_its_bytes(latin1_folder: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(latin1_folder), "--no-split"])
    assert result.exception is None, result.exception
    assert result.exit_code == 0
    assert r"caf\xe9.txt" in result.stdout


def test_an_error_about_a_name_that_is_not_utf8(latin1_folder: Path) -> None:
    with open(os.fsencode(latin1_folder) + b"/bad\xe9.txt", "wb") as handle:
        handle.write(b"\x00\x01 binary")
    result = CliRunner().invoke(cli, ["scan", str(latin1_folder), "--format", "json"])
    assert result.exit_code == 2, result.exception  # not an encoding error's traceback
    assert "neardup: error: bad\\xe9.txt: binary file" in result.stderr
    [error] = json.loads(result.stdout_bytes.decode("utf-8"))["errors"]
    assert os.fsencode(error["path"]) == b"bad\xe9.txt"


@pytest.mark.parametrize("output_format", ["json", "jsonl", "html"])
def test_machine_outputs_stay_valid_utf8(latin1_folder: Path, output_format: str) -> None:
    result = CliRunner().invoke(
        cli, ["scan", str(latin1_folder), "--no-split", "--format", output_format]
    )
    assert result.exception is None, result.exception
    text = result.stdout_bytes.decode("utf-8")  # strict: raises on a raw byte
    if output_format == "html":
        assert r"caf\xe9.txt" in text
        return
    first = json.loads(text.splitlines()[0] if output_format == "jsonl" else text)
    clusters = [first] if output_format == "jsonl" else first["clusters"]
    ids = [member["id"] for member in clusters[0]["members"]]
    # The \udce9 escape reads back as the name Python gives the file, hence its bytes.
    assert os.fsencode(ids[1]) == LATIN1
    assert "\\udce9" in text


@pytest.mark.slow
def test_the_command_with_a_strict_utf8_stdout(latin1_folder: Path) -> None:
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for output_format in ("text", "json"):
        completed = subprocess.run(
            [sys.executable, "-m", "neardup", "scan", str(latin1_folder), "--no-split",
             "--format", output_format],
            capture_output=True, env=environment, check=False,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stderr
        assert b"Traceback" not in completed.stderr
        completed.stdout.decode("utf-8")


def test_diff_of_a_folder_is_an_error_naming_it(seeds_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / SEED_A).write_bytes((DATA / SEED_B).read_bytes())
    for arguments in ([seeds_dir, other], [seeds_dir / SEED_A, other]):
        result = CliRunner().invoke(cli, ["diff", *map(str, arguments)])
        assert result.exit_code == 2
        assert result.stdout == ""
        folder = arguments[0] if arguments[0].is_dir() else arguments[1]
        assert f"neardup: error: {folder}: is a folder" in result.stderr


def test_text_report_ends_with_a_legend_and_the_next_step(seeds_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(seeds_dir)])
    lines = result.stdout.splitlines()
    assert lines[-3].startswith("2 documents, 5 articles, ")
    legend, next_step = lines[-2], lines[-1]
    assert legend.startswith("legend: ")
    for term in ("#N", "[start, end)", "verified"):
        assert term in legend
    assert next_step.startswith("next: neardup dedup ")
    nothing = CliRunner().invoke(cli, ["scan", str(seeds_dir / SEED_A)])
    assert nothing.stdout.splitlines()[-1].startswith("no near-duplicates: ")


def test_counts_have_thousands_separators_and_spans_do_not(seeds_dir: Path) -> None:
    big = Stats(documents=12_240, articles=13_001, candidate_pairs=48_312,
                verified_pairs=20_417, clusters=9_876)  # fmt: skip
    report = scan_to_text(DedupResult(Config(), [], big))
    assert report.splitlines()[0] == (
        "no near-duplicates: 12,240 documents, 13,001 articles, 48,312 candidate pairs, "
        "20,417 verified, 9,876 clusters"
    )
    spans = CliRunner().invoke(cli, ["scan", str(seeds_dir)]).stdout
    assert "  [138, 7997)  1,290 words" in spans


@pytest.mark.slow
def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    page = tmp_path / "long.txt"
    page.write_text(
        "\n\n".join(
            f"Paragraph {n} tells a different part of the long story." for n in range(9000)
        ),
        encoding="utf-8",
    )
    command = subprocess.Popen(
        [sys.executable, "-m", "neardup", "strip", str(page)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert command.stdout is not None
    assert command.stderr is not None
    assert command.stdout.readline().startswith(b"Paragraph 0 ")
    command.stdout.close()  # as `| head -1` does
    errors = command.stderr.read()
    command.stderr.close()
    assert command.wait(timeout=60) == -signal.SIGPIPE
    assert errors == b""
