"""Docstring examples are part of the documentation, so they run as tests."""

import doctest
import importlib
import pkgutil

import pytest

import exposure

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(exposure.__path__, "exposure.") if not m.name.startswith("exposure.cli")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
