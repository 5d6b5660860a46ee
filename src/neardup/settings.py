"""Settings from files: ``neardup.toml`` or ``pyproject.toml``'s ``[tool.neardup]``.

The first folder, from the working directory upward, that holds either file gives the
settings (``neardup.toml`` first when a folder holds both). Command-line flags win over
the file, the file over the defaults. Unknown keys are errors naming the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from neardup.config import Config
from neardup.errors import ConfigError

#: Settings a file may hold besides :class:`Config`'s fields: the reading options
#: (``paths`` narrows the corpus of ``neardup check`` in a git repository).
READING_KEYS: tuple[str, ...] = ("include", "exclude", "paths")


@dataclass(frozen=True)
class FileSettings:
    """Settings found in a file.

    Attributes:
        values: Setting names (``_``-separated) and values.
        source: Where they came from, e.g. ``/repo/pyproject.toml [tool.neardup]``;
            ``None`` when no file was found.
    """

    values: dict[str, Any] = field(default_factory=dict)
    source: str | None = None


def find_settings(start: Path | None = None) -> FileSettings:
    """Find and read the settings file for ``start`` (default: the working directory).

    Raises:
        ConfigError: The file is not valid TOML, or holds an unknown key.
    """
    folder = (start or Path.cwd()).resolve()
    for directory in (folder, *folder.parents):
        own = directory / "neardup.toml"
        if own.is_file():
            return _validated(_load(own), f"{own}")
        project = directory / "pyproject.toml"
        if project.is_file():
            table = _load(project).get("tool", {}).get("neardup")
            if table is not None:
                return _validated(table, f"{project} [tool.neardup]")
    return FileSettings()


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read settings ({error})") from None


def _validated(table: object, source: str) -> FileSettings:
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: settings must be a table (got {table!r})")
    values = {str(key).replace("-", "_"): value for key, value in table.items()}
    config_keys = {item.name for item in fields(Config)}
    known = config_keys | set(READING_KEYS)
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"{source}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})"
        )
    for key in READING_KEYS:
        if key in values and not (
            isinstance(values[key], list) and all(isinstance(item, str) for item in values[key])
        ):
            raise ConfigError(f"{source}: '{key}' must be a list of globs (got {values[key]!r})")
    # Validate the Config part now, so a bad value names the file.
    try:
        Config.from_mapping({k: v for k, v in values.items() if k in config_keys}, source=source)
    except ConfigError as error:
        raise ConfigError(f"{source}: {error}") from None
    return FileSettings(values, source)
