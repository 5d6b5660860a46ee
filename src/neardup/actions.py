"""Acting on duplicates: the only module that changes user files.

The plan decides which files are redundant; the actions carry it out safely.

- **The rule.** A file may go only when every article in it lies inside an article of a
  file that stays: at least ``Config.contained_threshold`` (the containment threshold) of
  the article's shingles are found in that other article, in that direction. Files
  holding an article that lies inside no other file stay. The others are decided one at
  a time in keep order (the keep policy, except that an article lying inside another
  comes after it; a file comes where the first of its articles in that order does): a
  file goes only when each of its articles lies inside a file already staying. The same
  is then done again over what stays, as a second run would, until nothing more would
  go; a file whose copy went in such a later pass stays after all, and what stays is
  decided again. So a file that goes never relies on another that goes, no cluster
  loses its last copy, and a second run finds nothing to do.
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
import dataclasses
import errno
import filecmp
import functools
import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

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
        """The state of a document's file as read (its ``path`` where it has no ``file``)."""
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
        if self.digest is not None and _sha256(self.path, _stamp(status)) != self.digest:
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
    keeps = {
        member.article.id: cluster.keep.id
        for cluster in result.clusters
        for member in cluster.members[1:]
    }
    everything = [index for indices in articles_of.values() for index in indices]
    order = match_order(articles, result.matches, config.keep, needed, everything)
    rank = {index: position for position, index in enumerate(order)}
    # Decide as a run would, then as a second run would over what is left, until a run
    # would find nothing more: what this run does leaves nothing for the next.
    staying = {document.id for document in result.documents if document.file is not None} & set(
        articles_of
    )
    going: list[str] = []
    # A file that went early may lose, in a later pass, the copy it went for: it stays
    # after all, and what stays is decided again (a file may lie inside it). The rounds
    # are bounded; should they run out, the loop below still keeps every such file.
    for _ in range(len(articles_of) + 1):
        while gone := _decide(articles, articles_of, holders, order, staying):
            going.extend(gone)
            staying.difference_update(gone)
        back = {
            document
            for document in going
            if not all(
                any(articles[outer].document in staying for outer, _, _ in holders.get(inner, []))
                for inner in articles_of[document]
            )
        }
        if not back:
            break
        staying |= back
        going = [document for document in going if document not in back]
    # Nothing that went relies on a file that went.
    redundant: list[Redundant] = []
    for document_id in going:
        copies = [
            _best_copy(articles, index, holders.get(index, []), staying, keeps, rank)
            for index in articles_of[document_id]
        ]
        found = [copy for copy in copies if copy is not None]
        if len(found) < len(copies):
            staying.add(document_id)
            continue
        document = documents[document_id]
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
        elif document.id in staying or not articles_of.get(document.id):
            kept.append((document.id, document.file, safe_relative(document.id)))
    return Plan(redundant, kept, untouchable)


def _decide(
    articles: Sequence[Article],
    articles_of: dict[str, list[int]],
    holders: dict[int, list[tuple[int, float, float]]],
    order: Sequence[int],
    alive: set[str],
) -> list[str]:
    """The files (of ``alive``) that one run over ``alive`` would set aside, in order.

    Files holding an article found in no other file of ``alive`` stay; then the others
    are decided in keep order (where the first of their articles in keep order comes),
    each going only when every article of it lies inside a file already staying.
    """
    staying = {
        document
        for document in alive
        if any(
            all(articles[outer].document not in alive for outer, _, _ in holders.get(index, []))
            for index in articles_of[document]
        )
    }
    going: list[str] = []
    seen = set(staying)
    for index in order:
        document = articles[index].document
        if document in seen or document not in alive:
            continue
        seen.add(document)
        if all(
            any(articles[outer].document in staying for outer, _, _ in holders.get(inner, []))
            for inner in articles_of[document]
        ):
            going.append(document)
        else:
            staying.add(document)
    return going


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


# The descriptors holding this process's locks. A child forked while they are held (a
# worker process) closes its copies at once: a lock lasts as long as any copy is open, so
# otherwise workers left running by a killed run would keep its folders locked.
_HELD_LOCKS: set[int] = set()


def _close_inherited_locks() -> None:
    for descriptor in _HELD_LOCKS:
        with contextlib.suppress(OSError):
            os.close(descriptor)
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited_locks)


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
        held: set[tuple[int, int]] = set()  # one folder reached by two paths is locked once
        for folder, mode in [
            *((folder, fcntl.LOCK_EX) for folder in exclusive),
            *((folder, fcntl.LOCK_SH) for folder in above),
        ]:
            try:
                descriptor = os.open(folder, os.O_RDONLY)
            except OSError:
                continue  # a folder that cannot be opened is not ours to guard
            _HELD_LOCKS.add(descriptor)
            stack.callback(_release, descriptor)
            status = os.fstat(descriptor)
            if (status.st_dev, status.st_ino) in held:
                continue
            held.add((status.st_dev, status.st_ino))
            try:
                fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
            except BlockingIOError:
                raise InputError(
                    folder,
                    "another neardup run is acting on this folder (or one inside or "
                    "around it); wait for it to finish",
                ) from None
        yield


def _release(descriptor: int) -> None:
    _HELD_LOCKS.discard(descriptor)
    os.close(descriptor)


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


def _stamp(status: os.stat_result) -> tuple[int, ...]:
    """What any change to a file changes: its identity, size, and both times.

    The change time cannot be set back by hand, unlike the modification time.
    """
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


@functools.lru_cache(maxsize=4096)
def _sha256(path: str, stamp: tuple[int, ...]) -> str:
    """The SHA-256 of a file's bytes; read once while its :func:`_stamp` is unchanged.

    A kept copy that many redundant files rely on is checked before each of them is
    acted on, but read again only when it changed.
    """
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class Journal:
    """The plan of a run that moves or deletes files, kept until the run ends.

    Saved before the first file is touched, and removed when the plan has been carried
    out; a run started again with the same folders, action, target and settings (and from
    the same working folder where a path was given relative to it: the plan names files
    as they were given) finds it and finishes that plan (every file is still checked
    before acting), instead of planning anew over a folder the first run half changed:
    killed at any point, a run and its rerun end where one run would have. It lives in
    the user's cache folder (``$XDG_CACHE_HOME/neardup``, else ``~/.cache/neardup``),
    never among the files.
    """

    def __init__(self, run: dict[str, object]) -> None:
        """A journal for the run that ``run`` (paths, action, target, settings) describes."""
        key = hashlib.sha256(json.dumps(run, sort_keys=True).encode()).hexdigest()[:24]
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
        self.path = Path(cache) / "neardup" / f"dedup-{key}.json"

    def load(self) -> Plan | None:
        """The plan of an interrupted run, or ``None`` if there is none (or it is unreadable)."""
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            return Plan(
                [_redundant_from(item) for item in saved["redundant"]],
                [(str(a), str(b), str(c)) for a, b, c in saved["kept"]],
                [str(name) for name in saved["untouchable"]],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, plan_: Plan) -> None:
        """Write the plan where a rerun finds it (atomically: all of it, or nothing).

        Raises:
            InputError: The cache folder cannot be written (nothing was acted on).
        """
        partial = self.path.with_name(self.path.name + _TEMPORARY_SUFFIX)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(partial, "w", encoding="utf-8") as handle:
                json.dump(dataclasses.asdict(plan_), handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, self.path)
        except OSError as error:
            raise InputError(
                str(self.path.parent),
                f"cannot save the plan of this run, which a rerun would finish "
                f"({error.strerror or error}); set XDG_CACHE_HOME to a folder you can write",
            ) from None

    def remove(self) -> None:
        """Forget the plan: the run carried it out."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _state_from(saved: dict[str, Any]) -> FileState:
    identity = saved["identity"]
    return FileState(
        saved["path"],
        None if identity is None else (int(identity[0]), int(identity[1])),
        saved["size"],
        saved["mtime"],
        saved["digest"],
    )


def _redundant_from(saved: dict[str, Any]) -> Redundant:
    return Redundant(
        saved["document"],
        saved["file"],
        saved["relative"],
        tuple(Copy(**copy) for copy in saved["copies"]),
        _state_from(saved["state"]),
        tuple(_state_from(state) for state in saved["depends"]),
    )


def move_redundant(plan_: Plan, target: Path) -> Iterator[Outcome]:
    """Move each redundant file under ``target``, keeping its relative path."""
    for item in plan_.redundant:
        destination = target / item.relative
        if not os.path.exists(item.file):
            moved = FileState(str(destination), None, item.state.size, None, item.state.digest)
            if destination.exists() and moved.change() is None:
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
