from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from neardup.normalize import normalize, tokenize
from neardup.shingles import combine_shingles, shingle_set, token_hashes

from .conftest import SEED_A, seed_text


def test_normalisation_folds_quotes_dashes_case_and_width() -> None:
    assert normalize("“North Korea’s” — ＡＢＣ") == '"north korea\'s" - abc'


def test_curly_and_straight_quotes_give_the_same_shingles() -> None:
    curly = "Ireland’s prime minister – the youngest in the country’s history – said so."
    straight = "Ireland's prime minister - the youngest in the country's history - said so."
    assert np.array_equal(shingle_set(curly), shingle_set(straight))


def test_scripts_without_spaces_shingle_by_character() -> None:
    assert tokenize("北朝鮮の兵士") == ["北", "朝", "鮮", "の", "兵", "士"]
    assert len(shingle_set("北朝鮮の兵士がロシアに", shingle_size=5)) == 7
    assert tokenize("Ünïcode wörds, 42 times") == ["ünïcode", "wörds", "42", "times"]


def test_fewer_tokens_than_a_shingle_give_no_shingles() -> None:
    assert len(shingle_set("four words only here")) == 0
    assert len(shingle_set("")) == 0


def test_shingle_hash_is_order_sensitive() -> None:
    hashes = token_hashes(["a", "b", "c"], seed=1)
    forward = combine_shingles(hashes, 3)
    backward = combine_shingles(hashes[::-1].copy(), 3)
    assert forward[0] != backward[0]


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
