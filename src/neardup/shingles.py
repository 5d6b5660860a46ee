"""Word shingles as 64-bit hashes, computed for many texts at once with numpy.

Definition (neardup >= 0.2; see docs/how-it-works.md):

1. The text is normalised (:func:`neardup.normalize.normalize`: NFKC, casefolded, curly
   quotes and dashes folded) and encoded as UTF-8.
2. A token is a maximal run of word bytes: ASCII letters and digits, and every byte of a
   non-ASCII character, except that each character of a script written without spaces
   (CJK ideographs, kana, Thai) is a token of its own, so word n-grams over them are
   character n-grams.
3. A token's bytes are read as little-endian 64-bit words ``w_0 .. w_m-1`` (the last
   zero-padded); its hash is ``acc_m`` where ``acc_0 = (length * K) ^ seed_mix`` and
   ``acc_i+1 = fmix64(acc_i ^ w_i)``, with ``seed_mix = fmix64(seed * K + 1)``.
4. A shingle is ``shingle_size`` consecutive tokens; its hash combines theirs:
   ``acc = t0; acc = acc * K + t_k (k = 1 .. n-1, mod 2**64); hash = fmix64(acc)``.

Every step is vectorised over the UTF-8 bytes of a whole batch of texts (a token's words
are gathered from an unaligned 64-bit view of the bytes), so no Python work is done per
token or per shingle. The wrap-around mod 2**64 is the definition, not
an accident: these are polynomial hashes over the ring of 64-bit integers, spread by
MurmurHash3's ``fmix64`` finaliser. (neardup 0.1 hashed each token with xxh3-64 in a
Python loop; that was the bottleneck of sketching, so the definition changed once.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from neardup.normalize import normalize

UInt64Array = npt.NDArray[np.uint64]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_FMIX64_M1 = np.uint64(0xFF51AFD7ED558CCD)
_FMIX64_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_SHIFT_33 = np.uint64(33)
_MASK64 = (1 << 64) - 1
# _LOW_BYTES[k] keeps the low k bytes of a 64-bit word.
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)

# Lead bytes of three-byte characters U+3000..U+9FFF (CJK punctuation, kana, ideographs):
# each such character is a token of its own. Thai (U+0E00..U+0E7F) is E0 B8/B9 xx.
_CJK_LEAD = np.zeros(256, dtype=bool)
_CJK_LEAD[0xE3:0xEA] = True


def fmix64(values: UInt64Array) -> UInt64Array:
    """MurmurHash3's 64-bit finaliser, element-wise (a bijection on 64-bit integers)."""
    values = values ^ (values >> _SHIFT_33)
    values = values * _FMIX64_M1
    values = values ^ (values >> _SHIFT_33)
    values = values * _FMIX64_M2
    return values ^ (values >> _SHIFT_33)


def word_bytes(data: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Which bytes are word bytes: ASCII letters and digits, and every non-ASCII byte.

    Computed with byte arithmetic, several times faster than a table lookup.
    """
    shifted = data | np.uint8(0x20)  # ASCII upper case to lower case
    shifted -= np.uint8(ord("a"))
    word = shifted < 26
    shifted = data - np.uint8(ord("0"))
    word |= shifted < 10
    word |= data >= 0x80
    return word


def _seed_mix(seed: int) -> np.uint64:
    """The seed's constant in every token hash."""
    return np.uint64(
        int(fmix64(np.array([(seed * 0x9E3779B97F4A7C15 + 1) & _MASK64], dtype=np.uint64))[0])
    )


def token_bounds(
    data: npt.NDArray[np.uint8],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start and end offsets of the tokens in UTF-8 bytes (see the module docstring)."""
    count = len(data)
    if count == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    word = word_bytes(data)
    if int(data.max()) < 0xE0:
        # No script without spaces: tokens are the runs of word bytes, and the changes
        # between word and non-word bytes alternate start, end, start, ...
        padded = np.zeros(count + 2, dtype=np.int8)
        padded[1:-1] = word
        changes = np.flatnonzero(padded[1:] != padded[:-1])
        return np.ascontiguousarray(changes[0::2]), np.ascontiguousarray(changes[1::2])
    previous_word = np.empty(count, dtype=bool)
    previous_word[0] = False
    previous_word[1:] = word[:-1]
    next_word = np.empty(count, dtype=bool)
    next_word[-1] = False
    next_word[:-1] = word[1:]
    # A script without spaces may be present.
    lead = _CJK_LEAD[data]
    lead[:-1] |= (data[:-1] == 0xE0) & ((data[1:] == 0xB8) | (data[1:] == 0xB9))  # Thai
    after_single = np.zeros(count, dtype=bool)  # the byte after a one-character token
    after_single[3:] = lead[:-3]
    boundary = lead | after_single
    previous_word &= ~boundary
    next_word[:-1] &= ~boundary[1:]
    starts = np.flatnonzero(word & ~previous_word)
    ends = np.flatnonzero(word & ~next_word) + 1
    return starts.astype(np.int64), ends.astype(np.int64)


def token_hashes_batch(
    data: npt.NDArray[np.uint8], seed: int
) -> tuple[UInt64Array, npt.NDArray[np.int64]]:
    """Tokens of UTF-8 bytes: their hashes and their start offsets, in order."""
    starts, ends = token_bounds(data)
    if len(starts) == 0:
        return np.empty(0, dtype=np.uint64), starts
    # Every 8-byte little-endian word of the text, one starting at each byte: a token's
    # k-th word is words[start + 8k], masked to the token's length.
    padded = np.zeros(len(data) + 8, dtype=np.uint8)
    padded[: len(data)] = data
    words = np.ndarray((len(data),), dtype="<u8", buffer=padded.data, strides=(1,))
    lengths = ends - starts
    accumulator = (lengths.astype(np.uint64) * _GOLDEN) ^ _seed_mix(seed)
    word_count = (lengths + 7) // 8
    for index in range(int(word_count.max())):
        chosen = np.flatnonzero(word_count > index) if index else slice(None)
        left = np.minimum(lengths[chosen] - 8 * index, 8)
        word = words[starts[chosen] + 8 * index] & _LOW_BYTES[left]
        accumulator[chosen] = fmix64(accumulator[chosen] ^ word)
    return accumulator, starts


def tokenize(text: str) -> list[str]:
    """The comparison tokens of a text (normalised), as strings; for inspection and tests."""
    data = normalize(text).encode("utf-8")
    starts, ends = token_bounds(np.frombuffer(data, dtype=np.uint8))
    return [data[start:end].decode("utf-8") for start, end in zip(starts, ends, strict=True)]


def combine_shingles(hashes: UInt64Array, shingle_size: int) -> UInt64Array:
    """Hashes of all windows of ``shingle_size`` consecutive token hashes, in order.

    Returns an empty array when there are fewer tokens than ``shingle_size``.
    """
    count = len(hashes) - shingle_size + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    accumulator = hashes[:count].copy()
    for offset in range(1, shingle_size):
        accumulator *= _GOLDEN
        accumulator += hashes[offset : offset + count]
    return fmix64(accumulator)


def shingle_hashes_batch(
    texts: Sequence[str], shingle_size: int = 5, seed: int = 1
) -> list[UInt64Array]:
    """Shingle hashes of many texts (with repeats, in text order), computed together.

    The texts are joined with a separator byte, tokenised and hashed in one pass, and
    windows that would cross from one text into the next are dropped.
    """
    if not texts:
        return []
    encoded = [normalize(text).encode("utf-8") for text in texts]
    data = np.frombuffer(b"\n".join(encoded), dtype=np.uint8)
    hashes, starts = token_hashes_batch(data, seed)
    text_starts = np.cumsum([0] + [len(item) + 1 for item in encoded[:-1]], dtype=np.int64)
    owner = np.searchsorted(text_starts, starts, side="right") - 1
    token_bounds = np.searchsorted(owner, np.arange(len(texts) + 1), side="left")
    windows = combine_shingles(hashes, shingle_size)
    result = []
    for index in range(len(texts)):
        first, last = token_bounds[index], token_bounds[index + 1]
        result.append(windows[first : max(first, last - shingle_size + 1)])
    return result


def shingle_set(text: str, shingle_size: int = 5, seed: int = 1) -> UInt64Array:
    """The set of shingle hashes of a text, as a sorted array of unique uint64.

    Args:
        text: The text (it is normalised and tokenised here).
        shingle_size: Tokens per shingle.
        seed: Seed of the token hash.

    Returns:
        Sorted, unique shingle hashes; empty when the text has fewer tokens than
        ``shingle_size``.
    """
    return np.unique(shingle_hashes_batch([text], shingle_size, seed)[0])
