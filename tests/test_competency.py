"""Competency questions: what the graph must be able to answer, written from the source documents.

Each ``tests/competency/*.toml`` file holds ``[[question]]`` tables::

    [[question]]
    name = "The five RIS 2021-2027 fields in German"
    source = "001, section 'Regionale Innovationsstrategie in der Förderperiode 2021-2027'"
    sparql = "SELECT ?label WHERE { … }"
    rows = 5                          # optional: exact number of result rows
    min_rows = 1                      # optional: at least this many rows
    contains = [["Industrielle Produktion und Systeme"]]   # optional: rows that must appear

A ``contains`` row matches a result row when every cell equals the term's value (IRI, literal
text) or its prefixed form (``thcm:Agency``, ``id:org/leg-thueringen``); ``"*"`` matches anything.
Queries run against the union default graph of the session build.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from thcm_graph.config import Settings
from thcm_graph.namespaces import PREFIXES
from thcm_graph.store import AskResult, GraphResult, SelectResult, open_published
from thcm_graph.terms import compact

FOLDER = Path(__file__).parent / "competency"
PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + "PREFIX id: <https://w3id.org/thcm/id/>\n"


def load_questions() -> list[Any]:
    questions = []
    for path in sorted(FOLDER.glob("*.toml")):
        for question in tomllib.loads(path.read_text(encoding="utf-8")).get("question", []):
            questions.append(pytest.param(question, id=f"{path.stem}: {question['name']}"))
    return questions


def _matches(expected: list[str], row: tuple[Any, ...]) -> bool:
    if len(expected) != len(row):
        return False
    return all(e == "*" or (t is not None and e in (str(t), compact(str(t)))) for e, t in zip(expected, row, strict=True))


@pytest.mark.parametrize("question", load_questions())
def test_competency_question(published: Settings, question: dict[str, Any]) -> None:
    store, _ = open_published(published, in_memory=False)
    result = store.query(PROLOGUE + question["sparql"])
    if isinstance(result, AskResult):
        assert result.value is question.get("answer", True), question["name"]
        return
    rows = list(result.triples) if isinstance(result, GraphResult) else result.rows
    assert isinstance(result, (SelectResult, GraphResult))
    shown = "\n".join("  " + " | ".join(compact(str(t)) if t is not None else "" for t in row) for row in rows[:30])
    if "rows" in question:
        assert len(rows) == question["rows"], f"{question['name']}: expected {question['rows']} rows, got {len(rows)}:\n{shown}"
    if "min_rows" in question:
        assert len(rows) >= question["min_rows"], f"{question['name']}: expected at least {question['min_rows']} rows:\n{shown}"
    for expected in question.get("contains", []):
        assert any(_matches(expected, row) for row in rows), f"{question['name']}: no row {expected} in:\n{shown}"


def test_there_are_competency_questions() -> None:
    assert len(load_questions()) >= 5
