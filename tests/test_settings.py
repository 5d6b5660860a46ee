from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from neardup import ConfigError
from neardup.cli import cli
from neardup.settings import find_settings


def test_settings_are_found_upward_and_flags_win(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "corpus"\n\n[tool.neardup]\nthreshold = 0.9\nkeep = "first"\n'
        "min-shingles = 10\n",
        encoding="utf-8",
    )
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    result = CliRunner().invoke(cli, ["config", "--format", "json", "--keep", "shortest"])
    assert result.exit_code == 0, result.output
    settings = json.loads(result.stdout)
    source = f"{tmp_path / 'pyproject.toml'} [tool.neardup]"
    assert settings["threshold"] == {"value": 0.9, "source": source}
    assert settings["min_shingles"] == {"value": 10, "source": source}
    assert settings["keep"] == {"value": "shortest", "source": "command line"}
    assert settings["containment"] == {"value": 0.8, "source": "default"}
    scanned = CliRunner().invoke(cli, ["scan", str(seeds_dir), "--format", "json"])
    assert json.loads(scanned.stdout)["config"]["threshold"] == 0.9


def test_neardup_toml_comes_before_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.neardup]\nthreshold = 0.9\n", encoding="utf-8")
    (tmp_path / "neardup.toml").write_text("threshold = 0.6\n", encoding="utf-8")
    found = find_settings(tmp_path)
    assert found.values == {"threshold": 0.6}
    assert found.source == str(tmp_path / "neardup.toml")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("treshold = 0.5\n", "unknown setting 'treshold'"),
        ("threshold = 5\n", "'threshold' must be a number in (0, 1] (got 5)"),
        ("include = '*.txt'\n", "'include' must be a list of globs"),
        ("threshold = \n", "cannot read settings"),
    ],
)
def test_bad_settings_files_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "neardup.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        find_settings(tmp_path)
    assert str(tmp_path / "neardup.toml") in str(caught.value)
    assert message in str(caught.value)


def test_a_bad_settings_file_stops_the_command_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "neardup.toml").write_text("keep = 'biggest'\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["scan", "."])
    assert result.exit_code == 2
    assert "'keep' must be one of" in result.stderr
