"""Rendering results: the JSON contract of DESIGN.md section 4, and text for people."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from neardup._version import __version__
from neardup.boilerplate import Dropped, split_lines
from neardup.cluster import Cluster, Member
from neardup.errors import InputError
from neardup.pipeline import DedupResult

SCHEMA_VERSION = 1
_DIGITS = 4


def _score(value: float) -> float:
    return round(value, _DIGITS)


def member_to_dict(member: Member) -> dict[str, Any]:
    """One cluster member as in the ``scan --format json`` contract."""
    article = member.article
    return {
        "id": article.id,
        "path": article.path,
        "segment": article.segment,
        "span": list(article.span),
        "jaccard": _score(member.jaccard),
        "containment": _score(member.containment),
    }


def cluster_to_dict(index: int, cluster: Cluster) -> dict[str, Any]:
    """One cluster as in the ``scan --format json`` contract."""
    return {
        "id": index,
        "keep": cluster.keep.id,
        "members": [member_to_dict(member) for member in cluster.members],
    }


def errors_to_list(errors: Sequence[InputError]) -> list[dict[str, str]]:
    """Input errors as ``{"path", "error"}`` objects."""
    return [{"path": error.path, "error": error.reason} for error in errors]


def scan_to_dict(result: DedupResult, errors: Sequence[InputError] = ()) -> dict[str, Any]:
    """The whole ``scan --format json`` document."""
    return {
        "schema_version": SCHEMA_VERSION,
        "neardup_version": __version__,
        "config": result.config.to_dict(),
        "stats": result.stats.to_dict(),
        "clusters": [cluster_to_dict(i, cluster) for i, cluster in enumerate(result.clusters)],
        "skipped": [
            {"id": item.id, "reason": item.reason, "shingles": item.shingles}
            for item in result.skipped
        ],
        "errors": errors_to_list(errors),
    }


def dumps(value: Any) -> str:
    """JSON text, byte-stable for equal values (keys in insertion order, UTF-8 kept)."""
    return json.dumps(value, ensure_ascii=False, indent=2)


def scan_to_text(result: DedupResult, errors: Sequence[InputError] = ()) -> str:
    """A report for people: one block per cluster, the kept copy first, then a summary."""
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
        lines.append(f"not compared, too short: {shown}{more}")
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
