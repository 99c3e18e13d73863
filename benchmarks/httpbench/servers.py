"""Start each engine for real on a free port, wait until it answers, and stop it afterwards.

- ``ours``: ``thcm build`` of the synthetic N-Quads into a fresh state directory, then ``thcm serve``;
- ``floor``: the same FastAPI/uvicorn stack returning a constant small JSON (``benchmarks/floor_app.py``);
- ``rdflib-endpoint``: the PyPI package with uvicorn over an rdflib ``Dataset`` whose default graph is the union;
- ``virtuoso``: Virtuoso Open Source 7 (``tests/virtuoso.py``), bulk-loaded with the same N-Quads; its
  ``/sparql`` queries the union of all graphs when the request names none.

Every server's output goes to a log file beside its data, so a failed start can be explained.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx

from tests.virtuoso import Virtuoso, free_port

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


class ServerFailed(RuntimeError):
    """A server did not start or did not answer in time; the message says which and where its log is."""


@dataclass
class Server:
    """A running engine: where its SPARQL endpoint is and which process (tree) does its work."""

    name: str
    sparql_url: str
    pid: int
    stop_action: Callable[[], None]
    load_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def url_for(self, sparql: str) -> str:
        """The GET URL of ``sparql`` (the SPARQL 1.1 Protocol's ``?query=``)."""
        return f"{self.sparql_url}?{urlencode({'query': sparql})}"

    def stop(self) -> None:
        self.stop_action()


def _wait_until_answers(url: str, process: subprocess.Popen[bytes] | None, log: Path, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServerFailed(f"{url}: the server exited with {process.returncode}; see {log}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise ServerFailed(f"{url} did not answer within {timeout:g} s; see {log}")


def _terminate(process: subprocess.Popen[bytes], grace: float = 20) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _popen(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO)


PROBE = "ASK { ?s ?p ?o }"


def start_floor(workdir: Path) -> Server:
    """The HTTP floor: FastAPI + uvicorn (as ``thcm serve`` runs it) answering a constant small JSON."""
    port = free_port()
    log = workdir / "floor.log"
    process = _popen([sys.executable, str(REPO / "benchmarks" / "floor_app.py"), "--host", "127.0.0.1", "--port", str(port)], log)
    server = Server("floor", f"http://127.0.0.1:{port}/sparql", process.pid, lambda: _terminate(process))
    _wait_until_answers(server.url_for(PROBE), process, log, timeout=60)
    return server


def publish_ours(data: Path, state_dir: Path, log: Path) -> tuple[float, str]:
    """``thcm build`` the N-Quads into ``state_dir``; the seconds it took and how it was built.

    Until the build reads synthetic N-Quads itself (``thcm build --input``, the scale generator's
    issue), the file is loaded into a published store the way ``thcm_graph.build.publish`` does it
    (no entailment, no validation), and the report says so.
    """
    env = {**os.environ, "THCM_STATE_DIR": str(state_dir), "THCM_PROJECT_DIR": str(REPO)}
    thcm = [sys.executable, "-m", "thcm_graph"]
    started = time.perf_counter()
    helptext = subprocess.run([*thcm, "build", "--help"], capture_output=True, text=True, env=env, check=False).stdout
    if "--input" in helptext:
        with log.open("ab") as out:
            done = subprocess.run([*thcm, "build", "--no-analysis", "--input", str(data)], stdout=out, stderr=subprocess.STDOUT,
                                  env=env, check=False)
        if done.returncode != 0:
            raise ServerFailed(f"thcm build --input {data} failed; see {log}")
        return time.perf_counter() - started, "thcm build --input"
    _publish_nquads(data, state_dir)
    return time.perf_counter() - started, "N-Quads loaded and published without entailment/validation (thcm build --input not available)"


def _publish_nquads(data: Path, state_dir: Path) -> None:
    from datetime import UTC, datetime

    from thcm_graph.build.publish import build_lock, new_build_id, publish
    from thcm_graph.store import OxigraphStore, StateLayout

    layout = StateLayout(state_dir)
    store = OxigraphStore.in_memory()
    store.load(data, fmt="nquads", graph=None)
    created = datetime.now(UTC)
    graphs = {g: store.count(g) for g in store.named_graphs()}
    with build_lock(layout):
        build_id = new_build_id(layout, created, "0" * 12)
        manifest = {"build_id": build_id, "created": created.isoformat(timespec="seconds"), "content_hash": "",
                    "triples": sum(graphs.values()), "graphs": graphs, "files": [{"path": data.name}]}
        publish(store, layout, build_id, manifest)


def export_served(state: Path, target: Path, log: Path) -> None:
    """``thcm export --format nq`` of the published build: exactly the quads ours serves, for the baselines."""
    env = {**os.environ, "THCM_STATE_DIR": str(state), "THCM_PROJECT_DIR": str(REPO)}
    with log.open("ab") as out:
        done = subprocess.run([sys.executable, "-m", "thcm_graph", "export", "--format", "nq", "-o", str(target)],
                              stdout=out, stderr=subprocess.STDOUT, env=env, check=False)
    if done.returncode != 0:
        raise ServerFailed(f"thcm export of the benchmark build failed; see {log}")


def prebuilt_state(nominal: int | None) -> Path | None:
    """The state directory ``BENCH_OURS_STATE`` names for this size: ``DIR`` (any size) or ``SIZE=DIR,…``."""
    setting = os.environ.get("BENCH_OURS_STATE", "").strip()
    if not setting:
        return None
    if "=" not in setting:
        return Path(setting).resolve()
    for pair in setting.split(","):
        size, _, directory = pair.partition("=")
        if nominal is not None and int(float(size)) == nominal:
            return Path(directory.strip()).resolve()
    return None


def start_ours(data: Path, workdir: Path, *, query_timeout: float, served: Path, nominal: int | None = None) -> Server:
    """Build ``data`` into a fresh state directory, export what was published to ``served``, and ``thcm serve`` it.

    The build adds the curated graphs (field labels, ontology) and the entailed types to the
    synthetic ones; the baselines load ``served``, so every engine holds the same quads.
    """
    log = workdir / "ours.log"
    prebuilt = prebuilt_state(nominal)
    if prebuilt:  # a build kept by `BENCH_KEEP_STATE=1 make bench-build` of the same data (10^7: an hour saved)
        state = prebuilt
        if not (state / "current").exists():
            raise ServerFailed(f"BENCH_OURS_STATE: no published build in {state} (no 'current')")
        seconds, how = 0.0, f"prebuilt state (BENCH_OURS_STATE; its build is timed in BUILD.md) of {data.name}"
    else:
        state = workdir / "ours-state"
        seconds, how = publish_ours(data, state, log)
    export_served(state, served, log)
    port = free_port()
    env = {**os.environ, "THCM_STATE_DIR": str(state), "THCM_PROJECT_DIR": str(REPO), "THCM_QUERY_TIMEOUT": f"{query_timeout:g}"}
    process = _popen([sys.executable, "-m", "thcm_graph", "serve", "--port", str(port)], log, env)
    server = Server("ours", f"http://127.0.0.1:{port}/sparql", process.pid, lambda: _terminate(process), seconds, [how])
    started = time.perf_counter()
    _wait_until_answers(server.url_for(PROBE), process, log, timeout=1800)
    server.load_seconds += time.perf_counter() - started
    return server


def rdflib_endpoint_available() -> bool:
    """Is the PyPI package rdflib-endpoint installed (``pip install -e '.[bench]'``)?"""
    try:
        import rdflib_endpoint  # noqa: F401
    except ImportError:
        return False
    return True


def start_rdflib_endpoint(data: Path, workdir: Path) -> Server:
    """rdflib-endpoint under uvicorn over the N-Quads (default graph = union of the named graphs)."""
    port = free_port()
    log = workdir / "rdflib-endpoint.log"
    started = time.perf_counter()
    process = _popen([sys.executable, str(HERE / "rdflib_endpoint_server.py"), str(data), str(port)], log)
    # after the runaway its event loop is blocked for good: SIGTERM cannot be handled, so do not wait long
    server = Server("rdflib-endpoint", f"http://127.0.0.1:{port}/sparql", process.pid, lambda: _terminate(process, grace=2))
    _wait_until_answers(server.url_for(PROBE), process, log, timeout=3600)
    server.load_seconds = time.perf_counter() - started
    return server


def start_virtuoso(data: Path, workdir: Path, *, query_timeout: float) -> Server:
    """A throw-away Virtuoso with the N-Quads bulk-loaded (``ld_dir`` + ``rdf_loader_run`` + ``checkpoint``)."""
    virtuoso = Virtuoso(workdir / "virtuoso", max_seconds=max(1, round(query_timeout)))
    virtuoso.start()
    try:
        started = time.perf_counter()
        link = virtuoso.load_dir / data.name
        if not link.exists():
            os.link(data, link) if data.stat().st_dev == virtuoso.load_dir.stat().st_dev else link.write_bytes(data.read_bytes())
        virtuoso.bulk_load(link, "https://w3id.org/thcm/graph/bench-default")
        seconds = time.perf_counter() - started
        assert virtuoso.process is not None
        server = Server("virtuoso", virtuoso.sparql_url, virtuoso.process.pid, virtuoso.stop, seconds)
        _wait_until_answers(server.url_for(PROBE), None, virtuoso.db / "virtuoso.log", timeout=60)
    except BaseException:
        virtuoso.stop()
        raise
    return server


def virtuoso_version() -> str:
    """``virtuoso-t -?`` names the version on its first lines; '' when it is not installed."""
    try:
        done = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return ""
    for line in (done.stdout + done.stderr).splitlines():
        if "Version" in line:
            return line.strip()
    return ""
