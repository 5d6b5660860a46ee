"""Reading documents: folders of text files, JSONL files and JSONL on standard input."""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import gzip
import itertools
import json
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal, cast

import charset_normalizer

from neardup._processes import process_pool
from neardup.errors import ConfigError, InputError
from neardup.html import HTML_SUFFIXES, html_to_text

_PLAIN: tuple[str, ...] = ("*.txt", "*.md", "*.html", "*.htm")
DEFAULT_INCLUDE: tuple[str, ...] = _PLAIN + tuple(f"{pattern}.gz" for pattern in _PLAIN)
JSONL_SUFFIXES: tuple[str, ...] = (".jsonl",)
STDIN = "-"


@dataclass(frozen=True, slots=True)
class Document:
    """One input document.

    Attributes:
        id: Its id: the file's path relative to the scanned root (``/``-separated), or the
            ``id`` of a JSONL record.
        text: The decoded text; spans elsewhere are code-point offsets into it.
        path: The file it came from, as shown to people (for JSONL, the JSONL file).
        mtime: The file's modification time, if it has one.
        kind: ``"text"``, or ``"html"`` for a page whose main text was extracted from
            HTML (then ``text`` is the extracted text, and spans point into it).
        file: The file on disk holding exactly this document, if any (not for JSONL
            records or standard input); actions on duplicates work on it.
        size: That file's size in bytes when it was read.
    """

    id: str
    text: str
    path: str
    mtime: float | None = None
    kind: Literal["text", "html"] = "text"
    file: str | None = None
    size: int | None = None


class FileDocument(Document):
    """A document whose text stays in its file, read again whenever it is asked for.

    ``read_documents(..., stream=True)`` reads each regular file once to check it, then
    gives these, so that a scan need not hold every text in memory at once. A checksum
    of the file's bytes is kept: a text read later is the one checked, or an error. The
    last few texts read are kept (:func:`_file_text`), as a report asks for one text many
    times. Equality and hashing read the text, as for any :class:`Document`;
    ``dataclasses.replace`` does not work on these.

    Raises:
        InputError: On reading ``text``, when the file is gone or its bytes changed
            since it was checked (spans found in the old text would not fit the new).
    """

    __slots__ = ("checksum",)
    checksum: int

    def __init__(
        self,
        id: str,
        path: str,
        mtime: float,
        kind: Literal["text", "html"],
        file: str,
        size: int,
        checksum: int,
    ) -> None:
        for name, value in (
            ("id", id), ("path", path), ("mtime", mtime), ("kind", kind), ("file", file),
            ("size", size), ("checksum", checksum),
        ):  # fmt: skip
            object.__setattr__(self, name, value)

    @property
    def text(self) -> str:
        """The file's text (its extracted main text for HTML), read now."""
        # Set by __init__, never None here.
        file, size = cast(str, self.file), cast(int, self.size)
        return _file_text(file, self.path, self.kind, size, self.checksum)

    def __reduce__(self) -> tuple[type[FileDocument], tuple[object, ...]]:
        # Sent to a worker process without its text.
        fields = (self.id, self.path, self.mtime, self.kind, self.file, self.size)
        return (type(self), (*fields, self.checksum))

    def __repr__(self) -> str:
        return f"FileDocument(id={self.id!r}, path={self.path!r}, kind={self.kind!r})"


@dataclass(frozen=True)
class ReadResult:
    """Documents read, and the inputs that could not be read.

    Attributes:
        documents: The documents, in a deterministic order (sorted paths, JSONL lines in
            file order).
        errors: One :class:`InputError` per file or record that could not be used.
    """

    documents: list[Document] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def read_documents(
    paths: Sequence[str | os.PathLike[str]],
    *,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = (),
    stdin: IO[str] | None = None,
    jobs: int = 1,
    stream: bool = False,
) -> ReadResult:
    """Read documents from files, folders, JSONL files and standard input.

    Folders are walked recursively in sorted order; a file in them is read when its name
    (or, for patterns with a ``/``, its path relative to the folder) matches an
    ``include`` glob and no ``exclude`` glob. ``.jsonl`` files hold one ``{"id", "text"}``
    record per line; ``-`` reads such records from ``stdin``.

    Ids are paths relative to the folder when exactly one folder is scanned, and the
    paths as given (joined with the path inside a folder) otherwise.

    Args:
        paths: Files, folders, or ``-``.
        include: Globs of files to read inside folders.
        exclude: Globs of files and folders to skip inside folders.
        stdin: Where ``-`` reads from (default: ``sys.stdin``).
        jobs: Processes to extract the text of HTML files in (other files are read in
            this one); the result is the same for any number.
        stream: Check each file (not JSONL files or standard input) and give it as a
            :class:`FileDocument`, whose text is read again whenever it is needed, instead
            of holding the texts in memory. The documents and errors are the same.

    Raises:
        ConfigError: ``jobs`` is less than 1.

    Returns:
        The documents and the errors; reading goes on past a bad file.
    """
    if jobs < 1:
        raise ConfigError(f"'jobs' must be at least 1 (got {jobs!r})")
    result = ReadResult()
    single_root = len(paths) == 1 and str(paths[0]) != STDIN and Path(paths[0]).is_dir()
    wanted, unwanted = _Globs(include), _Globs(exclude)
    inputs = [
        item
        for given in paths
        for item in _inputs(str(given), single_root, wanted, unwanted, stdin)
    ]
    seen: set[str] = set()
    files: set[str] = set()
    real_folders: dict[str, str] = {}
    for found in _load(inputs, jobs, stream):
        if isinstance(found, InputError):
            result.errors.append(found)
            continue
        document = found
        if document.file is not None:
            real = _real_path(document.file, real_folders)
            if real in files:
                continue  # the same file named twice (or by two paths) is read once
            files.add(real)
        if document.id in seen:
            result.errors.append(
                InputError(document.path, f"duplicate document id {document.id!r}")
            )
            continue
        seen.add(document.id)
        result.documents.append(document)
    return result


# What reading an input found, in order: its documents and the errors met on the way.
_Found = list[Document | InputError]
# A file to read, as (path, id), or what was found already (standard input, a bad path).
_Input = tuple[str, str] | _Found
# HTML files per unit of reading work handed to a worker process, at most.
_FILES_PER_TASK = 16


def _load(
    inputs: Sequence[_Input], jobs: int, stream: bool = False
) -> Iterator[Document | InputError]:
    """What the inputs hold, in order.

    HTML files are read in ``jobs`` processes: extracting their text costs far more than
    sending it back. Other files are read here, while the workers extract; sending
    their text between processes would cost more than reading it.
    """
    html = [isinstance(item, tuple) and _type_of(item[0])[1] in HTML_SUFFIXES for item in inputs]
    pages = [
        item
        for item, is_html in zip(inputs, html, strict=True)
        if is_html and isinstance(item, tuple)
    ]
    extracted: Iterator[_Found]
    with contextlib.ExitStack() as stack:
        if jobs > 1 and len(pages) > 1:
            executor = stack.enter_context(process_pool(jobs))
            size = max(1, min(_FILES_PER_TASK, len(pages) // (jobs * 4)))
            chunks = [pages[start : start + size] for start in range(0, len(pages), size)]
            extracted = itertools.chain.from_iterable(
                executor.map(_read_files, chunks, itertools.repeat(stream))
            )
        else:
            extracted = (_read_file(path, display, stream) for path, display in pages)
        for item, is_html in zip(inputs, html, strict=True):
            if not isinstance(item, tuple):
                yield from item
                continue
            path, display = item
            yield from next(extracted) if is_html else _read_file(path, display, stream)


def _read_files(files: Sequence[tuple[str, str]], stream: bool = False) -> list[_Found]:
    """:func:`_read_file` of each file (the work run in worker processes)."""
    return [_read_file(path, display, stream) for path, display in files]


class _Globs:
    """Glob patterns, matched as :func:`fnmatch.fnmatchcase` does, in one regex per kind.

    A pattern with a ``/`` is matched against the path relative to the folder, any other
    against the file's (or folder's) name.
    """

    def __init__(self, patterns: Sequence[str]) -> None:
        on_paths = [fnmatch.translate(p) for p in patterns if "/" in p]
        on_names = [fnmatch.translate(p) for p in patterns if "/" not in p]
        self._paths = re.compile("|".join(on_paths)) if on_paths else None
        self._names = re.compile("|".join(on_names)) if on_names else None

    def match(self, relative: str, name: str) -> bool:
        """Whether a path relative to the folder, or its last part ``name``, matches."""
        return bool(
            (self._names is not None and self._names.match(name))
            or (self._paths is not None and self._paths.match(relative))
        )


def _real_path(path: str, real_folders: dict[str, str]) -> str:
    """``os.path.realpath(path)``, resolving each folder once (``real_folders`` caches)."""
    folder, name = os.path.split(path)
    if not folder or name in ("", ".", "..") or os.path.islink(path):
        return os.path.realpath(path)
    real = real_folders.get(folder)
    if real is None:
        real = real_folders[folder] = os.path.realpath(folder)
    return os.path.join(real, name)


def _inputs(
    given: str,
    single_root: bool,
    include: _Globs,
    exclude: _Globs,
    stdin: IO[str] | None,
) -> Iterator[_Input]:
    """The files to read for one path given, in order, or what it held already."""
    if given == STDIN:
        yield list(_records(STDIN, (stdin or sys.stdin).read(), None))
        return
    path = Path(given)
    if path.is_dir():
        prefix = path.as_posix()
        for file_path, relative in _walk(str(path), include, exclude):
            yield file_path, relative if single_root else _join(prefix, relative)
    elif path.exists() or path.is_symlink():
        yield str(path), path.as_posix()
    else:
        yield [InputError(given, "no such file or folder")]


def _join(root: str, relative: str) -> str:
    """``(Path(root) / relative).as_posix()`` for a POSIX ``root`` as pathlib writes it."""
    if root == ".":
        return relative
    return f"{root}{relative}" if root.endswith("/") else f"{root}/{relative}"


def _walk(root: str, include: _Globs, exclude: _Globs) -> Iterator[tuple[str, str]]:
    """The files to read under ``root``, in sorted order, with their paths relative to it."""
    for directory, subdirectories, files in os.walk(root):
        inside = directory[len(root) :].lstrip(os.sep).replace(os.sep, "/")
        base = f"{inside}/" if inside else ""
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not name.startswith(".") and not exclude.match(base + name, name)
        )
        for name in sorted(files):
            relative = base + name
            if include.match(relative, name) and not exclude.match(relative, name):
                yield os.path.join(directory, name), relative


def _read_file(path: str, display: str, stream: bool = False) -> _Found:
    """The documents in one file (one, or a JSONL file's records) and the errors met.

    With ``stream``, a file that is not JSONL is read to check it and given as a
    :class:`FileDocument`.
    """
    try:
        status = os.stat(path)
        data = _bytes_of(path, display)
    except InputError as error:
        return [error]
    except OSError as error:
        return [InputError(display, error.strerror or str(error))]
    mtime, size = status.st_mtime, status.st_size
    compressed, suffix = _type_of(path)
    kind: Literal["text", "html"] = "html" if suffix in HTML_SUFFIXES else "text"
    try:
        text = _text_of(data, display, compressed, kind)
    except InputError as error:
        return [error]
    if suffix in JSONL_SUFFIXES:
        return list(_records(display, text, mtime))
    # A pipe or a device could not be read again: only regular files are streamed.
    if stream and stat.S_ISREG(status.st_mode):
        return [FileDocument(display, display, mtime, kind, path, size, zlib.crc32(data))]
    return [Document(display, text, display, mtime, kind, path, size)]


def _bytes_of(path: str, display: str) -> bytes:
    """A file's bytes.

    Raises:
        InputError: The file cannot be read (an :class:`OSError`, named by ``display``).
    """
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        raise InputError(display, error.strerror or str(error)) from None


def _text_of(data: bytes, display: str, compressed: bool, kind: Literal["text", "html"]) -> str:
    """A file's text from its bytes: decompressed, decoded, and for HTML its main text."""
    if compressed:
        data = _gunzip(data, display)
    text = decode(data, display)
    return html_to_text(text, display) if kind == "html" else text


@functools.lru_cache(maxsize=16)
def _file_text(
    path: str, display: str, kind: Literal["text", "html"], size: int, checksum: int
) -> str:
    """A :class:`FileDocument`'s text, read again; the last few read are kept.

    Kept by the file's size and checksum as checked, so a text kept is always the one
    checked, however the file changed since.

    Raises:
        InputError: The file cannot be read, or its bytes are not those checked.
    """
    data = _bytes_of(path, display)
    if len(data) != size or zlib.crc32(data) != checksum:
        raise InputError(display, "changed while it was being scanned; scan it again")
    return _text_of(data, display, _type_of(path)[0], kind)


def _type_of(path: str) -> tuple[bool, str]:
    """Whether a file is gzip-compressed, and the suffix (lower case) under any ``.gz``."""
    suffixes = _suffixes(os.path.basename(path))
    compressed = bool(suffixes) and suffixes[-1] == ".gz"
    if compressed:
        suffixes.pop()
    return compressed, suffixes[-1] if suffixes else ""


def _suffixes(name: str) -> list[str]:
    """A file name's suffixes in lower case, as ``PurePath(name).suffixes`` splits them."""
    if name.endswith("."):
        return []
    return [f".{suffix.lower()}" for suffix in name.lstrip(".").split(".")[1:]]


def _gunzip(data: bytes, path: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        raise InputError(path, f"not a valid gzip file ({error})") from None


def decode(data: bytes, path: str) -> str:
    """Decode a file's bytes: UTF-8 (a byte-order mark is dropped), else the detected encoding.

    Text in other encodings (Windows-1252, Latin-1, Shift JIS, ...) is decoded when
    charset-normalizer can tell which it is.

    Raises:
        InputError: The bytes are binary, or neither UTF-8 nor of a detectable encoding.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(path, "binary file (not valid UTF-16 after its mark)") from None
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        where = f"byte 0x{data[error.start]:02x} at offset {error.start}"
    # Candidates in charset-normalizer's order; windows-1252 first when it fits, as web
    # browsers read text labelled Latin-1 (short Western text is ambiguous otherwise).
    candidates = [
        match.encoding
        for match in charset_normalizer.from_bytes(data)
        if not match.encoding.startswith(("utf_16", "utf_32"))
    ]
    for encoding in sorted(candidates, key=lambda name: name != "cp1252"):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(path, f"not valid UTF-8 ({where}) and no encoding detected")


def _records(path: str, text: str, mtime: float | None) -> Iterator[Document | InputError]:
    """The documents of JSONL text, one per line, and an error for each bad line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield InputError(where, f"not valid JSON ({error.msg})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield InputError(where, 'expected an object with a string "text"')
            continue
        record_id = record.get("id", f"{path}:{number}")
        if not isinstance(record_id, (str, int)) or isinstance(record_id, bool):
            yield InputError(where, '"id" must be a string or an integer')
            continue
        yield Document(id=str(record_id), text=record["text"], path=path, mtime=mtime)
