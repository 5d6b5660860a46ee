"""What differs between two copies, whatever the way each breaks its lines and paragraphs.

Each text is one sequence of normalised words (line breaks, spacing, case and curly
quotes are not differences; lines that cleaning removed take part, marked as removed).
The two sequences are aligned with rapidfuzz's Indel (longest common subsequence)
opcodes, sentence by sentence and then word by word where sentences differ. Both copies'
paragraph breaks then cut the alignment into pieces, each reported on the copies' own
paragraphs: ``equal``, ``delete`` (only in a), ``insert`` (only in b) or ``replace``
(diffed word by word). A paragraph that only lost or gained line breaks, or was split or
merged with its neighbour, is equal. Every span is a ``[start, end)`` code-point range
into the original texts, so slicing the original with it gives the reported text.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import regex
from rapidfuzz.distance import Indel

from neardup.boilerplate import CleanText, clean, keep_all
from neardup.normalize import normalize
from neardup.segment import Article
from neardup.shingles import shingle_set
from neardup.verify import similarity

Op = Literal["equal", "delete", "insert", "replace"]
Span = tuple[int, int]

# A changed piece is an edit (``replace``) when at least this share of its words agree
# (Indel similarity); below it, one copy dropped a passage and the other added another.
_REPLACE_SIMILARITY = 0.3
# An equal run of at most this many words between two changes at least as long is a
# chance match ("the", "of"), not an anchor.
_STRAY_MATCH_WORDS = 2
# Blocks whose lines are all at most this long may be hard-wrapped paragraphs.
_MAX_WRAP_WIDTH = 100
_WORD = regex.compile(r"\S+")
_WHITESPACE = regex.compile(r"\s+")
# A word broken at its hyphen by a line wrap: a letter or digit, then "-" at the end.
_HYPHENATED = regex.compile(r"[\p{L}\p{N}]-\Z")
# A word that ends a sentence: ., ! or ? with any closing quotes or brackets after it.
_SENTENCE_END = regex.compile(r"[.!?][\"')\]]*$", regex.MULTILINE)
# Whether each code point below U+3001 is whitespace (as str.split() and \s see it).
_IS_SPACE = np.array([chr(code).isspace() for code in range(0x3001)] + [False])
# Last characters of a word that may end a sentence (before normalising: curly quotes too).
_SENTENCE_LAST_CHARACTERS = np.array(
    [ord(c) for c in ".!?\"')]\u201d\u2019\u00bb\u201c\u2018\u00ab"]
)


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
class _Words:
    """A text's words, kept and removed by cleaning: what the alignment runs on.

    Attributes:
        original: The original text.
        starts: Where each word starts in the original.
        ends: Where each word ends in the original.
        keys: Each word normalised (the form compared).
        kept: Whether each word is on a line cleaning kept.
        kept_before: ``kept_before[i]``: how many of the first ``i`` words were kept.
        breaks: Paragraph breaks, by the index of the word after them: ``2`` for a blank
            line or a change between kept and removed lines, ``1`` for a line break that
            is not a hard wrap.
        sentence_starts: Where each sentence starts (ends at ``.``, ``!``, ``?`` or a
            paragraph break), then the word count.
    """

    original: str
    starts: list[int]
    ends: list[int]
    keys: list[str]
    kept: list[bool]
    kept_before: list[int]
    breaks: dict[int, int]
    sentence_starts: list[int]


def _words(clean: CleanText) -> _Words:
    """The words of a cleaned text's lines, kept and removed, and its paragraph breaks.

    Removed lines take part in the alignment so that a paragraph one copy's cleaning
    kept and the other's removed is still found in both; only kept words are reported.
    """
    original = clean.original
    starts, ends, may_end = _word_bounds(original)
    # Normalising the whole text at once is faster; it is used when it keeps the words
    # apart as the original does (a zero-width space between words would not).
    keys = normalize(original).split()
    if len(keys) != len(starts):
        keys = [normalize(original[start:end]) for start, end in zip(starts, ends, strict=True)]
    lines = []  # (first word, last word + 1, kept, start, end) of each line with words
    for start, end, kept in sorted(
        [(start, start + length, True) for _, start, length in clean.pieces]
        + [(*item.span, False) for item in clean.dropped]
    ):
        first, last = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        if first < last:
            lines.append((first, last, kept, start, end))
    breaks: dict[int, int] = {}
    joined: list[int] = []  # words whose rest, after a hyphen and a line wrap, is next
    block_start = 0
    for index in range(1, len(lines) + 1):
        if index < len(lines):
            previous, line = lines[index - 1], lines[index]
            if previous[2] == line[2] and original.count("\n", previous[4], line[3]) < 2:
                continue
            breaks[line[0]] = 2
        block = [(first, last) for first, last, *_ in lines[block_start:index]]
        _block_breaks(original, starts, ends, block, breaks, joined)
        block_start = index
    selected = np.zeros(len(starts), dtype=bool)
    kept_words = np.zeros(len(starts), dtype=bool)
    for first, last, kept, _, _ in lines:
        selected[first:last] = True
        kept_words[first:last] = kept
    for index in reversed(joined):
        # "computer-" at a line end and "coding" after it: the word "computer-coding".
        ends[index] = ends[index + 1]
        keys[index] = normalize(_WHITESPACE.sub("", original[starts[index] : ends[index]]))
        selected[index + 1] = False
        may_end[index] = may_end[index + 1]
    indices = np.flatnonzero(selected)
    if len(indices) < len(starts):
        starts = [starts[i] for i in indices.tolist()]
        ends = [ends[i] for i in indices.tolist()]
        keys = [keys[i] for i in indices.tolist()]
        new_index = np.searchsorted(indices, list(breaks)).tolist()
        breaks = dict(zip(new_index, breaks.values(), strict=True))
    kept_list = kept_words[indices]
    kept_before = np.concatenate(([0], np.cumsum(kept_list))).tolist()
    return _Words(
        original,
        starts,
        ends,
        keys,
        kept_list.tolist(),
        kept_before,
        breaks,
        _sentence_starts(keys, breaks, may_end[indices]),
    )


def _word_bounds(text: str) -> tuple[list[int], list[int], npt.NDArray[np.bool_]]:
    """Start and end offsets of the whitespace-separated words of ``text``.

    Also whether each word's last character is one a sentence can end with, so that
    only those words are tested against ``_SENTENCE_END``.
    """
    if not text:
        return [], [], np.zeros(0, dtype=bool)
    code_points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    space = _IS_SPACE[np.minimum(code_points, len(_IS_SPACE) - 1)]
    edges = np.flatnonzero(np.diff(np.concatenate(([True], space, [True])).astype(np.int8)))
    may_end = np.isin(code_points[edges[1::2] - 1], _SENTENCE_LAST_CHARACTERS)
    return edges[0::2].tolist(), edges[1::2].tolist(), may_end


def _sentence_starts(
    keys: Sequence[str], breaks: dict[int, int], may_end: npt.NDArray[np.bool_]
) -> list[int]:
    """Where sentences start: after a word ending one, and at every paragraph break."""
    after_end = [
        index + 1 for index in np.flatnonzero(may_end).tolist() if _SENTENCE_END.search(keys[index])
    ]
    return sorted({0, len(keys), *breaks, *after_end})


def _block_breaks(
    original: str,
    starts: Sequence[int],
    ends: Sequence[int],
    block: Sequence[tuple[int, int]],
    breaks: dict[int, int],
    joined: list[int],
) -> None:
    """Record the paragraph breaks and hyphen-split words of a block (no blank line in it).

    ``block`` holds each line's words as a range of ``starts`` and ``ends``. A block is
    hard-wrapped when its lines are at most ``_MAX_WRAP_WIDTH`` long and no line's
    successor could have started on it (its first word would not have fitted in the
    block's widest line), as a greedy wrapper leaves them. Then its line breaks are no
    paragraph breaks, and a word split at a hyphen across a line end is one word.
    Otherwise every line is a paragraph.
    """
    if len(block) < 2:
        return
    lengths = [ends[last - 1] - starts[first] for first, last in block]
    width = max(lengths)
    wrapped = width <= _MAX_WRAP_WIDTH and all(
        length + 1 + ends[first] - starts[first] > width
        for length, (first, _) in zip(lengths, block[1:], strict=False)
    )
    for (_, last), (first, _) in itertools.pairwise(block):
        if not wrapped:
            breaks[first] = 1
        elif _HYPHENATED.search(original, starts[last - 1], ends[last - 1]):
            joined.append(last - 1)


# One aligned stretch of word indices: (equal, a_start, a_end, b_start, b_end).
_Opcode = tuple[bool, int, int, int, int]


def _align(a: _Words, b: _Words) -> list[_Opcode]:
    """Align two word sequences: sentences first, then words in the stretches that differ.

    Sentences are the same on both sides whatever the line breaks, so aligning them
    first keeps long texts fast; the stretches that differ are aligned word by word.
    """
    a_starts, b_starts = a.sentence_starts, b.sentence_starts
    a_sentences = [" ".join(a.keys[s:e]) for s, e in itertools.pairwise(a_starts)]
    b_sentences = [" ".join(b.keys[s:e]) for s, e in itertools.pairwise(b_starts)]
    sentence_opcodes: list[_Opcode] = []
    for opcode in Indel.opcodes(a_sentences, b_sentences):
        _append(
            sentence_opcodes,
            (
                opcode.tag == "equal",
                a_starts[opcode.src_start],
                a_starts[opcode.src_end],
                b_starts[opcode.dest_start],
                b_starts[opcode.dest_end],
            ),
        )
    opcodes: list[_Opcode] = []
    for equal, a0, a1, b0, b1 in sentence_opcodes:
        if equal or a0 == a1 or b0 == b1:
            _append(opcodes, (equal, a0, a1, b0, b1))
            continue
        for word_opcode in Indel.opcodes(a.keys[a0:a1], b.keys[b0:b1]):
            _append(
                opcodes,
                (
                    word_opcode.tag == "equal",
                    a0 + word_opcode.src_start,
                    a0 + word_opcode.src_end,
                    b0 + word_opcode.dest_start,
                    b0 + word_opcode.dest_end,
                ),
            )
    return _without_stray_matches(opcodes)


def _append(opcodes: list[_Opcode], opcode: _Opcode) -> None:
    """Append ``opcode``, joining it to the last one when both are equal or both differ."""
    if opcode[1] == opcode[2] and opcode[3] == opcode[4]:
        return
    if opcodes and opcodes[-1][0] == opcode[0]:
        last = opcodes[-1]
        opcodes[-1] = (last[0], last[1], opcode[2], last[3], opcode[4])
    else:
        opcodes.append(opcode)


def _without_stray_matches(opcodes: list[_Opcode]) -> list[_Opcode]:
    """Fold into the changes around it a short equal run that is no longer than they are.

    Unrelated passages share words like "the" and "of"; counting those as aligned would
    make a dropped paragraph and an added one look like an edit of each other.
    """
    result: list[_Opcode] = []
    for opcode in opcodes:
        result.append(opcode)
        while len(result) >= 3 and not result[-1][0] and not result[-3][0]:
            before, equal, after = result[-3:]
            length = equal[2] - equal[1]
            if not equal[0] or length > _STRAY_MATCH_WORDS:
                break
            if length > min(_change_size(before), _change_size(after)):
                break
            del result[-3:]
            result.append((False, before[1], after[2], before[3], after[4]))
    return result


def _change_size(opcode: _Opcode) -> int:
    return max(opcode[2] - opcode[1], opcode[4] - opcode[3])


def _cuts(a: _Words, b: _Words, opcodes: Sequence[_Opcode]) -> list[tuple[int, int]]:
    """Where either side's paragraph breaks fall on the alignment, as (a word, b word).

    A break inside a stretch where both sides changed has no one place on the other
    side; it is left out, and the stretch stays in one piece. When the other side's
    words there are all removed lines, the break cuts before them.
    """
    cuts = {(0, 0), (len(a.keys), len(b.keys))}
    a_opcodes = [opcode for opcode in opcodes if opcode[2] > opcode[1]]
    a_starts = [opcode[1] for opcode in a_opcodes]
    for index in a.breaks:
        equal, a0, _, b0, b1 = a_opcodes[bisect.bisect_right(a_starts, index) - 1]
        if equal:
            cuts.add((index, b0 + index - a0))
        elif index == a0 or b.kept_before[b1] == b.kept_before[b0]:
            cuts.add((index, b0))
    b_opcodes = [opcode for opcode in opcodes if opcode[4] > opcode[3]]
    b_starts = [opcode[3] for opcode in b_opcodes]
    for index in b.breaks:
        equal, a0, a1, b0, _ = b_opcodes[bisect.bisect_right(b_starts, index) - 1]
        if equal:
            cuts.add((a0 + index - b0, index))
        elif index == b0 or a.kept_before[a1] == a.kept_before[a0]:
            cuts.add((a0, index))
    monotone: list[tuple[int, int]] = []
    for cut in sorted(cuts):
        # Breaks in a stretch removed as boilerplate on both sides can cross; keep order.
        if not monotone or cut[1] >= monotone[-1][1]:
            monotone.append(cut)
    return monotone


@dataclass(frozen=True)
class _Piece:
    """The words between two cuts, ``a[a0:a1]`` against ``b[b0:b1]``, and what matched.

    ``equal_words`` counts aligned word pairs; ``a_unmatched_kept`` and
    ``b_unmatched_kept`` the kept words on each side that align with nothing.
    """

    a0: int
    a1: int
    b0: int
    b1: int
    equal_words: int
    a_unmatched_kept: int
    b_unmatched_kept: int

    @property
    def same(self) -> bool:
        return self.a_unmatched_kept == self.b_unmatched_kept == 0


def _pieces(
    cuts: Sequence[tuple[int, int]], opcodes: Sequence[_Opcode], a: _Words, b: _Words
) -> list[_Piece]:
    """The pieces between cuts that hold kept words.

    Equal neighbours are joined unless a blank line on either side separates them.
    """
    pieces: list[_Piece] = []
    first = 0
    for (a0, b0), (a1, b1) in itertools.pairwise(cuts):
        while opcodes[first][2] <= a0 and opcodes[first][4] <= b0:
            first += 1
        equal_words = a_matched = b_matched = 0
        index = first
        while index < len(opcodes) and (opcodes[index][1] < a1 or opcodes[index][3] < b1):
            equal, o_a0, o_a1, o_b0, _ = opcodes[index]
            if equal:
                start, end = max(o_a0, a0), min(o_a1, a1)
                if end > start:
                    equal_words += end - start
                    a_matched += a.kept_before[end] - a.kept_before[start]
                    b_start = o_b0 + start - o_a0
                    b_matched += b.kept_before[b_start + end - start] - b.kept_before[b_start]
            index += 1
        a_kept = a.kept_before[a1] - a.kept_before[a0]
        b_kept = b.kept_before[b1] - b.kept_before[b0]
        if a_kept == b_kept == 0:
            continue  # removed by cleaning on both sides: boilerplate, reported apart
        piece = _Piece(a0, a1, b0, b1, equal_words, a_kept - a_matched, b_kept - b_matched)
        previous = pieces[-1] if pieces else None
        if (
            previous is not None
            and previous.same
            and piece.same
            and (previous.a1, previous.b1) == (a0, b0)
            and a.breaks.get(a0) != 2
            and b.breaks.get(b0) != 2
        ):
            # Lines of one paragraph on both sides (or one-line paragraphs that all
            # agree): one equal segment.
            pieces[-1] = _Piece(
                previous.a0, a1, previous.b0, b1, previous.equal_words + equal_words, 0, 0
            )
        else:
            pieces.append(piece)
    return pieces


def _span(words: _Words, start: int, end: int, *, kept_only: bool) -> Span | None:
    """From the first to the last word of ``words[start:end]`` (only kept ones if asked)."""
    if kept_only:
        indices = [i for i in range(start, end) if words.kept[i]]
        if not indices:
            return None
        start, end = indices[0], indices[-1] + 1
    if end <= start:
        return None
    return (words.starts[start], words.ends[end - 1])


def _segments(a: _Words, b: _Words, piece: _Piece) -> list[Segment]:
    """The segment (or delete and insert) for one piece."""
    same = piece.same
    # A changed piece is reported by its kept words; a side whose words cleaning all
    # removed is still shown when some of them match the other side.
    a_span = _span(a, piece.a0, piece.a1, kept_only=not same) or (
        _span(a, piece.a0, piece.a1, kept_only=False) if piece.equal_words else None
    )
    b_span = _span(b, piece.b0, piece.b1, kept_only=not same) or (
        _span(b, piece.b0, piece.b1, kept_only=False) if piece.equal_words else None
    )
    a_text = a.original[a_span[0] : a_span[1]] if a_span else None
    b_text = b.original[b_span[0] : b_span[1]] if b_span else None
    if same:
        return [Segment("equal", a_span, b_span, a_text, b_text)]
    if b_span is None:
        return [Segment("delete", a_span, None, a_text, None)]
    if a_span is None:
        return [Segment("insert", None, b_span, None, b_text)]
    total = piece.a1 - piece.a0 + piece.b1 - piece.b0
    if 2 * piece.equal_words / total < _REPLACE_SIMILARITY:
        # Too little in common to be an edit: one copy dropped a passage, the other added one.
        return [
            Segment("delete", a_span, None, a_text, None),
            Segment("insert", None, b_span, None, b_text),
        ]
    words = _word_changes(a, a_span, b, b_span)
    return [Segment("replace", a_span, b_span, a_text, b_text, words)]


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
    a_words, b_words = _words(a), _words(b)
    segments: list[Segment] = []
    if a_words.keys or b_words.keys:
        opcodes = _align(a_words, b_words)
        cuts = _cuts(a_words, b_words, opcodes)
        for piece in _pieces(cuts, opcodes, a_words, b_words):
            segments.extend(_segments(a_words, b_words, piece))
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


def _word_changes(a: _Words, a_span: Span, b: _Words, b_span: Span) -> tuple[WordChange, ...]:
    """Word-level changes between the kept words of two spans, with original spans."""
    a_indices = _kept_within(a, a_span)
    b_indices = _kept_within(b, b_span)
    return _changes(
        a.original, [(a.starts[i], a.ends[i]) for i in a_indices], [a.keys[i] for i in a_indices],
        b.original, [(b.starts[i], b.ends[i]) for i in b_indices], [b.keys[i] for i in b_indices],
        a_span[1],
    )  # fmt: skip


def _kept_within(words: _Words, span: Span) -> list[int]:
    """Indices of the kept words inside ``span``."""
    start = bisect.bisect_left(words.starts, span[0])
    end = bisect.bisect_left(words.starts, span[1])
    return [i for i in range(start, end) if words.kept[i]]


def diff_words(a: str, a_span: Span, b: str, b_span: Span) -> tuple[WordChange, ...]:
    """Word-level changes between two paragraphs, with spans into the original texts."""
    a_words = [match.span() for match in _WORD.finditer(a, a_span[0], a_span[1])]
    b_words = [match.span() for match in _WORD.finditer(b, b_span[0], b_span[1])]
    a_keys = [normalize(a[s:e]) for s, e in a_words]
    b_keys = [normalize(b[s:e]) for s, e in b_words]
    return _changes(a, a_words, a_keys, b, b_words, b_keys, a_span[1])


def _changes(
    a: str,
    a_words: Sequence[Span],
    a_keys: Sequence[str],
    b: str,
    b_words: Sequence[Span],
    b_keys: Sequence[str],
    a_end: int,
) -> tuple[WordChange, ...]:
    """Word-level changes between two word lists (``a_end``: where a's words end)."""
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
            position = a_end
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
