"""One contract for every Store implementation, run against each backend."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from tests.virtuoso import Virtuoso
from thcm_graph.errors import InputError, QueryError, StoreError
from thcm_graph.store import AskResult, Endpoints, GraphResult, OxigraphStore, RemoteSparqlStore, SelectResult, Store

EX = "https://example.org/"
G1, G2 = EX + "g1", EX + "g2"
TURTLE = f"""@prefix ex: <{EX}> .
ex:leg ex:name "LEG Thüringen"@de , "LEG Thuringia"@en ;
    ex:members 42 ;
    ex:unitOf ex:land .
""".encode()


def remote_store(server: Virtuoso, *, gsp: bool = True) -> RemoteSparqlStore:
    """An empty RemoteSparqlStore on the session's Virtuoso (loading by Graph Store Protocol, or INSERT DATA)."""
    backend = RemoteSparqlStore(Endpoints(query=server.sparql_url, gsp=server.gsp_url if gsp else None))
    backend.clear()
    return backend


@pytest.fixture(params=["oxigraph-memory", "oxigraph-disk", "virtuoso", "virtuoso-update"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Every backend, loaded with the same two graphs."""
    backend: Store
    if request.param == "oxigraph-memory":
        backend = OxigraphStore.in_memory()
    elif request.param == "oxigraph-disk":
        backend = OxigraphStore.open(tmp_path / "store")
    else:
        backend = remote_store(request.getfixturevalue("virtuoso"), gsp=request.param == "virtuoso")
    backend.load(TURTLE, fmt="turtle", graph=G1)
    backend.add_triples([(URIRef(EX + "land"), URIRef(EX + "name"), Literal("Freistaat Thüringen", lang="de"))], graph=G2)
    yield backend
    backend.close()


def test_protocol_is_implemented(store: Store) -> None:
    assert isinstance(store, Store)


def test_named_graphs_and_counts(store: Store) -> None:
    assert store.named_graphs() == [G1, G2]
    assert store.count(G1) == 4
    assert store.count(G2) == 1
    assert store.count() == 5


def test_default_graph_is_the_union_of_named_graphs(store: Store) -> None:
    # sorted here: ORDER BY over language-tagged literals is implementation-defined (SPARQL 1.1 §15.1)
    result = store.query(f"SELECT ?n WHERE {{ ?s <{EX}name> ?n }}")
    assert isinstance(result, SelectResult)
    assert sorted(str(t) for t in result.column("n")) == ["Freistaat Thüringen", "LEG Thuringia", "LEG Thüringen"]


def test_default_graph_can_be_restricted(store: Store) -> None:
    result = store.query(f"SELECT ?n WHERE {{ ?s <{EX}name> ?n }}", default_graph=[G2])
    assert result.rows == [(Literal("Freistaat Thüringen", lang="de"),)]  # type: ignore[union-attr]


def test_bound_parameters_are_terms_not_text(store: Store) -> None:
    query = f"SELECT ?n ?s ?lang WHERE {{ ?s <{EX}name> ?n FILTER(lang(?n) = ?lang) }}"
    result = store.query(query, bindings={"lang": Literal("en"), "s": URIRef(EX + "leg")})
    assert result.rows == [(Literal("LEG Thuringia", lang="en"), URIRef(EX + "leg"), Literal("en"))]  # type: ignore[union-attr]
    hostile = store.query(query, bindings={"lang": Literal('en") } ; DROP ALL ; #')})
    assert hostile.rows == []  # type: ignore[union-attr]
    assert store.count() == 5


def test_binding_a_variable_a_select_does_not_project_is_a_clear_error(store: Store) -> None:
    with pytest.raises(QueryError, match="must project every bound variable"):
        store.query(f"SELECT ?n WHERE {{ ?s <{EX}name> ?n }}", bindings={"s": URIRef(EX + "leg")})


def test_terms_come_back_as_rdflib_terms(store: Store) -> None:
    store.load(f"<{EX}leg> <{EX}seat> [ <{EX}city> <{EX}erfurt> ] .".encode(), fmt="turtle", graph=EX + "g3")
    result = store.query(f"SELECT ?m ?u ?b WHERE {{ ?s <{EX}members> ?m ; <{EX}unitOf> ?u ; <{EX}seat> ?b }}")
    assert isinstance(result, SelectResult)
    (row,) = result.rows
    assert row[0] == Literal(42, datatype=XSD.integer)
    assert row[1] == URIRef(EX + "land")
    assert isinstance(row[2], BNode)
    assert store.query(f"ASK {{ ?b <{EX}city> <{EX}erfurt> }}") == AskResult(True)


def test_bnode_function(store: Store) -> None:
    if not store.capabilities.bnode_function:
        pytest.skip("the store does not implement BNODE() (capability bnode_function)")
    result = store.query(f"SELECT ?b WHERE {{ <{EX}leg> <{EX}members> ?m BIND(BNODE() AS ?b) }}")
    assert isinstance(result.rows[0][0], BNode)  # type: ignore[union-attr]


def test_ask_and_construct(store: Store) -> None:
    assert store.query(f"ASK {{ <{EX}leg> ?p ?o }}") == AskResult(True)
    graph = store.query(f"CONSTRUCT {{ ?s <{EX}label> ?n }} WHERE {{ ?s <{EX}name> ?n FILTER(lang(?n) = 'de') }}")
    assert isinstance(graph, GraphResult)
    assert len(graph) == 2


@pytest.mark.parametrize("fmt,marker", [("json", b'"vars"'), ("xml", b"<sparql"), ("csv", b"n\r\n"), ("tsv", b"?n\n")])
def test_select_serialises_in_every_results_format(store: Store, fmt: str, marker: bytes) -> None:
    raw = store.query_raw(f"SELECT ?n WHERE {{ <{EX}land> <{EX}name> ?n }}")
    assert raw.kind == "select"
    body = raw.serialize(fmt)
    assert marker in body and "Freistaat Thüringen".encode() in body


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "rdfxml", "jsonld"])
def test_construct_serialises_as_rdf(store: Store, fmt: str) -> None:
    raw = store.query_raw(f"CONSTRUCT WHERE {{ <{EX}land> ?p ?o }}")
    assert raw.kind == "graph"
    assert "Freistaat Thüringen".encode() in raw.serialize(fmt)


def test_malformed_query_raises_query_error_with_position(store: Store) -> None:
    position = r"1:\d+" if store.capabilities.error_columns else r"line 1\b"
    with pytest.raises(QueryError, match=position):
        store.query("SELECT * WHERE { ?s ?p }")


def test_drop_graph_and_dump(store: Store) -> None:
    store.drop_graph(G2)
    assert store.named_graphs() == [G1]
    buffer = io.BytesIO()
    store.dump(buffer, fmt="nquads")
    assert buffer.getvalue().count(b"\n") == 4
    with pytest.raises(StoreError, match="dataset format"):
        store.dump(io.BytesIO(), fmt="turtle")


def test_read_only_store_refuses_writes(tmp_path: Path) -> None:
    writable = OxigraphStore.open(tmp_path / "s")
    writable.load(TURTLE, fmt="turtle", graph=G1)
    writable.flush()
    writable.close()
    reader = OxigraphStore.open(tmp_path / "s", read_only=True)
    assert reader.count() == 4
    with pytest.raises(StoreError, match="read-only"):
        reader.drop_graph(G1)
    memory = reader.copy_to_memory()
    assert memory.count() == 4 and memory.capabilities.writable


def test_a_triple_stated_in_two_graphs_counts_once_in_the_default_graph(store: Store) -> None:
    # SPARQL 1.1 §13.2: the default graph is an RDF graph (a set), here the merge of the named graphs
    store.add_triples([(URIRef(EX + "land"), URIRef(EX + "name"), Literal("Freistaat Thüringen", lang="de"))], graph=G1)
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}land> <{EX}name> ?o }}")
    assert result.rows == [(Literal(1),)]  # type: ignore[union-attr]
    per_graph = store.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{EX}land> <{EX}name> ?o }} }} ORDER BY ?g")
    assert per_graph.column("g") == [URIRef(G1), URIRef(G2)]  # type: ignore[union-attr]
    assert store.count() == 6
    store.drop_graph(G2)
    still = store.query(f"ASK {{ <{EX}land> <{EX}name> ?o }}")
    assert still == AskResult(True)


def test_load_from_a_file_path(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "extra.nt"
    path.write_text(f"<{EX}a> <{EX}b> <{EX}c> .\n", encoding="utf-8")
    store.load(path, fmt="ntriples", graph=EX + "g3")
    assert store.count(EX + "g3") == 1
    assert store.query(f"ASK {{ <{EX}a> <{EX}b> <{EX}c> }}") == AskResult(True)


def test_load_reports_syntax_errors(store: Store) -> None:
    with pytest.raises(InputError, match="cannot load turtle"):
        store.load(b"<a> <b> .", fmt="turtle", graph=EX + "g3")


def test_common_prefixes_are_predeclared(store: Store) -> None:
    store.add_triples([(URIRef("https://w3id.org/thcm/id/org/x"), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
                        Literal("X", lang="de"))], graph=G1)
    assert store.query("ASK { ?s skos:prefLabel 'X'@de }") == AskResult(True)
    # a query's own declaration wins
    assert store.query("PREFIX skos: <urn:other#> ASK { ?s skos:prefLabel 'X'@de }") == AskResult(False)
