"""A labelled benchmark of realistic syndication: pair precision, recall and F1 per seed.

Usage::

    python benchmarks/syndication.py [--seeds 1 2 3] [--no-peer]

Builds, reproducibly from a seed, a corpus of pages made from real article text in
``../shared/corpora`` (the scrapinghub-aeb gold article bodies and the bodies of the
Helsinki summit articles), with the truth of which pages share an article:

- each chosen source article appears as an original page and as 0 to 3 republished
  copies; a copy is edited as syndication edits it, in a random mix and strength:
  abridged (paragraphs cut from the end or the middle), one- or two-word edits scattered
  over several paragraphs, a local paragraph inserted, lines re-wrapped, an advertisement
  line between paragraphs, other articles appended, or embedded in a multi-article page
  (a "Continue Reading" page whose articles each carry a header block);
- every page carries its site's furniture (header and footer lines), taken from the lines
  that one Helsinki publisher repeats on its pages;
- the Helsinki sources are chosen so that no two share more than a tenth of their 5-word
  shingles: many are different stories about one summit (same topic, shared names and
  quotes), the hard negatives. Articles appended to or around a copy are used once each.

Two pages are a true pair when they hold the same source article. A tool's pairs are
the pages it puts together (neardup: pages with articles in one cluster; the datasketch
``MinHashLSH`` recipe at thresholds 0.3, 0.5 and 0.8: pages a query returns), scored as
pair precision, recall and F1.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from _corpora import CorpusMissingError, corpus_file, load_helsinki
from neardup import Config, Document, find_duplicates
from neardup.normalize import normalize

AEB_TRUTH = Path("scrapinghub-aeb") / "ground-truth.json"
# A paragraph shorter than this (in words) is not body text on a Helsinki page.
BODY_PARAGRAPH_WORDS = 12
# Source bodies are cut to this many words, so one long article cannot dominate.
MAX_SOURCE_WORDS = 1200
MIN_SOURCE_WORDS = 150
# Two Helsinki sources share less than this share of either's shingles.
DISTINCT_BELOW = 0.1
ADVERTISEMENTS = (
    "Advertisement",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "Sponsored Content",
    "Continue reading the main story",
)
# Words a copy editor adds or swaps in.
EDIT_WORDS = (
    "also", "however", "reportedly", "recently", "now", "still", "then", "later",
    "said", "says", "told", "added", "on", "the", "a", "new", "former", "US", "earlier",
)  # fmt: skip
SECTIONS = ("World", "Politics", "News", "Business", "US", "Top Stories")
COPIES_WEIGHTS = {0: 15, 1: 35, 2: 30, 3: 20}
PEER_THRESHOLDS = (0.3, 0.5, 0.8)


@dataclass(frozen=True)
class Source:
    """A real article: its id, title line and body paragraphs."""

    id: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Material:
    """What pages are made of: source articles, fillers, local paragraphs, furniture.

    Attributes:
        sources: Articles that get copies (AEB and Helsinki bodies, pairwise distinct).
        fillers: Other articles, appended to or around a copy (each used once per corpus).
        local: Paragraphs a republishing site inserts (from articles never used otherwise).
        furniture: Per site, the lines it repeats on its pages (header, footer).
    """

    sources: tuple[Source, ...]
    fillers: tuple[Source, ...]
    local: tuple[str, ...]
    furniture: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Corpus:
    """Generated pages and their truth.

    Attributes:
        documents: The pages, in id order.
        stories: Each page's id and the source article it holds (``None``: none of them).
        edits: Each copy's id and the edits made to it, for the breakdown of misses.
    """

    documents: tuple[Document, ...]
    stories: dict[str, str | None]
    edits: dict[str, tuple[str, ...]]

    def true_pairs(self) -> set[tuple[str, str]]:
        """Pairs of page ids (sorted) that hold the same source article."""
        by_story: dict[str, list[str]] = {}
        for page, story in self.stories.items():
            if story is not None:
                by_story.setdefault(story, []).append(page)
        return {
            (a, b)
            for pages in by_story.values()
            for a, b in itertools.combinations(sorted(pages), 2)
        }


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", normalize(text))


def _shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def _cut(paragraphs: Sequence[str], limit: int = MAX_SOURCE_WORDS) -> tuple[str, ...]:
    """The leading paragraphs holding at most ``limit`` words (at least one)."""
    kept: list[str] = []
    total = 0
    for paragraph in paragraphs:
        total += len(paragraph.split())
        if kept and total > limit:
            break
        kept.append(paragraph)
    return tuple(kept)


def _english(text: str) -> bool:
    words = _words(text)
    common = sum(word in {"the", "and", "of", "to", "in", "a", "is"} for word in words)
    return len(words) > 0 and common / len(words) > 0.08


def load_material() -> Material:
    """Sources, fillers, local paragraphs and site furniture from the real corpora.

    Deterministic: the same files give the same material, in the same order.
    """
    truth = json.loads(corpus_file(AEB_TRUTH).read_text(encoding="utf-8"))
    aeb: list[Source] = []
    for key in sorted(truth):
        body = truth[key]["articleBody"]
        paragraphs = [line.strip() for line in body.split("\n") if line.strip()]
        if len(paragraphs) < 4 or not _english(body):
            continue
        paragraphs = list(_cut(paragraphs))
        if sum(len(p.split()) for p in paragraphs) >= MIN_SOURCE_WORDS:
            aeb.append(Source(f"aeb-{key[:12]}", paragraphs[0][:80], tuple(paragraphs)))
    rows = load_helsinki()
    # A line on pages of several publishers, or many pages of one, is page furniture.
    pages_of: dict[str, set[str]] = {}
    for row in rows:
        for line in row.document.text.split("\n\n"):
            pages_of.setdefault(line.strip(), set()).add(row.document.id)
    by_publisher: dict[str, Counter[str]] = {}
    helsinki: list[Source] = []
    for row in rows:
        lines = [line.strip() for line in row.document.text.split("\n\n") if line.strip()]
        repeated = [line for line in lines if len(pages_of[line]) >= 3]
        by_publisher.setdefault(row.publisher, Counter()).update(
            line for line in repeated if len(line.split()) <= 12
        )
        body = [
            line
            for line in lines
            if len(line.split()) >= BODY_PARAGRAPH_WORDS and len(pages_of[line]) == 1
        ]
        if len(body) >= 4 and sum(len(p.split()) for p in body) >= MIN_SOURCE_WORDS:
            helsinki.append(Source(f"hel-{row.document.id}", lines[0][:80], _cut(body)))
    distinct: list[Source] = []
    kept_sets: list[set[tuple[str, ...]]] = []
    for source in helsinki:
        mine = _shingles("\n".join(source.paragraphs))
        if all(
            len(mine & other) < DISTINCT_BELOW * min(len(mine), len(other)) for other in kept_sets
        ):
            distinct.append(source)
            kept_sets.append(mine)
    furniture = tuple(
        tuple(line for line, count in counts.most_common(12) if count >= 3)
        for _, counts in sorted(by_publisher.items())
    )
    furniture = tuple(lines for lines in furniture if len(lines) >= 4)
    half = len(distinct) // 2
    local_pool = aeb[len(aeb) * 3 // 4 :]
    return Material(
        sources=tuple(aeb[: len(aeb) * 3 // 4] + distinct[:half]),
        fillers=tuple(distinct[half:]),
        local=tuple(
            p for source in local_pool for p in source.paragraphs if 15 < len(p.split()) <= 80
        ),
        furniture=furniture,
    )


def _edit_words(paragraph: str, rng: random.Random, edits: int) -> str:
    """``paragraph`` with ``edits`` one- or two-word edits at random places."""
    words = paragraph.split()
    for _ in range(edits):
        if len(words) < 4:
            break
        at = rng.randrange(1, len(words) - 1)
        kind = rng.choice(("replace", "replace", "insert", "delete", "two"))
        if kind == "replace":
            words[at] = rng.choice(EDIT_WORDS)
        elif kind == "insert":
            words.insert(at, rng.choice(EDIT_WORDS))
        elif kind == "delete":
            del words[at]
        else:
            words[at : at + 2] = [rng.choice(EDIT_WORDS), rng.choice(EDIT_WORDS)]
    return " ".join(words)


def _header(source: Source, rng: random.Random) -> list[str]:
    """The header block a multi-article page puts before each of its articles."""
    return [rng.choice(SECTIONS), source.title, "Published", "on", "By"]


class _Generator:
    """Makes one corpus from ``material`` with one random generator."""

    def __init__(self, material: Material, seed: int) -> None:
        self.material = material
        self.rng = random.Random(seed)
        self.fillers: list[Source] = []
        self.local = list(material.local)
        self.rng.shuffle(self.local)

    def filler(self) -> Source:
        # Each filler once per corpus: a page it is in shares it with no other page.
        return self.fillers.pop()

    def copy(self, source: Source) -> tuple[list[str], tuple[str, ...], bool]:
        """A republished copy's paragraphs, the edits made, and whether it is a page of several."""
        rng = self.rng
        paragraphs = list(source.paragraphs)
        strength = rng.choice(("light", "medium", "strong"))
        edits: list[str] = [strength]
        if rng.random() < 0.4:
            keep = rng.uniform(0.55, 0.9)
            count = max(3, round(len(paragraphs) * keep))
            if rng.random() < 0.5:
                paragraphs = paragraphs[:count]
            else:
                for _ in range(len(paragraphs) - count):
                    del paragraphs[rng.randrange(1, len(paragraphs))]
            edits.append("abridged")
        # Scattered edits: in light copies a few paragraphs, in strong ones most of them.
        share = {"light": 0.2, "medium": 0.35, "strong": 0.5}[strength]
        touched = [i for i in range(len(paragraphs)) if rng.random() < share]
        for index in touched:
            paragraphs[index] = _edit_words(paragraphs[index], rng, rng.choice((1, 1, 2)))
        if touched:
            edits.append("word-edits")
        if rng.random() < 0.35 and self.local:
            paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), self.local.pop())
            edits.append("local-paragraph")
        if rng.random() < 0.35:
            ad = rng.choice(ADVERTISEMENTS)
            for _ in range(rng.randint(1, 2)):
                paragraphs.insert(rng.randrange(1, len(paragraphs)), ad)
            edits.append("advertisement")
        if rng.random() < 0.35:
            width = rng.randint(55, 90)
            paragraphs = [textwrap.fill(p, width) for p in paragraphs]
            edits.append("rewrapped")
        several = rng.random() < 0.3
        if several:
            edits.append("multi-article-page")
        elif rng.random() < 0.3:
            for _ in range(rng.randint(1, 2)):
                paragraphs.extend(self.filler().paragraphs)
            edits.append("appended")
        return paragraphs, tuple(edits), several

    def page(self, site: int, body: list[str]) -> str:
        """A page of ``site``: some of its furniture, the body, more furniture."""
        lines = self.material.furniture[site]
        head = max(1, len(lines) // 2)
        return "\n\n".join([*lines[:head], *body, *lines[head:]]) + "\n"

    def multi_page(self, source: Source, paragraphs: list[str]) -> list[str]:
        """A page of several articles: the copy among fillers, each after a header block."""
        stories: list[tuple[Source, list[str]]] = [
            (self.filler(), []) for _ in range(self.rng.randint(1, 2))
        ]
        stories.insert(self.rng.randrange(len(stories) + 1), (source, paragraphs))
        body: list[str] = []
        for index, (story, text) in enumerate(stories):
            if index:
                body.append("Continue Reading")
            body.extend(_header(story, self.rng))
            body.extend(text or story.paragraphs)
        return body

    def corpus(self, count: int) -> Corpus:
        rng = self.rng
        sources = rng.sample(self.material.sources, min(count, len(self.material.sources)))
        # The sources not chosen are fillers too.
        chosen = {source.id for source in sources}
        self.fillers = list(self.material.fillers)
        self.fillers += [s for s in self.material.sources if s.id not in chosen]
        rng.shuffle(self.fillers)
        sites = len(self.material.furniture)
        pages: list[tuple[str, str, str | None]] = []
        edits: dict[str, tuple[str, ...]] = {}
        for number, source in enumerate(sources):
            copies = rng.choices(list(COPIES_WEIGHTS), weights=list(COPIES_WEIGHTS.values()))[0]
            used = rng.sample(range(sites), copies + 1)
            pages.append(
                (f"s{number:03d}-0", self.page(used[0], list(source.paragraphs)), source.id)
            )
            for copy_number in range(1, copies + 1):
                paragraphs, made, several = self.copy(source)
                body = self.multi_page(source, paragraphs) if several else paragraphs
                page_id = f"s{number:03d}-{copy_number}"
                pages.append((page_id, self.page(used[copy_number], body), source.id))
                edits[page_id] = made
        # Pages holding only other articles: negatives, same topic as the Helsinki sources.
        for number in range(min(count // 5, len(self.fillers))):
            filler = self.filler()
            pages.append(
                (f"f{number:03d}", self.page(rng.randrange(sites), list(filler.paragraphs)), None)
            )
        # Page ids must not reveal the truth to a tool: name pages by a shuffled number.
        rng.shuffle(pages)
        documents = []
        stories: dict[str, str | None] = {}
        renamed: dict[str, tuple[str, ...]] = {}
        for index, (old_id, text, story) in enumerate(pages):
            page_id = f"page{index:04d}.txt"
            documents.append(Document(page_id, text, page_id))
            stories[page_id] = story
            if old_id in edits:
                renamed[page_id] = edits[old_id]
        return Corpus(tuple(documents), stories, renamed)


def generate(material: Material, seed: int, sources: int = 100) -> Corpus:
    """A labelled corpus of ``sources`` source articles and their copies, from ``seed``.

    The same material and seed give the same corpus, byte for byte.
    """
    return _Generator(material, seed).corpus(sources)


@dataclass(frozen=True)
class Score:
    """Pair precision, recall and F1 of one tool on one corpus."""

    precision: float
    recall: float
    f1: float
    found: int
    true: int


def score(found: Iterable[tuple[str, str]], true: set[tuple[str, str]]) -> Score:
    """Pair precision, recall and F1 of ``found`` (sorted id pairs) against ``true``."""
    predicted = {tuple(sorted(pair)) for pair in found}
    hits = len(predicted & true)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, len(predicted), len(true))


def neardup_pairs(documents: Sequence[Document], config: Config) -> set[tuple[str, str]]:
    """Pages that ``find_duplicates`` puts in one cluster, as sorted id pairs."""
    result = find_duplicates(documents, config)
    pairs: set[tuple[str, str]] = set()
    for cluster in result.clusters:
        pages = sorted({member.article.document for member in cluster.members})
        pairs.update(itertools.combinations(pages, 2))
    return pairs


def datasketch_pairs(documents: Sequence[Document], threshold: float) -> set[tuple[str, str]]:
    """The datasketch recipe: MinHash of each page's word 5-shingles, MinHashLSH queries."""
    from datasketch import MinHash, MinHashLSH

    index = MinHashLSH(threshold=threshold, num_perm=128)
    pairs: set[tuple[str, str]] = set()
    for document in documents:
        sketch = MinHash(num_perm=128, seed=1)
        for shingle in _shingles(document.text):
            sketch.update(" ".join(shingle).encode("utf-8"))
        for other in index.query(sketch):
            pairs.add((min(other, document.id), max(other, document.id)))
        index.insert(document.id, sketch)
    return pairs


def _misses(corpus: Corpus, found: set[tuple[str, str]]) -> Counter[str]:
    """How often each edit occurs among the copies of the true pairs missed."""
    counts: Counter[str] = Counter()
    for a, b in corpus.true_pairs() - found:
        for page in (a, b):
            counts.update(corpus.edits.get(page, ()))
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--sources", type=int, default=100, help="source articles per corpus")
    parser.add_argument("--no-peer", action="store_true", help="skip the datasketch recipe")
    parser.add_argument("--misses", action="store_true", help="count the edits of missed pairs")
    parser.add_argument(
        "--alignment",
        type=lambda value: None if value == "none" else float(value),
        default=Config().alignment,
        help="neardup's alignment setting ('none': off) [default: the default]",
    )
    arguments = parser.parse_args(argv)
    try:
        material = load_material()
    except CorpusMissingError as error:
        print(f"syndication.py: {error}", file=sys.stderr)
        return 2
    print(
        f"material: {len(material.sources)} sources, {len(material.fillers)} fillers, "
        f"{len(material.local)} local paragraphs, {len(material.furniture)} sites"
    )
    config = Config(alignment=arguments.alignment)
    name = "neardup Config()"
    if config != Config():
        name = f"neardup alignment={config.alignment}"
    tools: list[tuple[str, object]] = [(name, config)]
    if not arguments.no_peer:
        tools += [(f"datasketch MinHashLSH({t})", t) for t in PEER_THRESHOLDS]
    print(f"{'seed':>4}  {'tool':<28} {'pages':>5} {'true':>5} {'found':>5} "
          f"{'precision':>9} {'recall':>7} {'F1':>6} {'s':>6}")  # fmt: skip
    for seed in arguments.seeds:
        corpus = generate(material, seed, arguments.sources)
        true = corpus.true_pairs()
        for name, setting in tools:
            start = time.perf_counter()
            if isinstance(setting, Config):
                found = neardup_pairs(corpus.documents, setting)
            else:
                found = datasketch_pairs(corpus.documents, float(str(setting)))
            elapsed = time.perf_counter() - start
            result = score(found, true)
            print(
                f"{seed:>4}  {name:<28} {len(corpus.documents):>5} {result.true:>5} "
                f"{result.found:>5} {result.precision:>9.3f} {result.recall:>7.3f} "
                f"{result.f1:>6.3f} {elapsed:>6.2f}"
            )
            if arguments.misses and isinstance(setting, Config):
                print("      missed pairs' edits:", dict(_misses(corpus, found).most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
