"""``OxigraphStore``: the embedded store, a pyoxigraph ``Store`` in memory or in a directory."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..errors import QueryError, StoreError
from ._convert import graph_node, rdf_format, results_format, to_neutral, to_oxigraph
from .base import Capabilities
from .results import (
    DATASET_FORMATS,
    AskResult,
    GraphResult,
    QueryKind,
    QueryResult,
    SelectResult,
    Term,
    Triple,
)


class OxigraphResult:
    """A pyoxigraph result, serialisable in a standard format or convertible to neutral types."""

    def __init__(self, result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> None:
        self._result = result
        self.kind: QueryKind
        if isinstance(result, ox.QuerySolutions):
            self.kind = "select"
        elif isinstance(result, ox.QueryBoolean):
            self.kind = "ask"
        else:
            self.kind = "graph"

    def serialize(self, fmt: str) -> bytes:
        """Results in ``fmt`` (json/xml/csv/tsv for SELECT and ASK; an RDF format for graphs)."""
        try:
            if self.kind == "graph":
                out = self._result.serialize(format=rdf_format(fmt))  # type: ignore[call-arg]
            else:
                out = self._result.serialize(format=results_format(fmt))  # type: ignore[call-arg]
        except (OSError, ValueError) as exc:  # evaluation is lazy: errors surface here
            raise QueryError(f"query evaluation failed: {exc}") from exc
        return bytes(out) if out is not None else b""

    def to_result(self) -> QueryResult:
        try:
            if isinstance(self._result, ox.QuerySolutions):
                variables = tuple(v.value for v in self._result.variables)
                rows = [
                    tuple(None if t is None else to_neutral(t) for t in solution)
                    for solution in self._result
                ]
                return SelectResult(variables, rows)
            if isinstance(self._result, ox.QueryBoolean):
                return AskResult(bool(self._result))
            return GraphResult([(to_neutral(t.subject), to_neutral(t.predicate), to_neutral(t.object)) for t in self._result])
        except OSError as exc:
            raise QueryError(f"query evaluation failed: {exc}") from exc


class OxigraphStore:
    """The embedded store.

    >>> store = OxigraphStore.in_memory()
    >>> from rdflib import URIRef, Literal
    >>> store.add_triples([(URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x"))],
    ...                   graph="https://example.org/g")
    1
    >>> store.query("SELECT ?o WHERE { ?s ?p ?o }").rows
    [(rdflib.term.Literal('x'),)]
    """

    def __init__(self, store: ox.Store, *, capabilities: Capabilities) -> None:
        self._store = store
        self.capabilities = capabilities

    @classmethod
    def in_memory(cls) -> OxigraphStore:
        """A fresh, empty in-memory store."""
        return cls(ox.Store(), capabilities=Capabilities(persistent=False))

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> OxigraphStore:
        """Open (or, writable, create) the store in directory ``path``."""
        try:
            store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as exc:
            mode = "read-only" if read_only else "for writing"
            raise StoreError(f"cannot open the store at {path} {mode}: {exc}") from exc
        return cls(store, capabilities=Capabilities(persistent=True, writable=not read_only))

    def copy_to_memory(self) -> OxigraphStore:
        """An in-memory copy of this store (how the server serves a published build)."""
        memory = ox.Store()
        memory.bulk_extend(self._store.quads_for_pattern(None, None, None, None))
        return OxigraphStore(memory, capabilities=Capabilities(persistent=False))

    # -- querying ---------------------------------------------------------------------------

    def query_raw(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> OxigraphResult:
        kwargs: dict[str, object] = {}
        if default_graph is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if bindings:
            kwargs["substitutions"] = {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
        try:
            return OxigraphResult(self._store.query(sparql, **kwargs))  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QueryError(f"malformed query: {exc.msg if hasattr(exc, 'msg') else exc}") from exc
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        return self.query_raw(sparql, bindings=bindings, default_graph=default_graph, named_graphs=named_graphs).to_result()

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    # -- writing ----------------------------------------------------------------------------

    def _writable(self) -> None:
        if not self.capabilities.writable:
            raise StoreError("this store was opened read-only")

    def load(self, source: bytes | Path | BinaryIO, *, fmt: str, graph: str | None, base_iri: str | None = None) -> None:
        self._writable()
        input_: bytes | BinaryIO | str = str(source) if isinstance(source, Path) else source
        to_graph = None if fmt in DATASET_FORMATS else graph_node(graph)
        self._store.bulk_load(input_, format=rdf_format(fmt), base_iri=base_iri, to_graph=to_graph)

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add pyoxigraph quads directly (used by the build, which parses with pyoxigraph)."""
        self._writable()
        self._store.bulk_extend(quads)

    def add_triples(self, triples: Iterable[Triple], *, graph: str) -> int:
        self._writable()
        g = ox.NamedNode(graph)
        quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), g) for s, p, o in triples]  # type: ignore[arg-type]
        self._store.bulk_extend(quads)
        return len(quads)

    def drop_graph(self, graph: str) -> None:
        self._writable()
        self._store.remove_graph(ox.NamedNode(graph))

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        """All quads, or those of one named graph (pyoxigraph terms; for the build and dumps)."""
        return self._store.quads_for_pattern(None, None, None, None if graph is None else ox.NamedNode(graph))

    def dump(self, output: BinaryIO, *, fmt: str, graph: str | None = None) -> None:
        if graph is None and fmt not in DATASET_FORMATS:
            raise StoreError(f"the whole store holds named graphs; use a dataset format (nquads, trig) or name a graph, not {fmt!r}")
        from_graph = None if graph is None else ox.NamedNode(graph)
        self._store.dump(output, format=rdf_format(fmt), from_graph=from_graph)

    def dump_bytes(self, *, fmt: str, graph: str | None = None) -> bytes:
        buffer = io.BytesIO()
        self.dump(buffer, fmt=fmt, graph=graph)
        return buffer.getvalue()

    def flush(self) -> None:
        """Write everything to disk (on-disk stores)."""
        if self.capabilities.persistent and self.capabilities.writable:
            self._store.flush()
            self._store.optimize()

    def close(self) -> None:
        # pyoxigraph closes the store when the object is released.
        self._store = ox.Store()
