"""What a scan holds: its peak memory per document, and what its workers read.

Peak memory is measured, not timed: tracemalloc counts the bytes of Python objects and
numpy arrays, the same on every machine, however loaded. benchmarks/scan_memory.py
measures whole scans of a million files.
"""

from __future__ import annotations

import contextvars
import json
import multiprocessing
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from neardup import Document, find_duplicates, pipeline, report
from neardup.errors import InputError
from neardup.report import scan_to_dict

from .conftest import SEED_B, seed_text


def short_articles(count: int, seed: int = 3) -> list[str]:
    """``count`` short articles (1 or 2 paragraphs), about one in six a copy of another."""
    chance = random.Random(seed)
    words = sorted(set(seed_text(SEED_B).split()))
    texts: list[str] = []
    for number in range(count):
        if number > 10 and chance.random() < 1 / 6:
            copy = texts[chance.randrange(len(texts))].replace(" the ", " a ", 1)
            texts.append(f"Connect with us\n\n{copy}\n\nContinue Reading")
            continue
        paragraphs = [
            " ".join(chance.choices(words, k=chance.randint(30, 60)))
            for _ in range(chance.randint(1, 2))
        ]
        texts.append("\n\n".join(paragraphs))
    return texts


# Runs `neardup scan FOLDER --format json` in this process, its output to /dev/null, with
# tracemalloc started after the imports; prints the peak of the bytes traced. The band
# keys held in memory are capped at 1 MB (2,048 articles' at the defaults), where a scan
# holds 4 MB: the growth from 2,000 to 8,000 articles then holds no band keys, as a
# scan's holds none past 8,192 articles.
_SCAN_TRACED = """
import json, os, sys, tracemalloc
import neardup.cli, neardup.pipeline

neardup.pipeline._SPILL_BYTES = 1 << 20

tracemalloc.start()
with open(os.devnull, "w", encoding="utf-8") as sink:
    sys.stdout = sink
    try:
        neardup.cli.cli.main(["scan", sys.argv[1], "--format", "json"], standalone_mode=False)
    finally:
        sys.stdout = sys.__stdout__
print(json.dumps({"peak": tracemalloc.get_traced_memory()[1]}))
"""


def scan_peak(folder: Path) -> int:
    """The peak of the bytes traced while ``neardup scan FOLDER --format json`` runs."""
    completed = subprocess.run(
        [sys.executable, "-c", _SCAN_TRACED, str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    peak: int = json.loads(completed.stdout)["peak"]
    return peak


def test_a_scan_peaks_at_a_small_multiple_of_its_text(tmp_path: Path) -> None:
    # Short articles of about 520 bytes, as in benchmarks/scan_memory.py. The peak's
    # growth from 2,000 to 8,000 of them is what each document costs, whatever the scan
    # holds for any corpus: the document (its text as a string, its record, id and
    # path), its article (record, cleaned text's map), its share of the candidate pairs
    # and of the report. The LSH band keys (64 of 8 bytes an article at the
    # defaults) go to a temporary file past a fixed size, reading remembers each file
    # read as one number and computes no digests, and the report's objects are made one
    # cluster at a time as it is written: about 1,720 bytes a document (2,460 with the
    # band keys held in memory and the report's objects made all at once).
    texts = short_articles(8_000)
    assert 450 < sum(len(text.encode()) for text in texts) / len(texts) < 600
    peaks = []
    for count in (2_000, 8_000):
        folder = tmp_path / str(count)
        folder.mkdir()
        for number, text in enumerate(texts[:count]):
            (folder / f"a{number:05}.txt").write_text(text, encoding="utf-8")
        peaks.append(scan_peak(folder))
    per_document = (peaks[1] - peaks[0]) / 6_000
    assert per_document < 1_900, f"{per_document:.0f} bytes a document"


def test_documents_sent_to_workers_keep_no_copy_of_their_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Pickling a str that is not ASCII keeps a UTF-8 copy of it inside the str (CPython
    # caches it there) for as long as it lives: sending held documents to spawned
    # workers that way made each of the caller's texts about twice its size.
    texts = [text.replace(" the ", " thé ") for text in short_articles(400)]
    documents = [
        Document(f"a{number:04}", text, f"a{number:04}") for number, text in enumerate(texts)
    ]
    sizes = [sys.getsizeof(document.text) for document in documents]
    context = multiprocessing.get_context("spawn")
    monkeypatch.setattr(multiprocessing, "get_context", lambda: context)
    together = scan_to_dict(find_duplicates(documents, jobs=2))
    assert [sys.getsizeof(document.text) for document in documents] == sizes
    assert together["stats"]["clusters"] > 10
    monkeypatch.undo()
    assert together == scan_to_dict(find_duplicates(documents))


def start_method(documents: list[Document], allowed: bool) -> str:
    """How a scan of ``documents`` with two workers starts them, fresh workers allowed or not."""

    def started() -> str:
        if allowed:
            pipeline.allow_fresh_workers()
        workers = pipeline._Workers(documents, 2)
        workers.executor.shutdown()
        return workers.context.get_start_method()

    return contextvars.copy_context().run(started)


def test_large_scans_of_the_command_line_start_their_workers_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A forked worker keeps the caller's pages as they were when it was forked, and
    # holds the old copy of each page the caller then writes: for a scan of 130 MB of
    # short articles, 1.4 times the memory over the process tree.
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("workers are not forked here")
    documents = [Document(f"a{number}", "a story", f"a{number}") for number in range(30)]
    monkeypatch.setattr(pipeline, "_FRESH_FROM", 20)
    assert start_method(documents, allowed=True) == "spawn"
    assert start_method(documents[:19], allowed=True) == "fork"
    # A library caller's main module may not be safe to import again in a worker.
    assert start_method(documents, allowed=False) == "fork"


# `neardup scan` as the command runs it, its workers started afresh from 100 documents.
_SCAN_FRESH = """
import sys
from neardup import pipeline
from neardup.cli import run
pipeline._FRESH_FROM = 100
run()
"""


def test_workers_started_afresh_give_the_same_report(tmp_path: Path) -> None:
    for number, text in enumerate(short_articles(400)):
        (tmp_path / f"a{number:04}.txt").write_text(text, encoding="utf-8")
    reports = []
    for script in (_SCAN_FRESH, "from neardup.cli import run; run()"):
        completed = subprocess.run(
            [sys.executable, "-c", script, "scan", str(tmp_path), "--format", "json"],
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr[-2000:]
        reports.append(completed.stdout)
    assert reports[0] == reports[1]
    assert json.loads(reports[0])["stats"]["clusters"] > 10


@pytest.mark.parametrize("copies", [0, 1, 40])
def test_the_json_report_is_made_a_cluster_at_a_time_as_it_is_written(
    monkeypatch: pytest.MonkeyPatch, copies: int
) -> None:
    # A report's cluster objects took about 550 bytes a member at the scan's peak when
    # the whole report was made before it was written.
    texts = [text for text in short_articles(120) if "Continue Reading" not in text][:100]
    documents = [
        Document(f"caf\udce9 {number:03}.txt", text, f"caf\udce9 {number:03}.txt")
        for number, text in enumerate(texts)
    ]
    documents += [Document(f"copy{number:02}", texts[number], "copy") for number in range(copies)]
    documents.append(Document("short", "Too short to compare.", "short"))
    result = find_duplicates(documents)
    errors = [InputError("bad\udcff.txt", "not valid UTF-8")]
    whole = report.dumps(report.scan_to_dict(result, errors))
    assert copies - 2 <= len(result.clusters) <= copies
    made = []
    real = report.cluster_to_dict

    def counted(*arguments: Any, **options: Any) -> dict[str, Any]:
        made.append(arguments[0])
        return real(*arguments, **options)

    monkeypatch.setattr(report, "cluster_to_dict", counted)
    pieces = report.scan_to_pieces(result, errors, size=1)
    first = next(pieces)
    assert len(made) == min(1, len(result.clusters))
    assert first + "".join(pieces) == whole
    assert len(made) == len(result.clusters)
    assert json.loads(whole)["errors"] == [{"path": "bad\udcff.txt", "error": "not valid UTF-8"}]
