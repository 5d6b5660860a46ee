"""What differs between two copies: paragraphs aligned first, then words inside them.

Paragraphs (blocks of kept lines between blank or dropped lines) are compared by their
normalised words, so re-wrapped lines, curly versus straight quotes, case and spacing are
not differences. The paragraph sequences are aligned with rapidfuzz's Indel (longest
common subsequence) opcodes; inside each stretch that differs, a paragraph of one copy
is paired with a similar paragraph of the other (a ``replace``, diffed word by word),
and the rest are ``delete`` (only in a) or ``insert`` (only in b). Every span is a
``[start, end)`` code-point range into the original texts, so slicing the original with
it gives the reported text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import regex
from rapidfuzz.distance import Indel

from neardup.boilerplate import CleanText, clean, keep_all
from neardup.normalize import normalize
from neardup.segment import Article
from neardup.shingles import shingle_set
from neardup.verify import similarity

Op = Literal["equal", "delete", "insert", "replace"]
Span = tuple[int, int]

# Paired paragraphs must share at least this share of their words (Indel similarity);
# below it, one copy dropped a paragraph and the other added an unrelated one.
_REPLACE_SIMILARITY = 0.5
# A stretch of several paragraphs on each side, none pairing one to one, is still one
# rewritten passage when this share of its words agree.
_STRETCH_SIMILARITY = 0.3
_WORD = regex.compile(r"\S+")
_PARAGRAPH_BREAK = regex.compile(r"\n\s*\n")


@dataclass(frozen=True)
class WordChange:
    """A change between the words of two paired paragraphs.

    ``a_position`` is where in a the change applies (for an insert, where b's words go).
    """

    op: Op
    a_span: Span | None
    b_span: Span | None
    a_text: str | None
    b_text: str | None
    a_position: int = 0


@dataclass(frozen=True)
class Segment:
    """One aligned piece of the two texts.

    Attributes:
        op: ``equal``, ``delete`` (only in a), ``insert`` (only in b) or ``replace``.
        a_span: Its span in a's original text (``None`` for an insert).
        b_span: Its span in b's original text (``None`` for a delete).
        a_text: ``a[a_span]`` (``None`` for an insert).
        b_text: ``b[b_span]`` (``None`` for a delete).
        words: For a replace, the word-level changes (equal words left out).
    """

    op: Op
    a_span: Span | None
    b_span: Span | None
    a_text: str | None
    b_text: str | None
    words: tuple[WordChange, ...] = ()


@dataclass(frozen=True)
class SegmentDiff:
    """The differences between two texts.

    Attributes:
        a: Name of the first text.
        b: Name of the second text.
        jaccard: Jaccard similarity of their shingle sets (after cleaning).
        containment_a_in_b: Share of a's shingles found in b.
        containment_b_in_a: Share of b's shingles found in a.
        segments: The aligned segments, in order.
        boilerplate_a: Spans cleaning removed from a.
        boilerplate_b: Spans cleaning removed from b.
    """

    a: str
    b: str
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    segments: tuple[Segment, ...]
    boilerplate_a: tuple[Span, ...] = field(default=())
    boilerplate_b: tuple[Span, ...] = field(default=())

    @property
    def same(self) -> bool:
        """Whether the copies have the same content (every segment is equal)."""
        return all(segment.op == "equal" for segment in self.segments)


@dataclass(frozen=True)
class _Paragraph:
    span: Span
    key: str


def paragraphs(clean: CleanText) -> list[_Paragraph]:
    """The paragraphs of a cleaned text, with their spans in the original text."""
    result = []
    start = 0
    text = clean.text
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match is not None else len(text)
        if text[start:end].strip():
            span = (clean.to_original(start), clean.to_original(end))
            words = _WORD.findall(normalize(text[start:end]))
            result.append(_Paragraph(span, " ".join(words)))
        if match is not None:
            start = match.end()
    return result


def diff_clean(
    a: CleanText,
    b: CleanText,
    *,
    a_name: str = "a",
    b_name: str = "b",
    shingle_size: int = 5,
    seed: int = 1,
) -> SegmentDiff:
    """Diff two cleaned texts (see :func:`neardup.diff`)."""
    a_paragraphs, b_paragraphs = paragraphs(a), paragraphs(b)
    opcodes = Indel.opcodes([p.key for p in a_paragraphs], [p.key for p in b_paragraphs])
    segments: list[Segment] = []
    pending: list[tuple[int, int, int, int]] = []
    for opcode in opcodes:
        if opcode.tag == "equal":
            segments.extend(_changed(a, b, a_paragraphs, b_paragraphs, pending))
            pending = []
            for offset in range(opcode.src_end - opcode.src_start):
                a_span = a_paragraphs[opcode.src_start + offset].span
                b_span = b_paragraphs[opcode.dest_start + offset].span
                segments.append(
                    Segment("equal", a_span, b_span, _slice(a, a_span), _slice(b, b_span))
                )
        else:
            pending.append((opcode.src_start, opcode.src_end, opcode.dest_start, opcode.dest_end))
    segments.extend(_changed(a, b, a_paragraphs, b_paragraphs, pending))
    jaccard, a_in_b, b_in_a = similarity(
        shingle_set(a.text, shingle_size, seed), shingle_set(b.text, shingle_size, seed)
    )
    return SegmentDiff(
        a=a_name,
        b=b_name,
        jaccard=jaccard,
        containment_a_in_b=a_in_b,
        containment_b_in_a=b_in_a,
        segments=tuple(segments),
        boilerplate_a=tuple(item.span for item in a.dropped),
        boilerplate_b=tuple(item.span for item in b.dropped),
    )


def _slice(clean: CleanText, span: Span) -> str:
    return clean.original[span[0] : span[1]]


def _changed(
    a: CleanText,
    b: CleanText,
    a_paragraphs: Sequence[_Paragraph],
    b_paragraphs: Sequence[_Paragraph],
    pending: Sequence[tuple[int, int, int, int]],
) -> list[Segment]:
    """Segments for a stretch where the paragraph sequences differ."""
    if not pending:
        return []
    a_side = list(range(pending[0][0], pending[-1][1]))
    b_side = list(range(pending[0][2], pending[-1][3]))
    segments: list[Segment] = []
    next_b = 0
    for a_index in a_side:
        match = _best_partner(a_paragraphs[a_index], b_paragraphs, b_side[next_b:])
        if match is None:
            span = a_paragraphs[a_index].span
            segments.append(Segment("delete", span, None, _slice(a, span), None))
            continue
        while b_side[next_b] != match:
            span = b_paragraphs[b_side[next_b]].span
            segments.append(Segment("insert", None, span, None, _slice(b, span)))
            next_b += 1
        next_b += 1
        a_span, b_span = a_paragraphs[a_index].span, b_paragraphs[match].span
        segments.append(
            Segment(
                "replace",
                a_span,
                b_span,
                _slice(a, a_span),
                _slice(b, b_span),
                diff_words(a.original, a_span, b.original, b_span),
            )
        )
    for b_index in b_side[next_b:]:
        span = b_paragraphs[b_index].span
        segments.append(Segment("insert", None, span, None, _slice(b, span)))
    if a_side and b_side and {"delete", "insert"} & {segment.op for segment in segments}:
        # Paragraphs left unpaired: if the stretch is one rewritten passage (paragraphs
        # merged, split or reordered), a single replace aligns more of its words.
        return _as_one_replace(a, b, a_paragraphs, b_paragraphs, a_side, b_side, segments)
    return segments


def _as_one_replace(
    a: CleanText,
    b: CleanText,
    a_paragraphs: Sequence[_Paragraph],
    b_paragraphs: Sequence[_Paragraph],
    a_side: Sequence[int],
    b_side: Sequence[int],
    segments: list[Segment],
) -> list[Segment]:
    """One replace for a whole stretch, when it aligns more words than ``segments``."""
    a_words = " ".join(a_paragraphs[i].key for i in a_side).split()
    b_words = " ".join(b_paragraphs[i].key for i in b_side).split()
    paired = sum(
        _common_words(normalize(s.a_text or "").split(), normalize(s.b_text or "").split())
        for s in segments
        if s.op == "replace"
    )
    if (
        _common_words(a_words, b_words) <= paired
        or Indel.normalized_similarity(a_words, b_words) < _STRETCH_SIMILARITY
    ):
        return segments
    a_span = (a_paragraphs[a_side[0]].span[0], a_paragraphs[a_side[-1]].span[1])
    b_span = (b_paragraphs[b_side[0]].span[0], b_paragraphs[b_side[-1]].span[1])
    words = diff_words(a.original, a_span, b.original, b_span)
    return [Segment("replace", a_span, b_span, _slice(a, a_span), _slice(b, b_span), words)]


def _common_words(first: Sequence[str], second: Sequence[str]) -> int:
    """Length of the longest common subsequence of two word lists."""
    return (len(first) + len(second) - Indel.distance(first, second)) // 2


def _best_partner(
    paragraph: _Paragraph, candidates: Sequence[_Paragraph], indices: Sequence[int]
) -> int | None:
    best, best_score = None, _REPLACE_SIMILARITY
    words = paragraph.key.split()
    for index in indices:
        score = Indel.normalized_similarity(words, candidates[index].key.split())
        if score >= best_score and (best is None or score > best_score):
            best, best_score = index, score
    return best


def diff_words(a: str, a_span: Span, b: str, b_span: Span) -> tuple[WordChange, ...]:
    """Word-level changes between two paragraphs, with spans into the original texts."""
    a_words = [match.span() for match in _WORD.finditer(a, a_span[0], a_span[1])]
    b_words = [match.span() for match in _WORD.finditer(b, b_span[0], b_span[1])]
    a_keys = [normalize(a[s:e]) for s, e in a_words]
    b_keys = [normalize(b[s:e]) for s, e in b_words]
    changes = []
    for opcode in Indel.opcodes(a_keys, b_keys):
        if opcode.tag == "equal":
            continue
        a_range = a_words[opcode.src_start : opcode.src_end]
        b_range = b_words[opcode.dest_start : opcode.dest_end]
        a_change = (a_range[0][0], a_range[-1][1]) if a_range else None
        b_change = (b_range[0][0], b_range[-1][1]) if b_range else None
        if a_change is not None:
            position = a_change[0]
        elif opcode.src_start < len(a_words):
            position = a_words[opcode.src_start][0]
        else:
            position = a_span[1]
        changes.append(
            WordChange(
                "delete" if b_change is None else "insert" if a_change is None else "replace",
                a_change,
                b_change,
                a[a_change[0] : a_change[1]] if a_change else None,
                b[b_change[0] : b_change[1]] if b_change else None,
                position,
            )
        )
    return tuple(_merge_adjacent(changes))


def _merge_adjacent(changes: list[WordChange]) -> list[WordChange]:
    """Join a delete and an insert at the same place (in either order) into one replace."""
    merged: list[WordChange] = []
    for change in changes:
        previous = merged[-1] if merged else None
        if previous is not None and {previous.op, change.op} == {"delete", "insert"}:
            deleted, inserted = (
                (previous, change) if previous.op == "delete" else (change, previous)
            )
            merged[-1] = WordChange(
                "replace",
                deleted.a_span,
                inserted.b_span,
                deleted.a_text,
                inserted.b_text,
                deleted.a_position,
            )
        else:
            merged.append(change)
    return merged


def diff(
    a: str | Article,
    b: str | Article,
    *,
    raw: bool = False,
    a_name: str = "a",
    b_name: str = "b",
    shingle_size: int = 5,
    seed: int = 1,
) -> SegmentDiff:
    r"""The segments that differ between two copies.

    Args:
        a: A text (cleaned here unless ``raw``) or an :class:`Article` (already cleaned).
        b: The other copy.
        raw: Diff texts as they are, without removing boilerplate.
        a_name: Name of ``a`` in the result.
        b_name: Name of ``b`` in the result.
        shingle_size: Shingle size for the similarity scores.
        seed: Shingle hash seed for the similarity scores.

    Returns:
        The aligned segments with spans into both original texts, the similarity scores,
        and what cleaning removed from each side.

    Example:
        >>> first = "Ministers met on Monday.\n\nThe report was published in June."
        >>> second = "Ministers met on Monday.\n\nThe report was published in July."
        >>> result = diff(first, second)
        >>> [segment.op for segment in result.segments]
        ['equal', 'replace']
        >>> [(word.a_text, word.b_text) for word in result.segments[1].words]
        [('June.', 'July.')]
    """
    return diff_clean(
        _prepared(a, raw),
        _prepared(b, raw),
        a_name=a_name,
        b_name=b_name,
        shingle_size=shingle_size,
        seed=seed,
    )


def _prepared(item: str | Article, raw: bool) -> CleanText:
    # Raw diffs keep every line of the original: nothing is cleaned away.
    if isinstance(item, Article):
        return keep_all(item.clean.original) if raw else item.clean
    return keep_all(item) if raw else clean(item)
