"""Shared inputs of the stage benchmarks: the Helsinki corpus, sketched stage by stage.

Each fixture is computed once per session, so a benchmark times only its own stage.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from _corpora import CorpusMissingError, HelsinkiRow, load_helsinki
from neardup import Article, Config, Document, MinHasher, shingle_set
from neardup.pipeline import articles_of

# The settings every stage is benchmarked with: the defaults.
CONFIG = Config()


@pytest.fixture(scope="session")
def helsinki_rows() -> list[HelsinkiRow]:
    try:
        return load_helsinki()
    except CorpusMissingError as error:
        pytest.skip(f"benchmarks need the Helsinki corpus: {error}")


@pytest.fixture(scope="session")
def helsinki_documents(helsinki_rows: list[HelsinkiRow]) -> list[Document]:
    return [row.document for row in helsinki_rows]


@pytest.fixture(scope="session")
def helsinki_articles(helsinki_documents: list[Document]) -> list[Article]:
    return articles_of(helsinki_documents, CONFIG)


@pytest.fixture(scope="session")
def helsinki_texts(helsinki_articles: list[Article]) -> list[str]:
    return [article.text for article in helsinki_articles]


@pytest.fixture(scope="session")
def helsinki_shingle_sets(helsinki_texts: list[str]) -> list[npt.NDArray[np.uint64]]:
    return [shingle_set(text, CONFIG.shingle_size, CONFIG.seed) for text in helsinki_texts]


@pytest.fixture(scope="session")
def helsinki_signatures(
    helsinki_shingle_sets: list[npt.NDArray[np.uint64]],
) -> npt.NDArray[np.uint32]:
    return MinHasher(CONFIG.num_perm, CONFIG.seed).signatures(helsinki_shingle_sets)
