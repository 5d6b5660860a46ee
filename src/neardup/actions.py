"""Acting on duplicates: the only module that changes user files.

The plan decides which files are redundant; the actions carry it out safely:

- A file is redundant only when every article in it is a non-keep member of a cluster
  (its keep copy lives in another file, which stays). A page that still holds a unique
  article, and every file holding a kept copy, stays, so no cluster loses its last copy.
- Before acting on a file, its size and modification time must still be what the scan
  saw; otherwise it is left alone and reported.
- A move is a rename within one file system; across file systems the file is copied to a
  temporary name beside the target, flushed, renamed into place, and only then is the
  source removed. Killed at any point, nothing is lost, and a rerun finishes the job
  (a target that already holds the same bytes counts as done).
"""

from __future__ import annotations

import errno
import filecmp
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from neardup.errors import InputError
from neardup.pipeline import DedupResult

ActionKind = Literal["move", "delete", "copy"]
_TEMPORARY_SUFFIX = ".neardup-partial"


@dataclass(frozen=True)
class Redundant:
    """A file whose every article is a copy of an article kept elsewhere.

    Attributes:
        document: The document's id.
        file: Its file on disk.
        relative: Where it goes under a target folder (its id as a safe relative path).
        keep: The id of the kept article the file's first article copies.
        jaccard: That article's Jaccard similarity with its keep.
        size: The file's size when scanned.
        mtime: Its modification time when scanned.
    """

    document: str
    file: str
    relative: str
    keep: str
    jaccard: float
    size: int | None
    mtime: float | None


@dataclass(frozen=True)
class Plan:
    """What a dedup would do: files to set aside, files to keep, and what it cannot touch.

    Attributes:
        redundant: Files whose every article is a copy kept elsewhere, by id.
        kept: Files that stay (``(id, file, relative)``), by id.
        untouchable: Redundant documents without a file of their own (JSONL records,
            standard input), which no action can move.
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
    """Decide which files are redundant (see the module docstring for the rules)."""
    copies: dict[str, tuple[str, float]] = {}
    for cluster in result.clusters:
        for member in cluster.members[1:]:
            copies[member.article.id] = (cluster.keep.id, member.jaccard)
    articles_of: dict[str, list[str]] = {}
    for article in result.articles:
        if article.text.strip():
            articles_of.setdefault(article.document, []).append(article.id)
    redundant, kept, untouchable = [], [], []
    for document in sorted(result.documents, key=lambda item: item.id):
        ids = articles_of.get(document.id, [])
        is_redundant = bool(ids) and all(article in copies for article in ids)
        if is_redundant and document.file is None:
            untouchable.append(document.id)
        elif is_redundant and document.file is not None:
            keep, jaccard = copies[ids[0]]
            redundant.append(
                Redundant(
                    document.id,
                    document.file,
                    safe_relative(document.id),
                    keep,
                    jaccard,
                    document.size,
                    document.mtime,
                )
            )
        elif document.file is not None:
            kept.append((document.id, document.file, safe_relative(document.id)))
    return Plan(redundant, kept, untouchable)


def _unchanged(item: Redundant) -> None:
    """Raise unless the file's size and modification time are what the scan saw."""
    status = os.stat(item.file)
    if item.size is not None and status.st_size != item.size:
        raise InputError(
            item.file, f"changed since the scan (size {status.st_size}, was {item.size})"
        )
    if item.mtime is not None and status.st_mtime != item.mtime:
        raise InputError(item.file, "changed since the scan (modification time differs)")


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
            _unchanged(item)
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
            _unchanged(item)
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
