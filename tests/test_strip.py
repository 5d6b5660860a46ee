from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from neardup.cli import cli

from .conftest import SEED_A, SEED_B, story_paragraphs
from .test_boilerplate import FURNITURE_A, FURNITURE_B


def test_strip_jsonl_spans_point_at_the_dropped_lines(seeds_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["strip", str(seeds_dir), "--format", "jsonl"])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["path"]) for r in records] == [(SEED_A, SEED_A), (SEED_B, SEED_B)]
    for record, furniture in zip(records, (FURNITURE_A, FURNITURE_B), strict=True):
        original = (seeds_dir / record["path"]).read_text(encoding="utf-8")
        dropped = {original[s:e].strip() for s, e in (d["span"] for d in record["dropped"])}
        assert set(furniture) <= dropped
        assert all(d["reason"] for d in record["dropped"])
        for paragraph in story_paragraphs():
            first_line = paragraph.splitlines()[0]
            if first_line != "photo-slider visualization":
                assert first_line in record["text"]


def test_strip_text_of_one_file_is_just_the_text(seeds_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["strip", str(seeds_dir / SEED_A)])
    assert result.exit_code == 0
    assert result.stdout.startswith("While North Korea has been supplying weapons")
    assert "Products You May Like" not in result.stdout
    assert "==>" not in result.stdout


def test_strip_explain_marks_each_line(seeds_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["strip", str(seeds_dir / SEED_B), "--explain"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "- Connect with us  [page furniture 'Connect with us']"
    assert lines[3].startswith("+ While North Korea")
    assert "- Trending  [list header 'Trending']" in lines
    assert all(line[:2] in ("+ ", "- ") for line in lines)


def test_strip_reports_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00binary")
    result = CliRunner().invoke(cli, ["strip", str(tmp_path)])
    assert result.exit_code == 2
    assert "bad.txt: binary file" in result.stderr
