"""The diff does not depend on how each copy breaks its lines and paragraphs."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup.cli import cli
from neardup.diff import SegmentDiff, diff

from .conftest import story_paragraphs

FORMATS = ("blank", "lines", "wrapped", "crlf")
Span = tuple[int, int]


def render(paragraphs: Sequence[str], form: str, width: int = 70) -> tuple[str, list[Span]]:
    """The paragraphs written in one format, and each paragraph's span in the result.

    ``blank``: blank lines between paragraphs; ``lines``: one line per paragraph;
    ``wrapped``: hard-wrapped at ``width`` columns, blank lines between paragraphs;
    ``crlf``: as ``blank`` with CRLF line ends.
    """
    newline = "\r\n" if form == "crlf" else "\n"
    separator = newline if form == "lines" else newline * 2
    parts: list[str] = []
    spans: list[Span] = []
    position = 0
    for paragraph in paragraphs:
        text = textwrap.fill(paragraph, width) if form == "wrapped" else paragraph
        if parts:
            parts.append(separator)
            position += len(separator)
        spans.append((position, position + len(text)))
        parts.append(text)
        position += len(text)
    return "".join(parts) + newline, spans


def reported(result: SegmentDiff, spans: Sequence[Span], side: str) -> set[int]:
    """Indices of the paragraphs that a non-equal segment covers on one side."""
    changed = [
        getattr(segment, f"{side}_span") for segment in result.segments if segment.op != "equal"
    ]
    return {
        index
        for index, (start, end) in enumerate(spans)
        if any(span and span[0] < end and start < span[1] for span in changed)
    }


def assert_spans_slice_originals(result: SegmentDiff, a: str, b: str) -> None:
    for segment in result.segments:
        if segment.a_span:
            assert a[slice(*segment.a_span)] == segment.a_text
        if segment.b_span:
            assert b[slice(*segment.b_span)] == segment.b_text
        for word in segment.words:
            if word.a_span:
                assert a[slice(*word.a_span)] == word.a_text
            if word.b_span:
                assert b[slice(*word.b_span)] == word.b_text


def article() -> list[str]:
    """A real 40-paragraph article (the Sky News story, one-line paragraphs)."""
    return [p for p in story_paragraphs() if "\n" not in p][:40]


def edited_copy() -> tuple[list[str], list[str], set[int], set[int]]:
    """The article, a copy with known edits, and which paragraphs of each truly changed.

    Copy b: words changed in paragraphs 2 and 12, paragraph 20 dropped, a paragraph
    added after 33; paragraph 18 split in two and paragraphs 24 and 25 merged, which
    are not changes.
    """
    original = article()
    copy: list[str] = []
    b_changed: set[int] = set()
    for index, paragraph in enumerate(original):
        if index == 2:
            b_changed.add(len(copy))
            copy.append(paragraph.replace("press release", "statement"))
        elif index == 12:
            b_changed.add(len(copy))
            copy.append(paragraph.replace("too grainy", "too blurred"))
        elif index == 18:
            first, second = paragraph.split(". ", 1)
            copy.extend([first + ".", second])
        elif index == 20:
            continue
        elif index == 24:
            copy.append(paragraph + " " + original[25])
        elif index == 25:
            continue
        else:
            copy.append(paragraph)
        if index == 33:
            b_changed.add(len(copy))
            copy.append("The regional paper added this paragraph about local reaction to it.")
    return original, copy, {2, 12, 20}, b_changed


@pytest.mark.parametrize(("a_format", "b_format"), list(itertools.product(FORMATS, repeat=2)))
def test_only_edited_paragraphs_are_reported_in_every_pair_of_formats(
    a_format: str, b_format: str
) -> None:
    original, copy, a_changed, b_changed = edited_copy()
    a, a_spans = render(original, a_format, width=64)
    b, b_spans = render(copy, b_format, width=78)
    result = diff(a, b)
    assert reported(result, a_spans, "a") == a_changed
    assert reported(result, b_spans, "b") == b_changed
    assert_spans_slice_originals(result, a, b)
    replaced = [s for s in result.segments if s.op == "replace"]
    changes = [(w.a_text, w.b_text) for s in replaced for w in s.words]
    assert changes == [("press release,", "statement,"), ("grainy", "blurred")]


def test_blank_line_paragraphs_against_one_line_paragraphs_mark_two_paragraphs() -> None:
    """The issue's example: 40 paragraphs, blank lines against none, two edited."""
    original = article()
    copy = list(original)
    copy[5] = copy[5].replace("around", "about")
    copy[33] = copy[33].replace("battlefield", "front")
    a, _ = render(original, "blank")
    b, _ = render(copy, "lines")
    result = diff(a, b, raw=True)
    changed = [s for s in result.segments if s.op != "equal"]
    assert [s.op for s in changed] == ["replace", "replace"]
    assert [s.a_text for s in changed] == [original[5], original[33]]
    assert [s.b_text for s in changed] == [copy[5], copy[33]]


def test_text_output_marks_only_the_edited_paragraph(tmp_path: Path) -> None:
    original = article()
    copy = list(original)
    copy[9] = copy[9].replace("soldiers", "men")
    (tmp_path / "a.txt").write_text(render(original, "blank")[0], encoding="utf-8")
    (tmp_path / "b.txt").write_text(render(copy, "lines")[0], encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert result.exit_code == 1
    marked = [line for line in result.stdout.splitlines() if line[:2] in ("~ ", "- ", "+ ")]
    assert marked == [f"~ {original[9].replace('soldiers', '[-soldiers-]{+men+}')}"]


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8)


@st.composite
def articles(draw: st.DrawFn) -> list[str]:
    """3-8 paragraphs of 20-40 words, no word used twice (so each edit has one place)."""
    sizes = draw(st.lists(st.integers(20, 40), min_size=3, max_size=8))
    words = draw(st.lists(WORD, min_size=sum(sizes), max_size=sum(sizes), unique=True))
    starts = list(itertools.accumulate(sizes, initial=0))
    return [" ".join(words[start:end]) + "." for start, end in itertools.pairwise(starts)]


@settings(max_examples=60, deadline=None)
@given(
    paragraphs=articles(),
    formats=st.tuples(st.sampled_from(FORMATS), st.sampled_from(FORMATS)),
    width=st.integers(60, 80),
    data=st.data(),
)
def test_segments_cover_both_texts_and_name_only_edited_paragraphs(
    paragraphs: list[str], formats: tuple[str, str], width: int, data: st.DataObject
) -> None:
    edited = data.draw(st.sets(st.integers(0, len(paragraphs) - 1), max_size=2))
    copy = [
        p.replace(" ", " EDITED ", 1) if index in edited else p
        for index, p in enumerate(paragraphs)
    ]
    a, a_spans = render(paragraphs, formats[0], width)
    b, b_spans = render(copy, formats[1], width)
    result = diff(a, b, raw=True)
    assert_spans_slice_originals(result, a, b)
    for side, text in (("a", a), ("b", b)):
        spans = [getattr(s, f"{side}_span") for s in result.segments]
        spans = [span for span in spans if span is not None]
        # In order, not overlapping, and every word of the text inside one of them.
        assert all(x[1] <= y[0] for x, y in itertools.pairwise(spans))
        covered = " ".join(text[start:end] for start, end in spans)
        assert covered.split() == text.split()
    assert reported(result, a_spans, "a") == edited
    assert reported(result, b_spans, "b") == edited
