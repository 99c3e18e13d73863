"""Binding optional filters and paging a query, without ever formatting user text into SPARQL."""

from __future__ import annotations

import operator
from collections.abc import Mapping

from rdflib.term import Literal

from ..store.results import Term

MAX_LIMIT = 500


def filters(**values: tuple[str, Term | None]) -> dict[str, Term]:
    """Bindings for optional filters: ``flag=(variable, value)`` → ``flag`` true/false and ``variable``.

    >>> sorted(filters(byKind=("kind", None)).items())
    [('byKind', rdflib.term.Literal('false', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#boolean')))]
    """
    bindings: dict[str, Term] = {}
    for flag, (variable, value) in values.items():
        bindings[flag] = Literal(value is not None)
        if value is not None:
            bindings[variable] = value
    return bindings


def paged(query: str, limit: int, offset: int) -> str:
    """``query`` with ``LIMIT``/``OFFSET`` appended.

    SPARQL has no variables in these clauses, so they cannot be bound; they are integers checked
    here (``operator.index`` refuses anything that is not an int), so no text reaches the query.

    >>> paged("SELECT * {}", 10, 20)
    'SELECT * {}\\nLIMIT 10 OFFSET 20'
    """
    limit, offset = operator.index(limit), operator.index(offset)
    if not (0 <= limit <= MAX_LIMIT and offset >= 0):
        raise ValueError(f"limit must be in 0..{MAX_LIMIT} and offset >= 0, got {limit}, {offset}")
    return f"{query}\nLIMIT {limit} OFFSET {offset}"


def text(row: Mapping[str, Term], name: str) -> str | None:
    """The lexical form of ``row[name]``, or None when unbound."""
    value = row.get(name)
    return None if value is None else str(value)
