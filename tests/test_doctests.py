"""The examples in the docstrings of the linked-data and REST modules run and stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "thcm_graph.identifiers",
    "thcm_graph.labels",
    "thcm_graph.describe",
    "thcm_graph.catalogue._params",
    "thcm_graph.catalogue.actors",
    "thcm_graph.catalogue.figures",
    "api.html_view",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
