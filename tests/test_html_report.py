from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from neardup.cli import cli

from .conftest import SEED_A, SEED_B

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
