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
from dataclasses import dataclass

import regex

from neardup.boilerplate import (
    KEY_MAX_CHARS,
    CleanText,
    LineTable,
    RepeatedLines,
    build,
    classify,
    clean_part,
)
from neardup.documents import Document

_SEPARATOR = re.compile(
    r"continue reading|read more|read next|next (article|story)|up next|more stories"
)
_BYLINE = regex.compile(
    r"published|posted|updated|on|by|by [\p{L}.' -]{2,60}"
    r"|(published|posted|updated)( on)? .{0,40}\d.{0,40}"
)
# The longest separator: longer keys are not tried against the pattern.
_SEPARATOR_MAX_CHARS = len("continue reading")
# The longest byline: "published on ", 40 characters, a digit, 40 more.
_BYLINE_MAX_CHARS = len("published on ") + 40 + 1 + 40
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
    table = LineTable(document.text)
    reasons = classify(table, repeated)
    bounds = _article_bounds(table) if split else [0]
    # Each part's own rules write into ``reasons``; a page left with no text at all is
    # reported with the first pass's reasons.
    classified = list(reasons) if len(bounds) > 1 else reasons
    parts = []
    for index, start in enumerate(bounds):
        end = bounds[index + 1] if index + 1 < len(bounds) else len(table)
        cleaned = clean_part(table, reasons, start, end, main_stretch=document.kind == "text")
        if cleaned.pieces or len(bounds) == 1:
            parts.append(cleaned)
    if not parts:
        parts.append(build(table, classified))
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


def _article_bounds(table: LineTable) -> list[int]:
    """Line indices where articles start.

    An article starts at 0; at a separator ("Continue Reading") followed within a few
    lines by a byline; and at a header block (title-like lines, then a byline stub)
    that comes after a full article's worth of running text, as when a page repeats
    its header block for each story it holds.
    """
    keys, sentence_like = table.keys, table.sentence_like
    bounds = [0]
    words_since = 0
    for index, key in enumerate(keys):
        if not key:
            continue
        if len(key) <= _SEPARATOR_MAX_CHARS and _SEPARATOR.fullmatch(key):
            following = [i for i in range(index + 1, len(keys)) if keys[i]][:_HEADER_REACH]
            if any(_BYLINE.fullmatch(keys[i]) for i in following):
                bounds.append(index)
                words_since = 0
                continue
        if (
            words_since >= _MIN_ARTICLE_WORDS
            and len(key) <= _BYLINE_MAX_CHARS
            and _BYLINE.fullmatch(key)
        ):
            start = _header_start(table, index, bounds[-1])
            if start > bounds[-1]:
                bounds.append(start)
                words_since = 0
                continue
        if sentence_like[index]:
            # A short line's key has single spaces; a long line's has the line's words.
            long = len(table.raw[index]) > KEY_MAX_CHARS
            words_since += table.words[index] if long else key.count(" ") + 1
    return bounds


def _header_start(table: LineTable, byline: int, floor: int) -> int:
    """The first line of the header block whose byline stub is at ``byline``."""
    start = byline
    index = byline - 1
    taken = 0
    while index > floor and taken < _HEADER_REACH:
        if table.keys[index]:
            if table.sentence_like[index]:
                break
            start = index
            taken += 1
        index -= 1
    return start
