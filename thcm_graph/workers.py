"""Query evaluation in worker processes that can be killed: real time limits for SPARQL.

pyoxigraph has no query timeout of its own, and a thread cannot be stopped from outside. So
(DESIGN.md §6) each query runs in a **forked child** of a small *zygote* process:

    server ──pipe──► zygote (single-threaded; holds the published build in memory)
       ▲                 │ fork() per query: copy-on-write, ~1 ms, no reload
       └──socketpair──── child: evaluate, serialise, write the answer, exit

The zygote is started with the ``spawn`` method, so it never inherits the web server's threads
(forking a multi-threaded process can deadlock). The server hands each child one end of a fresh
socket pair (``SCM_RIGHTS``), waits for the answer with a deadline, and on timeout — or when the
client goes away — kills the child with SIGKILL: the query stops at once and nothing keeps
computing. Cheap queries keep being answered meanwhile, because every query has its own process.

When a newer build is published, a new zygote loads it in the background and replaces the old
one; children already running finish on the build they started with.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing import reduction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import QueryError, QueryTimeout, StoreError, ThcmError
from .store.published import Publication, StateLayout, read_manifest
from .store.results import Term

if TYPE_CHECKING:
    from .store.base import Store


class ResultTooLarge(QueryError):
    """A query's serialised result exceeds the configured size limit."""


class WorkersBusy(ThcmError):
    """All query workers stayed busy for longer than a query may run."""


@dataclass(frozen=True)
class QueryRequest:
    """One query to evaluate, and the result format wanted for each kind of result.

    ``formats`` maps ``"select"``, ``"ask"`` and ``"graph"`` to a format name (see
    :mod:`thcm_graph.store.results`), or to None when no acceptable format exists for that kind.
    """

    sparql: str
    formats: Mapping[str, str | None]
    bindings: Mapping[str, Term] = field(default_factory=dict)
    default_graph: Sequence[str] | None = None
    named_graphs: Sequence[str] | None = None
    base_iri: str | None = None


@dataclass(frozen=True)
class QueryAnswer:
    """A worker's answer: the kind of result, its format (None: not acceptable) and the bytes."""

    kind: str
    fmt: str | None
    body: bytes
    build_id: str
    seconds: float


class _CappedBuffer(io.RawIOBase):
    """A byte buffer that refuses to grow past ``limit`` (stops serialisation early)."""

    def __init__(self, limit: int) -> None:
        self.buffer = bytearray()
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if len(self.buffer) + len(data) > self.limit:
            raise ResultTooLarge(f"the result is larger than the limit of {self.limit:,} bytes (THCM_MAX_RESULT_BYTES); add a LIMIT")
        self.buffer += data
        return len(data)


# -- inside the zygote and its children --------------------------------------------------------


def _answer(store: Any, request: QueryRequest, max_bytes: int) -> tuple[dict[str, Any], bytes]:
    """Evaluate in a child: returns the header and body to send back."""
    try:
        raw = store.query_raw(
            request.sparql,
            bindings=dict(request.bindings),
            default_graph=request.default_graph,
            named_graphs=request.named_graphs,
            base_iri=request.base_iri,
        )
        fmt = request.formats.get(raw.kind)
        if fmt is None:
            return {"status": "ok", "kind": raw.kind, "fmt": None}, b""
        buffer = _CappedBuffer(max_bytes)
        buffer.write(raw.serialize(fmt))
        return {"status": "ok", "kind": raw.kind, "fmt": fmt}, bytes(buffer.buffer)
    except ThcmError as exc:
        return {"status": "error", "type": type(exc).__name__, "message": str(exc)}, b""
    except Exception as exc:  # an evaluation failure we did not foresee: report, don't hang
        return {"status": "error", "type": "QueryError", "message": f"query failed: {exc}"}, b""


def _child(store: Any, request: QueryRequest, out: socket.socket, max_bytes: int, timeout: float) -> None:
    # Safety net: a child outlives its deadline only if the server died; then it ends itself.
    signal.alarm(int(timeout) + 5)
    header, body = _answer(store, request, max_bytes)
    header["length"] = len(body)
    with contextlib.suppress(OSError):
        out.sendall(json.dumps(header).encode() + b"\n" + body)
    os._exit(0)


def _zygote(conn: multiprocessing.connection.Connection, store_dir: str, max_bytes: int, timeout: float) -> None:
    """Entry point of the zygote process (started with ``spawn``)."""
    from .store.oxigraph import OxigraphStore

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when we stop
    try:
        on_disk = OxigraphStore.open(Path(store_dir), read_only=True)
        store = on_disk.copy_to_memory()
        on_disk.close()
    except Exception as exc:
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "exit":
            return
        request: QueryRequest = message[1]
        fd = reduction.recv_handle(conn)
        out = socket.socket(fileno=fd)
        pid = os.fork()
        if pid == 0:
            conn.close()
            _child(store, request, out, max_bytes, timeout)
        out.close()
        conn.send(("pid", pid))


# -- in the server --------------------------------------------------------------------------------


class _Zygote:
    """The server's handle on one zygote process and the build it holds."""

    def __init__(self, publication: Publication, *, max_bytes: int, timeout: float) -> None:
        self.publication = publication
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(
            target=_zygote,
            args=(child_conn, str(publication.store_path), max_bytes, timeout),
            name=f"thcm-zygote-{publication.build_id}",
            daemon=True,
        )
        self._process.start()
        child_conn.close()
        self._lock = threading.Lock()
        try:
            status, detail = self._conn.recv()
        except EOFError:
            status, detail = "failed", f"the worker process exited with code {self._process.exitcode}"
        if status != "ready":
            self._process.join(5)
            raise StoreError(f"cannot load build {publication.build_id} into a query worker: {detail}")

    def fork(self, request: QueryRequest) -> tuple[int, socket.socket]:
        """Start a child for ``request``; returns its pid and our end of its socket."""
        ours, theirs = socket.socketpair()
        try:
            with self._lock:
                self._conn.send(("query", request))
                reduction.send_handle(self._conn, theirs.fileno(), self._process.pid)
                status, pid = self._conn.recv()
        except (OSError, EOFError) as exc:
            ours.close()
            raise StoreError(f"the query worker of build {self.publication.build_id} is gone: {exc}") from exc
        finally:
            theirs.close()
        assert status == "pid"
        return int(pid), ours

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def close(self) -> None:
        with contextlib.suppress(OSError, BrokenPipeError), self._lock:
            self._conn.send(("exit",))
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._conn.close()


#: After this many seconds a query counts as long-running and its worker is given a lower CPU
#: priority (nice 10), so that short queries keep their latency while long ones run.
DEPRIORITISE_AFTER = 0.3


def _deprioritise(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, pid, 10)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _parse_answer(data: bytes, build_id: str, started: float) -> QueryAnswer:
    head, _, body = data.partition(b"\n")
    if not head:
        raise QueryError("the query worker ended without an answer (it may have run out of memory)")
    header = json.loads(head)
    if header["status"] == "error":
        kind = header.get("type")
        if kind == "ResultTooLarge":
            raise ResultTooLarge(header["message"])
        raise QueryError(header["message"])
    if len(body) != header["length"]:
        raise QueryError("the query worker's answer was cut off")
    return QueryAnswer(header["kind"], header["fmt"], body, build_id, time.perf_counter() - started)


class QueryRunner(Protocol):
    """What the API needs to answer queries: :class:`QueryWorkers` (embedded store, a killable
    worker process per query) or :class:`~thcm_graph.remote_queries.RemoteQueries` (forwarded to
    a SPARQL server)."""

    timeout: float
    last_error: str | None

    @property
    def running(self) -> int: ...

    @property
    def zygote_pid(self) -> int | None: ...

    def current(self) -> Publication: ...

    def refresh(self) -> Publication: ...

    def reader(self) -> Store: ...

    def run_sync(self, request: QueryRequest) -> QueryAnswer: ...

    async def run(self, request: QueryRequest) -> QueryAnswer: ...

    def close(self) -> None: ...


class QueryWorkers:
    """Runs queries against the current published build in killable worker processes.

    ``timeout`` is the per-query limit in seconds, ``max_bytes`` the largest serialised result,
    ``max_workers`` how many queries may run at once (more wait for a slot, at most ``timeout``).
    """

    def __init__(
        self,
        state_dir: Path,
        *,
        timeout: float = 30.0,
        max_bytes: int = 64 * 2**20,
        max_workers: int = 16,
        reload_interval: float = 1.0,
    ) -> None:
        self._layout = StateLayout(state_dir)
        self.timeout = timeout
        self._max_bytes = max_bytes
        self._reload_interval = reload_interval
        self._slots = threading.BoundedSemaphore(max_workers)
        self._switch_lock = threading.Lock()
        self._checked = time.monotonic()
        self.last_error: str | None = None
        self._active: set[int] = set()
        directory = self._layout.current_dir()
        self._zygote = _Zygote(Publication(directory, read_manifest(directory)), max_bytes=max_bytes, timeout=timeout)

    @property
    def publication(self) -> Publication:
        return self._zygote.publication

    def reader(self) -> Store:
        """A read-only store whose queries run in the workers (for routes wanting Python results)."""
        from .worker_store import WorkerStore  # worker_store builds on this module

        return WorkerStore(self)

    @property
    def zygote_pid(self) -> int | None:
        """Process id of the zygote; every running query is one of its children."""
        return self._zygote.pid

    @property
    def running(self) -> int:
        """Queries being evaluated right now."""
        return len(self._active)

    def close(self) -> None:
        for pid in list(self._active):
            _kill(pid)
        self._zygote.close()

    # -- following new builds -------------------------------------------------------------

    def current(self) -> Publication:
        """The build queries are answered from now.

        At most every ``reload_interval`` seconds this looks whether a newer build was published
        and, if so, loads it into a new zygote in a background thread; queries keep going to the
        current build until the new one is ready, so nobody waits for the switch.
        """
        now = time.monotonic()
        if now - self._checked >= self._reload_interval and not self._switch_lock.locked():
            self._checked = now
            serving = self._zygote.publication.store_path.parent.name
            if self._layout.current.exists() and Path(os.readlink(self._layout.current)).name != serving:
                threading.Thread(target=self.refresh, name="thcm-build-switch", daemon=True).start()
        return self._zygote.publication

    def refresh(self) -> Publication:
        """Switch to the newest published build now (blocking until its zygote is ready)."""
        with self._switch_lock:
            self._checked = time.monotonic()
            self._maybe_switch()
        return self._zygote.publication

    def _maybe_switch(self) -> None:
        try:
            directory = self._layout.current_dir()
            if directory == self._zygote.publication.directory:
                return
            fresh = _Zygote(Publication(directory, read_manifest(directory)), max_bytes=self._max_bytes, timeout=self.timeout)
        except StoreError as exc:
            self.last_error = str(exc)  # the previous build keeps serving
            return
        old, self._zygote = self._zygote, fresh
        self.last_error = None
        old.close()

    # -- running queries ------------------------------------------------------------------

    def _acquire(self) -> None:
        if not self._slots.acquire(timeout=self.timeout):
            raise WorkersBusy(f"all query workers stayed busy for {self.timeout:g} s; try again later")

    def run_sync(self, request: QueryRequest) -> QueryAnswer:
        """Evaluate ``request``, blocking; :class:`QueryTimeout` after the time limit."""
        started = time.perf_counter()
        self._acquire()
        try:
            self.current()
            zygote = self._zygote
            pid, sock = zygote.fork(request)
            self._active.add(pid)
            deadline = time.monotonic() + self.timeout
            demote_at = time.monotonic() + DEPRIORITISE_AFTER
            chunks = []
            try:
                with sock:
                    while True:
                        now = time.monotonic()
                        remaining = deadline - now
                        if remaining <= 0:
                            raise TimeoutError
                        if demote_at and now >= demote_at:
                            _deprioritise(pid)
                            demote_at = 0.0
                        sock.settimeout(min(remaining, demote_at - now) if demote_at else remaining)
                        try:
                            chunk = sock.recv(1 << 16)
                        except TimeoutError:
                            continue  # the loop decides: demote, or give up at the deadline
                        if not chunk:
                            break
                        chunks.append(chunk)
            except TimeoutError:
                _kill(pid)
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s (THCM_QUERY_TIMEOUT) and was stopped") from None
            except BaseException:
                _kill(pid)
                raise
            finally:
                self._active.discard(pid)
            return _parse_answer(b"".join(chunks), zygote.publication.build_id, started)
        finally:
            self._slots.release()

    async def run(self, request: QueryRequest) -> QueryAnswer:
        """Evaluate ``request`` without blocking the event loop; cancelling kills the worker."""
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._acquire)
        try:
            self.current()
            zygote = self._zygote
            pid, sock = zygote.fork(request)
            self._active.add(pid)
            try:
                reader, writer = await asyncio.open_connection(sock=sock)
                reading = asyncio.ensure_future(reader.read())
                try:
                    done, _ = await asyncio.wait({reading}, timeout=DEPRIORITISE_AFTER)
                    if not done:
                        _deprioritise(pid)
                    data = await asyncio.wait_for(reading, timeout=max(self.timeout - DEPRIORITISE_AFTER, 0.001))
                finally:
                    reading.cancel()
                    writer.close()
            except TimeoutError:
                _kill(pid)
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s (THCM_QUERY_TIMEOUT) and was stopped") from None
            except BaseException:  # cancelled (client gone) or failed: stop the computation
                _kill(pid)
                raise
            finally:
                self._active.discard(pid)
            return _parse_answer(data, zygote.publication.build_id, started)
        finally:
            self._slots.release()

