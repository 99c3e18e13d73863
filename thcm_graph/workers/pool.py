"""The server's pool of persistent query workers: take a worker, send a query, wait with a
deadline, kill and replace it on timeout or when the client goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import socket
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import QueryTimeout, StoreError
from ..store.published import Publication, StateLayout, read_manifest
from .messages import LENGTHS, ClientGone, QueryAnswer, QueryRequest, WorkersBusy, request_frame, to_answer
from .zygote import Worker, Zygote, kill, lost

if TYPE_CHECKING:
    from ..store.base import Store


# -- in the server --------------------------------------------------------------------------------




#: After a query has used this many seconds of CPU it counts as long-running and its worker is
#: given a lower CPU priority (nice 10), so that short queries keep their latency while long ones
#: run. CPU, not wall time: under load (16 clients on 2 cores) a 60 ms query waits for a core for
#: longer than this, and demoting (hence retiring and re-forking) every such worker made throughput
#: collapse (label search at 10^6 triples: 26.9 req/s at 4 clients, 4.9 at 16).
DEPRIORITISE_AFTER = 0.3
#: How often a long-running query checks whether its caller is still waiting (``gone``).
GONE_POLL = 0.1


def _deprioritise(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, pid, 10)


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process ``pid`` has used, from ``/proc/PID/stat``; infinite if unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime (proc(5): fields 14 and 15)
    except (OSError, ValueError, IndexError):
        return float("inf")  # no /proc: demote by wall time, as if busy


def _busy(worker: Worker) -> bool:
    """Has the worker's current query used at least :data:`DEPRIORITISE_AFTER` seconds of CPU?"""
    return cpu_seconds(worker.pid) - worker.cpu >= DEPRIORITISE_AFTER


def _demote_if_busy(worker: Worker) -> bool:
    """Demote the worker if its query is CPU-heavy (:func:`_busy`); whether it was."""
    if not _busy(worker):
        return False
    worker.demoted = True
    _deprioritise(worker.pid)
    return True


def _timeout_error(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran longer than {timeout:g} s (THCM_QUERY_TIMEOUT) and was stopped")





class _Waiter:
    """Someone waiting for a free worker: an asyncio future, or a thread's event."""

    __slots__ = ("cancelled", "event", "future", "loop", "worker")

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.loop = loop
        self.future: asyncio.Future[Worker] | None = loop.create_future() if loop is not None else None
        self.event = threading.Event() if loop is None else None
        self.worker: Worker | None = None
        self.cancelled = False



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
        self._idle: list[Worker] = []  # a stack: the most recently used worker first (warm caches)
        self._busy: dict[int, Worker] = {}
        self._waiters: deque[_Waiter] = deque()
        self._live = 0  # workers of the current generation: idle, busy, or being forked
        self._forking = 0
        self._generation = 0
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None  # the event loop of the last run(): it watches the sockets
        directory = self._layout.current_dir()
        self._zygote = Zygote(Publication(directory, read_manifest(directory)), max_bytes=max_bytes, timeout=timeout)
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
        from ..worker_store import WorkerStore  # worker_store builds on this module

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
            kill(worker.pid)
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
                worker: Worker | None = zygote.fork_worker(generation)
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

    def _offer(self, waiter: _Waiter, worker: Worker | None) -> bool:
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

    def _deliver(self, waiter: _Waiter, worker: Worker | None) -> None:
        """On the waiter's event loop: complete its future, or give the worker back if it left."""
        assert waiter.future is not None
        if waiter.future.done():
            if worker is not None:
                self._give_back(worker, reusable=True)
        else:
            waiter.future.set_result(worker)  # type: ignore[arg-type]

    def _hand_over(self, worker: Worker) -> None:
        """A free worker goes to the first waiter still waiting, else to the idle stack (``_lock`` held)."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if self._offer(waiter, worker):
                self._busy[worker.pid] = worker
                return
        self._idle.append(worker)

    def _give_back(self, worker: Worker, *, reusable: bool) -> None:
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

    def _pop_idle(self) -> Worker | None:
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

    def _worker_died(self, worker: Worker) -> None:
        """On the event loop: an idle worker's socket closed (killed from outside): drop and replace it."""
        with self._lock:
            if worker in self._idle:
                self._idle.remove(worker)
                if worker.generation == self._generation:
                    self._live -= 1
                self._top_up()
        worker.kill()

    def _take_nowait(self) -> Worker | None:
        with self._lock:
            if self._closed:
                raise StoreError("the query workers are shut down")
            worker = self._pop_idle()
            if len(self._idle) < self._pool_size:
                self._top_up()
            return worker

    def _enqueue(self, waiter: _Waiter) -> Worker | None:
        """Wait in line for a worker, unless one became free meanwhile."""
        with self._lock:
            worker = self._pop_idle()
            if worker is not None:
                return worker
            self._waiters.append(waiter)
            self._top_up()
            return None

    def _leave(self, waiter: _Waiter) -> Worker | None:
        """Stop waiting; returns the worker if one was handed over meanwhile."""
        with self._lock:
            if waiter.worker is None:
                waiter.cancelled = True
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
            return waiter.worker

    def _busy_error(self) -> WorkersBusy:
        return WorkersBusy(f"all {self._max_workers} query workers stayed busy for {self.timeout:g} s (THCM_MAX_WORKERS); try again later")

    async def _take(self) -> Worker:
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

    def _take_blocking(self) -> Worker:
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
            fresh = Zygote(Publication(directory, read_manifest(directory)), max_bytes=self._max_bytes, timeout=self.timeout)
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
        frame = request_frame(request)
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
            worker.cpu = header.get("c", worker.cpu)
            reusable = True
        except OSError:  # the worker's socket broke: the process is gone
            raise lost(worker) from None
        finally:
            worker.pending = None
            if demote is not None:
                demote.cancel()
            if expire is not None:
                expire.cancel()
            if not reusable:
                worker.kill()  # timed out, client gone, cancelled or dead: stop the computation now
            self._give_back(worker, reusable=reusable)
        return to_answer(header, body, worker.publication.build_id, started)

    def _long_running(self, loop: asyncio.AbstractEventLoop, worker: Worker, done: asyncio.Future[Any],
                      gone: Callable[[], Awaitable[bool]] | None) -> None:
        """After 0.3 s: watch for the client going away, and demote the worker once the query is CPU-heavy."""
        if done.done():
            return
        self._demote_when_busy(loop, worker, done)
        if gone is not None:
            watch = loop.create_task(_watch(gone, done))
            done.add_done_callback(lambda _: watch.cancel())

    def _demote_when_busy(self, loop: asyncio.AbstractEventLoop, worker: Worker, done: asyncio.Future[Any]) -> None:
        if not done.done() and not _demote_if_busy(worker):  # waiting for a core, not computing much: look again
            loop.call_later(GONE_POLL, self._demote_when_busy, loop, worker, done)

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
        frame = request_frame(request)
        worker = self._take_blocking()
        sock = worker.sock
        deadline = time.monotonic() + self.timeout
        demote_at = time.monotonic() + DEPRIORITISE_AFTER
        reusable = False
        try:
            sock.settimeout(self.timeout)
            sock.sendall(frame)
            data = bytearray()
            wanted = LENGTHS.size
            while len(data) < wanted:
                now = time.monotonic()
                if now >= deadline:
                    raise _timeout_error(self.timeout)
                if demote_at and now >= demote_at:
                    demote_at = 0.0 if _demote_if_busy(worker) else now + GONE_POLL
                sock.settimeout(min(deadline, demote_at or deadline) - now)
                try:
                    chunk = sock.recv(1 << 18)
                except TimeoutError:
                    continue  # the loop decides: demote, or give up at the deadline
                if not chunk:
                    raise lost(worker)
                data += chunk
                if wanted == LENGTHS.size and len(data) >= wanted:
                    head_length, body_length = LENGTHS.unpack_from(data)
                    wanted += head_length + body_length
            head_end = LENGTHS.size + LENGTHS.unpack_from(data)[0]
            header = json.loads(bytes(data[LENGTHS.size:head_end]))
            body = bytes(data[head_end:wanted])
            worker.cpu = header.get("c", worker.cpu)
            reusable = True
        except (BrokenPipeError, ConnectionResetError):
            raise lost(worker) from None
        finally:
            if reusable:
                sock.setblocking(False)
            else:
                worker.kill()
            self._give_back(worker, reusable=reusable)
        return to_answer(header, body, worker.publication.build_id, started)


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
