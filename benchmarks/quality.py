"""Print neardup's throughput and match quality on the real corpora, measured in one run.

Usage::

    python benchmarks/quality.py [--runs N] [--samples N] [--no-per-file]

Helsinki (unlabelled wire syndication): counts, cluster sizes, end-to-end MB/s, and a
few clusters with their member ids and scores to eyeball. Clough-Stevenson (labelled
text reuse): the exact Jaccard and containment of each answer against its task's
source, per file and per category, and the pairwise precision and recall of
``find_duplicates`` over all 100 files. Both with ``Config()`` and with
``Config(shingle_size=3)``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

import neardup
from _corpora import (
    CloughFile,
    CorpusMissingError,
    HelsinkiRow,
    load_clough,
    load_helsinki,
    text_bytes,
)
from neardup import Cluster, Config, DedupResult, find_duplicates, shingle_set
from neardup.verify import scored_pair, similarity

CONFIGS: tuple[tuple[str, Config], ...] = (
    ("Config()", Config()),
    ("Config(shingle_size=3)", Config(shingle_size=3)),
)
ANSWER_CATEGORIES = ("cut", "light", "heavy", "non")
POSITIVE = frozenset({"cut", "light"})
NEGATIVE = frozenset({"non"})
SHINGLE_SIZES = (5, 3)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per config (best counts)")
    parser.add_argument("--samples", type=int, default=5, help="Helsinki clusters to print")
    parser.add_argument("--seed", type=int, default=0, help="seed of the cluster sample")
    parser.add_argument(
        "--no-per-file", action="store_true", help="omit the per-file Clough-Stevenson table"
    )
    args = parser.parse_args(argv)
    try:
        helsinki = load_helsinki()
        clough = load_clough()
    except CorpusMissingError as error:
        print(f"quality.py: {error}", file=sys.stderr)
        return 2
    print(
        f"neardup {neardup.__version__} from {Path(neardup.__file__).parent}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs ({platform.machine()})"
    )
    print()
    report_helsinki(helsinki, runs=args.runs, samples=args.samples, seed=args.seed)
    print()
    report_clough_similarity(clough, per_file=not args.no_per_file)
    print()
    report_clough_pairs(clough)
    return 0


# --- Helsinki ------------------------------------------------------------------------


def timed_find_duplicates(
    rows: Sequence[HelsinkiRow], config: Config, runs: int
) -> tuple[DedupResult, list[float]]:
    documents = [row.document for row in rows]
    seconds = []
    result = None
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        result = find_duplicates(documents, config)
        seconds.append(time.perf_counter() - start)
    if result is None:  # unreachable: at least one run
        raise RuntimeError("no run")
    return result, seconds


def size_distribution(clusters: Sequence[Cluster]) -> str:
    sizes = Counter(len(cluster.members) for cluster in clusters)
    return " ".join(f"{size}:{count}" for size, count in sorted(sizes.items()))


def report_helsinki(rows: Sequence[HelsinkiRow], *, runs: int, samples: int, seed: int) -> None:
    megabytes = text_bytes([row.document for row in rows]) / 1e6
    print(
        f"== Helsinki 2018 syndication: {len(rows)} pages, {megabytes:.2f} MB "
        f"(UTF-8, ' ### ' -> blank line); find_duplicates best of {max(1, runs)} runs =="
    )
    header = (
        f"{'config':<24}{'docs':>6}{'articles':>10}{'skipped':>9}{'cand.':>7}{'verif.':>8}"
        f"{'clusters':>10}{'in clusters':>13}{'best s':>8}{'MB/s':>7}{'median s':>10}"
    )
    print(header)
    results: list[tuple[str, DedupResult]] = []
    for name, config in CONFIGS:
        result, seconds = timed_find_duplicates(rows, config, runs)
        results.append((name, result))
        stats = result.stats
        clustered = sum(len(cluster.members) for cluster in result.clusters)
        best = min(seconds)
        print(
            f"{name:<24}{stats.documents:>6}{stats.articles:>10}"
            f"{stats.empty + stats.too_short:>9}{stats.candidate_pairs:>7}"
            f"{stats.verified_pairs:>8}{stats.clusters:>10}{clustered:>13}"
            f"{best:>8.2f}{megabytes / best:>7.2f}{statistics.median(seconds):>10.2f}"
        )
    print("cluster size distribution (size:count):")
    for name, result in results:
        print(f"  {name:<24}{size_distribution(result.clusters)}")

    name, result = results[0]
    publisher = {row.document.id: row.publisher for row in rows}
    chosen = sample_clusters(result.clusters, samples, seed)
    print(
        f"{len(chosen)} sample clusters with {name} (the largest, then random with seed "
        f"{seed}); J = Jaccard with the keep, C = share of the member in the keep:"
    )
    for cluster in chosen:
        print(f"  cluster of {len(cluster.members)}, keep {cluster.keep.id}:")
        for member in cluster.members:
            article = member.article
            headline = " ".join(article.text.split())[:60]
            print(
                f"    {article.id:>8} {publisher.get(article.document, '?'):<24.24} "
                f"J={member.jaccard:.2f} C={member.containment:.2f} "
                f"{len(article.text):>6} chars  {headline}"
            )


def sample_clusters(clusters: Sequence[Cluster], count: int, seed: int) -> list[Cluster]:
    if not clusters or count <= 0:
        return []
    largest = max(clusters, key=lambda cluster: (len(cluster.members), cluster.keep.id))
    rest = [cluster for cluster in clusters if cluster is not largest]
    picked = random.Random(seed).sample(rest, min(count - 1, len(rest)))
    return [largest, *sorted(picked, key=lambda cluster: -len(cluster.members))]


# --- Clough-Stevenson ---------------------------------------------------------------


@dataclass(frozen=True)
class AnswerScores:
    """An answer's exact scores against its task's source, per shingle size."""

    answer: CloughFile
    jaccard: dict[int, float]
    containment: dict[int, float]


def sources_by_task(files: Sequence[CloughFile]) -> dict[str, CloughFile]:
    return {file.task: file for file in files if file.category == "orig"}


def answer_scores(files: Sequence[CloughFile]) -> list[AnswerScores]:
    sources = sources_by_task(files)
    shingles: dict[tuple[str, int], npt.NDArray[np.uint64]] = {
        (file.document.id, size): shingle_set(file.document.text, size)
        for file in files
        for size in SHINGLE_SIZES
    }
    scores = []
    for file in files:
        if file.category == "orig":
            continue
        source = sources[file.task]
        jaccard: dict[int, float] = {}
        containment: dict[int, float] = {}
        for size in SHINGLE_SIZES:
            j, answer_in_source, _ = similarity(
                shingles[(file.document.id, size)], shingles[(source.document.id, size)]
            )
            jaccard[size] = j
            containment[size] = answer_in_source
        scores.append(AnswerScores(file, jaccard, containment))
    return scores


def report_clough_similarity(files: Sequence[CloughFile], *, per_file: bool) -> None:
    scores = answer_scores(files)
    recoded = sum(file.encoding != "utf-8" for file in files)
    print(
        f"== Clough-Stevenson: {len(scores)} answers vs their task's orig file; exact "
        f"shingle_set + similarity (J = Jaccard, C = share of the answer in the source); "
        f"{recoded} files are Windows-1252, not UTF-8 =="
    )
    columns = "".join(f"{f'J{size}':>7}{f'C{size}':>7}" for size in SHINGLE_SIZES)
    if per_file:
        print(f"{'file':<16}{'task':<5}{'category':<9}{columns}")
        order = {category: rank for rank, category in enumerate(ANSWER_CATEGORIES)}
        for score in sorted(
            scores, key=lambda s: (order[s.answer.category], s.answer.task, s.answer.document.id)
        ):
            values = "".join(
                f"{score.jaccard[size]:>7.3f}{score.containment[size]:>7.3f}"
                for size in SHINGLE_SIZES
            )
            print(
                f"{score.answer.document.id:<16}{score.answer.task:<5}"
                f"{score.answer.category:<9}{values}"
            )
    print("mean per category (and the range of C5, to show how well the categories separate):")
    print(f"{'category':<9}{'n':>4}{columns}{'C5 min':>9}{'C5 max':>9}")
    for category in ANSWER_CATEGORIES:
        group = [score for score in scores if score.answer.category == category]
        values = "".join(
            f"{statistics.fmean(s.jaccard[size] for s in group):>7.3f}"
            f"{statistics.fmean(s.containment[size] for s in group):>7.3f}"
            for size in SHINGLE_SIZES
        )
        c5 = [score.containment[5] for score in group]
        print(f"{category:<9}{len(group):>4}{values}{min(c5):>9.3f}{max(c5):>9.3f}")


@dataclass(frozen=True)
class PairCounts:
    """Confusion counts of (answer, its source) pairs: same cluster or not."""

    true_positive: int
    false_negative: int
    false_positive: int
    true_negative: int

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else float("nan")

    @property
    def recall(self) -> float:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else float("nan")


def cluster_of_document(result: DedupResult) -> dict[str, int]:
    """Cluster index of each document that has an article in some cluster."""
    found: dict[str, int] = {}
    for index, cluster in enumerate(result.clusters):
        for member in cluster.members:
            found.setdefault(member.article.document, index)
    return found


def clustered_with_source(
    result: DedupResult, answers: Sequence[CloughFile], sources: dict[str, CloughFile]
) -> dict[str, bool]:
    """Per answer id: whether find_duplicates put the answer in its source's cluster."""
    cluster = cluster_of_document(result)
    return {
        answer.document.id: answer.document.id in cluster
        and cluster[answer.document.id] == cluster.get(sources[answer.task].document.id)
        for answer in answers
    }


def matches_source_exactly(
    result: DedupResult,
    answers: Sequence[CloughFile],
    sources: dict[str, CloughFile],
    config: Config,
) -> dict[str, bool]:
    """Per answer id: whether the match rule holds against its source, scored exactly.

    The same cleaned articles, scores and ``Edge.is_match`` as find_duplicates, but for
    every (answer, source) pair rather than LSH's candidates, and with no clustering: the
    most any run with these thresholds could find.
    """
    texts: dict[str, list[str]] = {}
    for article in result.articles:
        article_shingles = shingle_set(article.text, config.shingle_size, config.seed)
        if len(article_shingles) >= config.min_shingles:
            texts.setdefault(article.document, []).append(article.text)

    def matches(answer: CloughFile) -> bool:
        # scored_pair scores as verification does: shingles, then aligned words if needed.
        return any(
            scored_pair(answer_text, source_text, config).is_match(config)
            for answer_text in texts.get(answer.document.id, [])
            for source_text in texts.get(sources[answer.task].document.id, [])
        )

    return {answer.document.id: matches(answer) for answer in answers}


def count(
    answers: Sequence[CloughFile],
    detected: dict[str, bool],
    categories: frozenset[str],
    *,
    value: bool,
) -> int:
    """How many answers of the categories were (``value=True``) or were not detected."""
    return sum(
        detected[answer.document.id] == value for answer in answers if answer.category in categories
    )


def pair_row(label: str, answers: Sequence[CloughFile], detected: dict[str, bool]) -> str:
    counts = PairCounts(
        true_positive=count(answers, detected, POSITIVE, value=True),
        false_negative=count(answers, detected, POSITIVE, value=False),
        false_positive=count(answers, detected, NEGATIVE, value=True),
        true_negative=count(answers, detected, NEGATIVE, value=False),
    )
    per_category = ""
    for category in ANSWER_CATEGORIES:
        group = [answer for answer in answers if answer.category == category]
        found = sum(detected[answer.document.id] for answer in group)
        per_category += f"{f'{found}/{len(group)}':>7}"
    return (
        f"{label:<48}{counts.true_positive:>4}{counts.false_negative:>4}"
        f"{counts.false_positive:>4}{counts.true_negative:>4}"
        f"{counts.precision:>11.3f}{counts.recall:>8.3f}{per_category}"
    )


def report_clough_pairs(files: Sequence[CloughFile]) -> None:
    sources = sources_by_task(files)
    answers = [file for file in files if file.category != "orig"]
    print(
        f"== Clough-Stevenson: find_duplicates over all {len(files)} files; a pair "
        f"(answer, its orig) is predicted a copy when both are in one cluster; positives "
        f"are cut+light ({sum(a.category in POSITIVE for a in answers)}), negatives non "
        f"({sum(a.category in NEGATIVE for a in answers)}); heavy is reported apart =="
    )
    print(
        f"{'config / method':<48}{'TP':>4}{'FN':>4}{'FP':>4}{'TN':>4}"
        f"{'precision':>11}{'recall':>8}{'cut':>7}{'light':>7}{'heavy':>7}{'non':>7}"
    )
    notes = []
    for name, config in CONFIGS:
        result = find_duplicates([file.document for file in files], config)
        found = clustered_with_source(result, answers, sources)
        print(pair_row(f"{name} find_duplicates", answers, found))
        exact = matches_source_exactly(result, answers, sources, config)
        print(pair_row(f"{name} exact rule on every pair", answers, exact))
        clustered = cluster_of_document(result)
        # Answers clustered, but not with their own source (with other answers only).
        elsewhere = sum(a.document.id in clustered and not found[a.document.id] for a in answers)
        missed = sorted(
            a.document.id for a in answers if exact[a.document.id] > found[a.document.id]
        )
        notes.append(
            f"  {name}: {len(result.clusters)} clusters; {elsewhere} answers clustered away "
            f"from their source; matching by the rule but not clustered with it: "
            f"{', '.join(missed) or 'none'}"
        )
    print(
        "(cut/light/heavy/non: answers detected, of the category; 'exact rule on every "
        "pair' applies Edge.is_match to every (answer, orig) pair: no LSH, no clustering)"
    )
    print("\n".join(notes))


if __name__ == "__main__":
    sys.exit(main())
