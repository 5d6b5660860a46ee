from __future__ import annotations

import importlib
import random
from pathlib import Path
from typing import Any

import pytest

from neardup import Document

DATA = Path(__file__).parent / "data"
SEED_A = "000_ffaa124a4719848a.txt"
SEED_B = "001_88b114c9c82cdf36.txt"


def seed_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def story_paragraphs() -> list[str]:
    """The Sky News story's paragraphs (seed A between its header and its footer)."""
    text = seed_text(SEED_A)
    body = text[text.index("While North Korea") : text.index("Read original article here.")]
    return [paragraph for paragraph in body.split("\n\n") if paragraph.strip()]


def docs(**texts: str) -> list[Document]:
    return [Document(id=name, text=text, path=name) for name, text in texts.items()]


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name in (SEED_A, SEED_B):
        (folder / name).write_bytes((DATA / name).read_bytes())
    return folder


@pytest.fixture(autouse=True)
def _cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Journals of interrupted dedup runs go to a cache folder of each test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ".cache"))


def helsinki_rows() -> list[Any]:
    """The Helsinki corpus's pages, as benchmarks/_corpora.py loads them (``HelsinkiRow``).

    The corpora live outside the repository (``$NEARDUP_CORPORA``, else
    ``../shared/corpora``); they are never copied into it.
    """
    rows: list[Any] = importlib.import_module("benchmarks._corpora").load_helsinki()
    return rows


def write_corpus(folder: Path, stories: int = 150) -> None:
    """``stories`` different stories, each in two files (the copy with its last word changed)."""
    chance = random.Random(7)
    vocabulary = [
        f"{chance.choice('bcdfgklmnprst')}{chance.choice('aeiou')}{n}" for n in range(3000)
    ]
    folder.mkdir()
    for number in range(stories):
        words = [chance.choice(vocabulary) for _ in range(70)]
        story = " ".join(words[:35]) + ".\n\n" + " ".join(words[35:]) + "."
        (folder / f"story{number:03}a.txt").write_text(story, encoding="utf-8")
        (folder / f"story{number:03}b.txt").write_text(story[:-1] + " too.", encoding="utf-8")
