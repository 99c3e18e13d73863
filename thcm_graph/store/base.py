"""The ``Store`` protocol: the one interface the CLI, API, build and analysis use.

Two implementations share it: :class:`~thcm_graph.store.oxigraph.OxigraphStore` (embedded
pyoxigraph, in memory or on disk) and the remote SPARQL 1.1 backend. Differences between
backends are capability flags, never checks of the backend's name (cf. rdflib's
``Store.context_aware``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from .results import QueryResult, RawResult, Term, Triple


@dataclass(frozen=True)
class Capabilities:
    """What a store can do beyond querying."""

    named_graphs: bool = True
    writable: bool = True
    persistent: bool = False
    #: SPARQL 1.1 ``BNODE()`` (§17.4.2.9) is implemented (Virtuoso 7.2: "not implemented")
    bnode_function: bool = True
    #: syntax errors give line *and* column (``1:17``); Virtuoso reports the line only
    error_columns: bool = True


@runtime_checkable
class Store(Protocol):
    """A quad store with SPARQL 1.1 Query.

    Unless ``default_graph`` is given, a query's default graph is the **union of all named
    graphs** (what DESIGN.md §1 documents for the endpoint). ``bindings`` pre-bind variables
    (SEP-0007 substitution), so parameters are never concatenated into query text; a SELECT query
    must project every variable it has bound. ``base_iri`` resolves relative IRIs in the query.
    The prefixes of :data:`thcm_graph.namespaces.QUERY_PREFIXES` are predeclared.
    """

    capabilities: Capabilities

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Evaluate a query and return neutral Python results."""
        ...

    def query_raw(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> RawResult:
        """Evaluate a query, keeping the result ready to serialise in a standard format."""
        ...

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        ...

    def count(self, graph: str | None = None) -> int:
        """Number of quads in ``graph``, or in the whole store for None."""
        ...

    def load(self, source: bytes | Path | BinaryIO, *, fmt: str, graph: str | None, base_iri: str | None = None) -> None:
        """Parse RDF into ``graph`` (ignored for dataset formats, whose quads name their graph)."""
        ...

    def add_triples(self, triples: Iterable[Triple], *, graph: str) -> int:
        """Add triples to a named graph; returns how many were given."""
        ...

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and its triples."""
        ...

    def dump(self, output: BinaryIO, *, fmt: str, graph: str | None = None) -> None:
        """Serialise the store (dataset formats) or one graph to ``output``, streaming."""
        ...

    def export(self, output: BinaryIO, *, fmt: str, graph: str | None = None,
               prefixes: Mapping[str, str] | None = None) -> None:
        """Serialise for a download: dataset formats (and JSON-LD) keep graph names (all named
        graphs, or ``graph``); graph formats write ``graph`` or, for None, the union of the
        named graphs."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...


class QueryViaRaw:
    """Mixin for backends whose raw result converts itself: ``query`` is ``query_raw(...).to_result()``.

    Keeps the one definition of how neutral results are made from a backend's raw answer.
    """

    def query_raw(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> RawResult:
        raise NotImplementedError

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        return self.query_raw(
            sparql, bindings=bindings, default_graph=default_graph, named_graphs=named_graphs, base_iri=base_iri
        ).to_result()
