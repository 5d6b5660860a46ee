"""Unicode normalisation, shared by cleaning, shingling and diffing."""

from __future__ import annotations

import re
import unicodedata

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


_FOLD_TABLE = {chr(code): folded or "" for code, folded in _PUNCTUATION_FOLD.items()}
# Substituting only the characters present is several times faster than translate().
_FOLDABLE = re.compile("[" + "".join(_FOLD_TABLE) + "]")


def _fold(match: re.Match[str]) -> str:
    return _FOLD_TABLE[match.group()]


def normalize(text: str) -> str:
    """Normalise text for comparison: NFKC, casefold, unified quotes and dashes.

    Args:
        text: Any text.

    Returns:
        The normalised text. Its length may differ from the input's; use it for
        comparison only, never for offsets.
    """
    if text.isascii():
        # NFKC leaves ASCII alone and casefold is lower(); "`" is the one ASCII fold.
        return text.replace("`", "'").lower()
    return _FOLDABLE.sub(_fold, unicodedata.normalize("NFKC", text)).casefold()
