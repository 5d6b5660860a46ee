"""Acting on duplicates: the only module that changes user files.

The plan decides which files are redundant; the actions carry it out safely:

- A file is redundant only when every article in it has a copy in another file that
  stays. A page that still holds a unique article stays, and its copies of other
  articles are the ones kept (so a standalone copy of an article that such a page also
  holds can go); any other cluster keeps its keep-policy copy. No cluster loses its
  last copy.
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
from neardup.shingles import shingle_set
from neardup.verify import similarity

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
    """Decide which files are redundant (see the module docstring for the rules).

    Files that must stay are those holding an article found in no cluster (unique
    content) and those no action can touch (JSONL records). A cluster with a member in
    such a file keeps that copy; any other cluster keeps its keep-policy copy, whose file
    then stays too. Every other file holds only articles whose clusters keep a copy
    elsewhere, and is redundant.
    """
    cluster_of: dict[str, int] = {}
    for index, cluster in enumerate(result.clusters):
        for member in cluster.members:
            cluster_of[member.article.id] = index
    articles_of: dict[str, list[str]] = {}
    for article in result.articles:
        # Cleaning keeps only lines with text: an article with no kept line is empty.
        if len(article.clean):
            articles_of.setdefault(article.document, []).append(article.id)
    documents = sorted(result.documents, key=lambda item: item.id)
    staying = {
        document.id
        for document in documents
        if document.file is None
        or not articles_of.get(document.id)
        or any(article not in cluster_of for article in articles_of[document.id])
    }
    covered = {cluster_of[a] for d in staying for a in articles_of.get(d, []) if a in cluster_of}
    for index, cluster in enumerate(result.clusters):
        if index not in covered:
            staying.add(cluster.keep.document)
            covered.update(cluster_of[a] for a in articles_of[cluster.keep.document])
    redundant, kept, untouchable = [], [], []
    for document in documents:
        if document.file is None:
            if document.id not in staying or _only_copies(articles_of, cluster_of, document.id):
                untouchable.append(document.id)
            continue
        if document.id in staying:
            kept.append((document.id, document.file, safe_relative(document.id)))
            continue
        first = articles_of[document.id][0]
        survivor, jaccard = _surviving_copy(result, cluster_of[first], first, staying)
        redundant.append(
            Redundant(
                document.id,
                document.file,
                safe_relative(document.id),
                survivor,
                jaccard,
                document.size,
                document.mtime,
            )
        )
    return Plan(redundant, kept, untouchable)


def _only_copies(
    articles_of: dict[str, list[str]], cluster_of: dict[str, int], document: str
) -> bool:
    articles = articles_of.get(document, [])
    return bool(articles) and all(article in cluster_of for article in articles)


def _surviving_copy(
    result: DedupResult, cluster_index: int, article_id: str, staying: set[str]
) -> tuple[str, float]:
    """The copy that stays of an article's cluster, and their Jaccard similarity."""
    cluster = result.clusters[cluster_index]
    if cluster.keep.document in staying:
        member = next(m for m in cluster.members if m.article.id == article_id)
        return cluster.keep.id, member.jaccard
    survivor = next(m.article for m in cluster.members if m.article.document in staying)
    mine = next(m.article for m in cluster.members if m.article.id == article_id)
    config = result.config
    jaccard = similarity(
        shingle_set(mine.text, config.shingle_size, config.seed),
        shingle_set(survivor.text, config.shingle_size, config.seed),
    )[0]
    return survivor.id, jaccard


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
