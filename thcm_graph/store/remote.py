"""``RemoteSparqlStore``: the :class:`Store` protocol on any SPARQL 1.1 server.

- Queries go through SPARQLWrapper (the only module that imports it) with the SPARQL 1.1
  Protocol (W3C Recommendation, 2013) §2.1.3 (POST, form-encoded), always with an explicit
  dataset (§2.1.4 ``default-graph-uri``/``named-graph-uri``): servers differ in what a query
  without one sees (Virtuoso: every graph, its system graphs included).
- The store's graphs are recorded in a **registry graph** (:data:`META_GRAPH`); queries see
  exactly those as named graphs, and as default graph a **union graph** (:data:`UNION_GRAPH`)
  kept equal to the merge of the named graphs — a set, as SPARQL 1.1 §13.2 wants, where
  several ``default-graph-uri`` would give a bag on Virtuoso (docs/remote.md).
- Loads go through the Graph Store HTTP Protocol (W3C Recommendation, 2013) §5.5 (POST adds
  triples to a graph), one named graph at a time in chunks of N-Triples, retried on transient
  failures; without a GSP URL, as SPARQL 1.1 Update ``INSERT DATA`` (§3.1.1) in chunks.
- Parameters (``bindings``) become a ``VALUES`` block at the start of the outermost WHERE group,
  each term written by rdflib's ``.n3()``: user input is never pasted into query text.
- Results are parsed into the neutral types; ``serialize`` re-serialises the server's answer
  with pyoxigraph, so both backends write byte-identical formats.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib.term import BNode, URIRef
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from ..errors import InputError, QueryError, QueryTimeout, StoreError, StoreUnavailable
from ..namespaces import QUERY_PREFIXES
from . import _sparql_text
from ._convert import parse_triples, rdf_format, results_format, to_oxigraph
from ._sparql_json import parse_results_json
from .base import Capabilities, QueryViaRaw
from .remote_sparql import (
    ALL_TRIPLES,
    COPY_GRAPH,
    COUNT_TRIPLES,
    CURRENT,
    DELETE_TRIPLE,
    DROP_GRAPH,
    FACTS_OF,
    GRAPH,
    INSERT_DATA,
    INSERT_TRIPLE,
    INSERT_WITH_BNODES,
    MANIFEST,
    META_GRAPH,
    PRAGMA_PROBE,
    STORE_NODE,
    SWITCHING,
    TRANSACTION_PRAGMA,
    UNION,
    UNION_GRAPH,
    NTriples,
    fill,
    iri_ref,
    requests,
)
from .results import DATASET_FORMATS, RDF_FORMATS, RESULT_FORMATS, GraphResult, QueryKind, QueryResult, Term, Triple

_CHUNK = 20_000  # triples per Graph Store request
_RETRIES = 4


@dataclass(frozen=True)
class Endpoints:
    """Where the server answers: query (required), update and Graph Store URLs, credentials."""

    query: str
    update: str | None = None
    gsp: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0  # seconds a request may take (client side)

    @property
    def update_url(self) -> str:
        return self.update or self.query


@dataclass(frozen=True)
class View:
    """What readers see now, from the registry graph: the current build's description node, its
    union graph (the default graph), its named graphs and manifest.

    The pointer ``<store> meta:current <urn:thcm:build:<id>>`` names the build; a switch inserts
    the new pointer before deleting the old one, and build ids sort by time, so a reader that
    catches both takes the newer: it never finds none, whatever the server's isolation.
    """

    node: str
    union: str
    graphs: list[str]
    manifest: dict[str, Any] | None
    switching: bool = False  # a publisher is moving graphs onto their logical names right now


class RemoteResult:
    """A server's answer (SPARQL JSON, or N-Triples for graphs), convertible and re-serialisable."""

    def __init__(self, kind: QueryKind, body: bytes) -> None:
        self.kind = kind
        self._body = body if kind == "graph" or b'"bnode"' not in body else _portable_bnodes(body)

    def serialize(self, fmt: str) -> bytes:
        graph = self.kind == "graph"
        if (fmt in RDF_FORMATS) != graph or fmt not in {**RDF_FORMATS, **RESULT_FORMATS}:
            raise QueryError(f"a {self.kind.upper()} result cannot be written as {fmt}")
        try:
            parsed: Any = (ox.parse(self._body, format=ox.RdfFormat.N_TRIPLES) if graph
                           else ox.parse_query_results(self._body, format=ox.QueryResultsFormat.JSON))
        except SyntaxError as exc:
            raise QueryError(f"the server's answer does not parse: {exc}") from None
        try:  # pyoxigraph objects must not outlive this thread (no frame may keep them)
            if graph:
                return bytes(ox.serialize(parsed, format=rdf_format(fmt)) or b"")
            return bytes(parsed.serialize(format=results_format(fmt)) or b"")
        finally:
            del parsed

    def to_result(self) -> QueryResult:
        if self.kind == "graph":
            return GraphResult(parse_triples(self._body, "ntriples"))
        return parse_results_json(self._body)


class RemoteSparqlStore(QueryViaRaw):
    """A dataset on a SPARQL 1.1 server, seen through the :class:`Store` protocol.

    ``graphs``, if given, fixes the named graphs instead of reading the registry (a reader of a
    published build passes the build's graphs, read once from the pointer, so all its queries see
    the same build).
    """

    def __init__(self, endpoints: Endpoints, *, writable: bool = True) -> None:
        self.endpoints = endpoints
        self._pragma: bool | None = None
        self.capabilities = Capabilities(
            named_graphs=True, writable=writable, persistent=True, bnode_function=False, error_columns=False,
        )

    # -- HTTP -------------------------------------------------------------------------------

    def _wrapper(self, url: str, timeout: float | None) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url)
        wrapper.setMethod(POST)
        wrapper.setTimeout(int(timeout or self.endpoints.timeout) or 1)
        if self.endpoints.user:
            wrapper.setHTTPAuth("DIGEST")
            wrapper.setCredentials(self.endpoints.user, self.endpoints.password or "")
        return wrapper

    def _send(self, wrapper: SPARQLWrapper, what: str, sent: str | None = None) -> bytes:
        """Run the prepared request; map every failure to our exceptions."""
        url = wrapper.endpoint
        try:
            response = wrapper.query().response
            refuse_partial(response.headers, url)
            return bytes(response.read())
        except SPARQLWrapperException as exc:
            raise _server_error(exc, url, what, sent) from None
        except urllib.error.HTTPError as exc:
            raise _http_error(exc.code, exc.read(), url, what, sent) from None
        except TimeoutError:
            raise QueryTimeout(f"the {what} took longer than {wrapper.timeout} s at {url}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise QueryTimeout(f"the {what} took longer than {wrapper.timeout} s at {url}") from None
            raise StoreUnavailable(f"the SPARQL server at {url} cannot be reached: {exc.reason}") from None
        except (ConnectionError, OSError) as exc:
            raise StoreUnavailable(f"the SPARQL server at {url} cannot be reached: {exc}") from None

    def _request(self, sparql: str, *, kind: QueryKind, default_graph: Sequence[str], named_graphs: Sequence[str],
                 timeout: float | None = None) -> bytes:
        wrapper = self._wrapper(self.endpoints.query, timeout)
        wrapper.setQuery(sparql)
        if kind == "graph":
            wrapper.setOnlyConneg(True)
            wrapper.addCustomHttpHeader("Accept", "application/n-triples")
        else:
            wrapper.setReturnFormat(JSON)
        for graph in default_graph:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        wrapper.addParameter(SERVER_TIME_LIMIT, server_time_limit(timeout or self.endpoints.timeout))
        return self._send(wrapper, "query", sparql)

    def form(self, sparql: str, *, kind: QueryKind, default_graph: Sequence[str], named_graphs: Sequence[str],
             timeout: float) -> tuple[list[tuple[str, str]], dict[str, str]]:
        """The form fields and headers of the query request :meth:`_request` sends (SPARQL 1.1
        Protocol §2.1.3), for a client other than SPARQLWrapper (the API's cancellable one)."""
        fields = [("query", sparql), *(("default-graph-uri", g) for g in default_graph),
                  *(("named-graph-uri", g) for g in named_graphs), (SERVER_TIME_LIMIT, server_time_limit(timeout))]
        accept = "application/n-triples" if kind == "graph" else "application/sparql-results+json"
        return fields, {"Accept": accept}

    def update(self, sparql: str, *, timeout: float | None = None, atomic: bool = False) -> None:
        """Send a SPARQL 1.1 Update request.

        Update §2.2: a request SHOULD be treated atomically. With ``atomic``, readers must see
        the state before or after the whole request, never between: Virtuoso runs ``MOVE``/``COPY``
        of large graphs non-transactionally (a concurrent reader counted a graph half-copied),
        unless the request starts with its pragma ``define sql:log-enable 1``. The pragma is sent
        when the server accepts it (asked once: a feature probe, not a check of the server's name).
        """
        self._writable()
        if atomic and self._transaction_pragma():
            sparql = TRANSACTION_PRAGMA + sparql
        wrapper = self._wrapper(self.endpoints.update_url, timeout)
        wrapper.setQuery(sparql)
        wrapper.setReturnFormat(JSON)
        self._send(wrapper, "update")

    def _transaction_pragma(self) -> bool:
        if self._pragma is None:
            try:
                self._request(PRAGMA_PROBE, kind="ask", default_graph=[META_GRAPH], named_graphs=[META_GRAPH])
                self._pragma = True
            except QueryError:
                self._pragma = False
        return self._pragma

    # -- querying ---------------------------------------------------------------------------

    def query_raw(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        timeout: float | None = None,
    ) -> RemoteResult:
        text, kind = self.prepare_query(sparql, bindings=bindings, base_iri=base_iri)
        # A switch moves graphs onto their logical names, and servers need not hide that from
        # readers (measured on Virtuoso). So a query is answered only if no switch was under way
        # before it and the pointer is the same after it; otherwise it is asked again.
        deadline = time.monotonic() + (timeout or self.endpoints.timeout)
        pause = 0.05
        while True:
            view = self.view()
            if not view.switching:
                default, named = dataset(view, default_graph, named_graphs)
                body = self._request(text, kind=kind, default_graph=default, named_graphs=named, timeout=timeout)
                if self.pointer() == (view.node, False):
                    return RemoteResult(kind, body)
            if time.monotonic() + pause > deadline:
                raise StoreUnavailable(f"a new build is being switched in at {self.endpoints.query}; try again in a moment")
            time.sleep(pause)
            pause = min(pause * 2, 1.0)

    def prepare_query(self, sparql: str, *, bindings: Mapping[str, Term] | None = None,
                      base_iri: str | None = None) -> tuple[str, QueryKind]:
        """(the text to send, the result kind) of a user's query: see :func:`prepare`."""
        parsed = _sparql_text.parse(sparql)
        if "\\" in sparql:
            parsed = _sparql_text.parse(_sparql_text.expand_escaped_names(sparql, {**QUERY_PREFIXES, **parsed.prefixes}))
        text = prepare(parsed, bindings=bindings, base_iri=base_iri)
        kind: QueryKind = "select" if parsed.form == "SELECT" else "ask" if parsed.form == "ASK" else "graph"
        return text, kind

    def select_rows(self, sparql: str, graphs: Sequence[str], **bindings: Term) -> list[dict[str, Term]]:
        """Rows of one of our own SELECT queries over exactly ``graphs`` (default and named)."""
        body = self._request(prepare(_sparql_text.parse(sparql), bindings=bindings), kind="select",
                             default_graph=graphs, named_graphs=graphs)
        result = parse_results_json(body)
        return result.as_dicts() if hasattr(result, "as_dicts") else []

    def pointer(self) -> tuple[str, bool]:
        """(the current build's description node, whether a switch is under way).

        A switch marker holds its deadline (seconds since the epoch, the publisher's clock): one
        left behind by a killed publisher stops counting when it expires.
        """
        rows = self.select_rows(FACTS_OF, [META_GRAPH], node=URIRef(STORE_NODE))
        node = max((str(r["o"]) for r in rows if str(r["p"]) == CURRENT), default=STORE_NODE)
        now = time.time()
        switching = any(str(r["p"]) == SWITCHING and float(str(r["o"])) > now for r in rows)
        return node, switching

    def view(self) -> View:
        """The current build (or, before any build, the store's own registry): see :class:`View`."""
        node, switching = self.pointer()
        rows = self.select_rows(FACTS_OF, [META_GRAPH], node=URIRef(node))
        graphs = sorted(str(r["o"]) for r in rows if str(r["p"]) == GRAPH)
        unions = [str(r["o"]) for r in rows if str(r["p"]) == UNION]
        manifests = [json.loads(str(r["o"])) for r in rows if str(r["p"]) == MANIFEST]
        return View(node, unions[0] if unions else UNION_GRAPH, graphs, manifests[0] if manifests else None, switching)

    def named_graphs(self) -> list[str]:
        """The graphs of the current build or registry (:data:`META_GRAPH`), sorted."""
        return self.view().graphs

    def count(self, graph: str | None = None) -> int:
        graphs = self.named_graphs() if graph is None else [graph]
        total = 0
        for name in graphs:
            rows = self.select_rows(COUNT_TRIPLES, [name])
            total += int(rows[0]["n"]) if rows else 0
        return total

    def manifest(self) -> dict[str, Any] | None:
        """The manifest of the published build (the pointer in :data:`META_GRAPH`), or None."""
        return self.view().manifest

    # -- writing ----------------------------------------------------------------------------

    def _writable(self) -> None:
        if not self.capabilities.writable:
            raise StoreError("this store was opened read-only")

    def load(self, source: bytes | Path | BinaryIO, *, fmt: str, graph: str | None, base_iri: str | None = None) -> None:
        self._writable()
        data: bytes | BinaryIO = source.read_bytes() if isinstance(source, Path) else source
        try:
            quads = list(ox.parse(data, format=rdf_format(fmt), base_iri=base_iri))
        except SyntaxError as exc:
            raise InputError(f"cannot load {fmt} data: {exc}") from exc
        per_graph: dict[str, list[ox.Triple]] = {}
        for quad in quads:
            name = graph if fmt not in DATASET_FORMATS else (
                quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None)
            if name is None:
                raise StoreError("name the graph to load into: the default graph is the union of the named graphs")
            per_graph.setdefault(name, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
        for name, triples in per_graph.items():
            self.put_triples(name, triples)
            self.register(name)
            self.copy_into_union(name)

    def add_triples(self, triples: Iterable[Triple], *, graph: str) -> int:
        self._writable()
        converted = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in triples]  # type: ignore[arg-type]
        self.put_triples(graph, converted)
        self.register(graph)
        self.copy_into_union(graph)
        return len(converted)

    def put_triples(self, graph: str, statements: Sequence[ox.Triple | ox.Quad]) -> None:
        """Add triples (or the triples of quads) to ``graph`` in chunks (Graph Store Protocol POST, or INSERT DATA).

        Triples with blank nodes travel in one chunk: each request is its own document, so a
        blank node split over two requests would become two nodes.
        """
        triples = [ox.Triple(t.subject, t.predicate, t.object) if isinstance(t, ox.Quad) else t for t in statements]
        with_bnodes = [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
        plain = [t for t in triples if not (isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))]
        chunks = [with_bnodes] if with_bnodes else []
        chunks += [plain[i:i + _CHUNK] for i in range(0, len(plain), _CHUNK)]
        for chunk in chunks:
            body = bytes(ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"")
            if self.endpoints.gsp:
                self._gsp("POST", graph, body)
            else:
                template = INSERT_WITH_BNODES if chunk is with_bnodes else INSERT_DATA
                self.update(fill(template, graph=graph, triples=NTriples(body.decode())))

    def _gsp(self, method: str, graph: str, body: bytes | None = None, accept: str | None = None) -> bytes:
        """One Graph Store Protocol request (§5) on ``?graph=``, retried on transient failures."""
        assert self.endpoints.gsp is not None
        url = f"{self.endpoints.gsp}?{urllib.parse.urlencode({'graph': iri_ref(graph)[1:-1]})}"
        headers = {"Content-Type": "application/n-triples"} if body is not None else {}
        if accept:
            headers["Accept"] = accept
        opener = _opener(self.endpoints)
        delay = 0.5
        for attempt in range(1, _RETRIES + 1):
            request = urllib.request.Request(url, data=body, method=method, headers=headers)
            try:
                with opener.open(request, timeout=max(self.endpoints.timeout, 60)) as response:
                    return bytes(response.read())
            except urllib.error.HTTPError as exc:
                if exc.code == 404 and method == "GET":
                    return b""
                if exc.code not in (408, 429, 500, 502, 503, 504) or attempt == _RETRIES:
                    raise _http_error(exc.code, exc.read(), self.endpoints.gsp, "Graph Store request") from None
            except (urllib.error.URLError, OSError) as exc:
                if attempt == _RETRIES:
                    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                    raise StoreUnavailable(f"the Graph Store at {self.endpoints.gsp} cannot be reached: {reason}") from None
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    def register(self, *graphs: str) -> None:
        """Record graphs in the current build's (or the store's) registry, so that queries see them."""
        if graphs:
            node = self.view().node
            self.update(requests(*(fill(INSERT_TRIPLE, graph=META_GRAPH, s=node, p=GRAPH, o=g) for g in graphs)))

    def copy_into_union(self, graph: str) -> None:
        """Add a graph's triples to the union graph, on the server."""
        self.update(fill(COPY_GRAPH, target=self.view().union, source=graph))

    def drop_graph(self, graph: str) -> None:
        self._writable()
        view = self.view()
        remaining = [g for g in view.graphs if g != graph]
        self.update(requests(
            fill(DROP_GRAPH, graph=graph),
            fill(DELETE_TRIPLE, graph=META_GRAPH, s=view.node, p=GRAPH, o=graph),
            fill(DROP_GRAPH, graph=view.union),
            *(fill(COPY_GRAPH, target=view.union, source=g) for g in remaining),
        ), atomic=True)

    def clear(self) -> None:
        """Drop every graph of this store, the registry and the union included."""
        view = self.view()
        self.update(requests(*(fill(DROP_GRAPH, graph=g) for g in [*view.graphs, view.union, UNION_GRAPH, META_GRAPH])))

    # -- reading whole graphs ---------------------------------------------------------------

    def triples(self, graph: str | None) -> list[ox.Triple]:
        """The triples of a named graph, or of the union for None (CONSTRUCT as N-Triples)."""
        source = self.view().union if graph is None else graph
        body = self._request(ALL_TRIPLES, kind="graph",
                             default_graph=[source], named_graphs=[source], timeout=max(self.endpoints.timeout, 600))
        return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Quads of the named graphs, or of one (pyoxigraph terms, like OxigraphStore.quads)."""
        for name in [graph] if graph is not None else self.named_graphs():
            node = ox.NamedNode(name)
            for t in self.triples(name):
                yield ox.Quad(t.subject, t.predicate, t.object, node)

    def dump(self, output: BinaryIO, *, fmt: str, graph: str | None = None) -> None:
        if graph is None:
            if fmt not in DATASET_FORMATS:
                raise StoreError(f"the whole store holds named graphs; use a dataset format (nquads, trig) or name a graph, not {fmt!r}")
            ox.serialize(self.quads(), output, format=rdf_format(fmt))
            return
        ox.serialize(self.triples(graph), output, format=rdf_format(fmt))

    def export(self, output: BinaryIO, *, fmt: str, graph: str | None = None,
               prefixes: Mapping[str, str] | None = None) -> None:
        """As :meth:`OxigraphStore.export`: dataset formats keep graph names, graph formats get the union."""
        ox_prefixes = dict(prefixes) if prefixes else None
        if fmt in DATASET_FORMATS or fmt == "jsonld":
            ox.serialize(self.quads(graph), output, format=rdf_format(fmt), prefixes=ox_prefixes)
            return
        ox.serialize(self.triples(graph), output, format=rdf_format(fmt), prefixes=ox_prefixes)

    def dump_bytes(self, *, fmt: str, graph: str | None = None) -> bytes:
        buffer = io.BytesIO()
        self.dump(buffer, fmt=fmt, graph=graph)
        return buffer.getvalue()

    def close(self) -> None:
        return None


# -- requests and answers -------------------------------------------------------------------

SERVER_TIME_LIMIT = "timeout"
"""Request parameter with the query's time limit in milliseconds (Virtuoso's "anytime" queries).

Measured on Virtuoso 7.2 (README, "Running on a SPARQL server"): with ``timeout`` the server stops
the evaluation at that limit and answers with what it has, marked ``X-SQL-State: S1TAT`` (HTTP
200), which :func:`refuse_partial` turns into :class:`QueryTimeout`; without it only the ini's
``MaxQueryExecutionTime`` stops a query that nobody waits for any more unless the client closes
its connection (Virtuoso then stops within a few seconds). Servers without the parameter ignore it.
"""


def server_time_limit(seconds: float) -> str:
    """``seconds`` as the value of :data:`SERVER_TIME_LIMIT` (whole milliseconds, at least 1)."""
    return str(max(int(seconds * 1000), 1))


def refuse_partial(headers: Mapping[str, str] | Any, url: str) -> None:
    """Raise :class:`QueryTimeout` for an answer the server cut short (Virtuoso: ``X-SQL-State: S1TAT``,
    or HTTP 206 with ``X-SQL-State``): a partial answer is never passed on as if complete."""
    if headers.get("X-SQL-State") == "S1TAT" or headers.get("x-sql-state") == "S1TAT":
        raise QueryTimeout(f"the query ran longer than the server's time limit ({url}); its answer would be partial")


def dataset(view: View, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None) -> tuple[list[str], list[str]]:
    """(default graphs, named graphs) of a query: the request's, or the current build's (``view``)."""
    named = list(named_graphs) if named_graphs is not None else view.graphs
    default = list(default_graph) if default_graph is not None else [view.union]
    return default, named or [META_GRAPH + "#none"]  # an empty list would mean "the server's choice"


def answer_of(status: int, headers: Mapping[str, str] | Any, body: bytes, url: str, sent: str | None = None) -> bytes:
    """The body of a query response, or the exception its status and headers mean."""
    if status >= 400:
        raise _http_error(status, body, url, "query", sent)
    if status == 206:
        raise QueryTimeout(f"the query ran longer than the server's time limit ({url}); its answer is partial (206)")
    refuse_partial(headers, url)
    return body


# -- query text -----------------------------------------------------------------------------


def prepare(parsed: _sparql_text.ParsedQuery, *, bindings: Mapping[str, Term] | None = None,
            base_iri: str | None = None) -> str:
    """The query text to send: predeclared prefixes, base IRI and bound parameters added.

    The prologue additions go just before the query form keyword, on the same line, so line
    numbers in the server's messages stay right; a prefix or base the query declares itself is
    kept (it wins). Bindings become ``VALUES (?a ?b) { (t1 t2) }`` right after the opening brace
    of the outermost WHERE group: the group is joined with that one solution, which is SEP-0007's
    substitution for every variable the group binds or filters on (docs/remote.md lists where
    the two differ).
    """
    text = parsed.text
    if bindings:
        for name, term in bindings.items():
            if isinstance(term, BNode):
                raise QueryError(f"cannot bind ?{name} to a blank node: SPARQL inline data (VALUES) has no blank nodes")
        if parsed.projected is not None:
            missing = sorted(set(bindings) - parsed.projected)
            if missing:
                raise QueryError(
                    f"cannot bind parameters: ?{', ?'.join(missing)} not projected "
                    "(SEP-0007: a SELECT query must project every bound variable)"
                )
        if parsed.where_open is None:
            raise QueryError("cannot bind parameters in a query without a WHERE group")
        names = list(bindings)
        terms = [iri_ref(str(bindings[n])) if isinstance(bindings[n], URIRef) else bindings[n].n3() for n in names]
        values = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }} "
        at = parsed.where_open + 1
        text = text[:at] + values + text[at:]
    prefixes = "".join(f"PREFIX {p}: <{iri}> " for p, iri in QUERY_PREFIXES.items() if p not in parsed.prefixes)
    text = text[:parsed.body_start] + prefixes + text[parsed.body_start:]
    if base_iri and not parsed.has_base:
        # first of all: some servers (Virtuoso) accept BASE only before every PREFIX
        text = f"BASE {iri_ref(base_iri)} " + text
    return text


_BNODE_LABEL = re.compile(r"[^A-Za-z0-9_]")


def _portable_bnodes(body: bytes) -> bytes:
    """Blank node labels any parser accepts: Virtuoso writes ``nodeID://b10005`` in SPARQL JSON."""
    try:
        document = json.loads(body)
        for row in document.get("results", {}).get("bindings", []):
            for term in row.values():
                if term.get("type") == "bnode":
                    term["value"] = _BNODE_LABEL.sub("_", term["value"].removeprefix("nodeID://"))
    except (ValueError, AttributeError) as exc:
        raise QueryError(f"the server's answer is not SPARQL JSON: {exc}") from None
    return json.dumps(document).encode()


def _opener(endpoints: Endpoints) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if endpoints.user:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in filter(None, (endpoints.query, endpoints.update, endpoints.gsp)):
            manager.add_password(None, url, endpoints.user, endpoints.password or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(manager), urllib.request.HTTPBasicAuthHandler(manager)]
    return urllib.request.build_opener(*handlers)


def _clean(body: bytes) -> str:
    """The server's error message without the query it echoes (Virtuoso appends it)."""
    text = body.decode("utf-8", "replace").strip()
    text = text.split("\n\nSPARQL query:")[0].split("\nSPARQL query:")[0]
    for noise in ("Virtuoso 37000 Error ", "Virtuoso 42000 Error "):
        text = text.replace(noise, "")
    return " ".join(text.split())[:2000]


def _renumber(body: bytes, sent: str | None) -> bytes:
    """Line numbers of the query as sent: Virtuoso counts lines it adds itself (``#output-format:…``).

    It echoes the query it compiled after ``SPARQL query:``; the lines before our text there are
    subtracted from the ``line N`` of its message.
    """
    text = body.decode("utf-8", "replace")
    head, marker, echo = text.partition("SPARQL query:\n")
    if not marker or not sent:
        return body
    at = echo.find(sent[:60])
    if at < 0:
        return body
    extra = echo[:at].count("\n")
    head = re.sub(r"line (\d+)", lambda m: f"line {max(int(m.group(1)) - extra, 1)}", head, count=1)
    return (head + marker + echo).encode()


def _http_error(status: int, body: bytes, url: str, what: str, sent: str | None = None) -> Exception:
    message = _clean(_renumber(body, sent))
    if "S1T00" in message or "SR171" in message:  # Virtuoso: MaxQueryExecutionTime reached without partial answer
        return QueryTimeout(f"the {what} ran longer than the server's time limit ({url}): {message}")
    if status in (400, 500) and ("SPARQL" in message or "SP0" in message or status == 400):
        return QueryError(f"the server rejected the {what}: {message}")
    if status in (401, 403):
        return StoreError(f"the server at {url} refused the {what} ({status}): set THCM_STORE_USER and THCM_STORE_PASSWORD, "
                          f"or grant the rights (docs/remote.md): {message}")
    if status in (502, 503, 504):
        return StoreUnavailable(f"the SPARQL server at {url} is unavailable ({status}): {message}")
    return StoreError(f"the server at {url} failed the {what} ({status}): {message}")


def _server_error(exc: SPARQLWrapperException, url: str, what: str, sent: str | None = None) -> Exception:
    status = {"QueryBadFormed": 400, "Unauthorized": 401, "EndPointNotFound": 404,
              "URITooLong": 414, "EndPointInternalError": 500}.get(type(exc).__name__, 500)
    text = str(exc)
    body = text.split("Response:\n", 1)[1] if "Response:\n" in text else text
    if body.startswith(("b'", 'b"')):
        with contextlib.suppress(ValueError, SyntaxError):
            body = eval_bytes(body)
    return _http_error(status, body.encode(), url, what, sent)


def eval_bytes(text: str) -> str:
    """Decode the ``b'…'`` representation SPARQLWrapper puts into its messages."""
    import ast

    value = ast.literal_eval(text.strip())
    if not isinstance(value, bytes):
        raise ValueError("not bytes")
    return value.decode("utf-8", "replace")


