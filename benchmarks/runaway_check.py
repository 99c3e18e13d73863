"""A cheap query's latency alone and while four runaway queries run, over HTTP (issue 13's second target).

Starts ``thcm serve`` on a state directory with ``THCM_QUERY_TIMEOUT=6``, times 50 cheap ASK
queries from one keep-alive client, then starts four runaway cross products and times cheap
queries for 3 s while they run::

    python benchmarks/runaway_check.py STATE_DIR IRI
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import httpx

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def percentile(values: list[float], q: float) -> float:
    return sorted(values)[int(q * (len(values) - 1))] * 1000


def summary(values: list[float]) -> str:
    return (f"n={len(values)} median {percentile(values, 0.5):.1f} ms, p90 {percentile(values, 0.9):.1f} ms, "
            f"max {max(values) * 1000:.1f} ms")


def main() -> None:
    state, iri = sys.argv[1], sys.argv[2]
    cheap = f"ASK {{ <{iri}> ?p ?o }}"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "THCM_STATE_DIR": state, "THCM_QUERY_TIMEOUT": "6"}
    server = subprocess.Popen([sys.executable, "-m", "thcm_graph", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=base) as client:
            alone = []
            for _ in range(50):
                started = time.perf_counter()
                client.get("/sparql", params={"query": cheap}).raise_for_status()
                alone.append(time.perf_counter() - started)
            runaways = [threading.Thread(target=lambda: httpx.get(f"{base}/sparql", params={"query": RUNAWAY}, timeout=30))
                        for _ in range(4)]
            for thread in runaways:
                thread.start()
            time.sleep(1.0)  # all four running and demoted
            during: list[float] = []
            until = time.monotonic() + 3
            while time.monotonic() < until:
                started = time.perf_counter()
                client.get("/sparql", params={"query": cheap}).raise_for_status()
                during.append(time.perf_counter() - started)
            for thread in runaways:
                thread.join()
        print(f"cheap query alone:                  {summary(alone)}")
        print(f"cheap query with 4 runaway queries: {summary(during)}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
