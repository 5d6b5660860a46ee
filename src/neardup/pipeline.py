"""The local pipeline: clean, split, sketch, index, verify, cluster."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import numpy.typing as npt

from neardup.boilerplate import Dropped, RepeatedLines
from neardup.cluster import Cluster, build_clusters
from neardup.config import Config
from neardup.documents import Document
from neardup.errors import ConfigError
from neardup.lsh import LSHIndex
from neardup.minhash import MinHasher
from neardup.segment import Article, split_articles
from neardup.shingles import shingle_hashes_batch
from neardup.verify import verify_pairs

_log = logging.getLogger("neardup")

#: ``progress(stage, done, total)``: a stage's progress, for a progress display.
Progress = Callable[[str, int, int], None]
# Documents per unit of work handed to a worker process.
_CHUNK = 64


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
    """The sketched form of articles: shingle hashes and MinHash signatures, row by row.

    ``shingle_hashes`` hold each article's shingle hashes in text order, repeats kept;
    verification takes their sets when it needs them.
    """

    articles: list[Article]
    shingle_hashes: list[npt.NDArray[np.uint64]]
    signatures: npt.NDArray[np.uint32]


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
    """

    config: Config
    clusters: list[Cluster]
    stats: Stats
    skipped: list[Skipped] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


def learn_repeated_lines(documents: Sequence[Document], config: Config) -> RepeatedLines | None:
    """The corpus's repeated boilerplate lines, or ``None`` when that learning is off."""
    if config.min_repeats == 0:
        return None
    return RepeatedLines((document.text for document in documents), config.min_repeats)


def articles_of(documents: Sequence[Document], config: Config) -> list[Article]:
    """Clean and split documents into articles, sorted by id."""
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
    repeated = learn_repeated_lines(documents, config)
    stripped = []
    for document in documents:
        articles = split_articles(document, split=config.split, repeated=repeated)
        text = "\n\n".join(article.text for article in articles if article.text)
        dropped = sorted(
            {item for article in articles for item in article.clean.dropped},
            key=lambda item: item.span,
        )
        stripped.append((document, text, dropped))
    return stripped


def _prepare(
    documents: Sequence[Document], config: Config, repeated: RepeatedLines | None
) -> list[tuple[Article, npt.NDArray[np.uint64]]]:
    """Clean, split and shingle documents (the per-document work, run in workers)."""
    articles = [
        article
        for document in documents
        for article in split_articles(document, split=config.split, repeated=repeated)
    ]
    texts = [article.text for article in articles]
    hashes = shingle_hashes_batch(texts, config.shingle_size, config.seed)
    return list(zip(articles, hashes, strict=True))


def _prepared_articles(
    documents: Sequence[Document], config: Config, jobs: int, progress: Progress | None
) -> list[tuple[Article, npt.NDArray[np.uint64]]]:
    """Articles with their shingle sets, sorted by id; in ``jobs`` processes if asked."""
    repeated = learn_repeated_lines(documents, config)
    chunks = [documents[i : i + _CHUNK] for i in range(0, len(documents), _CHUNK)]
    prepared: list[tuple[Article, npt.NDArray[np.uint64]]] = []
    done = 0
    if jobs > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            batches = pool.map(_prepare, chunks, repeat(config), repeat(repeated))
            for chunk, batch in zip(chunks, batches, strict=True):
                prepared.extend(batch)
                done += len(chunk)
                if progress:
                    progress("sketched", done, len(documents))
    else:
        for chunk in chunks:
            prepared.extend(_prepare(chunk, config, repeated))
            done += len(chunk)
            if progress:
                progress("sketched", done, len(documents))
    prepared.sort(key=lambda item: item[0].id)
    return prepared


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
    cluster's keep article.

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
    prepared = _prepared_articles(documents, config, jobs, progress)
    articles = [article for article, _ in prepared]
    shingle_hashes = [hashes for _, hashes in prepared]
    signatures = MinHasher(config.num_perm, config.seed).signatures(shingle_hashes)
    sketches = Sketches(articles, shingle_hashes, signatures)
    eligible: list[int] = []
    skipped: list[Skipped] = []
    for index, (article, shingles) in enumerate(
        zip(articles, sketches.shingle_hashes, strict=True)
    ):
        if len(shingles) >= config.min_shingles:
            eligible.append(index)
        else:
            reason = "empty" if not article.text.strip() else "too short"
            skipped.append(Skipped(article.id, reason, len(shingles)))
    lsh = LSHIndex.from_config(config)
    _log.info(
        "%d documents, %d articles (%d compared); LSH %d bands x %d rows",
        len(documents), len(articles), len(eligible), lsh.bands, lsh.rows,
    )  # fmt: skip
    candidates = lsh.candidates(sketches.signatures, np.asarray(eligible, dtype=np.int64))
    pairs = candidates.pairs
    edges = verify_pairs(sketches.shingle_hashes, pairs)
    if progress:
        progress("verified", len(edges), len(edges))
    matches = [edge for edge in edges if edge.is_match(config)]
    clusters = build_clusters(articles, matches, config.keep)
    _log.info(
        "%d candidate pairs, %d verified as copies, %d clusters",
        len(edges), len(matches), len(clusters),
    )  # fmt: skip
    stats = Stats(
        documents=len(documents),
        articles=len(articles),
        empty=sum(item.reason == "empty" for item in skipped),
        too_short=sum(item.reason == "too short" for item in skipped),
        candidate_pairs=len(edges),
        verified_pairs=len(matches),
        clusters=len(clusters),
        capped_buckets=candidates.capped_buckets,
    )
    return DedupResult(config, clusters, stats, skipped, articles, documents)
