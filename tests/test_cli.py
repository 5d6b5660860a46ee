from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import neardup
from neardup.cli import cli, main

from .conftest import SEED_A, SEED_B, story_paragraphs


def scan_json(*args: str) -> Any:
    result = CliRunner().invoke(cli, ["scan", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_scan_json_matches_the_contract(seeds_dir: Path) -> None:
    data = scan_json(str(seeds_dir))
    assert list(data) == [
        "schema_version", "neardup_version", "config", "stats", "clusters", "skipped", "errors",
    ]  # fmt: skip
    assert data["schema_version"] == 1
    assert data["neardup_version"] == neardup.__version__
    assert data["config"] == neardup.Config().to_dict()
    assert data["stats"] == {
        "documents": 2, "articles": 5, "empty": 0, "too_short": 0,
        "candidate_pairs": data["stats"]["candidate_pairs"],
        "verified_pairs": 1, "clusters": 1, "capped_buckets": 0,
    }  # fmt: skip
    story_start = (seeds_dir / SEED_A).read_text(encoding="utf-8").index("While North Korea")
    assert data["clusters"] == [
        {
            "id": 0,
            "keep": SEED_A,
            "members": [
                {"id": SEED_A, "path": SEED_A, "segment": None, "span": [story_start, 7997],
                 "jaccard": 1.0, "containment": 1.0, "aligned": 1.0},
                {"id": f"{SEED_B}#0", "path": SEED_B, "segment": 0, "span": [32, 7880],
                 "jaccard": 1.0, "containment": 1.0, "aligned": None},
            ],
        }
    ]  # fmt: skip
    assert data["errors"] == []


def test_scan_no_split_finds_the_pages_by_containment(seeds_dir: Path) -> None:
    data = scan_json(str(seeds_dir), "--no-split")
    (cluster,) = data["clusters"]
    members = {m["id"]: m for m in cluster["members"]}
    assert cluster["keep"] == SEED_B
    assert set(members) == {SEED_A, SEED_B}
    assert members[SEED_A]["jaccard"] < 0.5
    assert members[SEED_A]["containment"] > 0.9


@pytest.mark.parametrize(
    "output",
    [["--format", "json", "--diffs"], ["--format", "text", "--diffs"], ["--format", "html"]],
)
def test_a_streamed_scan_prints_what_a_scan_prints(seeds_dir: Path, output: list[str]) -> None:
    (seeds_dir / "unreadable.txt").write_bytes(b"\x00binary")
    whole = CliRunner().invoke(cli, ["scan", str(seeds_dir), *output])
    streamed = CliRunner().invoke(cli, ["scan", str(seeds_dir), "--stream", *output])
    assert streamed.exit_code == whole.exit_code == 2  # the unreadable file
    assert streamed.output == whole.output
    assert SEED_A in whole.output  # the cluster of the two seeds is reported


@pytest.mark.parametrize("output", [["--format", "text"], ["--format", "json", "--diffs"]])
def test_a_file_changed_before_a_streamed_report_is_an_error_naming_it(
    seeds_dir: Path, output: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reports read the copies' texts again; one changed since the scan cannot be reported.
    def find_then_change(*args: Any, **kwargs: Any) -> neardup.DedupResult:
        result = neardup.find_duplicates(*args, **kwargs)
        (seeds_dir / SEED_B).write_text("Rewritten after the scan.", encoding="utf-8")
        # As in a large scan, where the last texts read are other files'.
        neardup.documents._file_text.cache_clear()
        return result

    monkeypatch.setattr(neardup.cli, "find_duplicates", find_then_change)
    result = CliRunner().invoke(cli, ["scan", str(seeds_dir), "--stream", *output])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"neardup: error: {SEED_B}: changed while it was being scanned" in result.stderr


def test_options_reach_the_config(seeds_dir: Path) -> None:
    data = scan_json(
        str(seeds_dir), "--threshold", "0.9", "--containment", "0.95", "--num-perm", "64",
        "--shingle", "4", "--keep", "first", "--min-shingles", "5", "--seed", "9",
    )  # fmt: skip
    config = data["config"]
    assert config == {**neardup.Config().to_dict(), "threshold": 0.9, "containment": 0.95,
                      "num_perm": 64, "shingle_size": 4, "keep": "first", "min_shingles": 5,
                      "seed": 9}  # fmt: skip
    assert data["stats"]["clusters"] == 1


def test_text_report_lists_keep_then_copies(seeds_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(seeds_dir)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "cluster 1 of 1: 2 copies"
    assert lines[1].split()[:2] == ["keep", SEED_A]
    assert lines[2].split()[:2] == ["copy", f"{SEED_B}#0"]
    assert "jaccard 1.00" in lines[2]
    summary = lines[-3]  # then the legend and the next step
    assert summary.startswith("2 documents, 5 articles, ")
    assert summary.endswith(" 1 verified, 1 cluster")


def test_unreadable_input_is_listed_and_exits_2(seeds_dir: Path) -> None:
    (seeds_dir / "bad.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    result = CliRunner().invoke(cli, ["scan", str(seeds_dir), "--format", "json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["errors"] == [
        {
            "path": "bad.txt",
            "error": "not valid UTF-8 (byte 0x80 at offset 0) and no encoding detected",
        }
    ]
    assert data["stats"]["clusters"] == 1
    assert "neardup: error: bad.txt: not valid UTF-8" in result.stderr
    kept_going = CliRunner().invoke(cli, ["scan", str(seeds_dir), "--keep-going"])
    assert kept_going.exit_code == 0


def test_bad_option_values_exit_2_naming_the_setting(seeds_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(seeds_dir), "--threshold", "3"])
    assert result.exit_code == 2
    assert "'threshold' must be a number in (0, 1] (got 3.0)" in result.stderr
    assert main(["scan", str(seeds_dir), "--keep", "nope"]) == 2


def test_stdin_jsonl(tmp_path: Path) -> None:
    story = "\n\n".join(story_paragraphs())
    lines = [json.dumps({"id": name, "text": story}) for name in ("x", "y")]
    result = CliRunner().invoke(cli, ["scan", "-", "--format", "json"], input="\n".join(lines))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [m["id"] for m in data["clusters"][0]["members"]] == ["x", "y"]
    assert data["clusters"][0]["members"][1]["path"] == "-"


def test_main_returns_exit_codes(seeds_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(seeds_dir), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["stats"]["clusters"] == 1
    assert main(["scan", str(seeds_dir / "nope")]) == 2


@pytest.mark.slow
def test_installed_command_is_byte_identical_across_runs_and_hash_seeds(seeds_dir: Path) -> None:
    command = shutil.which("neardup", path=os.path.dirname(sys.executable)) or shutil.which(
        "neardup"
    )
    assert command, "the neardup console script is not installed"
    outputs = set()
    for hash_seed in ("0", "1", "4242", "0"):
        completed = subprocess.run(
            [command, "scan", str(seeds_dir), "--format", "json"],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            check=True,
        )
        outputs.add(completed.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["stats"]["clusters"] == 1


@pytest.mark.slow
def test_python_dash_m_entry_point(seeds_dir: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "neardup", "scan", str(seeds_dir), "--no-split"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("cluster 1 of 1: 2 copies")


def test_jsonl_prints_one_cluster_a_line(seeds_dir: Path) -> None:
    whole = scan_json(str(seeds_dir))
    result = CliRunner().invoke(cli, ["scan", str(seeds_dir), "--format", "jsonl"])
    assert result.exit_code == 0
    assert [json.loads(line) for line in result.stdout.splitlines()] == whole["clusters"]


def test_jobs_give_byte_identical_output(tmp_path: Path) -> None:
    story = story_paragraphs()
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(150):  # enough documents for several chunks of work
        text = "\n\n".join([*story[number % 7 :], f"Story number {number} ends here today."])
        (folder / f"doc{number:03}.txt").write_text(text, encoding="utf-8")
    outputs = {
        CliRunner().invoke(cli, ["scan", str(folder), "--format", "json", "--jobs", jobs]).stdout
        for jobs in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["stats"]["clusters"] >= 1


def test_no_progress_display_when_stderr_is_not_a_terminal(seeds_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(seeds_dir)])
    assert result.stderr == ""
    # pytest's logging plugin holds the logging module, so run the real command.
    verbose = subprocess.run(
        [sys.executable, "-m", "neardup", "scan", str(seeds_dir), "-v"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "neardup: 2 documents, 5 articles (5 compared); LSH 64 bands x 2 rows" in verbose.stderr
    assert "\r" not in verbose.stderr  # no progress display: stderr is not a terminal
