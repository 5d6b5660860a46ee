"""Hostile input: special files, deep and unreadable folders, bad JSONL, bombs, broken links."""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from neardup import Config, ConfigError, ReadResult, documents, read_documents
from neardup.cli import cli

LIMIT_HINT = "--max-document-bytes"


def reasons(result: ReadResult) -> dict[str, str]:
    return {error.path: error.reason for error in result.errors}


def finished_within(seconds: float, work: Callable[[], ReadResult], fifo: Path) -> ReadResult:
    """``work()``'s result, or a failure if it is still running after ``seconds``."""
    found: list[ReadResult] = []
    worker = threading.Thread(target=lambda: found.append(work()), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        # Unblock the reader stuck in open(), so that the thread ends.
        descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(descriptor)
        worker.join(seconds)
        pytest.fail(f"reading blocked on the FIFO {fifo}")
    return found[0]


@pytest.mark.parametrize("stream", [False, True])
def test_a_fifo_in_a_folder_is_an_error_and_never_blocks(tmp_path: Path, stream: bool) -> None:
    (tmp_path / "good.txt").write_text("a story", encoding="utf-8")
    os.mkfifo(tmp_path / "fifo.txt")
    result = finished_within(
        5, lambda: read_documents([tmp_path], stream=stream), tmp_path / "fifo.txt"
    )
    assert [document.id for document in result.documents] == ["good.txt"]
    assert reasons(result) == {"fifo.txt": "not a regular file (a named pipe); not read"}


@pytest.mark.parametrize("stream", [False, True])
def test_links_to_devices_in_a_folder_are_errors(tmp_path: Path, stream: bool) -> None:
    (tmp_path / "good.txt").write_text("a story", encoding="utf-8")
    (tmp_path / "null.txt").symlink_to("/dev/null")
    result = read_documents([tmp_path], stream=stream)
    assert [document.id for document in result.documents] == ["good.txt"]
    assert reasons(result) == {"null.txt": "not a regular file (a character device); not read"}


# Reads in a child process whose address space is capped at 2 GiB (so that reading without
# a limit fails fast instead of filling the machine), and prints what it read and its peak
# resident memory.
_READ_IN_A_CHILD = """
import json, resource, sys

def peak_bytes():
    # VmHWM is this program's own peak; ru_maxrss can carry the peak of the process that
    # started it (Linux keeps the larger of the two across exec).
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

cap = 2 * 1024**3
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
from neardup import read_documents
read = read_documents(sys.argv[1:])
print(json.dumps({
    "documents": [document.id for document in read.documents],
    "errors": {error.path: error.reason for error in read.errors},
    "peak_bytes": peak_bytes(),
}))
"""


def read_in_a_child(*paths: Path) -> Any:
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    completed = subprocess.run(
        [sys.executable, "-c", _READ_IN_A_CHILD, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout)


def test_a_link_to_dev_zero_in_a_folder_is_never_read(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("a story", encoding="utf-8")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    found = read_in_a_child(tmp_path)
    assert found["documents"] == ["good.txt"]
    assert found["errors"] == {"zero.txt": "not a regular file (a character device); not read"}


def test_dev_zero_named_on_the_command_line_stops_at_the_limit(tmp_path: Path) -> None:
    result = read_documents(["/dev/zero"], max_document_bytes=1_000_000)
    assert result.documents == []
    assert reasons(result)["/dev/zero"].startswith("larger than the limit of 1,000,000 bytes")


def test_a_gzip_bomb_is_an_error_and_memory_stays_small(tmp_path: Path) -> None:
    # 100 gzip members of 10 MB of text each: 1 GB of text in about 1 MB.
    member = gzip.compress(b"all work and no play makes a dull bomb " * 256_000)
    (tmp_path / "bomb.txt.gz").write_bytes(member * 100)
    (tmp_path / "good.txt").write_text("a story", encoding="utf-8")
    found = read_in_a_child(tmp_path)
    assert found["documents"] == ["good.txt"]
    reason = found["errors"]["bomb.txt.gz"]
    assert reason.startswith("inflates to more than the limit of 50,000,000 bytes per document")
    assert LIMIT_HINT in reason
    assert found["peak_bytes"] < 400_000_000


def iterative_tree(root: Path, depth: int, name: str) -> Path:
    """A chain of ``depth`` folders called ``name`` under ``root`` (made without recursion)."""
    folder = root
    descriptor = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=descriptor)
            inner = os.open(name, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        story = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=descriptor)
        os.write(story, b"the deepest story")
        os.close(story)
    finally:
        os.close(descriptor)
    return folder


def remove_chain(root: Path, depth: int, name: str) -> None:
    """Remove what :func:`iterative_tree` made, deepest first, without recursion."""
    descriptors = [os.open(root, os.O_RDONLY)]
    for _ in range(depth):
        descriptors.append(os.open(name, os.O_RDONLY, dir_fd=descriptors[-1]))
    os.unlink("deep.txt", dir_fd=descriptors[-1])
    while len(descriptors) > 1:
        os.close(descriptors.pop())
        os.rmdir(name, dir_fd=descriptors[-1])
    os.close(descriptors[0])


@pytest.fixture
def deep_folder(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "deep"
    root.mkdir()
    (root / "top.txt").write_text("the top story", encoding="utf-8")
    iterative_tree(root, 1200, "d")
    yield root
    remove_chain(root, 1200, "d")


@pytest.mark.parametrize("stream", [False, True])
def test_a_folder_nested_1200_deep_is_read(deep_folder: Path, stream: bool) -> None:
    result = read_documents([deep_folder], stream=stream)
    assert result.errors == []
    # A folder's files come before its subfolders'.
    assert [document.id for document in result.documents] == ["top.txt", "d/" * 1200 + "deep.txt"]
    assert result.documents[1].text == "the deepest story"


@pytest.fixture
def too_long_folder(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "long"
    root.mkdir()
    (root / "top.txt").write_text("the top story", encoding="utf-8")
    # 25 folders of 200 characters: a path of over 5,000 bytes, past Linux's 4,096.
    iterative_tree(root, 25, "x" * 200)
    yield root
    remove_chain(root, 25, "x" * 200)


def test_a_folder_past_path_max_is_an_error_naming_it(too_long_folder: Path) -> None:
    result = read_documents([too_long_folder])
    assert [document.id for document in result.documents] == ["top.txt"]
    assert len(result.errors) == 1
    (error,) = result.errors
    assert error.path.startswith(("x" * 200 + "/") * 19)
    assert error.reason == "cannot list this folder (path too long)"


@pytest.mark.parametrize("stream", [False, True])
def test_an_unreadable_folder_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stream: bool
) -> None:
    (tmp_path / "good.txt").write_text("a story", encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "hidden.txt").write_text("unseen", encoding="utf-8")
    scandir = os.scandir

    def refusing(path: Any = ".") -> Any:
        if os.fspath(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    result = read_documents([tmp_path], stream=stream)
    assert [document.id for document in result.documents] == ["good.txt"]
    assert reasons(result) == {"locked": "cannot list this folder (permission denied)"}
    whole = read_documents([tmp_path / "locked"], stream=stream)
    assert reasons(whole) == {
        str(tmp_path / "locked"): "cannot list this folder (permission denied)"
    }


# Reads a folder and prints the errors met, as a JSON object {path: reason}.
_ERRORS_OF = (
    "import json, sys; from neardup import read_documents; "
    "read = read_documents([sys.argv[1]]); "
    "print(json.dumps({e.path: e.reason for e in read.errors}))"
)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_folder_a_user_cannot_read_is_an_error_for_that_user() -> None:
    # A real permission failure. Root reads any folder, so as root the scan runs as
    # nobody (setpriv), in a folder nobody can reach (not under pytest's 0700 tmp_path).
    corpus = Path(tempfile.mkdtemp(prefix="neardup-"))
    try:
        (corpus / "good.txt").write_text("a story", encoding="utf-8")
        (corpus / "locked").mkdir()
        (corpus / "locked" / "hidden.txt").write_text("unseen", encoding="utf-8")
        corpus.chmod(0o755)
        (corpus / "locked").chmod(0o700 if os.geteuid() == 0 else 0o000)
        command = [sys.executable, "-c", _ERRORS_OF, str(corpus)]
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv to drop to another user")
            as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            can_run = subprocess.run(
                [*as_nobody, sys.executable, "-c", "import neardup"],
                capture_output=True,
                timeout=60,
                check=False,
            )
            if can_run.returncode != 0:
                pytest.skip("nobody cannot run this Python and neardup (they are not readable)")
            command = [*as_nobody, *command]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert completed.returncode == 0, completed.stderr[-2000:]
        assert json.loads(completed.stdout) == {
            "locked": "cannot list this folder (permission denied)"
        }
    finally:
        (corpus / "locked").chmod(0o700)
        shutil.rmtree(corpus)


def write_lines(path: Path, *lines: str) -> None:
    path.write_bytes("".join(line + "\n" for line in lines).encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("stream", [False, True])
def test_hostile_jsonl_lines_are_errors_of_their_own(tmp_path: Path, stream: bool) -> None:
    records = tmp_path / "records.jsonl"
    write_lines(
        records,
        "[" * 100_000,
        '{"id": "big", "text": "a number", "n": ' + "7" * 5_000 + "}",
        '{"id": "lone-text", "text": "half a pair: \\ud800"}',
        '{"id": "\\udc00", "text": "a lone surrogate in the id"}',
        '{"id": "pair", "text": "a whole pair: \\ud83d\\ude00"}',
    )
    result = read_documents([records], stream=stream)
    assert [(document.id, document.text) for document in result.documents] == [
        ("pair", "a whole pair: \U0001f600")
    ]
    where = records.as_posix()
    assert reasons(result) == {
        f"{where}:1": "JSON nested too deeply to read",
        f"{where}:2": "a JSON number of more than 4,300 digits",
        f"{where}:3": '"text" holds a lone surrogate (U+D800), which is not valid Unicode',
        f"{where}:4": '"id" holds a lone surrogate (U+DC00), which is not valid Unicode',
    }


def test_hostile_jsonl_on_the_command_line_is_listed_and_exits_2(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    write_lines(records, "[" * 100_000, '{"id": "ok", "text": "fine"}')
    result = CliRunner().invoke(cli, ["scan", str(records), "--format", "json"])
    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout)["errors"] == [
        {"path": f"{records.as_posix()}:1", "error": "JSON nested too deeply to read"}
    ]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_jsonl_records_are_split_on_newlines_only(tmp_path: Path, separator: str) -> None:
    text = f"first paragraph{separator}second paragraph"
    records = tmp_path / "records.jsonl"
    lines = [json.dumps({"id": "a", "text": text}, ensure_ascii=False), '{"id": "b", "text": "b"}']
    records.write_bytes("\r\n".join(lines).encode("utf-8"))
    result = read_documents([records])
    assert result.errors == []
    assert [(document.id, document.text) for document in result.documents] == [
        ("a", text),
        ("b", "b"),
    ]
    piped = read_documents(["-"], stdin=io.StringIO("\n".join(lines)))
    assert [(document.id, document.text) for document in piped.documents] == [
        ("a", text),
        ("b", "b"),
    ]


WINDOWS_1252_JSONL = '{"id": "c", "text": "Le café était fermé à cause de la grève."}\n'.encode(
    "cp1252"
)


def test_jsonl_on_stdin_is_decoded_as_a_file_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "c.jsonl").write_bytes(WINDOWS_1252_JSONL)
    from_file = read_documents([tmp_path / "c.jsonl"])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(WINDOWS_1252_JSONL), "utf-8"))
    from_stdin = read_documents(["-"])
    assert from_stdin.errors == []
    assert [document.text for document in from_stdin.documents] == [
        document.text for document in from_file.documents
    ]
    assert from_stdin.documents[0].text == "Le café était fermé à cause de la grève."


@pytest.mark.slow
def test_the_command_reads_non_utf8_jsonl_from_stdin(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "neardup", "scan", "-", "--format", "json"],
        input=WINDOWS_1252_JSONL,
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode("utf-8", "replace")
    report = json.loads(completed.stdout.decode("utf-8"))
    assert report["stats"]["documents"] == 1
    assert report["errors"] == []


@pytest.mark.parametrize("stream", [False, True])
def test_documents_past_the_size_limit_are_errors_naming_it(tmp_path: Path, stream: bool) -> None:
    story = "A story of some length. " * 50  # 1,200 bytes
    (tmp_path / "long.txt").write_text(story, encoding="utf-8")
    (tmp_path / "short.txt").write_text(story[:900], encoding="utf-8")
    (tmp_path / "long.txt.gz").write_bytes(gzip.compress(story.encode()))
    (tmp_path / "records.jsonl").write_text(
        json.dumps({"id": "long", "text": story}) + "\n" + json.dumps({"id": "ok", "text": "ok"}),
        encoding="utf-8",
    )
    result = read_documents(
        [tmp_path], include=["*.txt", "*.gz", "*.jsonl"], max_document_bytes=1000, stream=stream
    )
    assert [document.id for document in result.documents] == ["ok", "short.txt"]
    assert reasons(result) == {
        "long.txt": "larger than the limit of 1,000 bytes per document "
        "(raise it with --max-document-bytes or the max_document_bytes setting)",
        "long.txt.gz": "inflates to more than the limit of 1,000 bytes per document "
        "(raise it with --max-document-bytes or the max_document_bytes setting)",
        "records.jsonl:1": "record larger than the limit of 1,000 bytes per document "
        "(raise it with --max-document-bytes or the max_document_bytes setting)",
    }
    assert read_documents([tmp_path / "long.txt"]).documents[0].text == story


def test_the_size_limit_is_a_validated_setting(tmp_path: Path) -> None:
    assert Config().max_document_bytes == 50_000_000
    with pytest.raises(
        ConfigError, match=r"'max_document_bytes' must be an integer of at least 1 \(got 0\)"
    ):
        Config(max_document_bytes=0)
    with pytest.raises(ConfigError, match="'max_document_bytes'"):
        read_documents([tmp_path], max_document_bytes=-5)


def test_the_size_limit_comes_from_the_flag_or_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("word " * 400, encoding="utf-8")  # 2,000 bytes
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    flagged = runner.invoke(
        cli, ["scan", "corpus", "--format", "json", "--max-document-bytes", "1000"]
    )
    assert flagged.exit_code == 2
    assert [error["path"] for error in json.loads(flagged.stdout)["errors"]] == ["a.txt"]
    assert json.loads(flagged.stdout)["config"]["max_document_bytes"] == 1000
    (tmp_path / "neardup.toml").write_text("max_document_bytes = 1500\n", encoding="utf-8")
    from_file = runner.invoke(cli, ["strip", "corpus"])
    assert from_file.exit_code == 2
    assert "a.txt: larger than the limit of 1,500 bytes" in from_file.stderr
    raised = runner.invoke(cli, ["strip", "corpus", "--max-document-bytes", "3000"])
    assert raised.exit_code == 0, raised.output
    bad = runner.invoke(cli, ["scan", "corpus", "--max-document-bytes", "0"])
    assert bad.exit_code == 2
    assert "'max_document_bytes' must be an integer of at least 1 (got 0)" in bad.stderr


@pytest.mark.parametrize("stream", [False, True])
def test_a_broken_link_says_what_every_missing_file_says(tmp_path: Path, stream: bool) -> None:
    (tmp_path / "good.txt").write_text("a story", encoding="utf-8")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")
    result = read_documents([tmp_path], stream=stream)
    assert reasons(result) == {"broken.txt": "no such file or folder (a broken symbolic link)"}
    named = read_documents([tmp_path / "broken.txt", tmp_path / "missing.txt"], stream=stream)
    assert reasons(named) == {
        (tmp_path / "broken.txt").as_posix(): "no such file or folder (a broken symbolic link)",
        str(tmp_path / "missing.txt"): "no such file or folder",
    }


def test_reading_errors_from_the_system_read_as_neardup_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "story.txt").write_text("the story", encoding="utf-8")

    def failing(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(documents, "open", failing, raising=False)
    result = read_documents([tmp_path])
    assert reasons(result) == {"story.txt": "permission denied"}
