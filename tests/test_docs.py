from __future__ import annotations

import contextlib
import doctest
import io
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from neardup.cli import cli
from tests.doc_examples import (
    EXAMPLES,
    ROOT,
    Block,
    Command,
    PythonExample,
    normalised,
    read_page,
)

DOCS = ROOT / "docs"

# Every page a user reads. docs/cli.md is left out: it is generated from the commands'
# own help (test_cli_reference_is_current keeps it so) and holds synopses, not examples.
PAGES = [ROOT / "README.md", *sorted(set(DOCS.glob("*.md")) - {DOCS / "cli.md"})]
READ = {page: read_page(page) for page in PAGES}


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _example_id(example: PythonExample | Block) -> str:
    block = example.block if isinstance(example, PythonExample) else example
    return block.where


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder holding a copy of examples/, where a page's examples run."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    return tmp_path


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


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_block_is_an_example_or_says_why_not(page: Path) -> None:
    read = READ[page]
    assert [block.where for block in read.unaccounted] == [], (
        "a fenced block that is neither a Python example followed by 'Output:', a doctest, "
        "nor a '$ ' session; mark it '<!-- not tested: REASON -->' if it cannot run"
    )
    assert [block.where for block in read.not_tested if not block.reason_not_tested] == []


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_no_page_cites_a_file_outside_the_repository(page: Path) -> None:
    # The documents stand alone: contracts are stated in them, not in design notes
    # kept elsewhere.
    assert "DESIGN.md" not in page.read_text(encoding="utf-8")


DIARY = re.compile(
    r"\b(sessions?|sittings?|we tried|we measured|earlier we|this issue)\b|\b20\d\d-\d\d-\d\d\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_pages_are_reference_not_a_diary(page: Path) -> None:
    # History (what changed, when, by how much) belongs in CHANGELOG.md.
    found = [
        f"{page.name}:{number}: {match[0]}"
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1)
        for match in DIARY.finditer(line)
    ]
    assert found == [], "state current facts; history goes to CHANGELOG.md under its version"


PYTHON = [example for page in PAGES for example in READ[page].python]


@pytest.mark.parametrize("example", PYTHON, ids=_example_id)
def test_python_example_prints_what_the_page_shows(
    example: PythonExample, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    printed = io.StringIO()
    code = compile(example.block.text, example.block.where, "exec")
    with contextlib.redirect_stdout(printed):
        exec(code, {"__name__": "__main__"})
    assert normalised(printed.getvalue(), folder) == normalised(example.expected, folder)


DOCTESTS = [block for page in PAGES for block in READ[page].doctests]


@pytest.mark.parametrize("block", DOCTESTS, ids=_example_id)
def test_doctest_example(block: Block, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    test = doctest.DocTestParser().get_doctest(
        block.text, {}, block.where, str(block.page), block.line
    )
    report = io.StringIO()
    runner = doctest.DocTestRunner()
    runner.run(test, out=report.write)
    assert runner.failures == 0, report.getvalue()


def _shell_environment(bin_folder: Path) -> dict[str, str]:
    """The environment of a page's commands: `neardup` and `python` are this interpreter's."""
    bin_folder.mkdir()
    for name, target in (("neardup", f'"{sys.executable}" -m neardup'), ("python", sys.executable)):
        shim = bin_folder / name
        shim.write_text(f'#!/bin/sh\nexec {target} "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NEARDUP", "COLUMNS", "PYTHONWARNINGS"))
    }
    environment.update(PATH=f"{bin_folder}{os.pathsep}{os.environ['PATH']}", NO_COLOR="1")
    environment.update(LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
    return environment


def _run_command(command: Command, folder: Path, environment: dict[str, str]) -> str:
    ran = subprocess.run(
        ["bash", "-c", command.command],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    return ran.stdout


SESSIONS = [page for page in PAGES if READ[page].commands]


@pytest.mark.slow  # each command is a fresh process: about 50 s for all pages on 2 cores
@pytest.mark.parametrize("page", SESSIONS, ids=_page_id)
def test_shell_examples_print_what_the_page_shows(page: Path, folder: Path) -> None:
    # The commands of a page run in order in one folder, as a reader would type them.
    environment = _shell_environment(folder / ".bin")
    for command in READ[page].commands:
        printed = _run_command(command, folder, environment)
        assert normalised(printed, folder) == normalised(command.expected, folder), (
            f"{command.block.where}: $ {command.command}"
        )


def test_examples_are_told_apart_from_other_blocks(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nprint(1 + 1)\n```\n\nOutput:\n\n```text\n2\n```\n\n"
        "```python\nprint('| a |')\n```\n\nOutput:\n\n| a |\n\n"
        "```python\n>>> 1 + 1\n2\n```\n\n"
        "```console\n$ echo one\none\n$ true\n```\n\n"
        "<!-- not tested: a synopsis -->\n```\nneardup scan PATH\n```\n\n"
        "<!-- not tested:  -->\n```\nno reason\n```\n\n"
        "```json\n{}\n```\n\n"
        "```python\nx = 1\n```\n",
        encoding="utf-8",
    )
    read = read_page(page)
    assert [(example.block.line, example.expected) for example in read.python] == [
        (1, "2\n"),
        (11, "| a |\n"),
    ]
    assert [block.line for block in read.doctests] == [19]
    assert [(command.command, command.expected) for command in read.commands] == [
        ("echo one", "one\n"),
        ("true", ""),
    ]
    assert [(block.line, block.reason_not_tested) for block in read.not_tested] == [
        (31, "a synopsis"),
        (36, ""),
    ]
    assert [block.line for block in read.unaccounted] == [40, 44]


def test_normalised_output_ignores_only_what_legitimately_varies(tmp_path: Path) -> None:
    printed = f'neardup, version 9.9.9\n"neardup_version": "9.9.9"\n{tmp_path}/a.txt  \n\n'
    shown = 'neardup, version 0.2.0\n"neardup_version": "0.2.0"\na.txt'
    assert normalised(printed, tmp_path) == normalised(shown, tmp_path)
    assert normalised("2 candidate pairs", tmp_path) != normalised("1 candidate pair", tmp_path)


def _anchors(page: Path) -> set[str]:
    """The anchors GitHub gives a page's headings."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_links_between_pages_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    broken = []
    for target, anchor in re.findall(r"\]\(([^)#\s]*?\.md)?(?:#([^)\s]+))?\)", text):
        linked = (page.parent / target) if target else page
        if not linked.is_file() or (anchor and anchor not in _anchors(linked)):
            broken.append(f"{target}#{anchor}")
    assert broken == []
