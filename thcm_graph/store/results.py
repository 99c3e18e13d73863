"""Backend-neutral query results: what callers of a :class:`~thcm_graph.store.base.Store` see.

Terms are rdflib terms (``URIRef``, ``Literal``, ``BNode``), so callers never handle
pyoxigraph or SPARQLWrapper types. Formats are named by the short strings below.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral
from typing import Protocol

from rdflib.term import BNode, Literal, URIRef

Term = URIRef | Literal | BNode
Triple = tuple[Term, Term, Term]
QueryKind = TypingLiteral["select", "ask", "graph"]

#: Result formats of SELECT and ASK queries (SPARQL 1.1 Query Results JSON/XML/CSV/TSV).
RESULT_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: RDF formats for CONSTRUCT/DESCRIBE results and dumps.
RDF_FORMATS: dict[str, str] = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
#: RDF formats that can hold named graphs.
DATASET_FORMATS = frozenset({"nquads", "trig"})


@dataclass(frozen=True)
class SelectResult:
    """Solutions of a SELECT query: variable names and one tuple per row (None where unbound)."""

    variables: tuple[str, ...]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    kind: QueryKind = "select"

    def as_dicts(self) -> list[dict[str, Term]]:
        """Rows as ``{variable: term}``, leaving out unbound variables."""
        return [{v: t for v, t in zip(self.variables, row, strict=True) if t is not None} for row in self.rows]

    def column(self, variable: str) -> list[Term | None]:
        """All values of one variable, in row order."""
        i = self.variables.index(variable)
        return [row[i] for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Term | None, ...]]:
        return iter(self.rows)


@dataclass(frozen=True)
class AskResult:
    """The answer of an ASK query."""

    value: bool
    kind: QueryKind = "ask"

    def __bool__(self) -> bool:
        return self.value


@dataclass(frozen=True)
class GraphResult:
    """Triples of a CONSTRUCT or DESCRIBE query."""

    triples: list[Triple] = field(default_factory=list)
    kind: QueryKind = "graph"

    def __len__(self) -> int:
        return len(self.triples)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self.triples)


QueryResult = SelectResult | AskResult | GraphResult


class RawResult(Protocol):
    """A query's result before conversion: its kind, and serialisation in a standard format.

    Serialising directly (``serialize("json")``) avoids building Python objects per term, which
    is what the HTTP endpoint wants.
    """

    @property
    def kind(self) -> QueryKind: ...

    def serialize(self, fmt: str) -> bytes: ...

    def to_result(self) -> QueryResult: ...
