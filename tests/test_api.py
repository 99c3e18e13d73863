"""The SPARQL endpoint in process (FastAPI TestClient): protocol details and errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from api import create_app
from thcm_graph.config import Settings
from thcm_graph.store import provider

SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/thcm/ontology#Agency> } LIMIT 2"
DESCRIBE = "DESCRIBE <https://w3id.org/thcm/id/org/leg-thueringen>"


@pytest.fixture(scope="module")
def client(session_build: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(session_build, provider(session_build))) as c:
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


def test_missing_query_is_400(client: TestClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 400
    assert "missing 'query'" in response.json()["error"]["message"]


def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = client.post("/sparql", content=SELECT, headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_update_is_refused_with_403(client: TestClient) -> None:
    response = client.post("/sparql", content="DROP ALL", headers={"content-type": "application/sparql-update"})
    assert response.status_code == 403
    form = client.post("/sparql", data={"update": "DROP ALL"})
    assert form.status_code == 403


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
