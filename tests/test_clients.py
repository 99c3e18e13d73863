"""Researchers' clients against the real server: SPARQLWrapper in every format, rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from conftest import Server, start_server, stop_server
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from thcm_graph.config import Settings

pytestmark = pytest.mark.subprocess

AGENCIES = """PREFIX thcm: <https://w3id.org/thcm/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?agency ?label WHERE { ?agency a thcm:Agency ; skos:prefLabel ?label FILTER(lang(?label) = "de") } ORDER BY ?label"""
LEG = "https://w3id.org/thcm/id/org/leg-thueringen"


@pytest.fixture(scope="module")
def server(published: Settings) -> Iterator[Server]:
    """A real `thcm serve` over each backend (the embedded store, and Virtuoso)."""
    running = start_server(published)
    yield running
    stop_server(running)


def wrapper(server: Server, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.base_url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_json(server: Server) -> None:
    result = wrapper(server, AGENCIES, JSON).queryAndConvert()
    labels = [b["label"]["value"] for b in result["results"]["bindings"]]  # type: ignore[index]
    assert "Landesentwicklungsgesellschaft Thüringen mbH" in labels


def test_sparqlwrapper_xml(server: Server) -> None:
    document = wrapper(server, AGENCIES, XML).queryAndConvert()
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert "Landesentwicklungsgesellschaft Thüringen mbH" in literals


@pytest.mark.parametrize("fmt,delimiter", [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_and_tsv(server: Server, fmt: str, delimiter: str) -> None:
    text = wrapper(server, AGENCIES, fmt).queryAndConvert()
    rows = list(csv.reader(io.StringIO(text.decode("utf-8")), delimiter=delimiter))  # type: ignore[union-attr]
    assert len(rows) > 5 and rows[0][0].lstrip("?") == "agency"


def test_sparqlwrapper_ask(server: Server) -> None:
    assert wrapper(server, f"ASK {{ <{LEG}> ?p ?o }}", JSON).queryAndConvert()["boolean"] is True  # type: ignore[index]


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_sparqlwrapper_describe_in_rdf_formats(server: Server, fmt: str) -> None:
    graph = wrapper(server, f"DESCRIBE <{LEG}>", fmt).queryAndConvert()
    if not isinstance(graph, Graph):  # SPARQLWrapper returns bytes for some formats
        graph = Graph().parse(data=graph, format={TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld"}.get(fmt, "xml"))
    assert (URIRef(LEG), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), None) in graph


def test_sparqlwrapper_post(server: Server) -> None:
    client = wrapper(server, AGENCIES, JSON)
    client.setMethod("POST")
    assert len(client.queryAndConvert()["results"]["bindings"]) > 5  # type: ignore[index]


def test_rdflib_sparqlstore(server: Server) -> None:
    store = SPARQLStore(f"{server.base_url}/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query(AGENCIES))
    assert any(str(row[1]) == "Landesentwicklungsgesellschaft Thüringen mbH" for row in rows)
    assert (URIRef(LEG), None, None) in graph
    store.close()
