"""`thcm serve` as a real uvicorn process, queried over HTTP."""

from __future__ import annotations

import time

import httpx
import pytest
from conftest import Server, start_server, stop_server

from thcm_graph.build import build
from thcm_graph.config import Settings

pytestmark = pytest.mark.subprocess

COUNT_ACTORS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a <http://www.w3.org/ns/org#Organization> }"


def count_from(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_get_answers_with_sparql_json(server: Server) -> None:
    response = httpx.get(f"{server.base_url}/sparql", params={"query": COUNT_ACTORS})
    assert response.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    assert count_from(response) > 0
    assert response.headers["etag"].strip('"').startswith(response.headers["x-thcm-build"] + "-")


def test_post_form_and_direct_post_agree_with_get(server: Server) -> None:
    get = count_from(httpx.get(f"{server.base_url}/sparql", params={"query": COUNT_ACTORS}))
    form = count_from(httpx.post(f"{server.base_url}/sparql", data={"query": COUNT_ACTORS}))
    direct = count_from(httpx.post(f"{server.base_url}/sparql", content=COUNT_ACTORS.encode(),
                                   headers={"content-type": "application/sparql-query"}))
    assert get == form == direct


def test_malformed_query_is_a_400_with_the_parser_message(server: Server) -> None:
    response = httpx.get(f"{server.base_url}/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "QueryError" and "1:" in error["message"]


def test_server_picks_up_a_new_build_without_restart(built_project: Settings) -> None:
    running = start_server(built_project, extra_env={"THCM_RELOAD_INTERVAL": "0"})
    try:
        first = httpx.get(f"{running.base_url}/health").json()["build_id"]
        extra = built_project.data_path / "thcm-brochure-2012" / "extra.ttl"
        extra.write_text("""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://w3id.org/thcm/id/org/neue-firma> a <https://w3id.org/thcm/ontology#Firm> ;
    skos:prefLabel "Neue Firma GmbH"@de ;
    prov:wasDerivedFrom <https://w3id.org/thcm/id/source/thcm-brochure-2012> .
""", encoding="utf-8")
        before = count_from(httpx.get(f"{running.base_url}/sparql", params={"query": COUNT_ACTORS}))
        second = build(built_project).build_id
        deadline = time.monotonic() + 30
        while httpx.get(f"{running.base_url}/health").json()["build_id"] != second:
            assert time.monotonic() < deadline, "server never switched to the new build"
            time.sleep(0.05)
        after = count_from(httpx.get(f"{running.base_url}/sparql", params={"query": COUNT_ACTORS}))
        assert (first, after) != (second, before) and after == before + 1
    finally:
        stop_server(running)
