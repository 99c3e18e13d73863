"""Cheap SPARQL lookups over HTTP against the HTTP floor, with wrk (issue 13's first target).

Starts the floor app (``benchmarks/floor_app.py``) and ``thcm serve`` on a state directory, one
after the other, and runs wrk (``make wrk``) at 1, 4 and 16 connections against each: the floor's
constant JSON, then an entity lookup (``SELECT ?p ?o WHERE { <iri> ?p ?o }``) and an ASK on the
same IRI. Prints requests/s, p50 and p99, the ratio to the floor, and the CPU time per request of
the server process and of its query workers (less noisy than throughput on a shared machine).
Before measuring ``thcm serve``, a warm-up run at the highest concurrency lets its worker pool
grow to the size that concurrency needs, so the figures are the steady state::

    python benchmarks/floor_compare.py STATE_DIR IRI      # e.g. var https://w3id.org/thcm/id/org/leg-thueringen

``BENCH_SECONDS`` (default 10) sets the length of each run, ``BENCH_CONNECTIONS`` (default
1,4,16) the concurrencies. The full benchmark suite with every baseline is ``make bench``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECONDS = os.environ.get("BENCH_SECONDS", "10")
CONNECTIONS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "1,4,16").split(",")]


def cpu_ticks(root: int) -> tuple[int, int]:
    """CPU clock ticks (with reaped children) of ``root`` and of all its descendants, from /proc."""
    table: dict[int, tuple[int, int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(stat.parent.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    below, todo = 0, [pid for pid, (parent, _) in table.items() if parent == root]
    while todo:
        pid = todo.pop()
        below += table[pid][1]
        todo += [child for child, (parent, _) in table.items() if parent == pid]
    return table.get(root, (0, 0))[1], below


def wrk(url: str, connections: int, seconds: str) -> tuple[float, str, str, int]:
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    found = {name: re.search(pattern, out) for name, pattern in
             {"rps": r"Requests/sec:\s+([\d.]+)", "p50": r"\s50%\s+(\S+)", "p99": r"\s99%\s+(\S+)",
              "n": r"(\d+) requests in", "bad": r"Non-2xx or 3xx responses: (\d+)"}.items()}
    if found["bad"]:
        raise SystemExit(f"{found['bad'].group(1)} requests failed: {url}")
    assert found["rps"] and found["p50"] and found["p99"] and found["n"], out
    return float(found["rps"].group(1)), found["p50"].group(1), found["p99"].group(1), int(found["n"].group(1))


def serve(command: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        try:
            urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=1)
            return process, base
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"{command} exited with {process.returncode}") from None
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{command} did not answer within 120 s")


def measure(name: str, process: subprocess.Popen[bytes], url: str, floor: dict[int, float]) -> dict[int, float]:
    results = {}
    for connections in CONNECTIONS:
        before = cpu_ticks(process.pid)
        rps, p50, p99, count = wrk(url, connections, SECONDS)
        after = cpu_ticks(process.pid)
        per = [(a - b) * 1e6 / os.sysconf("SC_CLK_TCK") / count for a, b in zip(after, before, strict=True)]
        ratio = f"{rps / floor[connections]:5.2f}x floor" if connections in floor else ""
        print(f"{name:8} c={connections:<3} {rps:8.0f} req/s  p50 {p50:>8}  p99 {p99:>8}  {ratio:12}"
              f"  cpu/request: server {per[0]:4.0f} µs, workers {per[1]:4.0f} µs", flush=True)
        results[connections] = rps
    return results


def main() -> None:
    state, iri = Path(sys.argv[1]).resolve(), sys.argv[2]
    python = sys.executable
    env = {**os.environ, "THCM_STATE_DIR": str(state)}
    process, base = serve([python, str(REPO / "benchmarks" / "floor_app.py")], env)
    try:
        floor = measure("floor", process, f"{base}/sparql?query=ASK%7B%7D", {})
    finally:
        process.terminate()
        process.wait()
    process, base = serve([python, "-m", "thcm_graph", "serve"], env)
    try:
        queries = {"lookup": f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}", "ask": f"ASK {{ <{iri}> ?p ?o }}"}
        for name, query in queries.items():
            url = f"{base}/sparql?query={urllib.parse.quote(query)}"
            wrk(url, max(CONNECTIONS), "3")  # warm-up: the pool grows to what this concurrency needs
            measure(name, process, url, floor)
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
