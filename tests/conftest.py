"""Shared fixtures: project copies to break, one session build to read, and real processes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import pytest

from tests.virtuoso import Virtuoso, available
from thcm_graph.build import build
from thcm_graph.config import Settings

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"


def copy_project(target: Path) -> Settings:
    """A private copy of ontology/, shapes/ and data/ with its own state directory."""
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(REPO / name, target / name)
    return Settings(project_dir=target, state_dir=target / "var")


def env_for(settings: Settings) -> dict[str, str]:
    """Environment for a `thcm` subprocess working on ``settings``' project."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("THCM_")}
    env.update(
        THCM_PROJECT_DIR=str(settings.project_dir),
        THCM_STATE_DIR=str(settings.state_path),
        PYTHONUNBUFFERED="1",
        COLUMNS="200",
    )
    if settings.remote_store:  # the remote store's settings travel too (never a password: the tests use none)
        env["THCM_STORE"] = settings.store
        if settings.store_gsp_url:
            env["THCM_STORE_GSP_URL"] = settings.store_gsp_url
    return env


def thcm(settings: Settings, *args: str, input: str | None = None, extra_env: dict[str, str] | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real `thcm` command line (as `python -m thcm_graph`) and capture its output."""
    env = env_for(settings)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "thcm_graph", *args],
        input=input, capture_output=True, text=True, env=env, timeout=timeout,
    )


@pytest.fixture
def project(tmp_path: Path) -> Settings:
    """A fresh, unbuilt copy of the project."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def built_project(project: Settings) -> Settings:
    """A fresh copy of the project with one build published."""
    build(project)
    return project


@pytest.fixture(scope="session")
def session_build(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The repository's data built once for the tests that only read it."""
    settings = copy_project(tmp_path_factory.mktemp("session") / "project")
    build(settings)
    return settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[str]
    settings: Settings
    log: IO[str]


def start_server(settings: Settings, *, extra_env: dict[str, str] | None = None, timeout: float = 60) -> Server:
    """Start `thcm serve` (real uvicorn) on a free port and wait until it answers."""
    port = free_port()
    env = env_for(settings)
    env.update(extra_env or {})
    log = (settings.project_dir / f"serve-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "thcm_graph", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(f"thcm serve exited with {process.returncode}: {Path(log.name).read_text()}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return Server(base, process, settings, log)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    log.close()
    raise RuntimeError(f"thcm serve did not answer within {timeout} s: {Path(log.name).read_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    server.log.close()


@pytest.fixture(scope="session")
def server(session_build: Settings) -> Iterator[Server]:
    """One real `thcm serve` process over the session build."""
    running = start_server(session_build)
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    """An HTTP client for the session's real server."""
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        yield client


def require_virtuoso() -> None:
    """Missing Virtuoso is a failure in CI (``CI=true``; ``make test`` installs it), a skip elsewhere."""
    if not available():
        message = "Virtuoso is not installed (virtuoso-t, isql-vt); `make virtuoso` installs it"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A scratch Virtuoso server for the session (127.0.0.1, free ports, throw-away database)."""
    require_virtuoso()
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


def remote_settings(settings: Settings, server: Virtuoso, **overrides: object) -> Settings:
    """``settings`` pointed at a Virtuoso server (THCM_STORE, THCM_STORE_GSP_URL)."""
    return settings.model_copy(update={"store": server.store_setting, "store_gsp_url": server.gsp_url, **overrides})


@pytest.fixture(scope="session")
def virtuoso_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The repository's data built once and published to its own Virtuoso server."""
    require_virtuoso()
    root = tmp_path_factory.mktemp("virtuoso-build")
    server = Virtuoso(root / "server").start()
    settings = remote_settings(copy_project(root / "project"), server)
    build(settings)
    yield settings
    server.stop()


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def published(request: pytest.FixtureRequest) -> Settings:
    """The session build on each backend: the embedded store, and Virtuoso."""
    name = "session_build" if request.param == "oxigraph" else "virtuoso_build"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def analysed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real server over a build made as `thcm build` makes it: with the hub analysis in graph/analysis.

    For the web interface and notebook tests, which show what a new user sees after `make run`.
    """
    from thcm_graph.analysis import analysis_step

    settings = copy_project(tmp_path_factory.mktemp("analysed") / "project")
    build(settings, step=analysis_step())
    running = start_server(settings)
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def virtuoso_server(virtuoso_build: Settings) -> Iterator[Server]:
    """A real `thcm serve` process over the session build on Virtuoso."""
    running = start_server(virtuoso_build)
    yield running
    stop_server(running)


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def served(request: pytest.FixtureRequest) -> Server:
    """A real `thcm serve` over the session build on each backend: the embedded store, and Virtuoso."""
    return request.getfixturevalue("server" if request.param == "oxigraph" else "virtuoso_server")  # type: ignore[no-any-return]
