"""``OxigraphStore``: the embedded store, a pyoxigraph ``Store`` in memory or in a directory."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..errors import InputError, QueryError, StoreError
from ..namespaces import QUERY_PREFIXES
from ._convert import graph_node, rdf_format, results_format, to_neutral, to_oxigraph
from .base import Capabilities, QueryViaRaw
from .distinct_pushdown import push_distinct_down
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
            result = self._result
            if isinstance(result, ox.QueryTriples):
                out = result.serialize(format=rdf_format(fmt))
            else:
                out = result.serialize(format=results_format(fmt))
        except (OSError, ValueError) as exc:  # evaluation is lazy: errors surface here
            raise QueryError(f"query evaluation failed: {exc}") from exc
        return bytes(out) if out is not None else b""

    def serialize_to(self, output: BinaryIO, fmt: str) -> None:
        """Stream a graph result (CONSTRUCT, DESCRIBE) into ``output`` in RDF format ``fmt``."""
        if not isinstance(self._result, ox.QueryTriples):
            raise QueryError("only a CONSTRUCT or DESCRIBE result can be written as RDF")
        try:
            self._result.serialize(output, format=rdf_format(fmt))
        except (OSError, ValueError) as exc:
            raise QueryError(f"query evaluation failed: {exc}") from exc

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


class OxigraphStore(QueryViaRaw):
    """The embedded store.

    pyoxigraph's own "union default graph" repeats a triple once per named graph that holds it,
    while SPARQL 1.1 defines the default graph as a *graph*, a set (the RDF merge, §13.2). So
    this store keeps the store's default graph equal to the union of its named graphs, updated on
    every write, and answers queries from it: each triple counts once, and no union is computed
    per query. It costs a second copy of the triples' index entries.

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

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store itself, for streaming reads by the build (index scans, no Python copies).

        Its default graph is the union of the named graphs (see the class docstring). Read only.
        """
        return self._store

    # -- querying ---------------------------------------------------------------------------

    def query_raw(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> OxigraphResult:
        # only the predeclared prefixes the query can use (its text names them as "p:"): pyoxigraph
        # resolves every prefix it is given, which doubled the time of a lookup (33 → 67 µs)
        used = {name: iri for name, iri in QUERY_PREFIXES.items() if name + ":" in sparql}
        kwargs: dict[str, object] = {"base_iri": base_iri, "prefixes": used or None}
        if default_graph is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if bindings:
            kwargs["substitutions"] = {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
        try:
            rewritten = None if bindings else push_distinct_down(sparql)
            if rewritten is not None:
                try:
                    return OxigraphResult(self._store.query(rewritten, **kwargs))  # type: ignore[arg-type]
                except (SyntaxError, ValueError):
                    pass  # e.g. an undeclared prefix: the error is reported for the text as written, below
            return OxigraphResult(self._store.query(sparql, **kwargs))  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QueryError(f"malformed query: {exc.msg if hasattr(exc, 'msg') else exc}") from exc
        except RuntimeError as exc:  # e.g. a bound variable missing from the SELECT clause
            raise QueryError(f"cannot bind parameters: {exc} (SEP-0007: a SELECT query must project every bound variable)") from exc
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store) - self._count(ox.DefaultGraph())
        return self._count(ox.NamedNode(graph))

    def _count(self, graph: ox.NamedNode | ox.DefaultGraph) -> int:
        # counted by the SPARQL engine, not by iterating quads in Python (10^7 at scale)
        if isinstance(graph, ox.DefaultGraph):
            solutions = self._store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        else:
            solutions = self._store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=graph)
        assert isinstance(solutions, ox.QuerySolutions)
        return int(next(iter(solutions))[0].value)

    # -- writing ----------------------------------------------------------------------------

    def _writable(self) -> None:
        if not self.capabilities.writable:
            raise StoreError("this store was opened read-only")

    def load(self, source: bytes | Path | BinaryIO, *, fmt: str, graph: str | None, base_iri: str | None = None) -> None:
        self._writable()
        to_graph = None if fmt in DATASET_FORMATS else graph_node(graph)
        if isinstance(to_graph, ox.DefaultGraph):
            raise StoreError("name the graph to load into: the default graph is the union of the named graphs")
        source_kwargs: dict[str, object] = {"path": str(source)} if isinstance(source, Path) else {"input": source}
        try:
            self._store.bulk_load(format=rdf_format(fmt), base_iri=base_iri, to_graph=to_graph, **source_kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise InputError(f"cannot load {fmt} data: {exc}") from exc
        self._refresh_union(graph=None if to_graph is None else to_graph.value)

    def update(self, sparql: str) -> None:
        """Apply a SPARQL 1.1 Update to the named graphs, then bring the union up to date.

        The default graph is derived (the union), so an update must name its graphs
        (``INSERT DATA { GRAPH <g> { … } }``, ``WITH <g> …``); writing into the default graph is
        refused, since it would be lost when the union is rebuilt.
        """
        self._writable()
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"malformed update: {exc.msg if hasattr(exc, 'msg') else exc}") from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"update failed: {exc}") from exc
        stray = self._store.query("ASK { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }")
        if bool(stray):
            raise InputError(
                "the update writes into the default graph, which is the union of the named graphs here; "
                "name the graph: INSERT DATA { GRAPH <https://w3id.org/thcm/graph/…> { … } }"
            )
        self._store.clear_graph(ox.DefaultGraph())
        self._refresh_union()

    def _refresh_union(self, graph: str | None = None) -> None:
        """Copy the named graphs' triples (all, or one graph's) into the default graph, streaming."""
        default = ox.DefaultGraph()
        self._store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in self.quads(graph))

    def refresh_union(self) -> None:
        """Make the default graph the union of the named graphs again (after a raw bulk load)."""
        self._writable()
        self._store.clear_graph(ox.DefaultGraph())
        self._refresh_union()

    def stream_quads(self, quads: Iterable[ox.Quad]) -> int:
        """Add quads of named graphs from an iterator (a parser), never holding them all in Python.

        pyoxigraph's bulk loader consumes the iterator in batches; afterwards the union default
        graph is brought up to date graph by graph. Returns how many quads were read.
        """
        self._writable()
        graphs: set[str] = set()
        count = 0

        def named() -> Iterator[ox.Quad]:
            nonlocal count
            for quad in quads:
                graph = quad.graph_name
                if not isinstance(graph, ox.NamedNode):
                    raise StoreError(f"the default graph is the union of the named graphs; put {quad} in a named graph")
                graphs.add(graph.value)
                count += 1
                yield quad

        self._store.bulk_extend(named())
        default = ox.DefaultGraph()
        self._store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, default)
                                for graph in sorted(graphs) for q in self.quads(graph))
        return count

    def insert_constructed(self, sparql: str, *, graph: str, bindings: Mapping[str, Term] | None = None) -> int:
        """Add the triples of a CONSTRUCT query to ``graph`` (and the union); return how many.

        The result is streamed through a temporary N-Triples file and bulk-loaded, so millions of
        constructed triples (the entailments of a large build) never become Python objects.
        """
        self._writable()
        result = self.query_raw(sparql, bindings=bindings)
        with tempfile.NamedTemporaryFile(suffix=".nt") as handle:
            result.serialize_to(handle, "ntriples")  # type: ignore[arg-type]
            handle.flush()
            handle.seek(0)
            added = sum(1 for _ in handle)
            if added:
                for target in (ox.NamedNode(graph), ox.DefaultGraph()):
                    self._store.bulk_load(path=handle.name, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        return added

    def backup(self, directory: Path) -> None:
        """Write a consistent copy of this on-disk store into the new ``directory`` (hard links where possible)."""
        if not self.capabilities.persistent:
            raise StoreError("only an on-disk store can be backed up; use add_quads(store.quads()) for an in-memory one")
        self._store.flush()
        self._store.backup(str(directory))

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads of named graphs, keeping the default graph their union."""
        self._writable()
        named = []
        for quad in quads:
            if isinstance(quad.graph_name, ox.DefaultGraph):
                raise StoreError(f"the default graph is the union of the named graphs; put {quad} in a named graph")
            named.append(quad)
        self._store.bulk_extend(named)
        self._store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in named)

    def add_triples(self, triples: Iterable[Triple], *, graph: str) -> int:
        g = ox.NamedNode(graph)
        quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), g) for s, p, o in triples]  # type: ignore[arg-type]
        self.add_quads(quads)
        return len(quads)

    def drop_graph(self, graph: str) -> None:
        self._writable()
        self._store.remove_graph(ox.NamedNode(graph))
        # a dropped triple may still be stated in another graph: rebuild the union
        self._store.clear_graph(ox.DefaultGraph())
        self._refresh_union()

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """The quads of the named graphs, or of one (pyoxigraph terms; for the build and dumps)."""
        if graph is not None:
            yield from self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            return
        for quad in self._store.quads_for_pattern(None, None, None, None):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                yield quad

    def dump(self, output: BinaryIO, *, fmt: str, graph: str | None = None) -> None:
        if graph is None:
            if fmt not in DATASET_FORMATS:
                raise StoreError(f"the whole store holds named graphs; use a dataset format (nquads, trig) or name a graph, not {fmt!r}")
            ox.serialize(self.quads(), output, format=rdf_format(fmt))
            return
        self._store.dump(output, format=rdf_format(fmt), from_graph=ox.NamedNode(graph))

    def export(self, output: BinaryIO, *, fmt: str, graph: str | None = None,
               prefixes: Mapping[str, str] | None = None) -> None:
        """Serialise for a download, streaming, keeping graph names wherever the format can.

        Dataset formats (N-Quads, TriG) write the quads of every named graph, or of ``graph``,
        each with its graph name. Graph formats write the triples of ``graph``, or for None the
        union of the named graphs (the store's default graph, where each triple appears once).
        ``prefixes`` shorten IRIs in the formats that have prefixes (Turtle, TriG, RDF/XML).
        """
        ox_prefixes = dict(prefixes) if prefixes else None
        if fmt in DATASET_FORMATS or fmt == "jsonld":  # JSON-LD can name graphs too
            # graph by graph, so that TriG and JSON-LD write one block per graph
            graphs = [graph] if graph is not None else self.named_graphs()
            quads = (quad for name in graphs for quad in self.quads(name))
            ox.serialize(quads, output, format=rdf_format(fmt), prefixes=ox_prefixes)
            return
        source = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
        if ox_prefixes:
            self._store.dump(output, format=rdf_format(fmt), from_graph=source, prefixes=ox_prefixes)
        else:
            self._store.dump(output, format=rdf_format(fmt), from_graph=source)

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
