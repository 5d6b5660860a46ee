"""The local pipeline: clean, split, sketch, index, verify, cluster."""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import ctypes
import functools
import gc
import io
import itertools
import logging
import multiprocessing
import os
import sys
import tempfile
import threading
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from itertools import repeat
from multiprocessing.context import BaseContext
from multiprocessing.reduction import ForkingPickler
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from neardup._processes import process_pool
from neardup.boilerplate import CleanText, Dropped, LineTally, RepeatedLines
from neardup.cluster import Cluster, build_clusters
from neardup.config import Config
from neardup.documents import Document, FileDocument
from neardup.errors import ConfigError, InputError, NeardupError
from neardup.lsh import LSHIndex
from neardup.minhash import MinHasher
from neardup.segment import Article, split_articles
from neardup.shingles import shingle_hashes_batch
from neardup.verify import Edge, alignments, edges_of, overlaps

_log = logging.getLogger("neardup")

#: ``progress(stage, done, total)``: a stage's progress, for a progress display. The stages
#: of :func:`find_duplicates`, in order: ``"learning boilerplate"`` (documents),
#: ``"sketching"`` (documents), ``"finding candidates"`` (articles), ``"verifying"``
#: (candidate pairs).
Progress = Callable[[str, int, int], None]
# Documents per unit of work handed to a worker process.
_CHUNK = 64
# Articles per unit of verification work (see _pair_groups).
_VERIFY_GROUP = _CHUNK * 4
# Articles a connected component may have and still be verified as one group: each
# article is then shingled once. Larger ones are cut (see _pair_groups); the sets of
# 16,384 articles of 500 words take about 65 MB.
_LARGEST_GROUP = 16_384
# Bytes of band keys a scan holds in memory: past them they go to a temporary file (see
# _Rows), 512 bytes an article with the default settings, and LSH reads one band's back
# at a time (8 bytes an article).
_SPILL_BYTES = 4 << 20
# Candidate pairs whose edges are made at once (see _matches).
_EDGES_AT_ONCE = 4096
# Tasks a worker submitted ahead of the results taken (see _Workers.map).
_TASKS_AHEAD = 8
_R = TypeVar("_R")
_Number = TypeVar("_Number", bound=np.generic)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An article that was not compared, and why (``"empty"`` or ``"too short"``)."""

    id: str
    reason: str
    shingles: int


@dataclass(frozen=True)
class Stats:
    """Counts from one run (the ``stats`` object of reports)."""

    documents: int = 0
    articles: int = 0
    empty: int = 0
    too_short: int = 0
    candidate_pairs: int = 0
    verified_pairs: int = 0
    clusters: int = 0
    capped_buckets: int = 0

    def to_dict(self) -> dict[str, int]:
        """The counts as a dict, in the order reports print them."""
        return {
            "documents": self.documents,
            "articles": self.articles,
            "empty": self.empty,
            "too_short": self.too_short,
            "candidate_pairs": self.candidate_pairs,
            "verified_pairs": self.verified_pairs,
            "clusters": self.clusters,
            "capped_buckets": self.capped_buckets,
        }


@dataclass(frozen=True)
class Sketches:
    """The sketched form of articles, row by row in article order.

    Attributes:
        articles: The articles, sorted by id.
        sources: Each article's document's position in the documents sketched.
        shingle_counts: Each article's number of shingles, repeats counted.
        band_keys: ``(articles, bands)`` LSH band keys of the MinHash signatures
            (:meth:`~neardup.lsh.LSHIndex.band_keys`), all a scan reads of them.
        signatures: ``(articles, num_perm)`` MinHash signatures, kept only where they
            are asked for (a store of sketches); a scan keeps the keys alone.
    """

    articles: list[Article]
    sources: npt.NDArray[np.int64]
    shingle_counts: npt.NDArray[np.int64]
    band_keys: npt.NDArray[np.uint64]
    signatures: npt.NDArray[np.uint32] | None = None


@dataclass(frozen=True)
class _Batch:
    """A chunk of documents cleaned, split and sketched (in a worker), in compact form.

    ``articles`` holds ``(document's position in the chunk, segment, pieces, dropped)``
    per article (the article is rebuilt around the caller's own document, so no text
    travels back); the arrays have one row per article, in the same order. Shingle sets
    do not travel back either: only candidates' sets are needed, and they are made again
    after the index has named the candidates (:func:`_matches`).
    """

    articles: list[tuple[int, int | None, tuple[tuple[int, int, int], ...], tuple[Dropped, ...]]]
    shingle_counts: npt.NDArray[np.int64]
    band_keys: npt.NDArray[np.uint64]
    signatures: npt.NDArray[np.uint32] | None = None


@dataclass(frozen=True)
class DedupResult:
    """What :func:`find_duplicates` found.

    Attributes:
        config: The settings used.
        clusters: Groups of copies, keep article first, ordered by the keep's id.
        stats: Counts.
        skipped: Articles that were empty or too short to compare, by id.
        articles: Every article, sorted by id.
        documents: The documents, in the order given.
        matches: Every verified pair of copies (indices into ``articles``), each pair
            once, in candidate order (the pairs clustering asked to verify last);
            clusters hold only the pairs with a keep.
    """

    config: Config
    clusters: list[Cluster]
    stats: Stats
    skipped: list[Skipped] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    matches: list[Edge] = field(default_factory=list)


class _CompactCleanText(CleanText):
    """The :class:`CleanText` of an article of a scan, kept compact.

    Its original is its document's text (for a :class:`FileDocument`, read from the
    file when asked for, once per call), and the kept lines' positions and the dropped
    lines' spans are kept as 32-bit numbers in one bytes object, after their count (12
    bytes a kept line, against about 120 as tuples of ints; an article of one line takes
    49 bytes, where an array took 100); :attr:`pieces` and :attr:`dropped` are made from
    it when asked for. ``dataclasses.replace`` does not work on it.
    """

    __slots__ = ("_document", "_packed", "_reasons")
    _document: Document
    _packed: bytes | array[int]  # the number of kept lines, then _numbers
    _reasons: tuple[str, ...]

    def __init__(
        self,
        document: Document,
        pieces: tuple[tuple[int, int, int], ...],
        dropped: tuple[Dropped, ...],
    ) -> None:
        spans = (item.span for item in dropped)
        numbers = itertools.chain.from_iterable(itertools.chain([(len(pieces),)], pieces, spans))
        object.__setattr__(self, "_document", document)
        object.__setattr__(self, "_packed", _packed(numbers))
        object.__setattr__(self, "_reasons", tuple(item.reason for item in dropped))

    @property
    def _unpacked(self) -> Sequence[int]:
        packed = self._packed
        return memoryview(packed).cast("I") if isinstance(packed, bytes) else packed

    @property
    def _pieces(self) -> int:
        """How many kept lines there are."""
        return self._unpacked[0]

    @property
    def _numbers(self) -> Sequence[int]:
        """The numbers: each kept line's three, then each dropped line's span."""
        return self._unpacked[1:]

    @property
    def _positions(self) -> Sequence[int]:
        """The kept lines' ``(clean_start, original_start, length)``, end to end."""
        return self._numbers[: 3 * self._pieces]

    @property
    def original(self) -> str:
        """The document's text (read now, for a :class:`FileDocument`)."""
        return self._document.text

    @property
    def pieces(self) -> tuple[tuple[int, int, int], ...]:
        """As :attr:`CleanText.pieces`."""
        positions = self._positions
        return tuple(zip(positions[0::3], positions[1::3], positions[2::3], strict=True))

    @property
    def dropped(self) -> tuple[Dropped, ...]:
        """As :attr:`CleanText.dropped`."""
        spans = self._numbers[3 * self._pieces :]
        return tuple(
            Dropped((spans[2 * index], spans[2 * index + 1]), reason)
            for index, reason in enumerate(self._reasons)
        )

    @property
    def text(self) -> str:
        """As :attr:`CleanText.text` (reading a file once)."""
        return CleanText(self.original, self.pieces, ()).text

    def __len__(self) -> int:
        at = 3 * self._pieces
        return self._numbers[at - 3] + self._numbers[at - 1] if at else 0

    @property
    def span(self) -> tuple[int, int]:
        """As :attr:`CleanText.span`."""
        at = 3 * self._pieces
        numbers = self._numbers
        return (numbers[1], numbers[at - 2] + numbers[at - 1]) if at else (0, 0)

    def to_original(self, offset: int) -> int:
        """As :meth:`CleanText.to_original`, without making :attr:`pieces`."""
        if not self._pieces:
            return 0
        numbers = self._numbers
        starts = range(0, 3 * self._pieces, 3)
        index = bisect.bisect_right(starts, offset, key=numbers.__getitem__) - 1
        at = starts[max(index, 0)]
        clean_start, original_start, length = numbers[at : at + 3]
        return original_start + min(max(offset - clean_start, 0), length)

    def __reduce__(self) -> tuple[type[_CompactCleanText], tuple[object, ...]]:
        return (type(self), (self._document, self.pieces, self.dropped))

    def __repr__(self) -> str:
        return f"_CompactCleanText({self._document!r}, pieces={self._pieces})"


def _packed(values: Iterable[int]) -> bytes | array[int]:
    """The values as 32-bit numbers in bytes, or in an array of 64-bit ones if they need it."""
    listed = list(values)
    try:
        return array("I", listed).tobytes()
    except OverflowError:
        return array("q", listed)


# The scan's documents, in a forked worker process that inherited them (see _Workers).
_INHERITED: Sequence[Document] = ()

# A share of the documents as handed to a worker: their index range where workers
# inherited the documents, else the documents themselves.
_Chunk = range | Sequence[Document]


def _start_worker(collect: bool, documents: Sequence[Document] = ()) -> None:
    """Set up a worker process (its initializer): its documents and garbage collector.

    ``documents`` are the scan's, where a forked worker inherits them. ``collect`` says
    whether the caller's process ran the cyclic garbage collector before the scan paused
    it (see :func:`_collector_paused`); a worker does the same, whether it was forked
    from the paused process or started afresh.
    """
    global _INHERITED  # set once per worker process, before any task
    _INHERITED = documents
    if collect:
        gc.enable()
    else:
        gc.disable()


class _Pause:
    """The state :func:`_collector_paused` shares between the scans of one process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.scans = 0
        self.collected = True
        self.froze = False


_PAUSE = _Pause()


@contextlib.contextmanager
def _collector_paused() -> Iterator[bool]:
    """Pause the cyclic garbage collector in this process while a scan runs.

    A scan makes several objects per article and no reference cycles, and the
    collector's passes over them took 0.1 s of a 1.6 s scan of the benchmark corpus.
    The objects that exist already (the documents among them) are frozen too, so no pass
    visits them, here or in workers forked from here; if the caller had frozen objects
    itself, nothing more is frozen and nothing thawed. Scans in other threads, or inside
    this one, share the pause: when the last one ends, the collector is as it was before
    the first. Yields whether it ran then, for workers to do the same.
    """
    pause = _PAUSE
    with pause.lock:
        if pause.scans == 0:
            pause.collected = gc.isenabled()
            pause.froze = gc.get_freeze_count() == 0
            if pause.froze:
                gc.freeze()
            gc.disable()
        pause.scans += 1
        collected = pause.collected
    try:
        yield collected
    finally:
        with pause.lock:
            pause.scans -= 1
            if pause.scans == 0:
                if pause.collected:
                    gc.enable()
                if pause.froze:
                    gc.unfreeze()


def _sent_document(document: Document) -> tuple[Callable[..., Document], tuple[Any, ...]]:
    """How a :class:`Document` is pickled for a worker process: its text as UTF-8 bytes.

    Pickling a string that is not ASCII keeps a UTF-8 copy of it inside the string
    (CPython caches it there), for as long as the string lives: the caller's documents
    would grow by their texts' size again. Encoding it makes a copy that is let go.
    """
    text = document.text.encode("utf-8", "surrogatepass")
    fields = (document.path, document.mtime, document.kind, document.file, document.size)
    return (_received_document, (document.id, text, *fields, document.digest))


def _received_document(id: str, text: bytes, *fields: Any) -> Document:
    """A document as :func:`_sent_document` sent it."""
    return Document(id, text.decode("utf-8", "surrogatepass"), *fields)


# Only for plain documents: a FileDocument is sent without its text, as it pickles itself.
ForkingPickler.register(Document, _sent_document)


# Documents from which a scan of the command line starts its workers afresh (see
# _Workers): a fresh worker takes about half a second to start, 2% of such a scan.
_FRESH_FROM = 100_000
# Whether this program may start workers afresh: set by the command line, whose main
# module can be imported again in a worker without running the command again.
_FRESH_ALLOWED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "neardup_fresh_workers", default=False
)


def allow_fresh_workers() -> None:
    """Let large scans in this program start their workers afresh, not by fork.

    For a program whose main module can be run again in a worker process without
    doing its work again (the ``neardup`` command; a script's work under
    ``if __name__ == "__main__":``), as Python's ``spawn`` start method needs.
    """
    _FRESH_ALLOWED.set(True)


class _Workers:
    """Worker processes that clean, sketch and shingle a scan's documents.

    Where processes start by fork (Linux's default before Python 3.14), the workers
    inherit the documents and are handed index ranges, so no text is copied to them;
    elsewhere they are sent the documents of each task (a text as UTF-8 bytes, a
    streamed document without its text).

    A forked worker shares the caller's pages as they were when it was forked. Each page
    that either then writes is copied, and reading a Python object writes its reference
    count: the workers come to hold their own copies of the pages of the documents they
    read, and the old copy of each page the caller writes (as it makes the articles).
    So a scan of :data:`_FRESH_FROM` documents or more starts its workers afresh
    (``spawn``) where the program allows it (:func:`allow_fresh_workers`) and they would
    be forked: over the process tree, a scan of 130 MB of short articles took 1.3 to 1.4
    times less memory.
    """

    def __init__(self, documents: Sequence[Document], jobs: int, collect: bool = True) -> None:
        context: BaseContext = multiprocessing.get_context()
        if (
            context.get_start_method() == "fork"
            and _FRESH_ALLOWED.get()
            and len(documents) >= _FRESH_FROM
        ):
            context = multiprocessing.get_context("spawn")
        self.context = context
        self.documents = documents
        self.inherit = context.get_start_method() == "fork"
        self.executor = process_pool(
            jobs,
            context,
            initializer=_start_worker,
            # Under fork, the arguments reach the workers by inheritance, not pickling.
            initargs=(collect, documents if self.inherit else ()),
        )
        self.ahead = _TASKS_AHEAD * jobs

    def map(self, function: Callable[..., _R], *iterables: Iterable[Any]) -> Iterator[_R]:
        """``function`` of each set of arguments in the workers, the results in order.

        As ``Executor.map`` does, but tasks are submitted only a few ahead of the results
        taken (``Executor.map`` submits them all at once, so it holds every result not
        yet taken, and every task's arguments where workers are sent their documents).
        """
        pending: deque[Future[_R]] = deque()
        try:
            for arguments in zip(*iterables, strict=False):  # some repeat() forever
                if len(pending) >= self.ahead:
                    yield pending.popleft().result()
                pending.append(self.executor.submit(function, *arguments))
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

    def map_unordered(
        self, function: Callable[..., _R], *iterables: Iterable[Any]
    ) -> Iterator[tuple[int, _R]]:
        """``(index, result)`` of ``function`` of each set of arguments, as each finishes.

        At most as many tasks as :meth:`map` allows are in the workers at once, and a
        long one does not hold the others up (with :meth:`map`, the results after it
        wait, and so do the tasks after those).
        """
        arguments = enumerate(zip(*iterables, strict=False))  # some repeat() forever
        pending: dict[Future[_R], int] = {}
        try:
            for index, task in itertools.islice(arguments, self.ahead):
                pending[self.executor.submit(function, *task)] = index
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    index = pending.pop(future)
                    following = next(arguments, None)
                    if following is not None:
                        pending[self.executor.submit(function, *following[1])] = following[0]
                    yield index, future.result()
        finally:
            for future in pending:
                future.cancel()

    def chunks(self, size: int) -> Iterator[_Chunk]:
        """The documents in chunks of ``size``, as handed to workers (made as taken)."""
        for start in range(0, len(self.documents), size):
            stop = min(start + size, len(self.documents))
            yield range(start, stop) if self.inherit else self.documents[start:stop]


def _documents_of(chunk: _Chunk) -> Sequence[Document]:
    """The documents a chunk stands for."""
    if isinstance(chunk, range):
        return _INHERITED[chunk.start : chunk.stop]
    return chunk


def learn_repeated_lines(
    documents: Sequence[Document],
    config: Config,
    workers: _Workers | None = None,
    progress: Progress | None = None,
) -> RepeatedLines | None:
    """The corpus's repeated boilerplate lines, or ``None`` when that learning is off.

    With ``workers``, documents are tallied a chunk at a time in their processes.
    """
    if config.min_repeats == 0:
        return None
    stage = "learning boilerplate"
    if workers is None or len(documents) <= _CHUNK:

        def texts() -> Iterator[str]:
            for number, document in enumerate(documents, 1):
                yield document.text
                if progress and (number % _CHUNK == 0 or number == len(documents)):
                    progress(stage, number, len(documents))

        return RepeatedLines(texts(), config.min_repeats)
    tally = LineTally()
    tallied = 0
    size = _CHUNK * 4
    # Tallies add up in any order.
    for index, part in workers.map_unordered(_tally, workers.chunks(size)):
        tally.update(part)
        tallied += min(size, len(documents) - index * size)
        if progress:
            progress(stage, tallied, len(documents))
    return RepeatedLines((), config.min_repeats, tally=tally)


def _tally(chunk: _Chunk) -> LineTally:
    """The line tally of some documents (the work run in workers)."""
    tally = LineTally()
    for document in _documents_of(chunk):
        tally.add(document.text)
    return tally


def articles_of(documents: Sequence[Document], config: Config) -> list[Article]:
    """Clean and split documents into articles, sorted by id."""
    with _collector_paused():
        repeated = learn_repeated_lines(documents, config)
        articles = [
            article
            for document in documents
            for article in split_articles(document, split=config.split, repeated=repeated)
        ]
    articles.sort(key=lambda article: article.id)
    return articles


def strip_documents(
    documents: Sequence[Document], config: Config
) -> list[tuple[Document, str, list[Dropped]]]:
    """Each document's cleaned text and dropped lines, learning repeated lines from all.

    The text is the document's articles' texts, separated by blank lines; the dropped
    lines include the separators and header blocks between articles.
    """
    stripped = []
    with _collector_paused():
        repeated = learn_repeated_lines(documents, config)
        for document in documents:
            articles = split_articles(document, split=config.split, repeated=repeated)
            text = "\n\n".join(article.text for article in articles if article.text)
            dropped = sorted(
                {item for article in articles for item in article.clean.dropped},
                key=lambda item: item.span,
            )
            stripped.append((document, text, dropped))
    return stripped


@functools.lru_cache(maxsize=8)
def _hasher(num_perm: int, seed: int) -> MinHasher:
    return MinHasher(num_perm, seed)


def _unique_rows(
    rows: Sequence[npt.NDArray[np.uint64]], counts: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """Each row's unique values, sorted, concatenated; and where each row's values begin."""
    values = np.concatenate(rows) if rows else np.empty(0, dtype=np.uint64)
    ends = np.cumsum(counts)
    starts = ends - counts
    # Sorting each row in place is several times faster than one lexsort by row and value.
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        values[start:end].sort()
    keep = np.ones(len(values), dtype=bool)
    keep[1:] = values[1:] != values[:-1]
    keep[starts[counts > 0]] = True
    kept = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept[1:])
    bounds = np.empty(len(counts) + 1, dtype=np.int64)
    bounds[0] = 0
    bounds[1:] = kept[ends]
    return values[keep], bounds


def _sketch_chunk(
    chunk: _Chunk,
    config: Config,
    repeated: RepeatedLines | None,
    lsh: LSHIndex,
    keep_signatures: bool = False,
) -> _Batch:
    """Clean, split, shingle, MinHash and band a chunk of documents (the work run in workers).

    The signatures travel back only with ``keep_signatures``.
    """
    records = []
    texts = []
    for position, document in enumerate(_documents_of(chunk)):
        for article in split_articles(document, split=config.split, repeated=repeated):
            records.append((position, article.segment, article.clean.pieces, article.clean.dropped))
            texts.append(article.text)
    hashes = shingle_hashes_batch(texts, config.shingle_size, config.seed)
    counts = np.fromiter((len(row) for row in hashes), dtype=np.int64, count=len(hashes))
    # A repeated shingle leaves a minimum unchanged: the rows need not be made sets.
    values = np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint64)
    signatures = _hasher(config.num_perm, config.seed).signatures_of_concatenated(values, counts)
    kept = signatures if keep_signatures else None
    return _Batch(records, counts, lsh.band_keys(signatures), kept)


def rebuilt_article(
    document: Document,
    segment: int | None,
    pieces: tuple[tuple[int, int, int], ...],
    dropped: tuple[Dropped, ...],
) -> Article:
    """The article of a document that cleaning and splitting gave as these pieces.

    Args:
        document: The document.
        segment: The article's place in a split page, or ``None`` for a whole document.
        pieces: Its kept text, as :attr:`CleanText.pieces`.
        dropped: Its dropped lines, as :attr:`CleanText.dropped`.
    """
    return Article(
        id=document.id if segment is None else f"{document.id}#{segment}",
        document=document.id,
        path=document.path,
        segment=segment,
        clean=_CompactCleanText(document, pieces, dropped),
        mtime=document.mtime,
    )


def sketch_documents(
    documents: Sequence[Document],
    config: Config,
    repeated: RepeatedLines | None,
    *,
    jobs: int = 1,
) -> Sketches:
    """Clean, split and sketch documents with repeated lines learnt already.

    The stages :func:`find_duplicates` runs before LSH, for a store of sketches (the
    persistent index) that learns the repeated lines from more documents than it sketches.

    Args:
        documents: The documents.
        config: Settings.
        repeated: The corpus's repeated lines (:func:`learn_repeated_lines`), or ``None``.
        jobs: Processes to work in; the result is the same for any number.
    """
    with _collector_paused() as collect, contextlib.ExitStack() as stack:
        workers = None
        if jobs > 1 and len(documents) > _CHUNK:
            workers = _Workers(documents, jobs, collect)
            stack.callback(workers.executor.shutdown)
        lsh = LSHIndex.from_config(config)
        sketched = _sketch(documents, config, lsh, workers, None, repeated, keep_signatures=True)
        return sketched.sketches()


def sketch_in_chunks(
    documents: Sequence[Document],
    config: Config,
    repeated: RepeatedLines | None,
    *,
    jobs: int = 1,
) -> Iterator[Sketches]:
    """As :func:`sketch_documents`, a chunk of documents at a time, as soon as it is done.

    For a store of sketches, which writes each chunk while the workers sketch the next.
    Each chunk's articles are in document order (not sorted by id), with signatures.
    """
    lsh = LSHIndex.from_config(config)
    with _collector_paused() as collect, contextlib.ExitStack() as stack:
        workers = None
        if jobs > 1 and len(documents) > _CHUNK:
            workers = _Workers(documents, jobs, collect)
            stack.callback(workers.executor.shutdown)
        for start, batch in _batches(documents, config, lsh, workers, repeated, True):
            yield Sketches(
                articles=[
                    rebuilt_article(documents[start + position], segment, pieces, dropped)
                    for position, segment, pieces, dropped in batch.articles
                ],
                sources=np.asarray(
                    [start + position for position, _, _, _ in batch.articles], dtype=np.int64
                ),
                shingle_counts=batch.shingle_counts,
                band_keys=batch.band_keys,
                signatures=batch.signatures,
            )


def _batches(
    documents: Sequence[Document],
    config: Config,
    lsh: LSHIndex,
    workers: _Workers | None,
    repeated: RepeatedLines | None,
    keep_signatures: bool,
) -> Iterator[tuple[int, _Batch]]:
    """Each chunk's first document's position, and the chunk sketched (in order)."""
    starts = range(0, len(documents), _CHUNK)
    if workers is not None:
        batches: Iterable[_Batch] = workers.map(
            _sketch_chunk,
            workers.chunks(_CHUNK),
            repeat(config),
            repeat(repeated),
            repeat(lsh),
            repeat(keep_signatures),
        )
    else:
        batches = (
            _sketch_chunk(documents[start : start + _CHUNK], config, repeated, lsh, keep_signatures)
            for start in starts
        )
    return zip(starts, batches, strict=True)


def _sketch(
    documents: Sequence[Document],
    config: Config,
    lsh: LSHIndex,
    workers: _Workers | None,
    progress: Progress | None,
    repeated: RepeatedLines | Literal["learn"] | None = "learn",
    keep_signatures: bool = False,
    spill: bool = False,
) -> _Sketched:
    """Clean, split, sketch and band documents for ``lsh``, in ``workers`` if given.

    ``repeated`` are the corpus's repeated lines, or ``"learn"`` to learn them from
    ``documents``. The signatures are kept too with ``keep_signatures``. With ``spill``,
    band keys past :data:`_SPILL_BYTES` are kept in a temporary file.
    """
    articles: list[Article] = []
    sources = array("q")
    counts: list[npt.NDArray[np.int64]] = []
    band_keys = _Rows(np.uint64, lsh.bands, spill=spill)
    signatures = _Rows(np.uint32, config.num_perm)
    if isinstance(repeated, str):  # "learn"
        repeated = learn_repeated_lines(documents, config, workers, progress)
    for start, batch in _batches(documents, config, lsh, workers, repeated, keep_signatures):
        for position, segment, pieces, dropped in batch.articles:
            sources.append(start + position)
            articles.append(rebuilt_article(documents[start + position], segment, pieces, dropped))
        counts.append(batch.shingle_counts)
        band_keys.add(batch.band_keys)
        if batch.signatures is not None:
            signatures.add(batch.signatures)
        if progress:
            progress("sketching", min(start + _CHUNK, len(documents)), len(documents))
    # Article order is id order, whatever order the documents came in. Those of a folder
    # come in it already, and are not sorted again (the sort's lists took 80 bytes an
    # article at the scan's peak).
    order = rank = None
    if any(first.id > second.id for first, second in itertools.pairwise(articles)):
        order = np.asarray(
            sorted(range(len(articles)), key=[article.id for article in articles].__getitem__),
            dtype=np.int64,
        )
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
    all_signatures = signatures.array(rank) if keep_signatures else None
    shingle_counts = np.concatenate(counts) if counts else np.empty(0, np.int64)
    source_array = np.asarray(sources, dtype=np.int64)
    if order is not None:
        articles = [articles[i] for i in order.tolist()]
        shingle_counts = shingle_counts[order]
        source_array = source_array[order]
    return _Sketched(
        articles, source_array, shingle_counts, _BandKeys(band_keys, rank), all_signatures
    )


class _Rows:
    """Rows of ``width`` numbers, added a chunk at a time to one growing buffer.

    The chunks are copied in as they come and let go: the buffer grows in place (the C
    library moves no bytes to grow a large block), so the rows are held once, where a
    list of the chunks and the array stacked from them held them twice, and the chunks'
    freed memory stayed with the process.

    With ``spill``, whenever the buffer reaches :data:`_SPILL_BYTES` its rows go to an
    anonymous temporary file, column after column, and the buffer starts again: the rows
    then take that much memory at most, and :meth:`column` reads one column back.
    """

    def __init__(self, dtype: type[_Number], width: int, spill: bool = False) -> None:
        self.dtype = np.dtype(dtype)
        self.width = width
        self.buffer = bytearray()
        self.spill = spill
        self.file: io.BufferedRandom | None = None
        self.blocks: list[tuple[int, int]] = []  # each written block's offset and rows

    def __len__(self) -> int:
        written = sum(rows for _, rows in self.blocks)
        return written + len(self.buffer) // (self.dtype.itemsize * self.width)

    def add(self, chunk: npt.NDArray[_Number]) -> None:
        """Add a chunk's rows after those added."""
        self.buffer += np.ascontiguousarray(chunk, dtype=self.dtype).tobytes()
        if self.spill and len(self.buffer) >= _SPILL_BYTES:
            self._write()

    def _write(self) -> None:
        """Write the buffer's rows to the file, column after column, and empty it."""
        rows = np.frombuffer(self.buffer, dtype=self.dtype).reshape(-1, self.width)
        with _temporary_file_trouble():
            if self.file is None:
                self.file = tempfile.TemporaryFile(prefix="neardup-")  # noqa: SIM115 (see close)
            offset = self.file.seek(0, os.SEEK_END)
            self.file.write(np.ascontiguousarray(rows.T).data)
        self.blocks.append((offset, len(rows)))
        del rows
        self.buffer = bytearray()

    def column(self, index: int) -> npt.NDArray[Any]:
        """Column ``index`` of every row, in the order added."""
        values = np.empty(len(self), dtype=self.dtype)
        at = 0
        if self.file is not None:
            with _temporary_file_trouble():
                self.file.flush()
                for offset, rows in self.blocks:
                    self.file.seek(offset + index * rows * self.dtype.itemsize)
                    view = values[at : at + rows].data.cast("B")
                    if self.file.readinto(view) != len(view):
                        raise OSError("it ended early")
                    at += rows
        tail = np.frombuffer(self.buffer, dtype=self.dtype).reshape(-1, self.width)
        values[at:] = tail[:, index]
        return values

    def array(self, rank: npt.NDArray[np.int64] | None = None) -> npt.NDArray[Any]:
        """The rows, row ``i`` at ``rank[i]`` if given (a copy, then), else in order.

        Unless rows went to the file, the rows without a rank are a view of the buffer.
        """
        if self.file is not None:
            rows = np.stack([self.column(index) for index in range(self.width)], axis=1)
        else:
            rows = np.frombuffer(self.buffer, dtype=self.dtype).reshape(-1, self.width)
        if rank is None:
            return rows
        ranked = np.empty_like(rows)
        ranked[rank] = rows
        return ranked

    def close(self) -> None:
        """Let the rows go, and the file (which the system deletes as it closes)."""
        self.buffer = bytearray()
        if self.file is not None:
            self.file.close()
            self.file = None


@contextlib.contextmanager
def _temporary_file_trouble() -> Iterator[None]:
    """Raise :class:`NeardupError` for an :class:`OSError` met on a temporary file."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        raise NeardupError(
            f"cannot use a temporary file in {tempfile.gettempdir()} for the LSH band keys "
            f"({reason[:1].lower() + reason[1:]}); set TMPDIR to a folder with room"
        ) from error


class _BandKeys:
    """A scan's LSH band keys, handed to LSH a band at a time, in article order.

    Args:
        keys: One row of band keys an article: an array, in article order, or as
            gathered (possibly in a temporary file).
        rank: Where each gathered row goes in article order, if not in it already.
    """

    def __init__(
        self, keys: _Rows | npt.NDArray[np.uint64], rank: npt.NDArray[np.int64] | None = None
    ) -> None:
        self.keys = keys
        self.rank = rank

    def array(self) -> npt.NDArray[np.uint64]:
        """The keys as one array, in article order."""
        if isinstance(self.keys, _Rows):
            return self.keys.array(self.rank)
        return self.keys

    def columns(self, among: npt.NDArray[np.int64] | None) -> Iterator[npt.NDArray[np.uint64]]:
        """Each band's keys in turn, of the articles ``among`` if given, else of all."""
        keys = self.keys
        if isinstance(keys, np.ndarray):
            for band in range(keys.shape[1]):
                yield keys[:, band] if among is None else keys[among, band]
            return
        for band in range(keys.width):
            values = keys.column(band)
            if self.rank is not None:
                ranked = np.empty_like(values)
                ranked[self.rank] = values
                values = ranked
            yield values if among is None else values[among]

    def close(self) -> None:
        """Let the keys go (and any temporary file they are in)."""
        if isinstance(self.keys, _Rows):
            self.keys.close()


@dataclass(frozen=True)
class _Sketched:
    """What :func:`_sketch` makes: :class:`Sketches`, with the band keys as gathered."""

    articles: list[Article]
    sources: npt.NDArray[np.int64]
    shingle_counts: npt.NDArray[np.int64]
    band_keys: _BandKeys
    signatures: npt.NDArray[np.uint32] | None = None

    @classmethod
    def of(cls, sketches: Sketches) -> _Sketched:
        """The sketched form of :class:`Sketches`."""
        return cls(
            sketches.articles,
            sketches.sources,
            sketches.shingle_counts,
            _BandKeys(sketches.band_keys),
            sketches.signatures,
        )

    def sketches(self) -> Sketches:
        """As :class:`Sketches` (the band keys in memory, in one array)."""
        keys = self.band_keys.array()
        self.band_keys.close()
        return Sketches(self.articles, self.sources, self.shingle_counts, keys, self.signatures)


def _shingle_sets(
    texts: Sequence[str], config: Config
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """The shingle sets of some texts, end to end, and where each begins (and the end)."""
    hashes = shingle_hashes_batch(texts, config.shingle_size, config.seed)
    counts = np.fromiter((len(row) for row in hashes), dtype=np.int64, count=len(hashes))
    return _unique_rows(hashes, counts)


# An article as handed to a worker to be shingled again: its document (or, where the
# workers inherited the documents, its document's index) and its pieces of that
# document (a streamed document travels without its text: the worker reads the file),
# or its text.
_ArticleItem = str | tuple[int | Document, tuple[tuple[int, int, int], ...]]


def _verify_chunk(
    items: Sequence[_ArticleItem], pairs: npt.NDArray[np.int64], config: Config
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """:func:`~neardup.verify.overlaps` and aligned shares of pairs of some articles.

    Pairs are indexed into ``items``. The articles are shingled again here (the work
    run in workers).
    """
    texts = [
        item if isinstance(item, str) else CleanText(_document_of(item[0]).text, item[1], ()).text
        for item in items
    ]
    values, bounds = _shingle_sets(texts, config)
    sets = [values[start:end] for start, end in itertools.pairwise(bounds.tolist())]
    counts = overlaps(sets, pairs)
    return counts, alignments(texts, pairs, counts, config)


def _item_of(
    articles: Sequence[Article], sources: npt.NDArray[np.int64] | None, index: int
) -> _ArticleItem:
    """An article as handed to a worker to shingle it again (see :data:`_ArticleItem`).

    An article of a scan is handed over as its document (by its index in ``sources``,
    where the workers inherited the documents and it holds its text) and its pieces, so
    that the text is cleaned where it is shingled; any other as its text.
    """
    clean = articles[index].clean
    if not isinstance(clean, _CompactCleanText):
        return clean.text
    if sources is not None and not isinstance(clean._document, FileDocument):
        return (int(sources[index]), clean.pieces)
    return (clean._document, clean.pieces)


def _document_of(source: int | Document) -> Document:
    """The document an :data:`_ArticleItem` names: inherited by its index, or itself."""
    return _INHERITED[source] if isinstance(source, int) else source


def _components(
    pairs: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The connected components of the graph the pairs make.

    Returns each pair's component, by label, and the number of articles in each label's
    component (0 for a number that is no label).
    """
    _, local = np.unique(pairs, return_inverse=True)
    local = local.reshape(pairs.shape)
    first, second = local[:, 0], local[:, 1]
    # Each article points at its tree's root, the lowest article of the tree so far.
    labels = np.arange(local.max() + 1 if len(local) else 0)
    while True:
        # Hook each pair's two roots to the lower of them, then point every article
        # straight at its new root; at the end each pair's two roots are one.
        roots_a, roots_b = labels[first], labels[second]
        low = np.minimum(roots_a, roots_b)
        hooked = labels.copy()
        np.minimum.at(hooked, roots_a, low)
        np.minimum.at(hooked, roots_b, low)
        while not np.array_equal(jumped := hooked[hooked], hooked):
            hooked = jumped
        if np.array_equal(hooked, labels):
            return labels[first], np.bincount(labels, minlength=len(labels))
        labels = hooked


def _pair_groups(
    pairs: npt.NDArray[np.int64], size: int, largest: int = _LARGEST_GROUP
) -> list[npt.NDArray[np.int64]]:
    """Row indices of ``pairs``, in groups of about ``size`` articles, for workers to verify.

    Pairs of one connected component go together, so each article is shingled once:
    whole components are gathered until a group touches ``size`` articles. A larger
    component is a group of its own, unless it has ``largest`` articles or more: then it
    is cut into groups of ``largest // 2`` pairs, which touch at most ``largest`` articles
    each (its articles may be shingled more than once), so that no group's shingle sets
    outgrow a worker's memory, however large the component. The groups with the most
    articles come first, so that a large one does not start last.
    """
    components, sizes = _components(pairs)
    order = np.argsort(components, kind="stable")
    starts = np.flatnonzero(np.diff(components[order], prepend=-1))
    counts = sizes[components[order[starts]]].tolist()
    groups: list[tuple[int, npt.NDArray[np.int64]]] = []
    gathered: list[npt.NDArray[np.int64]] = []
    touched = 0
    bounds = [*starts.tolist(), len(order)]
    for (start, stop), articles in zip(itertools.pairwise(bounds), counts, strict=True):
        rows = order[start:stop]
        if articles >= largest:
            step = max(1, largest // 2)
            for first in range(0, len(rows), step):
                part = rows[first : first + step]
                groups.append((len(np.unique(pairs[part])), part))
            continue
        if articles >= size:
            groups.append((articles, rows))
            continue
        gathered.append(rows)
        touched += articles
        if touched >= size:
            groups.append((touched, np.concatenate(gathered)))
            gathered, touched = [], 0
    if gathered:
        groups.append((touched, np.concatenate(gathered)))
    groups.sort(key=lambda group: -group[0])
    return [rows for _, rows in groups]


def _matches(
    articles: Sequence[Article],
    pairs: npt.NDArray[np.int64],
    config: Config,
    workers: _Workers | None,
    progress: Progress | None = None,
    sources: npt.NDArray[np.int64] | None = None,
) -> list[Edge]:
    """The candidate pairs of articles that match, verified in ``workers`` if given.

    Only the candidates are shingled (again: sketching keeps no shingle sets), a group
    of pairs at a time, so only the sets of one group (one connected component, or
    several small ones) are held at once in a process. ``sources`` are the articles'
    documents' indices, for workers that inherited the documents. A large scan has many
    more candidates than copies (380,335 for 233,341 at a million short articles): their
    edges are made a block at a time, and only the matches kept.
    """
    counts, aligned = _scores(articles, pairs, config, workers, progress, sources)
    matches: list[Edge] = []
    for start in range(0, len(pairs), _EDGES_AT_ONCE):
        block = slice(start, start + _EDGES_AT_ONCE)
        edges = edges_of(pairs[block], counts[block], aligned[block])
        matches += [edge for edge in edges if edge.is_match(config)]
    return matches


def _scores(
    articles: Sequence[Article],
    pairs: npt.NDArray[np.int64],
    config: Config,
    workers: _Workers | None,
    progress: Progress | None,
    sources: npt.NDArray[np.int64] | None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Each pair's :func:`~neardup.verify.overlaps` counts and aligned share (NaN: none)."""
    inherited = sources if workers is not None and workers.inherit else None
    groups = _pair_groups(pairs, _VERIFY_GROUP, _LARGEST_GROUP) if len(pairs) else []
    members = [np.unique(pairs[rows]) for rows in groups]
    chunks: Iterable[list[_ArticleItem]] = (
        [_item_of(articles, inherited, i) for i in indices.tolist()] for indices in members
    )
    local = (
        np.searchsorted(indices, pairs[rows]) for indices, rows in zip(members, groups, strict=True)
    )
    # In one process the groups are made and verified one at a time.
    # Each group's counts go to its own rows, whichever group finishes first (the
    # largest comes first, and must not hold the others up).
    results = (
        enumerate(map(_verify_chunk, chunks, local, repeat(config)))
        if workers is None
        else workers.map_unordered(_verify_chunk, chunks, local, repeat(config))
    )
    counts = np.zeros((len(pairs), 3), dtype=np.int64)
    aligned = np.full(len(pairs), np.nan)
    verified = 0
    if progress and not len(pairs):
        progress("verifying", 0, 0)
    for index, (result, shares) in results:
        counts[groups[index]] = result
        aligned[groups[index]] = shares
        verified += len(groups[index])
        if progress:
            progress("verifying", verified, len(pairs))
    return counts, aligned


def _check_unique_ids(articles: Sequence[Article]) -> None:
    """Raise if two articles (sorted by id) share an id.

    A page split into articles names them ``<id>#<k>``, which a file or record can be
    named too; two articles with one id could be taken for each other.

    Raises:
        InputError: Naming both articles' files.
    """
    for first, second in itertools.pairwise(articles):
        if first.id == second.id:
            raise InputError(
                second.path,
                f"its id {second.id!r} is also the id of an article of {first.path}; "
                "rename the file (or record), or scan with --no-split",
            )


def find_duplicates(
    documents: Iterable[Document],
    config: Config | None = None,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
) -> DedupResult:
    """Find near-duplicate articles among documents.

    Each document is cleaned and (unless ``config.split`` is off) split into articles;
    articles are shingled and MinHashed, LSH proposes candidate pairs, every candidate is
    verified exactly, and matches are clustered so that every member matches its
    cluster's keep article. Python's cyclic garbage collector is paused while it runs
    (``progress`` is called during the pause), and is as it was afterwards.

    Args:
        documents: The documents, e.g. ``read_documents([...]).documents``.
        config: Settings; defaults to ``Config()``.
        jobs: Processes to clean and sketch in; the result is the same for any number.
        progress: Called as ``progress(stage, done, total)`` while working.

    Returns:
        The clusters, counts and skipped articles.

    Example:
        >>> from neardup import Document, find_duplicates
        >>> story = " ".join(f"word{i}" for i in range(60))
        >>> result = find_duplicates([Document("a", story, "a"), Document("b", story, "b")])
        >>> [member.article.id for member in result.clusters[0].members]
        ['a', 'b']
    """
    config = config or Config()
    documents = list(documents)
    if jobs < 1:
        raise ConfigError(f"'jobs' must be at least 1 (got {jobs!r})")
    with _collector_paused() as collect, contextlib.ExitStack() as stack:
        workers = None
        if jobs > 1 and len(documents) > _CHUNK:
            workers = _Workers(documents, jobs, collect)
            stack.callback(workers.executor.shutdown)
        # The sketches go to the clustering alone, which lets their band keys go after LSH.
        return _clustered(
            _sketch(documents, config, LSHIndex.from_config(config), workers, progress, spill=True),
            documents,
            config,
            workers,
            progress,
        )


def duplicates_of_sketches(
    sketches: Sketches,
    documents: Sequence[Document],
    config: Config,
    *,
    progress: Progress | None = None,
) -> DedupResult:
    """What :func:`find_duplicates` finds, from the documents' sketches made already.

    Args:
        sketches: The documents' articles and sketches, as :func:`sketch_documents`
            makes them (or a store of them gives back).
        documents: The documents; ``sketches.sources`` index into them.
        config: The settings the sketches were made with.
        progress: Called as ``progress(stage, done, total)`` while working.
    """
    with _collector_paused():
        return _clustered(_Sketched.of(sketches), list(documents), config, None, progress)


def _clustered(
    sketches: _Sketched,
    documents: list[Document],
    config: Config,
    workers: _Workers | None,
    progress: Progress | None,
) -> DedupResult:
    """LSH, verification and clustering of sketched articles (in ``workers`` if given).

    The band keys (in a temporary file, for a large scan) are let go once LSH has read
    them, where the caller holds no other reference to ``sketches``.
    """
    articles = sketches.articles
    shingle_counts = sketches.shingle_counts
    sources = sketches.sources
    band_keys = sketches.band_keys
    del sketches
    _check_unique_ids(articles)
    # Arrays, not lists of Python numbers (40 bytes an article, at the scan's peak).
    compared = shingle_counts >= config.min_shingles
    eligible = int(np.count_nonzero(compared))
    skipped: list[Skipped] = []
    for index in np.flatnonzero(~compared).tolist():
        article, count = articles[index], int(shingle_counts[index])
        # Cleaning keeps only lines with text: no kept line, no text.
        reason = "empty" if not len(article.clean) else "too short"
        skipped.append(Skipped(article.id, reason, count))
    lsh = LSHIndex.from_config(config)
    _log.info(
        "%d documents, %d articles (%d compared); LSH %d bands x %d rows",
        len(documents), len(articles), eligible, lsh.bands, lsh.rows,
    )  # fmt: skip
    # With every article eligible, the index reads the keys without a copy.
    among = None if eligible == len(articles) else np.flatnonzero(compared).astype(np.int64)
    del compared
    if progress:
        progress("finding candidates", 0, eligible)
    try:
        candidates = lsh.candidates_of_columns(band_keys.columns(among), among)
    finally:
        band_keys.close()
    del band_keys, among
    _give_back_freed_memory()
    if progress:
        progress("finding candidates", eligible, eligible)
    matches = _matches(articles, candidates.pairs, config, workers, progress, sources)
    candidate_pairs = len(candidates.pairs)
    _give_back_freed_memory()
    clusters = build_clusters(articles, matches, config.keep, config.contained_threshold)
    # Copies a cluster left out, verified against its keep; then clustered again.
    regrouping = _regrouping_pairs(articles, matches, clusters, candidates.pairs)
    if len(regrouping):
        added = _matches(articles, regrouping, config, workers, None, sources)
        candidate_pairs += len(regrouping)
        if added:
            matches += added
            del clusters  # (not held while they are made again)
            clusters = build_clusters(articles, matches, config.keep, config.contained_threshold)
    _log.info(
        "%d candidate pairs, %d verified as copies, %d clusters",
        candidate_pairs, len(matches), len(clusters),
    )  # fmt: skip
    stats = Stats(
        documents=len(documents),
        articles=len(articles),
        empty=sum(item.reason == "empty" for item in skipped),
        too_short=sum(item.reason == "too short" for item in skipped),
        candidate_pairs=candidate_pairs,
        verified_pairs=len(matches),
        clusters=len(clusters),
        capped_buckets=candidates.capped_buckets,
    )
    return DedupResult(config, clusters, stats, skipped, articles, documents, matches)


def _give_back_freed_memory() -> None:
    """Hand the C library's freed memory back to the system, where it is glibc.

    The arrays of LSH (a band's keys, megabytes each) and of verification are freed into
    glibc's heap, which keeps them for later arrays: Python's objects, made afterwards in
    memory of their own, never use them, so they would count in the scan's peak (a tenth
    of it for a large scan of short articles). ``malloc_trim`` returns such free pages.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def _regrouping_pairs(
    articles: Sequence[Article],
    matches: Sequence[Edge],
    clusters: Sequence[Cluster],
    candidates: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """Pairs of an article and the keep of a match's cluster it is not in, not yet verified.

    Clustering takes an article into the first keep that matches it; a copy that LSH
    did not pair with that keep, though it matches the article taken, is left out of the
    cluster (alone, or in a cluster of its own). Each such article is verified against
    the keep of each of its matches' clusters, once (``a < b``, sorted; no candidate
    again).
    """

    def index(article: Article) -> int:  # articles are sorted by id
        return bisect.bisect_left(articles, article.id, key=lambda each: each.id)

    # Each article's cluster's keep, -1 for none: an array, where a dict of Python
    # numbers took 100 bytes a member.
    keep_of = np.full(len(articles), -1, dtype=np.int64)
    for cluster in clusters:
        keep = index(cluster.keep)
        for member in cluster.members:
            keep_of[index(member.article)] = keep
    ends = np.asarray([(edge.a, edge.b) for edge in matches], dtype=np.int64).reshape(-1, 2)
    # Each end of a match, and the keep of the other end's cluster, if any but its own.
    article, theirs = ends.ravel(), keep_of[ends[:, ::-1]].ravel()
    left_out = (theirs >= 0) & (keep_of[article] != theirs)
    found = np.sort(np.stack([article, theirs], axis=1)[left_out], axis=1)
    pairs = np.unique(found, axis=0).reshape(-1, 2)
    if not len(pairs) or not len(candidates):
        return pairs
    count = len(articles)
    verified = np.isin(
        pairs[:, 0] * count + pairs[:, 1], candidates[:, 0] * count + candidates[:, 1]
    )
    return pairs[~verified]
