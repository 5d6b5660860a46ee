"""Dropping page boilerplate from plain text, keeping a map back to the original offsets.

This is the first pass: a curated list of page-furniture phrases (navigation, share and
follow prompts, "Continue Reading", "Products You May Like", ...), lists of headlines
under a "Related"/"Trending"-style header, page-title lines (``Title | Site``) and
section labels at the head of an article. Every decision is made per line and recorded
with its reason, so ``neardup strip --explain`` can show it.
"""

from __future__ import annotations

import bisect
import itertools
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import regex

from neardup.normalize import normalize

# Lines that are page furniture wherever they appear (matched whole, after normalising
# and dropping trailing punctuation). Groups here and in the patterns below do not
# capture (only "list" in _RULES is read): that alone makes a failing match, the usual
# outcome on every short line, about 40% faster. The lookahead spares lines that do not
# end in "newsletter" the backtracking of the pattern after it.
_FURNITURE = re.compile(
    r"""
    connect\ with\ us | published | posted | updated | on | by | share | tweet | email
    | share\ this(?:\ (?:article|story|page))? | share\ on\ \w+ | tap\ here | click\ here
    | continue\ reading | read\ more | read\ next | next\ (?:article|story) | up\ next
    | read\ (?:the\ )?original\ article(?:\ here)? | products\ you\ may\ like
    | advertisement | sponsored(?:\ content)? | skip\ to(?:\ main)?\ content
    | follow\ us(?:\ on\ \w+)? | follow\ [\w.\ ]{1,40}\ on\ (?:whatsapp|twitter|x|facebook
      |instagram|telegram|linkedin|youtube|tiktok|threads|bluesky)
    | follow\ (?:latest|live|our\ live\ coverage)\b.*
    | keep\ up\ with\ (?:all\ )?the\ latest\ news\b.*
    | please\ use\ [\w\ ]{1,30}\ browser\ for\ a\ more\ accessible\ video\ player
    | (?:photo|image|video)[-\ ]?(?:slider|gallery|carousel)(?:\ visuali[sz]ation)?
    | more\ on\ [\w'\ ]{1,30} | reply | report(?:\ (?:comment|abuse))? | (?:view|show)\ all
    | click\ to\ (?:share|email|print|tweet|pin)\b.* | share\ (?:on|via)\ \w+\b.*
    | (?:opens|open)\ in\ (?:a\ )?new\ window | back\ to\ top | print(?:\ this)?(?:\ article)?
    | rating:?\ -?\d+\ votes? | (?:\d+\ )?(?:likes?|shares?|views?)
    | (?:sign\ up|subscribe)(?:\ (?:for|to)\b.*)? | (?:we\ use|accept(?:\ all)?)\ cookies\b.*
    | (?:©|\(c\)|copyright)\s*\d{4}\b.* | all\ rights\ reserved
    | (?:image|photo|picture|slide)\ \d+\ (?:of|/|of\ /)\ \d+
    | \(?(?:image|photo|picture)s?(?:\ credits?)?:\ .*
    | in\ this\ [\w,.'\ ]{0,40}(?:photo|photograph|image|picture|frame\ grab)\b.*
    | image\ (?:copyright|caption)\b.* | caption | close | video | advert
    | this\ slideshow\ requires\ javascript | word\ ?count:\ \d+
    | related:\ .* | (?:read|see)\ (?:more|also):\ .* | tags?:\ .*
    | like\ this\ (?:story|article)\?.* | follow\ [\w.\ ]{1,40}\ on
    | \d{1,3} | (?:sign|log)\ (?:in|out) | back\ to\ gallery | \d+\ comments?
    | i\ agree\ (?:to|that)\b.*\b(?:terms|privacy|policy|newsletters?|e-?mails?|send\ me
      |receive)\b.* | get\ [\w'’\ ]{1,60}\ delivered\b.*
      | print\ this\ (?:article|page|story)\b.*
    | this\ material\ may\ not\ be\ published\b.* | quotes\ delayed\b.* | comments
    | watch(?:\ live)?:\ .* | listen(?:\ to\ (?:this|the)\ (?:article|story))?
    | (?=.*newsletter$)[\w'\ ]{0,40}\ newsletter
    | write\ to\ [\w.'\ ]{1,40}\ at\ \S+@\S+
    | (?:get|sign\ up\ for|receive)\ (?:our|the)\ [\w'\ ]{0,40}newsletters?
    | no\ spam\b.*
    """,
    re.VERBOSE,
)

# Headers under which sites list other headlines; the list that follows goes too.
_LIST_HEADER = re.compile(
    r"""
    articles\ you\ may\ like | you\ (?:may|might)\ also\ like | related(?:\ (?:articles|stories
    |posts|news|content|reading|coverage))? | trending(?:\ now|\ stories)? | most\ (?:read
    |popular|viewed)(?:\ (?:in|on|from|this|today|now|stories|articles|news)\b[\w'\ ]{0,30})?
    | recommended(?:\ for\ you)? | top\ stories | latest\ (?:news|stories)
    | don'?t\ miss
    | more\ (?:stories|news|from\ [\w'\ ]{1,30}) | read\ more\ from\ [\w'\ ]{1,30}
    | popular\ (?:now|stories) | editor'?s\ picks?
    | (?:\w+\ ){0,3}(?:more|other|related|latest|top|popular|recommended|trending|partner|most
      |similar|recent)\ (?:\w+\ ){0,3}(?:news|stories|articles|links|posts|headlines|videos|reads
      |content|topics)(?:\ (?:in|from|on)\ [\w'\ ]{1,30})?
    """,
    re.VERBOSE,
)

# Both, in one pass: a list header is looked for first.
_RULES = re.compile(f"(?P<list>{_LIST_HEADER.pattern})|{_FURNITURE.pattern}", re.VERBOSE)
# The rules above that end in ".*" begin with one of these (and so do a few that come
# near the limit). Every other rule matches single-spaced text of at most this many
# spaces (the most in "(\w+ ){0,3}more (\w+ ){0,3}news from [\w' ]{1,30}"). A key of more
# spaces (a paragraph) that begins otherwise and holds no double space matches no rule,
# so the regex is not tried on it.
_RULES_OPEN_ENDED = (
    "follow ", "keep up with ", "click to ", "share ", "sign up", "subscribe", "we use ",
    "accept ", "©", "(c)", "copyright", "image", "photo", "picture", "(", "no spam",
    "in this ", "related:", "read more:", "see more:", "read also:", "see also:", "tag",
    "like this", "i agree", "get ", "print this", "this material", "quotes delayed",
    "watch", "write to ",
)  # fmt: skip
_RULES_MAX_SPACES = 23

# A photo caption ends with its credit, in brackets: "... Hong Kong (Image: GETTY)", "...
# (AP Photo/Jane Doe)", "... (Photo by Jane Doe/Getty Images)", "... (Jane Doe/Reuters)",
# "... 2019. (AP)" (a bare agency only after a sentence: "the Associated Press (AP)" is
# prose); matched from the line's last "(". Or after its last sentence, in at most five
# words: "... a cell. Credit: ESA"; matched from the last " credit" near the line's end.
_BRACKETED_CREDIT = re.compile(
    r"""
    \(
    ( ((image|photo|picture|pic)s?(\ (credits?|source))? | credits?):\ [^()]{1,60}
    | (ap|afp|reuters)\ photos?(/[^()]{1,60})?
    | (?P<agency>ap|afp|reuters)
    | (photos?|images?|pictures?)\ (by|courtesy(\ of)?)\ [^()]{1,80}
    | [^()]{1,60}(/|\ via\ )(ap|afp|reuters|getty\ images|epa)
    )
    \)
    """,
    re.VERBOSE,
)
_SENTENCE_ENDS = (".", "!", "?", '"', "'", "”", "’")
_TRAILING_CREDIT = re.compile(r"[.!?\"'”’)] credits?: [^\s()]+( [^\s()]+){0,4}")
# How near the end of a line a trailing credit starts at the most.
_TRAILING_CREDIT_CHARS = 80
# "Headline | Site Name": a page title, not article text.
_PAGE_TITLE = regex.compile(r"^.{10,300}\s\|\s[\p{Lu}\d][\p{L}\d&.,'\- ]{1,40}$")
# The longest line it matches: 300 characters, " | ", then 41.
_PAGE_TITLE_MAX_CHARS = 344
_SECTION_LABEL = regex.compile(r"^[\p{Lu}][\p{L}&'\-]*( [\p{Lu}&][\p{L}&'\-]*)?$")
# Plain patterns use the standard library's engine, several times faster than regex's
# for them; line keys are computed for every line.
# What a key loses at its end (after whitespace is collapsed to single spaces).
_TRAILING = " .:!?…»>›→|-"
# Longer lines' keys skip the normalisation: only their case is folded.
KEY_MAX_CHARS = 160
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The printable ASCII characters, and the line feed.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\n"
_HEADLINE_MAX_WORDS = 30
# Under a list header, a block of headlines each followed by at most a line of teaser text
# is a list too: at least this many lines in all, at least half the headlines of at least
# this many words, teasers of at most this many.
_MIN_TEASER_LINES = 4
_TEASER_MIN_WORDS = 4
_TEASER_MAX_WORDS = 40
# A header that opens a page's comment section: everything after it is readers' text. The
# last alternative is WordPress's comment form in six languages, with at most three of the
# form's own words after it ("Lascia un commento Annulla risposta").
_COMMENTS_HEADER = re.compile(
    r"""
    (?:\d+\ )?(?:comments?|responses?|replies|reactions)(?:\ to\ .*)?
    | (?:leave|post|add|write|submit)\ a\ (?:comment|reply|response)\b.*
    | (?:top\ rated|most\ liked|reader|user)\ comments | comments\ (?:are\ )?closed
    | join\ the\ (?:discussion|conversation)\b.* | (?:show|view|load|read)\ (?:all\ )?comments\b.*
    | discussion | what\ do\ you\ think\?? | comment(?:s)?\ on\ this\ (?:article|story)
    | (?:lascia\ (?:un\ commento|una\ risposta) | deja\ (?:un\ comentario|una\ respuesta)
      | deixe\ (?:um\ comentário|uma\ resposta) | laisser\ (?:un\ commentaire|une\ réponse)
      | schreibe\ einen\ kommentar | hinterlasse\ eine\ antwort
      | geef\ een\ reactie | laat\ een\ reactie\ achter)(?:\ \w+){0,3}
    """,
    re.VERBOSE,
)
# The header of a box about the author or the company after an article: "About Jane Doe",
# "About the author", "About Ascom" (not "About us" or "About Us", a link, nor "About the
# study", a subheading).
_ABOUT_WORDS = ("About", "ABOUT", "Sobre", "Über", "À propos de", "Acerca de")
_ABOUT_BOX = regex.compile(
    f"^({'|'.join(map(regex.escape, _ABOUT_WORDS))})"
    r"(\ the\ author|\ THE\ AUTHOR|(?!\ (Us|US|Our|OUR)\b)(\ \p{Lu}[\p{L}.&'-]*){1,4}):?$"
)
# The line that opens a comment on a blog: "<name> on <date> at <time> said:"; it has a
# year and a clock time, unlike a quote's lead-in ("In a statement on Jan. 5, it said:").
_COMMENT_SIGNATURE = regex.compile(
    r"^.{1,60}\s(on|at)\s.{0,40}\d{4}.{0,30}\d{1,2}:\d{2}.{0,10}\s(says|said|wrote|writes|replied)\s*:$"
)
# Metadata lines: dates and times, "<name> says:", which head comments and list items.
_METADATA_LINE = regex.compile(
    r"""
    ^((?i:(mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun)\.?,?\ )?
    (\p{L}+\ \d{1,2},?\ \d{4}|\d{1,2}\ \p{L}+\ \d{4}|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}
      |\d+\ (minutes?|hours?|days?|weeks?|months?|years?)\ ago)\b.{0,30}$
    | ^\S{1,40}\ (says|said|wrote|writes|replied):$
    """,
    re.VERBOSE,
)
# Every metadata line has a digit (its date or time) or ends in ":" ("<name> says:"); the
# standard library's engine tells so several times faster than the pattern fails.
_HAS_DIGIT = re.compile(r"\d").search
_METADATA_PENALTY = 20.0
# The most words a metadata line can have: a weekday, a date of three, then 30 characters.
_METADATA_MAX_WORDS = 19
_ISOLATED_TEXT_FACTOR = 0.0
_ISOLATING_GAP = 8.0
_EDGE_BEFORE = 0.0
_EDGE_AFTER = -8.0
_ISOLATED_MAX_WORDS = 50.0
_ISOLATED_LONG_FACTOR = 0.25
# A table closing the article belongs to it too: rows split by one of these.
_ROW_SEPARATORS = (" – ", " — ", " -- ", " @ ")
_MIN_TABLE_ROWS = 3
_LIST_ITEM = re.compile(r"^\s*([-*•‣◦–]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
# Words of running text that must come before a comments header for it to end the
# article ("Comments" links near the top of a page are navigation, not the section).
_ARTICLE_BEFORE_COMMENTS = 100.0
# Corpus-learnt boilerplate: only lines shorter than this, placed by the lines at least
# this long around them.
_CONTEXT_WORDS = 12
# A learnt line's surroundings on each side: this many words of the nearest long lines.
_CONTEXT_WINDOW = 24
# A long line's last (or first) this many characters hold its nearest words, mostly.
_CONTEXT_CHARS = _CONTEXT_WINDOW * 16
# An odd 32-bit multiplier (the golden ratio's), mixing a word 3-gram's hashes.
_GRAM_MIX = 0x9E3779B1
# Running text ends in one of these, perhaps followed by closing quotes and brackets.
_RUNNING_TEXT_ENDS = ".!?…:;。！？：；"
_CLOSERS = "\"'”’»)]」』）"
_INNER_PUNCTUATION = re.compile(r"[,.;:!?]\s")
# Chinese and Japanese are written without spaces between words. In a line whose
# whitespace-separated "words" average at least this many characters, Han and kana
# characters count too, this many to a word, so that its running text weighs as such.
_UNSPACED_MEAN_CHARS = 8
_UNSPACED_CHARS_PER_WORD = 2
_UNSPACED_SCRIPTS = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0002fa1f]"
)
_MIN_SENTENCE_WORDS = 4
_LONG_LINE_WORDS = 20
_LONG_LINE_PUNCTUATION = 2
# A page may carry its article twice: as paragraphs, and again as one long line (the
# body in structured data, rendered as text). A kept line of at least this many words
# (more than a paragraph has) and this share of its article's words is such a copy when
# the kept lines before it hold this share of its words and of its word 4-grams.
_COPY_MIN_WORDS = 250
_COPY_MIN_SHARE = 0.25
_COPY_CONTAINED = 0.8
_WORD = re.compile(r"\w+")
_SHORT_LINE_WORDS = 4
_SHORT_LINE_PENALTY = 5.0
_TITLE_LINE_PENALTY = 4.0


class Line(NamedTuple):
    """One line of a text: ``[start, end)`` code points, without its line break."""

    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        """Whether the line holds only whitespace."""
        return not self.text.strip()


@dataclass(frozen=True, slots=True)
class Dropped:
    """A line cleaning removed: its span in the original text and why."""

    span: tuple[int, int]
    reason: str


@dataclass(frozen=True, slots=True)
class CleanText:
    """Text with boilerplate removed, and the way back to the original.

    Only the original and the kept lines' positions are stored; the cleaned text is
    assembled from them when asked for, so a scan holds no second copy of its corpus.

    Attributes:
        original: The text cleaning started from.
        pieces: ``(clean_start, original_start, length)`` for each kept line: the
            cleaned text ``text[clean_start:clean_start + length]`` equals
            ``original[original_start:original_start + length]``.
        dropped: The removed lines, with reasons, in order.
    """

    original: str
    pieces: tuple[tuple[int, int, int], ...]
    dropped: tuple[Dropped, ...]

    @property
    def text(self) -> str:
        """The kept lines, assembled from :attr:`original` and :attr:`pieces`.

        Paragraphs (lines that had a blank or dropped line between them) are separated
        by a blank line, other lines by a line break.
        """
        parts: list[str] = []
        position = 0
        for clean_start, original_start, length in self.pieces:
            if clean_start > position:
                parts.append("\n" * (clean_start - position))
            parts.append(self.original[original_start : original_start + length])
            position = clean_start + length
        return "".join(parts)

    def __len__(self) -> int:
        """The length of :attr:`text`, without assembling it."""
        if not self.pieces:
            return 0
        clean_start, _, length = self.pieces[-1]
        return clean_start + length

    @property
    def span(self) -> tuple[int, int]:
        """``[start, end)`` in the original from the first kept line to the last."""
        if not self.pieces:
            return (0, 0)
        last = self.pieces[-1]
        return (self.pieces[0][1], last[1] + last[2])

    def to_original(self, offset: int) -> int:
        """Map an offset in :attr:`text` to the matching offset in :attr:`original`.

        Offsets inside a kept line map exactly; an offset in a separator between kept
        lines maps to the end of the line before it.
        """
        if not self.pieces:
            return 0
        index = bisect.bisect_right(self.pieces, offset, key=lambda piece: piece[0]) - 1
        clean_start, original_start, length = self.pieces[max(index, 0)]
        return original_start + min(max(offset - clean_start, 0), length)


def _line_texts(text: str) -> list[str]:
    r"""The texts of a text's lines (``\n``, ``\r\n`` and ``\r`` all end lines)."""
    parts = _LINE_BREAK.split(text) if "\r" in text else text.split("\n")
    if parts[-1] == "":
        parts.pop()
    return parts


def _line_starts(text: str, parts: Sequence[str]) -> list[int]:
    """Where each line of ``parts`` (from :func:`_line_texts`) starts in ``text``."""
    if "\r" not in text:
        # The common case: offsets follow from the lengths.
        return list(itertools.accumulate((len(part) + 1 for part in parts), initial=0))[:-1]
    starts = [0]
    starts.extend(match.end() for match in _LINE_BREAK.finditer(text))
    return starts[: len(parts)]


def split_lines(text: str) -> list[Line]:
    r"""The lines of a text with their spans (``\n``, ``\r\n`` and ``\r`` all end lines)."""
    parts = _line_texts(text)
    starts = _line_starts(text, parts)
    return [Line(start, start + len(part), part) for start, part in zip(starts, parts, strict=True)]


def line_key(text: str) -> str:
    """A line's comparison form: normalised, spaces collapsed, trailing punctuation gone."""
    if len(text) > KEY_MAX_CHARS:
        return text.strip().casefold()
    # str.split() splits on exactly the whitespace that regular expressions' \s matches.
    return " ".join(normalize(text).split()).rstrip(_TRAILING)


def _single_spaced(text: str) -> bool:
    """Whether the only whitespace in ``text`` is single ASCII spaces."""
    # Printable text has no whitespace but the ASCII space.
    return "  " not in text and text.isprintable()


def _lines_single_spaced(text: str) -> bool:
    """Whether every line of ``text`` is :func:`_single_spaced` (line breaks aside)."""
    # Only ASCII text is tested, as bytes: several times faster than str.isprintable.
    # A line break other than "\n" is not printable, so such a text answers False.
    return (
        text.isascii()
        and not text.encode("ascii").translate(None, _PRINTABLE_ASCII)
        and "  " not in text
    )


def _collapse(text: str) -> str:
    """``" ".join(text.split())``, without splitting text that needs no collapsing."""
    return text.strip(" ") if _single_spaced(text) else " ".join(text.split())


def _line_keys(
    text: str, parts: Sequence[str], stripped: Sequence[str], single_spaced: bool = False
) -> list[str]:
    """:func:`line_key` of each of a text's lines, computed for the whole text at once.

    ``single_spaced`` says that every line is :func:`_single_spaced` (a promise that
    saves testing each line).
    """
    if text.isascii():
        # normalize() of ASCII is lower() with "`" folded; it keeps every offset, so the
        # whole text is lowered in one call and cut where the lines are.
        folded = _line_texts(text.replace("`", "'").lower())
        if single_spaced:
            # Lowering ASCII changes no whitespace, so the lines need no collapsing.
            return [
                (
                    low.strip(" ").rstrip(_TRAILING)
                    if len(low) <= KEY_MAX_CHARS
                    else content.casefold()
                )
                if content
                else ""
                for content, low in zip(stripped, folded, strict=True)
            ]
    else:
        # Normalising may add spaces ("\u00a8" is " \u0308"): each line is collapsed.
        folded = [
            normalize(part) if content and len(part) <= KEY_MAX_CHARS else ""
            for part, content in zip(parts, stripped, strict=True)
        ]
    return [
        (_collapse(low).rstrip(_TRAILING) if len(part) <= KEY_MAX_CHARS else content.casefold())
        if content
        else ""
        for part, content, low in zip(parts, stripped, folded, strict=True)
    ]


def _word_counts(stripped: Sequence[str], plain: Sequence[bool]) -> list[int]:
    """``len(line.split())`` of each stripped line, without splitting where spaces tell.

    ``plain`` says which lines are :func:`_single_spaced`: their words are their spaces
    and one.
    """
    return [
        (content.count(" ") + 1 if single else len(content.split())) if content else 0
        for content, single in zip(stripped, plain, strict=True)
    ]


class LineTable:
    """A text's lines, column by column, with what every rule reads of them.

    Cleaning decides about every line of a corpus, so the features are computed once per
    text, a column at a time, rather than line by line in each rule.

    Attributes:
        text: The whole text.
        raw: Each line's text, without its line break.
        starts: Where each line starts in :attr:`text`.
        stripped: Each line without edge whitespace (empty for a blank line).
        keys: Each line's :func:`line_key`.
        words: Each line's number of words (whitespace-separated; running-text features
            count Han and kana characters too in a line written without spaces).
        plain: Whether each stripped line is :func:`_single_spaced` (its only whitespace
            is single spaces).
        sentence_like: Whether each line reads as running text (:func:`is_sentence_like`).
        weights: Each line's :func:`line_weight` if no rule drops it.
    """

    __slots__ = (
        "keys", "plain", "raw", "sentence_like", "starts", "stripped", "text", "weights", "words",
    )  # fmt: skip

    def __init__(self, text: str) -> None:
        self.text = text
        self.raw = _line_texts(text)
        self.starts = _line_starts(text, self.raw)
        self.stripped = [part.strip() for part in self.raw]
        single_spaced = _lines_single_spaced(text)
        self.keys = _line_keys(text, self.raw, self.stripped, single_spaced)
        self.plain = (
            [True] * len(self.raw)
            if single_spaced
            # _single_spaced(), inlined.
            else ["  " not in content and content.isprintable() for content in self.stripped]
        )
        self.words = _word_counts(self.stripped, self.plain)
        text_words = (
            self.words if text.isascii() else list(map(_text_words, self.stripped, self.words))
        )
        self.sentence_like = list(map(_sentence_like, self.stripped, text_words))
        self.weights = _text_weights(self.stripped, self.words, text_words)

    def __len__(self) -> int:
        return len(self.raw)


def _text_words(stripped: str, words: int) -> int:
    """A stripped line's words, counting Han and kana in a line written without spaces.

    ``words`` is its number of whitespace-separated words; a line whose words average
    :data:`_UNSPACED_MEAN_CHARS` characters or more gets one more for every two Han or
    kana characters.
    """
    if stripped.isascii() or len(stripped) < _UNSPACED_MEAN_CHARS * words:
        return words
    unspaced = len(_UNSPACED_SCRIPTS.findall(stripped))
    return words + unspaced // _UNSPACED_CHARS_PER_WORD


def _text_weights(
    stripped: Sequence[str], counts: Sequence[int], text_counts: Sequence[int]
) -> list[float]:
    """:func:`line_weight` of each line, for lines no rule has dropped.

    ``counts`` are the lines' whitespace-separated words, ``text_counts`` their
    :func:`_text_words`.
    """
    weights = []
    for text, spaced, words in zip(stripped, counts, text_counts, strict=True):
        if not text:
            weights.append(0.0)
        elif (
            spaced <= _METADATA_MAX_WORDS
            and (text.endswith(":") or _HAS_DIGIT(text))
            and _METADATA_LINE.match(text)
        ):
            weights.append(-_METADATA_PENALTY)
        elif (words >= _MIN_SENTENCE_WORDS and _ends_running_text(text)) or (
            words >= _LONG_LINE_WORDS
            and len(_INNER_PUNCTUATION.findall(text)) >= _LONG_LINE_PUNCTUATION
        ):
            weights.append(float(words))
        elif words <= _SHORT_LINE_WORDS:
            weights.append(-_SHORT_LINE_PENALTY)
        else:
            weights.append(-_TITLE_LINE_PENALTY)
    return weights


@dataclass(slots=True)
class LineTally:
    """What :class:`RepeatedLines` counts, for a share of a corpus; tallies add up.

    Attributes:
        documents: For each short line's key, the documents it appears in.
        contexts: For each key, the distinct surroundings it appears in, as 64-bit
            digests: the fingerprint of the nearest long lines' words before it in the
            high 32 bits, after it in the low 32 (see :func:`_context_digest`).
    """

    documents: dict[str, int] = field(default_factory=dict)
    contexts: dict[str, set[int]] = field(default_factory=dict)

    def add(self, text: str) -> None:
        """Count one document's short lines."""
        parts = _line_texts(text)
        stripped = [part.strip() for part in parts]
        keys = _tally_keys(parts, stripped)
        long_lines = _long_lines(keys)
        digests: dict[int, int] = {}
        seen: set[str] = set()
        for key, position in _short_lines_in_context(keys, long_lines):
            # A document's first occurrence speaks for it: a line it repeats in several
            # places (a caption prefix, say) says nothing about the corpus.
            if key in seen:
                continue
            seen.add(key)
            digest = digests.get(position)
            if digest is None:
                digest = digests[position] = _context_digest(keys, stripped, long_lines, position)
            self.contexts.setdefault(key, set()).add(digest)
            self.documents[key] = self.documents.get(key, 0) + 1

    def update(self, other: LineTally) -> None:
        """Add another tally's counts to this one."""
        for key, count in other.documents.items():
            self.documents[key] = self.documents.get(key, 0) + count
            self.contexts.setdefault(key, set()).update(other.contexts[key])


def _tally_keys(parts: Sequence[str], stripped: Sequence[str]) -> list[str | None]:
    """Each line's :func:`line_key`, or ``None`` for a line of many words and characters.

    Such a line (of over :data:`KEY_MAX_CHARS` characters) has its casefolded text as
    key, which holds exactly its spaces (casefolding makes and removes none), so it is
    known to be long without its key; the key is made only where a short line needs it
    as context. Most of a corpus's lines are paragraphs, and most are never needed so.
    """
    keys: list[str | None] = []
    for part, content in zip(parts, stripped, strict=True):
        if not content:
            keys.append("")
        elif len(part) <= KEY_MAX_CHARS:
            keys.append(line_key(part))
        elif content.count(" ") < _CONTEXT_WORDS - 1:
            keys.append(content.casefold())
        else:
            keys.append(None)
    return keys


def _context_digest(
    keys: Sequence[str | None], stripped: Sequence[str], long_lines: Sequence[int], position: int
) -> int:
    """A stable 64-bit digest of the text around a short line: 32 bits for each side.

    ``long_lines`` are the indices of the text's long lines, ``position`` the number of
    them before the short line. A side is the nearest :data:`_CONTEXT_WINDOW` words of
    long lines (see :func:`_context_side`), or nothing (0) where there are none.
    """
    before = _context_side(keys, stripped, long_lines, range(position - 1, -1, -1))
    after = _context_side(keys, stripped, long_lines, range(position, len(long_lines)))
    return before << 32 | after


def _context_side(
    keys: Sequence[str | None],
    stripped: Sequence[str],
    long_lines: Sequence[int],
    numbers: range,
) -> int:
    """A 32-bit fingerprint of the nearest words of the long lines ``numbers`` picks.

    ``numbers`` runs outwards from the short line (downwards: the lines before it). The
    words are casefolded; the fingerprint is the least hash of their word 3-grams (a
    one-value MinHash, see :func:`window_fingerprint`), so the same text with an edited
    word or two, or wrapped at another width, mostly gives the same value: a syndicated
    copy's edits do not make its surroundings look different. 0 where there are none.
    """
    before = numbers.step < 0
    words: list[str] = []
    for number in numbers:
        index = long_lines[number]
        key = keys[index]
        text = key if key is not None else stripped[index].casefold()
        found: list[str] = []
        if len(text) > _CONTEXT_CHARS:
            # Only the words nearest the short line count: read the line's end (its
            # start, after it), less the word the cut may split, if it has enough.
            found = _WORD.findall(text[-_CONTEXT_CHARS:] if before else text[:_CONTEXT_CHARS])
            found = found[1:] if before else found[:-1]
        if len(found) < _CONTEXT_WINDOW:
            found = _WORD.findall(text)
        words = found + words if before else words + found
        if len(words) >= _CONTEXT_WINDOW:
            break
    return window_fingerprint(words[-_CONTEXT_WINDOW:] if before else words[:_CONTEXT_WINDOW])


def window_fingerprint(words: Sequence[str]) -> int:
    """A run of words' fingerprint (1 to 2**32 - 1), from its word 3-grams' least hash.

    A 3-gram's hash mixes its words' CRC-32s (a run of fewer than 3 words is one
    gram); 0 for no words. Stable across processes and runs.
    """
    if not words:
        return 0
    hashes = [zlib.crc32(word.encode("utf-8", "surrogatepass")) for word in words]
    if len(hashes) < 3:
        hashes += [0] * (3 - len(hashes))
    least = min(
        ((first * _GRAM_MIX + second) * _GRAM_MIX + third) & 0xFFFFFFFF
        for first, second, third in zip(hashes, hashes[1:], hashes[2:], strict=False)
    )
    return least % 0xFFFFFFFF + 1


class RepeatedLines:
    """Lines a corpus repeats around different text: a site's header, footer, prompts.

    A line counts when it is not running text (a sentence, a paragraph), appears in at
    least ``min_documents`` documents and, across them, has at least that many different
    texts on one side of it: before it (the nearest :data:`_CONTEXT_WINDOW` words of
    long lines) or after it. The conditions keep what copies share: copied sentences are
    running text, and a syndicated story's subheadings, lists and byline recur with the
    same text on at least one side. A side's text is compared by a fingerprint that
    edited words and re-wrapping mostly leave as it is, and a side is counted on its
    own: a copy that is edited, abridged or followed by another article changes one
    side of a line, seldom both, while a site's header and footer lines have a
    different article beside them on each page.

    Args:
        texts: The corpus's documents.
        min_documents: Documents (and distinct surroundings) a line needs to count.
        tally: Counts made already (by :class:`LineTally`, perhaps in other processes),
            to which ``texts`` add.

    Attributes:
        counts: Each learnt line's key, with the number of documents it appears in.
        list_headers: The learnt keys that are list headers ("Most read"): such a line
            still heads the list of headlines after it.
    """

    def __init__(
        self, texts: Iterable[str], min_documents: int = 3, *, tally: LineTally | None = None
    ) -> None:
        self.min_documents = min_documents
        tally = tally if tally is not None else LineTally()
        for text in texts:
            tally.add(text)
        self.counts: dict[str, int] = {
            key: count
            for key, count in tally.documents.items()
            if count >= min_documents
            and _surroundings(tally.contexts[key]) >= min_documents
            and key.count(" ") < _CONTEXT_WORDS - 1  # as tallied; classify() relies on it
        }
        # Those that head a list of headlines, which classify() drops with them.
        self.list_headers = frozenset(key for key in self.counts if _LIST_HEADER.fullmatch(key))

    def __contains__(self, key: object) -> bool:
        return key in self.counts

    def __len__(self) -> int:
        return len(self.counts)


def _surroundings(digests: Iterable[int]) -> int:
    """How many different texts a line has on the side where it has the most.

    Each digest holds a side in each half (:func:`_context_digest`); digests stored as
    signed 64-bit numbers count the same.
    """
    before, after = set(), set()
    for digest in digests:
        before.add((digest >> 32) & 0xFFFFFFFF)
        after.add(digest & 0xFFFFFFFF)
    return max(len(before), len(after))


def _long_lines(keys: Sequence[str | None]) -> list[int]:
    """The indices of long lines: of at least :data:`_CONTEXT_WORDS` words.

    A ``None`` key is a long line's (see :func:`_tally_keys`).
    """
    return [
        index
        for index, key in enumerate(keys)
        if key is None or key.count(" ") >= _CONTEXT_WORDS - 1
    ]


def _short_lines_in_context(
    keys: Sequence[str | None], long_lines: Sequence[int]
) -> Iterator[tuple[str, int]]:
    """Each short line's key with the number of long lines (``long_lines``) before it."""
    position = 0
    for index, key in enumerate(keys):
        if not key or key.count(" ") >= _CONTEXT_WORDS - 1:
            continue
        # Running text is never learnt: copied sentences are what dedup looks for. Only
        # a line that ends as a sentence does can weigh as running text, or one with
        # whitespace other than spaces (its words may be more than its spaces tell).
        if (_ends_running_text(key) or not key.isprintable()) and line_weight(key, None) > 0:
            continue
        while position < len(long_lines) and long_lines[position] < index:
            position += 1
        yield key, position


def classify(table: LineTable, repeated: RepeatedLines | None = None) -> list[str | None]:
    """Why each line is boilerplate, or ``None`` for a line to keep (blank lines too).

    Args:
        table: The text's lines.
        repeated: Lines learnt from the corpus as boilerplate, if any.
    """
    keys, stripped, raw, plain = table.keys, table.stripped, table.raw, table.plain
    reasons: list[str | None] = [None] * len(keys)
    captions: list[int] = []
    previous = ""
    index = 0
    while index < len(keys):
        key = keys[index]
        if not key:
            index += 1
            continue
        # A long line's key is its casefolded text, which has the same spaces (casefolding
        # makes and removes none): a single-spaced one's spaces are its words less one.
        long_plain = len(key) > KEY_MAX_CHARS and plain[index] and len(raw[index]) > KEY_MAX_CHARS
        spaces = table.words[index] - 1 if long_plain else key.count(" ")
        # Only lines of fewer than _CONTEXT_WORDS words are learnt. A learnt list header
        # still heads its list (below).
        if (
            repeated is not None
            and spaces < _CONTEXT_WORDS - 1
            and key in repeated
            and key not in repeated.list_headers
        ):
            reasons[index] = f"repeated in {repeated.counts[key]} documents"
        elif (
            spaces <= _RULES_MAX_SPACES
            or key.startswith(_RULES_OPEN_ENDED)
            or (not long_plain and "  " in key)
        ) and (match := _RULES.fullmatch(key)) is not None:
            if match["list"] is not None:
                reasons[index] = f"list header {stripped[index]!r}"
                index = _drop_list(table, reasons, index)
                continue
            reasons[index] = f"page furniture {stripped[index]!r}"
        elif (
            len(stripped[index]) <= _PAGE_TITLE_MAX_CHARS
            and "|" in stripped[index]
            and _PAGE_TITLE.match(stripped[index])
        ):
            reasons[index] = "page title"
        elif key == previous:
            # Before captions: a gallery shows each caption twice, and a photo page that
            # keeps its captions (below) keeps one copy.
            reasons[index] = "repeated line"
        elif (key.endswith(")") and _ends_with_bracketed_credit(key)) or (
            # (A start before the key's first character counts as its first character.)
            (at := key.rfind(" credit", -_TRAILING_CREDIT_CHARS)) > 0
            and _TRAILING_CREDIT.fullmatch(key, at - 1) is not None
        ):
            reasons[index] = f"photo caption {stripped[index]!r}"
            captions.append(index)
        previous = key
        index += 1
    if captions:
        _keep_captions_of_photo_pages(table, reasons, captions)
    return reasons


def _ends_with_bracketed_credit(key: str) -> bool:
    """Whether a key that ends in ")" ends with a photo credit (:data:`_BRACKETED_CREDIT`).

    Such a key cannot end with a :data:`_TRAILING_CREDIT`, whose words hold no bracket.
    """
    at = key.rfind("(")
    match = _BRACKETED_CREDIT.fullmatch(key, at) if at >= 0 else None
    return match is not None and (
        match["agency"] is None or key[:at].rstrip().endswith(_SENTENCE_ENDS)
    )


def _keep_captions_of_photo_pages(
    table: LineTable, reasons: list[str | None], captions: Sequence[int]
) -> None:
    """Keep the photo captions of a page whose running text is mostly its captions.

    On a photo page or a gallery the captions are the content (and what its copies
    share); they go only where the page's other running text has more words than they
    have. That text is counted before the main stretch is chosen, so a page whose
    comments outweigh its captions loses them.
    """
    caption_words = sum(table.words[index] for index in captions)
    other_words = sum(
        words
        for words, weight, reason in zip(table.words, table.weights, reasons, strict=True)
        if weight > 0 and reason is None
    )
    if other_words <= caption_words:
        for index in captions:
            reasons[index] = None


def _drop_list(table: LineTable, reasons: list[str | None], header: int) -> int:
    """Drop the headline list after a list header; return the index to go on from."""
    stripped = table.stripped
    block = _block_after(stripped, header + 1)
    if not block:
        # The header stands alone: the list is the next block, if it is one (two or more
        # headline-like lines; a single line is more likely a subheading of the article).
        gap = header + 1
        while gap < len(stripped) and not stripped[gap]:
            gap += 1
        block = _block_after(stripped, gap)
        if len(block) < 2:
            return header + 1
    if not all(
        table.words[i] <= _HEADLINE_MAX_WORDS and not stripped[i].endswith(".") for i in block
    ) and not _teasers(table, block):
        return header + 1
    title = stripped[header]
    for i in block:
        reasons[i] = f"headline list under {title!r}"
    return block[-1] + 1


def _teasers(table: LineTable, block: Sequence[int]) -> bool:
    """Whether a block is headlines, each followed by at most one line of teaser text.

    A headline here is a statement of at most :data:`_HEADLINE_MAX_WORDS` words (not an
    interview's or a FAQ's question), and at least half of them have
    :data:`_TEASER_MIN_WORDS` or more (a live blog's time stamps do not); a teaser has at
    most :data:`_TEASER_MAX_WORDS` (a paragraph of an article written one to a line is
    longer). Teasers of other stories are the lesser part of a page: all its running text
    (the teasers' own included) has at least twice the block's words (a briefing made of
    headlines and summaries has not).
    """
    if len(block) < _MIN_TEASER_LINES:
        return False
    after_headline, headlines, worded = False, 0, 0
    for index in block:
        words, text = table.words[index], table.stripped[index]
        if words <= _HEADLINE_MAX_WORDS and not text.endswith((".", "?")):
            after_headline, headlines = True, headlines + 1
            worded += words >= _TEASER_MIN_WORDS
        elif after_headline and words <= _TEASER_MAX_WORDS:
            after_headline = False
        else:
            return False
    if 2 * worded < headlines:
        return False
    running = sum(weight for weight in table.weights if weight > 0)
    return running >= 2 * sum(table.words[index] for index in block)


def _block_after(stripped: Sequence[str], start: int) -> list[int]:
    """Indices of the run of non-blank lines starting at ``start``."""
    block = []
    while start < len(stripped) and stripped[start]:
        block.append(start)
        start += 1
    return block


def is_sentence_like(text: str) -> bool:
    """Whether a line reads as running text rather than a label or a title."""
    stripped = text.strip()
    return _sentence_like(stripped, _text_words(stripped, len(stripped.split())))


def _sentence_like(stripped: str, words: int) -> bool:
    """:func:`is_sentence_like` of a stripped line of ``words`` words."""
    return words > _HEADLINE_MAX_WORDS // 2 or stripped.rstrip("\"')]").endswith(".")


def _ends_as_question(stripped: str) -> bool:
    """Whether a stripped line ends in a question mark (before closing quotes, brackets).

    A short one that running text does not follow weighs as a headline
    (:func:`_context_weights`, and so :func:`_all_running_text`).
    """
    return stripped.rstrip(_CLOSERS).endswith(("?", "？"))


def _ends_running_text(stripped: str) -> bool:
    """Whether a stripped line ends as a sentence or clause does."""
    end = stripped.rstrip(_CLOSERS)[-1:]
    return bool(end) and end in _RUNNING_TEXT_ENDS


def drop_head_labels(
    table: LineTable, reasons: list[str | None], start: int = 0, end: int | None = None
) -> None:
    """Drop an article's header furniture above its first sentence.

    Section labels ("World", "US News") and a title repeated in the header go; the
    first copy of the title stays. Only lines ``start`` to ``end`` are looked at.
    """
    seen: set[str] = set()
    for index in range(start, len(table) if end is None else end):
        stripped = table.stripped[index]
        if not stripped or reasons[index] is not None:
            continue
        if table.sentence_like[index]:
            return
        key = line_key(stripped)
        if _SECTION_LABEL.fullmatch(stripped):
            reasons[index] = f"section label {stripped!r}"
        elif key in seen:
            reasons[index] = "repeated title"
        seen.add(key)


def drop_article_copies(
    table: LineTable, reasons: list[str | None], start: int = 0, end: int | None = None
) -> None:
    """Drop a long line that repeats its article's text above it: the body again, on one line.

    Run before :func:`select_main_text`, so that such a copy at the foot of a page does
    not stretch the article over the menus above it. Only lines ``start`` to ``end``
    that no rule has dropped are looked at; the first copy of a text always stays.
    """
    stop = len(table) if end is None else end
    words, stripped = table.words, table.stripped
    if start >= stop or max(words[start:stop]) < _COPY_MIN_WORDS:
        return
    kept = [index for index in range(start, stop) if reasons[index] is None and stripped[index]]
    total = sum(words[index] for index in kept)
    above = 0
    candidates = []
    for index in kept:
        count = words[index]
        if (
            count >= _COPY_MIN_WORDS
            and count >= _COPY_MIN_SHARE * total
            and above >= _COPY_CONTAINED * count
        ):
            candidates.append(index)
        above += count
    if not candidates:
        return
    seen: set[tuple[str, ...]] = set()
    for index in kept:
        if index > candidates[-1]:
            break
        grams = _word_grams(stripped[index])
        if index in candidates and grams and len(grams & seen) >= _COPY_CONTAINED * len(grams):
            reasons[index] = "copy of the article"
        else:
            seen |= grams


def _word_grams(text: str) -> set[tuple[str, ...]]:
    """The runs of 4 words (casefolded word tokens, as ``_WORD`` finds them) in a text."""
    tokens = _WORD.findall(text.casefold())
    # The shorter slices end the runs.
    return set(zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False))


def line_weight(text: str, reason: str | None) -> float:
    """How much a line speaks for the stretch around it being article text.

    Running text counts its words; short lines (menus, labels) and title-like lines
    (headline lists) count against; boilerplate found by rule counts against too.
    """
    stripped = text.strip()
    if not stripped:
        return 0.0
    if reason is not None:
        return -_SHORT_LINE_PENALTY
    words = len(stripped.split())
    return _text_weights([stripped], [words], [_text_words(stripped, words)])[0]


def select_main_text(
    table: LineTable,
    reasons: list[str | None],
    *,
    main_stretch: bool = True,
    start: int = 0,
    end: int | None = None,
) -> None:
    """Drop the lines outside the article's main stretch of running text.

    The main stretch is the run of lines with the largest total :func:`line_weight`
    (the maximum-sum subarray, as in Finn et al.'s Body Text Extraction), so menus,
    headline lists and footers around the article fall away while short lines inside
    it (subheadings, captions, a one-line paragraph) stay. A text with no running text
    at all is left as it is. A comment-section header ends the article: what follows it
    is dropped as comments. With ``main_stretch`` off (text an HTML extractor already
    chose) only the comment section is cut. Only lines ``start`` to ``end`` are looked
    at.
    """
    stop = len(table) if end is None else end
    stripped = table.stripped
    line_weights = [
        table.weights[index]
        if reasons[index] is None or not stripped[index]
        else -_SHORT_LINE_PENALTY
        for index in range(start, stop)
    ]
    comments, tail = _tail_start(table, reasons, line_weights, start, stop)
    for index in range(comments, stop):
        if reasons[index] is None and stripped[index]:
            reasons[index] = tail
    if not main_stretch or _all_running_text(table, line_weights[: comments - start], start):
        return
    weights, paragraph_ends = _context_weights(
        table, reasons, line_weights[: comments - start], start
    )
    best_total, best_start, best_end = 0.0, -1, -1
    total, run_start = 0.0, 0
    for index, weight in enumerate(weights):
        if weight == 0.0:
            continue
        if total <= 0.0:
            total, run_start = 0.0, index
        total += weight
        if total > best_total:
            best_total, best_start, best_end = total, run_start, index
    if best_start < 0:
        return
    first, last = start + best_start, start + paragraph_ends[best_end]
    last = _list_end(table, last, comments)
    for index in range(start, stop):
        if reasons[index] is None and stripped[index] and not first <= index <= last:
            reasons[index] = "outside the main text"


def _all_running_text(table: LineTable, weights: Sequence[float], start: int) -> bool:
    """Whether every line weighs as running text and none as a question's headline.

    Then the main stretch is all the lines, so :func:`select_main_text` has nothing to
    drop: most articles of a clean corpus. No non-blank line weighs 0, so every line it
    could drop weighs as running text; a hard-wrapped paragraph of such lines does too;
    no gap before a line is negative (:data:`_EDGE_BEFORE` is 0), so none is discounted
    as standing alone; and nothing is left outside the maximum sum.
    """
    if min(weights, default=0.0) < 0:
        return False
    sentence_like, stripped = table.sentence_like, table.stripped
    return not any(
        weight > 0
        and not sentence_like[start + offset]
        and _ends_as_question(stripped[start + offset])
        for offset, weight in enumerate(weights)
    )


def _list_end(table: LineTable, last: int, stop: int) -> int:
    """The last item of a list right after line ``last``, or ``last`` if none follows.

    A list that ends the article belongs to it ("The steps are:" then "1. ..."); each
    of its items may be followed by one line of its own (a link, a price). So does a
    table (:func:`_table_end`).
    """
    stripped, end, between = table.stripped, last, 0
    items, each_with_a_line, after_end = 0, True, -1
    for index in range(last + 1, stop):
        if not stripped[index]:
            continue
        if _LIST_ITEM.match(table.raw[index]):
            if items:
                each_with_a_line = each_with_a_line and between == 1
            end, between, items = index, 0, items + 1
        else:
            between += 1
            if between == 1:
                after_end = index
            if between > 1 or end == last:
                break
    if end == last:
        return _table_end(table, last, stop)
    # Where every item had a line of its own, so has the last one.
    if items > 1 and each_with_a_line and after_end > end:
        end = after_end
    return end


def _table_end(table: LineTable, last: int, stop: int) -> int:
    """The last row of a table right after line ``last``, or ``last`` if none follows.

    A table is 3 or more rows (perhaps after a title of its own, "The band's tour
    dates"), each split by the same separator ("June 9 – Tampa, FL @ Arena").
    """
    stripped, words = table.stripped, table.words
    firsts: list[int] = []
    index = last + 1
    while index < stop and len(firsts) < 2:
        if stripped[index]:
            firsts.append(index)
        index += 1
    for first in firsts:
        for separator in _ROW_SEPARATORS:
            if separator not in stripped[first]:
                continue
            end, rows = first, 0
            for index in range(first, stop):
                if not stripped[index]:
                    continue
                if separator not in stripped[index] or words[index] > _HEADLINE_MAX_WORDS:
                    break
                end, rows = index, rows + 1
            if rows >= _MIN_TABLE_ROWS:
                return end
    return last


def _context_weights(
    table: LineTable, reasons: Sequence[str | None], line_weights: Sequence[float], start: int
) -> tuple[list[float], list[int]]:
    """Line weights, with running text that stands alone between non-text lines discounted.

    Article paragraphs come in runs; a lone paragraph between a title, a byline and a
    date is a teaser in a list of other stories: a short one counts nothing, a long one a
    quarter (a long lone paragraph may still be a page's whole article, and wins where
    nothing else on the page is running text). A short question that running text does
    not follow weighs as a title. Also returns, for each line, the index (from ``start``)
    of the last line of its (possibly hard-wrapped) paragraph.
    """
    weights, paragraph_ends = _wrapped_weights(table, reasons, line_weights, start)
    # A short question that running text does not follow is a headline, as in a list
    # of teasers ("What made the film so popular?", then a byline).
    following = 0.0
    for index in range(len(weights) - 1, -1, -1):
        weight = weights[index]
        line = start + index
        # A line that is not sentence-like has at most 15 words and does not end in ".".
        if (
            weight > 0
            and following <= 0
            and not table.sentence_like[line]
            and _ends_as_question(table.stripped[line])
        ):
            weights[index] = -_TITLE_LINE_PENALTY
        if weight != 0.0:
            following = weight
    gap_before = _gaps(weights, _EDGE_BEFORE)
    gap_after = _gaps(weights[::-1], _EDGE_AFTER)[::-1]
    return [
        weight * (_ISOLATED_TEXT_FACTOR if weight < _ISOLATED_MAX_WORDS else _ISOLATED_LONG_FACTOR)
        if weight > 0
        and gap_before[index] <= -_ISOLATING_GAP
        and gap_after[index] <= -_ISOLATING_GAP
        else weight
        for index, weight in enumerate(weights)
    ], paragraph_ends


def _wrapped_weights(
    table: LineTable, reasons: Sequence[str | None], line_weights: Sequence[float], start: int
) -> tuple[list[float], list[int]]:
    """Line weights, weighing a hard-wrapped paragraph as one line.

    A line continues the one before it when that one stops mid-sentence and this one
    starts in lower case, as in text wrapped at a fixed width. The paragraph's weight is
    given to its first line; its other lines weigh nothing. The second list holds, for
    each line, the index of its paragraph's last line (counted from ``start``).
    """
    stripped = table.stripped
    count = len(line_weights)
    weights = list(line_weights)
    paragraph_ends = list(range(count))
    index = 0
    while index < count:
        end = index + 1
        if reasons[start + index] is None:
            while (
                end < count
                and reasons[start + end] is None
                and stripped[start + end][:1].islower()
                and not _ends_running_text(stripped[start + end - 1])
            ):
                end += 1
        if end > index + 1:
            text = " ".join(stripped[start + index : start + end])
            weights[index] = line_weight(text, reasons[start + index])
            weights[index + 1 : end] = [0.0] * (end - index - 1)
            paragraph_ends[index:end] = [end - 1] * (end - index)
        index = end
    return weights, paragraph_ends


def _gaps(weights: Sequence[float], edge: float) -> list[float]:
    """For each line, the summed weight of the non-text lines just before it.

    ``edge`` is what the start of the text counts as.
    """
    gaps = []
    running = edge
    for weight in weights:
        gaps.append(running)
        if weight > 0:
            running = 0.0
        elif weight < 0:
            running += weight
    return gaps


def _tail_start(
    table: LineTable,
    reasons: list[str | None],
    weights: Sequence[float],
    start: int,
    stop: int,
) -> tuple[int, str]:
    """Where the article's tail starts, and what it is; ``stop`` if it has none.

    The tail is a comment section, opened by its header or by a comment's signature,
    or an "About <name>" box on the author or the company after the article; everything
    from there on is dropped as part of it.
    """
    words_before = 0.0
    for index in range(start, stop):
        stripped = table.stripped[index]
        if not stripped:
            continue
        if words_before >= _ARTICLE_BEFORE_COMMENTS:
            if _COMMENTS_HEADER.fullmatch(table.keys[index]):
                reasons[index] = f"comments header {stripped!r}"
                return index + 1, "comments section"
            if stripped.startswith(_ABOUT_WORDS) and _ABOUT_BOX.match(stripped):
                reasons[index] = f"about box {stripped!r}"
                return index + 1, "after the about box"
        if words_before > 0 and stripped.endswith(":") and _COMMENT_SIGNATURE.match(stripped):
            reasons[index] = f"comments header {stripped!r}"
            return index + 1, "comments section"
        weight = weights[index - start]
        if weight > 0:
            words_before += weight
    return stop, "comments section"


def build(
    table: LineTable, reasons: Sequence[str | None], start: int = 0, end: int | None = None
) -> CleanText:
    """Assemble a :class:`CleanText` from lines ``start`` to ``end`` and their reasons.

    A ``None`` reason keeps a line.
    """
    stop = len(table) if end is None else end
    return _assemble(table.text, table.raw, table.stripped, table.starts, reasons, start, stop)


def keep_all(text: str) -> CleanText:
    """A :class:`CleanText` that keeps every line of ``text`` (nothing is dropped)."""
    raw = _line_texts(text)
    stripped = [line.strip() for line in raw]
    reasons = [None] * len(raw)
    return _assemble(text, raw, stripped, _line_starts(text, raw), reasons, 0, len(raw))


def _assemble(
    text: str,
    raw: Sequence[str],
    stripped: Sequence[str],
    starts: Sequence[int],
    reasons: Sequence[str | None],
    start: int,
    stop: int,
) -> CleanText:
    pieces: list[tuple[int, int, int]] = []
    dropped: list[Dropped] = []
    position = 0
    gap = False
    for index in range(start, stop):
        reason = reasons[index]
        if reason is not None:
            dropped.append(Dropped((starts[index], starts[index] + len(raw[index])), reason))
            gap = True
            continue
        content = stripped[index]
        if not content:
            gap = True
            continue
        # Keep the line's own text exactly (spans slice the original), minus edge spaces.
        line = raw[index]
        leading = len(line) - len(line.lstrip())
        if pieces:
            position += 2 if gap else 1  # "\n\n" between paragraphs, else "\n"
        pieces.append((position, starts[index] + leading, len(content)))
        position += len(content)
        gap = False
    return CleanText(text, tuple(pieces), tuple(dropped))


def clean(
    text: str, *, main_stretch: bool = True, repeated: RepeatedLines | None = None
) -> CleanText:
    r"""Remove page boilerplate from plain text.

    Args:
        text: A page's text.
        main_stretch: Keep only the page's main stretch of running text (see
            :func:`select_main_text`); off for text an HTML extractor already chose.
        repeated: Lines learnt from the corpus as boilerplate (:class:`RepeatedLines`).

    Returns:
        The cleaned text, its map back to ``text`` and the dropped lines with reasons.

    Example:
        >>> result = clean("Connect with us\n\nThe story begins here.\n\nContinue Reading")
        >>> result.text
        'The story begins here.'
        >>> [d.reason for d in result.dropped]
        ["page furniture 'Connect with us'", "page furniture 'Continue Reading'"]
    """
    table = LineTable(text)
    return clean_part(table, classify(table, repeated), main_stretch=main_stretch)


def clean_part(
    table: LineTable,
    reasons: list[str | None],
    start: int = 0,
    end: int | None = None,
    *,
    main_stretch: bool = True,
) -> CleanText:
    """Clean lines ``start`` to ``end`` of a classified text: one article of its page.

    The passes after :func:`classify`, in order: copies of the article
    (:func:`drop_article_copies`), the main stretch (:func:`select_main_text`) and the
    header labels (:func:`drop_head_labels`); their reasons are written into
    ``reasons``. Returns the part's :class:`CleanText`.
    """
    drop_article_copies(table, reasons, start, end)
    select_main_text(table, reasons, main_stretch=main_stretch, start=start, end=end)
    drop_head_labels(table, reasons, start, end)
    return build(table, reasons, start, end)
