"""The Spark engine finds exactly what the local scan finds (Spark ``local[2]``)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from neardup import Document, find_duplicates
from neardup.config import Config
from neardup.pipeline import DedupResult

from .conftest import SEED_A, SEED_B, seed_text, write_corpus

pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed")
from pyspark.sql import SparkSession  # noqa: E402 (after the skip)

from neardup.spark import SparkResult, dedup  # noqa: E402

pytestmark = pytest.mark.slow

# A small cap, so that the corpus's block of copies makes oversized buckets.
CONFIG = Config(max_bucket=12)

_LATIN = "bcdfgklmnprstvz"
_CYRILLIC = "бвгджзклмнпрст"
_GREEK = "βγδζθκλμνξπρστ"


def _vocabulary(chance: random.Random, consonants: str, vowels: str, size: int) -> list[str]:
    return [
        "".join(chance.choice(consonants) + chance.choice(vowels) for _ in range(3))
        for _ in range(size)
    ]


def _edited(
    words: list[str], chance: random.Random, vocabulary: list[str], edits: int
) -> list[str]:
    copy = list(words)
    for _ in range(edits):
        copy[chance.randrange(len(copy))] = chance.choice(vocabulary)
    return copy


def corpus() -> list[tuple[str, str]]:
    """About 2,000 documents: copies, chains, a block of copies, boilerplate, odd ones."""
    chance = random.Random(20)
    latin = _vocabulary(chance, _LATIN, "aeiou", 4000)
    cyrillic = _vocabulary(chance, _CYRILLIC, "аеиоу", 3000)
    greek = _vocabulary(chance, _GREEK, "αεηιου", 3000)
    han = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
    header = ["Home | World | Politics | Sport", "Subscribe to our newsletter"]
    footer = ["Most read", "Share this article", "© Example News 2024"]
    rows: list[tuple[str, str]] = []

    def page(words: list[str], joiner: str = " ") -> str:
        half = len(words) // 2
        body = joiner.join(words[:half]) + ".\n\n" + joiner.join(words[half:]) + "."
        # Site furniture on most pages, around different stories: learnt and dropped.
        if chance.random() < 0.7:
            return "\n".join(header) + "\n\n" + body + "\n\n" + "\n".join(footer)
        return body

    for number in range(700):  # stories, a third of them copied with a few edits
        words = [chance.choice(latin) for _ in range(chance.randint(40, 160))]
        rows.append((f"story{number:04}", page(words)))
        if number % 3 == 0:
            copy = _edited(words, chance, latin, chance.randint(0, 4))
            rows.append((f"story{number:04}-copy", page(copy)))
        if number % 25 == 0:  # an excerpt, lying inside its story
            rows.append((f"story{number:04}-excerpt", page(words[: len(words) * 2 // 3])))
    for chain in range(6):  # long chains: each link an edit of the one before
        words = [chance.choice(latin) for _ in range(90)]
        for link in range(40):
            words = _edited(words, chance, latin, 3)
            rows.append((f"chain{chain}-{link:02}", page(words)))
    block = [chance.choice(latin) for _ in range(100)]
    for number in range(60):  # one bucket of 60 near-exact copies, over the cap
        rows.append((f"block{number:02}", page(_edited(block, chance, latin, number % 2))))
    for name, vocabulary, joiner in (("ru", cyrillic, " "), ("el", greek, " "), ("zh", han, "")):
        for number in range(120):
            size = chance.randint(60, 140) if joiner else chance.randint(150, 300)
            words = [chance.choice(vocabulary) for _ in range(size)]
            rows.append((f"{name}{number:03}", page(words, joiner)))
            if number % 2 == 0:
                rows.append(
                    (f"{name}{number:03}-copy", page(_edited(words, chance, vocabulary, 2), joiner))
                )
    seed_a, seed_b = seed_text(SEED_A), seed_text(SEED_B)
    rows += [("seed-a", seed_a), ("seed-b", seed_b), ("seed-b-again", seed_b)]  # split pages
    rows += [(f"empty{number}", text) for number, text in enumerate(["", "   \n\n", "\n"])]
    rows += [(f"short{number}", " ".join(latin[number : number + 8])) for number in range(5)]
    chance.shuffle(rows)
    return rows


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("neardup-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        # Reliable checkpoints here; the Connect test below takes local ones.
        .config("spark.checkpoint.dir", str(tmp_path_factory.mktemp("checkpoints")))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def documents() -> list[tuple[str, str]]:
    return corpus()


@pytest.fixture(scope="module")
def local(documents: list[tuple[str, str]]) -> DedupResult:
    return find_duplicates([Document(name, text, name) for name, text in documents], CONFIG)


@pytest.fixture(scope="module")
def on_spark(spark: SparkSession, documents: list[tuple[str, str]]) -> SparkResult:
    frame = spark.createDataFrame(documents, "name string, body string").repartition(3)
    return dedup(frame, text_col="body", id_col="name", config=CONFIG)


def _local_members(result: DedupResult) -> list[tuple[Any, ...]]:
    return sorted(
        (cluster.keep.id, member.article.id, member.article.document, position == 0,
         member.jaccard, member.containment, member.aligned)
        for cluster in result.clusters
        for position, member in enumerate(cluster.members)
    )  # fmt: skip


def test_the_corpus_has_what_parity_must_cover(local: DedupResult) -> None:
    # Otherwise the parity below proves less than it claims.
    assert local.stats.capped_buckets > 0
    assert local.stats.empty == 3
    assert local.stats.too_short >= 5
    assert any(article.segment is not None for article in local.articles)  # split pages
    assert len(local.clusters) > 300
    chained = {m.article.id for c in local.clusters for m in c.members if "chain" in m.article.id}
    assert len(chained) > 200
    # No chaining: a chain's far ends are not copies, so a chain makes several clusters.
    assert sum("chain0" in cluster.keep.id for cluster in local.clusters) > 1
    # An excerpt is never kept in place of the story that holds it.
    assert all("excerpt" not in cluster.keep.id for cluster in local.clusters)
    assert any("-excerpt" in m.article.id for c in local.clusters for m in c.members)
    non_latin = {c.keep.id[:2] for c in local.clusters}
    assert {"ru", "el", "zh"} <= non_latin


def test_spark_clusters_equal_the_local_clusters(local: DedupResult, on_spark: SparkResult) -> None:
    rows = on_spark.clusters.collect()
    found = sorted(
        (row["cluster"], row["article"], row["document"], row["keep"], row["jaccard"],
         row["containment"], row["aligned"])
        for row in rows
    )  # fmt: skip
    assert found == _local_members(local)


def test_spark_pairs_candidates_and_skips_equal_the_local_ones(
    local: DedupResult, on_spark: SparkResult
) -> None:
    ids = [article.id for article in local.articles]
    expected_pairs = sorted(
        (ids[edge.a], ids[edge.b], edge.jaccard, edge.contain_a_in_b, edge.contain_b_in_a,
         edge.aligned)
        for edge in local.matches
    )  # fmt: skip
    found_pairs = sorted(tuple(row) for row in on_spark.pairs.collect())
    assert found_pairs == expected_pairs
    assert on_spark.candidates.count() == local.stats.candidate_pairs
    assert on_spark.capped_buckets.count() == local.stats.capped_buckets
    skipped = on_spark.articles.filter("skipped is not null").collect()
    assert sorted((row["article"], row["skipped"], row["shingles"]) for row in skipped) == sorted(
        (item.id, item.reason, item.shingles) for item in local.skipped
    )
    assert on_spark.articles.count() == local.stats.articles


def test_scan_engine_spark_prints_the_local_scans_report(tmp_path: Path, seeds_dir: Path) -> None:
    folder = tmp_path / "corpus"
    write_corpus(folder, stories=60)
    for seed in seeds_dir.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "empty.txt").write_text("", encoding="utf-8")
    command = [sys.executable, "-m", "neardup", "scan", str(folder), "--format", "json", "--diffs"]
    local = subprocess.run(command, capture_output=True, text=True, check=True)
    spark = subprocess.run(
        [*command, "--engine", "spark", "--master", "local[2]"],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(spark.stdout)
    assert report == json.loads(local.stdout)
    assert report["stats"]["clusters"] >= 60
    assert report["skipped"]


def _word_edited_corpus() -> list[tuple[str, str]]:
    """Stories, and copies with a word in ten or so edited: alignment matches many."""
    chance = random.Random(7)
    latin = _vocabulary(chance, _LATIN, "aeiou", 4000)
    rows: list[tuple[str, str]] = []
    for number in range(150):
        words = [chance.choice(latin) for _ in range(chance.randint(60, 200))]
        rows.append((f"story{number:03}", " ".join(words)))
        if number % 2 == 0:
            copy = _edited(words, chance, latin, len(words) // chance.randint(8, 14))
            rows.append((f"story{number:03}-edited", " ".join(copy)))
    return rows


def test_spark_equals_the_local_scan_with_alignment_on(spark: SparkSession) -> None:
    documents = _word_edited_corpus()
    config = Config(alignment=0.5)
    local = find_duplicates([Document(name, text, name) for name, text in documents], config)
    frame = spark.createDataFrame(documents, "id string, text string").repartition(3)
    on_spark = dedup(frame, config=config)
    # Copies that only the aligned words match: the parity covers the aligned share.
    aligned_only = [
        edge for edge in local.matches if edge.aligned is not None and edge.containment < 0.8
    ]
    assert len(aligned_only) >= 20
    clusters = sorted(
        (row["cluster"], row["article"], row["document"], row["keep"], row["jaccard"],
         row["containment"], row["aligned"])
        for row in on_spark.clusters.collect()
    )  # fmt: skip
    assert clusters == _local_members(local)
    ids = [article.id for article in local.articles]
    assert sorted(tuple(row) for row in on_spark.pairs.collect()) == sorted(
        (ids[edge.a], ids[edge.b], edge.jaccard, edge.contain_a_in_b, edge.contain_b_in_a,
         edge.aligned)
        for edge in local.matches
    )  # fmt: skip
    assert on_spark.candidates.count() == local.stats.candidate_pairs


_ON_CONNECT = """
import json, sys
from pyspark.sql import SparkSession
from neardup.spark import dedup
from tests.test_spark import CONFIG, corpus

spark = SparkSession.builder.remote("local[2]").config("spark.sql.shuffle.partitions", "4")
spark = spark.getOrCreate()
frame = spark.createDataFrame(corpus(), "id string, text string")
rows = dedup(frame, config=CONFIG).clusters.collect()
members = [[row[name] for name in ("cluster", "article", "document", "keep", "jaccard",
            "containment", "aligned")] for row in rows]
spark.stop()
json.dump(sorted(members), sys.stdout)
"""


def test_spark_connect_clusters_equal_the_local_clusters(local: DedupResult) -> None:
    pytest.importorskip("grpc", reason="pyspark's Connect dependencies are not installed")
    # A process of its own: a Connect session and a classic one do not share a process.
    ran = subprocess.run(
        [sys.executable, "-c", _ON_CONNECT],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PYSPARK_PYTHON": sys.executable},
    )
    found = [tuple(member) for member in json.loads(ran.stdout)]
    assert found == _local_members(local)
