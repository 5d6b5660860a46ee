from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from neardup import Config, find_duplicates, read_documents
from neardup.cli import cli
from neardup.documents import DEFAULT_INCLUDE, folder_files, read_files
from neardup.errors import InputError
from neardup.index import CorpusIndex, folder_corpus
from neardup.report import scan_to_dict

from .indexing import article, page, story, write_corpus


def refreshed(folder: Path, config: Config | None = None) -> CorpusIndex:
    index = CorpusIndex(folder / ".neardup" / "index.db", folder, config or Config())
    index.refresh(folder_corpus(folder, include=DEFAULT_INCLUDE, exclude=()).files)
    return index


def refresh(folder: Path, config: Config | None = None) -> dict[str, object]:
    with CorpusIndex(folder / ".neardup" / "index.db", folder, config or Config()) as index:
        done = index.refresh(folder_corpus(folder, include=DEFAULT_INCLUDE, exclude=()).files)
    return {**done.to_dict(), "sketched": done.sketched, "rebuilt": done.rebuilt}


def index_json(folder: Path, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["index", str(folder), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    summary: dict[str, object] = json.loads(result.stdout)
    return summary


def clusters_of(folder: Path, config: Config | None = None) -> list[dict[str, Any]]:
    """The clusters a scan finds, and those the index gives, as scan's JSON has them."""
    documents = read_documents([str(folder)]).documents
    scanned = scan_to_dict(find_duplicates(documents, config), [])["clusters"]
    with refreshed(folder, config) as index:
        indexed = scan_to_dict(index.duplicates(documents), [])["clusters"]
    assert indexed == scanned
    return list(indexed)


def test_first_index_sketches_every_file_and_reports_the_summary(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 6)
    summary = index_json(tmp_path / "corpus")
    assert list(summary) == [
        "files", "added", "changed", "removed", "unchanged", "articles", "seconds",
    ]  # fmt: skip
    assert {key: summary[key] for key in ("files", "added", "changed", "removed")} == {
        "files": 6, "added": 6, "changed": 0, "removed": 0,
    }  # fmt: skip
    assert summary["unchanged"] == 0
    assert summary["articles"] == 6
    assert (tmp_path / "corpus" / ".neardup" / "index.db").is_file()


def test_a_refresh_resketches_only_the_changed_file(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 8)
    assert refresh(corpus)["added"] == 8
    assert refresh(corpus)["sketched"] == []
    (corpus / "article03.txt").write_text(page(article(103)), encoding="utf-8")
    # Same content, new modification time: hashed, not sketched.
    os.utime(corpus / "article04.txt", ns=(1, 1))
    done = refresh(corpus)
    assert done["sketched"] == ["article03.txt"]
    assert (done["files"], done["changed"], done["unchanged"], done["added"]) == (8, 1, 7, 0)
    (corpus / "article05.txt").write_text(page(article(105)), encoding="utf-8")
    summary = index_json(corpus)
    assert (summary["changed"], summary["unchanged"], summary["added"]) == (1, 7, 0)


def test_a_removed_file_leaves_the_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    texts = write_corpus(corpus, 5)
    (corpus / "copy.txt").write_text(page(story(), site="Other Site"), encoding="utf-8")
    assert len(clusters_of(corpus)) == 1
    (corpus / "copy.txt").unlink()
    summary = index_json(corpus)
    assert (summary["files"], summary["removed"], summary["articles"]) == (5, 1, len(texts))
    assert clusters_of(corpus) == []


def test_other_settings_rebuild_the_index_instead_of_mixing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 4)
    assert refresh(corpus)["rebuilt"] is True
    assert refresh(corpus)["rebuilt"] is False
    other = Config(shingle_size=4)
    done = refresh(corpus, other)
    assert (done["rebuilt"], done["added"], done["unchanged"]) == (True, 4, 0)
    # The flags of the command line do the same.
    summary = index_json(corpus, "--num-perm", "64")
    assert (summary["added"], summary["unchanged"]) == (4, 0)
    with CorpusIndex(corpus / ".neardup" / "index.db", corpus, Config(num_perm=64)) as index:
        (signature,) = {len(row[0]) for row in index._db.execute("SELECT signature FROM articles")}
    assert signature == 64 * 4


def test_scan_with_an_index_gives_the_same_clusters(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 6)
    (corpus / "copy.txt").write_text(page(story(), site="Other Site"), encoding="utf-8")
    (corpus / "abridged.txt").write_text(page(article(2, 5)[:900]), encoding="utf-8")

    (corpus / "binary.txt").write_bytes(b"\x00\x01 not text")

    def scan(*args: str) -> dict[str, Any]:
        result = CliRunner().invoke(cli, ["scan", str(corpus), "--format", "json", *args])
        assert result.exit_code == 2, result.output
        # The file that cannot be read is named once, whether the index reads it too or not.
        assert (
            result.stderr
            == "neardup: error: binary.txt: binary file (contains NUL bytes), not text\n"
        )
        data: dict[str, Any] = json.loads(result.stdout)
        return data

    plain = scan()
    assert len(plain["clusters"]) == 2
    assert [error["path"] for error in plain["errors"]] == ["binary.txt"]
    index = tmp_path / "elsewhere.db"
    assert scan("--index", str(index)) == plain
    assert index.is_file()
    (corpus / "article00.txt").write_text(page(story(), site="Third Site"), encoding="utf-8")
    assert scan("--index", str(index)) == scan()


def test_learnt_lines_that_change_reclean_the_files_that_hold_them(tmp_path: Path) -> None:
    # "Advertisement" and "Sign up for our newsletter" sit inside articles of two sites; a
    # third page makes them learnt boilerplate (min_repeats 3), which changes how the
    # first two are cleaned though their files did not change.
    corpus = tmp_path / "corpus"
    corpus.mkdir()

    def with_lines(seed: int) -> str:
        paragraphs = article(seed).split("\n\n")
        paragraphs.insert(2, "Advertisement")
        paragraphs.insert(4, "Sign up for our newsletter")
        return "\n\n".join(paragraphs)

    (corpus / "a.txt").write_text(with_lines(1), encoding="utf-8")
    (corpus / "b.txt").write_text(with_lines(2), encoding="utf-8")
    (corpus / "c.txt").write_text(article(3), encoding="utf-8")
    assert refresh(corpus)["added"] == 3
    clusters_of(corpus)
    (corpus / "d.txt").write_text(with_lines(4), encoding="utf-8")
    done = refresh(corpus)
    assert done["sketched"] == ["a.txt", "b.txt", "d.txt"]
    assert done["unchanged"] == 3
    with refreshed(corpus) as index:
        learnt = index.repeated_lines()
        assert learnt is not None
        assert "advertisement" in learnt
        pieces = index._db.execute(
            "SELECT pieces FROM articles WHERE document = 'a.txt'"
        ).fetchone()[0]
    documents = read_documents([str(corpus)]).documents
    scanned = find_duplicates(documents)
    (a_article,) = [item for item in scanned.articles if item.id == "a.txt"]
    assert "Advertisement" not in a_article.text
    assert len(pieces) == 3 * 8 * len(a_article.clean.pieces)
    # And when the third page goes, the lines are no longer learnt: a and b again.
    (corpus / "d.txt").unlink()
    assert refresh(corpus)["sketched"] == ["a.txt", "b.txt"]
    clusters_of(corpus)


def test_a_killed_update_leaves_an_index_that_answers_after_the_next_refresh(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 5)
    assert refresh(corpus)["added"] == 5
    (corpus / "copy.txt").write_text(page(story(), site="Other Site"), encoding="utf-8")
    (corpus / "article01.txt").write_text(page(article(101)), encoding="utf-8")
    # The process dies (no clean-up at all) after the new sketches are written, before
    # the transaction commits.
    script = textwrap.dedent(
        f"""
        import os
        from neardup import Config
        from neardup.documents import DEFAULT_INCLUDE, folder_files, read_files
        from neardup.index import CorpusIndex, folder_corpus

        def killed(self, *args, **kwargs):
            written(self, *args, **kwargs)
            os._exit(9)

        written = CorpusIndex._sketch
        CorpusIndex._sketch = killed
        root = {str(corpus)!r}
        index = CorpusIndex(root + "/.neardup/index.db", root, Config())
        index.refresh(folder_corpus(root, include=DEFAULT_INCLUDE, exclude=()).files)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], check=False)
    assert done.returncode == 9
    with sqlite3.connect(corpus / ".neardup" / "index.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*) FROM files").fetchone() == (5,)
    after = refresh(corpus)
    assert (after["added"], after["changed"], after["unchanged"]) == (1, 1, 4)
    assert len(clusters_of(corpus)) == 1


def test_a_second_updater_waits_then_fails_clearly(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 3)
    refresh(corpus)
    (corpus / "new.txt").write_text(page(article(50)), encoding="utf-8")
    with sqlite3.connect(corpus / ".neardup" / "index.db", isolation_level=None) as other:
        other.execute("BEGIN IMMEDIATE")  # another process's update, in progress
        index = CorpusIndex(corpus / ".neardup" / "index.db", corpus, Config(), wait=0.3)
        started = time.perf_counter()
        with pytest.raises(InputError, match="another process has been updating the index"):
            index.refresh(folder_corpus(corpus, include=DEFAULT_INCLUDE, exclude=()).files)
        assert time.perf_counter() - started >= 0.3
        index.close()
        other.execute("ROLLBACK")
    assert refresh(corpus)["added"] == 1


def test_two_concurrent_updates_both_succeed_and_leave_one_consistent_index(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 40)
    command = [sys.executable, "-m", "neardup", "index", str(corpus), "--format", "json"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    outputs = [json.loads(process.communicate()[0]) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0]
    # One of them built the index; the other found it built (or waited and found it so).
    assert sorted(output["added"] for output in outputs) in ([0, 40], [40, 40])
    with sqlite3.connect(corpus / ".neardup" / "index.db") as db:
        assert db.execute("SELECT COUNT(*), COUNT(DISTINCT path) FROM files").fetchone() == (
            40,
            40,
        )
        bands = db.execute("SELECT COUNT(*) FROM bands").fetchone()[0]
        assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 40
    assert bands % 40 == 0
    assert refresh(corpus)["unchanged"] == 40


@pytest.mark.parametrize("content", ["garbage", "foreign", "damaged"])
def test_a_corrupt_or_foreign_database_is_one_line_naming_rebuild(
    tmp_path: Path, content: str
) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 3)
    location = corpus / ".neardup" / "index.db"
    location.parent.mkdir(exist_ok=True)
    if content == "garbage":
        location.write_bytes(b"this is not a database, just bytes " * 200)
    elif content == "damaged":
        refresh(corpus)
        pages = bytearray(location.read_bytes())
        pages[4096:] = b"\xff" * (len(pages) - 4096)  # every page but the header's
        location.write_bytes(bytes(pages))
    else:
        with sqlite3.connect(location) as db:
            db.execute("CREATE TABLE notes (body TEXT)")
    result = CliRunner().invoke(cli, ["index", str(corpus)])
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"neardup: error: {location}: ")
    assert "not a neardup index" in line or "malformed" in line
    assert "--rebuild" in line
    summary = index_json(corpus, "--rebuild")
    assert summary["added"] == 3


def test_an_index_of_an_older_layout_is_rebuilt(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 3)
    refresh(corpus)
    with sqlite3.connect(corpus / ".neardup" / "index.db") as db:
        db.execute("PRAGMA user_version = 1")
    done = refresh(corpus)
    assert (done["rebuilt"], done["added"], done["articles"]) == (True, 3, 3)


def test_the_index_finds_the_seed_copies_as_a_scan_does(seeds_dir: Path) -> None:
    # The two real copies of the Sky News story: one page holds three more articles.
    (cluster,) = clusters_of(seeds_dir)
    assert [member["id"] for member in cluster["members"]] == [
        "000_ffaa124a4719848a.txt",
        "001_88b114c9c82cdf36.txt#0",
    ]
    # And without splitting, by containment alone.
    assert len(clusters_of(seeds_dir, Config(split=False))) == 1


def test_the_index_reads_files_as_a_scan_of_their_folder_does(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus / "sub", 3)
    (corpus / "page.html").write_text(
        f"<html><body><article><p>{story()}</p></article></body></html>", encoding="utf-8"
    )
    (corpus / "bad.txt").write_bytes(b"\x00 binary")
    names = folder_files(corpus)
    assert names == [
        "bad.txt", "page.html", "sub/article00.txt", "sub/article01.txt", "sub/story.txt",
    ]  # fmt: skip
    read, scanned = read_files(corpus, names), read_documents([str(corpus)])
    assert read.documents == scanned.documents
    assert [(error.path, error.reason) for error in read.errors] == [
        (error.path, error.reason) for error in scanned.errors
    ]
