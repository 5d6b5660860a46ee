"""Reading documents: folders of text files, JSONL files and JSONL on standard input."""

from __future__ import annotations

import codecs
import contextlib
import errno
import fnmatch
import functools
import gzip
import hashlib
import io
import itertools
import json
import os
import re
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, AnyStr, BinaryIO, Literal, cast

import charset_normalizer

from neardup._processes import process_pool
from neardup.config import MAX_DOCUMENT_BYTES
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
        digest: The SHA-256 (hex) of that file's bytes as read, if it has a file;
            actions check files against it.
    """

    id: str
    text: str
    path: str
    mtime: float | None = None
    kind: Literal["text", "html"] = "text"
    file: str | None = None
    size: int | None = None
    digest: str | None = None


class FileDocument(Document):
    """A document whose text stays in its file, read again whenever it is asked for.

    ``read_documents(..., stream=True)`` reads each regular file once to check it, then
    gives these, so that a scan need not hold every text in memory at once. A checksum
    of the file's bytes is kept: a text read later is the one checked, or an error. The
    last few texts read are kept (:func:`_file_text`), as a report asks for one text many
    times. Equality and hashing read the text, as for any :class:`Document`;
    ``dataclasses.replace`` does not work on these. ``max_bytes`` is the size limit it
    was checked against; a compressed file is inflated again no further than that.

    Raises:
        InputError: On reading ``text``, when the file is gone or its bytes changed
            since it was checked (spans found in the old text would not fit the new).
    """

    __slots__ = ("checksum", "max_bytes")
    checksum: int
    max_bytes: int

    def __init__(
        self,
        id: str,
        path: str,
        mtime: float,
        kind: Literal["text", "html"],
        file: str,
        size: int,
        checksum: int,
        max_bytes: int = MAX_DOCUMENT_BYTES,
        digest: str | None = None,
    ) -> None:
        for name, value in (
            ("id", id), ("path", path), ("mtime", mtime), ("kind", kind), ("file", file),
            ("size", size), ("checksum", checksum), ("max_bytes", max_bytes),
            ("digest", digest),
        ):  # fmt: skip
            object.__setattr__(self, name, value)

    @property
    def text(self) -> str:
        """The file's text (its extracted main text for HTML), read now."""
        # Set by __init__, never None here.
        file, size = cast(str, self.file), cast(int, self.size)
        return _file_text(file, self.path, self.kind, size, self.checksum, self.max_bytes)

    def __reduce__(self) -> tuple[type[FileDocument], tuple[object, ...]]:
        # Sent to a worker process without its text.
        fields = (self.id, self.path, self.mtime, self.kind, self.file, self.size)
        return (type(self), (*fields, self.checksum, self.max_bytes, self.digest))

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
    stdin: IO[str] | IO[bytes] | None = None,
    jobs: int = 1,
    stream: bool = False,
    max_document_bytes: int = MAX_DOCUMENT_BYTES,
    skip: Sequence[str | os.PathLike[str]] = (),
    progress: Callable[[str, int, int], None] | None = None,
    digests: bool = True,
) -> ReadResult:
    """Read documents from files, folders, JSONL files and standard input.

    Folders are walked in sorted order, to any depth; a file in them is read when its
    name (or, for patterns with a ``/``, its path relative to the folder) matches an
    ``include`` glob and no ``exclude`` glob. ``.jsonl`` files hold one ``{"id", "text"}``
    record per line (a line ends at a line feed only); ``-`` reads such records from ``stdin``.

    Only regular files are read in folders: a named pipe, a device or a socket there is
    an error and is never opened, nor is a folder that cannot be listed skipped in
    silence. A named pipe or a character device given in ``paths`` is read, as ``cat``
    would read it (a pipe waits for its writer), up to the size limit.

    Ids are paths relative to the folder when exactly one folder is scanned, and the
    paths as given (joined with the path inside a folder) otherwise.

    Args:
        paths: Files, folders, or ``-``.
        include: Globs of files to read inside folders.
        exclude: Globs of files and folders to skip inside folders.
        stdin: Where ``-`` reads from (default: the bytes of ``sys.stdin``). Bytes are
            decoded as a file's are; a text stream is read as it is.
        jobs: Processes to extract the text of HTML files in (other files are read in
            this one); the result is the same for any number.
        stream: Check each file (not JSONL files or standard input) and give it as a
            :class:`FileDocument`, whose text is read again whenever it is needed, instead
            of holding the texts in memory. The documents and errors are the same.
        max_document_bytes: The most bytes of text a file or a JSONL record may hold,
            counted after decompression and before decoding. A larger one is an error,
            and is never read (or decompressed) past the limit.
        skip: Folders not to read inside the folders given, by identity (the folder
            itself, by whatever path it is reached; not by name): a ``dedup`` target.
        progress: Called as ``progress("reading", done, total)`` as inputs are read
            (files, and each JSONL file or standard input as one).
        digests: Give each file's document its :attr:`Document.digest`. Without, the
            digests are ``None``: 113 bytes a document less, for a caller that never acts
            on the files.

    Raises:
        ConfigError: ``jobs`` or ``max_document_bytes`` is less than 1.

    Returns:
        The documents and the errors; reading goes on past a bad file, folder or record.
    """
    if jobs < 1:
        raise ConfigError(f"'jobs' must be at least 1 (got {jobs!r})")
    limit = max_document_bytes
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ConfigError(f"'max_document_bytes' must be an integer of at least 1 (got {limit!r})")
    result = ReadResult()
    single_root = len(paths) == 1 and str(paths[0]) != STDIN and Path(paths[0]).is_dir()
    wanted, unwanted = _Globs(include), _Globs(exclude)
    skipped = {identity for folder in skip if (identity := file_identity(os.fspath(folder)))}
    inputs = [
        item
        for given in paths
        for item in _inputs(str(given), single_root, wanted, unwanted, stdin, limit, skipped)
    ]
    seen: set[str] = set()
    # The files read: each one's device and inode numbers as one number (about 80 bytes a
    # file, where its real path and a tuple took 260), or its real path if it has gone.
    files: set[int | str] = set()
    real_folders: dict[str, str] = {}
    for found in _load(inputs, jobs, stream, limit, progress, digests):
        if isinstance(found, InputError):
            result.errors.append(found)
            continue
        document = found
        if document.file is not None:
            # The same file named twice, or reached by two paths (a link, a bind mount,
            # a folder named twice), is read once: it is no copy of itself.
            identity = file_identity(document.file)
            if identity is None:
                key: int | str = _real_path(document.file, real_folders)
            else:
                key = identity[0] << 64 | identity[1]
            if key in files:
                continue
            files.add(key)
        if document.id in seen:
            result.errors.append(
                InputError(document.path, f"duplicate document id {document.id!r}")
            )
            continue
        seen.add(document.id)
        result.documents.append(document)
    return result


def file_identity(path: str) -> tuple[int, int] | None:
    """A file's device and inode numbers, the same for every path to it (``None`` if gone)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def read_files(root: str | os.PathLike[str], paths: Sequence[str], *, jobs: int = 1) -> ReadResult:
    """Read files named by paths relative to a folder, which are also their ids.

    As :func:`read_documents` reads them inside a folder it was given alone (JSONL files
    give their records), without walking the folder.

    Args:
        root: The folder.
        paths: ``/``-separated paths relative to it.
        jobs: Processes to extract the text of HTML files in.
    """
    result = ReadResult()
    folder = str(root)
    for found in _load([(os.path.join(folder, path), path) for path in paths], jobs):
        if isinstance(found, InputError):
            result.errors.append(found)
        else:
            result.documents.append(found)
    return result


def folder_files(
    root: str | os.PathLike[str],
    *,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = (),
) -> list[str]:
    """The files :func:`read_documents` reads in a folder, as sorted relative paths.

    Paths are ``/``-separated; hidden folders are skipped, as a scan skips them.
    """
    walked = _walk(str(root), _Globs(include), _Globs(exclude), set())
    return [relative for _, relative, problem in walked if problem is None]


def selected_files(
    relative_paths: Sequence[str],
    *,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = (),
) -> list[str]:
    """Of ``/``-separated paths relative to a folder, those a scan of it would read.

    They are the ones :func:`folder_files` lists, where they exist.
    """
    wanted, unwanted = _Globs(include), _Globs(exclude)
    chosen = []
    for relative in relative_paths:
        *folders, name = relative.split("/")
        skipped = any(
            folder.startswith(".") or unwanted.match("/".join(folders[: depth + 1]), folder)
            for depth, folder in enumerate(folders)
        )
        if not skipped and wanted.match(relative, name) and not unwanted.match(relative, name):
            chosen.append(relative)
    return chosen


# What reading an input found, in order: its documents and the errors met on the way.
_Found = list[Document | InputError]
# A regular file to read, as (path, id), or what was found already (standard input, a
# pipe named on the command line, a bad path).
_Input = tuple[str, str] | _Found
# HTML files per unit of reading work handed to a worker process, at most.
_FILES_PER_TASK = 16
# Bytes read at a time when skipping the rest of a JSONL line past the limit.
_CHUNK = 1 << 20


def _load(
    inputs: Sequence[_Input],
    jobs: int,
    stream: bool = False,
    limit: int = MAX_DOCUMENT_BYTES,
    progress: Callable[[str, int, int], None] | None = None,
    digests: bool = True,
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
                executor.map(
                    _read_files,
                    chunks,
                    itertools.repeat(stream),
                    itertools.repeat(limit),
                    itertools.repeat(digests),
                )
            )
        else:
            extracted = (
                _read_file(path, display, stream, limit, digest=digests) for path, display in pages
            )
        for number, (item, is_html) in enumerate(zip(inputs, html, strict=True), 1):
            if not isinstance(item, tuple):
                yield from item
            else:
                path, display = item
                yield from (
                    next(extracted)
                    if is_html
                    else _read_file(path, display, stream, limit, digest=digests)
                )
            if progress:
                progress("reading", number, len(inputs))


def _read_files(
    files: Sequence[tuple[str, str]],
    stream: bool = False,
    limit: int = MAX_DOCUMENT_BYTES,
    digests: bool = True,
) -> list[_Found]:
    """:func:`_read_file` of each file (the work run in worker processes)."""
    return [_read_file(path, display, stream, limit, digest=digests) for path, display in files]


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
    stdin: IO[str] | IO[bytes] | None,
    limit: int,
    skipped: set[tuple[int, int]],
) -> Iterator[_Input]:
    """The files to read for one path given, in order, or what it held already.

    Regular files are read later (some in worker processes); standard input, and a
    named pipe or character device given by name, are read now, once.
    """
    if given == STDIN:
        yield list(_records(STDIN, _stdin_lines(stdin, limit), None, limit))
        return
    path = Path(given)
    try:
        mode = os.stat(given).st_mode
    except OSError as error:
        yield [InputError(given, _reason(error, given))]
        return
    if stat.S_ISDIR(mode):
        root, prefix = str(path), path.as_posix()
        for file_path, relative, problem in _walk(root, include, exclude, skipped):
            if not relative:
                display = prefix
            else:
                display = relative if single_root else _join(prefix, relative)
            yield (file_path, display) if problem is None else [InputError(display, problem)]
    elif stat.S_ISREG(mode):
        yield str(path), path.as_posix()
    elif stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        yield _read_file(str(path), path.as_posix(), limit=limit, named=True)
    else:
        yield [InputError(path.as_posix(), _not_regular(mode))]


def _join(root: str, relative: str) -> str:
    """``(Path(root) / relative).as_posix()`` for a POSIX ``root`` as pathlib writes it."""
    if root == ".":
        return relative
    return f"{root}{relative}" if root.endswith("/") else f"{root}/{relative}"


def _walk(
    root: str, include: _Globs, exclude: _Globs, skipped: set[tuple[int, int]]
) -> Iterator[tuple[str, str, str | None]]:
    """The files to read under ``root``, in sorted order, with their paths relative to it.

    Folders whose identity is in ``skipped`` are not entered.

    Each comes with ``None``, or with why it cannot be read: a folder that cannot be
    listed (``""`` is ``root`` itself), a file that is not a regular file, a broken link.
    The walk keeps a stack of folders to visit instead of recursing, so any depth works;
    links to folders are not followed (they could make a loop).
    """
    pending = [(root, "")]
    while pending:
        folder, inside = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            yield folder, inside, f"cannot list this folder ({_reason(error)})"
            continue
        base = f"{inside}/" if inside else ""
        subfolders = []
        for entry in entries:
            relative = base + entry.name
            if _is_folder(entry):
                if not (
                    entry.name.startswith(".")
                    or exclude.match(relative, entry.name)
                    or entry.is_symlink()
                    or (skipped and file_identity(entry.path) in skipped)
                ):
                    subfolders.append((entry.path, relative))
            elif include.match(relative, entry.name) and not exclude.match(relative, entry.name):
                yield entry.path, relative, _problem(entry)
        pending.extend(reversed(subfolders))


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """Whether a folder entry is a folder (or a link to one), as :func:`os.walk` decides."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _problem(entry: os.DirEntry[str]) -> str | None:
    """Why a file found in a folder cannot be read, or ``None`` for a regular file.

    Nothing is opened: a named pipe opened to read waits for a writer, a device may never
    end.
    """
    try:
        if entry.is_file():  # follows links; no system call for most files
            return None
        return _not_regular(os.stat(entry.path).st_mode)
    except OSError as error:
        return _reason(error, entry.path)


_KINDS: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str:
    """The error for a file of ``mode`` that is not a regular file."""
    kind = next((name for is_kind, name in _KINDS if is_kind(mode)), "of an unknown kind")
    return f"not a regular file ({kind}); not read"


# The system's words for the common failures, in the words of neardup's other messages.
_REASONS = {
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "no such file or folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENAMETOOLONG: "path too long",
    errno.ELOOP: "too many levels of symbolic links",
    errno.EISDIR: "a folder, not a file",
}


def _reason(error: OSError, path: str | None = None) -> str:
    """What an :class:`OSError` about ``path`` means, in lower case like every message."""
    if error.errno == errno.ENOENT and path is not None and os.path.islink(path):
        return "no such file or folder (a broken symbolic link)"
    reason = _REASONS.get(error.errno or 0) or error.strerror or str(error)
    return reason[:1].lower() + reason[1:]


def _too_large(what: str, limit: int) -> str:
    """The error for a document past the size limit, saying how to raise it."""
    return (
        f"{what} the limit of {limit:,} bytes per document "
        "(raise it with --max-document-bytes or the max_document_bytes setting)"
    )


def _read_file(
    path: str,
    display: str,
    stream: bool = False,
    limit: int = MAX_DOCUMENT_BYTES,
    named: bool = False,
    digest: bool = True,
) -> _Found:
    """The documents in one file (one, or a JSONL file's records) and the errors met.

    With ``stream``, a file that is not JSONL is read to check it and given as a
    :class:`FileDocument`. Only a regular file is read, unless the file was ``named``
    by the user: then a named pipe or a character device is read too. Without
    ``digest``, the document has no :attr:`Document.digest`.
    """
    compressed, suffix = _type_of(path)
    kind: Literal["text", "html"] = "html" if suffix in HTML_SUFFIXES else "text"
    try:
        with _opened(path, display, named) as (file, status):
            if suffix in JSONL_SUFFIXES:
                lines = _jsonl_lines(file, display, compressed, limit)
                return list(_records(display, lines, status.st_mtime, limit))
            data = _read_capped(file, status, display, limit)
        text = _text_of(data, display, compressed, kind, limit)
    except InputError as error:
        return [error]
    except OSError as error:
        return [InputError(display, _reason(error, path))]
    mtime, size = status.st_mtime, status.st_size
    sha256 = hashlib.sha256(data).hexdigest() if digest else None
    # A pipe or a device could not be read again: only regular files are streamed.
    if stream and stat.S_ISREG(status.st_mode):
        checksum = zlib.crc32(data)
        return [FileDocument(display, display, mtime, kind, path, size, checksum, limit, sha256)]
    return [Document(display, text, display, mtime, kind, path, size, sha256)]


@contextlib.contextmanager
def _opened(path: str, display: str, named: bool) -> Iterator[tuple[BinaryIO, os.stat_result]]:
    """A file open to read, with its status: a regular file, or as :func:`_read_file` says.

    A file found in a folder is opened without waiting (``O_NONBLOCK``), in case it has
    become a named pipe since it was listed; what was opened is checked before reading.

    Raises:
        InputError: The file is not one to read.
        OSError: It cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
    if not named:
        flags |= getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)
        mode = status.st_mode
        if not (stat.S_ISREG(mode) or (named and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)))):
            raise InputError(display, _not_regular(mode))
        # Unbuffered: a whole file is read in one call, and JSONL buffers its own.
        file = open(descriptor, "rb", buffering=0)  # noqa: SIM115 (closed by the with below)
    except BaseException:
        os.close(descriptor)
        raise
    with file:
        yield file, status


def _read_capped(file: BinaryIO, status: os.stat_result, display: str, limit: int) -> bytes:
    """A file's bytes, if there are at most ``limit``; a regular file's size is checked first.

    Raises:
        InputError: The file holds more than ``limit`` bytes.
        OSError: It cannot be read.
    """
    too_large = InputError(display, _too_large("larger than", limit))
    regular = stat.S_ISREG(status.st_mode)
    if regular and status.st_size > limit:
        raise too_large
    wanted = min(status.st_size, limit) + 1 if regular else limit + 1
    data = _read_up_to(file, wanted)
    if regular and len(data) == wanted <= limit:  # it grew since it was looked at
        data += _read_up_to(file, limit + 1 - len(data))
    if len(data) > limit:
        raise too_large
    return data


def _read_up_to(file: BinaryIO, count: int) -> bytes:
    """The next ``count`` bytes of an unbuffered file, or all that is left if fewer."""
    parts = []
    while count > 0 and (part := file.read(count)):
        parts.append(part)
        count -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _text_of(
    data: bytes,
    display: str,
    compressed: bool,
    kind: Literal["text", "html"],
    limit: int = MAX_DOCUMENT_BYTES,
) -> str:
    """A file's text from its bytes: decompressed, decoded, and for HTML its main text."""
    if compressed:
        data = _gunzip(data, display, limit)
    text = decode(data, display)
    return html_to_text(text, display) if kind == "html" else text


@functools.lru_cache(maxsize=16)
def _file_text(
    path: str,
    display: str,
    kind: Literal["text", "html"],
    size: int,
    checksum: int,
    limit: int = MAX_DOCUMENT_BYTES,
) -> str:
    """A :class:`FileDocument`'s text, read again; the last few read are kept.

    Kept by the file's size and checksum as checked, so a text kept is always the one
    checked, however the file changed since.

    Raises:
        InputError: The file cannot be read, or its bytes are not those checked.
    """
    try:
        with _opened(path, display, named=False) as (file, _):
            data = _read_up_to(file, size + 1)
    except InputError:
        raise
    except OSError as error:
        raise InputError(display, _reason(error, path)) from None
    if len(data) != size or zlib.crc32(data) != checksum:
        raise InputError(display, "changed while it was being scanned; scan it again")
    return _text_of(data, display, _type_of(path)[0], kind, limit)


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


def _gunzip(data: bytes, path: str, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """Decompressed gzip data, at most ``limit`` bytes of it: a bomb is never inflated."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
            inflated = unpacked.read(limit + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise InputError(path, f"not a valid gzip file ({error})") from None
    if len(inflated) > limit:
        raise InputError(path, _too_large("inflates to more than", limit))
    return inflated


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


# A JSONL line: its text or bytes, None for one past the size limit, or an error that
# ends the lines (the rest of the file cannot be read).
_Line = str | bytes | None | InputError
_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _stdin_lines(stdin: IO[str] | IO[bytes] | None, limit: int) -> Iterator[_Line]:
    """The JSONL lines of standard input: its bytes when it has them, as a file's."""
    source = stdin if stdin is not None else getattr(sys.stdin, "buffer", sys.stdin)
    if source is None:  # no standard input at all (a process started without one)
        return iter([InputError(STDIN, "standard input is not open")])
    if isinstance(source.read(0), str):
        text = cast(IO[str], source)
        return _capped_lines(text.readline, "\n", "\r", limit)
    return _jsonl_lines(cast(BinaryIO, source), STDIN, False, limit)


def _jsonl_lines(source: BinaryIO, display: str, compressed: bool, limit: int) -> Iterator[_Line]:
    """The lines of a JSONL file, read as they come (decompressed as they come)."""
    try:
        with contextlib.ExitStack() as stack:
            stream: BinaryIO = source
            if compressed:
                stream = cast(BinaryIO, stack.enter_context(gzip.GzipFile(fileobj=source)))
            if not hasattr(stream, "peek"):
                buffered = io.BufferedReader(cast(io.RawIOBase, stream))
                stack.callback(buffered.detach)
                stream = cast(BinaryIO, buffered)
            head: bytes = cast(io.BufferedReader, stream).peek(8192)
            if head.startswith(_UTF16_MARKS):
                text = io.TextIOWrapper(stream, encoding="utf-16", newline="\n")
                stack.callback(text.detach)  # never closes standard input
                yield from _capped_lines(text.readline, "\n", "\r", limit)
            elif b"\x00" in head[:8192]:
                yield InputError(display, "binary file (contains NUL bytes), not text")
            else:
                yield from _capped_lines(stream.readline, b"\n", b"\r", limit)
    except UnicodeDecodeError:
        yield InputError(display, "binary file (not valid UTF-16 after its mark)")
    except (OSError, EOFError, zlib.error) as error:
        # A read that failed has an errno; bad gzip data (gzip.BadGzipFile, a stream cut
        # short, a corrupt block) has none.
        if isinstance(error, OSError) and error.errno is not None:
            yield InputError(display, _reason(error))
        else:
            yield InputError(display, f"not a valid gzip file ({error})")


def _capped_lines(
    readline: Callable[[int], AnyStr], newline: AnyStr, carriage: AnyStr, limit: int
) -> Iterator[AnyStr | None]:
    """Lines ended by ``newline`` only, without it or a ``carriage`` return before it.

    A line longer than ``limit`` (bytes, or characters for text) is ``None``, and is
    skipped without being held whole.
    """
    while line := readline(limit + 2):
        if line.endswith(newline):
            line = line[: -len(newline)]
        elif len(line) > limit + 1:  # no end within the limit: skip to the line's end
            while (rest := readline(_CHUNK)) and not rest.endswith(newline):
                pass
            yield None
            continue
        line = line.removesuffix(carriage)
        yield None if len(line) > limit else line


def _records(
    path: str, lines: Iterable[_Line], mtime: float | None, limit: int = MAX_DOCUMENT_BYTES
) -> Iterator[Document | InputError]:
    """The documents of JSONL lines, one per line, and an error for each bad line."""
    for number, line in enumerate(lines, start=1):
        where = f"{path}:{number}"
        if isinstance(line, InputError):
            yield line
            return
        if line is None:
            yield InputError(where, _too_large("record larger than", limit))
            continue
        try:
            text = _line_text(line, where, number == 1)
        except InputError as error:
            yield error
            continue
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            yield InputError(where, f"not valid JSON ({error.msg})")
            continue
        except RecursionError:
            yield InputError(where, "JSON nested too deeply to read")
            continue
        except ValueError:  # an integer past sys.get_int_max_str_digits()
            digits = sys.get_int_max_str_digits()
            yield InputError(where, f"a JSON number of more than {digits:,} digits")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield InputError(where, 'expected an object with a string "text"')
            continue
        record_id = record.get("id", f"{path}:{number}")
        if not isinstance(record_id, (str, int)) or isinstance(record_id, bool):
            yield InputError(where, '"id" must be a string or an integer')
            continue
        # Only a \ud800-\udfff escape can give a lone surrogate: look for one first.
        problem = _ESCAPED_SURROGATE.search(text) and (
            _lone_surrogate(record_id, "id") or _lone_surrogate(record["text"], "text")
        )
        if problem:
            yield InputError(where, problem)
            continue
        yield Document(id=str(record_id), text=record["text"], path=path, mtime=mtime)


def _line_text(line: str | bytes, where: str, first: bool) -> str:
    """A JSONL line's text: UTF-8 (a first line's byte-order mark dropped), else detected."""
    if isinstance(line, str):
        return line
    if first:
        line = line.removeprefix(codecs.BOM_UTF8)
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return decode(line, where)


def _lone_surrogate(value: object, name: str) -> str | None:
    r"""Why a JSON string is not text: a ``\ud800`` escape not part of a pair, or ``None``."""
    found = _SURROGATE.search(value) if isinstance(value, str) else None
    if found is None:
        return None
    return (
        f'"{name}" holds a lone surrogate (U+{ord(found.group()):04X}), which is not valid Unicode'
    )
