"""Exceptions raised by neardup.

Every exception neardup raises on purpose derives from :class:`NeardupError`, and each
specific error also subclasses the builtin exception it refines, so callers can catch
either::

    NeardupError
    ├── ConfigError(NeardupError, ValueError)   a setting has a bad value or an unknown key
    └── InputError(NeardupError, OSError)       a file or record cannot be read or decoded
"""

from __future__ import annotations


class NeardupError(Exception):
    """Root of all neardup errors."""


class ConfigError(NeardupError, ValueError):
    """A configuration value is invalid.

    The message names the setting, what was expected and what was received.
    """


class InputError(NeardupError, OSError):
    """An input file or record cannot be used.

    Attributes:
        path: The file (or ``-`` for standard input) the problem is in.
        reason: What is wrong with it, in words meant for people.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        return (type(self), (self.path, self.reason))
