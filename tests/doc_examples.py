"""The examples in the documentation, found in its Markdown and run as the reader would.

Every fenced block of a page is one of:

- a Python example: a ``python`` block followed by a line ``Output:`` and then a fenced
  block or a Markdown table, which is what the code must print;
- a doctest: a ``python`` block of ``>>>`` lines and their output;
- a shell session: a block whose first line starts with ``$ ``; each ``$`` line is one
  command (run by bash, in one folder per page, so later commands see the files earlier
  ones made), and the lines up to the next ``$`` line are what it prints (stdout and
  stderr together);
- the output of the Python example above it;
- marked ``<!-- not tested: REASON -->`` on the line above its fence (synopses, JSON
  shapes, formulas, installs, long benchmarks).

Anything else is an error, reported by ``tests/test_docs.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

NOT_TESTED = re.compile(r"^<!-- not tested: (?P<reason>.*?) -->$")
_FENCE = re.compile(r"^```(?P<info>[\w+-]*)\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block of a page.

    Attributes:
        page: The Markdown file.
        line: The 1-based line of the opening fence.
        info: The fence's language (``python``, ``console``, ``json``, or empty).
        text: The lines between the fences, with a final line break.
        above: The nearest non-blank line above the fence.
        below: The page's lines after the closing fence.
    """

    page: Path
    line: int
    info: str
    text: str
    above: str
    below: tuple[str, ...]

    @property
    def where(self) -> str:
        """``docs/page.md:LINE``, for messages."""
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def reason_not_tested(self) -> str | None:
        """The reason given above the block for not testing it, if any."""
        match = NOT_TESTED.match(self.above)
        return match["reason"].strip() if match else None


@dataclass(frozen=True)
class PythonExample:
    """A Python block and what it must print."""

    block: Block
    expected: str


@dataclass(frozen=True)
class Command:
    """One ``$`` line of a shell session and what it must print."""

    block: Block
    command: str
    expected: str


@dataclass(frozen=True)
class Page:
    """A page's examples, sorted by kind, and the blocks that are none of them."""

    path: Path
    python: tuple[PythonExample, ...]
    doctests: tuple[Block, ...]
    commands: tuple[Command, ...]
    not_tested: tuple[Block, ...]
    unaccounted: tuple[Block, ...]


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of a Markdown page, in order.

    Raises:
        ValueError: A fence is never closed.
    """
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end] != "```":
            end += 1
        if end == len(lines):
            raise ValueError(f"{page}:{index + 1}: fence never closed")
        above = next((line for line in reversed(lines[:index]) if line.strip()), "")
        body = "".join(line + "\n" for line in lines[index + 1 : end])
        found.append(Block(page, index + 1, opening["info"], body, above, tuple(lines[end + 1 :])))
        index = end + 1
    return found


def read_page(page: Path) -> Page:
    """Sort a page's blocks into examples, untested blocks and unaccounted ones."""
    python: list[PythonExample] = []
    doctests: list[Block] = []
    commands: list[Command] = []
    not_tested: list[Block] = []
    unaccounted: list[Block] = []
    outputs: set[int] = set()  # lines of blocks that are a Python example's output
    for block in blocks(page):
        if block.line in outputs:
            continue
        if block.reason_not_tested is not None:
            not_tested.append(block)
        elif block.info == "python" and block.text.lstrip().startswith(">>>"):
            doctests.append(block)
        elif block.info == "python":
            expected, output_line = _output_below(block)
            if expected is None:
                unaccounted.append(block)
            else:
                python.append(PythonExample(block, expected))
                if output_line is not None:
                    outputs.add(output_line)
        elif block.text.startswith("$ "):
            commands.extend(_commands(block))
        else:
            unaccounted.append(block)
    return Page(
        page, tuple(python), tuple(doctests), tuple(commands), tuple(not_tested), tuple(unaccounted)
    )


def _output_below(block: Block) -> tuple[str | None, int | None]:
    """What follows ``Output:`` below a Python block, and the line of its fence if fenced."""
    rest = [(number, line) for number, line in enumerate(block.below) if line.strip()]
    if len(rest) < 2 or rest[0][1] != "Output:":
        return None, None
    start, first = rest[1]
    fence_line = block.line + block.text.count("\n") + 2 + start  # 1-based
    if _FENCE.match(first):
        end = block.below.index("```", start + 1)
        return "".join(line + "\n" for line in block.below[start + 1 : end]), fence_line
    if first.startswith("|"):
        table = []
        for line in block.below[start:]:
            if not line.startswith("|"):
                break
            table.append(line + "\n")
        return "".join(table), None
    return None, None


def _commands(block: Block) -> list[Command]:
    found: list[Command] = []
    command = ""
    expected: list[str] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            if command:
                found.append(Command(block, command, "".join(expected)))
            command, expected = line[2:], []
        else:
            expected.append(line + "\n")
    found.append(Command(block, command, "".join(expected)))
    return found


def normalised(output: str, folder: Path) -> str:
    """Output with what legitimately varies between runs made the same.

    - The version: ``neardup, version 0.2.0`` and ``"neardup_version": "0.2.0"`` become
      ``VERSION``, so a release does not have to edit every page.
    - The folder the example ran in (a temporary one) is dropped from paths.
    - Trailing spaces are dropped from every line, and blank lines from the end: Markdown
      editors strip them, and a terminal shows none.
    - Durations a command reports (``in 0.04 s``) become ``in SECONDS s``.
    """
    output = output.replace(f"{folder}/", "").replace(str(folder), ".")
    output = re.sub(r'(neardup, version |"neardup_version": ")[^"\s]+', r"\1VERSION", output)
    output = re.sub(r"\bin \d+(\.\d+)? s\b", "in SECONDS s", output)
    lines = [line.rstrip() for line in output.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)
