"""Finding and loading the evaluation corpora for the benchmarks (never copied into the repo).

The corpora are third-party data kept outside the repository (see
``../shared/corpora/README.md``). They are found at ``$NEARDUP_CORPORA`` when that
variable is set, else at ``<repo root>/../shared/corpora``.
"""

from __future__ import annotations

import csv
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from neardup import Document

CORPORA_ENV = "NEARDUP_CORPORA"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = REPO_ROOT.parent / "shared" / "corpora"

HELSINKI_CSV = Path("helsinki-2018-syndication") / "helsinki_articles.csv"
CLOUGH_DATA = Path("clough-stevenson") / "data"
CLOUGH_INFO = CLOUGH_DATA / "file_information.csv"

# The Helsinki CSV joins a page's paragraphs with this; documents get blank lines instead.
HELSINKI_PARAGRAPH_JOIN = " ### "


class CorpusMissingError(FileNotFoundError):
    """A corpus file is not where the benchmarks look for it."""


def corpora_root() -> Path:
    """The folder holding the corpora: ``$NEARDUP_CORPORA``, else ``<repo>/../shared/corpora``.

    A set ``NEARDUP_CORPORA`` is used as given (a wrong value is reported, not silently
    replaced by the default location).

    Raises:
        CorpusMissingError: The folder does not exist.
    """
    configured = os.environ.get(CORPORA_ENV)
    if configured:
        root = Path(configured).expanduser()
        if not root.is_dir():
            raise CorpusMissingError(
                f"corpora not found: {CORPORA_ENV}={configured!r} is not a folder"
            )
        return root
    if not DEFAULT_CORPORA.is_dir():
        raise CorpusMissingError(
            f"corpora not found at {DEFAULT_CORPORA} (<repo root>/../shared/corpora); "
            f"set {CORPORA_ENV} to the folder holding helsinki-2018-syndication/ and "
            f"clough-stevenson/"
        )
    return DEFAULT_CORPORA


def corpus_file(relative: Path) -> Path:
    """A file inside the corpora folder.

    Raises:
        CorpusMissingError: The corpora folder or the file does not exist.
    """
    path = corpora_root() / relative
    if not path.is_file():
        raise CorpusMissingError(f"corpus file not found: {path}")
    return path


@dataclass(frozen=True)
class HelsinkiRow:
    """One scraped page of the Helsinki corpus, as a document plus its metadata."""

    document: Document
    publisher: str
    scrape_time: str


def load_helsinki() -> list[HelsinkiRow]:
    """The Helsinki pages in file order, paragraphs separated by blank lines."""
    path = corpus_file(HELSINKI_CSV)
    # Some pages are long single CSV fields; the default field limit is 128 KiB.
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            HelsinkiRow(
                document=Document(
                    id=row["id"],
                    text=row["text"].replace(HELSINKI_PARAGRAPH_JOIN, "\n\n"),
                    path=f"{HELSINKI_CSV.as_posix()}#{row['id']}",
                ),
                publisher=row["publisher"],
                scrape_time=row["scrape_time"],
            )
            for row in csv.DictReader(handle)
        ]


def text_bytes(documents: list[Document]) -> int:
    """Total UTF-8 size of the documents' texts (the input of a throughput figure)."""
    return sum(len(document.text.encode("utf-8")) for document in documents)


@dataclass(frozen=True)
class CloughFile:
    """One text of the Clough-Stevenson corpus and its label.

    Attributes:
        document: The text; id is the file name.
        task: ``a`` .. ``e``.
        category: ``cut``, ``light``, ``heavy``, ``non`` or ``orig``.
        encoding: How the bytes were decoded (some answers are Windows-1252, not UTF-8).
    """

    document: Document
    task: str
    category: str
    encoding: str


def decode_clough(data: bytes) -> tuple[str, str]:
    """Decode a Clough-Stevenson file: UTF-8 when valid, else Windows-1252 (the rest)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def load_clough() -> list[CloughFile]:
    """All 100 Clough-Stevenson texts in ``file_information.csv`` order."""
    info = corpus_file(CLOUGH_INFO)
    data_dir = info.parent
    # newline="" lets csv handle the file's CRLF line endings.
    with info.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    files = []
    for row in rows:
        name = row["File"].strip()
        text, encoding = decode_clough((data_dir / name).read_bytes())
        files.append(
            CloughFile(
                document=Document(id=name, text=text, path=(CLOUGH_DATA / name).as_posix()),
                task=row["Task"].strip(),
                category=row["Category"].strip(),
                encoding=encoding,
            )
        )
    return files
