"""The syndication benchmark's generator: seeded, deterministic, and labelled as it says."""

from __future__ import annotations

import itertools

import pytest

import syndication
from _corpora import CorpusMissingError
from syndication import Corpus, Material, generate, load_material, score


@pytest.fixture(scope="module")
def material() -> Material:
    try:
        return load_material()
    except CorpusMissingError as error:
        pytest.skip(f"the syndication benchmark needs the corpora: {error}")


def _snapshot(corpus: Corpus) -> list[tuple[str, str, str | None]]:
    return [(d.id, d.text, corpus.stories[d.id]) for d in corpus.documents]


def test_a_seed_gives_the_same_corpus_and_another_seed_another(material: Material) -> None:
    first, again, other = generate(material, 1), generate(material, 1), generate(material, 2)
    assert _snapshot(first) == _snapshot(again)
    assert first.edits == again.edits
    assert _snapshot(first) != _snapshot(other)


def test_material_is_the_same_on_every_load(material: Material) -> None:
    assert load_material() == material


def test_hard_negatives_are_distinct_articles_on_one_topic(material: Material) -> None:
    helsinki = [s for s in material.sources + material.fillers if s.id.startswith("hel-")]
    assert len(helsinki) > 100
    sets = [syndication._shingles("\n".join(s.paragraphs)) for s in helsinki]
    for first, second in itertools.combinations(sets, 2):
        assert len(first & second) < syndication.DISTINCT_BELOW * min(len(first), len(second))
    # One topic: most of them name the summit's two presidents.
    naming = sum("Putin" in " ".join(s.paragraphs) and "Trump" in " ".join(s.paragraphs)
                 for s in helsinki)  # fmt: skip
    assert naming > 0.8 * len(helsinki)


def test_true_pairs_share_their_source_text_and_every_edit_occurs(material: Material) -> None:
    corpus = generate(material, 3)
    sources = {source.id: source for source in material.sources}
    texts = {document.id: document.text for document in corpus.documents}
    true = corpus.true_pairs()
    assert len(true) > 150
    for page, story in corpus.stories.items():
        if story is None:
            continue
        # Every page of a story holds at least its title paragraph's first words or a
        # good share of the source's 5-word shingles, whatever the edits.
        source = sources[story]
        shared = syndication._shingles(texts[page]) & syndication._shingles(
            "\n".join(source.paragraphs)
        )
        assert len(shared) >= 10
    kinds = {kind for made in corpus.edits.values() for kind in made}
    assert kinds >= {
        "abridged", "word-edits", "local-paragraph", "advertisement", "rewrapped",
        "appended", "multi-article-page",
    }  # fmt: skip
    # Pages of different stories are never paired, and ids reveal nothing.
    for a, b in true:
        assert corpus.stories[a] == corpus.stories[b]
    assert all(document.id.startswith("page") for document in corpus.documents)


def test_score_counts_pairs_in_either_order() -> None:
    true = {("a", "b"), ("a", "c"), ("b", "c")}
    result = score([("b", "a"), ("a", "c"), ("c", "d")], true)
    assert (result.precision, result.recall) == (2 / 3, 2 / 3)
    assert result.f1 == pytest.approx(2 / 3)
