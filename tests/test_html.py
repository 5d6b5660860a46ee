from __future__ import annotations

import gzip
import importlib.metadata
import json
import multiprocessing
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from neardup import find_duplicates, read_documents
from neardup.cli import cli

from .conftest import SEED_A, story_paragraphs


def story_page() -> str:
    """The Sky story as a real-looking page: navigation, article, related links, footer."""
    paragraphs = "\n".join(f"<p>{p.replace(chr(10), ' ')}</p>" for p in story_paragraphs())
    menu = "".join(
        f'<li><a href="/{name}">{name}</a></li>' for name in ["Home", "World", "UK", "Money"]
    )
    return (
        "<!doctype html><html><head><title>Where have North Korean troops been seen in Russia?"
        "</title><script>var tracking = 1;</script></head><body>"
        f"<header><nav><ul>{menu}</ul></nav></header>"
        "<main><article><h1>Where have North Korean troops been seen in Russia?</h1>"
        f"{paragraphs}</article>"
        '<aside><h2>Related</h2><ul><li><a href="/x">Stocks making biggest moves after hours</a>'
        "</li></ul></aside></main>"
        "<footer><p>© 2024 Sky UK. All rights reserved.</p></footer></body></html>"
    )


def test_html_page_gives_the_story_without_the_page(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(story_page(), encoding="utf-8")
    (tmp_path / "page2.htm.gz").write_bytes(gzip.compress(story_page().encode("utf-8")))
    read = read_documents([tmp_path])
    assert read.errors == []
    assert [(d.id, d.kind) for d in read.documents] == [
        ("page.html", "html"),
        ("page2.htm.gz", "html"),
    ]
    text = read.documents[0].text
    assert "var tracking" not in text
    assert "All rights reserved" not in text
    for paragraph in story_paragraphs()[:5]:
        assert paragraph.splitlines()[0] in text


def test_html_copy_clusters_with_the_plain_text_copy(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(story_page(), encoding="utf-8")
    (tmp_path / SEED_A).write_bytes((Path(__file__).parent / "data" / SEED_A).read_bytes())
    result = find_duplicates(read_documents([tmp_path]).documents)
    assert [sorted(m.article.id for m in c.members) for c in result.clusters] == [
        [SEED_A, "page.html"]
    ]
    assert result.clusters[0].members[1].jaccard > 0.9


def test_trafilatura_is_installed_with_neardup_not_only_with_an_extra() -> None:
    # `pip install .` and `pipx install .` install no extra, and the default --include
    # reads *.html: HTML extraction must come with the plain install.
    plain = [
        requirement.split(";")[0]
        for requirement in importlib.metadata.requires("neardup") or []
        if "extra ==" not in requirement
    ]
    names = {re.split(r"[<>=!~ \[]", requirement)[0].lower() for requirement in plain}
    assert {"trafilatura", "lxml-html-clean"} <= names


def test_a_broken_trafilatura_import_reports_the_real_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # lxml >= 5.2 without its html_clean part: trafilatura (through justext) fails to
    # import. The error must say so, not send the user to an extra they have.
    for name in [*sys.modules]:
        if name.split(".")[0] in ("trafilatura", "justext") or name == "lxml.html.clean":
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "lxml_html_clean", None)
    (tmp_path / "page.html").write_text(story_page(), encoding="utf-8")
    (tmp_path / "note.txt").write_text("plain text still reads", encoding="utf-8")
    read = read_documents([tmp_path])
    assert [d.id for d in read.documents] == ["note.txt"]
    [error] = read.errors
    assert error.path == "page.html"
    assert error.reason.startswith("cannot read HTML: importing trafilatura failed: ")
    assert "lxml_html_clean" in error.reason
    assert "neardup[html]" not in error.reason
    result = CliRunner().invoke(cli, ["scan", str(tmp_path)])
    assert result.exit_code == 2
    assert "neardup: error: page.html: cannot read HTML: importing trafilatura failed" in (
        result.stderr
    )


def test_broken_gzip_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.txt.gz").write_bytes(b"\x1f\x8b not really gzip")
    read = read_documents([tmp_path])
    assert read.documents == []
    assert read.errors[0].path == "bad.txt.gz"
    assert read.errors[0].reason.startswith("not a valid gzip file")


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_reading_in_processes_gives_what_reading_in_one_does(
    tmp_path: Path, start_method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # HTML pages are extracted in worker processes, other files read in this one: the
    # documents, and the errors, come in the same order either way.
    page = story_page()
    for number in range(6):
        (tmp_path / f"p{number}.html").write_text(page.replace("Russia", f"Russia {number}"))
    (tmp_path / "p6.htm.gz").write_bytes(gzip.compress(page.encode("utf-8")))
    (tmp_path / "bad.html.gz").write_bytes(b"not gzip")
    (tmp_path / "empty.html").write_text("<html></html>")
    (tmp_path / "a.txt").write_text("plain text between the pages")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    taken = json.dumps({"id": (tmp_path / "p1.html").as_posix(), "text": "x"})
    (tmp_path / "records.jsonl").write_text(f"{taken}\nnot json\n")
    paths = [tmp_path, tmp_path / "missing", tmp_path / "p3.html", tmp_path / "records.jsonl"]
    alone = read_documents(paths)
    context = multiprocessing.get_context(start_method)
    monkeypatch.setattr(multiprocessing, "get_context", lambda *_: context)
    together = read_documents(paths, jobs=2)
    assert together.documents == alone.documents
    assert [str(error) for error in together.errors] == [str(error) for error in alone.errors]
    assert sum(d.kind == "html" for d in alone.documents) >= 6
    assert len(alone.errors) == 5  # bad gzip, binary, missing, duplicate id, not JSON
