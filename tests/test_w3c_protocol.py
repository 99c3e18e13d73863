"""The W3C SPARQL 1.1 Protocol test cases (rdf-tests, `sparql11/protocol/manifest.ttl`) against a real server.

The suite's graphs (data1–3.nt under their kasei.us names) are published as a build of their own;
each test's HTTP requests are replayed with the path `/sparql/` replaced by ours, and the status
class, result format and boolean are checked as the manifest says. The update cases expect a
writable endpoint with no authentication; ours accepts updates only with a bearer token, so
those are expected failures, named below with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import REPO, Server, remote_settings, require_virtuoso, start_server, stop_server
from rdflib import Graph, Namespace
from rdflib.namespace import RDF, RDFS

from tests.virtuoso import Virtuoso
from thcm_graph.build.publish import build_lock, publish
from thcm_graph.build.publish_remote import publish_remote
from thcm_graph.config import Settings
from thcm_graph.store import RDF_FORMATS, OxigraphStore, StateLayout, open_remote

pytestmark = pytest.mark.subprocess

SUITE = REPO.parent / "shared" / "external" / "w3c-sparql11-protocol" / "protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"

#: Update tests need an unauthenticated writable endpoint; ours is read-only without a token.
READ_ONLY = "the endpoint accepts SPARQL Update only with a bearer token (THCM_UPDATE_TOKEN)"
EXPECTED_FAILURES = {
    name: READ_ONLY
    for name in (
        "update_dataset_default_graph", "update_dataset_default_graphs", "update_dataset_named_graphs",
        "update_dataset_full", "update_post_form", "update_post_direct", "update_base_uri",
    )
}


def manifest() -> Graph:
    return Graph().parse(SUITE / "manifest.ttl", format="turtle")


def cases() -> list[Any]:
    graph = manifest()
    entries = next(graph.objects(None, MF.entries))
    params = []
    for test in graph.items(entries):
        name = str(test).rsplit("#", 1)[1]
        marks = [pytest.mark.xfail(reason=EXPECTED_FAILURES[name], strict=True)] if name in EXPECTED_FAILURES else []
        params.append(pytest.param(name, id=name, marks=marks))
    return params


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def suite_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over the suite's own graphs, published like any build: on the embedded store, and on Virtuoso."""
    project = tmp_path_factory.mktemp("w3c")
    for name in ("ontology", "shapes"):
        (project / name).symlink_to(REPO / name)
    settings = Settings(project_dir=project, state_dir=project / "var")
    virtuoso: Virtuoso | None = None
    if request.param == "virtuoso":
        require_virtuoso()
        virtuoso = Virtuoso(project / "virtuoso").start()
        settings = remote_settings(settings, virtuoso)
    store = OxigraphStore.in_memory()
    graph = manifest()
    for data in set(graph.objects(None, UT.graphData)):
        file, label = graph.value(data, UT.graph), graph.value(data, RDFS.label)
        store.load(SUITE / Path(str(file)).name, fmt="ntriples", graph=str(label))
    layout = StateLayout(settings.state_path)
    build_id = "20000101T000000.000Z-w3cprotocol0"
    with build_lock(layout):
        graphs = {g: store.count(g) for g in store.named_graphs()}
        description = {"build_id": build_id, "graphs": graphs, "triples": sum(graphs.values())}
        if virtuoso is not None:
            publish_remote(store, open_remote(settings, writable=True), build_id, description)
        else:
            publish(store, layout, build_id, description)
    server = start_server(settings)
    yield server
    stop_server(server)
    if virtuoso is not None:
        virtuoso.stop()


def _requests(graph: Graph, test_name: str) -> list[Any]:
    test = next(t for t in graph.subjects(RDF.type, MF.ProtocolTest) if str(t).endswith("#" + test_name))
    action = graph.value(test, MF.action)
    return list(graph.items(graph.value(action, HT.requests)))


def _check(graph: Graph, response_node: Any, response: httpx.Response) -> None:
    statuses = {str(s).removeprefix(HTS) for s in graph.objects(response_node, MF.expectedStatus)}
    assert f"{response.status_code // 100}xx" in statuses, f"status {response.status_code}, expected {statuses}: {response.text[:300]}"
    expected_format = graph.value(response_node, MF.expectedFormat)
    media = response.headers.get("content-type", "").split(";")[0]
    if expected_format is not None and response.status_code < 300:
        fmt = str(expected_format)
        if fmt in ("boolean", "tabular"):
            assert media.startswith("application/sparql-results+") or media in ("text/csv", "text/tab-separated-values"), media
        elif fmt == "RDF":
            assert media in RDF_FORMATS.values(), media
    expected_boolean = graph.value(response_node, MF.expectedBoolean)
    if expected_boolean is not None and response.status_code < 300:
        assert media == "application/sparql-results+json", media
        assert json.loads(response.text)["boolean"] is expected_boolean.toPython()


@pytest.mark.parametrize("name", cases())
def test_w3c_protocol_case(suite_server: Server, name: str) -> None:
    graph = manifest()
    for request in _requests(graph, name):
        method = str(graph.value(request, HT.methodName))
        path = str(graph.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
        headers = {}
        header_list = graph.value(request, HT.headers)
        if header_list is not None:
            for header in graph.items(header_list):
                headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
        body_node = graph.value(request, HT.body)
        content: bytes | None = None
        if body_node is not None:
            chars = str(graph.value(body_node, CNT.chars))
            encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
            content = chars.encode(encoding)
        response = httpx.request(method, suite_server.base_url + path, headers=headers, content=content, timeout=30)
        _check(graph, graph.value(request, HT.resp), response)
