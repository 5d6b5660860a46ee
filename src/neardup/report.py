"""Rendering results: the JSON contract of DESIGN.md section 4, and text for people."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from neardup._version import __version__
from neardup.boilerplate import Dropped, split_lines
from neardup.cluster import Cluster, Member
from neardup.diff import Segment, SegmentDiff, diff
from neardup.errors import InputError
from neardup.pipeline import DedupResult

SCHEMA_VERSION = 1
_ANSI = {"red": "\x1b[31m", "green": "\x1b[32m", "cyan": "\x1b[36m"}
_ANSI_RESET = "\x1b[0m"
_DIGITS = 4


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
    result: DedupResult, errors: Sequence[InputError] = (), *, diffs: bool = False
) -> dict[str, Any]:
    """The whole ``scan --format json`` document."""
    return {
        "schema_version": SCHEMA_VERSION,
        "neardup_version": __version__,
        "config": result.config.to_dict(),
        "stats": result.stats.to_dict(),
        "clusters": [
            cluster_to_dict(i, cluster, diffs=diffs) for i, cluster in enumerate(result.clusters)
        ],
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
        paint(f"--- {result.a}", "red"),
        paint(f"+++ {result.b}", "green"),
        f"jaccard {result.jaccard:.2f}, a in b {result.containment_a_in_b:.2f}, "
        f"b in a {result.containment_b_in_a:.2f}",
    ]
    segments = result.segments
    shown: set[int] = set()
    for index, segment in enumerate(segments):
        if segment.op == "equal":
            continue
        for near in range(max(0, index - context), min(len(segments), index + context + 1)):
            shown.add(near)
    previous = -2
    for index in sorted(shown):
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


def dumps(value: Any) -> str:
    """JSON text, byte-stable for equal values (keys in insertion order, UTF-8 kept)."""
    return json.dumps(value, ensure_ascii=False, indent=2)


def scan_to_text(
    result: DedupResult, errors: Sequence[InputError] = (), *, diffs: bool = False
) -> str:
    """A report for people: one block per cluster, the kept copy first, then a summary.

    With ``diffs``, each copy is followed by its differences from the kept copy.
    """
    lines: list[str] = []
    total = len(result.clusters)
    for index, cluster in enumerate(result.clusters):
        lines.append(f"cluster {index + 1} of {total}: {len(cluster.members)} copies")
        width = max(len(member.article.id) for member in cluster.members)
        for position, member in enumerate(cluster.members):
            start, end = member.article.span
            words = len(member.article.text.split())
            label = "keep" if position == 0 else "copy"
            line = f"  {label}  {member.article.id:<{width}}  [{start}, {end})  {words:,} words"
            if position:
                line += f"  jaccard {member.jaccard:.2f}  containment {member.containment:.2f}"
            lines.append(line)
            if position and diffs:
                keep = cluster.members[0].article
                changes = diff(keep, member.article, a_name=keep.id, b_name=member.article.id)
                body = diff_to_text(changes).splitlines()[3:]
                lines.extend(f"      {row}" for row in body)
        lines.append("")
    stats = result.stats
    summary = (
        f"{_count(stats.documents, 'document')}, {_count(stats.articles, 'article')}, "
        f"{_count(stats.candidate_pairs, 'candidate pair')}, {stats.verified_pairs} verified, "
        f"{_count(stats.clusters, 'cluster')}"
    )
    lines.append(summary if total else f"no near-duplicates: {summary}")
    if result.skipped:
        shown = ", ".join(f"{item.id} ({item.reason})" for item in result.skipped[:10])
        more = f" and {len(result.skipped) - 10} more" if len(result.skipped) > 10 else ""
        lines.append(f"not compared (empty or too short): {shown}{more}")
    if errors:
        lines.append(f"{_count(len(errors), 'input')} could not be read (see above)")
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
