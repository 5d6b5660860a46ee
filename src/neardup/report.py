"""Rendering results: the JSON reports, and text for people.

Names (paths, ids) reach people through :func:`shown` and JSON through :func:`dumps`, so
a file name can neither drive the terminal nor make the output invalid UTF-8.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from neardup._version import __version__
from neardup.boilerplate import Dropped, split_lines
from neardup.cluster import Cluster, Member
from neardup.diff import Segment, SegmentDiff, diff
from neardup.errors import InputError
from neardup.pipeline import DedupResult, Progress

SCHEMA_VERSION = 1
_ANSI = {"red": "\x1b[31m", "green": "\x1b[32m", "cyan": "\x1b[36m"}
_ANSI_RESET = "\x1b[0m"
_DIGITS = 4


# What a name may not show as it is: control characters (C0, DEL, C1), line and paragraph
# separators, bidirectional overrides and isolates (which reorder what follows them), and
# lone surrogates (Python's stand-ins for bytes of a file name that are not UTF-8).
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    character = match.group()
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte of a file name that is not UTF-8
    if code <= 0xFF:
        return repr(character)[1:-1] if character in "\t\n\r" else f"\\x{code:02x}"
    return f"\\u{code:04x}"


def shown(name: str) -> str:
    r"""A name (a path, an id, a message naming one) as it is safe to print to a terminal.

    Control characters, line separators, bidirectional overrides and lone surrogates are
    written as Python-style escapes; everything else is left as it is. A byte that is
    not UTF-8 in a file name (decoded by Python as a lone surrogate) shows as ``\xNN``.

    Args:
        name: The text to show.

    Returns:
        The text with those characters escaped.

    Example:
        >>> shown("news\x1b]0;pwned\x07.txt")
        'news\\x1b]0;pwned\\x07.txt'
        >>> shown("caf\udce9.txt")
        'caf\\xe9.txt'
    """
    return _UNSHOWABLE.sub(_escaped, name)


def _score(value: float) -> float:
    return round(value, _DIGITS)


def member_to_dict(member: Member, keep: Member | None = None) -> dict[str, Any]:
    """One cluster member as in the ``scan --format json`` contract.

    With ``keep`` (for ``scan --diffs``), a non-keep member also gets ``diff``: its
    differing segments against the keep member (a = keep, b = this member).
    """
    article = member.article
    item: dict[str, Any] = {
        "id": article.id,
        "path": article.path,
        "segment": article.segment,
        "span": list(article.span),
        "jaccard": _score(member.jaccard),
        "containment": _score(member.containment),
        "aligned": None if member.aligned is None else _score(member.aligned),
    }
    if keep is not None and keep is not member:
        result = diff(keep.article, article, a_name=keep.article.id, b_name=article.id)
        item["diff"] = [segment_to_dict(s) for s in result.segments if s.op != "equal"]
    return item


def cluster_to_dict(index: int, cluster: Cluster, *, diffs: bool = False) -> dict[str, Any]:
    """One cluster as in the ``scan --format json`` contract."""
    keep = cluster.members[0] if diffs else None
    return {
        "id": index,
        "keep": cluster.keep.id,
        "members": [member_to_dict(member, keep) for member in cluster.members],
    }


def errors_to_list(errors: Sequence[InputError]) -> list[dict[str, str]]:
    """Input errors as ``{"path", "error"}`` objects."""
    return [{"path": error.path, "error": error.reason} for error in errors]


def scan_to_dict(
    result: DedupResult,
    errors: Sequence[InputError] = (),
    *,
    diffs: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The whole ``scan --format json`` document.

    Args:
        result: What :func:`~neardup.pipeline.find_duplicates` found.
        errors: The inputs that could not be read.
        diffs: Give each copy its differing segments against the kept copy.
        progress: Called as ``progress("reporting", done, total)`` after each cluster.

    Returns:
        The document, ready for :func:`dumps`.
    """
    return _scan_document(result, errors, list(clusters_to_dicts(result, diffs, progress)))


def clusters_to_dicts(
    result: DedupResult, diffs: bool = False, progress: Progress | None = None
) -> Iterator[dict[str, Any]]:
    """Each cluster as in the ``scan --format json`` contract, made as it is taken.

    Args:
        result: What :func:`~neardup.pipeline.find_duplicates` found.
        diffs: Give each copy its differing segments against the kept copy.
        progress: Called as ``progress("reporting", done, total)`` after each cluster.
    """
    for index, cluster in enumerate(result.clusters):
        yield cluster_to_dict(index, cluster, diffs=diffs)
        if progress:
            progress("reporting", index + 1, len(result.clusters))


def scan_to_pieces(
    result: DedupResult,
    errors: Sequence[InputError] = (),
    *,
    diffs: bool = False,
    progress: Progress | None = None,
    size: int = 1 << 16,
) -> Iterator[str]:
    """:func:`dumps` of :func:`scan_to_dict`, in pieces of about ``size`` characters.

    Each cluster's object is made as its text is, and let go: a report is written out
    without its clusters' objects, or its text, all in memory at once.
    """
    head = dumps(_scan_document(result, errors, []))
    before, _, after = head.partition(_NO_CLUSTERS)
    if not result.clusters:
        yield head
        return
    pieces = [before, _NO_CLUSTERS[:-1]]
    gathered = len(before)
    for number, cluster in enumerate(clusters_to_dicts(result, diffs, progress)):
        text = dumps(cluster).replace("\n", "\n    ")  # a JSON string holds no line break
        pieces.append(f"{',' if number else ''}\n    {text}")
        gathered += len(text)
        if gathered >= size:
            yield "".join(pieces)
            pieces, gathered = [], 0
    pieces.append(f"\n  ]{after}")
    yield "".join(pieces)


# Where a report without clusters has them (each top-level key starts a line of its own).
_NO_CLUSTERS = '\n  "clusters": []'


def _scan_document(
    result: DedupResult, errors: Sequence[InputError], clusters: list[dict[str, Any]]
) -> dict[str, Any]:
    """The ``scan --format json`` document with these clusters' objects."""
    return {
        "schema_version": SCHEMA_VERSION,
        "neardup_version": __version__,
        "config": result.config.to_dict(),
        "stats": result.stats.to_dict(),
        "clusters": clusters,
        "skipped": [
            {"id": item.id, "reason": item.reason, "shingles": item.shingles}
            for item in result.skipped
        ],
        "errors": errors_to_list(errors),
    }


def segment_to_dict(segment: Segment) -> dict[str, Any]:
    """One diff segment as in the ``diff --format json`` contract."""
    item: dict[str, Any] = {
        "op": segment.op,
        "a_span": list(segment.a_span) if segment.a_span else None,
        "b_span": list(segment.b_span) if segment.b_span else None,
        "a_text": segment.a_text,
        "b_text": segment.b_text,
    }
    if segment.op == "replace":
        item["words"] = [
            {
                "op": word.op,
                "a_span": list(word.a_span) if word.a_span else None,
                "b_span": list(word.b_span) if word.b_span else None,
                "a_text": word.a_text,
                "b_text": word.b_text,
            }
            for word in segment.words
        ]
    return item


def diff_to_dict(result: SegmentDiff) -> dict[str, Any]:
    """The whole ``diff --format json`` document."""
    return {
        "schema_version": SCHEMA_VERSION,
        "a": result.a,
        "b": result.b,
        "jaccard": _score(result.jaccard),
        "containment_a_in_b": _score(result.containment_a_in_b),
        "containment_b_in_a": _score(result.containment_b_in_a),
        "segments": [segment_to_dict(segment) for segment in result.segments],
        "boilerplate": {
            "a": [list(span) for span in result.boilerplate_a],
            "b": [list(span) for span in result.boilerplate_b],
        },
    }


def diff_to_text(result: SegmentDiff, *, color: bool = False, context: int = 1) -> str:
    """A unified-diff-like report: changed paragraphs with a paragraph of context.

    Deleted text is marked ``-``, inserted ``+``; inside a replaced paragraph the changed
    words are shown as ``[-old-]{+new+}``. Colour (red, green) only when asked for.
    """

    def paint(text: str, colour: str) -> str:
        return f"{_ANSI[colour]}{text}{_ANSI_RESET}" if color else text

    lines = [
        paint(f"--- {shown(result.a)}", "red"),
        paint(f"+++ {shown(result.b)}", "green"),
        f"jaccard {result.jaccard:.2f}, a in b {result.containment_a_in_b:.2f}, "
        f"b in a {result.containment_b_in_a:.2f}",
    ]
    segments = result.segments
    visible: set[int] = set()
    for index, segment in enumerate(segments):
        if segment.op == "equal":
            continue
        for near in range(max(0, index - context), min(len(segments), index + context + 1)):
            visible.add(near)
    previous = -2
    for index in sorted(visible):
        segment = segments[index]
        if index != previous + 1:
            lines.append(
                paint(
                    f"@@ a {_span_text(segment.a_span)} b {_span_text(segment.b_span)} @@", "cyan"
                )
            )
        previous = index
        if segment.op == "equal":
            lines.extend(f"  {line}" for line in _paragraph_lines(segment.a_text))
        elif segment.op == "delete":
            lines.extend(paint(f"- {line}", "red") for line in _paragraph_lines(segment.a_text))
        elif segment.op == "insert":
            lines.extend(paint(f"+ {line}", "green") for line in _paragraph_lines(segment.b_text))
        else:
            lines.extend(f"~ {line}" for line in _word_diff(segment, paint).splitlines())
    if result.same:
        lines.append("same content")
    return "\n".join(lines) + "\n"


def _span_text(span: tuple[int, int] | None) -> str:
    return f"[{span[0]}, {span[1]})" if span else "-"


def _paragraph_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _word_diff(segment: Segment, paint: Callable[[str, str], str]) -> str:
    """A replaced paragraph as a's text with ``[-old-]{+new+}`` at each change."""
    text = segment.a_text or ""
    base = segment.a_span[0] if segment.a_span else 0
    pieces = []
    position = 0
    for word in segment.words:
        if word.a_span is not None:
            start, end = word.a_span[0] - base, word.a_span[1] - base
        else:
            start = end = word.a_position - base
        pieces.append(text[position:start])
        if word.a_text:
            pieces.append(paint(f"[-{word.a_text}-]", "red"))
        if word.b_text:
            pieces.append(paint(f"{{+{word.b_text}+}}", "green"))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def dumps(value: Any, *, indent: int | None = 2) -> str:
    r"""JSON text, byte-stable for equal values (keys in insertion order, UTF-8 kept).

    A lone surrogate (a byte of a file name that is not UTF-8, as Python decodes it) is
    written as a ``\udcNN`` escape, so the text always encodes as UTF-8; Python's
    ``json.loads`` reads the escape back and ``os.fsencode`` turns it into the byte.

    Args:
        value: What to write.
        indent: Spaces per level, or ``None`` for one line.

    Returns:
        The JSON text.

    Example:
        >>> dumps({"path": "caf\udce9.txt"}, indent=None)
        '{"path": "caf\\udce9.txt"}'
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _SURROGATE.sub(_surrogate_escape, text)


def _surrogate_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


#: The legend under a text report's clusters.
LEGEND = (
    "legend: #N = N-th article of a split page; [start, end) = its characters in "
    "the file; verified = candidate pairs confirmed as copies"
)
#: What to do next, under a text report that found clusters.
NEXT_STEP = "next: neardup dedup PATH... lists the files it would set aside (and changes nothing)"


def scan_to_text(
    result: DedupResult,
    errors: Sequence[InputError] = (),
    *,
    diffs: bool = False,
    progress: Progress | None = None,
) -> str:
    """A report for people: one block per cluster, the kept copy first, then a summary.

    Counts are written with thousands separators; spans (``[start, end)``, character
    offsets) without. When there are clusters, a legend and the command that acts on
    them follow the summary.

    Args:
        result: What :func:`~neardup.pipeline.find_duplicates` found.
        errors: The inputs that could not be read.
        diffs: Follow each copy with its differences from the kept copy.
        progress: Called as ``progress("reporting", done, total)`` after each cluster.

    Returns:
        The report, ending with a newline.
    """
    lines: list[str] = []
    total = len(result.clusters)
    for index, cluster in enumerate(result.clusters):
        lines.append(f"cluster {index + 1:,} of {total:,}: {len(cluster.members):,} copies")
        names = [shown(member.article.id) for member in cluster.members]
        width = max(len(name) for name in names)
        for position, (member, name) in enumerate(zip(cluster.members, names, strict=True)):
            start, end = member.article.span
            words = len(member.article.text.split())
            label = "keep" if position == 0 else "copy"
            line = f"  {label}  {name:<{width}}  [{start}, {end})  {words:,} words"
            if position:
                line += f"  jaccard {member.jaccard:.2f}  containment {member.containment:.2f}"
            lines.append(line)
            if position and diffs:
                keep = cluster.members[0].article
                changes = diff(keep, member.article, a_name=keep.id, b_name=member.article.id)
                body = diff_to_text(changes).splitlines()[3:]
                lines.extend(f"      {row}" for row in body)
        lines.append("")
        if progress:
            progress("reporting", index + 1, total)
    stats = result.stats
    summary = (
        f"{_count(stats.documents, 'document')}, {_count(stats.articles, 'article')}, "
        f"{_count(stats.candidate_pairs, 'candidate pair')}, {stats.verified_pairs:,} verified, "
        f"{_count(stats.clusters, 'cluster')}"
    )
    lines.append(summary if total else f"no near-duplicates: {summary}")
    if result.skipped:
        listed = ", ".join(f"{shown(item.id)} ({item.reason})" for item in result.skipped[:10])
        more = f" and {len(result.skipped) - 10:,} more" if len(result.skipped) > 10 else ""
        lines.append(f"not compared (empty or too short): {listed}{more}")
    if errors:
        lines.append(f"{_count(len(errors), 'input')} could not be read (see above)")
    if total:
        lines.extend((LEGEND, NEXT_STEP))
    return "\n".join(lines) + "\n"


def explain_lines(original: str, dropped: Sequence[Dropped]) -> str:
    """Every non-blank line of a text: kept ones marked ``+``, dropped ones ``-`` and why."""
    reasons = {item.span[0]: item.reason for item in dropped}
    rows = []
    for line in split_lines(original):
        if line.blank:
            continue
        reason = reasons.get(line.start)
        rows.append(
            f"+ {line.text.strip()}" if reason is None else f"- {line.text.strip()}  [{reason}]"
        )
    return "\n".join(rows)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
