from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import neardup

MODULES = sorted(
    name
    for _, name, _ in pkgutil.iter_modules(neardup.__path__, "neardup.")
    if name != "neardup.__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
