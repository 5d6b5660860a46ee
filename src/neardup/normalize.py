"""Unicode normalisation, shared by cleaning, shingling and diffing."""

from __future__ import annotations

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


def normalize(text: str) -> str:
    """Normalise text for comparison: NFKC, casefold, unified quotes and dashes.

    Args:
        text: Any text.

    Returns:
        The normalised text. Its length may differ from the input's; use it for
        comparison only, never for offsets.
    """
    return unicodedata.normalize("NFKC", text).translate(_PUNCTUATION_FOLD).casefold()
