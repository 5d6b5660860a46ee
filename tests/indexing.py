"""Corpora for the index and check tests: news-like articles in page furniture."""

from __future__ import annotations

import random
from pathlib import Path

from .conftest import story_paragraphs

_VOCABULARY = (
    "council minister police report market city storm river school budget vote court "
    "hospital energy price talks border water farmers rail strike museum harbour bank "
    "union election festival bridge tax plan officials residents weather industry team "
    "season players coach league airport flight drivers road health study scientists"
)
_GLUE_WORDS = "the a of to in and on for with after before as said that was were has have"
_WORDS = _VOCABULARY.split()
_GLUE = _GLUE_WORDS.split()


def article(seed: int, paragraphs: int = 5) -> str:
    """A made-up news article: a headline and paragraphs of sentences, different per seed."""
    rng = random.Random(seed)
    title = " ".join(rng.choice(_WORDS).title() for _ in range(6))
    body = []
    for _ in range(paragraphs):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            words = [rng.choice(_WORDS if rng.random() < 0.6 else _GLUE) for _ in range(16)]
            sentences.append(" ".join(words).capitalize() + ".")
        body.append(" ".join(sentences))
    return "\n\n".join([title, *body]) + "\n"


def page(text: str, site: str = "Daily Courier") -> str:
    """An article in a site's page furniture (header and footer lines)."""
    return f"{site}\nHome | World | Sport\n\n{text}\nShare this article\nMore from {site}\n"


def story() -> str:
    """The real Sky News story of the seeds, without its page."""
    return "\n\n".join(story_paragraphs()) + "\n"


def write_corpus(folder: Path, count: int = 8) -> dict[str, str]:
    """Write ``count`` different articles as pages in ``folder``; their texts by name."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {"story.txt": page(story())}
    texts.update({f"article{seed:02d}.txt": page(article(seed)) for seed in range(count - 1)})
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return texts
