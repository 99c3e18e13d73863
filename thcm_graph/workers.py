"""Query evaluation in worker processes that can be killed: real time limits for SPARQL.

pyoxigraph has no query timeout of its own, and a thread cannot be stopped from outside. So
(DESIGN.md §6) queries run in **worker processes forked from a zygote** that holds the build:

    server ──pipe (rare: "fork a worker")──► zygote (single-threaded; the build in memory)
       │                                        │ fork(): copy-on-write, no reload
       └──── one socket per worker ◄────────────┴─► worker: read a query, evaluate, answer, repeat

- The zygote is started with the ``spawn`` method, so it never inherits the web server's threads
  (forking a multi-threaded process can deadlock).
- Workers are **persistent**: forked once, each serves one query at a time over its own socket
  with a minimal framing (8-byte lengths, a JSON header, the result bytes; no pickle). A fork per
  query cost 80–200 ms at 10^6 triples (the fork of the ~800 MB zygote ~30 ms, then the fresh
  child's cold start), hundreds of times a lookup.
- The server keeps idle workers ready (``pool_size``, ``THCM_POOL_SIZE``) and takes one per query
  without a thread hop: the asyncio path waits on the socket with the event loop's own reader.
  At most ``max_workers`` (``THCM_MAX_WORKERS``) queries run at once; more wait for a worker.
- A query still running after 0.3 s is demoted to ``nice 10`` (short queries keep their latency);
  a demoted worker is retired after its query, since an unprivileged process cannot undo that.
- On timeout, when the client goes away, or if the worker dies, its process is **SIGKILLed**: the
  computation stops at once. A background thread asks the zygote for a replacement, so no query
  waits for a fork unless every worker is busy.
- When a newer build is published, a new zygote loads it (and its pool is forked) in the
  background, then takes over; queries already running finish on the build they started with.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing import reduction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rdflib.term import BNode, Literal, URIRef

from .errors import QueryError, QueryTimeout, StoreError, ThcmError
from .store._sparql_json import _term as _decode_term
from .store.published import Publication, StateLayout, read_manifest
from .store.results import Term

if TYPE_CHECKING:
    from .store.base import Store


class ResultTooLarge(QueryError):
    """A query's serialised result exceeds the configured size limit."""


class WorkersBusy(ThcmError):
    """All query workers stayed busy for longer than a query may run."""


class WorkerLost(StoreError):
    """A query worker process ended without answering (killed from outside, or out of memory)."""


class ClientGone(ThcmError):
    """The caller stopped waiting for the answer (e.g. the HTTP client disconnected); the query was stopped."""


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


# -- the wire format between server and worker ---------------------------------------------------
#
# frame = struct "!II" (header length, body length) + header (UTF-8 JSON object) + body (bytes)
# request header: {"q": sparql, "f": formats, "b": bindings (SPARQL JSON terms), "d": default graph,
#                  "n": named graphs, "i": base IRI}; no body.
# answer header:  {"k": kind, "f": format or null} with the result as body,
#                 or {"e": exception type, "m": message} without a body.

_LENGTHS = struct.Struct("!II")


def _frame(header: dict[str, Any], body: bytes = b"") -> bytes:
    head = json.dumps(header, separators=(",", ":")).encode()
    return _LENGTHS.pack(len(head), len(body)) + head + body


def _encode_term(term: Term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        encoded = {"type": "literal", "value": str(term)}
        if term.language:
            encoded["xml:lang"] = term.language
        elif term.datatype:
            encoded["datatype"] = str(term.datatype)
        return encoded
    raise QueryError(f"cannot bind a {type(term).__name__} as a query parameter")


def _request_frame(request: QueryRequest) -> bytes:
    header: dict[str, Any] = {"q": request.sparql, "f": dict(request.formats)}
    if request.bindings:
        header["b"] = {name: _encode_term(term) for name, term in request.bindings.items()}
    if request.default_graph is not None:
        header["d"] = list(request.default_graph)
    if request.named_graphs is not None:
        header["n"] = list(request.named_graphs)
    if request.base_iri is not None:
        header["i"] = request.base_iri
    return _frame(header)


def _decode_request(header: dict[str, Any]) -> QueryRequest:
    return QueryRequest(
        header["q"], header["f"], {name: _decode_term(value) for name, value in header.get("b", {}).items()},
        header.get("d"), header.get("n"), header.get("i"),
    )


def _recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    """``size`` bytes from a blocking socket, or None at end of file."""
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


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


# -- inside the zygote and its workers -----------------------------------------------------------


def _answer(store: Any, request: QueryRequest, max_bytes: int) -> tuple[dict[str, Any], bytes]:
    """Evaluate in a worker: the answer's header and body."""
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
            return {"k": raw.kind, "f": None}, b""
        body = raw.serialize(fmt)
        if len(body) > max_bytes:
            _CappedBuffer(max_bytes).write(body)  # raises ResultTooLarge with the message
        return {"k": raw.kind, "f": fmt}, body
    except ThcmError as exc:
        return {"e": type(exc).__name__, "m": str(exc)}, b""
    except Exception as exc:  # an evaluation failure we did not foresee: report, don't hang
        return {"e": "QueryError", "m": f"query failed: {exc}"}, b""


def _worker(store: Any, sock: socket.socket, max_bytes: int, timeout: float) -> None:
    """A worker's life: answer queries from ``sock`` one at a time until the server closes it."""
    sock.setblocking(True)
    alarm = int(timeout) + 5
    while True:
        try:
            prefix = _recv_exactly(sock, _LENGTHS.size)
            if prefix is None:
                break
            head_length, body_length = _LENGTHS.unpack(prefix)
            head = _recv_exactly(sock, head_length + body_length)
            if head is None:
                break
            request = _decode_request(json.loads(head[:head_length]))
        except (OSError, ValueError, KeyError):
            break
        # Safety net: a query outlives its deadline only if the server died; then the worker ends itself.
        signal.alarm(alarm)
        header, body = _answer(store, request, max_bytes)
        signal.alarm(0)
        try:
            sock.sendall(_frame(header, body))
        except OSError:
            break
    os._exit(0)


#: Queries the zygote runs once after loading a build (see :func:`_zygote`).
_WARM_UP = (
    "ASK { ?s ?p ?o }",
    "SELECT ?p ?o WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1",
)


def _zygote(conn: multiprocessing.connection.Connection, store_dir: str, max_bytes: int, timeout: float) -> None:
    """Entry point of the zygote process (started with ``spawn``)."""
    from .store.oxigraph import OxigraphStore

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when we stop
    try:
        on_disk = OxigraphStore.open(Path(store_dir), read_only=True)
        store = on_disk.copy_to_memory()
        on_disk.close()
    except Exception as exc:
        conn.send(("failed", str(exc)))
        return
    # Warm up before the first fork: what the first queries initialise lazily is then shared,
    # copy-on-write, by every worker instead of being paid again in each (at 10^6 triples the
    # first queries of a fresh worker took up to 0.3-0.9 s without this).
    for query in _WARM_UP:
        with contextlib.suppress(Exception):
            store.query_raw(query).serialize("json")
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "exit":
            return
        fd = reduction.recv_handle(conn)
        sock = socket.socket(fileno=fd)
        pid = os.fork()
        if pid == 0:
            conn.close()
            _worker(store, sock, max_bytes, timeout)
        sock.close()
        conn.send(("pid", pid))


# -- in the server --------------------------------------------------------------------------------


class _Worker:
    """The server's end of one worker process: its pid, its socket, the build it answers from.

    Once used from an event loop, the socket stays registered with that loop's reader for the
    worker's whole life (no registration per query): :meth:`readable` completes the pending
    answer, and for an idle worker — which never writes — reports its death.
    """

    __slots__ = ("buffer", "demoted", "generation", "loop", "on_death", "pending", "pid", "publication", "sock")

    def __init__(self, pid: int, sock: socket.socket, publication: Publication, generation: int) -> None:
        self.pid, self.sock, self.publication, self.generation = pid, sock, publication, generation
        self.demoted = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pending: asyncio.Future[tuple[dict[str, Any], bytes]] | None = None
        self.buffer = bytearray()
        self.on_death: Callable[[_Worker], None] | None = None

    def watched_by(self, loop: asyncio.AbstractEventLoop) -> bool:
        """True if the socket is registered with ``loop`` (a live loop's reader sees every byte)."""
        return self.loop is loop

    def watch(self, loop: asyncio.AbstractEventLoop, on_death: Callable[[_Worker], None]) -> None:
        """Register the socket with ``loop`` for the rest of the worker's life (call on that loop)."""
        if self.loop is not None and not self.loop.is_closed():
            raise StoreError("a query worker is already watched by another running event loop")
        self.loop, self.on_death = loop, on_death
        loop.add_reader(self.sock.fileno(), self.readable)

    def readable(self) -> None:
        try:
            chunk = self.sock.recv(1 << 18)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        pending = self.pending
        if pending is None or pending.done():
            if self.on_death is not None:  # an idle worker wrote or closed: it has ended
                self.on_death(self)
            return
        if not chunk:
            pending.set_exception(_lost(self))
            return
        self.buffer += chunk
        if len(self.buffer) < _LENGTHS.size:
            return
        head_length, body_length = _LENGTHS.unpack_from(self.buffer)
        end = _LENGTHS.size + head_length + body_length
        if len(self.buffer) >= end:
            head_end = _LENGTHS.size + head_length
            try:
                header = json.loads(bytes(self.buffer[_LENGTHS.size:head_end]))
            except ValueError:
                pending.set_exception(_lost(self))
                return
            pending.set_result((header, bytes(self.buffer[head_end:end])))

    def _close_socket(self) -> None:
        loop = self.loop
        if self.sock.fileno() < 0:
            return  # closed already
        if loop is None or loop.is_closed():
            self.sock.close()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            loop.remove_reader(self.sock.fileno())
            self.sock.close()
        else:  # the reader belongs to the loop: unregister there, before the descriptor number is reused
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._close_socket_on_loop)

    def _close_socket_on_loop(self) -> None:
        assert self.loop is not None
        if self.sock.fileno() >= 0:
            self.loop.remove_reader(self.sock.fileno())
            self.sock.close()

    def kill(self) -> None:
        _kill(self.pid)
        self._close_socket()

    def retire(self) -> None:
        """Let an idle worker end: it exits when it reads the end of its socket."""
        self._close_socket()


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

    def fork_worker(self, generation: int) -> _Worker:
        """Fork a persistent worker (blocking: about as long as one fork of the zygote takes)."""
        ours, theirs = socket.socketpair()
        try:
            with self._lock:
                self._conn.send(("fork",))
                reduction.send_handle(self._conn, theirs.fileno(), self._process.pid)
                status, pid = self._conn.recv()
        except (OSError, EOFError) as exc:
            ours.close()
            raise StoreError(f"the query worker of build {self.publication.build_id} is gone: {exc}") from exc
        finally:
            theirs.close()
        assert status == "pid"
        ours.setblocking(False)
        return _Worker(int(pid), ours, self.publication, generation)

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
#: How often a long-running query checks whether its caller is still waiting (``gone``).
GONE_POLL = 0.1


def _deprioritise(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, pid, 10)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _timeout_error(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran longer than {timeout:g} s (THCM_QUERY_TIMEOUT) and was stopped")


def _lost(worker: _Worker) -> WorkerLost:
    return WorkerLost(
        f"the query worker (pid {worker.pid}) ended without an answer: it was killed from outside or ran out of "
        "memory; it has been replaced, try again"
    )


def _to_answer(header: dict[str, Any], body: bytes, build_id: str, started: float) -> QueryAnswer:
    error = header.get("e")
    if error is not None:
        if error == "ResultTooLarge":
            raise ResultTooLarge(header["m"])
        raise QueryError(header["m"])
    return QueryAnswer(header["k"], header["f"], body, build_id, time.perf_counter() - started)


class _Waiter:
    """Someone waiting for a free worker: an asyncio future, or a thread's event."""

    __slots__ = ("cancelled", "event", "future", "loop", "worker")

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.loop = loop
        self.future: asyncio.Future[_Worker] | None = loop.create_future() if loop is not None else None
        self.event = threading.Event() if loop is None else None
        self.worker: _Worker | None = None
        self.cancelled = False


class QueryRunner(Protocol):
    """What the API needs to answer queries: :class:`QueryWorkers` (embedded store, killable
    worker processes) or :class:`~thcm_graph.remote_queries.RemoteQueries` (forwarded to a
    SPARQL server)."""

    timeout: float
    last_error: str | None

    @property
    def running(self) -> int: ...

    @property
    def zygote_pid(self) -> int | None: ...

    @property
    def worker_pids(self) -> dict[str, list[int]]: ...

    def current(self) -> Publication: ...

    def refresh(self) -> Publication: ...

    def reader(self) -> Store: ...

    def run_sync(self, request: QueryRequest) -> QueryAnswer: ...

    async def run(self, request: QueryRequest, *, gone: Callable[[], Awaitable[bool]] | None = None) -> QueryAnswer: ...

    def close(self) -> None: ...


class QueryWorkers:
    """Runs queries against the current published build in a pool of killable worker processes.

    ``timeout`` is the per-query limit in seconds, ``max_bytes`` the largest serialised result,
    ``max_workers`` how many queries may run at once (more wait for a worker, at most
    ``timeout``), ``pool_size`` how many idle workers are kept ready.
    """

    def __init__(
        self,
        state_dir: Path,
        *,
        timeout: float = 30.0,
        max_bytes: int = 64 * 2**20,
        max_workers: int = 16,
        pool_size: int = 4,
        reload_interval: float = 1.0,
    ) -> None:
        self._layout = StateLayout(state_dir)
        self.timeout = timeout
        self._max_bytes = max_bytes
        self._max_workers = max_workers
        self._pool_size = min(pool_size, max_workers)
        self._reload_interval = reload_interval
        self._switch_lock = threading.Lock()
        self._checked = time.monotonic()
        self.last_error: str | None = None
        # the pool; every field below is guarded by _lock
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []  # a stack: the most recently used worker first (warm caches)
        self._busy: dict[int, _Worker] = {}
        self._waiters: deque[_Waiter] = deque()
        self._live = 0  # workers of the current generation: idle, busy, or being forked
        self._forking = 0
        self._generation = 0
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None  # the event loop of the last run(): it watches the sockets
        directory = self._layout.current_dir()
        self._zygote = _Zygote(Publication(directory, read_manifest(directory)), max_bytes=max_bytes, timeout=timeout)
        self._idle = [self._zygote.fork_worker(0) for _ in range(self._pool_size)]
        self._live = len(self._idle)
        self._forks: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._forker = threading.Thread(target=self._fork_loop, name="thcm-worker-forks", daemon=True)
        self._forker.start()

    @property
    def publication(self) -> Publication:
        return self._zygote.publication

    def reader(self) -> Store:
        """A read-only store whose queries run in the workers (for routes wanting Python results)."""
        from .worker_store import WorkerStore  # worker_store builds on this module

        return WorkerStore(self)

    @property
    def zygote_pid(self) -> int | None:
        """Process id of the zygote; every worker is one of its children."""
        return self._zygote.pid

    @property
    def running(self) -> int:
        """Queries being evaluated right now."""
        return len(self._busy)

    @property
    def worker_pids(self) -> dict[str, list[int]]:
        """Process ids of the idle workers and of those evaluating a query."""
        with self._lock:
            return {"idle": [w.pid for w in self._idle], "busy": sorted(self._busy)}

    def close(self) -> None:
        with self._lock:
            self._closed = True
            busy, idle = list(self._busy.values()), self._idle
            self._idle = []
            waiters, self._waiters = list(self._waiters), deque()
        for worker in busy:
            _kill(worker.pid)
        for worker in idle:
            worker.kill()
        for waiter in waiters:
            self._offer(waiter, None)
        self._forks.put(None)
        self._zygote.close()

    # -- the pool ---------------------------------------------------------------------------

    def _fork_loop(self) -> None:
        """The background thread that forks workers, so that no query waits for a fork."""
        while True:
            generation = self._forks.get()
            if generation is None:
                return
            zygote = self._zygote
            try:
                if generation != self._generation or self._closed:
                    raise StoreError("stale")
                worker: _Worker | None = zygote.fork_worker(generation)
            except StoreError as exc:
                worker = None
                if str(exc) != "stale":
                    self.last_error = str(exc)
            with self._lock:
                if generation == self._generation:
                    self._forking -= 1
                    if worker is None:
                        self._live -= 1
                if worker is not None and (generation != self._generation or self._closed):
                    worker.retire()
                elif worker is not None:
                    self._hand_over(worker)

    def _top_up(self) -> None:
        """Ask for new workers until enough are idle or coming (call with ``_lock`` held)."""
        wanted = self._pool_size + len(self._waiters)
        while len(self._idle) + self._forking < wanted and self._live < self._max_workers and not self._closed:
            self._live += 1
            self._forking += 1
            self._forks.put(self._generation)

    def _offer(self, waiter: _Waiter, worker: _Worker | None) -> bool:
        """Give ``worker`` (None: the pool is closing) to ``waiter``; False if it stopped waiting."""
        if waiter.cancelled:
            return False
        waiter.worker = worker
        if waiter.event is not None:
            waiter.event.set()
        else:
            assert waiter.loop is not None
            waiter.loop.call_soon_threadsafe(self._deliver, waiter, worker)
        return True

    def _deliver(self, waiter: _Waiter, worker: _Worker | None) -> None:
        """On the waiter's event loop: complete its future, or give the worker back if it left."""
        assert waiter.future is not None
        if waiter.future.done():
            if worker is not None:
                self._give_back(worker, reusable=True)
        else:
            waiter.future.set_result(worker)  # type: ignore[arg-type]

    def _hand_over(self, worker: _Worker) -> None:
        """A free worker goes to the first waiter still waiting, else to the idle stack (``_lock`` held)."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if self._offer(waiter, worker):
                self._busy[worker.pid] = worker
                return
        self._idle.append(worker)

    def _give_back(self, worker: _Worker, *, reusable: bool) -> None:
        """After a query: a healthy worker serves the next one; a killed or demoted one is replaced."""
        with self._lock:
            self._busy.pop(worker.pid, None)
            current = worker.generation == self._generation and not self._closed
            if reusable and not worker.demoted and current:
                self._hand_over(worker)
                return
            if current:
                self._live -= 1
            if reusable:
                worker.retire()
            self._top_up()

    def _pop_idle(self) -> _Worker | None:
        """The most recently used idle worker that is still alive (``_lock`` held).

        An idle worker never writes, so a readable socket means it ended (killed from outside):
        it is dropped and replaced rather than handed a query it cannot answer.
        """
        while self._idle:
            worker = self._idle.pop()
            if worker.loop is not None and not worker.loop.is_closed():
                self._busy[worker.pid] = worker  # its loop's reader reports a death (_worker_died)
                return worker
            try:
                worker.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                self._busy[worker.pid] = worker
                return worker
            except OSError:
                pass
            worker.sock.close()
            if worker.generation == self._generation:
                self._live -= 1
        return None

    def _worker_died(self, worker: _Worker) -> None:
        """On the event loop: an idle worker's socket closed (killed from outside): drop and replace it."""
        with self._lock:
            if worker in self._idle:
                self._idle.remove(worker)
                if worker.generation == self._generation:
                    self._live -= 1
                self._top_up()
        worker.kill()

    def _take_nowait(self) -> _Worker | None:
        with self._lock:
            if self._closed:
                raise StoreError("the query workers are shut down")
            worker = self._pop_idle()
            if len(self._idle) < self._pool_size:
                self._top_up()
            return worker

    def _enqueue(self, waiter: _Waiter) -> _Worker | None:
        """Wait in line for a worker, unless one became free meanwhile."""
        with self._lock:
            worker = self._pop_idle()
            if worker is not None:
                return worker
            self._waiters.append(waiter)
            self._top_up()
            return None

    def _leave(self, waiter: _Waiter) -> _Worker | None:
        """Stop waiting; returns the worker if one was handed over meanwhile."""
        with self._lock:
            if waiter.worker is None:
                waiter.cancelled = True
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
            return waiter.worker

    def _busy_error(self) -> WorkersBusy:
        return WorkersBusy(f"all {self._max_workers} query workers stayed busy for {self.timeout:g} s (THCM_MAX_WORKERS); try again later")

    async def _take(self) -> _Worker:
        worker = self._take_nowait()
        if worker is not None:
            return worker
        waiter = _Waiter(asyncio.get_running_loop())
        worker = self._enqueue(waiter)
        if worker is not None:
            return worker
        assert waiter.future is not None
        try:
            async with asyncio.timeout(self.timeout):
                got = await waiter.future
        except TimeoutError:
            raise self._busy_error() from None
        finally:
            if not waiter.future.done() or waiter.future.cancelled():
                self._leave(waiter)  # a worker handed over meanwhile comes back through _deliver
        if got is None:
            raise StoreError("the query workers are shut down")
        return got

    def _take_blocking(self) -> _Worker:
        worker = self._take_nowait()
        if worker is not None:
            return worker
        waiter = _Waiter(None)
        worker = self._enqueue(waiter)
        if worker is not None:
            return worker
        assert waiter.event is not None
        if not waiter.event.wait(self.timeout):
            worker = self._leave(waiter)
            if worker is None:
                raise self._busy_error()
            return worker
        if waiter.worker is None:
            raise StoreError("the query workers are shut down")
        return waiter.worker

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
        """Switch to the newest published build now (blocking until its zygote and pool are ready)."""
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
        generation = self._generation + 1
        try:
            ready = [fresh.fork_worker(generation) for _ in range(self._pool_size)]
        except StoreError as exc:
            fresh.close()
            self.last_error = str(exc)
            return
        with self._lock:
            if self._closed:
                retired, old = ready, fresh
            else:
                old, self._zygote = self._zygote, fresh
                self._generation = generation
                retired, self._idle = self._idle, []
                self._live, self._forking = len(ready), 0
                for worker in ready:
                    self._hand_over(worker)
                self._top_up()
        for worker in retired:
            worker.retire()  # busy workers of the old build finish their query, then are retired
        self.last_error = None
        old.close()

    # -- running queries ------------------------------------------------------------------

    async def run(self, request: QueryRequest, *, gone: Callable[[], Awaitable[bool]] | None = None) -> QueryAnswer:
        """Evaluate ``request`` on the event loop, without a thread hop.

        :class:`QueryTimeout` after the time limit; if ``gone()`` turns true while a long query
        runs (checked every 0.1 s after the first 0.3 s), or the calling task is cancelled, the
        worker is killed (:class:`ClientGone`).
        """
        started = time.perf_counter()
        self.current()
        frame = _request_frame(request)
        worker = await self._take()
        loop = asyncio.get_running_loop()
        self._loop = loop
        done: asyncio.Future[tuple[dict[str, Any], bytes]] = loop.create_future()
        demote = expire = None
        reusable = False
        try:
            if not worker.watched_by(loop):
                worker.watch(loop, self._worker_died)
            worker.buffer.clear()
            worker.pending = done
            sent = 0
            with contextlib.suppress(BlockingIOError):
                sent = worker.sock.send(frame)
            if sent < len(frame):
                await loop.sock_sendall(worker.sock, frame[sent:])
            demote = loop.call_later(DEPRIORITISE_AFTER, self._long_running, loop, worker, done, gone)
            expire = loop.call_later(self.timeout, _expire, done, self.timeout)
            header, body = await done
            reusable = True
        except OSError:  # the worker's socket broke: the process is gone
            raise _lost(worker) from None
        finally:
            worker.pending = None
            if demote is not None:
                demote.cancel()
            if expire is not None:
                expire.cancel()
            if not reusable:
                worker.kill()  # timed out, client gone, cancelled or dead: stop the computation now
            self._give_back(worker, reusable=reusable)
        return _to_answer(header, body, worker.publication.build_id, started)

    def _long_running(self, loop: asyncio.AbstractEventLoop, worker: _Worker, done: asyncio.Future[Any],
                      gone: Callable[[], Awaitable[bool]] | None) -> None:
        if done.done():
            return
        worker.demoted = True
        _deprioritise(worker.pid)
        if gone is not None:
            watch = loop.create_task(_watch(gone, done))
            done.add_done_callback(lambda _: watch.cancel())

    def run_sync(self, request: QueryRequest) -> QueryAnswer:
        """Evaluate ``request``, blocking (for routes running in a thread); :class:`QueryTimeout` after the time limit."""
        loop = self._loop
        if loop is not None and loop.is_running():
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # another thread: the loop owns the workers' sockets, let it run the query
                return asyncio.run_coroutine_threadsafe(self.run(request), loop).result()
        started = time.perf_counter()
        self.current()
        frame = _request_frame(request)
        worker = self._take_blocking()
        sock = worker.sock
        deadline = time.monotonic() + self.timeout
        demote_at = time.monotonic() + DEPRIORITISE_AFTER
        reusable = False
        try:
            sock.settimeout(self.timeout)
            sock.sendall(frame)
            data = bytearray()
            wanted = _LENGTHS.size
            while len(data) < wanted:
                now = time.monotonic()
                if now >= deadline:
                    raise _timeout_error(self.timeout)
                if demote_at and now >= demote_at:
                    worker.demoted = True
                    _deprioritise(worker.pid)
                    demote_at = 0.0
                sock.settimeout(min(deadline, demote_at or deadline) - now)
                try:
                    chunk = sock.recv(1 << 18)
                except TimeoutError:
                    continue  # the loop decides: demote, or give up at the deadline
                if not chunk:
                    raise _lost(worker)
                data += chunk
                if wanted == _LENGTHS.size and len(data) >= wanted:
                    head_length, body_length = _LENGTHS.unpack_from(data)
                    wanted += head_length + body_length
            head_end = _LENGTHS.size + _LENGTHS.unpack_from(data)[0]
            header = json.loads(bytes(data[_LENGTHS.size:head_end]))
            body = bytes(data[head_end:wanted])
            reusable = True
        except (BrokenPipeError, ConnectionResetError):
            raise _lost(worker) from None
        finally:
            if reusable:
                sock.setblocking(False)
            else:
                worker.kill()
            self._give_back(worker, reusable=reusable)
        return _to_answer(header, body, worker.publication.build_id, started)


def _expire(done: asyncio.Future[Any], timeout: float) -> None:
    if not done.done():
        done.set_exception(_timeout_error(timeout))


async def _watch(gone: Callable[[], Awaitable[bool]], done: asyncio.Future[Any]) -> None:
    """While a long query runs: stop it when its caller has gone."""
    while not done.done():
        if await gone():
            if not done.done():
                done.set_exception(ClientGone("the client went away; the query was stopped"))
            return
        await asyncio.sleep(GONE_POLL)
