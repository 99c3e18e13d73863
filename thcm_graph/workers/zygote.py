"""The zygote: a single-threaded process holding the build in memory that forks query workers.

The code that runs inside the zygote and its workers, and the server's handle on a zygote.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from multiprocessing import reduction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StoreError, ThcmError
from ..store.published import Publication
from .messages import LENGTHS, CappedBuffer, QueryRequest, WorkerLost, decode_request, frame, recv_exactly

if TYPE_CHECKING:
    pass


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
            CappedBuffer(max_bytes).write(body)  # raises ResultTooLarge with the message
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
            prefix = recv_exactly(sock, LENGTHS.size)
            if prefix is None:
                break
            head_length, body_length = LENGTHS.unpack(prefix)
            head = recv_exactly(sock, head_length + body_length)
            if head is None:
                break
            request = decode_request(json.loads(head[:head_length]))
        except (OSError, ValueError, KeyError):
            break
        # Safety net: a query outlives its deadline only if the server died; then the worker ends itself.
        signal.alarm(alarm)
        header, body = _answer(store, request, max_bytes)
        signal.alarm(0)
        header["c"] = time.process_time()  # CPU seconds this worker has used: the server demotes by CPU, not by wall time
        try:
            sock.sendall(frame(header, body))
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
    from ..store.oxigraph import OxigraphStore

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




def kill(pid: int) -> None:
    """SIGKILL ``pid`` (a worker): its query stops at once. No error if it is already gone."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def lost(worker: Worker) -> WorkerLost:
    """The error for a worker that died during its query (killed from outside, out of memory)."""
    return WorkerLost(
        f"the query worker (pid {worker.pid}) ended without an answer: it was killed from outside or ran out of "
        "memory; it has been replaced, try again"
    )


class Worker:
    """The server's end of one worker process: its pid, its socket, the build it answers from.

    Once used from an event loop, the socket stays registered with that loop's reader for the
    worker's whole life (no registration per query): :meth:`readable` completes the pending
    answer, and for an idle worker — which never writes — reports its death.
    """

    __slots__ = ("buffer", "cpu", "demoted", "generation", "loop", "on_death", "pending", "pid", "publication", "sock")

    def __init__(self, pid: int, sock: socket.socket, publication: Publication, generation: int) -> None:
        self.pid, self.sock, self.publication, self.generation = pid, sock, publication, generation
        self.demoted = False
        self.cpu = 0.0  # CPU seconds the process had used when it sent its last answer (a fresh fork: none)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pending: asyncio.Future[tuple[dict[str, Any], bytes]] | None = None
        self.buffer = bytearray()
        self.on_death: Callable[[Worker], None] | None = None

    def watched_by(self, loop: asyncio.AbstractEventLoop) -> bool:
        """True if the socket is registered with ``loop`` (a live loop's reader sees every byte)."""
        return self.loop is loop

    def watch(self, loop: asyncio.AbstractEventLoop, on_death: Callable[[Worker], None]) -> None:
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
            pending.set_exception(lost(self))
            return
        self.buffer += chunk
        if len(self.buffer) < LENGTHS.size:
            return
        head_length, body_length = LENGTHS.unpack_from(self.buffer)
        end = LENGTHS.size + head_length + body_length
        if len(self.buffer) >= end:
            head_end = LENGTHS.size + head_length
            try:
                header = json.loads(bytes(self.buffer[LENGTHS.size:head_end]))
            except ValueError:
                pending.set_exception(lost(self))
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
        kill(self.pid)
        self._close_socket()

    def retire(self) -> None:
        """Let an idle worker end: it exits when it reads the end of its socket."""
        self._close_socket()


class Zygote:
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

    def fork_worker(self, generation: int) -> Worker:
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
        return Worker(int(pid), ours, self.publication, generation)

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


