"""Paragraph-level precision and recall of ``neardup diff`` on labelled copies, beside difflib.

Each labelled pair is built reproducibly from a real article body (the hand-labelled
``articleBody`` texts of scrapinghub-aeb and the Helsinki pages, paragraphs as the source
separates them): copy b gets known edits (words changed in three paragraphs, one paragraph
dropped, one added from another article) and changes that are *not* edits (one paragraph
split in two, two merged into one). Each side is written in one of four formats
(paragraphs between blank lines, one line per paragraph, hard-wrapped at 60-80 columns
with blank lines between paragraphs, CRLF line ends) and framed by a different site's
navigation and footer lines.

A paragraph (of a, or of b) counts as reported when a non-equal segment's span on its side
overlaps it; a reported span that overlaps no article paragraph (boilerplate the cleaning
kept) counts as one false positive. Truly changed: on a the edited and dropped paragraphs,
on b the edited and added ones. The peer is ``difflib.SequenceMatcher`` over the lines the
same cleaning kept (a plain line diff): each line in a non-equal opcode is reported.

Run: ``python benchmarks/diff_paragraphs.py`` (``--pairs N`` per corpus, default 60).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import itertools
import json
import random
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _corpora import HELSINKI_CSV, HELSINKI_PARAGRAPH_JOIN, corpus_file
from neardup.boilerplate import CleanText, clean
from neardup.diff import diff

AEB_TRUTH = Path("scrapinghub-aeb") / "ground-truth.json"
FORMATS = ("blank", "lines", "wrapped", "crlf")
Span = tuple[int, int]

HEADERS = (
    ["Home", "News", "World", "Business", "Sport", "Subscribe", "Sign in"],
    ["Skip to main content", "Menu", "Search", "Politics | Economy | Tech | Opinion"],
    ["Advertisement", "Log in", "Register", "Latest news", "Most read"],
)
FOOTERS = (
    ["Share this article", "Facebook", "Twitter", "Email", "Related stories",
     "Markets slide as oil prices climb", "Five things to know before the bell",
     "© 2019 Daily Courier. All rights reserved.", "Privacy policy", "Terms of use"],
    ["Read more", "Comments", "Sign up for our newsletter", "Follow us on Twitter",
     "Copyright 2019 The Post. All rights reserved."],
    ["Advertisement", "More from News", "Contact us", "About us", "Cookie settings",
     "© Associated Press 2019"],
)  # fmt: skip
REPLACEMENT_WORDS = ("officials", "Tuesday", "reported", "several", "about", "new", "2019")


@dataclass
class Unit:
    """One paragraph of a rendered side, and whether it is truly changed."""

    text: str
    changed: bool
    span: Span = (0, 0)


@dataclass
class Pair:
    """A labelled pair: the two texts and their paragraphs with labels."""

    a: str
    b: str
    a_units: list[Unit]
    b_units: list[Unit]
    formats: tuple[str, str]


@dataclass
class Counts:
    """Paragraph-level true positives, false positives and false negatives."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    pairs: int = 0
    per_format: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, units: Sequence[Unit], reported: Sequence[Span]) -> None:
        hit = [False] * len(reported)
        for unit in units:
            overlapping = [i for i, span in enumerate(reported) if _overlap(span, unit.span)]
            for index in overlapping:
                hit[index] = True
            if unit.changed and overlapping:
                self.true_positive += 1
            elif unit.changed:
                self.false_negative += 1
            elif overlapping:
                self.false_positive += 1
        self.false_positive += hit.count(False)

    def scores(self) -> tuple[float, float, float]:
        precision = self.true_positive / max(1, self.true_positive + self.false_positive)
        recall = self.true_positive / max(1, self.true_positive + self.false_negative)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def _overlap(first: Span, second: Span) -> bool:
    return first[0] < second[1] and second[0] < first[1]


def aeb_bodies() -> list[list[str]]:
    """The AEB article bodies as paragraph lists, in id order."""
    truth = json.loads(corpus_file(AEB_TRUTH).read_text(encoding="utf-8"))
    return [_paragraphs(truth[key]["articleBody"].split("\n")) for key in sorted(truth)]


def helsinki_bodies() -> list[list[str]]:
    """The Helsinki pages as paragraph lists (their ``###`` separators), in file order."""
    csv.field_size_limit(sys.maxsize)
    with corpus_file(HELSINKI_CSV).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [_paragraphs(row["text"].split(HELSINKI_PARAGRAPH_JOIN.strip())) for row in rows]


def _paragraphs(parts: Sequence[str]) -> list[str]:
    return [" ".join(part.split()) for part in parts if len(part.split()) >= 1]


def _edit_words(paragraph: str, rng: random.Random) -> str:
    words = paragraph.split()
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(len(words))
        words[index] = rng.choice([w for w in REPLACEMENT_WORDS if w != words[index]])
    return " ".join(words)


def _split(paragraph: str) -> list[str] | None:
    """The paragraph split in two at a sentence end near its middle, if it has one."""
    words = paragraph.split()
    ends = [i + 1 for i, word in enumerate(words[:-3]) if word.endswith((".", "?", "!")) and i > 2]
    if not ends:
        return None
    cut = min(ends, key=lambda end: abs(end - len(words) / 2))
    return [" ".join(words[:cut]), " ".join(words[cut:])]


def make_pair(
    body: list[str], other: list[str], rng: random.Random, formats: tuple[str, str]
) -> Pair | None:
    """Copy b of ``body`` with known edits; ``other`` provides the added paragraph."""
    long_enough = [i for i, p in enumerate(body) if len(p.split()) >= 8]
    if len(body) < 8 or len(long_enough) < 6:
        return None
    edited = set(rng.sample(long_enough, 3))
    rest = [i for i in range(len(body) - 1) if i not in edited and i + 1 not in edited]
    rng.shuffle(rest)
    dropped = rest.pop()
    split = next((i for i in rest if i != dropped and _split(body[i])), None)
    merged = next(
        (i for i in rest if {i, i + 1}.isdisjoint({dropped, split}) and i + 1 != dropped), None
    )
    added = rng.choice([p for p in other if len(p.split()) >= 8] or ["An added paragraph."])
    insert_at = rng.randrange(1, len(body))
    a_units = [Unit(p, i in edited or i == dropped) for i, p in enumerate(body)]
    b_units: list[Unit] = []
    index = 0
    while index < len(body):
        if index == insert_at:
            b_units.append(Unit(added, True))
        paragraph = body[index]
        parts = _split(paragraph) if index == split else None
        if index == dropped:
            pass
        elif index in edited:
            b_units.append(Unit(_edit_words(paragraph, rng), True))
        elif parts:
            b_units.extend(Unit(part, False) for part in parts)
        elif index == merged and index + 1 < len(body) and index + 1 not in edited:
            b_units.append(Unit(paragraph + " " + body[index + 1], False))
            index += 1
        else:
            b_units.append(Unit(paragraph, False))
        index += 1
    a_text = render(a_units, formats[0], rng, 0)
    b_text = render(b_units, formats[1], rng, 1)
    return Pair(a_text, b_text, a_units, b_units, formats)


def render(units: list[Unit], form: str, rng: random.Random, site: int) -> str:
    """Write ``units`` in ``form`` between a site's header and footer; set their spans."""
    header = HEADERS[(site + rng.randrange(3)) % 3]
    footer = FOOTERS[(site + rng.randrange(3)) % 3]
    newline = "\r\n" if form == "crlf" else "\n"
    separator = newline if form == "lines" else newline * 2
    width = rng.randint(60, 80)
    parts: list[str] = []
    position = 0

    def add(text: str) -> Span:
        nonlocal position
        if parts:
            parts.append(separator)
            position += len(separator)
        parts.append(text)
        start, position = position, position + len(text)
        return start, position

    for line in header:
        add(line)
    for unit in units:
        text = textwrap.fill(unit.text, width) if form == "wrapped" else unit.text
        unit.span = add(text)
    for line in footer:
        add(line)
    return "".join(parts) + newline


def neardup_reported(pair: Pair) -> tuple[list[Span], list[Span]]:
    """The spans ``neardup.diff`` reports as not equal, on a and on b."""
    result = diff(pair.a, pair.b)
    a_spans = [s.a_span for s in result.segments if s.op != "equal" and s.a_span]
    b_spans = [s.b_span for s in result.segments if s.op != "equal" and s.b_span]
    return a_spans, b_spans


def difflib_reported(pair: Pair) -> tuple[list[Span], list[Span]]:
    """The lines a difflib line diff of the cleaned texts reports as not equal."""
    a_lines, b_lines = _kept_lines(clean(pair.a)), _kept_lines(clean(pair.b))
    matcher = difflib.SequenceMatcher(
        None, [text for text, _ in a_lines], [text for text, _ in b_lines], autojunk=False
    )
    a_spans: list[Span] = []
    b_spans: list[Span] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag != "equal":
            a_spans.extend(span for _, span in a_lines[a0:a1])
            b_spans.extend(span for _, span in b_lines[b0:b1])
    return a_spans, b_spans


def _kept_lines(text: CleanText) -> list[tuple[str, Span]]:
    original = text.original
    return [
        (original[start : start + length], (start, start + length))
        for _, start, length in text.pieces
    ]


def build_pairs(per_corpus: int, seed: int = 19) -> list[Pair]:
    """``per_corpus`` labelled pairs from each corpus, formats cycling through all 16 orders."""
    rng = random.Random(seed)
    orders = [(first, second) for first, second in itertools.product(FORMATS, repeat=2)]
    pairs: list[Pair] = []
    for bodies in (aeb_bodies(), helsinki_bodies()):
        candidates = list(range(len(bodies)))
        rng.shuffle(candidates)
        made = 0
        for index in candidates:
            if made == per_corpus:
                break
            other = bodies[(index + 1 + rng.randrange(len(bodies) - 1)) % len(bodies)]
            pair = make_pair(bodies[index], other, rng, orders[made % len(orders)])
            if pair is not None:
                pairs.append(pair)
                made += 1
    return pairs


def score(
    pairs: Sequence[Pair], reported: Callable[[Pair], tuple[list[Span], list[Span]]]
) -> tuple[Counts, Counts]:
    """Counts over pairs whose two formats differ, and over pairs with the same format."""
    mixed, same = Counts(), Counts()
    for pair in pairs:
        counts = mixed if pair.formats[0] != pair.formats[1] else same
        a_spans, b_spans = reported(pair)
        counts.add(pair.a_units, a_spans)
        counts.add(pair.b_units, b_spans)
        counts.pairs += 1
    return mixed, same


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=60, help="labelled pairs per corpus")
    args = parser.parse_args(argv)
    pairs = build_pairs(args.pairs)
    print(f"{len(pairs)} labelled pairs (scrapinghub-aeb and Helsinki article bodies)")
    changed = removed = 0
    for pair in pairs:
        for units, text in ((pair.a_units, pair.a), (pair.b_units, pair.b)):
            kept = [(start, start + length) for _, start, length in clean(text).pieces]
            for unit in units:
                if unit.changed:
                    changed += 1
                    removed += not any(_overlap(unit.span, span) for span in kept)
    print(f"truly changed paragraphs: {changed} ({removed} removed by cleaning on their side)")
    print(f"{'tool':<14} {'formats':<8} {'pairs':>5} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, reported in (("neardup diff", neardup_reported), ("difflib lines", difflib_reported)):
        mixed, same = score(pairs, reported)
        for label, counts in (("mixed", mixed), ("same", same)):
            precision, recall, f1 = counts.scores()
            print(
                f"{name:<14} {label:<8} {counts.pairs:>5} {precision:>9.3f} {recall:>7.3f} "
                f"{f1:>6.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
