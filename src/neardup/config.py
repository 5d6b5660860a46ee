"""The settings every stage of neardup shares, in one frozen, validated dataclass."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

from neardup.errors import ConfigError

KeepPolicy = Literal["longest", "first", "shortest", "oldest", "newest"]
KEEP_POLICIES: tuple[str, ...] = get_args(KeepPolicy)
#: The most bytes of text one document may hold by default (50 MB).
MAX_DOCUMENT_BYTES = 50_000_000
#: The share of shingles that copies with scattered word edits (a word in ten or so
#: edited) still share; with ``alignment`` on, LSH is tuned to catch such pairs up to
#: ``max_size_ratio``.
ALIGNED_CONTAINMENT = 0.5


@dataclass(frozen=True)
class Config:
    """Settings for finding near-duplicates.

    Text settings (``shingle_size``, ``seed``) decide what a shingle is; sketch settings
    (``num_perm``, ``bands``, ``rows``) decide how candidates are found; match settings
    (``threshold``, ``containment``, ``alignment``) decide what counts as a copy. Only the
    match settings change results beyond the approximation LSH makes; every candidate is
    verified exactly.

    Attributes:
        threshold: Two articles are copies when the Jaccard similarity of their shingle
            sets is at least this.
        containment: ...or when at least this share of the smaller article's shingles is
            in the larger one (abridged copies, copies embedded in longer pages).
            ``None`` turns containment matching off.
        alignment: ...or when at least this share of the smaller article's words align,
            in order, with the other's (copies with word edits scattered over them; see
            :func:`neardup.verify.aligned_share`). Computed for candidate pairs sharing
            at least 0.4 of the smaller article's shingles. ``None`` turns it off.
        max_size_ratio: Containment candidates are searched for up to this ratio between
            the larger and the smaller article's shingle counts; it sets how low a
            Jaccard similarity the LSH index must still catch.
        shingle_size: Words per shingle (characters, for scripts written without spaces).
        num_perm: MinHash permutations per signature.
        bands: LSH bands; ``None`` derives bands and rows from the thresholds.
        rows: LSH rows per band; set together with ``bands``.
        max_bucket: LSH buckets with more articles than this are capped: all pairs among
            the first ``max_bucket`` articles (in id order), and the first with each of
            the rest, become candidates.
        min_shingles: Articles with fewer shingles (word windows, repeats counted) are
            reported as too short, never matched.
        split: Split pages that hold several articles into their articles.
        min_repeats: A line of up to 30 words found in at least this many documents,
            around different text each time, is boilerplate (a site's header, footer,
            prompts); ``0`` turns this corpus-level learning off.
        keep: Which copy of a cluster to keep: ``longest`` (most article text after
            cleaning), ``first`` (id order), ``shortest``, ``oldest`` or ``newest``
            (file modification time). Ties break on id.
        seed: Seed of the shingle hash and of the MinHash permutations.
        max_document_bytes: The most bytes of text a document may hold, counted after
            decompression and before decoding (a file, or one JSONL record); a larger
            one is an error naming it, never read whole.
    """

    threshold: float = 0.7
    containment: float | None = 0.8
    alignment: float | None = 0.45
    max_size_ratio: float = 4.0
    shingle_size: int = 5
    num_perm: int = 128
    bands: int | None = None
    rows: int | None = None
    max_bucket: int = 200
    min_shingles: int = 20
    split: bool = True
    min_repeats: int = 3
    keep: KeepPolicy = "longest"
    seed: int = 1
    max_document_bytes: int = MAX_DOCUMENT_BYTES

    def __post_init__(self) -> None:
        _check_fraction("threshold", self.threshold)
        if self.containment is not None:
            _check_fraction("containment", self.containment)
        if self.alignment is not None:
            _check_fraction("alignment", self.alignment)
        if not isinstance(self.max_size_ratio, (int, float)) or self.max_size_ratio < 1:
            raise ConfigError(
                f"'max_size_ratio' must be a number of at least 1 (got {self.max_size_ratio!r})"
            )
        _check_int("shingle_size", self.shingle_size, 1)
        _check_int("num_perm", self.num_perm, 2)
        _check_int("max_bucket", self.max_bucket, 2)
        _check_int("min_shingles", self.min_shingles, 1)
        _check_int("seed", self.seed, 0)
        _check_int("min_repeats", self.min_repeats, 0)
        _check_int("max_document_bytes", self.max_document_bytes, 1)
        if (self.bands is None) != (self.rows is None):
            raise ConfigError(
                f"'bands' and 'rows' must be set together (got bands={self.bands!r}, "
                f"rows={self.rows!r})"
            )
        if self.bands is not None and self.rows is not None:
            _check_int("bands", self.bands, 1)
            _check_int("rows", self.rows, 1)
            if self.bands * self.rows > self.num_perm:
                raise ConfigError(
                    f"'bands' x 'rows' must be at most num_perm={self.num_perm} "
                    f"(got {self.bands} x {self.rows} = {self.bands * self.rows})"
                )
        if not isinstance(self.split, bool):
            raise ConfigError(f"'split' must be true or false (got {self.split!r})")
        if self.keep not in KEEP_POLICIES:
            raise ConfigError(
                f"'keep' must be one of {', '.join(KEEP_POLICIES)} (got {self.keep!r})"
            )

    @property
    def candidate_threshold(self) -> float:
        """The lowest Jaccard similarity the LSH index is tuned to catch.

        A copy whose ``c`` share of shingles is inside an article ``k`` times its size has
        Jaccard ``c / (1 + k - c)``; containment matching needs candidates down to that,
        and alignment matching down to that of :data:`ALIGNED_CONTAINMENT`.
        """
        lowest = self.threshold
        if self.containment is not None:
            lowest = min(lowest, self._implied_jaccard(self.containment))
        if self.alignment is not None:
            lowest = min(lowest, self._implied_jaccard(ALIGNED_CONTAINMENT))
        return lowest

    def _implied_jaccard(self, contained: float) -> float:
        return contained / (1.0 + self.max_size_ratio - contained)

    @property
    def contained_threshold(self) -> float:
        """The share of an article's shingles another must hold for it to lie inside that one.

        ``containment``, or ``threshold`` when containment matching is off. An article
        that lies inside a match without containing it in turn is never kept in its
        place, and a file may go only when each of its articles lies inside an article
        of a file that stays.
        """
        return self.containment if self.containment is not None else self.threshold

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain, JSON-ready dict (the ``config`` of reports)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, source: str = "settings") -> Config:
        """Build a config from a mapping, rejecting unknown keys.

        Args:
            values: Setting names (``-`` or ``_`` separated) and values.
            source: Where the values came from, for error messages.

        Raises:
            ConfigError: A key is unknown or a value is invalid.
        """
        known = {field.name for field in fields(cls)}
        normalised = {str(key).replace("-", "_"): value for key, value in values.items()}
        unknown = sorted(set(normalised) - known)
        if unknown:
            raise ConfigError(
                f"{source}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})"
            )
        return cls(**normalised)

    def replace(self, **changes: Any) -> Config:
        """A copy with some settings changed (validated like a new config)."""
        return dataclasses.replace(self, **changes)


def _check_fraction(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise ConfigError(f"'{name}' must be a number in (0, 1] (got {value!r})")


def _check_int(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"'{name}' must be an integer of at least {minimum} (got {value!r})")
