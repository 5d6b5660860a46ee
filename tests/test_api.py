from __future__ import annotations

import inspect

import neardup


def test_public_api_is_deliberate() -> None:
    assert sorted(neardup.__all__) == [
        "Article", "CleanText", "Cluster", "Config", "ConfigError", "DedupResult", "Document",
        "Dropped", "Edge", "InputError", "LSHIndex", "Member", "MinHasher", "NeardupError",
        "ReadResult", "Skipped", "Stats", "__version__", "clean", "estimate_jaccard",
        "find_duplicates", "from_lean_minhash", "optimal_bands", "read_documents",
        "shingle_set", "similarity", "split_articles", "to_lean_minhash",
    ]  # fmt: skip


def test_every_public_name_is_documented() -> None:
    for name in neardup.__all__:
        if name == "__version__":
            continue
        assert inspect.getdoc(getattr(neardup, name)), name


def test_exceptions_refine_builtins() -> None:
    assert issubclass(neardup.ConfigError, ValueError)
    assert issubclass(neardup.InputError, OSError)
    error = neardup.InputError("a.txt", "not valid UTF-8")
    assert (error.path, error.reason, str(error)) == (
        "a.txt",
        "not valid UTF-8",
        "a.txt: not valid UTF-8",
    )
