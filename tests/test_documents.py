from __future__ import annotations

import fnmatch
import gzip
import hashlib
import io
import json
import os
import threading
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup import ConfigError, InputError, documents, read_documents
from neardup.documents import FileDocument, _Globs, _suffixes


def write(root: Path, name: str, data: bytes | str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)


def test_folder_ids_are_relative_and_sorted(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", "bee")
    write(tmp_path, "sub/a.md", "ay")
    write(tmp_path, "sub/skip.pdf", "%PDF-1.4")
    write(tmp_path, ".hidden/c.txt", "hidden")
    result = read_documents([tmp_path])
    assert [d.id for d in result.documents] == ["b.txt", "sub/a.md"]
    assert result.errors == []


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "a")
    write(tmp_path, "drafts/b.txt", "b")
    write(tmp_path, "c.html", "c")
    result = read_documents([tmp_path], include=["*.txt", "*.html"], exclude=["drafts"])
    assert [d.id for d in result.documents] == ["a.txt", "c.html"]


def test_several_paths_keep_their_prefix(tmp_path: Path) -> None:
    write(tmp_path, "x/a.txt", "a")
    write(tmp_path, "y/a.txt", "a")
    result = read_documents([tmp_path / "x", tmp_path / "y"])
    assert [d.id for d in result.documents] == [
        (tmp_path / "x" / "a.txt").as_posix(),
        (tmp_path / "y" / "a.txt").as_posix(),
    ]


def test_jsonl_files_and_stdin(tmp_path: Path) -> None:
    records = [{"id": "r1", "text": "one"}, {"id": 2, "text": "two"}, {"text": "no id"}]
    write(tmp_path, "c.jsonl", "\n".join(json.dumps(r) for r in records) + "\n\n{oops\n")
    result = read_documents([tmp_path / "c.jsonl"])
    assert [(d.id, d.text) for d in result.documents] == [
        ("r1", "one"), ("2", "two"), (f"{(tmp_path / 'c.jsonl').as_posix()}:3", "no id"),
    ]  # fmt: skip
    assert len(result.errors) == 1
    assert result.errors[0].path.endswith("c.jsonl:5")
    assert "not valid JSON" in result.errors[0].reason
    piped = read_documents(["-"], stdin=io.StringIO('{"id": "s", "text": "from stdin"}\n'))
    assert [(d.id, d.path) for d in piped.documents] == [("s", "-")]


def test_bad_files_are_listed_and_reading_goes_on(tmp_path: Path) -> None:
    write(tmp_path, "good.txt", "fine")
    write(
        tmp_path,
        "latin1.txt",
        "Le caf\xe9 \xe9tait ferm\xe9 \xe0 cause de la gr\xe8ve.".encode("cp1252"),
    )
    write(tmp_path, "noise.txt", bytes(range(0x80, 0x100)) * 4)
    write(tmp_path, "binary.txt", b"\x00\x01\x02")
    write(tmp_path, "bom.txt", "\ufeffwith bom".encode())
    result = read_documents([tmp_path, tmp_path / "missing.txt"])
    assert [d.text for d in result.documents] == [
        "with bom",
        "fine",
        "Le café était fermé à cause de la grève.",
    ]
    problems = {Path(e.path).name: e.reason for e in result.errors}
    assert problems == {
        "binary.txt": "binary file (contains NUL bytes), not text",
        "noise.txt": "not valid UTF-8 (byte 0x80 at offset 0) and no encoding detected",
        "missing.txt": "no such file or folder",
    }
    assert all(isinstance(e, OSError) for e in result.errors)


def test_duplicate_ids_are_errors(tmp_path: Path) -> None:
    write(tmp_path, "d.jsonl", '{"id": "x", "text": "a"}\n{"id": "x", "text": "b"}\n')
    result = read_documents([tmp_path / "d.jsonl"])
    assert [d.text for d in result.documents] == ["a"]
    assert isinstance(result.errors[0], InputError)
    assert "duplicate document id 'x'" in result.errors[0].reason


def test_original_line_endings_are_kept(tmp_path: Path) -> None:
    write(tmp_path, "crlf.txt", b"one\r\ntwo\r\n")
    assert read_documents([tmp_path]).documents[0].text == "one\r\ntwo\r\n"


@settings(max_examples=300, deadline=None)
@given(name=st.text(alphabet="aB.", min_size=1, max_size=8))
def test_suffixes_split_as_pathlib_does(name: str) -> None:
    assert _suffixes(name) == [suffix.lower() for suffix in PurePosixPath(name).suffixes]


globs = st.lists(st.text(alphabet="ab*?[]/.!", min_size=1, max_size=5), max_size=4)


@settings(max_examples=300, deadline=None)
@given(patterns=globs, folder=st.sampled_from(["", "a/", "a/b/"]), name=st.text("ab./", max_size=4))
def test_globs_match_as_fnmatch_does(patterns: list[str], folder: str, name: str) -> None:
    relative = folder + name
    expected = any(
        fnmatch.fnmatchcase(relative if "/" in pattern else name, pattern) for pattern in patterns
    )
    assert _Globs(patterns).match(relative, name) == expected


def test_a_file_named_twice_or_linked_to_is_read_once(tmp_path: Path) -> None:
    write(tmp_path, "corpus/a.txt", "the story")
    write(tmp_path, "corpus/sub/b.txt", "another story")
    (tmp_path / "corpus" / "sub" / "link.txt").symlink_to(tmp_path / "corpus" / "a.txt")
    (tmp_path / "alias").symlink_to(tmp_path / "corpus")
    result = read_documents(
        [tmp_path / "corpus", tmp_path / "corpus" / "a.txt", tmp_path / "alias" / "sub" / "b.txt"]
    )
    assert [Path(d.id).name for d in result.documents] == ["a.txt", "b.txt"]
    assert result.errors == []


def test_ids_and_files_of_a_folder_named_with_dots_and_slashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "corpus/sub/a.txt", "the story")
    write(tmp_path, "other.txt", "another story")
    monkeypatch.chdir(tmp_path)
    result = read_documents(["./corpus/", "other.txt"])
    assert [(d.id, d.file) for d in result.documents] == [
        ("corpus/sub/a.txt", os.path.join("corpus", "sub", "a.txt")),
        ("other.txt", "other.txt"),
    ]


def test_reading_in_fewer_than_one_process_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "a")
    with pytest.raises(ConfigError, match="'jobs' must be at least 1"):
        read_documents([tmp_path], jobs=0)


def fields(document: object) -> tuple[object, ...]:
    names = ("id", "text", "path", "mtime", "kind", "file", "size")
    return tuple(getattr(document, name) for name in names)


@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_documents_and_errors_are_those_read_at_once(tmp_path: Path, jobs: int) -> None:
    write(tmp_path, "good.txt", "fine")
    write(tmp_path, "latin1.txt", "Le caf\xe9 \xe9tait ferm\xe9.".encode("cp1252"))
    write(tmp_path, "binary.txt", b"\x00\x01\x02")
    write(tmp_path, "crlf.md", b"one\r\ntwo\r\n")
    write(tmp_path, "packed.txt.gz", gzip.compress(b"packed text"))
    write(tmp_path, "broken.txt.gz", b"not gzip at all")
    write(tmp_path, "records.jsonl", '{"id": "r", "text": "a record"}\nnot json\n')
    write(tmp_path, "sub/good.txt", "another")
    paths = [tmp_path, tmp_path / "good.txt", tmp_path / "missing.txt"]
    at_once = read_documents(paths, include=["*.txt", "*.md", "*.gz", "*.jsonl"], jobs=jobs)
    streamed = read_documents(
        paths, include=["*.txt", "*.md", "*.gz", "*.jsonl"], jobs=jobs, stream=True
    )
    assert [fields(d) for d in streamed.documents] == [fields(d) for d in at_once.documents]
    assert [(e.path, e.reason) for e in streamed.errors] == [
        (e.path, e.reason) for e in at_once.errors
    ]
    assert len(at_once.documents) == 6
    assert len(at_once.errors) == 4
    # Files are streamed; a JSONL file's records are read as they are.
    kinds = {d.id.rsplit("/", 1)[-1]: type(d) for d in streamed.documents}
    assert kinds.pop("r") is not FileDocument
    assert set(kinds.values()) == {FileDocument}


@pytest.mark.parametrize("same_size_and_time", [False, True])
def test_a_streamed_file_that_changes_is_an_error_naming_it(
    tmp_path: Path, same_size_and_time: bool
) -> None:
    story = tmp_path / "story.txt"
    story.write_text("The first version of the story.", encoding="utf-8")
    (document,) = read_documents([tmp_path], stream=True).documents
    status = story.stat()
    # Rewritten, as a copy that keeps its size and time (cp -p, rsync -t) is.
    changed = "The first version of the STORY." if same_size_and_time else "A new story."
    story.write_text(changed, encoding="utf-8")
    if same_size_and_time:
        os.utime(story, ns=(status.st_atime_ns, status.st_mtime_ns))
    with pytest.raises(InputError, match=r"story\.txt: changed while it was being scanned"):
        _ = document.text
    story.unlink()
    with pytest.raises(InputError, match=r"story\.txt: no such file or folder$"):
        _ = document.text


def test_a_pipe_is_read_at_once_even_when_streaming(tmp_path: Path) -> None:
    # A pipe cannot be read twice: it is read as it is without streaming.
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    writer = threading.Thread(target=pipe.write_text, args=("piped story",))
    writer.start()
    (document,) = read_documents([pipe], stream=True).documents
    writer.join()
    assert not isinstance(document, FileDocument)
    assert document.text == "piped story"


@pytest.mark.parametrize("stream", [False, True])
def test_a_file_that_cannot_be_read_is_an_error_naming_it_once(
    tmp_path: Path, stream: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "story.txt", "the story")

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(documents, "open", failing, raising=False)
    result = read_documents([tmp_path], stream=stream)
    assert result.documents == []
    assert [str(error) for error in result.errors] == ["story.txt: input/output error"]


@pytest.mark.parametrize("stream", [False, True])
def test_utf16_and_gzipped_jsonl_records_are_read(tmp_path: Path, stream: bool) -> None:
    lines = '{"id": "a", "text": "caf\u00e9"}\r\n{"id": "b", "text": "\u65e5\u672c"}\r\n'
    write(tmp_path, "wide.jsonl", lines.encode("utf-16"))
    write(tmp_path, "packed.jsonl.gz", gzip.compress(lines.replace('"a"', '"c"').encode()))
    write(tmp_path, "fake.jsonl.gz", b'{"id": "d", "text": "not compressed"}\n')
    result = read_documents([tmp_path], include=["*.jsonl", "*.jsonl.gz"], stream=stream)
    assert [(d.id, d.text) for d in result.documents] == [
        ("c", "café"), ("b", "日本"), ("a", "café"),
    ]  # fmt: skip
    assert len(result.errors) == 2
    assert result.errors[0].path == "fake.jsonl.gz"
    assert result.errors[0].reason.startswith("not a valid gzip file")
    assert "duplicate document id 'b'" in result.errors[1].reason


@pytest.mark.parametrize(("jobs", "stream"), [(1, False), (2, False), (2, True)])
def test_documents_read_without_digests_are_the_same_but_for_them(
    tmp_path: Path, jobs: int, stream: bool
) -> None:
    write(tmp_path, "a.txt", "the story")
    write(tmp_path, "b.html", "<html><body><article><p>A page, read in a worker.</p>"
          "<p>Its second paragraph.</p></article></body></html>")  # fmt: skip
    write(tmp_path, "c.txt.gz", gzip.compress(b"packed text"))
    os.link(tmp_path / "a.txt", tmp_path / "hard-link.txt")  # the same file: read once
    with_digests = read_documents([tmp_path], jobs=jobs, stream=stream)
    without = read_documents([tmp_path], jobs=jobs, stream=stream, digests=False)
    assert [d.id for d in with_digests.documents] == ["a.txt", "b.html", "c.txt.gz"]
    assert [d.digest for d in with_digests.documents] == [
        hashlib.sha256((tmp_path / d.id).read_bytes()).hexdigest() for d in with_digests.documents
    ]
    assert [d.digest for d in without.documents] == [None] * 3
    assert [fields(d) for d in without.documents] == [fields(d) for d in with_digests.documents]
