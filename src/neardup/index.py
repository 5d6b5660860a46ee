"""The persistent index: a corpus's sketches in one SQLite file, refreshed incrementally.

The index stores, per file of a corpus, its size, modification time and content hash,
and per article its span, shingle count, MinHash signature and LSH band keys (with a SQL
index on ``(band, key)`` for look-ups). It also stores each document's short lines as
:class:`~neardup.boilerplate.LineTally` counts them, so the corpus's repeated lines are
learnt from every indexed file, as a scan learns them. A refresh re-reads and re-sketches
only files that are new or changed (size and modification time, then content hash); when
the learnt lines change, the files that hold a line that came or went are cleaned and
sketched again, so every stored sketch is what a scan of the corpus would make now.

Sketches are made by the same functions as :func:`~neardup.pipeline.find_duplicates`
(:func:`~neardup.pipeline.sketch_documents`), and clusters by the same LSH, verification
and clustering (:func:`~neardup.pipeline.duplicates_of_sketches`), so results are the
same as a scan's. The settings that decide signatures and bands are recorded; an index
opened with other settings is emptied and rebuilt, never mixed.

Every update is one SQLite transaction in WAL mode: a second updater waits for the
first (up to a timeout, then fails with a clear error), and an update that is killed
leaves the index as it was before it.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt

from neardup._version import __version__
from neardup.boilerplate import CleanText, Dropped, LineTally, RepeatedLines
from neardup.config import Config
from neardup.documents import Document, folder_files, read_files, selected_files
from neardup.errors import InputError, NeardupError
from neardup.lsh import LSHIndex
from neardup.pipeline import (
    DedupResult,
    Sketches,
    duplicates_of_sketches,
    rebuilt_article,
    sketch_documents,
    sketch_in_chunks,
)
from neardup.segment import Article
from neardup.verify import scored_pair

#: The layout of the tables and the meaning of what they store (4: each short line's
#: surroundings as the fingerprints of its two sides); an index of another is rebuilt.
SCHEMA_VERSION = 4
#: Where an index lives, relative to its corpus's root.
DEFAULT_LOCATION = Path(".neardup") / "index.db"
# PRAGMA application_id of neardup's index files ("NDUP"), which tells them from others.
_APPLICATION_ID = 0x4E445550
# How long an update waits for another to finish before it fails, in seconds.
_WAIT_SECONDS = 60.0
# Articles whose band rows are sorted and written together in a refresh.
_BATCH_FILES = 16384
# Parameters per SQL statement, below SQLite's lowest limit (999).
_SQL_PARAMETERS = 900

_SCHEMA = """
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    file INTEGER NOT NULL,
    document TEXT NOT NULL,
    segment INTEGER,
    pieces BLOB NOT NULL,
    dropped TEXT NOT NULL,
    shingles INTEGER NOT NULL,
    signature BLOB NOT NULL
);
CREATE INDEX articles_file ON articles (file);
CREATE TABLE bands (
    band INTEGER NOT NULL,
    key INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (band, key, article)
) WITHOUT ROWID;
CREATE TABLE lines (
    key TEXT NOT NULL,
    file INTEGER NOT NULL,
    context INTEGER NOT NULL,
    PRIMARY KEY (key, file)
) WITHOUT ROWID;
CREATE INDEX lines_file ON lines (file);
CREATE TABLE learnt (key TEXT PRIMARY KEY) WITHOUT ROWID;
"""
_T = TypeVar("_T")
_R = TypeVar("_R")
_P = ParamSpec("_P")
_TABLES = ("settings", "files", "articles", "bands", "lines", "learnt")

#: ``progress(stage, done, total)``, as :data:`neardup.pipeline.Progress`.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Refresh:
    """What a refresh of the index did.

    Attributes:
        files: Files in the corpus now (readable ones).
        added: Files new to the index.
        changed: Files whose content changed.
        removed: Files dropped from the index (gone, no longer in the corpus, or unreadable).
        unchanged: Files whose content is as indexed.
        articles: Articles in the index now.
        seconds: Wall time of the refresh.
        sketched: The files cleaned and sketched (again): the added and changed ones, and
            unchanged ones that hold a learnt repeated line that came or went.
        errors: Files that could not be read.
        rebuilt: Whether the index was emptied first (new, or other settings).
    """

    files: int
    added: int
    changed: int
    removed: int
    unchanged: int
    articles: int
    seconds: float
    sketched: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    rebuilt: bool = False

    def to_dict(self) -> dict[str, int | float]:
        """The summary ``neardup index --format json`` prints."""
        return {
            "files": self.files,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "articles": self.articles,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class Corpus:
    """The files an index covers.

    Attributes:
        root: The folder their paths are relative to (a git repository's top level).
        files: ``/``-separated paths relative to ``root``, sorted.
    """

    root: Path
    files: list[str]


@dataclass(frozen=True)
class Finding:
    """An article of a checked file that is a near-duplicate of another article.

    Attributes:
        article: The checked article's id (a path relative to the corpus root).
        original: The id of the article it copies.
        jaccard: Their exact Jaccard similarity.
        containment: The share of the article's shingles found in the original (as
            ``scan`` reports a member against its keep).
    """

    article: str
    original: str
    jaccard: float
    containment: float

    def __str__(self) -> str:
        return (
            f"{self.article}: near-duplicate of {self.original} "
            f"(jaccard {self.jaccard:.2f}, containment {self.containment:.2f})"
        )


def folder_corpus(
    root: str | os.PathLike[str],
    *,
    include: Sequence[str],
    exclude: Sequence[str],
) -> Corpus:
    """The corpus of a folder: the files a scan of it reads."""
    return Corpus(Path(root).resolve(), folder_files(root, include=include, exclude=exclude))


def git_corpus(
    start: str | os.PathLike[str],
    *,
    include: Sequence[str],
    exclude: Sequence[str],
    paths: Sequence[str] = (),
) -> Corpus | None:
    """The corpus of the git repository around ``start``, or ``None`` outside one.

    It is every tracked file (staged ones included) that a scan of the top level would
    read, narrowed to the files under ``paths`` (folders or files relative to the top
    level) if any are given.
    """
    top = _git(start, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    root = Path(top.strip()).resolve()
    listed = _git(root, "ls-files", "-z", "--cached")
    tracked = sorted(name for name in (listed or "").split("\0") if name)
    prefixes = [path.strip("/") for path in paths]
    if prefixes:
        tracked = [
            name
            for name in tracked
            if any(name == prefix or name.startswith(f"{prefix}/") for prefix in prefixes)
        ]
    chosen = selected_files(tracked, include=include, exclude=exclude)
    # A tracked file deleted from the work tree is not part of the corpus.
    return Corpus(root, [name for name in chosen if (root / name).is_file()])


def _git(folder: str | os.PathLike[str], *arguments: str) -> str | None:
    """The output of a git command run in ``folder``, or ``None`` if it fails."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *arguments],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def _database_errors(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """A :class:`CorpusIndex` method whose SQLite errors become :class:`InputError`."""

    @functools.wraps(method)
    def translated(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except sqlite3.DatabaseError as error:
            index = args[0]
            if not isinstance(index, CorpusIndex):
                raise
            raise index._unusable(f"the index cannot be used ({error})") from None

    return translated


class CorpusIndex:
    """A corpus's persistent index (see the module's description).

    Args:
        location: The SQLite file; made, with its folder, if missing.
        root: The corpus's root folder: indexed paths are relative to it.
        config: Settings; those that decide signatures and bands are recorded, and an
            index made with others is emptied and rebuilt.
        rebuild: Start afresh, deleting the file first (also when it is not an index).
        wait: Seconds to wait for another process's update to finish.

    Raises:
        InputError: The file is not a neardup index (corrupt, or another program's);
            the message names ``--rebuild``.
    """

    def __init__(
        self,
        location: str | os.PathLike[str],
        root: str | os.PathLike[str],
        config: Config,
        *,
        rebuild: bool = False,
        wait: float = _WAIT_SECONDS,
    ) -> None:
        self.location = Path(location)
        self.root = Path(root).resolve()
        self.config = config
        self.lsh = LSHIndex.from_config(config)
        self.wait = wait
        if rebuild:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(f"{self.location}{suffix}")
        self._rebuilt = False
        # The learnt lines, once learnt in this process (see repeated_lines).
        self._repeated: RepeatedLines | None = None
        self._learnt = False
        try:
            self.location.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.location, timeout=wait, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise InputError(str(self.location), f"cannot open the index ({error})") from None
        try:
            self._open()
        except sqlite3.OperationalError as error:
            self._db.close()
            raise InputError(str(self.location), f"cannot use the index ({error})") from None
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise self._unusable(f"not a neardup index ({error})") from None
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> CorpusIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _unusable(self, reason: str) -> InputError:
        return InputError(
            str(self.location), f"{reason}; delete it or run again with --rebuild to remake it"
        )

    def _settings(self) -> dict[str, str]:
        """The recorded settings: those that decide what is stored."""
        config = self.config
        values: dict[str, object] = {
            "schema": SCHEMA_VERSION,
            "neardup": __version__,  # the cleaning rules change with the version
            "root": str(self.root),
            "shingle_size": config.shingle_size,
            "seed": config.seed,
            "num_perm": config.num_perm,
            "bands": self.lsh.bands,
            "rows": self.lsh.rows,
            "split": config.split,
            "min_repeats": config.min_repeats,
        }
        return {name: json.dumps(value) for name, value in values.items()}

    def _open(self) -> None:
        """Check the file is an index of these settings; make or empty it if need be."""
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {int(self.wait * 1000)}")
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if tables and db.execute("PRAGMA application_id").fetchone()[0] != _APPLICATION_ID:
            raise self._unusable("not a neardup index (another program's database)")
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        if self._current(db):
            return
        with self._writing():
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            wanted = self._settings()
            if self._current(db):
                return
            if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION and (
                set(_TABLES) <= tables
            ):
                for table in _TABLES:
                    db.execute(f"DELETE FROM {table}")
            else:
                for name in tables - {"sqlite_sequence"}:
                    if not name.startswith("sqlite_"):
                        db.execute(f"DROP {_kind_of(db, name)} IF EXISTS {name}")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.executemany("INSERT INTO settings VALUES (?, ?)", wanted.items())
            self._rebuilt = True

    def _current(self, db: sqlite3.Connection) -> bool:
        """Whether the file is an index of this layout and these settings."""
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION or not (
            set(_TABLES) <= tables
        ):
            return False
        stored = dict(db.execute("SELECT name, value FROM settings").fetchall())
        return stored == self._settings()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction: all of it is stored, or none of it."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise InputError(
                    str(self.location),
                    f"another process has been updating the index for {self.wait:g} s; "
                    "try again when it has finished",
                ) from None
            raise
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            self._learnt = False  # perhaps learnt from what was rolled back
            raise
        self._db.execute("COMMIT")

    # -- refreshing -----------------------------------------------------------------------

    @_database_errors
    def refresh(
        self, files: Sequence[str], *, jobs: int = 1, progress: Progress | None = None
    ) -> Refresh:
        """Bring the index up to date with the corpus's files, in one transaction.

        Args:
            files: The corpus: ``/``-separated paths relative to the root.
            jobs: Processes to clean and sketch in.
            progress: Called as ``progress("indexed", done, total)`` while working.

        Returns:
            What changed; files that could not be read are in its ``errors`` (and are
            not in the index).
        """
        started = time.perf_counter()
        db = self._db
        with self._writing():
            rebuilt, self._rebuilt = self._rebuilt, False
            stored = {
                path: (file_id, size, mtime_ns, digest)
                for file_id, path, size, mtime_ns, digest in db.execute(
                    "SELECT id, path, size, mtime_ns, hash FROM files"
                )
            }
            root = str(self.root)
            errors: list[InputError] = []
            unchanged: list[str] = []
            touched: dict[str, os.stat_result] = {}
            for path in files:
                try:
                    status = os.stat(os.path.join(root, path))
                except OSError as error:
                    errors.append(InputError(path, error.strerror or str(error)))
                    continue
                old = stored.get(path)
                if old is not None and (old[1], old[2]) == (status.st_size, status.st_mtime_ns):
                    unchanged.append(path)
                else:
                    touched[path] = status
            # New and touched files are read once: their digest (SHA-256 of the bytes
            # read) tells a touched file whose bytes are the same from a changed one.
            documents = []
            new: dict[str, tuple[int, int, str]] = {}
            for document in self._read(sorted(touched), errors, jobs):
                path, status, old = document.id, touched[document.id], stored.get(document.id)
                digest = document.digest or ""
                if old is not None and old[3] == digest:
                    db.execute(
                        "UPDATE files SET size = ?, mtime_ns = ? WHERE id = ?",
                        (status.st_size, status.st_mtime_ns, old[0]),
                    )
                    unchanged.append(path)
                else:
                    new[path] = (status.st_size, status.st_mtime_ns, digest)
                    documents.append(document)
            kept = set(unchanged)
            gone = [path for path in stored if path not in kept]
            self._forget([stored[path][0] for path in gone])
            readable = {document.id for document in documents}
            file_ids = self._add_files({path: new[path] for path in sorted(readable)})
            if gone or documents:
                self._learnt = False  # the lines the corpus repeats may have changed
            repeated = self._learn(documents, file_ids)
            # Unchanged files whose cleaning the newly learnt lines change.
            stale = self._stale(repeated, exclude=set(file_ids.values()))
            if stale:
                self._forget_articles(list(stale.values()))
                file_ids.update(stale)
                documents.extend(self._read(sorted(stale), errors, jobs))
            self._sketch(documents, file_ids, repeated, jobs, progress)
            articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        added = sum(1 for path in readable if path not in stored)
        return Refresh(
            files=len(unchanged) + len(readable),
            added=added,
            changed=len(readable) - added,
            removed=sum(1 for path in gone if path not in readable),
            unchanged=len(unchanged),
            articles=articles,
            seconds=time.perf_counter() - started,
            sketched=sorted({document.id for document in documents}),
            errors=sorted(errors, key=lambda error: error.path),
            rebuilt=rebuilt,
        )

    def _read(
        self, paths: Sequence[str], errors: list[InputError], jobs: int = 1
    ) -> list[Document]:
        """The documents of some files, with ids relative to the root (errors added)."""
        read = read_files(self.root, paths, jobs=jobs)
        errors.extend(read.errors)
        # The records of a JSONL file have no file of their own.
        documents = [document for document in read.documents if document.file is not None]
        records = sorted({document.path for document in read.documents if document.file is None})
        errors.extend(InputError(path, "JSONL files cannot be indexed") for path in records)
        return documents

    def _forget(self, file_ids: Sequence[int]) -> None:
        """Drop files and all stored about them."""
        self._forget_articles(file_ids)
        for chunk in _chunks(file_ids):
            marks = ",".join("?" * len(chunk))
            self._db.execute(f"DELETE FROM lines WHERE file IN ({marks})", chunk)
            self._db.execute(f"DELETE FROM files WHERE id IN ({marks})", chunk)

    def _forget_articles(self, file_ids: Sequence[int]) -> None:
        """Drop the articles (and their band keys) of files."""
        for chunk in _chunks(file_ids):
            marks = ",".join("?" * len(chunk))
            stored = self._db.execute(
                f"SELECT id, signature FROM articles WHERE file IN ({marks})", chunk
            ).fetchall()
            if stored:
                # The band keys are found again from the signatures, for the (band, key) index.
                signatures = np.frombuffer(b"".join(row[1] for row in stored), dtype=np.uint32)
                keys = self.lsh.band_keys(signatures.reshape(len(stored), -1))
                self._db.executemany(
                    "DELETE FROM bands WHERE band = ? AND key = ? AND article = ?",
                    self._band_rows([row[0] for row in stored], keys),
                )
            self._db.execute(f"DELETE FROM articles WHERE file IN ({marks})", chunk)

    def _band_rows(
        self, article_ids: Sequence[int], keys: npt.NDArray[np.uint64]
    ) -> list[list[int]]:
        """``[band, key, article]`` rows of articles' band keys, in the table's order.

        Rows inserted in the order of the table's key are appended to its B-tree, several
        times faster than in article order. (Equal keys of a band are in the order of
        ``article_ids``, ascending where it is.)
        """
        signed = keys.view(np.int64)
        order = np.argsort(signed, axis=0, kind="stable")  # each band's keys, sorted
        rows = np.empty((self.lsh.bands, len(article_ids), 3), dtype=np.int64)
        rows[:, :, 0] = np.arange(self.lsh.bands)[:, None]
        rows[:, :, 1] = np.take_along_axis(signed, order, axis=0).T
        rows[:, :, 2] = np.asarray(article_ids, dtype=np.int64)[order].T
        listed: list[list[int]] = rows.reshape(-1, 3).tolist()
        return listed

    def _add_files(self, new: dict[str, tuple[int, int, str]]) -> dict[str, int]:
        """Store new files' rows; their ids by path."""
        start = self._db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM files").fetchone()[0]
        ids = {path: start + offset for offset, path in enumerate(new)}
        self._db.executemany(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?)",
            ((ids[path], path, *values) for path, values in new.items()),
        )
        return ids

    def _learn(
        self, documents: Sequence[Document], file_ids: dict[str, int]
    ) -> RepeatedLines | None:
        """Store new documents' short lines; the corpus's repeated lines, learnt from all."""
        if self.config.min_repeats == 0:
            return None
        rows = []
        for document in documents:
            tally = LineTally()
            tally.add(document.text)
            file_id = file_ids[document.id]
            # A document gives each of its short lines one context (its first place).
            for key, contexts in tally.contexts.items():
                rows.append((key, file_id, _signed(next(iter(contexts)))))
        rows.sort()  # in the table's order: appended to its B-tree
        self._db.executemany("INSERT INTO lines VALUES (?, ?, ?)", rows)
        return self.repeated_lines()

    @_database_errors
    def repeated_lines(self) -> RepeatedLines | None:
        """The corpus's repeated lines, learnt from every indexed file as a scan learns them.

        They are learnt once in a process, and again after a refresh that changed files.
        """
        minimum = self.config.min_repeats
        if minimum == 0:
            return None
        if self._learnt:
            return self._repeated
        tally = LineTally()
        for key, context in self._db.execute(
            "SELECT key, context FROM lines WHERE key IN "
            "(SELECT key FROM lines GROUP BY key HAVING COUNT(*) >= ?)",
            (minimum,),
        ):
            tally.documents[key] = tally.documents.get(key, 0) + 1
            tally.contexts.setdefault(key, set()).add(context)
        self._repeated, self._learnt = RepeatedLines((), minimum, tally=tally), True
        return self._repeated

    def _stale(self, repeated: RepeatedLines | None, exclude: set[int]) -> dict[str, int]:
        """Stored files that hold a learnt line that came or went (by path: id).

        Cleaning reads the learnt lines only through the lines a document has, and every
        line it could look up is one :class:`LineTally` counts, so these files are the
        only ones whose cleaning changes. The new learnt lines are recorded.
        """
        if repeated is None:
            return {}
        db = self._db
        before = {row[0] for row in db.execute("SELECT key FROM learnt")}
        now = set(repeated.counts)
        moved = sorted(before ^ now)
        if not moved:
            return {}
        db.execute("DELETE FROM learnt")
        db.executemany("INSERT INTO learnt VALUES (?)", ((key,) for key in sorted(now)))
        stale: dict[str, int] = {}
        for chunk in _chunks(moved):
            marks = ",".join("?" * len(chunk))
            for path, file_id in db.execute(
                f"SELECT DISTINCT files.path, files.id FROM lines JOIN files "
                f"ON files.id = lines.file WHERE lines.key IN ({marks})",
                chunk,
            ):
                if file_id not in exclude:
                    stale[path] = file_id
        return stale

    def _sketch(
        self,
        documents: Sequence[Document],
        file_ids: dict[str, int],
        repeated: RepeatedLines | None,
        jobs: int,
        progress: Progress | None,
    ) -> None:
        """Clean, split and sketch documents, storing their articles and band keys."""
        db = self._db
        next_id = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM articles").fetchone()[0]
        done = 0
        # Each chunk's articles are written while the workers sketch the next ones; band
        # rows are gathered and written sorted, a batch of files at a time (see _band_rows).
        pending_ids: list[range] = []
        pending_keys: list[npt.NDArray[np.uint64]] = []
        for sketches in sketch_in_chunks(documents, self.config, repeated, jobs=jobs):
            signatures = _signatures_of(sketches)
            ids = range(next_id, next_id + len(sketches.articles))
            next_id += len(sketches.articles)
            db.executemany(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        article_id,
                        file_ids[article.document],
                        article.document,
                        article.segment,
                        np.asarray(article.clean.pieces, dtype=np.int64).tobytes(),
                        json.dumps([[*item.span, item.reason] for item in article.clean.dropped]),
                        count,
                        signature.tobytes(),
                    )
                    for article_id, article, count, signature in zip(
                        ids,
                        sketches.articles,
                        sketches.shingle_counts.tolist(),
                        signatures,
                        strict=True,
                    )
                ),
            )
            pending_ids.append(ids)
            pending_keys.append(sketches.band_keys)
            if len(sketches.sources):
                done = max(done, int(sketches.sources.max()) + 1)
            if sum(map(len, pending_ids)) >= _BATCH_FILES:
                self._write_bands(pending_ids, pending_keys)
            if progress:
                progress("indexed", done, len(documents))
        self._write_bands(pending_ids, pending_keys)

    def _write_bands(self, ids: list[range], keys: list[npt.NDArray[np.uint64]]) -> None:
        """Write gathered articles' band rows, sorted; empties the lists."""
        if ids:
            article_ids = [article_id for run in ids for article_id in run]
            rows = self._band_rows(article_ids, np.concatenate(keys))
            self._db.executemany("INSERT INTO bands VALUES (?, ?, ?)", rows)
        ids.clear()
        keys.clear()

    # -- reading --------------------------------------------------------------------------

    @_database_errors
    def sketches_of(self, documents: Sequence[Document]) -> Sketches:
        """The stored sketches of documents read from indexed files (ids as indexed).

        Raises:
            InputError: A document's file is not in the index as it is now (it changed
                since the last refresh).
        """
        by_id = {document.id: position for position, document in enumerate(documents)}
        rows = self._db.execute(
            "SELECT files.path, articles.segment, articles.pieces, articles.dropped, "
            "articles.shingles, articles.signature FROM articles JOIN files "
            "ON files.id = articles.file ORDER BY articles.id"
        ).fetchall()
        found: list[tuple[Article, int, int, bytes]] = []
        seen = set()
        for path, segment, pieces, dropped, shingles, signature in rows:
            position = by_id.get(path)
            if position is None:
                continue
            seen.add(path)
            article = rebuilt_article(
                documents[position], segment, _pieces(pieces), _dropped(dropped)
            )
            found.append((article, position, shingles, signature))
        missing = sorted(set(by_id) - seen)
        if missing:
            raise InputError(missing[0], "not in the index as it is now; refresh it and retry")
        found.sort(key=lambda item: item[0].id)
        signatures = np.frombuffer(b"".join(item[3] for item in found), dtype=np.uint32)
        signatures = signatures.reshape(len(found), self.config.num_perm).copy()
        return Sketches(
            articles=[item[0] for item in found],
            sources=np.asarray([item[1] for item in found], dtype=np.int64),
            shingle_counts=np.asarray([item[2] for item in found], dtype=np.int64),
            band_keys=self.lsh.band_keys(signatures),
            signatures=signatures,
        )

    @_database_errors
    def duplicates(self, documents: Sequence[Document]) -> DedupResult:
        """The clusters a scan of the documents finds, from their stored sketches."""
        return duplicates_of_sketches(self.sketches_of(documents), documents, self.config)

    @_database_errors
    def check(self, documents: Sequence[Document], repeated: RepeatedLines | None) -> list[Finding]:
        """Which articles of some documents copy an indexed article or each other.

        Each document is cleaned with the corpus's learnt lines and sketched; its band
        keys are looked up in the index, and every candidate is verified exactly, reading
        its text from disk. A document is never compared with the indexed version of its
        own file.

        Args:
            documents: The documents to check, ids relative to the corpus root.
            repeated: The corpus's repeated lines (:meth:`repeated_lines`).

        Returns:
            The findings, sorted; a pair of checked articles is reported once, the
            later id as the copy of the earlier.
        """
        config = self.config
        sketches = sketch_documents(documents, config, repeated)
        eligible = [
            index
            for index, count in enumerate(sketches.shingle_counts.tolist())
            if count >= config.min_shingles
        ]
        articles = [sketches.articles[index] for index in eligible]
        checked = {document.id for document in documents}
        keys = sketches.band_keys[eligible].view(np.int64)
        # Candidates in the index: (checked article, stored article id).
        pairs: set[tuple[int, int]] = set()
        for position, row in enumerate(keys.tolist()):
            for band, key in enumerate(row):
                for (stored,) in self._db.execute(
                    "SELECT article FROM bands WHERE band = ? AND key = ?", (band, key)
                ):
                    pairs.add((position, stored))
        stored_articles = self._stored_articles(sorted({stored for _, stored in pairs}))
        texts: dict[str, str] = {}
        findings: dict[tuple[str, str], Finding] = {}
        for position, stored in sorted(pairs):
            article = articles[position]
            other = stored_articles.get(stored)
            if other is None or other[0] == article.document:
                continue  # too short, or the file's own indexed version
            path, name, pieces = other
            if path not in texts:
                texts.update(self._texts([path]))
            if path not in texts:
                continue  # gone since the refresh: nothing to compare
            other_text = CleanText(texts[path], pieces, ()).text
            self._record(findings, article, name, other_text, path in checked)
        # Checked documents outside the index, against each other.
        among = self.lsh.candidates_of_keys(sketches.band_keys[eligible]).pairs.tolist()
        for first, second in among:
            a, b = articles[first], articles[second]
            if a.document != b.document:
                self._record(findings, a, b.id, b.text, True)
        return sorted(findings.values(), key=lambda finding: (finding.article, finding.original))

    def _record(
        self,
        findings: dict[tuple[str, str], Finding],
        article: Article,
        other: str,
        other_text: str,
        other_checked: bool,
    ) -> None:
        """Verify a candidate pair exactly; keep it in ``findings`` if it is a match."""
        edge = scored_pair(article.text, other_text, self.config)
        if not edge.is_match(self.config):
            return
        if other_checked and other > article.id:
            findings[(other, article.id)] = Finding(
                other, article.id, edge.jaccard, edge.contain_b_in_a
            )
        else:
            findings[(article.id, other)] = Finding(
                article.id, other, edge.jaccard, edge.contain_a_in_b
            )

    def _stored_articles(
        self, article_ids: Sequence[int]
    ) -> dict[int, tuple[str, str, tuple[tuple[int, int, int], ...]]]:
        """``(file path, article id, pieces)`` of stored articles long enough to compare."""
        found = {}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            for stored, path, segment, pieces in self._db.execute(
                f"SELECT articles.id, files.path, articles.segment, articles.pieces "
                f"FROM articles JOIN files ON files.id = articles.file "
                f"WHERE articles.id IN ({marks}) AND articles.shingles >= ?",
                (*chunk, self.config.min_shingles),
            ):
                name = path if segment is None else f"{path}#{segment}"
                found[stored] = (path, name, _pieces(pieces))
        return found

    def _texts(self, paths: Sequence[str]) -> dict[str, str]:
        """The texts of indexed files, read now (unreadable ones left out)."""
        return {document.id: document.text for document in self._read(paths, [])}


def _signatures_of(sketches: Sketches) -> npt.NDArray[np.uint32]:
    """The signatures :func:`~neardup.pipeline.sketch_documents` keeps for a store."""
    if sketches.signatures is None:
        raise NeardupError("sketches made without their signatures cannot be stored")
    return sketches.signatures


def _kind_of(db: sqlite3.Connection, name: str) -> str:
    row = db.execute("SELECT type FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return str(row[0]).upper() if row else "TABLE"


def _chunks(values: Sequence[_T]) -> Iterator[list[_T]]:
    """``values`` in lists short enough for one SQL statement's parameters."""
    iterator = iter(values)
    while chunk := list(itertools.islice(iterator, _SQL_PARAMETERS)):
        yield chunk


def _signed(value: int) -> int:
    """An unsigned 64-bit number as SQLite's signed 64-bit integer."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _pieces(blob: bytes) -> tuple[tuple[int, int, int], ...]:
    values = np.frombuffer(blob, dtype=np.int64).tolist()
    return tuple(zip(values[0::3], values[1::3], values[2::3], strict=True))


def _dropped(text: str) -> tuple[Dropped, ...]:
    return tuple(Dropped((start, end), reason) for start, end, reason in json.loads(text))
