"""The pool of query workers behind a real `thcm serve`: replacement after a kill, a crash seen
from outside, and builds switching while queries run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from conftest import Server, start_server, stop_server
from test_limits import RUNAWAY, alive, busy_workers, children_of, computing

from thcm_graph.build import build
from thcm_graph.config import Settings
from thcm_graph.workers import DEPRIORITISE_AFTER
from thcm_graph.workers.pool import _busy, cpu_seconds

pytestmark = pytest.mark.subprocess

CHEAP = "ASK { <https://w3id.org/thcm/id/org/leg-thueringen> ?p ?o }"
COUNT_ACTORS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a <http://www.w3.org/ns/org#Organization> }"
POOL_SIZE = 2


@pytest.fixture(scope="module")
def pooled(session_build: Settings) -> Iterator[Server]:
    server = start_server(session_build, extra_env={"THCM_QUERY_TIMEOUT": "2", "THCM_POOL_SIZE": str(POOL_SIZE)})
    yield server
    stop_server(server)


def health(server: Server) -> dict[str, object]:
    return httpx.get(f"{server.base_url}/health").json()  # type: ignore[no-any-return]


def idle_workers(server: Server) -> list[int]:
    return list(health(server)["workers"]["idle"])  # type: ignore[index]


def wait_for(condition: object, what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def ask(server: Server) -> httpx.Response:
    return httpx.get(f"{server.base_url}/sparql", params={"query": CHEAP}, timeout=10)


def test_the_same_worker_answers_one_query_after_another(pooled: Server) -> None:
    zygote = int(health(pooled)["worker_pid"])  # type: ignore[call-overload]
    assert ask(pooled).json()["boolean"] is True  # taking a worker forks one more, to keep POOL_SIZE idle
    wait_for(lambda: len(idle_workers(pooled)) == POOL_SIZE + 1, "the pool never filled")
    before = set(children_of(zygote))
    for _ in range(20):
        assert ask(pooled).json()["boolean"] is True
    assert set(children_of(zygote)) == before  # no fork per query: the same processes served all 20


def test_a_worker_killed_after_a_timeout_is_replaced_and_the_next_query_is_answered(pooled: Server) -> None:
    wait_for(lambda: len(idle_workers(pooled)) >= POOL_SIZE, "the pool never filled")
    timed_out = httpx.get(f"{pooled.base_url}/sparql", params={"query": RUNAWAY}, timeout=30)
    assert timed_out.status_code == 503 and "THCM_QUERY_TIMEOUT" in timed_out.json()["error"]["message"]
    assert ask(pooled).json()["boolean"] is True
    wait_for(lambda: len(idle_workers(pooled)) >= POOL_SIZE, "the killed worker was not replaced")
    zygote = int(health(pooled)["worker_pid"])  # type: ignore[call-overload]
    assert sorted(children_of(zygote)) == sorted(idle_workers(pooled))  # no leftover process
    assert health(pooled)["running_queries"] == 0


def test_a_worker_killed_from_outside_mid_query_gives_a_503_and_the_pool_recovers(pooled: Server) -> None:
    outcome: list[httpx.Response] = []
    client = threading.Thread(target=lambda: outcome.append(
        httpx.get(f"{pooled.base_url}/sparql", params={"query": RUNAWAY}, timeout=30)))
    client.start()
    busy: list[int] = []
    wait_for(lambda: busy.extend(busy_workers(pooled)) or busy, "the query never started")
    os.kill(busy[0], signal.SIGKILL)
    client.join()
    response = outcome[0]
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["type"] == "WorkerLost" and "killed from outside" in error["message"], error
    assert ask(pooled).json()["boolean"] is True
    wait_for(lambda: len(idle_workers(pooled)) >= POOL_SIZE, "the pool did not recover")


def test_idle_workers_killed_from_outside_are_replaced_without_an_error(pooled: Server) -> None:
    wait_for(lambda: len(idle_workers(pooled)) >= POOL_SIZE, "the pool never filled")
    killed = idle_workers(pooled)
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not any(alive(pid) for pid in killed), "the workers did not die")
    for _ in range(2 * POOL_SIZE):
        response = ask(pooled)
        assert response.status_code == 200, response.text
    wait_for(lambda: len(idle_workers(pooled)) >= POOL_SIZE and not set(killed) & set(idle_workers(pooled)),
             "the pool was not refilled with new workers")


def test_two_builds_switch_while_queries_run(built_project: Settings) -> None:
    server = start_server(built_project, extra_env={"THCM_RELOAD_INTERVAL": "0", "THCM_POOL_SIZE": str(POOL_SIZE)})
    try:
        first = str(health(server)["build_id"])
        old_zygote = int(health(server)["worker_pid"])  # type: ignore[call-overload]
        answers: list[tuple[int, str, int]] = []
        stop = threading.Event()

        def query_all_the_time() -> None:
            with httpx.Client(base_url=server.base_url, timeout=30) as client:
                while not stop.is_set():
                    response = client.get("/sparql", params={"query": COUNT_ACTORS})
                    count = int(response.json()["results"]["bindings"][0]["n"]["value"]) if response.status_code == 200 else -1
                    answers.append((response.status_code, response.headers.get("x-thcm-build", ""), count))

        clients = [threading.Thread(target=query_all_the_time) for _ in range(3)]
        for client in clients:
            client.start()
        builds = [first]
        for n in range(2):
            extra = built_project.data_path / "thcm-brochure-2012" / f"extra-{n}.ttl"
            extra.write_text(f"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://w3id.org/thcm/id/org/neue-firma-{n}> a <https://w3id.org/thcm/ontology#Firm> ;
    skos:prefLabel "Neue Firma {n} GmbH"@de ;
    prov:wasDerivedFrom <https://w3id.org/thcm/id/source/thcm-brochure-2012> .
""", encoding="utf-8")
            builds.append(build(built_project).build_id)
            wait_for(lambda: health(server)["build_id"] == builds[-1], "the server never switched", 60)
            seen = len(answers)
            wait_for(lambda seen=seen: any(b == builds[-1] for _, b, _ in answers[seen:]), "no answer from the new build", 30)
        stop.set()
        for client in clients:
            client.join()
        assert {status for status, _, _ in answers} == {200}
        counts = {build_id: {count for _, b, count in answers if b == build_id} for build_id in builds}
        # every answer came from one build, with that build's count, and each build had one more actor
        assert all(len(c) == 1 for c in counts.values()), counts
        first_count = next(iter(counts[builds[0]]))
        assert [next(iter(counts[b])) for b in builds] == [first_count, first_count + 1, first_count + 2]
        wait_for(lambda: not alive(old_zygote), "the first build's zygote is still running")
        zygote = int(health(server)["worker_pid"])  # type: ignore[call-overload]
        wait_for(lambda: computing(children_of(zygote)) == [], "a worker kept computing")
    finally:
        stop_server(server)


def nice_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_a_runaway_query_is_demoted_once_it_has_used_cpu_and_its_worker_is_then_replaced(pooled: Server) -> None:
    wait_for(lambda: len(idle_workers(pooled)) >= POOL_SIZE, "the pool never filled")
    outcome: list[httpx.Response] = []
    runner = threading.Thread(target=lambda: outcome.append(
        httpx.get(f"{pooled.base_url}/sparql", params={"query": RUNAWAY}, timeout=30)))
    runner.start()
    wait_for(lambda: busy_workers(pooled), "the runaway never reached a worker")
    (pid,) = busy_workers(pooled)
    wait_for(lambda: nice_of(pid) == 10, "the runaway's worker was not demoted", seconds=1.5)
    runner.join()
    assert outcome[0].status_code == 503
    wait_for(lambda: not alive(pid), "the demoted worker was not killed at the time limit")
    assert ask(pooled).json()["boolean"] is True


def test_the_cpu_a_query_used_is_what_counts_for_demotion_not_the_time_it_waited() -> None:
    """``_busy`` compares the worker's CPU time now with the CPU time it reported with its last answer."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    spinner = subprocess.Popen([sys.executable, "-c", "import time\nend = time.time() + 30\nwhile time.time() < end: pass"])
    try:
        time.sleep(DEPRIORITISE_AFTER + 0.6)  # both processes exist longer than the threshold
        waiting, computing_one = SimpleNamespace(pid=sleeper.pid, cpu=0.0), SimpleNamespace(pid=spinner.pid, cpu=0.0)
        assert not _busy(waiting)  # type: ignore[arg-type]
        assert _busy(computing_one)  # type: ignore[arg-type]
        computing_one.cpu = cpu_seconds(spinner.pid)  # as if it had just answered: this query has used nothing yet
        assert not _busy(computing_one)  # type: ignore[arg-type]
        assert cpu_seconds(-1) == float("inf")  # unknown: treated as busy
    finally:
        sleeper.kill()
        spinner.kill()
        sleeper.wait()
        spinner.wait()
