from __future__ import annotations

from neardup import Document, split_articles
from neardup.segment import _BYLINE, _BYLINE_MAX_CHARS

from .conftest import SEED_A, SEED_B, seed_text


def test_seed_b_splits_into_its_four_articles() -> None:
    text = seed_text(SEED_B)
    articles = split_articles(Document(SEED_B, text, SEED_B))
    assert [a.id for a in articles] == [f"{SEED_B}#{k}" for k in range(4)]
    assert [a.segment for a in articles] == [0, 1, 2, 3]
    openings = [
        "While North Korea has been supplying weapons to Russia for some time",
        "Ireland’s prime minister has announced the planned date for a general election",
        "Should we be worried about a Donald Trump presidency?",  # a question: kept as text
        "So the worst kept secret in Irish politics is finally out",
    ]
    for article, opening in zip(articles, openings, strict=True):
        assert article.text.startswith(opening)
    # Each appended article's header block (section, title, byline stubs) is dropped.
    assert "Published" not in articles[1].text
    assert "World\n" not in articles[1].text
    # Spans slice the page; articles do not overlap and come in page order.
    for article in articles:
        start, end = article.span
        assert text[start:end].startswith(article.text[:40])
        assert text[start:end].endswith(article.text[-40:])
    ends = [a.span for a in articles]
    assert all(ends[i][1] <= ends[i + 1][0] for i in range(3))


def test_seed_b_story_ends_before_the_first_continue_reading() -> None:
    text = seed_text(SEED_B)
    story = split_articles(Document(SEED_B, text, SEED_B))[0]
    assert story.text.endswith("how our journalism is done.")
    assert "Continue Reading" not in story.text


def test_a_single_article_keeps_the_document_id() -> None:
    articles = split_articles(Document(SEED_A, seed_text(SEED_A), SEED_A))
    assert [(a.id, a.segment) for a in articles] == [(SEED_A, None)]


def test_read_more_without_a_byline_does_not_split() -> None:
    text = (
        "The council approved the budget on Tuesday after a long debate.\n\n"
        "Read more\n\n"
        "Members said the plan would be reviewed in the spring.\n"
    )
    articles = split_articles(Document("a.txt", text, "a.txt"))
    assert len(articles) == 1
    assert "reviewed in the spring" in articles[0].text


def test_no_split_keeps_the_page_whole() -> None:
    text = seed_text(SEED_B)
    articles = split_articles(Document(SEED_B, text, SEED_B), split=False)
    assert len(articles) == 1
    assert "Should we be worried about a Donald Trump presidency?" in articles[0].text


def test_repeated_header_blocks_split_without_separators() -> None:
    text = seed_text(SEED_B).replace("Continue Reading\n\n", "")
    articles = split_articles(Document(SEED_B, text, SEED_B))
    assert len(articles) == 4
    assert articles[2].text.startswith("Should we be worried about a Donald Trump presidency?")


def test_the_longest_byline_is_within_the_length_tried() -> None:
    # _article_bounds tries the byline pattern only on keys of at most this length.
    longest = "published on " + "x" * 40 + "1" + "y" * 40
    assert len(longest) == _BYLINE_MAX_CHARS
    assert _BYLINE.fullmatch(longest)
    assert not _BYLINE.fullmatch(longest + "y")
    assert not _BYLINE.fullmatch("by " + "a" * 61)
