"""The SPARQL endpoint in process (FastAPI TestClient): protocol details and errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from api import create_app
from thcm_graph.config import Settings

SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/thcm/ontology#Agency> } LIMIT 2"
DESCRIBE = "DESCRIBE <https://w3id.org/thcm/id/org/leg-thueringen>"


@pytest.fixture(scope="module")
def client(published: Settings) -> Iterator[TestClient]:
    """The app over each backend (``published``: the embedded store, and Virtuoso)."""
    with TestClient(create_app(published)) as c:
        yield c


@pytest.mark.parametrize("accept,media", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
    ("text/html;q=0.9, application/json;q=0.8", "application/sparql-results+json"),
])
def test_select_is_negotiated(client: TestClient, accept: str, media: str) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media}; charset=utf-8"


def test_construct_defaults_to_turtle_and_parses(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": DESCRIBE})
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert len(Graph().parse(data=response.text, format="turtle")) > 3


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT, "format": "csv"}, headers={"accept": "application/sparql-results+xml"})
    assert response.headers["content-type"].startswith("text/csv")


def test_unacceptable_format_is_406(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.json()["error"]["message"]


def test_two_query_parameters_are_400(client: TestClient) -> None:
    response = client.get("/sparql", params=[("query", SELECT), ("query", SELECT)])
    assert response.status_code == 400
    assert "2 'query' parameters" in response.json()["error"]["message"]


def test_missing_query_in_a_post_is_400(client: TestClient) -> None:
    response = client.post("/sparql", data={"default-graph-uri": "https://w3id.org/thcm/graph/ontology"})
    assert response.status_code == 400
    assert "missing 'query'" in response.json()["error"]["message"]


def test_get_without_query_is_the_service_description(client: TestClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = URIRef("http://testserver/sparql")
    assert (endpoint, URIRef(sd + "endpoint"), endpoint) in graph
    assert (endpoint, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in graph
    assert (endpoint, URIRef(sd + "resultFormat"), URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in graph
    names = set(graph.objects(None, URIRef(sd + "name")))
    assert URIRef("https://w3id.org/thcm/graph/ontology") in names
    as_jsonld = client.get("/sparql", headers={"accept": "application/ld+json"})
    assert as_jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=as_jsonld.text, format="json-ld")) == len(graph)


def test_other_methods_are_405(client: TestClient) -> None:
    assert client.put("/sparql", content=SELECT).status_code == 405
    assert client.delete("/sparql").status_code == 405


def test_oversized_body_is_413(client: TestClient, session_build: Settings) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (session_build.max_body_bytes + 1)
    response = client.post("/sparql", content=big, headers={"content-type": "application/sparql-query"})
    assert response.status_code == 413
    assert "THCM_MAX_BODY_BYTES" in response.json()["error"]["message"]


def test_cors_allows_browsers(client: TestClient) -> None:
    preflight = client.options("/sparql", headers={"origin": "https://example.org", "access-control-request-method": "POST"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "https://example.org")
    simple = client.get("/sparql", params={"query": SELECT}, headers={"origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] in ("*", "https://example.org")
    assert "etag" in simple.headers["access-control-expose-headers"].lower()


def test_large_answers_are_gzipped(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["results"]["bindings"]) > 100


def test_etag_revalidation_gives_304(client: TestClient) -> None:
    first = client.get("/sparql", params={"query": SELECT})
    etag = first.headers["etag"]
    assert first.headers["x-thcm-build"] in etag and first.headers["cache-control"] == "no-cache"
    again = client.get("/sparql", params={"query": SELECT}, headers={"if-none-match": etag})
    assert again.status_code == 304
    other = client.get("/sparql", params={"query": SELECT}, headers={"if-none-match": etag, "accept": "text/csv"})
    assert other.status_code == 200


def test_update_without_configured_token_is_403(client: TestClient) -> None:
    response = client.post("/sparql", data={"update": "DROP ALL"}, headers={"authorization": "Bearer whatever-is-long-enough"})
    assert response.status_code == 403
    assert "THCM_UPDATE_TOKEN" in response.json()["error"]["message"]


def test_update_in_the_url_is_400(client: TestClient) -> None:
    assert client.get("/sparql", params={"update": "DROP ALL"}).status_code == 400


def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = client.post("/sparql", content=SELECT, headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_update_is_refused_with_403(client: TestClient) -> None:
    response = client.post("/sparql", content="DROP ALL", headers={"content-type": "application/sparql-update"})
    assert response.status_code == 403
    form = client.post("/sparql", data={"update": "DROP ALL"})
    assert form.status_code == 403


@pytest.mark.parametrize("fmt,media", [("turtle", "text/turtle"), ("ntriples", "application/n-triples"),
                                       ("jsonld", "application/ld+json"), ("rdfxml", "application/rdf+xml"),
                                       ("nquads", "application/n-quads"), ("trig", "application/trig")])
def test_construct_in_every_rdf_format(client: TestClient, fmt: str, media: str) -> None:
    response = client.get("/sparql", params={"query": DESCRIBE}, headers={"accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media}; charset=utf-8"
    rdflib_format = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml", "nquads": "nquads", "trig": "trig"}[fmt]
    assert len(Graph().parse(data=response.text, format=rdflib_format)) > 3


def test_select_cannot_be_turtle(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT, "format": "turtle"})
    assert response.status_code == 406


def test_non_utf8_body_is_400(client: TestClient) -> None:
    response = client.post("/sparql", content=b"SELECT * WHERE { ?s ?p \xff }", headers={"content-type": "application/sparql-query"})
    assert response.status_code == 400
    assert "UTF-8" in response.json()["error"]["message"]


def test_dataset_parameters_select_the_graphs(client: TestClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    ontology = client.get("/sparql", params={"query": query, "default-graph-uri": "https://w3id.org/thcm/graph/ontology"})
    everything = client.get("/sparql", params={"query": query})
    n_ontology = int(ontology.json()["results"]["bindings"][0]["n"]["value"])
    n_all = int(everything.json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < n_ontology < n_all


def test_home_describes_the_build(client: TestClient) -> None:
    home = client.get("/").json()
    assert home["triples"] > 0 and home["links"]["sparql"].endswith("/sparql")


def test_unknown_paths_and_methods_use_the_error_shape(client: TestClient) -> None:
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "NotFound"
    wrong = client.put("/sparql")
    assert wrong.status_code == 405 and wrong.json()["error"]["type"] == "MethodNotAllowed"
    assert "GET" in wrong.headers["allow"]
