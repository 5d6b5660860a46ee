"""``scan --format html``: one self-contained page (no network, no scripts) for people."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from neardup._version import __version__
from neardup.cluster import Cluster
from neardup.diff import Segment, diff
from neardup.errors import InputError
from neardup.pipeline import DedupResult

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 78rem;
       padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; }
.summary td, .members td, .members th { padding: .2rem .8rem .2rem 0; text-align: left; }
.members { border-collapse: collapse; margin: .5rem 0 1rem; }
.members tr.keep { font-weight: 600; }
.num { font-variant-numeric: tabular-nums; }
table.diff { border-collapse: collapse; width: 100%; table-layout: fixed; margin: .4rem 0 1.2rem; }
table.diff th { text-align: left; font-weight: 600; padding: .3rem; background: #f0f0f3; }
table.diff td { vertical-align: top; padding: .35rem .5rem; border-top: 1px solid #e3e3e8;
                white-space: pre-wrap; overflow-wrap: anywhere; }
.op { width: 5.5rem; } td.op { color: #555; font-size: .85rem; }
tr.delete td.a, tr.replace td.a { background: #fdecec; }
tr.insert td.b, tr.replace td.b { background: #e8f6ea; }
del { background: #f7c1c1; text-decoration: line-through; }
ins { background: #b9e6c0; text-decoration: none; }
.same { color: #2d6a35; }
.errors li { color: #a11; }
"""


def scan_to_html(result: DedupResult, errors: Sequence[InputError] = ()) -> str:
    """The HTML report of a scan: summary, clusters, kept copies, scores, differences."""
    stats = result.stats
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>neardup report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>neardup: near-duplicate report</h1>",
        '<table class="summary" id="summary">',
        *(
            f'<tr><td>{escape(label)}</td><td class="num">{value:,}</td></tr>'
            for label, value in (
                ("documents", stats.documents),
                ("articles", stats.articles),
                ("clusters", stats.clusters),
                ("verified pairs", stats.verified_pairs),
                ("candidate pairs", stats.candidate_pairs),
                ("empty or too short", stats.empty + stats.too_short),
            )
        ),
        "</table>",
    ]
    if not result.clusters:
        parts.append('<p class="same">No near-duplicates found.</p>')
    for index, cluster in enumerate(result.clusters):
        parts.extend(_cluster(index, cluster))
    if errors:
        parts.append('<h2>Inputs that could not be read</h2><ul class="errors">')
        parts.extend(f"<li>{escape(e.path)}: {escape(e.reason)}</li>" for e in errors)
        parts.append("</ul>")
    parts.append(f"<footer><p>neardup {escape(__version__)}</p></footer></body></html>")
    return "\n".join(parts) + "\n"


def _cluster(index: int, cluster: Cluster) -> list[str]:
    keep = cluster.members[0].article
    parts = [
        f'<section class="cluster" id="cluster-{index}">',
        f"<h2>Cluster {index + 1}: {len(cluster.members)} copies, keeping "
        f"<code>{escape(keep.id)}</code></h2>",
        '<table class="members"><tr><th></th><th>article</th><th>jaccard</th>'
        "<th>containment</th><th>span</th></tr>",
    ]
    for position, member in enumerate(cluster.members):
        article = member.article
        role = "keep" if position == 0 else "copy"
        parts.append(
            f'<tr class="{role}"><td>{role}</td><td><code>{escape(article.id)}</code></td>'
            f'<td class="num">{member.jaccard:.2f}</td>'
            f'<td class="num">{member.containment:.2f}</td>'
            f'<td class="num">[{article.span[0]}, {article.span[1]})</td></tr>'
        )
    parts.append("</table>")
    for member in cluster.members[1:]:
        changes = diff(keep, member.article, a_name=keep.id, b_name=member.article.id)
        different = [segment for segment in changes.segments if segment.op != "equal"]
        title = f"<code>{escape(keep.id)}</code> vs <code>{escape(member.article.id)}</code>"
        if not different:
            parts.append(f'<p class="same">{title}: same content.</p>')
            continue
        parts.append(f"<h3>{title}: {len(different)} differing segments</h3>")
        parts.append(
            '<table class="diff"><tr><th class="op"></th>'
            f"<th>kept: {escape(keep.id)}</th><th>copy: {escape(member.article.id)}</th></tr>"
        )
        parts.extend(_row(segment) for segment in different)
        parts.append("</table>")
    parts.append("</section>")
    return parts


def _row(segment: Segment) -> str:
    if segment.op == "replace":
        left, right = _marked(segment)
    else:
        left, right = escape(segment.a_text or ""), escape(segment.b_text or "")
    return (
        f'<tr class="{segment.op}"><td class="op">{segment.op}</td>'
        f'<td class="a">{left}</td><td class="b">{right}</td></tr>'
    )


def _marked(segment: Segment) -> tuple[str, str]:
    """A replaced paragraph's two sides with changed words in <del> and <ins>."""
    sides = []
    for text, span, side in (
        (segment.a_text or "", segment.a_span, "a"),
        (segment.b_text or "", segment.b_span, "b"),
    ):
        base = span[0] if span else 0
        tag = "del" if side == "a" else "ins"
        pieces, position = [], 0
        for word in segment.words:
            changed = word.a_span if side == "a" else word.b_span
            if changed is None:
                continue
            start, end = changed[0] - base, changed[1] - base
            pieces.append(escape(text[position:start]))
            pieces.append(f"<{tag}>{escape(text[start:end])}</{tag}>")
            position = end
        pieces.append(escape(text[position:]))
        sides.append("".join(pieces))
    return sides[0], sides[1]
