"""One benchmark per pipeline stage on the Helsinki corpus, plus datasketch for comparison.

Run with ``python -m pytest benchmarks --benchmark-enable`` (pyproject disables
benchmarking by default). Each stage is timed on the previous stage's output, computed
once in ``conftest.py``; each test also checks that its result is right, so a stage
cannot get faster by doing less.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, Protocol, TypeVar

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

from _corpora import text_bytes
from neardup import Article, Config, Document, LSHIndex, MinHasher, find_duplicates, shingle_set
from neardup.minhash import EMPTY_SLOT, estimate_jaccard
from neardup.pipeline import articles_of
from neardup.shingles import tokenize
from neardup.verify import aligned_share, similarity, tokens_of

P = ParamSpec("P")
T = TypeVar("T")

CONFIG = Config()
LOW_32_BITS = np.uint64(0xFFFFFFFF)


class Benchmark(Protocol):
    """The typed face of pytest-benchmark's ``benchmark`` fixture (its own is unannotated)."""

    extra_info: dict[str, Any]

    def __call__(self, function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T: ...


def _megabytes(texts: Sequence[str]) -> float:
    return sum(len(text.encode("utf-8")) for text in texts) / 1e6


def _shingle_all(texts: Sequence[str]) -> list[npt.NDArray[np.uint64]]:
    return [shingle_set(text, CONFIG.shingle_size, CONFIG.seed) for text in texts]


def _identity(value: int) -> int:
    # datasketch hashes its inputs with hashfunc; neardup's inputs are already hashes.
    return value


def test_clean_and_split(benchmark: Benchmark, helsinki_documents: list[Document]) -> None:
    benchmark.extra_info["input_mb"] = text_bytes(helsinki_documents) / 1e6
    articles = benchmark(articles_of, helsinki_documents, CONFIG)

    ids = [article.id for article in articles]
    assert ids == sorted(set(ids)), "article ids must be unique and sorted"
    assert {article.document for article in articles} == {d.id for d in helsinki_documents}
    # Real scraped pages carry furniture ("Advertisement", "e-mail", share prompts):
    # cleaning must drop some of it, and must keep most of the text.
    assert sum(len(article.clean.dropped) for article in articles) > 0
    kept = sum(len(article.text) for article in articles)
    original = sum(len(document.text) for document in helsinki_documents)
    assert 0.5 * original < kept < original


def test_shingling(benchmark: Benchmark, helsinki_texts: list[str]) -> None:
    benchmark.extra_info["input_mb"] = _megabytes(helsinki_texts)
    shingle_sets = benchmark(_shingle_all, helsinki_texts)

    assert len(shingle_sets) == len(helsinki_texts)
    for text, shingles in zip(helsinki_texts, shingle_sets, strict=True):
        assert shingles.dtype == np.uint64
        assert np.all(shingles[1:] > shingles[:-1]), "shingles must be sorted and unique"
        windows = max(0, len(tokenize(text)) - CONFIG.shingle_size + 1)
        # Repeated phrases collapse, so a page has at most one shingle per window.
        assert len(shingles) <= windows
        assert windows == 0 or len(shingles) > 0


def test_minhash(benchmark: Benchmark, helsinki_shingle_sets: list[npt.NDArray[np.uint64]]) -> None:
    hasher = MinHasher(CONFIG.num_perm, CONFIG.seed)
    benchmark.extra_info["shingles"] = sum(len(shingles) for shingles in helsinki_shingle_sets)
    signatures = benchmark(hasher.signatures, helsinki_shingle_sets)

    assert signatures.shape == (len(helsinki_shingle_sets), CONFIG.num_perm)
    assert signatures.dtype == np.uint32
    for shingles, row in zip(helsinki_shingle_sets, signatures, strict=True):
        assert np.all(row == EMPTY_SLOT) == (len(shingles) == 0)
    # The estimate must be unbiased: against a random half of each set (exact Jaccard
    # |half| / |set|), the mean error stays well inside one standard error (0.044 at
    # J = 0.5 and 128 permutations) and no single estimate is off by more than 5 of them.
    generator = np.random.default_rng(0)
    errors = []
    for shingles, row in zip(helsinki_shingle_sets, signatures, strict=True):
        if len(shingles) < 100:
            continue
        half = np.sort(generator.choice(shingles, len(shingles) // 2, replace=False))
        exact = len(half) / len(shingles)
        errors.append(estimate_jaccard(row, hasher.signature(half)) - exact)
    assert len(errors) > 100
    assert abs(float(np.mean(errors))) < 0.01
    assert float(np.max(np.abs(errors))) < 5 * np.sqrt(0.25 / CONFIG.num_perm)


def test_datasketch_minhash_bulk(
    benchmark: Benchmark,
    helsinki_shingle_sets: list[npt.NDArray[np.uint64]],
    helsinki_signatures: npt.NDArray[np.uint32],
) -> None:
    # The same 32-bit inputs neardup's MinHasher uses (the low half of each shingle
    # hash), as the lists of values datasketch takes.
    inputs = [(shingles & LOW_32_BITS).tolist() for shingles in helsinki_shingle_sets]
    benchmark.extra_info["shingles"] = sum(len(values) for values in inputs)
    minhashes = benchmark(
        MinHash.bulk,
        inputs,
        num_perm=CONFIG.num_perm,
        seed=CONFIG.seed,
        hashfunc=_identity,
        scheme="affine32",
    )

    assert len(minhashes) == len(inputs)
    # neardup promises signatures bit-identical to datasketch's affine32 scheme.
    datasketch_signatures = np.stack([minhash.hashvalues for minhash in minhashes])
    np.testing.assert_array_equal(datasketch_signatures, helsinki_signatures)


def test_lsh_candidates(
    benchmark: Benchmark,
    helsinki_shingle_sets: list[npt.NDArray[np.uint64]],
    helsinki_signatures: npt.NDArray[np.uint32],
) -> None:
    index = LSHIndex.from_config(CONFIG)
    benchmark.extra_info["bands_rows"] = f"{index.bands}x{index.rows}"
    candidates = benchmark(index.candidates, helsinki_signatures)

    pairs = candidates.pairs
    count = len(helsinki_signatures)
    assert pairs.ndim == 2
    assert pairs.shape[1] == 2
    assert np.all(pairs[:, 0] < pairs[:, 1])
    codes = pairs[:, 0] * count + pairs[:, 1]
    assert np.all(codes[1:] > codes[:-1]), "pairs must be sorted and unique"
    assert candidates.capped_buckets == 0
    # Syndicated copies exist, yet the index must prune nearly all of the n^2/2 pairs.
    assert 0 < len(pairs) < 0.01 * count * (count - 1) / 2
    # Every pair of non-empty articles with identical signatures shares every band.
    found = set(map(tuple, pairs.tolist()))
    _, first_row, group = np.unique(
        helsinki_signatures, axis=0, return_index=True, return_inverse=True
    )
    for row, representative in enumerate(group.ravel().tolist()):
        other = int(first_row[representative])
        if other != row and len(helsinki_shingle_sets[row]) > 0:
            assert (min(row, other), max(row, other)) in found


def test_find_duplicates_end_to_end(
    benchmark: Benchmark,
    helsinki_documents: list[Document],
    helsinki_articles: list[Article],
    helsinki_shingle_sets: list[npt.NDArray[np.uint64]],
) -> None:
    benchmark.extra_info["input_mb"] = text_bytes(helsinki_documents) / 1e6
    result = benchmark(find_duplicates, helsinki_documents, CONFIG)

    assert result.stats.documents == len(helsinki_documents)
    assert result.stats.articles == len(helsinki_articles)
    # Wire copy (AP, Reuters) is republished by many of the 75 publishers.
    assert result.stats.clusters == len(result.clusters) >= 20
    shingles_of = {
        article.id: shingles
        for article, shingles in zip(helsinki_articles, helsinki_shingle_sets, strict=True)
    }
    seen: set[str] = set()
    for cluster in result.clusters:
        assert len(cluster.members) >= 2
        keep = cluster.keep
        for member in cluster.members[1:]:
            article = member.article
            assert article.id not in seen, f"{article.id} is in two clusters"
            seen.add(article.id)
            assert len(keep.text) >= len(article.text), "keep policy 'longest'"
            # The reported scores are the exact ones, and they pass the match rule.
            jaccard, member_in_keep, keep_in_member = similarity(
                shingles_of[article.id], shingles_of[keep.id]
            )
            assert member.jaccard == jaccard
            assert member.containment == member_in_keep
            if member.aligned is not None:  # exact too: the aligned share of the two texts
                tokens = tokens_of([article.text, keep.text], CONFIG)
                assert member.aligned == aligned_share(*tokens)
            assert (
                jaccard >= CONFIG.threshold
                or max(member_in_keep, keep_in_member) >= (CONFIG.containment or 1.0)
                or (
                    CONFIG.alignment is not None
                    and member.aligned is not None
                    and member.aligned >= CONFIG.alignment
                )
            )
        assert keep.id not in seen, f"{keep.id} is in two clusters"
        seen.add(keep.id)
