"""SPARQL Update with a bearer token: validated like a build, published atomically (real uvicorn),
on each backend: the embedded store, and Virtuoso (the update is applied to a copy of the server's
build and published there with staging graphs and the pointer switch)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import Server, copy_project, remote_settings, require_virtuoso, start_server, stop_server

from tests.virtuoso import Virtuoso
from thcm_graph.build import build

pytestmark = pytest.mark.subprocess

TOKEN = "test-token-0123456789abcdef"
GRAPH = "https://w3id.org/thcm/graph/thcm-brochure-2012"
SOURCE = "https://w3id.org/thcm/id/source/thcm-brochure-2012"
ACTOR = "https://w3id.org/thcm/id/org/update-gmbh"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def update_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A Virtuoso of this module's own (the tests publish builds on it)."""
    require_virtuoso()
    running = Virtuoso(tmp_path_factory.mktemp("update-virtuoso")).start()
    yield running
    running.stop()


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    """`thcm serve` with updates enabled over a fresh build, on each backend."""
    settings = copy_project(tmp_path / "project")
    env = {"THCM_UPDATE_TOKEN": TOKEN, "THCM_RELOAD_INTERVAL": "0"}
    if request.param == "virtuoso":
        virtuoso: Virtuoso = request.getfixturevalue("update_virtuoso")
        settings = remote_settings(settings, virtuoso)
        env.update(virtuoso.env())
    build(settings)
    running = start_server(settings, extra_env=env)
    yield running
    stop_server(running)


def test_update_is_refused_without_a_configured_token(request: pytest.FixtureRequest, server: Server) -> None:
    """403 when THCM_UPDATE_TOKEN is not set, whatever the request carries."""
    env = {}
    if server.settings.remote_store:
        env = request.getfixturevalue("update_virtuoso").env()
    read_only = start_server(server.settings, extra_env=env)
    try:
        before = state(read_only)
        response = update(read_only, VALID)
        assert response.status_code == 403 and "THCM_UPDATE_TOKEN" in response.json()["error"]["message"]
        assert state(read_only) == before
    finally:
        stop_server(read_only)


def update(server: Server, text: str, token: str | None = TOKEN) -> httpx.Response:
    headers = {"content-type": "application/sparql-update"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return httpx.post(f"{server.base_url}/sparql", content=text.encode(), headers=headers, timeout=60)


def state(server: Server) -> tuple[str, int]:
    response = httpx.get(f"{server.base_url}/sparql", params={"query": COUNT})
    return response.headers["x-thcm-build"], int(response.json()["results"]["bindings"][0]["n"]["value"])


VALID = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
INSERT DATA {{ GRAPH <{GRAPH}> {{
  <{ACTOR}> a <https://w3id.org/thcm/ontology#Firm> ; skos:prefLabel "Update GmbH"@de ;
      prov:wasDerivedFrom <{SOURCE}> .
}} }}"""


def test_authorised_update_is_published_as_a_new_build(server: Server) -> None:
    before_build, before_count = state(server)
    response = update(server, VALID)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["parent_build"] == before_build and answer["build_id"] != before_build
    after_build, after_count = state(server)
    assert after_build == answer["build_id"]
    assert after_count > before_count
    # the build entailed the new firm's types like any other actor
    ask = httpx.get(f"{server.base_url}/sparql", params={"query": f"ASK {{ <{ACTOR}> a <http://www.w3.org/ns/org#Organization> }}"})
    assert ask.json()["boolean"] is True


@pytest.mark.parametrize("token,status", [(None, 401), ("wrong-token-0123456789", 401)])
def test_update_without_the_right_token_is_refused(server: Server, token: str | None, status: int) -> None:
    before = state(server)
    response = update(server, VALID, token)
    assert response.status_code == status
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert state(server) == before


@pytest.mark.parametrize("text,expected", [
    (f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
     INSERT DATA {{ GRAPH <{GRAPH}> {{ <{ACTOR}> a <https://w3id.org/thcm/ontology#Firm> ; skos:prefLabel "Ohne Quelle"@de }} }}""",
     "prov:wasDerivedFrom"),
    (f'INSERT DATA {{ <{ACTOR}> <http://www.w3.org/2004/02/skos/core#prefLabel> "x"@de }}', "default graph"),
    ("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> ", "malformed update"),
])
def test_invalid_update_changes_nothing(server: Server, text: str, expected: str) -> None:
    before = state(server)
    response = update(server, text)
    assert response.status_code == 400
    assert expected in response.json()["error"]["message"]
    assert state(server) == before


def test_readers_see_the_old_build_or_the_new_never_half(server: Server) -> None:
    before_build, before_count = state(server)
    seen: list[tuple[str, int]] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(state(server))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        response = update(server, VALID)
    finally:
        stop.set()
        reader.join()
    assert response.status_code == 200, response.text
    after = state(server)
    assert after[0] == response.json()["build_id"] and after[1] > before_count
    assert len(seen) > 3
    assert set(seen) <= {(before_build, before_count), after}, sorted(set(seen) - {(before_build, before_count), after})
