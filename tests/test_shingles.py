from __future__ import annotations

import os
import subprocess
import sys
import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup.normalize import normalize
from neardup.shingles import (
    combine_shingles,
    shingle_hashes_batch,
    shingle_set,
    tokenize,
    word_bytes,
)

from .conftest import SEED_A, seed_text

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def reference_fmix64(value: int) -> int:
    value ^= value >> 33
    value = (value * 0xFF51AFD7ED558CCD) & MASK
    value ^= value >> 33
    value = (value * 0xC4CEB9FE1A85EC53) & MASK
    return value ^ (value >> 33)


def reference_shingles(text: str, size: int, seed: int) -> list[int]:
    """The documented definition, token by token, with Python's unbounded integers."""
    seed_mix = reference_fmix64((seed * GOLDEN + 1) & MASK)
    hashes = []
    for token in tokenize(text):
        data = token.encode("utf-8")
        accumulator = ((len(data) * GOLDEN) & MASK) ^ seed_mix
        for start in range(0, len(data), 8):
            word = int.from_bytes(data[start : start + 8], "little")
            accumulator = reference_fmix64(accumulator ^ word)
        hashes.append(accumulator)
    shingles = []
    for start in range(len(hashes) - size + 1):
        accumulator = hashes[start]
        for offset in range(1, size):
            accumulator = (accumulator * GOLDEN + hashes[start + offset]) & MASK
        shingles.append(reference_fmix64(accumulator))
    return shingles


words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    texts=st.lists(st.lists(words, max_size=15).map(" ".join), min_size=1, max_size=4),
    size=st.integers(1, 5),
    seed=st.integers(0, 2**32),
)
def test_vectorised_shingles_equal_the_reference(texts: list[str], size: int, seed: int) -> None:
    batch = shingle_hashes_batch(texts, size, seed)
    assert [row.tolist() for row in batch] == [reference_shingles(t, size, seed) for t in texts]


# Characters of one or two UTF-8 bytes only: the tokeniser's fast path (no script without
# spaces can be present).
short_words = st.text(alphabet=st.characters(max_codepoint=0x7FF, exclude_categories=["Cs"]))


@settings(max_examples=150, deadline=None)
@given(
    texts=st.lists(st.lists(short_words, max_size=15).map(" ".join), min_size=1, max_size=4),
    size=st.integers(1, 5),
)
def test_fast_path_shingles_equal_the_reference(texts: list[str], size: int) -> None:
    batch = shingle_hashes_batch(texts, size, 1)
    assert [row.tolist() for row in batch] == [reference_shingles(t, size, 1) for t in texts]


def test_normalisation_folds_quotes_dashes_case_and_width() -> None:
    assert normalize("“North Korea’s” — ＡＢＣ") == '"north korea\'s" - abc'


FOLDS: dict[str, str | int | None] = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "\u00a0": " ", "\u200b": "", "\ufeff": "",
}  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(sorted(FOLDS)), st.characters(codec="utf-8", exclude_categories=["Cs"])
        )
    )
)
def test_normalize_is_nfkc_then_folds_then_casefold(text: str) -> None:
    # The definition in docs/how-it-works.md; normalize() takes shortcuts to it.
    reference = unicodedata.normalize("NFKC", text).translate(str.maketrans(FOLDS)).casefold()
    assert normalize(text) == reference
    assert normalize(text.encode("ascii", "ignore").decode()) == (
        unicodedata.normalize("NFKC", text.encode("ascii", "ignore").decode())
        .translate(str.maketrans(FOLDS))
        .casefold()
    )


def test_curly_and_straight_quotes_give_the_same_shingles() -> None:
    curly = "Ireland’s prime minister – the youngest in the country’s history – said so."
    straight = "Ireland's prime minister - the youngest in the country's history - said so."
    assert np.array_equal(shingle_set(curly), shingle_set(straight))


def test_tokens() -> None:
    assert tokenize("North Korea’s 1,500 troops; Ünïcode wörds") == [
        "north", "korea", "s", "1", "500", "troops", "ünïcode", "wörds",
    ]  # fmt: skip


def test_scripts_without_spaces_shingle_by_character() -> None:
    assert tokenize("北朝鮮の兵士") == ["北", "朝", "鮮", "の", "兵", "士"]
    assert tokenize("ทหาร") == ["ท", "ห", "า", "ร"]
    assert tokenize("abc北def") == ["abc", "北", "def"]
    assert len(shingle_set("北朝鮮の兵士がロシアに", shingle_size=5)) == 7


def test_fewer_tokens_than_a_shingle_give_no_shingles() -> None:
    assert len(shingle_set("four words only here")) == 0
    assert len(shingle_set("")) == 0
    assert [len(row) for row in shingle_hashes_batch(["a b c d e f", "", "g h i j k"])] == [2, 0, 1]


def test_texts_in_a_batch_do_not_leak_into_each_other() -> None:
    texts = [seed_text(SEED_A)[:500], "one two three four five six seven", "x"]
    together = shingle_hashes_batch(texts)
    for text, row in zip(texts, together, strict=True):
        assert np.array_equal(row, shingle_hashes_batch([text])[0])


def test_shingle_hash_is_order_sensitive() -> None:
    hashes = np.array([1, 2, 3], dtype=np.uint64)
    assert combine_shingles(hashes, 3)[0] != combine_shingles(hashes[::-1].copy(), 3)[0]


def test_seed_changes_every_hash() -> None:
    text = seed_text(SEED_A)
    assert not np.intersect1d(shingle_set(text, seed=1), shingle_set(text, seed=2)).size


def test_shingles_identical_across_processes_and_hash_seeds() -> None:
    code = (
        "import sys, hashlib; from neardup.shingles import shingle_set; "
        "text = open(sys.argv[1], encoding='utf-8').read(); "
        "print(hashlib.sha256(shingle_set(text).tobytes()).hexdigest())"
    )
    path = os.path.join(os.path.dirname(__file__), "data", SEED_A)
    digests = {
        subprocess.run(
            [sys.executable, "-c", code, path],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("0", "1", "12345")
    }
    assert len(digests) == 1


def test_word_bytes_are_ascii_letters_digits_and_non_ascii() -> None:
    every_byte = np.arange(256, dtype=np.uint8)
    expected = [(chr(b).isascii() and chr(b).isalnum()) or b >= 0x80 for b in range(256)]
    assert word_bytes(every_byte).tolist() == expected
