"""Unicode normalisation and tokenising, shared by cleaning, shingling and diffing."""

from __future__ import annotations

import unicodedata

import regex

# Curly and typographic quotes and dashes fold to their ASCII forms, so that a copy
# whose CMS "smartened" its punctuation still shares shingles with the original.
_PUNCTUATION_FOLD = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
        "\u00a0": " ", "\u200b": "", "\ufeff": "",
    }
)  # fmt: skip

# Scripts written without spaces between words: each character is a token, so word
# n-grams over them are character n-grams. Everything else tokenises on word characters.
_TOKEN = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}]"
    r"|[\p{L}\p{N}\p{M}]+",
    regex.VERSION1,
)


def normalize(text: str) -> str:
    """Normalise text for comparison: NFKC, casefold, unified quotes and dashes.

    Args:
        text: Any text.

    Returns:
        The normalised text. Its length may differ from the input's; use it for
        comparison only, never for offsets.
    """
    return unicodedata.normalize("NFKC", text).translate(_PUNCTUATION_FOLD).casefold()


def tokenize(text: str) -> list[str]:
    """Split text into comparison tokens.

    The text is normalised first (:func:`normalize`). Words are runs of letters, digits
    and combining marks; in scripts written without spaces (CJK, Thai, ...) each
    character is a token.

    Args:
        text: Any text.

    Returns:
        The tokens, in order.
    """
    tokens: list[str] = _TOKEN.findall(normalize(text))
    return tokens
