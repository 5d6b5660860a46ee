"""Splitting pages that hold several articles into their articles.

Aggregator pages append other stories after the one they are about, each introduced by a
separator line ("Continue Reading", "Read more", "Up next") and a header block: a section
label, the title, and byline stubs ("Published", "on", "By", a date). A separator counts
only when such a byline follows within a few lines, so "Read more" links inside one
article do not cut it. Each article is cleaned on its own; its span runs from its first
kept line to its last, in the page's original text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from neardup.boilerplate import (
    CleanText,
    Line,
    RepeatedLines,
    build,
    classify,
    drop_head_labels,
    is_sentence_like,
    line_key,
    select_main_text,
    split_lines,
)
from neardup.documents import Document

_SEPARATOR = re.compile(
    r"continue reading|read more|read next|next (article|story)|up next|more stories"
)
_BYLINE = regex.compile(
    r"published|posted|updated|on|by|by [\p{L}.' -]{2,60}"
    r"|(published|posted|updated)( on)? .{0,40}\d.{0,40}"
)
# How many non-blank lines after a separator may pass before its byline.
_HEADER_REACH = 6
# Running text an article needs before a new header block can start another article.
_MIN_ARTICLE_WORDS = 100


@dataclass(frozen=True, slots=True)
class Article:
    """One article of a document.

    Attributes:
        id: The document's id, or ``"<document id>#<k>"`` when the document was split
            into more than one article.
        document: The id of the document it is in.
        path: The document's path.
        segment: ``k`` for the k-th article of a split document, else ``None``.
        clean: The article's cleaned text and its map to the document's text.
        mtime: The document's modification time, if known.
    """

    id: str
    document: str
    path: str
    segment: int | None
    clean: CleanText
    mtime: float | None = None

    @property
    def text(self) -> str:
        """The cleaned article text."""
        return self.clean.text

    @property
    def span(self) -> tuple[int, int]:
        """``[start, end)`` of the article in the document's original text."""
        return self.clean.span


def split_articles(
    document: Document, *, split: bool = True, repeated: RepeatedLines | None = None
) -> list[Article]:
    """Clean a document and split it into its articles.

    Args:
        document: The document.
        split: Whether to split pages that hold several articles; with ``False`` the
            whole document is one article.
        repeated: Lines learnt from the corpus as boilerplate, if any.

    Returns:
        The articles in page order. Parts left empty by cleaning are not articles; a
        document with no text left gives one empty article (so it can be reported).
    """
    lines = split_lines(document.text)
    keys = [line_key(line.text) for line in lines]
    reasons = classify(lines, repeated, keys)
    bounds = _article_bounds(lines, keys) if split else [0]
    parts = []
    for index, start in enumerate(bounds):
        end = bounds[index + 1] if index + 1 < len(bounds) else len(lines)
        part_lines = lines[start:end]
        part_reasons = list(reasons[start:end])
        select_main_text(
            part_lines, part_reasons, main_stretch=document.kind == "text", keys=keys[start:end]
        )
        drop_head_labels(part_lines, part_reasons)
        cleaned = build(document.text, part_lines, part_reasons)
        if cleaned.text or len(bounds) == 1:
            parts.append(cleaned)
    if not parts:
        parts.append(build(document.text, lines, reasons))
    single = len(parts) == 1
    return [
        Article(
            id=document.id if single else f"{document.id}#{k}",
            document=document.id,
            path=document.path,
            segment=None if single else k,
            clean=cleaned,
            mtime=document.mtime,
        )
        for k, cleaned in enumerate(parts)
    ]


def _article_bounds(lines: Sequence[Line], keys: Sequence[str]) -> list[int]:
    """Line indices where articles start.

    An article starts at 0; at a separator ("Continue Reading") followed within a few
    lines by a byline; and at a header block (title-like lines, then a byline stub)
    that comes after a full article's worth of running text, as when a page repeats
    its header block for each story it holds.
    """
    bounds = [0]
    words_since = 0
    for index, key in enumerate(keys):
        if not key:
            continue
        if _SEPARATOR.fullmatch(key):
            following = [i for i in range(index + 1, len(lines)) if keys[i]][:_HEADER_REACH]
            if any(_BYLINE.fullmatch(keys[i]) for i in following):
                bounds.append(index)
                words_since = 0
                continue
        if _BYLINE.fullmatch(key) and words_since >= _MIN_ARTICLE_WORDS:
            start = _header_start(lines, keys, index, bounds[-1])
            if start > bounds[-1]:
                bounds.append(start)
                words_since = 0
                continue
        if is_sentence_like(lines[index].text):
            words_since += len(key.split())
    return bounds


def _header_start(lines: Sequence[Line], keys: Sequence[str], byline: int, floor: int) -> int:
    """The first line of the header block whose byline stub is at ``byline``."""
    start = byline
    index = byline - 1
    taken = 0
    while index > floor and taken < _HEADER_REACH:
        if keys[index]:
            if is_sentence_like(lines[index].text):
                break
            start = index
            taken += 1
        index -= 1
    return start
