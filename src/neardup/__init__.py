"""neardup: find near-duplicate articles in scraped text and show what differs.

The public API is what ``__all__`` lists; everything else is internal and may change.

Example:
    >>> import neardup
    >>> read = neardup.read_documents(["examples"])  # doctest: +SKIP
    >>> result = neardup.find_duplicates(read.documents)  # doctest: +SKIP
"""

from __future__ import annotations

from neardup._version import __version__
from neardup.boilerplate import CleanText, Dropped, clean
from neardup.cluster import Cluster, Member
from neardup.config import Config
from neardup.documents import Document, ReadResult, read_documents
from neardup.errors import ConfigError, InputError, NeardupError
from neardup.lsh import LSHIndex, optimal_bands
from neardup.minhash import MinHasher, estimate_jaccard, from_lean_minhash, to_lean_minhash
from neardup.pipeline import DedupResult, Skipped, Stats, find_duplicates
from neardup.segment import Article, split_articles
from neardup.shingles import shingle_set
from neardup.verify import Edge, similarity

__all__ = [
    "Article",
    "CleanText",
    "Cluster",
    "Config",
    "ConfigError",
    "DedupResult",
    "Document",
    "Dropped",
    "Edge",
    "InputError",
    "LSHIndex",
    "Member",
    "MinHasher",
    "NeardupError",
    "ReadResult",
    "Skipped",
    "Stats",
    "__version__",
    "clean",
    "estimate_jaccard",
    "find_duplicates",
    "from_lean_minhash",
    "optimal_bands",
    "read_documents",
    "shingle_set",
    "similarity",
    "split_articles",
    "to_lean_minhash",
]
