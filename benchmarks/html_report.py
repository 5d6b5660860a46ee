"""Size and browser timings of ``scan --format html`` on a generated corpus of many clusters.

Generates ``--clusters`` stories of ``--paragraphs`` paragraphs (60 words each, from a
made-up vocabulary), each in two copies that differ in one word of one paragraph, finds
the clusters in memory, writes the HTML report and loads it in headless Chromium, which
reports (from ``performance.now()`` in the page):

- ``load``: navigation start to the end of the load event (parsing, layout, the script);
- ``filter``: one filter that leaves one cluster of all (typing in the filter box);
- ``open``: opening one collapsed pair, whose rows are then built from the embedded data.

Run: ``python benchmarks/html_report.py [--clusters 10000] [--paragraphs 8] [--runs 3]``
(needs ``chromium`` on the PATH).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from neardup import Document, find_duplicates
from neardup.html_report import scan_to_html

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

# Appended to the page: times the load, a filter and opening a pair; writes them in the DOM.
PROBE = """<script>
window.addEventListener("load", function () {
  setTimeout(function () {
    var timing = performance.getEntriesByType("navigation")[0];
    var box = document.getElementById("filter");
    var start = performance.now();
    box.value = "story%(last)s-b";
    box.dispatchEvent(new Event("input"));
    var filtered = performance.now() - start;
    var pair = document.querySelector("details.pair");
    start = performance.now();
    pair.open = true;
    pair.dispatchEvent(new Event("toggle"));
    var opened = performance.now() - start;
    document.body.dataset.timings = JSON.stringify(
      {load: timing.loadEventEnd, filter: filtered, open: opened});
  }, 0);
});
</script>"""


def corpus(clusters: int, paragraphs: int) -> list[Document]:
    chance = random.Random(11)
    vocabulary = [
        f"{chance.choice('bcdfgklmnprst')}{chance.choice('aeiou')}{n}" for n in range(20000)
    ]
    documents = []
    for number in range(clusters):
        story = [" ".join(chance.choices(vocabulary, k=60)) + "." for _ in range(paragraphs)]
        changed = list(story)
        changed[number % paragraphs] = changed[number % paragraphs].replace(" ", " also ", 1)
        for suffix, text in (("a", story), ("b", changed)):
            name = f"story{number:05}-{suffix}.txt"
            documents.append(Document(name, "\n\n".join(text), name))
    return documents


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--paragraphs", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("chromium is not installed", file=sys.stderr)
        return 2
    documents = corpus(arguments.clusters, arguments.paragraphs)
    started = time.perf_counter()
    result = find_duplicates(documents, jobs=2)
    found = time.perf_counter() - started
    started = time.perf_counter()
    page = scan_to_html(result)
    rendered = time.perf_counter() - started
    size = len(page.encode("utf-8"))
    print(f"{len(documents):,} documents, {result.stats.clusters:,} clusters "
          f"(found in {found:.1f} s); report built in {rendered:.1f} s")  # fmt: skip
    print(f"page: {size / 1e6:.1f} MB, {size / max(1, result.stats.clusters):,.0f} bytes a cluster")
    last = f"{arguments.clusters - 1:05}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.html"
        path.write_text(page.replace("</body>", PROBE % {"last": last} + "</body>"), "utf-8")
        for run in range(arguments.runs):
            started = time.perf_counter()
            dom = subprocess.run(
                [browser, *FLAGS, f"--user-data-dir={folder}/profile",
                 "--virtual-time-budget=60000", "--dump-dom", path.as_uri()],
                capture_output=True, text=True, timeout=600, check=True,
            ).stdout  # fmt: skip
            wall = time.perf_counter() - started
            match = re.search(r'data-timings="([^"]+)"', dom)
            if match is None:
                print("the page did not report its timings", file=sys.stderr)
                return 2
            timings = json.loads(match.group(1).replace("&quot;", '"'))
            print(f"run {run + 1}: load {timings['load']:,.0f} ms, "
                  f"filter {timings['filter']:,.0f} ms, open a pair {timings['open']:,.1f} ms; "
                  f"chromium wall {wall:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
