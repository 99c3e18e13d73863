"""Docs that cannot drift: generated reference pages match the code; the README has the quick start."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_docs", REPO / "scripts" / "gen_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("page", ["cli.md", "configuration.md"])
def test_generated_reference_page_is_up_to_date(page: str) -> None:
    expected = _generator().PAGES[page]()
    committed = (REPO / "docs" / page).read_text(encoding="utf-8")
    assert committed == expected, f"docs/{page} is stale: run `python scripts/gen_docs.py`"


def test_readme_quick_start_is_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make run" in quick_start and "make test" in quick_start
