"""The Spark engine: the local pipeline's stages run on a Spark DataFrame.

:func:`dedup` finds what :func:`~neardup.pipeline.find_duplicates` finds, on a corpus that
lives in a Spark DataFrame, with Spark's DataFrame API only (so it runs on Spark Connect
and managed services too). Every stage calls the same functions as the local path:

1. Repeated lines: each document's :class:`~neardup.boilerplate.LineTally`, in
   ``mapInArrow``, summed by a ``groupBy`` on the line; the learnt lines (a few thousand
   short lines) come to the driver and travel to the executors with the next stage.
2. Sketching: cleaning, splitting, shingling and MinHash in ``mapInArrow``
   (:func:`~neardup.pipeline._sketch_chunk`), with each article's LSH band keys
   (:meth:`~neardup.lsh.LSHIndex.band_keys`).
3. Candidates: a window over each ``(band, key)`` bucket ranks its articles by id; the
   same oversized-bucket rule as :meth:`~neardup.lsh.LSHIndex.candidates` (all pairs
   among the first ``max_bucket`` members, the rest paired with the first) makes pairs.
4. Verification: each candidate pair joined with both articles' texts, scored in
   ``mapInArrow`` by :func:`~neardup.verify.overlaps` (and, with ``alignment`` set,
   :func:`~neardup.verify.alignments`, from the same cleaned texts as locally).
5. Connected components of the matches, by the large-star/small-star iteration
   (Kiveris et al., 2014), persisted every round and checkpointed every few.
6. Clusters: each component's matches in one group (``applyInArrow``), clustered by
   :func:`~neardup.cluster.build_clusters`, as locally; clustering is per component, so
   the clusters equal the local ones.

Ids come from the id column. pyspark is imported only here (the ``spark`` extra).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F  # noqa: N812 (Spark's own convention)

from neardup.boilerplate import CleanText, Dropped, LineTally, RepeatedLines
from neardup.cluster import Cluster, Member, build_clusters
from neardup.config import Config
from neardup.documents import Document
from neardup.errors import ConfigError
from neardup.lsh import LSHIndex
from neardup.pipeline import (
    DedupResult,
    Skipped,
    Stats,
    _shingle_sets,
    _sketch_chunk,
    rebuilt_article,
)
from neardup.segment import Article
from neardup.verify import Edge, alignments, edges_of, overlaps

__all__ = ["SparkResult", "dedup", "find_duplicates_on_spark"]

# Rounds of large-star/small-star between checkpoints, which cut the plan: each round
# reads the edges five times, so an uncut plan grows fivefold a round.
CHECKPOINT_EVERY = 2

_DOCUMENTS = "id string, text string, mtime double"
_TALLY = "line string, context long"
_ARTICLES = (
    "article string, document string, segment int, text string, length long, "
    "shingles long, mtime double, keys array<long>, pieces array<long>, "
    "dropped array<struct<start: long, end: long, reason: string>>"
)
_SCORED = (
    "a string, b string, jaccard double, contain_a_in_b double, contain_b_in_a double, "
    "aligned double, match boolean"
)
_CLUSTERS = (
    "cluster string, article string, document string, keep boolean, "
    "jaccard double, containment double, aligned double"
)


@dataclass(frozen=True)
class SparkResult:
    """What :func:`dedup` found, as DataFrames.

    Attributes:
        clusters: One row per cluster member: ``cluster`` (the keep article's id, which
            names the cluster), ``article``, ``document``, ``keep`` (true for the kept
            article), and ``jaccard``, ``containment`` and ``aligned``, the member's
            scores against the keep article (1.0 for the keep itself; ``aligned`` null
            where it was not computed), as in the JSON report.
        pairs: Every verified pair of copies: ``a`` and ``b`` (article ids, ``a < b``),
            ``jaccard``, ``contain_a_in_b``, ``contain_b_in_a`` and ``aligned`` (see
            :attr:`~neardup.verify.Edge.aligned`; null where it was not computed).
        articles: One row per article: ``article``, ``document``, ``segment`` (its place
            in a split page, else null), ``shingles``, ``skipped`` (``"empty"``, ``"too
            short"``, or null for an article compared), ``length`` (of its cleaned text),
            ``pieces`` (``CleanText.pieces``, flattened) and ``dropped`` (the lines
            cleaning dropped: ``start``, ``end``, ``reason``).
        candidates: Every candidate pair LSH proposed, and every pair clustering asked
            to verify (a copy left out of the cluster of one of its matches, with that
            cluster's keep), with its exact scores (the columns of ``pairs``) and
            ``match``, whether they count as copies.
        capped_buckets: One row per ``(band, key)`` bucket larger than ``max_bucket``.
    """

    clusters: DataFrame
    pairs: DataFrame
    articles: DataFrame
    candidates: DataFrame
    capped_buckets: DataFrame


def dedup(
    df: DataFrame,
    text_col: str = "text",
    id_col: str = "id",
    config: Config | None = None,
    *,
    mtime_col: str | None = None,
    checkpoint_every: int = CHECKPOINT_EVERY,
) -> SparkResult:
    """Find near-duplicate articles among a DataFrame's documents, on Spark.

    The result equals :func:`~neardup.pipeline.find_duplicates`'s on the same documents
    and settings: the same clusters, keep articles and scores. Learning repeated lines
    and the connected-components rounds run Spark jobs now (only the learnt lines and
    counts reach the driver); the DataFrames returned are lazy past those.

    Args:
        df: The documents, one row each.
        text_col: The column of their text.
        id_col: The column of their unique ids (articles of a split document are named
            ``<id>#<k>``).
        config: Settings; defaults to ``Config()``.
        mtime_col: A column of modification times (seconds), for the ``oldest`` and
            ``newest`` keep policies.
        checkpoint_every: Rounds of the connected-components iteration between
            checkpoints (reliable ones where the SparkSession sets ``spark.checkpoint.dir``,
            else local ones).

    Returns:
        The clusters, verified pairs, articles and candidate pairs.

    Raises:
        ConfigError: For a ``checkpoint_every`` under 1.
    """
    config = config or Config()
    if checkpoint_every < 1:
        raise ConfigError(f"'checkpoint_every' must be at least 1 (got {checkpoint_every!r})")
    mtime = F.col(mtime_col).cast("double") if mtime_col else F.lit(None).cast("double")
    documents = df.select(
        F.col(id_col).cast("string").alias("id"),
        F.col(text_col).cast("string").alias("text"),
        mtime.alias("mtime"),
    )
    repeated = _learnt_lines(documents, config)
    articles = documents.mapInArrow(
        functools.partial(_sketch_batches, config=config, repeated=repeated), _ARTICLES
    ).persist()
    candidates, capped = _candidates(articles, config)
    scored = _scored(candidates, articles, config)
    matches = scored.filter("match").drop("match")
    pairs = _checkpointed(matches)
    components = _components(pairs.select("a", "b"), checkpoint_every)
    clusters = _clusters(pairs, components, articles, config)
    # As locally: copies a cluster left out, verified against its keep, then clustered
    # again (each such pair lies in one component already).
    rescored = _scored(_regrouping(pairs, clusters, candidates), articles, config)
    pairs = _checkpointed(pairs.unionByName(rescored.filter("match").drop("match")))
    clusters = _clusters(pairs, components, articles, config)
    scored = scored.unionByName(rescored)
    skipped = (
        F.when(F.col("shingles") >= config.min_shingles, F.lit(None))
        .when(F.col("length") == 0, F.lit("empty"))
        .otherwise(F.lit("too short"))
    )
    listed = articles.select(
        "article", "document", "segment", "shingles", skipped.alias("skipped"), "length",
        "pieces", "dropped",
    )  # fmt: skip
    return SparkResult(clusters, pairs, listed, scored, capped)


def _learnt_lines(documents: DataFrame, config: Config) -> RepeatedLines | None:
    """The corpus's repeated lines, tallied by a Spark aggregation (see :class:`LineTally`)."""
    if config.min_repeats == 0:
        return None
    tallied = (
        documents.select("text")
        .mapInArrow(_tally_batches, _TALLY)
        .groupBy("line")
        .agg(
            F.count("*").alias("documents"),
            # A context's halves are the text before and after (see RepeatedLines).
            F.greatest(
                F.countDistinct(F.shiftrightunsigned("context", 32)),
                F.countDistinct(F.col("context").bitwiseAND(0xFFFFFFFF)),
            ).alias("contexts"),
        )
        .filter(
            (F.col("documents") >= config.min_repeats) & (F.col("contexts") >= config.min_repeats)
        )
    )
    tally = LineTally()
    for row in tallied.collect():
        tally.documents[row["line"]] = row["documents"]
        # As many digests, each with a different text after it.
        tally.contexts[row["line"]] = set(range(row["contexts"]))
    return RepeatedLines((), config.min_repeats, tally=tally)


def _tally_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Each document's short lines with the digest of their surroundings, once each."""
    for batch in batches:
        lines: list[str] = []
        contexts: list[int] = []
        for text in batch.column("text").to_pylist():
            tally = LineTally()
            tally.add(text or "")
            for line, digests in tally.contexts.items():
                (digest,) = digests  # a document's first occurrence speaks for it
                lines.append(line)
                contexts.append(digest - (1 << 64) if digest >= 1 << 63 else digest)
        yield pa.RecordBatch.from_pydict(
            {"line": pa.array(lines, pa.string()), "context": pa.array(contexts, pa.int64())}
        )


def _sketch_batches(
    batches: Iterator[pa.RecordBatch], config: Config, repeated: RepeatedLines | None
) -> Iterator[pa.RecordBatch]:
    """Clean, split and sketch documents (the local path's chunk work) with band keys."""
    lsh = LSHIndex.from_config(config)
    for batch in batches:
        ids = batch.column("id").to_pylist()
        texts = batch.column("text").to_pylist()
        mtimes = batch.column("mtime").to_pylist()
        documents = [
            Document(str(id_), text or "", str(id_), mtime)
            for id_, text, mtime in zip(ids, texts, mtimes, strict=True)
        ]
        sketched = _sketch_chunk(documents, config, repeated, lsh)
        articles = [
            rebuilt_article(documents[position], segment, pieces, dropped)
            for position, segment, pieces, dropped in sketched.articles
        ]
        keys = sketched.band_keys.view(np.int64)
        yield pa.RecordBatch.from_pydict(
            {
                "article": pa.array([article.id for article in articles], pa.string()),
                "document": pa.array([article.document for article in articles], pa.string()),
                "segment": pa.array([article.segment for article in articles], pa.int32()),
                "text": pa.array([article.text for article in articles], pa.string()),
                "length": pa.array([len(article.clean) for article in articles], pa.int64()),
                "shingles": pa.array(sketched.shingle_counts, pa.int64()),
                "mtime": pa.array([article.mtime for article in articles], pa.float64()),
                "keys": pa.FixedSizeListArray.from_arrays(
                    pa.array(keys.ravel(), pa.int64()), lsh.bands
                ).cast(pa.list_(pa.int64())),
                "pieces": pa.array(
                    [
                        [n for piece in pieces for n in piece]
                        for _, _, pieces, _ in sketched.articles
                    ],
                    pa.list_(pa.int64()),
                ),
                "dropped": pa.array(
                    [
                        [
                            {"start": d.span[0], "end": d.span[1], "reason": d.reason}
                            for d in dropped
                        ]
                        for _, _, _, dropped in sketched.articles
                    ],
                    pa.list_(
                        pa.struct(
                            [("start", pa.int64()), ("end", pa.int64()), ("reason", pa.string())]
                        )
                    ),
                ),
            }
        )


def _candidates(articles: DataFrame, config: Config) -> tuple[DataFrame, DataFrame]:
    """Candidate pairs ``(a, b)``, ``a < b``, and the capped buckets.

    The rule of :meth:`LSHIndex.candidates`: a bucket's members ranked by id; all pairs
    among the first ``max_bucket``, and the first paired with each of the rest.
    """
    cap = config.max_bucket
    bucket = Window.partitionBy("band", "key")
    members = (
        articles.filter(F.col("shingles") >= config.min_shingles)
        .select("article", F.posexplode("keys").alias("band", "key"))
        .withColumn("size", F.count("*").over(bucket))
        .filter(F.col("size") > 1)
        .withColumn("rank", F.row_number().over(bucket.orderBy("article")))
    )
    first = members.select(
        "band", "key", F.col("article").alias("a"), F.col("rank").alias("rank_a")
    )
    second = members.select(
        "band", "key", F.col("article").alias("b"), F.col("rank").alias("rank_b")
    )
    within = (
        first.filter(F.col("rank_a") <= cap)
        .join(second.filter(F.col("rank_b") <= cap), ["band", "key"])
        .filter(F.col("rank_a") < F.col("rank_b"))
    )
    beyond = first.filter(F.col("rank_a") == 1).join(
        second.filter(F.col("rank_b") > cap), ["band", "key"]
    )
    pairs = within.select("a", "b").unionByName(beyond.select("a", "b")).distinct()
    capped = members.filter((F.col("rank") == 1) & (F.col("size") > cap)).select(
        "band", "key", "size"
    )
    return pairs, capped


def _regrouping(pairs: DataFrame, clusters: DataFrame, candidates: DataFrame) -> DataFrame:
    """Pairs of an article and the keep of a match's cluster it is not in, not yet verified.

    The pairs of :func:`neardup.pipeline._regrouping_pairs`, ``(a, b)`` with ``a < b``.
    """
    keep_of = clusters.select("article", F.col("cluster").alias("keep"))
    ends = pairs.select(F.col("a").alias("article"), F.col("b").alias("other")).unionByName(
        pairs.select(F.col("b").alias("article"), F.col("a").alias("other"))
    )
    left_out = (
        ends.join(keep_of.withColumnRenamed("article", "other"), "other")
        .join(keep_of.withColumnRenamed("keep", "own"), "article", "left")
        .filter(F.col("own").isNull() | (F.col("own") != F.col("keep")))
    )
    found = left_out.select(
        F.least("article", "keep").alias("a"), F.greatest("article", "keep").alias("b")
    ).distinct()
    return found.join(candidates, ["a", "b"], "left_anti")


def _scored(candidates: DataFrame, articles: DataFrame, config: Config) -> DataFrame:
    """The candidates with their exact scores, made next to both articles' texts."""
    texts = articles.select("article", "text")
    joined = candidates.join(
        texts.select(F.col("article").alias("a"), F.col("text").alias("text_a")), "a"
    ).join(texts.select(F.col("article").alias("b"), F.col("text").alias("text_b")), "b")
    return joined.select("a", "b", "text_a", "text_b").mapInArrow(
        functools.partial(_score_batches, config=config), _SCORED
    )


def _score_batches(batches: Iterator[pa.RecordBatch], config: Config) -> Iterator[pa.RecordBatch]:
    """Exact scores of pairs of articles, from their texts (:func:`overlaps`, alignments)."""
    for batch in batches:
        count = batch.num_rows
        texts = batch.column("text_a").to_pylist() + batch.column("text_b").to_pylist()
        values, bounds = _shingle_sets(texts, config)
        sets = [values[start:end] for start, end in itertools.pairwise(bounds.tolist())]
        pairs = np.stack([np.arange(count), np.arange(count, 2 * count)], axis=1).astype(np.int64)
        counts = overlaps(sets, pairs)
        edges = edges_of(pairs, counts, alignments(texts, pairs, counts, config))
        yield pa.RecordBatch.from_pydict(
            {
                "a": batch.column("a"),
                "b": batch.column("b"),
                "jaccard": pa.array([edge.jaccard for edge in edges], pa.float64()),
                "contain_a_in_b": pa.array([edge.contain_a_in_b for edge in edges], pa.float64()),
                "contain_b_in_a": pa.array([edge.contain_b_in_a for edge in edges], pa.float64()),
                "aligned": pa.array([edge.aligned for edge in edges], pa.float64()),
                "match": pa.array([edge.is_match(config) for edge in edges], pa.bool_()),
            }
        )


def _checkpointed(df: DataFrame) -> DataFrame:
    """``df`` computed now and kept, its plan cut.

    A reliable checkpoint where the session sets ``spark.checkpoint.dir``, else a local
    one (kept on the executors).
    """
    directory = df.sparkSession.conf.get("spark.checkpoint.dir", None)
    return df.checkpoint() if directory else df.localCheckpoint()


def _components(edges: DataFrame, checkpoint_every: int) -> DataFrame:
    """Each article with an edge, and its connected component (its lowest article id).

    The large-star/small-star iteration: it converges in O(log² n) rounds for n articles
    at worst, so a long chain of copies takes a few rounds, not one per link. ``edges``
    are ``(a, b)`` with ``a < b``.
    """
    # Edges as (u, v), u > v.
    current = _checkpointed(edges.select(F.col("b").alias("u"), F.col("a").alias("v")).distinct())
    rounds = 0
    while True:
        rounds += 1
        following = _small_star(_large_star(current))
        if rounds % checkpoint_every == 0:
            following = _checkpointed(following)
        else:
            following = following.persist(StorageLevel.MEMORY_AND_DISK)
        unchanged = following.subtract(current).isEmpty() and current.subtract(following).isEmpty()
        current.unpersist()
        current = following
        if unchanged:
            break
    # Converged: stars, each article pointing at its component's lowest id.
    centres = current.select(F.col("v").alias("article"), F.col("v").alias("component"))
    leaves = current.select(F.col("u").alias("article"), F.col("v").alias("component"))
    return leaves.unionByName(centres).distinct()


def _large_star(edges: DataFrame) -> DataFrame:
    """Each article's larger neighbours linked to its least neighbour (or itself)."""
    both = edges.unionByName(edges.select(F.col("v").alias("u"), F.col("u").alias("v")))
    least = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return (
        both.join(least, "u")
        .filter(F.col("v") > F.col("u"))
        .select(F.col("v").alias("u"), F.col("m").alias("v"))
        .distinct()
    )


def _small_star(edges: DataFrame) -> DataFrame:
    """Each article and its smaller neighbours linked to the least of them."""
    least = edges.groupBy("u").agg(F.min("v").alias("m"))
    linked = edges.join(least, "u").select(F.col("v").alias("x"), F.col("m").alias("y"))
    selves = least.select(F.col("u").alias("x"), F.col("m").alias("y"))
    return (
        linked.unionByName(selves)
        .filter(F.col("x") != F.col("y"))
        .select(F.greatest("x", "y").alias("u"), F.least("x", "y").alias("v"))
        .distinct()
    )


def _clusters(
    pairs: DataFrame, components: DataFrame, articles: DataFrame, config: Config
) -> DataFrame:
    """Each component's matches clustered by :func:`build_clusters`, in one group."""
    facts = articles.select("article", "document", "length", "mtime")

    def about(side: str) -> DataFrame:
        return facts.select(
            F.col("article").alias(side),
            F.col("document").alias(f"document_{side}"),
            F.col("length").alias(f"length_{side}"),
            F.col("mtime").alias(f"mtime_{side}"),
        )

    labelled = (
        pairs.join(components.withColumnRenamed("article", "a"), "a")
        .join(about("a"), "a")
        .join(about("b"), "b")
    )

    # A named function, not a partial: pyspark reads its type hints for the group's form.
    def clustered(matches: pa.Table) -> pa.Table:
        return _cluster_component(matches, config)

    return labelled.groupBy("component").applyInArrow(clustered, _CLUSTERS)


def _cluster_component(matches: pa.Table, config: Config) -> pa.Table:
    """The clusters of one connected component's matches, as rows."""
    rows = matches.to_pylist()
    facts: dict[str, tuple[str, int, float | None]] = {}
    for row in rows:
        for side in ("a", "b"):
            facts[row[side]] = (
                row[f"document_{side}"],
                row[f"length_{side}"],
                row[f"mtime_{side}"],
            )
    ids = sorted(facts)
    index = {article: position for position, article in enumerate(ids)}
    # Clustering reads an article's id, length and mtime only: its text stays behind.
    articles = [
        Article(
            id=article,
            document=facts[article][0],
            path=facts[article][0],
            segment=None,
            clean=CleanText("", ((0, 0, facts[article][1]),), ()),
            mtime=facts[article][2],
        )
        for article in ids
    ]
    edges = [
        Edge(index[row["a"]], index[row["b"]], row["jaccard"], row["contain_a_in_b"],
             row["contain_b_in_a"], row["aligned"])
        for row in rows
    ]  # fmt: skip
    columns: dict[str, list[object]] = {name: [] for name in _CLUSTER_COLUMNS}
    for cluster in build_clusters(articles, edges, config.keep, config.contained_threshold):
        for position, member in enumerate(cluster.members):
            columns["cluster"].append(cluster.keep.id)
            columns["article"].append(member.article.id)
            columns["document"].append(member.article.document)
            columns["keep"].append(position == 0)
            columns["jaccard"].append(member.jaccard)
            columns["containment"].append(member.containment)
            columns["aligned"].append(member.aligned)
    return pa.Table.from_pydict(columns, schema=_CLUSTER_SCHEMA)


_CLUSTER_COLUMNS = (
    "cluster", "article", "document", "keep", "jaccard", "containment", "aligned",
)  # fmt: skip
_CLUSTER_SCHEMA = pa.schema(
    [
        ("cluster", pa.string()),
        ("article", pa.string()),
        ("document", pa.string()),
        ("keep", pa.bool_()),
        ("jaccard", pa.float64()),
        ("containment", pa.float64()),
        ("aligned", pa.float64()),
    ]
)


def find_duplicates_on_spark(
    documents: Iterable[Document], config: Config | None = None, *, spark: SparkSession
) -> DedupResult:
    """:func:`~neardup.pipeline.find_duplicates` run on Spark, its result brought back.

    For trying the Spark engine on documents held here (``neardup scan --engine
    spark``): the documents go to Spark as a DataFrame, and the clusters, matches and
    articles are collected to build the same :class:`DedupResult` as the local scan's.

    Args:
        documents: The documents (ids unique).
        config: Settings; defaults to ``Config()``.
        spark: The session to run in.
    """
    config = config or Config()
    documents = list(documents)
    frame = spark.createDataFrame(
        [(document.id, document.text, document.mtime) for document in documents],
        _DOCUMENTS,
    )
    found = dedup(frame, config=config, mtime_col="mtime")
    by_id = {document.id: document for document in documents}
    rows = sorted(found.articles.collect(), key=lambda row: row["article"])
    articles = [
        rebuilt_article(
            by_id[row["document"]],
            row["segment"],
            tuple(zip(*[iter(row["pieces"])] * 3, strict=True)),
            tuple(Dropped((item["start"], item["end"]), item["reason"]) for item in row["dropped"]),
        )
        for row in rows
    ]
    position = {article.id: index for index, article in enumerate(articles)}
    skipped = [
        Skipped(row["article"], row["skipped"], row["shingles"]) for row in rows if row["skipped"]
    ]
    matches = sorted(
        (
            Edge(position[row["a"]], position[row["b"]], row["jaccard"], row["contain_a_in_b"],
                 row["contain_b_in_a"], row["aligned"])
            for row in found.pairs.collect()
        ),
        key=lambda edge: (edge.a, edge.b),
    )  # fmt: skip
    grouped: dict[str, list[Any]] = {}
    for row in found.clusters.collect():
        grouped.setdefault(row["cluster"], []).append(row)
    clusters = []
    for keep in sorted(grouped):
        members = sorted(grouped[keep], key=lambda row: (not row["keep"], row["article"]))
        clusters.append(
            Cluster(
                tuple(
                    Member(
                        articles[position[row["article"]]],
                        row["jaccard"],
                        row["containment"],
                        row["aligned"],
                    )
                    for row in members
                )
            )
        )
    stats = Stats(
        documents=len(documents),
        articles=len(articles),
        empty=sum(item.reason == "empty" for item in skipped),
        too_short=sum(item.reason == "too short" for item in skipped),
        candidate_pairs=found.candidates.count(),
        verified_pairs=len(matches),
        clusters=len(clusters),
        capped_buckets=found.capped_buckets.count(),
    )
    return DedupResult(config, clusters, stats, skipped, articles, documents, matches)
