from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

from neardup.cli import cli

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_cli_reference_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["cli_reference.py"])
    namespace = runpy.run_path(str(DOCS / "cli_reference.py"))
    assert namespace["reference"]() == (DOCS / "cli.md").read_text(encoding="utf-8"), (
        "docs/cli.md is stale: run python docs/cli_reference.py > docs/cli.md"
    )


def test_every_command_and_option_is_documented() -> None:
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert f"## `neardup {name}`" in reference
        for parameter in command.params:
            for flag in getattr(parameter, "opts", []):
                if flag.startswith("-"):
                    assert f"`{flag}`" in reference, (name, flag)


def test_every_command_appears_in_the_tour() -> None:
    tour = (DOCS / "tour.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"neardup {name}" in tour, name


def test_every_test_the_safety_page_names_exists() -> None:
    import re

    page = (DOCS / "safety.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(test_\w+)`", page))
    tests = Path(__file__).parent
    defined = {
        name
        for path in tests.glob("test_*.py")
        for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M)
    }
    assert len(named) > 15
    assert named <= defined, named - defined
