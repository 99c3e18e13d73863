"""`make bench`: time the build stages and the store's queries against rdflib, in the same run.

Results go to benchmarks/MICRO.md as medians and as ratios to the baseline (rdflib in process
on the same triples and queries), with the machine, versions and date. The scale generator and
the HTTP benchmarks against Virtuoso and the FastAPI floor write benchmarks/RESULTS.md (http_bench.py).
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from rdflib import Dataset

from thcm_graph.build import build
from thcm_graph.config import Settings
from thcm_graph.store import OxigraphStore, open_published

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "MICRO.md"
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))

QUERIES = {
    "count actors": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a <http://www.w3.org/ns/org#Organization> }",
    "label search (de/en)": """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?s ?l WHERE { ?s skos:prefLabel ?l FILTER(CONTAINS(LCASE(STR(?l)), "cluster")) }""",
    "members of bodies": """PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?body (COUNT(?m) AS ?n) WHERE { ?m org:memberOf ?body } GROUP BY ?body""",
    "2-hop co-membership": """PREFIX org: <http://www.w3.org/ns/org#>
        SELECT DISTINCT ?a ?b WHERE { ?a org:memberOf ?x . ?b org:memberOf ?x FILTER(STR(?a) < STR(?b)) }""",
    "describe LEG": "DESCRIBE <https://w3id.org/thcm/id/org/leg-thueringen>",
}


def median_seconds(action: Callable[[], object], repeat: int = REPEAT) -> float:
    action()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "ASK { <https://w3id.org/thcm/id/org/leg-thueringen> ?p ?o }"


def responsiveness(settings: Settings, samples: int = 40) -> tuple[list[float], list[float]]:
    """Latency of a cheap query over HTTP alone, and while four runaway queries run (real uvicorn)."""
    import socket
    import subprocess
    import threading

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "THCM_PROJECT_DIR": str(settings.project_dir), "THCM_STATE_DIR": str(settings.state_path),
           "THCM_QUERY_TIMEOUT": "8"}
    server = subprocess.Popen([sys.executable, "-m", "thcm_graph", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=30) as client:
            def timed() -> float:
                start = time.perf_counter()
                assert client.get("/sparql", params={"query": CHEAP}).status_code == 200
                return time.perf_counter() - start

            timed()
            alone = [timed() for _ in range(samples)]
            runaways = [threading.Thread(target=lambda: httpx.get(f"{base}/sparql", params={"query": RUNAWAY}, timeout=30))
                        for _ in range(4)]
            for thread in runaways:
                thread.start()
            time.sleep(1.0)  # all four are computing, and have been demoted
            loaded = [timed() for _ in range(samples)]
            for thread in runaways:
                thread.join()
        return alone, loaded
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="thcm-bench-"))
    try:
        for name in ("ontology", "shapes", "data"):
            shutil.copytree(REPO / name, workdir / name)
        settings = Settings(project_dir=workdir, state_dir=workdir / "var")
        stage_runs: dict[str, list[float]] = {}
        total = []
        for _ in range(max(3, REPEAT // 2)):
            start = time.perf_counter()
            result = build(settings)
            total.append(time.perf_counter() - start)
            for stage, seconds in result.check.timings.items():
                stage_runs.setdefault(stage, []).append(seconds)
        triples = result.publication.manifest["triples"]

        disk, _ = open_published(settings, in_memory=False)
        assert isinstance(disk, OxigraphStore)
        memory = disk.copy_to_memory()
        baseline = Dataset(default_union=True)
        baseline.parse(data=memory.dump_bytes(fmt="nquads"), format="nquads")

        rows = []
        for name, sparql in QUERIES.items():
            # same answers on both engines, or the comparison means nothing
            ours, theirs = memory.query(sparql), list(baseline.query(sparql))
            assert len(ours) == len(theirs), f"{name}: {len(ours)} vs {len(theirs)} results"  # type: ignore[arg-type]
            t_memory = median_seconds(lambda q=sparql: memory.query(q))  # type: ignore[misc]
            t_disk = median_seconds(lambda q=sparql: disk.query(q))  # type: ignore[misc]
            t_rdflib = median_seconds(lambda q=sparql: list(baseline.query(q)))  # type: ignore[misc]
            rows.append((name, t_memory, t_disk, t_rdflib))
        alone, loaded = responsiveness(settings)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')}, "
        f"pySHACL {version('pyshacl')}. Data: the curated graph ({triples} triples). Medians of {REPEAT} runs after a warm-up.",
        "",
        "## Build (`thcm build`, whole pipeline)",
        "",
        "| stage | median ms |",
        "|---|---:|",
        *[f"| {stage} | {statistics.median(v) * 1000:.1f} |" for stage, v in stage_runs.items()],
        f"| **total** | {statistics.median(total) * 1000:.1f} |",
        "",
        "## Queries in process (baseline: rdflib `Dataset`, union default graph)",
        "",
        "| query | oxigraph memory ms | oxigraph disk ms | rdflib ms | rdflib / memory | disk / memory |",
        "|---|---:|---:|---:|---:|---:|",
        *[
            f"| {n} | {m * 1000:.3f} | {d * 1000:.3f} | {r * 1000:.3f} | {r / m:.1f}× | {d / m:.1f}× |"
            for n, m, d, r in rows
        ],
        "",
        "Both engines gave the same number of results for every query. Ratios above 1 mean the embedded",
        "store is that many times faster than the baseline.",
        "",
        "## Responsiveness over HTTP (real `thcm serve`, client on the same 2 cores)",
        "",
        "A cheap ASK query, timed alone and while four runaway queries (a four-way cross product) run",
        "in their worker processes until the time limit stops them.",
        "",
        "| condition | median ms | p90 ms | max ms |",
        "|---|---:|---:|---:|",
        *[
            f"| {label} | {statistics.median(v) * 1000:.1f} | {statistics.quantiles(v, n=10)[-1] * 1000:.1f} | {max(v) * 1000:.1f} |"
            for label, v in (("alone", alone), ("4 runaway queries running", loaded))
        ],
        f"| ratio loaded / alone (median) | {statistics.median(loaded) / statistics.median(alone):.1f}× | | |",
        "",
        "## Over HTTP against the baselines, 10^4–10^7 triples",
        "",
        "[RESULTS.md](RESULTS.md), written by `benchmarks/http_bench.py` in the same `make bench`: our endpoint, the FastAPI",
        "floor, rdflib-endpoint, Virtuoso and rdflib in process on the same synthetic data and queries, with wrk at",
        "1, 4 and 16 connections, the runaway scenario, ratios, the issue's targets and the build rows.",
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main()
