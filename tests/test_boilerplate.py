from __future__ import annotations

import re
import textwrap
import unittest.mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup import Document, boilerplate
from neardup.boilerplate import (
    _CONTEXT_WINDOW,
    _CONTEXT_WORDS,
    _METADATA_LINE,
    _METADATA_MAX_WORDS,
    _METADATA_PENALTY,
    _PAGE_TITLE,
    _PAGE_TITLE_MAX_CHARS,
    _RULES,
    _RULES_MAX_SPACES,
    _RULES_OPEN_ENDED,
    KEY_MAX_CHARS,
    Dropped,
    LineTable,
    LineTally,
    RepeatedLines,
    _ends_running_text,
    _lines_single_spaced,
    _single_spaced,
    _tally_keys,
    classify,
    clean,
    is_sentence_like,
    line_key,
    line_weight,
    split_lines,
    window_fingerprint,
)
from neardup.segment import split_articles

from .conftest import SEED_A, SEED_B, seed_text, story_paragraphs

FURNITURE_A = [
    "Where have North Korean troops been seen in Russia? | World News",
    "photo-slider visualization",
    "Read original article here.",
    "Products You May Like",
    "Articles You May Like",
    "New Delhi air pollution: Schools closed and construction stopped as smog worsens to levels "
    "far above WHO safety limit | World News",
    "‘Bring Them Down’ from MUBI sets 2025 Winter Release",
    "Stocks making biggest moves after hours: NVDA, SNOW and more",
]
FURNITURE_B = [
    "Connect with us",
    "Published",
    "on",
    "More from World",
    "Continue Reading",
    "Trending",
]


def dropped_lines(text: str) -> set[str]:
    result = clean(text)
    return {text[start:end].strip() for (start, end) in (d.span for d in result.dropped)}


def test_seed_a_furniture_is_dropped_and_the_story_kept() -> None:
    text = seed_text(SEED_A)
    result = clean(text)
    assert set(FURNITURE_A) <= dropped_lines(text)
    for paragraph in story_paragraphs():
        for line in paragraph.splitlines():
            if line.strip() != "photo-slider visualization":
                assert line in result.text, line


def test_seed_b_furniture_is_dropped_and_the_story_kept() -> None:
    text = seed_text(SEED_B)
    result = clean(text)
    assert set(FURNITURE_B) <= dropped_lines(text)
    kept_story = [p for p in story_paragraphs() if p.strip() != "photo-slider visualization"]
    for paragraph in kept_story:
        for line in paragraph.splitlines():
            assert line in result.text, line


def test_a_single_subheading_after_a_list_header_stays() -> None:
    # "More from World" is furniture; the subheading after it is the article's own.
    paragraphs = story_paragraphs()
    text = "\n\n".join(
        [*paragraphs[:2], "More from World", "Footage circulating online", *paragraphs[2:8]]
    )
    result = clean(text)
    assert "Footage circulating online" in result.text
    assert "More from World" not in result.text


def test_every_drop_has_a_reason() -> None:
    result = clean(seed_text(SEED_B))
    reasons = {d.reason.split(" ")[0] for d in result.dropped}
    assert reasons <= {"page", "list", "headline", "section", "repeated"}
    assert all(d.reason for d in result.dropped)


lines_strategy = st.lists(
    st.one_of(
        st.sampled_from(["", "Continue Reading", "Published", "Trending", "Tap here", "World"]),
        st.text(alphabet=st.characters(blacklist_characters="\r\n"), max_size=40),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(lines=lines_strategy, newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_pieces_map_the_clean_text_back_to_the_original(lines: list[str], newline: str) -> None:
    original = newline.join(lines)
    result = clean(original)
    for clean_start, original_start, length in result.pieces:
        assert (
            result.text[clean_start : clean_start + length]
            == original[original_start : original_start + length]
        )
        assert result.to_original(clean_start) == original_start
        assert result.to_original(clean_start + length) == original_start + length
    covered = "".join(result.text[s : s + n] for s, _, n in result.pieces)
    assert covered == result.text.replace("\n", "")
    assert len(result) == len(result.text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_lines_cover_the_text(text: str) -> None:
    lines = split_lines(text)
    for line in lines:
        assert text[line.start : line.end] == line.text
        assert "\n" not in line.text
        assert "\r" not in line.text
    assert "".join(line.text for line in lines) == text.replace("\r", "").replace("\n", "")


# Lines with what the column-wise features must get right: case and compatibility
# folding, odd whitespace, long lines, trailing punctuation and closing quotes, dates.
LINE_PARTS = st.sampled_from(
    [
        "Share", "  Continue Reading ", "Big headline | Sky News", "Caf\u00e9 \u201cowner\u201d",
        "\u00a8umlaut", "tab\tand\x1fseparator", "\u2003wide\u3000space", "zero\u200bwidth",
        "`tick`", "ends with a sentence.", "said:", "Bob says:", "5 hours ago", "12/03/2021",
        "January 5, 2020 at 10:00 in the morning", "“quoted.”", "x" * 161, "A" * 40 + " word",
        "İstanbul ß", "ﬁnance", "one, two. three; four: five! six? " * 4, "-", "  ", "",
        "Wednesday, November 20, 2019", "Tue. 19 Nov 2019", "a a a a a a a a a a a a a a a",
        "東京の天気は晴れです。", "ホーム ニュース", "2019年11月20日",
        "Kindle for PCをショートカットで", "٣ hours ago", "Ann wrote:", "by: ",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.lists(LINE_PARTS, max_size=4).map(" ".join), max_size=12),
    breaks=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_line_table_columns_match_the_line_by_line_definitions(
    parts: list[str], breaks: str
) -> None:
    text = breaks.join(parts)
    table = LineTable(text)
    lines = split_lines(text)
    assert table.raw == [line.text for line in lines]
    assert table.starts == [line.start for line in lines]
    assert table.keys == [line_key(line.text) for line in lines]
    assert table.words == [len(line.text.split()) for line in lines]
    assert table.sentence_like == [is_sentence_like(line.text) for line in lines]
    assert table.weights == [line_weight(line.text, None) for line in lines]
    # Metadata lines are found although only short lines are matched against the pattern.
    assert [weight == -_METADATA_PENALTY for weight in table.weights] == [
        bool(_METADATA_LINE.match(line.text.strip())) for line in lines
    ]


# Plain ASCII lines, most single-spaced: the case the whole text is tested for at once.
ASCII_PARTS = st.sampled_from(
    [
        "Share", "Continue Reading", "Big headline | Sky News", "`tick`", "said:", "Bob says:",
        "ends with a sentence.", "5 hours ago", "12/03/2021", "x" * 161, "A" * 40 + " word",
        "one, two. three; four: five! six? " * 4, "-", "trailing ", " leading", "two  spaces",
        "bell\x07", "",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.lists(ASCII_PARTS, max_size=4).map(" ".join), max_size=8))
def test_line_table_columns_of_ascii_text_match_the_line_by_line_definitions(
    parts: list[str],
) -> None:
    text = "\n".join(parts)
    table = LineTable(text)
    lines = split_lines(text)
    assert _lines_single_spaced(text) == all(_single_spaced(line.text) for line in lines)
    assert table.keys == [line_key(line.text) for line in lines]
    assert table.words == [len(line.text.split()) for line in lines]


# Lines of many words and characters, and long lines of few spaces.
LONG_PARTS = st.sampled_from(
    [
        "word " * 40,
        "sixteen-letters " * 11,
        "Stra\u00dfe " * 30,
        "\u00a8x " * 60,
        "y" * 170,
        "z\tz " * 50,
    ]
)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.lists(LINE_PARTS | LONG_PARTS, max_size=5).map(" ".join), max_size=10))
def test_tally_keys_leave_out_only_keys_of_long_lines(parts: list[str]) -> None:
    keys = _tally_keys(parts, [part.strip() for part in parts])
    for part, key in zip(parts, keys, strict=True):
        if key is None:
            # Left out: a line that is long both in characters and in its key's words.
            assert len(part) > KEY_MAX_CHARS
            assert line_key(part).count(" ") >= _CONTEXT_WORDS - 1
        else:
            assert key == line_key(part)


def tally_line_by_line(texts: list[str]) -> tuple[dict[str, int], dict[str, set[int]]]:
    """LineTally's counts as defined: every line keyed, the nearest long lines' words around."""
    documents: dict[str, int] = {}
    contexts: dict[str, set[int]] = {}
    for text in texts:
        keys = [line_key(line.text) for line in split_lines(text)]
        long = [i for i, key in enumerate(keys) if key.count(" ") + 1 >= _CONTEXT_WORDS]
        seen: set[str] = set()
        for index, key in enumerate(keys):
            if not key or index in long or key in seen:
                continue
            if (_ends_running_text(key) or not key.isprintable()) and line_weight(key, None) > 0:
                continue
            seen.add(key)
            before = [w for i in long if i < index for w in re.findall(r"\w+", keys[i])]
            after = [w for i in long if i > index for w in re.findall(r"\w+", keys[i])]
            digest = window_fingerprint(before[-_CONTEXT_WINDOW:]) << 32 | window_fingerprint(
                after[:_CONTEXT_WINDOW]
            )
            contexts.setdefault(key, set()).add(digest)
            documents[key] = documents.get(key, 0) + 1
    return documents, contexts


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(
        st.lists(st.lists(LINE_PARTS | LONG_PARTS, max_size=4).map(" ".join), max_size=8),
        min_size=1,
        max_size=4,
    ),
    breaks=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_line_tally_counts_as_keying_every_line_would(texts: list[list[str]], breaks: str) -> None:
    joined = [breaks.join(lines) for lines in texts]
    tally = LineTally()
    for text in joined:
        tally.add(text)
    assert (tally.documents, tally.contexts) == tally_line_by_line(joined)


def site_page(story: str, number: int) -> str:
    header = "The Daily Example\nNews | Sport | Weather\nSubscribe to our morning briefing today"
    footer = (
        "Our journalism is funded by readers like you\n"
        "Send us your story tips and photos now\n"
        "Example Media Group, 1 Long Street, Sampletown"
    )
    return f"{header}\n\n{story}\n\nStory {number} ends here.\n\n{footer}\n"


def test_lines_repeated_around_different_text_are_learnt() -> None:
    paragraphs = story_paragraphs()
    stories = ["\n\n".join(paragraphs[k * 4 : k * 4 + 4]) for k in range(4)]
    pages = [site_page(story, k) for k, story in enumerate(stories)]
    repeated = RepeatedLines(pages, min_documents=3)
    assert "our journalism is funded by readers like you" in repeated
    assert "send us your story tips and photos now" in repeated
    assert repeated.counts["the daily example"] == 4
    result = clean(pages[0], repeated=repeated)
    reasons = {d.reason for d in result.dropped}
    assert "repeated in 4 documents" in reasons
    assert "Our journalism is funded" not in result.text
    # The story stays; "Image:", a caption prefix on every page, is furniture too.
    assert "image" in repeated
    for line in stories[0].splitlines():
        if line and line != "Image:":
            assert line in result.text


def test_tallies_of_parts_of_a_corpus_add_up_to_the_whole() -> None:
    paragraphs = story_paragraphs()
    pages = [site_page("\n\n".join(paragraphs[k * 3 : k * 3 + 3]), k) for k in range(6)]
    whole = RepeatedLines(pages, min_documents=3)
    first, second = LineTally(), LineTally()
    for page in pages[:2]:
        first.add(page)
    for page in pages[2:]:
        second.add(page)
    first.update(second)
    merged = RepeatedLines([], min_documents=3, tally=first)
    assert merged.counts == whole.counts
    assert merged.counts["our journalism is funded by readers like you"] == 6


def test_dates_led_by_a_weekday_are_metadata() -> None:
    for line in ["Wednesday November 20, 2019", "WED, 20 Nov 2019", "Sunday, 12/03/2021 10:00"]:
        assert line_weight(line, None) == -_METADATA_PENALTY, line
    assert line_weight("Monkey November 20, 2019", None) != -_METADATA_PENALTY
    longest = "Wednesday, November 20, 2019" + " a" * 15  # then the 30 characters allowed
    assert len(longest.split()) == _METADATA_MAX_WORDS
    assert line_weight(longest, None) == -_METADATA_PENALTY


def test_only_short_lines_are_learnt_even_from_a_tally_made_by_hand() -> None:
    # classify() looks up only short lines' keys among the learnt ones.
    short, long = "sign in to read more", " ".join(["word"] * 12)
    tally = LineTally({short: 5, long: 5}, {short: set(range(5)), long: set(range(5))})
    repeated = RepeatedLines([], min_documents=3, tally=tally)
    assert list(repeated.counts) == [short]


def test_syndicated_paragraphs_are_not_learnt_as_boilerplate() -> None:
    # Five copies of one story: its short lines recur, but always between the same paragraphs.
    copies = ["\n\n".join(story_paragraphs()) for _ in range(5)]
    repeated = RepeatedLines(copies, min_documents=3)
    assert len(repeated) == 0
    assert clean(copies[0], repeated=repeated).text == clean(copies[0]).text


def test_navigation_and_comments_around_an_article_are_dropped() -> None:
    menu = "\n".join(["Home", "World", "Politics", "Business", "Sport", "Sign in"])
    story = "\n\n".join(story_paragraphs()[:8])
    comments = (
        "34 Comments\n\nreader1 says:\nNovember 19, 2019 at 6:34 am\n"
        "This is a long comment that says a lot of things about the article, in full sentences.\n"
    )
    page = f"{menu}\n\n{story}\n\n{comments}"
    result = clean(page)
    assert result.text == clean(story).text
    reasons = {d.reason for d in result.dropped}
    assert {"outside the main text", "comments header '34 Comments'", "comments section"} <= reasons


def test_gallery_caption_credit_prompt_and_link_lines_are_furniture() -> None:
    furniture = [
        "Image 3 of 10",
        "(Image credit: Blue Origin)",
        "Photo credit: Hau Dinh, AP",
        "Photo: David Zalubowski, STF / Associated Press",
        "Image 1 of / 9",
        "In this Sunday, Nov. 10, 2019, photograph, a row of unsold cars sits at a dealership.",
        "Get our daily Entertainment newsletter",
        "No spam, we promise. You can unsubscribe at any time.",
        "Image caption Scooter Braun has managed Justin Bieber, among others",
        "Caption",
        "Close",
        "Related: The 15 Weirdest Galaxies in Our Universe",
        "READ MORE: China plague outbreak confirmed",
        "Tags: ads, advertisement, awareness",
        "Like this story? Share it with a friend!",
        "Follow RT on",
        "This slideshow requires JavaScript.",
        "Wordcount: 717",
        "Advert",
        "6",
        "Sign in",
        "Back to gallery",
        "I agree that the site can send me its newsletter.",
        "Get Motor Cycle Monthly delivered through your letterbox every month.",
        "This material may not be published, broadcast, rewritten, or redistributed.",
        "Quotes delayed at least 15 minutes.",
        "Watch: the moment the rocket lifted off",
        "Listen to this article",
        "Pick Six Newsletter",
        "Write to Al Root at allen.root@example.com",
    ]
    # One line between each two paragraphs of the story.
    paragraphs = story_paragraphs()[: len(furniture) + 1]
    pairs = zip(furniture, paragraphs[1:], strict=True)
    page = "\n\n".join([paragraphs[0], *(f"{line}\n{paragraph}" for line, paragraph in pairs)])
    result = clean(page)
    assert all(paragraph.strip() in result.text for paragraph in paragraphs[:12])
    dropped = {
        page[start:end]: reason
        for (start, end), reason in ((d.span, d.reason) for d in result.dropped)
    }
    assert all(dropped[line].startswith("page furniture") for line in furniture)


# Captions as AEB and Helsinki pages credit their photos.
CREDITED_CAPTIONS = [
    "Troops were seen near the border this week (Image: GETTY )",
    "Vicente Aguiar loads garage door trims outside a Home Depot in Hialeah, Fla. (AP Photo/"
    "Alan Diaz, File)",
    "An MSC cargo ship leaves PortMiami, on Aug. 31, 2019. (AP)",
    "Taylor Swift at the residence on June 28, 2019 in Montecito. (Photo by Kevin Mazur/Getty "
    "Images for Ithaca Holdings)",
    "A security guard walks past a building of ZTE's research center on June 13. (Jason Lee/"
    "Reuters)",
    "Putin arrived for his summit with US President Donald Trump. (Roni Rekomaa/Lehtikuva via AP)",
    "WeWork chairman Marcelo Claure (Credit: Getty Images)",
    "Jupiter's cloud tops in February 2007, after the spacecraft's approach. (AP Photo)",
    "A reference habitation module for a crewed Mars mission compared to its hibernation-based "
    "equivalent. Credit: ESA",
    "The tax credit was introduced for families in 2019. Credit: J. Smith/Getty Images",
    # Shorter than the distance from the end a credit is looked for in.
    "The hibernation module for a crewed Mars mission, seen from above. Credit: ESA",
]


@pytest.mark.parametrize("caption", CREDITED_CAPTIONS)
def test_a_caption_ending_with_its_credit_is_dropped_inside_the_article(caption: str) -> None:
    paragraphs = story_paragraphs()[:8]
    page = "\n\n".join([*paragraphs[:4], caption, *paragraphs[4:]])
    result = clean(page)
    assert result.text == clean("\n\n".join(paragraphs)).text
    assert f"photo caption {caption!r}" in [d.reason for d in result.dropped]


@pytest.mark.parametrize(
    "line",
    [
        "The child tax credit: up to $2,000 for each child under 17",
        "Shares rose 3% on Monday (Reuters reported the deal first on Friday, citing sources)",
        "The company reported its results on Tuesday (see the table below)",
        "Unemployment rose to 4.1 percent in March (Source: Bureau of Labor Statistics)",
        "The deal was first reported by the Associated Press (AP)",
        "The bank posted a loss. Credit: losses rose for a third straight quarter",
    ],
)
def test_a_line_that_only_mentions_a_credit_or_an_agency_stays(line: str) -> None:
    paragraphs = story_paragraphs()[:8]
    result = clean("\n\n".join([*paragraphs[:4], line, *paragraphs[4:]]))
    assert line in result.text


def test_a_photo_page_keeps_its_captions_once() -> None:
    # On a page of photos the captions are the story (and what its copies share); a
    # gallery shows each twice (in the slide and in its lightbox).
    captions = [caption for caption in CREDITED_CAPTIONS if len(caption.split()) > 12]
    shown = [line for caption in captions for line in (caption, caption)]
    page = "\n\n".join(["Trump arrives to go 1-on-1 with Putin at Helsinki summit", *shown])
    result = clean(page)
    assert all(result.text.count(caption) == 1 for caption in captions)
    assert not [d for d in result.dropped if d.reason.startswith("photo caption")]


def test_captions_go_only_where_more_words_of_other_running_text_stay() -> None:
    caption = CREDITED_CAPTIONS[1]
    words = len(caption.split())
    as_many = " ".join(["word"] * (words - 1)) + " ends."

    def caption_reason(sentence: str) -> str | None:
        return classify(LineTable(f"{sentence}\n\n{caption}"))[2]

    assert caption_reason(as_many) is None
    assert (caption_reason(f"More {as_many}") or "").startswith("photo caption")


def test_a_line_repeating_the_line_before_it_is_dropped() -> None:
    # Galleries render a caption twice: in the slide and in its lightbox.
    paragraphs = story_paragraphs()[:8]
    caption = "U.S. Defense Secretary Mark Esper shakes hands with the minister in Hanoi"
    page = "\n\n".join([*paragraphs[:4], caption, caption, *paragraphs[4:]])
    result = clean(page)
    assert result.text.count(caption) == 1
    assert "repeated line" in [d.reason for d in result.dropped]


def test_an_about_box_after_the_article_ends_it() -> None:
    story = "\n\n".join(story_paragraphs()[:8])
    bio = "Jane Doe is a reporter who covers defence and security for the paper."
    result = clean(f"{story}\n\nAbout Jane Doe\n{bio}\n\nMore from Jane Doe")
    assert result.text == clean(story).text
    assert "about box 'About Jane Doe'" in [d.reason for d in result.dropped]
    # A subheading about something else does not end an article.
    subheading = f"{story}\n\nAbout the study\n{bio}"
    assert clean(subheading).text.endswith(bio)


@pytest.mark.parametrize("header", ["DON'T MISS", "Most popular in the section"])
def test_headlines_under_more_list_headers_are_dropped(header: str) -> None:
    story = "\n\n".join(story_paragraphs()[:8])
    headlines = "\n".join(["Plague fears grow after second case", "Markets rally on trade hopes"])
    result = clean(f"{story}\n\n{header}\n{headlines}")
    reasons = [d.reason for d in result.dropped]
    assert f"list header {header!r}" in reasons
    assert reasons.count(f"headline list under {header!r}") == 2


def test_a_table_ending_the_article_stays_with_it() -> None:
    story = "\n\n".join(story_paragraphs()[:6])
    rows = "\n".join(
        f"June {day} – {city} @ {venue}"
        for day, city, venue in [
            (9, "West Palm Beach, FL", "Coral Sky Amphitheatre"),
            (10, "Tampa, FL", "Credit Union Amphitheatre"),
            (14, "Alpharetta, GA", "Ameris Bank Amphitheatre"),
            (17, "Nashville, TN", "Bridgestone Arena"),
        ]
    )
    result = clean(f"{story}\n\nThe Tour Dates\n{rows}\n\nAbout us\nContact")
    assert result.text.endswith("June 17 – Nashville, TN @ Bridgestone Arena")
    assert "The Tour Dates" in result.text
    # Two rows are not a table; headlines after an article are not either.
    two = "\n".join(rows.splitlines()[:2])
    assert "June 9" not in clean(f"{story}\n\n{two}\n\nAbout us").text


def test_a_short_question_is_text_only_when_running_text_follows_it() -> None:
    story = "\n\n".join(story_paragraphs()[:8])
    opening = "Should we be worried about what comes next?"
    teaser = "What made the film so popular?"
    page = f"{opening}\n\n{story}\n\n{teaser}\nBy A Writer\n\nAbout us\nContact"
    result = clean(page)
    assert result.text.startswith(opening)
    assert teaser not in result.text


def test_a_quote_lead_in_or_an_opinion_is_not_a_comment_or_furniture() -> None:
    paragraphs = story_paragraphs()[:8]
    for line in [
        "In a statement on Jan. 5, the company said:",
        "I agree with critics who say the plan is too expensive, and I said so last week.",
        "Most popular were the electric models, which sold out within days of going on sale.",
    ]:
        baseline = clean("\n\n".join(paragraphs)).text
        result = clean("\n\n".join([*paragraphs[:4], line, *paragraphs[4:]]))
        assert line in result.text, line
        assert all(p.strip() in result.text for p in paragraphs if p.strip() in baseline), line


def test_a_long_chinese_question_ending_the_article_is_running_text() -> None:
    paragraphs = [
        "东京都二十日发布了新的防灾计划，计划在发生大地震时与各区和市合作增加避难所的数量，并重新审视食物和水的储备。",
        "负责人表示居民平时做好准备非常重要，并呼吁每个家庭准备三天的食物和饮用水，以备不时之需。",
        "这个计划明年四月开始实施，东京都将在各地举办说明会，那么居民们到底应该如何为灾害做好准备呢？",
    ]
    article = "\n\n".join(paragraphs)
    assert clean(f"首页\n新闻\n\n{article}\n\n2019年11月20日").text == article


def lead(topic: str) -> str:
    """A long teaser lead: running text of 60 words about ``topic``."""
    return " ".join(
        f"The {topic} report said {n} things about the case in detail." for n in range(6)
    )


def test_long_lone_paragraphs_in_a_list_of_teasers_stay_out_of_the_article() -> None:
    # Each teaser: a headline, a byline, a date, and a lead long enough to count as text.
    story = "\n\n".join(story_paragraphs()[:6])
    teasers = "\n\n".join(
        f"Headline about the {topic} story today\nBy A Writer\nTuesday November 19, 2019\n"
        f"{lead(topic)}"
        for topic in ["budget", "election", "weather", "football"]
    )
    result = clean(f"{story}\n\nMore from the site\n\n{teasers}")
    assert result.text == clean(story).text


def test_a_page_whose_article_is_one_long_paragraph_keeps_it() -> None:
    paragraph = lead("inquiry")
    header = "Home\nNews\nSport\n\nInquiry findings published\nBy A Writer"
    page = f"{header}\n\n{paragraph}\n\nAbout us\nContact"
    assert clean(page).text == paragraph


def test_japanese_running_text_is_found_without_spaces() -> None:
    # Japanese has no spaces between words: its paragraphs must still weigh as text.
    paragraphs = [
        "東京都は二十日、新しい防災計画を発表した。計画では、大きな地震が起きた場合に"
        "備えて、区や市と協力して避難所の数を増やし、食料や水の備蓄を見直すという。",
        "都の担当者は「住民一人ひとりが日頃から準備をしておくことが大切だ」と話し、"
        "家庭でも三日分の食料と水を用意するよう呼びかけている。",
        "計画は来年四月から順次実施される予定で、都は説明会を各地で開くとしている。",
    ]
    menu = "ホーム\nニュース\n天気\nスポーツ\nお問い合わせ"
    footer = "プライバシーポリシー\n利用規約\nサイトマップ"
    article = "\n\n".join(paragraphs)
    result = clean(f"{menu}\n\n{article}\n\n{footer}")
    assert result.text == article
    assert is_sentence_like(paragraphs[2])
    assert line_weight(paragraphs[0], None) > 20


def test_a_list_ending_the_article_stays_with_a_line_after_each_item() -> None:
    story = "\n\n".join(story_paragraphs()[:6])
    items = "\n".join(f"{n}) Offer number {n}\nhttp://example.com/{n}" for n in range(1, 6))
    result = clean(f"{story}\n{items}\n\nAbout us\nContact us\nJobs")
    # The last item keeps its line too, as every item before it had one.
    assert result.text.endswith("5) Offer number 5\nhttp://example.com/5")
    assert "About us" not in result.text


def test_blog_comments_are_cut_at_the_first_signature_even_after_a_short_post() -> None:
    post = "Our open thread for September is here. Ask us anything about our research."
    comments = "\n\n".join(
        f"{name} on September {day}, 2018 at 4:47 pm said:\n\n{text}"
        for name, day, text in [
            (
                "Milan Griffes",
                12,
                "Any update on how the new paper will affect the recommendation? " * 3,
            ),
            (
                "Catherine (GiveWell)",
                13,
                "We have not yet reviewed it, but plan to consider it soon. " * 3,
            ),
        ]
    )
    result = clean(f"{post}\n\n{comments}\n\nLeave a Reply")
    assert result.text == post
    assert result.dropped[0].reason.startswith("comments header 'Milan Griffes on September 12")


def test_html_extracted_text_keeps_what_the_extractor_chose() -> None:
    # Text already chosen by an HTML extractor: only phrases and comment sections go.
    text = "Short intro line\n\n" + "\n\n".join(story_paragraphs()[:3])
    assert clean(text, main_stretch=False).text.startswith("Short intro line")
    assert not clean(text).text.startswith("Short intro line")


def may_match_a_rule(key: str) -> bool:
    # classify() tries the rules on a key only if this holds of it.
    return key.count(" ") <= _RULES_MAX_SPACES or key.startswith(_RULES_OPEN_ENDED) or "  " in key


@settings(max_examples=1000, deadline=None)
@given(key=st.from_regex(_RULES, fullmatch=True))
def test_every_key_a_rule_matches_is_tried_against_the_rules(key: str) -> None:
    assert may_match_a_rule(key)


def test_the_most_spaced_single_spaced_keys_of_bounded_rules_are_tried() -> None:
    words = " ".join(["a"] * 15)  # the most "[\w' ]{1,30}" holds, single-spaced
    for key in [
        f"a b c more d e f news from {words}",
        f"please use {words} browser for a more accessible video player",
    ]:
        assert _RULES.fullmatch(key)
        assert key.count(" ") == _RULES_MAX_SPACES
        assert not _RULES.fullmatch(f"{key} a")


def test_open_ended_rules_still_drop_long_lines() -> None:
    words = " ".join(["word"] * 60)
    story = "\n\n".join(story_paragraphs())
    for line in [
        "Follow live coverage of " + words,
        "Click to share on X " + words,
        "Subscribe to " + words,
        "We use cookies " + words,
        "© 2024 " + words,
    ]:
        text = f"{story}\n\n{line}"
        last = clean(text).dropped[-1]
        assert last.span == (len(text) - len(line), len(text))
        assert last.reason.startswith("page furniture"), line


def test_no_page_title_is_longer_than_its_stated_limit() -> None:
    title, site = "x" * 300, "A" * 41
    assert _PAGE_TITLE.match(f"{title} | {site}")
    assert len(f"{title} | {site}") == _PAGE_TITLE_MAX_CHARS
    assert not _PAGE_TITLE.match(f"{title}x | {site}")
    assert not _PAGE_TITLE.match(f"{title} | {site}A")


LONG_LINE_WORDS = st.sampled_from(
    ["word", "Straße", "İSTANBUL", "ﬁnance", "ΣΑΣ", "\u0345x", "“quoted”", "(AP", "x" * 40]
)
ODD_SPACES = st.sampled_from(["  ", "\t", "\u00a0", "\u2003", "\u200b", "\u00ad"])


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(LONG_LINE_WORDS, min_size=25, max_size=60),
    odd=st.lists(st.tuples(st.integers(0, 59), ODD_SPACES), max_size=2),
    lead=st.sampled_from(["", " ", "\t  "]),
)
def test_a_long_plain_lines_key_has_its_words_less_one_spaces(
    words: list[str], odd: list[tuple[int, str]], lead: str
) -> None:
    # classify() counts a long single-spaced line's key's spaces from its words. Most
    # lines drawn here are single-spaced; some have other whitespace (not plain).
    gaps = [" "] * (len(words) - 1)
    for at, space in odd:
        if at < len(gaps):
            gaps[at] = space
    line = lead + words[0] + "".join(gap + word for gap, word in zip(gaps, words[1:], strict=True))
    table = LineTable(line)
    assert table.plain[0] == _single_spaced(table.stripped[0])
    if len(line) > KEY_MAX_CHARS and table.plain[0]:
        assert table.keys[0].count(" ") == table.words[0] - 1
        assert "  " not in table.keys[0]


def test_a_long_line_of_a_bounded_rules_most_spaces_is_still_tried() -> None:
    # 23 spaces in a line of over 160 characters: tried against the rules, and a header.
    line = "x" * 140 + " a b more c d e news from " + "a " * 14 + "a"
    assert len(line) > KEY_MAX_CHARS
    assert line.count(" ") == _RULES_MAX_SPACES
    table = LineTable(line)
    assert classify(table) == [f"list header {line!r}"]


def test_the_longest_page_title_is_dropped() -> None:
    story = "\n\n".join(story_paragraphs()[:8])
    title = "x" * 300 + " | " + "A" * 41
    assert "page title" in [item.reason for item in clean(f"{title}\n\n{story}").dropped]


def test_a_comments_header_counted_in_other_digits_opens_the_comments() -> None:
    story = "\n\n".join(story_paragraphs()[:8])
    result = clean(f"{story}\n\n١٢ responses\n\nA reader's reply to the story above, in full.")
    assert [item.reason for item in result.dropped][-2:] == [
        "comments header '١٢ responses'",
        "comments section",
    ]


# Lines that weigh as running text, and a few that make the main stretch matter.
RUNNING_LINES = st.sampled_from(
    [
        "", "   ", "The minister said on Tuesday that the plan would go ahead.",
        "Why did the plan fail so badly this year?", "What made the film so popular?",
        "a line that continues", "and ends here.", "Short.", "Wow!", "It went on:",
        "日本語の文章です。", "A question at the end?", "She said (it was over).",
        "an unfinished line that keeps going for twenty words or more, with commas, and more",
        "Connect with us", "A headline of several words", "34 Comments",
        "日本語の文章、日本語の文章、日本語の文章、日本語の文章", "why did they fall?",
        "About Jane Mary Ann Doe:", "Ann on May 5, 2019 at 10:15 am said:",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(RUNNING_LINES, max_size=12))
def test_a_text_of_running_lines_keeps_what_the_main_stretch_keeps(lines: list[str]) -> None:
    # Where every line is running text, cleaning skips finding the main stretch.
    text = "\n".join(lines)
    shortcut = clean(text)
    with unittest.mock.patch.object(boilerplate, "_all_running_text", return_value=False):
        assert clean(text) == shortcut


def one_line(paragraphs: list[str]) -> str:
    return " ".join(" ".join(paragraph.split()) for paragraph in paragraphs)


def test_a_page_carrying_its_article_again_on_one_line_keeps_the_paragraphs() -> None:
    paragraphs = story_paragraphs()
    body = one_line(paragraphs)
    # As a page with the body in its structured data, rendered as text, has it.
    page = "\n\n".join([*paragraphs, "facebook", "twitter", "{copy}", "international"])
    text = page.format(copy=body)
    result = clean(text)
    assert result.text == clean(page.format(copy="")).text
    copy = text.index(body)
    assert Dropped((copy, copy + len(body)), "copy of the article") in result.dropped


def test_of_two_copies_of_an_article_on_one_line_the_first_is_kept() -> None:
    body = one_line(story_paragraphs())
    between = "The story was first published on Friday."
    result = clean(f"{body}\n\n{between}\n\n{body} It was updated later.")
    assert result.text == f"{body}\n\n{between}"
    assert [item.reason for item in result.dropped] == ["copy of the article"]


def test_a_split_page_drops_the_copy_in_its_own_part() -> None:
    paragraphs = [" ".join(paragraph.split()) for paragraph in story_paragraphs()]
    # The copy is over a quarter of its own part's words, not of the page's.
    first, second = paragraphs[:35] * 2, paragraphs[35:]
    text = "\n\n".join(
        [*first, "Continue Reading", "By Jane Doe", *second, "facebook", one_line(second)]
    )
    articles = split_articles(Document("page", text, "page.txt"))
    assert len(articles) == 2
    assert "copy of the article" in [item.reason for item in articles[1].clean.dropped]
    assert one_line(second) not in articles[1].text
    assert articles[1].text.endswith(second[-1])


def test_a_long_line_after_another_of_other_text_is_not_a_copy() -> None:
    # Each over 250 words and a quarter of the page, the first as long as the second: only
    # their words' 4-grams tell them apart.
    paragraphs = story_paragraphs()
    text = f"{one_line(paragraphs[:25])}\n\n{one_line(paragraphs[25:50])}"
    assert clean(text).text == text


def sentences(count: int, topic: str) -> str:
    return " ".join(
        f"The {topic} was discussed for the {n}th time by the panel on Monday."
        for n in range(count)
    )


def test_a_long_paragraph_repeated_in_a_much_longer_article_is_not_a_copy() -> None:
    # 260 words again, in an article of over 1,300: under a quarter of it.
    long = sentences(20, "plan")
    paragraphs = [" ".join(paragraph.split()) for paragraph in story_paragraphs()]
    text = "\n\n".join([long, *paragraphs, long])
    assert "copy of the article" not in [item.reason for item in clean(text).dropped]


@pytest.mark.parametrize(
    "text",
    [
        # A clause quoted, then quoted again as amended: a paragraph, not a copy.
        "The original clause read:\n\n{clause}\n\nIt now reads:\n\n{amended}",
        # A reader's comment quoting the article, which is one paragraph.
        "{clause}\n\n12 Comments\n\nJane on 5 May 2019 at 10:00 said:\n\n{clause} Agreed.",
    ],
)
def test_a_paragraph_repeated_on_a_page_is_not_a_copy_of_the_article(text: str) -> None:
    clause = sentences(12, "clause")
    page = text.format(clause=clause, amended=clause.replace("Monday", "Tuesday", 1))
    assert "copy of the article" not in [item.reason for item in clean(page).dropped]


def test_a_long_paragraph_that_repeats_only_part_of_its_article_stays() -> None:
    paragraphs = [" ".join(paragraph.split()) for paragraph in story_paragraphs()[1:13]]
    # A summary made of the paragraphs' first sentences and new text: most of its
    # 4-grams are not in the rest.
    summary = " ".join(paragraph.split(". ")[0] + "." for paragraph in paragraphs)
    summary += " " + " ".join(f"Fresh words number {n} about the matter." for n in range(40))
    text = "\n\n".join([summary, *paragraphs])
    assert clean(text).text == text


def story_around(block: str, first: int = 0) -> str:
    """Some of the story's paragraphs, then ``block``, then more of them."""
    paragraphs = story_paragraphs()[first : first + 20]
    return "\n\n".join([*paragraphs[:10], block, *paragraphs[10:]])


TEASERS = """Top stories
Firefighters contain the blaze on the ridge
Crews worked through the night to stop the flames reaching homes.
City council delays the vote on the budget
The decision was pushed back after a long debate on Tuesday.
Local team wins the regional final"""


def test_headlines_each_with_a_line_of_teaser_go_under_their_list_header() -> None:
    result = clean(story_around(TEASERS))
    assert "Firefighters" not in result.text
    assert "Crews worked" not in result.text
    reasons = [item.reason for item in result.dropped]
    assert reasons.count("headline list under 'Top stories'") == 5


@pytest.mark.parametrize(
    "block",
    [
        # Two lines of running text in a row: a subheading's paragraph.
        "Trending now\nThe phrase trended all day\nUsers posted thousands of messages about it."
        "\nMany of them asked the company to explain itself.\nIt has not answered yet.",
        # A line of text first.
        "Latest news\nThe council met again on Monday evening.\nBudget talks resume today"
        "\nThe vote is expected before the end of the month.\nSchools to stay open",
        # A FAQ: questions, each with its answer.
        "Related\nWhat does the change mean for tenants?\nRents will be capped for two years."
        "\nWho pays for the new homes?\nThe council and the developer share the cost.",
        # A live blog: time stamps, each with its update.
        "Latest news\n10:32 GMT\nThe river has burst its banks near the bridge."
        "\n10:47 GMT\nResidents are being moved to the school hall.",
        # A paragraph of an article written one to a line is longer than a teaser.
        "More from the town\nFirefighters contain the blaze on the ridge\n"
        + sentences(4, "fire")
        + "\nCity council delays the vote on the budget\n"
        + sentences(4, "vote"),
    ],
)
def test_a_list_header_over_text_that_is_not_teasers_keeps_it(block: str) -> None:
    result = clean(story_around(block))
    for line in block.splitlines()[1:]:
        assert line in result.text


def test_a_subheading_and_its_paragraph_under_a_list_header_stay() -> None:
    block = "More from the town\nCouncil approves the new park\nIt opens next spring, he said."
    result = clean(story_around(block))
    assert "It opens next spring, he said." in result.text


def test_a_briefing_made_of_headlines_and_summaries_keeps_them() -> None:
    items = "\n".join(
        f"Headline number {n} about the council vote\nThe council said more on item {n} today."
        for n in range(8)
    )
    result = clean(f"Morning briefing\n\nHere is what you need to know.\n\nTop stories\n{items}")
    assert "Headline number 7 about the council vote" in result.text


def test_a_list_header_learnt_as_repeated_still_heads_its_list() -> None:
    lists = [
        "Most read\nFirefighters contain the blaze\nCouncil delays the vote",
        "Most read\nLocal team wins the final\nMuseum reopens its doors",
        "Most read\nStorm closes the coast road\nSchool gets a new head",
    ]
    texts = [story_around(block, first=20 * n) for n, block in enumerate(lists)]
    repeated = RepeatedLines(texts, min_documents=3)
    assert "most read" in repeated
    result = clean(texts[0], repeated=repeated)
    assert "Firefighters" not in result.text
    reasons = [item.reason for item in result.dropped]
    assert "list header 'Most read'" in reasons
    assert reasons.count("headline list under 'Most read'") == 2


@pytest.mark.parametrize(
    "header",
    [
        "Lascia un commento Annulla risposta", "Lascia una risposta",
        "Deja un comentario", "Deja una respuesta Cancelar la respuesta",
        "Deixe um comentário", "Deixe uma resposta Cancelar resposta",
        "Laisser un commentaire", "Laisser une réponse Annuler la réponse",
        "Schreibe einen Kommentar", "Hinterlasse eine Antwort",
        "Geef een reactie", "Laat een reactie achter",
    ],
)  # fmt: skip
def test_wordpress_comment_forms_in_other_languages_end_the_article(header: str) -> None:
    story = "\n\n".join(story_paragraphs()[:8])
    comment = "Great article, thanks for writing it up so clearly and in such detail."
    result = clean(f"{story}\n\n{header}\n\n{comment}")
    assert result.text == clean(story).text
    reasons = [item.reason for item in result.dropped]
    assert reasons[-2:] == [f"comments header {header!r}", "comments section"]


def test_a_long_menu_line_split_by_tabs_is_learnt_and_dropped() -> None:
    # Over 160 characters, no spaces, 24 words: not single-spaced, so its key's spaces
    # are counted, not taken from its words.
    menu = "\t".join(["Home", "World", "Politics", "Business", "Technology", "Science"] * 4)
    assert len(menu) > KEY_MAX_CHARS
    paragraphs = [" ".join(paragraph.split()) for paragraph in story_paragraphs()]
    texts = [f"{paragraphs[n]}\n\n{menu}\n\n{paragraphs[n + 5]}" for n in range(3)]
    repeated = RepeatedLines(texts, min_documents=3)
    assert classify(LineTable(texts[0]), repeated)[2] == "repeated in 3 documents"


@pytest.mark.parametrize(
    "sentence",
    [
        "Deja una respuesta abierta el alcalde sobre la financiación del proyecto.",
        "Lascia un commento amaro il sindaco, che definisce il voto una sconfitta.",
        "Geef een reactie op het voorstel vóór 1 juni via de website van de gemeente.",
    ],
)
def test_a_sentence_that_opens_like_a_comment_form_is_article_text(sentence: str) -> None:
    story = "\n\n".join(story_paragraphs()[:8])
    assert clean(f"{story}\n\n{sentence}\n\nThe end of the story.").text.endswith(
        "The end of the story."
    )


def edited_copy(paragraphs: list[str], copy: int) -> list[str]:
    """A syndicated copy: one word edited in every fourth paragraph (which ones by copy)."""
    edited = []
    for index, paragraph in enumerate(paragraphs):
        words = paragraph.split(" ")
        if index % 4 == copy % 4 and len(words) >= 12:
            words[len(words) // 2] = "reportedly"
        edited.append(" ".join(words))
    return edited


def test_subheadings_of_a_story_syndicated_with_edits_are_not_learnt() -> None:
    # Four copies of one story on four pages of a site: the original, two with a word
    # edited here and there, one abridged and wrapped at 70 characters. The story's
    # subheadings and byline recur in all four, between paragraphs that read the same.
    paragraphs = story_paragraphs()
    wrapped = [textwrap.fill(p, 70) for p in edited_copy(paragraphs, 3)[:44]]
    stories = [paragraphs, edited_copy(paragraphs, 1), edited_copy(paragraphs, 2), wrapped]
    pages = [site_page("\n\n".join(story), k) for k, story in enumerate(stories)]
    # The site's other pages hold other stories (the Irish election articles of seed B).
    other = [p for p in seed_text(SEED_B).split("\n\n") if len(p.split()) >= 20]
    others = [site_page("\n\n".join(other[k::3]), 4 + k) for k in range(3)]
    repeated = RepeatedLines(pages + others, min_documents=3)
    # The site's furniture is learnt, the story's lines are not, and cleaning keeps them.
    assert "our journalism is funded by readers like you" in repeated
    subheadings = [
        "Footage circulating online",
        "What satellite images can tell us",
        "Weapon deliveries",
    ]
    for page in pages:
        kept = clean(page, repeated=repeated).text
        assert "Our journalism is funded" not in kept
        for line in subheadings[: 2 if page is pages[3] else 3]:
            assert line_key(line) not in repeated, line
            assert f"\n\n{line}\n\n" in kept, line
