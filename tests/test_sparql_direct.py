"""GET /sparql takes a direct path past the middleware; it must answer exactly as the full stack does (real uvicorn)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from conftest import Server

from api.sparql import answer_get
from thcm_graph.config import Settings
from thcm_graph.workers import QueryWorkers

pytestmark = pytest.mark.subprocess

LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/thcm/id/org/leg-thueringen> ?p ?o } ORDER BY ?p ?o"
SAME_HEADERS = ("content-type", "etag", "x-thcm-build", "vary", "cache-control", "content-encoding")


def both(server: Server, params: dict[str, str], headers: dict[str, str]) -> tuple[httpx.Response, httpx.Response]:
    """The same request by the direct path, and through the full stack (an Origin header sends it there)."""
    direct = httpx.get(f"{server.base_url}/sparql", params=params, headers=headers)
    full = httpx.get(f"{server.base_url}/sparql", params=params, headers={**headers, "origin": "https://example.org"})
    assert full.headers["access-control-allow-origin"] == "*" and "access-control-allow-origin" not in direct.headers
    return direct, full


@pytest.mark.parametrize("params,headers", [
    ({"query": LOOKUP}, {"accept-encoding": "gzip"}),
    ({"query": LOOKUP}, {"accept-encoding": "identity", "accept": "text/csv"}),
    ({"query": LOOKUP, "format": "xml"}, {}),
    ({"query": "ASK { ?s ?p ?o }"}, {"accept-encoding": "identity"}),
    ({"query": "DESCRIBE <https://w3id.org/thcm/id/org/leg-thueringen>"}, {"accept": "application/n-triples"}),
    ({"query": "ASK { ?s ?p ?o }", "default-graph-uri": "https://w3id.org/thcm/graph/thcm-brochure-2012"}, {}),
])
def test_the_direct_path_answers_like_the_full_stack(server: Server, params: dict[str, str], headers: dict[str, str]) -> None:
    direct, full = both(server, params, headers)
    assert direct.status_code == full.status_code == 200
    assert direct.content == full.content
    for name in SAME_HEADERS:
        expected = full.headers.get(name)
        if name == "vary":  # CORS adds Origin for the cross-origin request
            expected = ", ".join(v for v in expected.split(", ") if v != "Origin")
        assert direct.headers.get(name) == expected, name


@pytest.mark.parametrize("params,headers,status", [
    ({"query": "SELECT * WHERE { ?s ?p }"}, {}, 400),
    ({"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"}, {"accept": "text/csv"}, 406),
    ({"query": "ASK {}", "format": "nonsense"}, {}, 400),
])
def test_the_direct_path_reports_errors_like_the_full_stack(server: Server, params: dict[str, str], headers: dict[str, str],
                                                            status: int) -> None:
    direct, full = both(server, params, headers)
    assert direct.status_code == full.status_code == status
    assert direct.json() == full.json()


def test_a_matching_etag_gets_304_on_the_direct_path(server: Server) -> None:
    first = httpx.get(f"{server.base_url}/sparql", params={"query": LOOKUP})
    again = httpx.get(f"{server.base_url}/sparql", params={"query": LOOKUP}, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.headers["etag"] == first.headers["etag"]


def test_answer_get_answers_plain_gets_and_declines_cross_origin_ones(session_build: Settings, server: Server) -> None:
    """In process, against real query workers: which requests the direct path takes."""
    workers = QueryWorkers(session_build.state_path, pool_size=1)

    async def call(query_string: bytes, headers: list[tuple[bytes, bytes]]) -> tuple[bool, list[dict[str, Any]]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/sparql", "root_path": "", "scheme": "http",
                 "query_string": query_string, "headers": [(b"host", b"127.0.0.1"), *headers]}
        return await answer_get(workers, scope, receive, send), sent

    try:
        query = urlencode({"query": LOOKUP}).encode()
        taken, sent = asyncio.run(call(query, []))
        assert taken and sent[0]["status"] == 200
        over_http = httpx.get(f"{server.base_url}/sparql", params={"query": LOOKUP}, headers={"accept-encoding": "identity"})
        assert sent[1]["body"] == over_http.content
        for declined in [(query, [(b"origin", b"https://example.org")]), (b"", []), (query + b"&other=1", [])]:
            assert asyncio.run(call(*declined)) == (False, [])
    finally:
        workers.close()
