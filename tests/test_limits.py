"""Time limits that really stop queries, and a server that stays responsive meanwhile (real uvicorn)."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import Server, start_server, stop_server

from tests.virtuoso import Virtuoso
from thcm_graph.config import Settings

pytestmark = pytest.mark.subprocess

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "ASK { <https://w3id.org/thcm/id/org/leg-thueringen> ?p ?o }"
TIMEOUT = 3.0


def children_of(pid: int) -> list[int]:
    """Live child processes of ``pid`` (zombies excluded), read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def cpu_ticks(pid: int) -> int:
    """User + system CPU time of ``pid`` in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def computing(pids: list[int], window: float = 0.3) -> list[int]:
    """Those of ``pids`` that used CPU during ``window`` seconds (idle workers block in recv and use none)."""
    before = {pid: cpu_ticks(pid) for pid in pids}
    time.sleep(window)
    return [pid for pid in pids if alive(pid) and cpu_ticks(pid) > before[pid]]


def busy_workers(server: Server) -> list[int]:
    return list(httpx.get(f"{server.base_url}/health").json()["workers"]["busy"])


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory, session_build: Settings) -> Iterator[Server]:
    server = start_server(session_build, extra_env={"THCM_QUERY_TIMEOUT": str(TIMEOUT)})
    yield server
    stop_server(server)


def test_runaway_queries_are_stopped_and_cheap_queries_keep_answering(limited: Server) -> None:
    zygote = httpx.get(f"{limited.base_url}/health").json()["worker_pid"]
    outcomes: list[httpx.Response] = []

    def runaway() -> None:
        outcomes.append(httpx.get(f"{limited.base_url}/sparql", params={"query": RUNAWAY}, timeout=60))

    threads = [threading.Thread(target=runaway) for _ in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(runaways := busy_workers(limited)) < 4:
        assert time.monotonic() < deadline, "the runaway queries never started"
        time.sleep(0.05)
    assert set(runaways) <= set(children_of(zygote))  # each runs in a worker process of the zygote

    latencies = []
    while all(alive(pid) for pid in runaways) and len(latencies) < 20:
        started = time.perf_counter()
        response = httpx.get(f"{limited.base_url}/sparql", params={"query": CHEAP}, timeout=10)
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 200 and response.json()["boolean"] is True
    for thread in threads:
        thread.join()

    assert len(latencies) >= 5
    # No cheap query waited for a runaway one (the 200 ms figure is measured in `make bench`).
    assert max(latencies) < TIMEOUT, latencies
    print(f"cheap query while 4 runaway queries run: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms over {len(latencies)} requests")
    assert [r.status_code for r in outcomes] == [503] * 4
    assert all("THCM_QUERY_TIMEOUT" in r.json()["error"]["message"] for r in outcomes)
    deadline = time.monotonic() + 1.0  # SIGKILL is delivered at once; the exit takes a moment
    while [pid for pid in runaways if alive(pid)]:  # killed, not left computing
        assert time.monotonic() < deadline, f"workers still running: {[pid for pid in runaways if alive(pid)]}"
        time.sleep(0.02)
    assert computing(children_of(zygote)) == []  # the replacements forked meanwhile are idle
    assert httpx.get(f"{limited.base_url}/health").json()["running_queries"] == 0


def test_a_client_that_leaves_stops_its_query(limited: Server) -> None:
    zygote = httpx.get(f"{limited.base_url}/health").json()["worker_pid"]
    started: list[int] = []

    def leave_early() -> None:
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{limited.base_url}/sparql", params={"query": RUNAWAY}, timeout=0.8)

    client = threading.Thread(target=leave_early)
    client.start()
    deadline = time.monotonic() + 5
    while not started:
        assert time.monotonic() < deadline, "the runaway query never started"
        started = busy_workers(limited)
    client.join()
    deadline = time.monotonic() + TIMEOUT - 0.8  # well before the time limit would have stopped it
    while alive(started[0]):
        assert time.monotonic() < deadline, "the worker kept computing after the client left"
        time.sleep(0.05)
    assert computing(children_of(zygote)) == []  # no process of the zygote uses CPU any more


def test_result_size_limit(session_build: Settings) -> None:
    server = start_server(session_build, extra_env={"THCM_MAX_RESULT_BYTES": "2048"})
    try:
        response = httpx.get(f"{server.base_url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert response.status_code == 400
        assert "THCM_MAX_RESULT_BYTES" in response.json()["error"]["message"]
        small = httpx.get(f"{server.base_url}/sparql", params={"query": CHEAP})
        assert small.status_code == 200
    finally:
        stop_server(server)


# -- the same limits on a remote store (Virtuoso) ----------------------------------------------

REMOTE_TIMEOUT = 3.0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc/<pid>/stat."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy(pid: int, window: float = 0.5) -> bool:
    """Did ``pid`` use at least a fifth of a core over ``window`` seconds?"""
    before = cpu_seconds(pid)
    time.sleep(window)
    return cpu_seconds(pid) - before > 0.2 * window


def wait_until_idle(pid: int, within: float) -> float:
    """Seconds until ``pid`` stops using the CPU; fails after ``within`` seconds."""
    started = time.monotonic()
    while busy(pid):
        assert time.monotonic() - started < within, f"process {pid} still busy after {within:g} s"
    return time.monotonic() - started


@pytest.fixture(scope="module")
def remote_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Virtuoso]]:
    """The curated build on a Virtuoso whose own time limit is far away (120 s)."""
    from conftest import copy_project, remote_settings, require_virtuoso

    from thcm_graph.build import build

    require_virtuoso()
    root = tmp_path_factory.mktemp("remote-limits")
    virtuoso = Virtuoso(root / "virtuoso", max_seconds=120).start()
    try:
        settings = remote_settings(copy_project(root / "project"), virtuoso)
        build(settings)
        yield settings, virtuoso
    finally:
        virtuoso.stop()


@pytest.fixture(scope="module")
def remote_limited(remote_build: tuple[Settings, Virtuoso]) -> Iterator[tuple[Server, int]]:
    """`thcm serve` with THCM_QUERY_TIMEOUT=3 over that Virtuoso, and Virtuoso's process id."""
    settings, virtuoso = remote_build
    assert virtuoso.process is not None
    server = start_server(settings, extra_env={**virtuoso.env(), "THCM_QUERY_TIMEOUT": str(REMOTE_TIMEOUT)})
    yield server, virtuoso.process.pid
    stop_server(server)


def test_runaway_query_on_virtuoso_is_stopped_and_cheap_queries_keep_answering(remote_limited: tuple[Server, int]) -> None:
    server, virtuoso_pid = remote_limited
    outcomes: list[httpx.Response] = []

    def runaway() -> None:
        outcomes.append(httpx.get(f"{server.base_url}/sparql", params={"query": RUNAWAY}, timeout=60))

    threads = [threading.Thread(target=runaway) for _ in range(2)]
    for thread in threads:
        thread.start()
    answers = []
    while any(t.is_alive() for t in threads):
        response = httpx.get(f"{server.base_url}/sparql", params={"query": CHEAP}, timeout=REMOTE_TIMEOUT + 5)
        answers.append(response.status_code == 200 and response.json()["boolean"] is True)
        time.sleep(0.1)
    for thread in threads:
        thread.join()
    assert len(answers) >= 3 and all(answers)  # the cheap query kept answering meanwhile
    assert [r.status_code for r in outcomes] == [503, 503]
    assert all("THCM_QUERY_TIMEOUT" in r.json()["error"]["message"] for r in outcomes), [r.text for r in outcomes]
    wait_until_idle(virtuoso_pid, within=10)  # stopped at the limit, not at its own (120 s)
    assert httpx.get(f"{server.base_url}/health").json()["running_queries"] == 0


def test_a_client_that_leaves_stops_virtuosos_evaluation(remote_build: tuple[Settings, Virtuoso]) -> None:
    """The runaway query alone keeps Virtuoso busy until its own limit (120 s), and our endpoint
    would let it run for THCM_QUERY_TIMEOUT (30 s here); when the client leaves, the forwarded
    request is cancelled and its connection closed, and Virtuoso stops long before either limit."""
    settings, virtuoso = remote_build
    assert virtuoso.process is not None
    virtuoso_pid, patient = virtuoso.process.pid, 30.0
    server = start_server(settings, extra_env={**virtuoso.env(), "THCM_QUERY_TIMEOUT": str(patient)})
    try:
        wait_until_idle(virtuoso_pid, within=60)  # e.g. a checkpoint after the build
        left = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{server.base_url}/sparql", params={"query": RUNAWAY}, timeout=0.5)
        assert busy(virtuoso_pid), "the runaway query never reached Virtuoso"
        while busy(virtuoso_pid):
            assert time.monotonic() - left < patient / 2, "Virtuoso kept evaluating after the client left"
        idle_after = time.monotonic() - left
        assert httpx.get(f"{server.base_url}/health").json()["running_queries"] == 0
    finally:
        stop_server(server)
    print(f"Virtuoso idle {idle_after:.1f} s after the client left (THCM_QUERY_TIMEOUT={patient:g})")
