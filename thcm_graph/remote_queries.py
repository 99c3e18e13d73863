"""The query runner of the API when ``THCM_STORE`` is a SPARQL server.

It has the interface of :class:`~thcm_graph.workers.QueryWorkers` (``run``, ``run_sync``,
``current``, ``refresh``, ``close``; see :class:`~thcm_graph.workers.QueryRunner`) but, instead
of forking a worker per query, forwards each query to the server (SPARQL 1.1 Protocol §2.1)
with the per-query time limit: the HTTP client gives up after ``THCM_QUERY_TIMEOUT`` seconds,
and the server's own limit (Virtuoso: ``[SPARQL] MaxQueryExecutionTime``) stops the evaluation
there; a Virtuoso "anytime" partial answer is refused as a timeout, never passed on.

The build being served is the pointer in the server's registry graph, re-read at most every
``THCM_RELOAD_INTERVAL`` seconds.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .config import Settings
from .errors import StoreError
from .store import Publication, Store, open_remote, remote_publication
from .workers import ClientGone, QueryAnswer, QueryRequest, ResultTooLarge, WorkersBusy


class RemoteQueries:
    """Forwards the endpoint's queries to the SPARQL server, with limits."""

    def __init__(self, settings: Settings) -> None:
        self.timeout = settings.query_timeout
        self.store = open_remote(settings, timeout=settings.query_timeout)
        self.exports_store = open_remote(settings, timeout=max(settings.query_timeout, 600.0))
        self._max_bytes = settings.max_result_bytes
        self._reload_interval = settings.reload_interval
        self._slots = threading.BoundedSemaphore(settings.max_workers)
        self._running = 0
        self._count_lock = threading.Lock()
        self.last_error: str | None = None
        self.zygote_pid: int | None = None  # no worker processes: the server evaluates
        self._publication = remote_publication(self.store)
        self._checked = time.monotonic()

    @property
    def running(self) -> int:
        return self._running

    def current(self) -> Publication:
        """The build the server holds now (re-read at most every reload interval)."""
        if time.monotonic() - self._checked >= self._reload_interval:
            self.refresh()
        return self._publication

    def refresh(self) -> Publication:
        self._checked = time.monotonic()
        try:
            self._publication = remote_publication(self.store)
            self.last_error = None
        except StoreError as exc:
            self.last_error = str(exc)  # keep answering with what we know
        return self._publication

    def reader(self) -> Store:
        """The store routes read with (each query under the time limit)."""
        return self.store

    def run_sync(self, request: QueryRequest) -> QueryAnswer:
        started = time.perf_counter()
        if not self._slots.acquire(timeout=self.timeout):
            raise WorkersBusy(f"all {self.timeout:g} s query slots stayed busy; try again later")
        with self._count_lock:
            self._running += 1
        try:
            publication = self.current()
            raw = self.store.query_raw(
                request.sparql,
                bindings=dict(request.bindings),
                default_graph=request.default_graph,
                named_graphs=request.named_graphs,
                base_iri=request.base_iri,
                timeout=self.timeout,
            )
            fmt = request.formats.get(raw.kind)
            body = raw.serialize(fmt) if fmt is not None else b""
            if len(body) > self._max_bytes:
                raise ResultTooLarge(
                    f"the result is larger than the limit of {self._max_bytes:,} bytes (THCM_MAX_RESULT_BYTES); add a LIMIT"
                )
            return QueryAnswer(raw.kind, fmt, body, publication.build_id, time.perf_counter() - started)
        finally:
            with self._count_lock:
                self._running -= 1
            self._slots.release()

    async def run(self, request: QueryRequest, *, gone: Callable[[], Awaitable[bool]] | None = None) -> QueryAnswer:
        """As :meth:`run_sync`, in a thread. If ``gone()`` turns true first, :class:`ClientGone` is
        raised at once; the server's own limit stops its evaluation."""
        work = asyncio.get_running_loop().run_in_executor(None, self.run_sync, request)
        if gone is None:
            return await work
        watch: asyncio.Future[None] = asyncio.ensure_future(_until(gone))
        both: set[asyncio.Future[Any]] = {work, watch}
        try:
            done, _ = await asyncio.wait(both, return_when=asyncio.FIRST_COMPLETED)
        finally:
            watch.cancel()
        if work not in done:
            raise ClientGone("the client went away; the SPARQL server's own time limit stops the evaluation")
        return work.result()

    @property
    def worker_pids(self) -> dict[str, list[int]]:
        """No worker processes here: the SPARQL server evaluates."""
        return {"idle": [], "busy": []}

    def close(self) -> None:
        self.store.close()


async def _until(gone: Callable[[], Awaitable[bool]]) -> None:
    while not await gone():
        await asyncio.sleep(0.1)
