from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from neardup.cli import cli
from neardup.html_report import OPEN_PAIRS

from .conftest import SEED_A, SEED_B, write_corpus

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("CI must install Chromium (.ci/run does, from Debian's packages)")
    pytest.skip("headless Chromium is not installed (apt-get install chromium)")


class Rendered(HTMLParser):
    """The parts of the rendered DOM the test looks at."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.rows: list[str] = []
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section" and values.get("class") == "cluster":
            self.sections.append(values.get("id") or "")
        if tag == "tr" and values.get("class") in ("delete", "insert", "replace"):
            self.rows.append(values["class"] or "")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.slow
def test_seed_report_renders_the_cluster_and_its_differences(
    seeds_dir: Path, tmp_path: Path
) -> None:
    browser = chromium()
    result = CliRunner().invoke(cli, ["scan", str(seeds_dir), "--no-split", "--format", "html"])
    assert result.exit_code == 0
    page = tmp_path / "report.html"
    page.write_text(result.stdout, encoding="utf-8")
    profile = tmp_path / "profile"
    common = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    rendered = Rendered()
    rendered.feed(dom)
    text = " ".join(" ".join(rendered.text).split())
    assert rendered.sections == ["cluster-0"]
    assert f"Cluster 1: 2 copies, keeping {SEED_B}" in text
    assert f"copy {SEED_A} 0.44 1.00" in text
    # The appended articles are what the kept page has and the copy does not.
    assert set(rendered.rows) == {"delete"}
    assert "Should we be worried about a Donald Trump presidency?" in text
    shot = tmp_path / "report.png"
    subprocess.run(
        [*common, "--window-size=1200,900", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 900)
    assert len(data) > 20_000  # a rendered page, not a blank one


def test_report_is_self_contained_and_escapes_text(tmp_path: Path) -> None:
    story = (Path(__file__).parent / "data" / SEED_A).read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(story, encoding="utf-8")
    extra = "\n\nThe minister wrote <script>alert('x')</script> & left it there for readers."
    first_paragraph_end = story.index("war of Ukraine.") + len("war of Ukraine.")
    edited = story[:first_paragraph_end] + extra + story[first_paragraph_end:]
    (tmp_path / "b.txt").write_text(edited, encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "html"])
    assert result.exit_code == 0
    html = result.stdout
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    # The only scripts are the report's own: the differences as data, and its code.
    assert re.findall(r"<script[^>]*>", html) == [
        '<script type="application/json" id="neardup-diffs">',
        "<script>",
    ]
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


class Page(HTMLParser):
    """A report's navigation: index rows and links, sections, pairs, skipped list, scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.index_rows: list[str] = []
        self.links: set[str] = set()
        self.sections: list[str] = []
        self.hidden: set[str] = set()
        self.pairs: list[tuple[str, bool]] = []  # (data-pair, open)
        self.diff_rows: list[tuple[str, str]] = []  # (section, op) rendered in the DOM
        self.skipped: list[str] = []
        self.data: dict[str, str] = {}
        self._section = ""
        self._in_skipped = False
        self._capture = ""  # the id of the <script> or <span> whose text is being kept

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        ident = values.get("id") or ""
        if tag == "tr" and "data-cluster" in values:
            self.index_rows.append(values["data-cluster"] or "")
            if "hidden" in values:
                self.hidden.add(f"row-{values['data-cluster']}")
        if tag == "a" and (values.get("href") or "").startswith("#"):
            self.links.add((values.get("href") or "")[1:])
        if tag == "section":
            self._section = ident
            self.sections.append(ident)
            if "hidden" in values:
                self.hidden.add(ident)
        if tag == "details" and values.get("class") == "pair":
            self.pairs.append((values.get("data-pair") or "", "open" in values))
        if tag == "tr" and values.get("class") in ("delete", "insert", "replace"):
            self.diff_rows.append((self._section, values.get("class") or ""))
        if tag == "details" and ident == "skipped":
            self._in_skipped = True
        if tag == "li" and self._in_skipped:
            self.skipped.append("")
        if tag in ("script", "span") and ident:
            self._capture = ident
            self.data[ident] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._section = ""
        if tag == "details":
            self._in_skipped = False
        if tag in ("script", "span"):
            self._capture = ""

    def handle_data(self, data: str) -> None:
        if self._capture:
            self.data[self._capture] += data
        elif self._in_skipped and self.skipped:
            self.skipped[-1] += data


def many_clusters(tmp_path: Path, stories: int) -> Path:
    folder = tmp_path / "corpus"
    write_corpus(folder, stories)
    (folder / "brief.txt").write_text("Too short to compare.", encoding="utf-8")
    return folder


def test_report_has_an_index_of_linked_clusters_and_lazy_differences(tmp_path: Path) -> None:
    stories = OPEN_PAIRS + 10
    result = CliRunner().invoke(
        cli, ["scan", str(many_clusters(tmp_path, stories)), "--format", "html"]
    )
    assert result.exit_code == 0
    page = Page()
    page.feed(result.stdout)
    numbers = [str(number) for number in range(stories)]
    assert page.index_rows == numbers
    assert page.sections == [f"cluster-{number}" for number in numbers]
    assert set(page.sections) <= page.links  # each cluster is linked from the index
    assert "index" in page.links  # and links back
    # More pairs than OPEN_PAIRS: each collapsed, its rows only in the embedded data.
    assert page.pairs == [(number, False) for number in numbers]
    assert page.diff_rows == []
    rows = json.loads(page.data["neardup-diffs"])
    assert len(rows) == stories
    assert all(row.startswith('<table class="diff">') for row in rows)
    assert 'story007b.txt</th><th>copy: story007a.txt</th></tr><tr class="replace">' in rows[7]
    assert [item.strip() for item in page.skipped] == ["brief.txt: too short (0 shingles)"]


def test_small_reports_open_their_differences(seeds_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(seeds_dir), "--no-split", "--format", "html"])
    page = Page()
    page.feed(result.stdout)
    assert page.pairs == [("0", True)]


@pytest.mark.slow
def test_filter_and_opening_a_pair_in_the_browser(tmp_path: Path) -> None:
    browser = chromium()
    stories = 40
    result = CliRunner().invoke(
        cli, ["scan", str(many_clusters(tmp_path, stories)), "--format", "html"]
    )
    # What a reader does: type in the filter box, then open the one pair left.
    reader = """<script>
      var box = document.getElementById("filter");
      box.value = "STORY007b";
      box.dispatchEvent(new Event("input"));
      document.querySelector("#cluster-7 details.pair").open = true;
    </script>"""
    page_path = tmp_path / "report.html"
    page_path.write_text(result.stdout.replace("</body>", reader + "</body>"), encoding="utf-8")
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=5000",
         "--dump-dom", page_path.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    page = Page()
    page.feed(dom)
    others = {f"cluster-{n}" for n in range(stories) if n != 7}
    assert page.hidden == others | {f"row-{n}" for n in range(stories) if n != 7}
    assert page.data["filter-count"] == "1 of 40 clusters"
    assert page.diff_rows == [("cluster-7", "replace")]
