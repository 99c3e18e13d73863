"""thcm-graph on a real Virtuoso server: the CLI, `thcm serve`, atomic publish and faults.

The contract, competency and endpoint suites run on Virtuoso through their ``store`` and
``published`` fixtures; this module covers what only a remote store has: a server that is
down, killed in the middle of a publish, or switched while readers read.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import copy_project, env_for, free_port, remote_settings, require_virtuoso, start_server, stop_server, thcm
from rdflib import Literal, URIRef

from tests.virtuoso import Virtuoso
from thcm_graph.build import build
from thcm_graph.config import Settings
from thcm_graph.errors import InputError, QueryTimeout
from thcm_graph.store import AskResult, Endpoints, RemoteSparqlStore, open_published, open_remote

pytestmark = pytest.mark.subprocess

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
EXTRA = "@prefix ex: <https://example.org/> .\n" + "".join(f"ex:s{i} ex:p {i} .\n" for i in range(300))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Virtuoso]:
    """A Virtuoso server of its own (the fault tests kill it)."""
    require_virtuoso()
    running = Virtuoso(tmp_path / "virtuoso").start()
    yield running
    running.stop()


@pytest.fixture
def remote_project(tmp_path: Path, server: Virtuoso) -> Settings:
    return remote_settings(copy_project(tmp_path / "project"), server)


def remote_env(server: Virtuoso, **extra: str) -> dict[str, str]:
    return {**server.env(), **extra}


def union_count(settings: Settings) -> int:
    store, _ = open_published(settings)
    return int(store.query(COUNT).rows[0][0])  # type: ignore[union-attr, arg-type]


def test_cli_build_stats_query_on_virtuoso(remote_project: Settings, server: Virtuoso, session_build: Settings) -> None:
    built = thcm(remote_project, "build", "--no-analysis", extra_env=remote_env(server))  # as session_build
    assert built.returncode == 0, built.stderr
    assert f"published to {server.sparql_url}" in built.stdout
    stats = thcm(remote_project, "stats", "--format", "json", extra_env=remote_env(server))
    assert stats.returncode == 0, stats.stderr
    embedded = thcm(session_build, "stats", "--format", "json")
    remote_stats, local_stats = json.loads(stats.stdout), json.loads(embedded.stdout)
    remote_stats.pop("build_id", None), local_stats.pop("build_id", None)
    assert remote_stats == local_stats  # the same counts per graph and per class as the embedded store
    query = thcm(remote_project, "query", COUNT, "--format", "json", extra_env=remote_env(server))
    local = thcm(session_build, "query", COUNT, "--format", "json")
    assert json.loads(query.stdout) == json.loads(local.stdout)  # the union default graph is a set on both


def test_serve_over_virtuoso(remote_project: Settings, server: Virtuoso) -> None:
    build(remote_project)
    running = start_server(remote_project, extra_env=remote_env(server))
    try:
        health = httpx.get(f"{running.base_url}/health").json()
        assert health["status"] == "ok" and health["worker_pid"] is None
        answer = httpx.get(f"{running.base_url}/sparql", params={"query": COUNT}, headers={"accept": "text/csv"})
        assert answer.status_code == 200 and answer.text.startswith("n\r\n")
        bad = httpx.get(f"{running.base_url}/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
        assert bad.status_code == 400 and "line 1" in bad.json()["error"]["message"]
        # downloads and descriptions read the build from the server
        quads = httpx.get(f"{running.base_url}/downloads/thcm.nq", timeout=60)
        assert quads.status_code == 200
        assert len(quads.content.splitlines()) == sum(open_published(remote_project)[1].manifest["graphs"].values())
        catalog = httpx.get(f"{running.base_url}/catalog", headers={"accept": "text/turtle"}, timeout=60)
        assert catalog.status_code == 200 and b"Dataset" in catalog.content
    finally:
        stop_server(running)


@pytest.mark.parametrize("command", [["query", COUNT], ["stats"], ["build"], ["serve", "--port", "0"]])
def test_server_down_is_a_clear_error_naming_the_url(project: Settings, command: list[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    done = thcm(project, *command, extra_env={"THCM_STORE": "sparql+" + url}, timeout=60)
    assert done.returncode == 3, done.stdout + done.stderr
    assert url in done.stderr and "cannot be reached" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("moment", ["loading", "pausing"])
def test_server_killed_mid_publish_keeps_the_previous_build(remote_project: Settings, server: Virtuoso, moment: str) -> None:
    first = build(remote_project)
    before = union_count(remote_project)
    (remote_project.data_path / "thcm-brochure-2012" / "zz-extra.ttl").write_text(EXTRA, encoding="utf-8")
    env = {**env_for(remote_project), **remote_env(server, THCM_DEBUG_PAUSE_BEFORE_SWITCH="30")}
    with subprocess.Popen([sys.executable, "-m", "thcm_graph", "build"], env=env, stderr=subprocess.PIPE, text=True) as process:
        assert process.stderr is not None
        for line in process.stderr:
            if line.startswith(f"· {moment}"):
                server.kill()
                break
        process.wait(timeout=60)
        rest = process.stderr.read()
    assert process.returncode == 3, rest
    assert server.sparql_url in rest and "Traceback" not in rest
    server.start()
    store, publication = open_published(remote_project)
    assert publication.build_id == first.build_id
    assert union_count(remote_project) == before
    assert store.named_graphs() == sorted(first.publication.manifest["graphs"])
    for graph, triples in first.publication.manifest["graphs"].items():
        assert store.count(graph) == triples
    # the next build removes what the killed one left and publishes
    second = build(remote_project)
    assert second.build_id != first.build_id and union_count(remote_project) == before + 300
    leftovers = open_remote(remote_project).query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'urn:thcm:staging:')) }",
        named_graphs=[f"urn:thcm:staging:{first.build_id}:{i}" for i in range(10)],
    )
    assert leftovers.rows == []  # type: ignore[union-attr]


def test_readers_never_see_a_half_switched_build(remote_project: Settings) -> None:
    build(remote_project)
    before = union_count(remote_project)
    (remote_project.data_path / "thcm-brochure-2012" / "zz-extra.ttl").write_text(EXTRA, encoding="utf-8")
    quads_before = sum(open_remote(remote_project).view().manifest["graphs"].values())  # type: ignore[index]
    reader = open_remote(remote_project)
    seen: list[int] = []
    seen_quads: list[int] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(int(reader.query(COUNT).rows[0][0]))  # type: ignore[union-attr, arg-type]
            seen_quads.append(int(reader.query(COUNT_QUADS).rows[0][0]))  # type: ignore[union-attr, arg-type]

    thread = threading.Thread(target=read)
    thread.start()
    try:
        build(remote_project)
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join()
    assert set(seen) <= {before, before + 300}, sorted(set(seen))  # the default graph: old or new build
    assert seen[-1] == before + 300 and len(seen) > 5
    assert set(seen_quads) <= {quads_before, quads_before + 300}, sorted(set(seen_quads))  # GRAPH ?g too


def test_missing_virtuoso_is_skipped_or_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="not installed"):
        require_virtuoso()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        require_virtuoso()


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?c) < STR(?f)) }"


def test_time_limits_of_client_and_server(tmp_path: Path) -> None:
    require_virtuoso()
    limited = Virtuoso(tmp_path / "virtuoso", max_seconds=2).start()  # [SPARQL] MaxQueryExecutionTime
    try:
        store = RemoteSparqlStore(Endpoints(query=limited.sparql_url, gsp=limited.gsp_url, timeout=30))
        store.add_triples([(URIRef(f"https://example.org/s{i}"), URIRef("https://example.org/p"), Literal(i))
                           for i in range(3000)], graph="https://example.org/g")
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="server's time limit"):  # Virtuoso's partial "anytime" answer
            store.query(RUNAWAY)
        assert time.monotonic() - started < 10
        impatient = RemoteSparqlStore(Endpoints(query=limited.sparql_url, timeout=1))
        with pytest.raises(QueryTimeout, match="longer than 1 s"):
            impatient.query(RUNAWAY)
        assert store.query("ASK { ?s ?p 7 }") == AskResult(True)  # and the server keeps answering
    finally:
        limited.stop()


MALICIOUS = [
    "urn:x> } ; DROP ALL ; INSERT DATA { GRAPH <urn:y",
    "urn:x>\nDROP ALL",
    "urn:x\\u003E } ; DROP ALL ; #",
    "urn:x {} ",
]


@pytest.mark.parametrize("iri", MALICIOUS)
def test_an_iri_cannot_inject_sparql_into_the_servers_requests(server: Virtuoso, iri: str) -> None:
    store = RemoteSparqlStore(Endpoints(query=server.sparql_url, gsp=None, timeout=30))  # INSERT DATA path
    store.add_triples([(URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal(1))],
                      graph="https://example.org/g")
    for attempt in (
        lambda: store.add_triples([(URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal(2))], graph=iri),
        lambda: store.drop_graph(iri),
        lambda: store.register(iri),
        lambda: store.copy_into_union(iri),
        lambda: store.query("SELECT ?s ?o WHERE { ?s ?p ?o }", bindings={"s": URIRef(iri)}),
        lambda: store.query("SELECT * WHERE { ?s ?p ?o }", base_iri=iri),
    ):
        with pytest.raises(InputError, match="not a valid IRI"):
            attempt()
    assert store.named_graphs() == ["https://example.org/g"] and store.count() == 1  # nothing dropped, nothing added


def test_cli_analyse_on_virtuoso_publishes_a_derived_build(remote_project: Settings, server: Virtuoso) -> None:
    """`thcm analyse` (a republish) reads the server's build, adds graph/analysis and publishes it there."""
    from thcm_graph.analysis import ANALYSIS_GRAPH

    first = build(remote_project)
    done = thcm(remote_project, "analyse", "-q", extra_env=remote_env(server))
    assert done.returncode == 0, done.stderr
    store, publication = open_published(remote_project)
    assert publication.build_id == done.stdout.strip() != first.build_id
    assert publication.manifest["derived_from"] == first.build_id
    assert ANALYSIS_GRAPH in store.named_graphs()
    for graph, triples in publication.manifest["graphs"].items():
        assert store.count(graph) == triples
