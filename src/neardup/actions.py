"""Acting on duplicates: the only module that changes user files.

The plan decides which files are redundant; the actions carry it out safely.

- **The rule.** A file may go only when every article in it lies inside an article of a
  file that stays: at least ``Config.contained_threshold`` (the containment threshold) of
  the article's shingles are found in that other article, in that direction. Files are
  decided one at a time: first, every file that holds an article lying inside no other
  file's article stays (text found nowhere else); then the others, in keep order (the
  keep policy, with an article that lies inside another after it), each going only when
  its articles lie inside files already staying. A file that goes therefore never
  depends on another that goes, no cluster loses its last copy, and a second run over
  what is left finds nothing to do.
- **Only files.** Records of JSONL files and standard input are never acted on, and a
  file is never set aside for a copy that is only such a record. A file reached by two
  paths is read once, and is never a copy of itself.
- **Checked again.** Just before acting on a file, the file and every file holding its
  kept copies are checked against the scan: the same device and inode, size,
  modification time and SHA-256 of the bytes. Anything changed or gone leaves the file
  alone, and is reported.
- **Killed at any point, nothing is lost.** A move is a rename within one file system;
  across file systems the file is copied to a temporary name beside the target, flushed,
  renamed into place, and only then is the source removed. A rerun finishes the job (a
  target that already holds the same bytes counts as done).
- **One run at a time.** :func:`locked` takes a lock on each folder acted on, so a
  second run on the same folders (or one inside them, or holding them) stops with a clear
  message instead of acting on a plan the first run is invalidating.
"""

from __future__ import annotations

import contextlib
import errno
import filecmp
import hashlib
import os
import shutil
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from neardup.cluster import match_order
from neardup.documents import Document, file_identity
from neardup.errors import InputError
from neardup.pipeline import DedupResult
from neardup.segment import Article

ActionKind = Literal["move", "delete", "copy"]
_TEMPORARY_SUFFIX = ".neardup-partial"


@dataclass(frozen=True)
class FileState:
    """A file as the scan read it, to be checked again before anything relies on it.

    Attributes:
        path: The file on disk.
        identity: Its device and inode numbers when planned.
        size: Its size in bytes when read.
        mtime: Its modification time when read.
        digest: The SHA-256 (hex) of its bytes when read.
    """

    path: str
    identity: tuple[int, int] | None
    size: int | None
    mtime: float | None
    digest: str | None

    @classmethod
    def of(cls, document: Document) -> FileState:
        """The state of a document's file as read (``document.file`` must be set)."""
        path = document.file or document.path
        return cls(path, file_identity(path), document.size, document.mtime, document.digest)

    def change(self) -> str | None:
        """What changed since the scan, in words, or ``None`` if nothing did."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return "is gone"
        except OSError as error:
            return f"cannot be read ({error.strerror or error})"
        if not stat.S_ISREG(status.st_mode):
            return "is no longer a regular file"
        if self.identity is not None and (status.st_dev, status.st_ino) != self.identity:
            return "was replaced by another file since the scan"
        if self.size is not None and status.st_size != self.size:
            return f"changed since the scan (size {status.st_size:,}, was {self.size:,})"
        if self.mtime is not None and status.st_mtime != self.mtime:
            return "changed since the scan (modification time differs)"
        if self.digest is not None and _sha256(self.path) != self.digest:
            return "changed since the scan (its bytes differ, though its size and time do not)"
        return None


@dataclass(frozen=True)
class Copy:
    """Where an article of a redundant file has a copy that stays.

    Attributes:
        article: The article's id.
        kept: The id of the article it lies inside, in a file that stays.
        kept_path: That article's document's path, as shown to people.
        jaccard: Their Jaccard similarity.
        containment: The share of the article's shingles found in the kept one (the
            score that lets the file go).
    """

    article: str
    kept: str
    kept_path: str
    jaccard: float
    containment: float


@dataclass(frozen=True)
class Redundant:
    """A file whose every article lies inside an article of a file that stays.

    Attributes:
        document: The document's id.
        file: Its file on disk.
        relative: Where it goes under a target folder (its id as a safe relative path).
        copies: For each of its articles, the copy that stays, in article order.
        state: The file as scanned, checked again before acting.
        depends: The files holding the copies, checked again before acting.
    """

    document: str
    file: str
    relative: str
    copies: tuple[Copy, ...]
    state: FileState
    depends: tuple[FileState, ...]

    @property
    def keep(self) -> str:
        """The id of the kept copy of the file's first article."""
        return self.copies[0].kept

    @property
    def jaccard(self) -> float:
        """The Jaccard similarity of the file's first article with its kept copy."""
        return self.copies[0].jaccard

    @property
    def containment(self) -> float:
        """The share of the file's first article found in its kept copy."""
        return self.copies[0].containment


@dataclass(frozen=True)
class Plan:
    """What a dedup would do: files to set aside, files to keep, and what it cannot touch.

    Attributes:
        redundant: Files whose every article has a copy that stays, in the order decided.
        kept: Files that stay (``(id, file, relative)``), by id.
        untouchable: Documents without a file of their own (JSONL records, standard
            input) whose every article has a copy in a file that stays; no action can
            move them.
    """

    redundant: list[Redundant]
    kept: list[tuple[str, str, str]]
    untouchable: list[str]


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: ``done``, ``skipped`` (already done) or ``failed``."""

    kind: ActionKind
    source: str
    target: str | None
    status: Literal["done", "skipped", "failed"]
    detail: str = ""


def safe_relative(document_id: str) -> str:
    """A document id as a relative path that cannot leave the target folder."""
    parts = [part for part in PurePosixPath(document_id).parts if part not in ("/", "..", ".")]
    return "/".join(parts) or "document"


def plan(result: DedupResult) -> Plan:
    """Decide which files are redundant (see the module docstring for the rule).

    Args:
        result: What :func:`~neardup.find_duplicates` found, with its verified matches.

    Returns:
        The plan; nothing is changed.
    """
    config = result.config
    needed = config.contained_threshold
    articles = result.articles
    documents = {document.id: document for document in result.documents}
    identities = {
        document.id: file_identity(document.file)
        for document in result.documents
        if document.file is not None
    }
    articles_of: dict[str, list[int]] = {}
    for index, article in enumerate(articles):
        # Cleaning keeps only lines with text: an article with no kept line is empty.
        if len(article.clean):
            articles_of.setdefault(article.document, []).append(index)
    # Each article's possible copies: articles of other files that it lies inside.
    holders: dict[int, list[tuple[int, float, float]]] = {}
    for edge in result.matches:
        for inner, outer, share in (
            (edge.a, edge.b, edge.contain_a_in_b),
            (edge.b, edge.a, edge.contain_b_in_a),
        ):
            inner_document, outer_document = articles[inner].document, articles[outer].document
            if (
                share >= needed
                and inner_document != outer_document
                and outer_document in identities
                and identities[outer_document] != identities.get(inner_document)
            ):
                holders.setdefault(inner, []).append((outer, edge.jaccard, share))
    staying = {
        document.id
        for document in result.documents
        if document.file is None
        or not articles_of.get(document.id)
        or not all(index in holders for index in articles_of[document.id])
    }
    keeps = {
        member.article.id: cluster.keep.id
        for cluster in result.clusters
        for member in cluster.members[1:]
    }
    rank = {
        index: position
        for position, index in enumerate(match_order(articles, result.matches, config.keep, needed))
    }
    redundant: list[Redundant] = []
    for document_id in _in_keep_order(articles, rank, staying):
        document = documents[document_id]
        copies = [
            _best_copy(articles, index, holders[index], staying, keeps, rank)
            for index in articles_of[document_id]
        ]
        if any(copy is None for copy in copies):
            staying.add(document_id)
            continue
        found = [copy for copy in copies if copy is not None]
        depends = sorted({articles[copy[0]].document for copy in found})
        redundant.append(
            Redundant(
                document_id,
                document.file or "",
                safe_relative(document_id),
                tuple(copy[1] for copy in found),
                FileState.of(document),
                tuple(FileState.of(documents[name]) for name in depends),
            )
        )
    kept, untouchable = [], []
    for document in sorted(result.documents, key=lambda item: item.id):
        if document.file is None:
            indices = articles_of.get(document.id, [])
            if indices and all(
                _best_copy(articles, index, holders.get(index, []), staying, keeps, rank)
                for index in indices
            ):
                untouchable.append(document.id)
        elif document.id in staying:
            kept.append((document.id, document.file, safe_relative(document.id)))
    return Plan(redundant, kept, untouchable)


def _in_keep_order(
    articles: Sequence[Article], rank: dict[int, int], decided: set[str]
) -> Iterator[str]:
    """The documents not yet decided, in the keep order of their first article."""
    seen = set(decided)
    for index in sorted(rank, key=rank.__getitem__):
        document = articles[index].document
        if document not in seen:
            seen.add(document)
            yield document


def _best_copy(
    articles: Sequence[Article],
    index: int,
    holders: Iterable[tuple[int, float, float]],
    staying: set[str],
    keeps: dict[str, str],
    rank: dict[int, int],
) -> tuple[int, Copy] | None:
    """The copy that stays of an article, if any, and its index.

    Its cluster's keep where that will do, else the article it lies inside the most (then
    the first in keep order).
    """
    article = articles[index]
    staying_holders = [holder for holder in holders if articles[holder[0]].document in staying]
    if not staying_holders:
        return None
    keep = keeps.get(article.id)
    outer, jaccard, share = min(
        staying_holders,
        key=lambda holder: (
            articles[holder[0]].id != keep,
            -holder[2],
            rank.get(holder[0], len(rank)),
        ),
    )
    kept = articles[outer]
    return outer, Copy(article.id, kept.id, kept.path, jaccard, share)


@contextlib.contextmanager
def locked(folders: Iterable[str | os.PathLike[str]]) -> Iterator[None]:
    """Hold a lock on each folder (and a shared one on the folders above it) while acting.

    A second run that wants any of these folders, a folder inside one, or a folder
    holding one, stops at once. Where the platform has no ``flock`` (Windows), nothing
    is locked.

    Raises:
        InputError: Another run holds a lock in the way, naming the folder.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    exclusive = sorted({os.path.realpath(folder) for folder in folders})
    above = sorted(
        {parent for folder in exclusive for parent in map(str, Path(folder).parents)}
        - set(exclusive)
    )
    with contextlib.ExitStack() as stack:
        for folder, mode in [
            *((folder, fcntl.LOCK_SH) for folder in above),
            *((folder, fcntl.LOCK_EX) for folder in exclusive),
        ]:
            try:
                descriptor = os.open(folder, os.O_RDONLY)
            except OSError:
                continue  # a folder that cannot be opened is not ours to guard
            stack.callback(os.close, descriptor)
            try:
                fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
            except BlockingIOError:
                raise InputError(
                    folder,
                    "another neardup run is acting on this folder (or one inside or "
                    "around it); wait for it to finish",
                ) from None
        yield


def _check(item: Redundant) -> None:
    """Raise unless the file and every file its copies are in are as the scan saw them."""
    change = item.state.change()
    if change is not None:
        raise InputError(item.file, f"{change}; left alone")
    for depended in item.depends:
        change = depended.change()
        if change is not None:
            raise InputError(
                item.file, f"left alone: {depended.path}, which holds its copy, {change}"
            )


def _sha256(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def move_redundant(plan_: Plan, target: Path) -> Iterator[Outcome]:
    """Move each redundant file under ``target``, keeping its relative path."""
    for item in plan_.redundant:
        destination = target / item.relative
        if not os.path.exists(item.file):
            if destination.exists():
                yield Outcome("move", item.file, str(destination), "skipped", "already moved")
            else:
                yield Outcome("move", item.file, str(destination), "failed", "vanished")
            continue
        try:
            _check(item)
            _move(Path(item.file), destination)
        except OSError as error:
            yield Outcome("move", item.file, str(destination), "failed", _reason(error))
            continue
        yield Outcome("move", item.file, str(destination), "done")


def delete_redundant(plan_: Plan) -> Iterator[Outcome]:
    """Delete each redundant file (its kept copy stays)."""
    for item in plan_.redundant:
        if not os.path.exists(item.file):
            yield Outcome("delete", item.file, None, "skipped", "already gone")
            continue
        try:
            _check(item)
            os.remove(item.file)
        except OSError as error:
            yield Outcome("delete", item.file, None, "failed", _reason(error))
            continue
        yield Outcome("delete", item.file, None, "done")


def copy_kept(plan_: Plan, target: Path) -> Iterator[Outcome]:
    """Copy every file that is not redundant into ``target``; the source is untouched."""
    for document, file, relative in plan_.kept:
        destination = target / relative
        try:
            if destination.exists() and filecmp.cmp(file, destination, shallow=False):
                yield Outcome("copy", file, str(destination), "skipped", "already there")
                continue
            if destination.exists():
                raise InputError(str(destination), f"exists and differs from {document}")
            _copy_into_place(Path(file), destination)
        except OSError as error:
            yield Outcome("copy", file, str(destination), "failed", _reason(error))
            continue
        yield Outcome("copy", file, str(destination), "done")


def _move(source: Path, destination: Path) -> None:
    if destination.exists() and os.path.samefile(source, destination):
        raise InputError(str(destination), "is the file itself; not moved onto itself")
    if destination.exists():
        if filecmp.cmp(source, destination, shallow=False):
            source.unlink()  # an earlier run copied it and was stopped before removing
            return
        raise InputError(str(destination), f"exists and differs from {source}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(source, destination)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        _copy_into_place(source, destination)
        source.unlink()


def _copy_into_place(source: Path, destination: Path) -> None:
    """Copy to a temporary name beside the target, flush, then rename into place."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + _TEMPORARY_SUFFIX)
    shutil.copy2(source, partial)
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, destination)


def _reason(error: OSError) -> str:
    if isinstance(error, InputError):
        return error.reason
    return error.strerror or str(error)
