"""Speed and memory, side by side with the peers, on a generated news-like corpus.

Generates a deterministic corpus (news-like articles built from the seed story's words,
with planted near-duplicates: abridged, edited, re-wrapped and re-framed copies), then
measures in one run, each task in a fresh process (peak memory is that process's):

- tokenising floor: ``regex`` lowercase + ``\\w+``, and neardup's numpy byte tokeniser;
- sketching (tokenise, 5-word shingles, hash, 128-permutation MinHash) on one core:
  neardup, datasketch ``MinHash.bulk`` fed xxh3 shingle hashes, rensa ``RMinHash`` fed
  ``regex`` shingles;
- end to end: ``neardup scan`` work (read from memory, clean, split, sketch, index,
  verify, cluster) with ``--jobs 2``, and datasketch ``bulk`` + ``MinHashLSH``;

and prints MB/s, peak memory (and the memory before the task, holding the generated
corpus; and the largest peak of the task's worker processes) and the ratios.
``--articles N`` sets the corpus size (default 20,000); ``--short N`` instead generates N
short articles (the 1,000,000-article memory check: ``--short 1000000 --only scan``).

Run: ``python benchmarks/speed.py`` (needs ``pip install '.[bench]'``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from queue import Empty
from typing import Any

import numpy as np
import regex

from neardup import Config, Document, MinHasher, find_duplicates
from neardup.shingles import shingle_hashes_batch, token_bounds

SEED_TEXT = Path(__file__).resolve().parent.parent / "examples" / "001_88b114c9c82cdf36.txt"
_WORD = regex.compile(r"\w+")


def vocabulary() -> tuple[list[str], list[float]]:
    """Words of the seed page with Zipf-like weights (rank r weighs 1 / r)."""
    words = sorted(set(_WORD.findall(SEED_TEXT.read_text(encoding="utf-8"))))
    random.Random(0).shuffle(words)
    return words, [1.0 / (rank + 1) for rank in range(len(words))]


def article(rng: random.Random, words: list[str], weights: list[float], size: int) -> str:
    paragraphs = []
    for _ in range(size):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            picked = rng.choices(words, weights, k=rng.randint(8, 24))
            sentences.append(" ".join(picked).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def corpus(count: int, paragraphs: tuple[int, int], seed: int = 7) -> list[Document]:
    """``count`` articles; about one in six is a near-duplicate of an earlier one."""
    rng = random.Random(seed)
    words, weights = vocabulary()
    texts: list[str] = []
    for number in range(count):
        if number > 10 and rng.random() < 1 / 6:
            source = texts[rng.randrange(len(texts))].split("\n\n")
            kind = rng.randrange(3)
            if kind == 0:  # abridged
                source = source[: max(1, len(source) * 2 // 3)]
            elif kind == 1:  # edited words
                source = [p.replace(" the ", " a ", 2) for p in source]
            else:  # re-framed by another site
                source = ["Connect with us", "Published", *source, "Continue Reading"]
            texts.append("\n\n".join(source))
        else:
            texts.append(article(rng, words, weights, rng.randint(*paragraphs)))
    return [Document(f"a{i:07}.txt", text, f"a{i:07}.txt") for i, text in enumerate(texts)]


def regex_shingles(text: str) -> list[str]:
    tokens = _WORD.findall(text.lower())
    return [" ".join(tokens[i : i + 5]) for i in range(len(tokens) - 4)]


def task_regex(documents: list[Document]) -> Any:
    return sum(len(_WORD.findall(d.text.lower())) for d in documents)


def task_bytes(documents: list[Document]) -> Any:
    total = 0
    for start in range(0, len(documents), 1000):
        batch = "\n".join(d.text.lower() for d in documents[start : start + 1000])
        total += len(token_bounds(np.frombuffer(batch.encode(), dtype=np.uint8))[0])
    return total


def task_neardup_sketch(documents: list[Document]) -> Any:
    hasher = MinHasher(128, 1)
    total = 0
    for start in range(0, len(documents), 1000):
        batch = [d.text for d in documents[start : start + 1000]]
        total += len(hasher.signatures(shingle_hashes_batch(batch)))
    return total


def task_datasketch(documents: list[Document]) -> Any:
    import xxhash
    from datasketch import MinHash

    def hashed(text: str) -> list[int]:
        return [xxhash.xxh3_64_intdigest(s.encode()) & 0xFFFFFFFF for s in regex_shingles(text)]

    return len(MinHash.bulk((hashed(d.text) for d in documents), num_perm=128, hashfunc=int))


def task_rensa(documents: list[Document]) -> Any:
    from rensa import RMinHash

    total = 0
    for document in documents:
        sketch = RMinHash(num_perm=128, seed=1)
        sketch.update(regex_shingles(document.text))
        total += len(sketch.digest())
    return total


def task_neardup_scan(documents: list[Document]) -> Any:
    result = find_duplicates(documents, Config(), jobs=2)
    return result.stats.clusters


def task_datasketch_lsh(documents: list[Document]) -> Any:
    import xxhash
    from datasketch import MinHash, MinHashLSH

    def hashed(text: str) -> list[int]:
        return [xxhash.xxh3_64_intdigest(s.encode()) & 0xFFFFFFFF for s in regex_shingles(text)]

    sketches = MinHash.bulk((hashed(d.text) for d in documents), num_perm=128, hashfunc=int)
    index = MinHashLSH(threshold=0.7, num_perm=128)
    found = 0
    for document, sketch in zip(documents, sketches, strict=True):
        found += len(index.query(sketch))
        index.insert(document.id, sketch)
    return found


TASKS: dict[str, tuple[str, Callable[[list[Document]], Any]]] = {
    "regex": ("tokenising floor: regex \\w+ (1 core)", task_regex),
    "bytes": ("tokenising: neardup numpy bytes (1 core)", task_bytes),
    "sketch": ("sketch: neardup (1 core)", task_neardup_sketch),
    "datasketch": ("sketch: datasketch bulk + xxh3 (1 core)", task_datasketch),
    "rensa": ("sketch: rensa RMinHash (1 core)", task_rensa),
    "scan": ("end to end: neardup scan --jobs 2", task_neardup_scan),
    "datasketch-lsh": ("end to end: datasketch bulk + MinHashLSH", task_datasketch_lsh),
}


def _child(name: str, count: int, short: bool, queue: Any) -> None:
    # A spawned child inherits "spawn" as its start method; give the task the platform's
    # default back, so that ``--jobs`` workers start as they do under ``neardup scan``.
    multiprocessing.set_start_method(None, force=True)
    documents = corpus(count, (1, 2) if short else (6, 14))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    TASKS[name][1](documents)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # The largest peak of the task's worker processes (finished by now), if any.
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    size = sum(len(d.text.encode()) for d in documents)
    queue.put((elapsed, size, peak, baseline, workers))


def in_child(target: Callable[..., None], *args: Any) -> Any:
    """What ``target(*args, queue)`` puts on its queue, run in a fresh (spawned) process.

    A fresh process measures a task's peak memory alone, not with what ran before it.

    Raises:
        RuntimeError: The process ended without a result.
    """
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    while True:
        try:
            result = queue.get(timeout=1)
            break
        except Empty:
            if not process.is_alive():
                raise RuntimeError(
                    f"{target.__name__}{args!r} failed (exit code {process.exitcode})"
                ) from None
    process.join()
    return result


def measure(name: str, count: int, short: bool) -> tuple[float, int, int, int, int]:
    result: tuple[float, int, int, int, int] = in_child(_child, name, count, short)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--short", type=int, default=0, help="generate N short articles")
    parser.add_argument("--only", action="append", choices=list(TASKS), help="tasks to run")
    args = parser.parse_args()
    count, short = (args.short, True) if args.short else (args.articles, False)
    names = args.only or list(TASKS)
    print(f"corpus: {count:,} {'short ' if short else ''}articles (generated, seed 7)")
    print(
        f"{'task':<44} {'seconds':>8} {'MB/s':>7} {'peak MB':>8} {'before MB':>9} {'worker MB':>9}"
    )
    speeds: dict[str, float] = {}
    for name in names:
        elapsed, size, peak, before, workers = measure(name, count, short)
        speeds[name] = size / 1e6 / elapsed
        label = TASKS[name][0]
        print(
            f"{label:<44} {elapsed:>8.2f} {speeds[name]:>7.1f} {peak / 1024:>8.0f} "
            f"{before / 1024:>9.0f} {workers / 1024:>9.0f}"
        )
        sys.stdout.flush()
    if "sketch" in speeds:
        for peer in ("rensa", "datasketch", "regex"):
            if peer in speeds:
                print(f"neardup sketch / {peer}: {speeds['sketch'] / speeds[peer]:.2f}x")
    if "scan" in speeds and "datasketch-lsh" in speeds:
        ratio = speeds["scan"] / speeds["datasketch-lsh"]
        print(f"neardup scan / datasketch bulk + LSH: {ratio:.2f}x")


if __name__ == "__main__":
    main()
