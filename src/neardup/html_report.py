"""``scan --format html``: one self-contained page (no network) for people.

The page opens with the counts and an index of the clusters (size, kept article, a link
to each) with a filter box. Each copy's differences from its kept copy sit in a
collapsed ``<details>``: their rows are embedded as JSON and built only when opened, so
a report of 10,000 clusters loads as a page of tables, not of every difference. Small
reports (at most :data:`OPEN_PAIRS` pairs that differ) open them all at load.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from neardup._version import __version__
from neardup.cluster import Cluster
from neardup.diff import Segment, diff
from neardup.errors import InputError
from neardup.pipeline import DedupResult, Progress
from neardup.report import shown

#: Reports with at most this many differing pairs show every difference at load.
OPEN_PAIRS = 20

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
.index { border-collapse: collapse; margin: .5rem 0 1rem; table-layout: fixed; }
.index td:first-child { width: 5rem; } .index td:nth-child(2) { width: 5rem; }
/* A long index scrolls in its own box, so the clusters start within the first screen. */
.index-list { max-height: 50vh; overflow-y: auto; border-bottom: 1px solid #e3e3e8; }
/* Sections off screen are not laid out until scrolled to: a page of 10,000 stays quick. */
section.cluster { content-visibility: auto; contain-intrinsic-size: auto 14rem; }
.index td, .index th { padding: .1rem .8rem .1rem 0; text-align: left; }
#filter { font: inherit; padding: .25rem .4rem; width: 24rem; max-width: 100%; }
details.pair > summary { cursor: pointer; margin: .6rem 0 .2rem; font-weight: 600; }
.top { font-size: .85rem; }
"""

# Builds a pair's rows when its <details> opens, and filters the clusters by article id.
_SCRIPT = """
(function () {
  "use strict";
  var rowsOf = null;
  function render(details) {
    if (details.dataset.rendered) { return; }
    if (rowsOf === null) {
      rowsOf = JSON.parse(document.getElementById("neardup-diffs").textContent);
    }
    details.dataset.rendered = "1";
    details.insertAdjacentHTML("beforeend", rowsOf[Number(details.dataset.pair)]);
  }
  document.addEventListener("toggle", function (event) {
    var target = event.target;
    if (target.matches && target.matches("details.pair") && target.open) { render(target); }
  }, true);
  document.querySelectorAll("details.pair[open]").forEach(render);
  var filter = document.getElementById("filter");
  if (!filter) { return; }
  var entries = null;  // each cluster's index row, section and article ids, on first use
  filter.addEventListener("input", function () {
    if (entries === null) {
      entries = Array.prototype.map.call(
        document.querySelectorAll("#index tr[data-cluster]"),
        function (row) {
          var section = document.getElementById("cluster-" + row.dataset.cluster);
          var names = section.querySelector("table.members").textContent.toLowerCase();
          return {row: row, section: section, names: names};
        });
    }
    var query = filter.value.trim().toLowerCase();
    var count = 0;
    entries.forEach(function (entry) {
      var match = query === "" || entry.names.indexOf(query) >= 0;
      entry.row.hidden = !match;
      entry.section.hidden = !match;
      if (match) { count += 1; }
    });
    document.getElementById("filter-count").textContent = query === "" ? "" :
      count.toLocaleString("en-US") + " of " + entries.length.toLocaleString("en-US") +
      " clusters";
  });
})();
"""


def scan_to_html(
    result: DedupResult,
    errors: Sequence[InputError] = (),
    *,
    progress: Progress | None = None,
) -> str:
    """The HTML report of a scan: summary, index, clusters, scores, differences, skips.

    Args:
        result: What :func:`~neardup.pipeline.find_duplicates` found.
        errors: The inputs that could not be read.
        progress: Called as ``progress("reporting", done, total)`` after each cluster.

    Returns:
        The page, ending with a newline.
    """
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
    else:
        parts.extend(_index(result.clusters))
        parts.append(
            "<noscript><p>The differences and the filter need JavaScript; "
            "<code>neardup scan --diffs</code> prints the differences as text.</p></noscript>"
        )
    pair_rows: list[str] = []
    differing = sum(len(cluster.members) - 1 for cluster in result.clusters)
    open_all = differing <= OPEN_PAIRS
    for index, cluster in enumerate(result.clusters):
        parts.extend(_cluster(index, cluster, pair_rows, open_all))
        if progress:
            progress("reporting", index + 1, len(result.clusters))
    if result.skipped:
        parts.append(
            f'<details id="skipped"><summary>{len(result.skipped):,} articles not compared '
            "(empty or too short)</summary><ul>"
        )
        parts.extend(
            f"<li><code>{escape(shown(item.id))}</code>: {escape(item.reason)} "
            f"({item.shingles:,} shingles)</li>"
            for item in result.skipped
        )
        parts.append("</ul></details>")
    if errors:
        parts.append('<h2>Inputs that could not be read</h2><ul class="errors">')
        parts.extend(f"<li>{escape(shown(e.path))}: {escape(shown(e.reason))}</li>" for e in errors)
        parts.append("</ul>")
    # Inside <script>, only "</" (as in "</script>") and "<!--" could end the data early:
    # JSON may write "/" as "\/" and "!" as "\u0021", and the data reads the same.
    embedded = (
        json.dumps(pair_rows, ensure_ascii=False)
        .replace("</", "<\\/")
        .replace("<!--", "<\\u0021--")
    )
    parts.append(f'<script type="application/json" id="neardup-diffs">{embedded}</script>')
    parts.append(f"<script>{_SCRIPT}</script>")
    parts.append(f"<footer><p>neardup {escape(__version__)}</p></footer></body></html>")
    return "\n".join(parts) + "\n"


def _index(clusters: Sequence[Cluster]) -> list[str]:
    """The table of contents: each cluster's number, size and kept article, linked."""
    parts = [
        '<nav id="index"><h2>Clusters</h2>',
        '<p><input id="filter" type="search" placeholder="Filter by article id" '
        'aria-label="Filter clusters by article id"> <span id="filter-count"></span></p>',
        '<div class="index-list"><table class="index">',
        "<tr><th>cluster</th><th>copies</th><th>kept article</th></tr>",
    ]
    parts.extend(
        f'<tr data-cluster="{index}"><td class="num"><a href="#cluster-{index}">{index + 1:,}'
        f'</a></td><td class="num">{len(cluster.members):,}</td>'
        f'<td><a href="#cluster-{index}"><code>{escape(shown(cluster.keep.id))}</code></a></td>'
        "</tr>"
        for index, cluster in enumerate(clusters)
    )
    parts.append("</table></div></nav>")
    return parts


def _cluster(index: int, cluster: Cluster, pair_rows: list[str], open_all: bool) -> list[str]:
    """A cluster's section; each differing pair's rows are appended to ``pair_rows``."""
    keep = cluster.members[0].article
    keep_name = escape(shown(keep.id))
    parts = [
        f'<section class="cluster" id="cluster-{index}">',
        f"<h2>Cluster {index + 1:,}: {len(cluster.members):,} copies, keeping "
        f"<code>{keep_name}</code></h2>",
        '<table class="members"><tr><th></th><th>article</th><th>jaccard</th>'
        "<th>containment</th><th>span</th></tr>",
    ]
    for position, member in enumerate(cluster.members):
        article = member.article
        role = "keep" if position == 0 else "copy"
        parts.append(
            f'<tr class="{role}"><td>{role}</td><td><code>{escape(shown(article.id))}</code></td>'
            f'<td class="num">{member.jaccard:.2f}</td>'
            f'<td class="num">{member.containment:.2f}</td>'
            f'<td class="num">[{article.span[0]}, {article.span[1]})</td></tr>'
        )
    parts.append("</table>")
    for member in cluster.members[1:]:
        changes = diff(keep, member.article, a_name=keep.id, b_name=member.article.id)
        different = [segment for segment in changes.segments if segment.op != "equal"]
        copy_name = escape(shown(member.article.id))
        title = f"<code>{keep_name}</code> vs <code>{copy_name}</code>"
        if not different:
            parts.append(f'<p class="same">{title}: same content.</p>')
            continue
        parts.append(
            f'<details class="pair" data-pair="{len(pair_rows)}"{" open" if open_all else ""}>'
            f"<summary>{title}: {len(different):,} differing segments</summary></details>"
        )
        pair_rows.append(
            '<table class="diff"><tr><th class="op"></th>'
            f"<th>kept: {keep_name}</th><th>copy: {copy_name}</th></tr>"
            + "".join(_row(segment) for segment in different)
            + "</table>"
        )
    parts.append('<p class="top"><a href="#index">back to the index</a></p></section>')
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
