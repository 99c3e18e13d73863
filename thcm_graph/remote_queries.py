"""The query runner of the API when ``THCM_STORE`` is a SPARQL server.

It has the interface of :class:`~thcm_graph.workers.QueryWorkers` (``run``, ``run_sync``,
``current``, ``refresh``, ``close``; see :class:`~thcm_graph.workers.QueryRunner`) but, instead
of forking a worker per query, forwards each query to the server (SPARQL 1.1 Protocol §2.1)
with the per-query time limit, on both sides: the request carries it to the server (Virtuoso's
``timeout`` parameter, :data:`~thcm_graph.store.remote.SERVER_TIME_LIMIT`), which stops the
evaluation there, and the HTTP client gives up shortly after. A Virtuoso "anytime" partial answer
is refused as a timeout, never passed on.

:meth:`RemoteQueries.run` (the API's path) forwards with an asyncio HTTP client, so a request
whose client goes away is cancelled and its upstream connection closed at once; Virtuoso notices
the closed connection and stops evaluating within a few seconds (measured, tests/test_limits.py).
Forwarding through SPARQLWrapper in a thread (:meth:`run_sync`) cannot be cancelled: the request
would run on until the time limit. The library store keeps SPARQLWrapper.

The build being served is the pointer in the server's registry graph, re-read at most every
``THCM_RELOAD_INTERVAL`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from .config import Settings
from .errors import QueryTimeout, StoreError, StoreUnavailable
from .store import Publication, Store, open_remote, remote_publication
from .store.remote import RemoteResult, answer_of, dataset
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
        self._async_slots = asyncio.Semaphore(settings.max_workers)
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
            try:
                raw = self.store.query_raw(
                    request.sparql,
                    bindings=dict(request.bindings),
                    default_graph=request.default_graph,
                    named_graphs=request.named_graphs,
                    base_iri=request.base_iri,
                    timeout=self.timeout,
                )
            except QueryTimeout:
                raise QueryTimeout(self._timeout_message()) from None
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
        """As :meth:`run_sync`, with a cancellable HTTP request: if ``gone()`` turns true (the
        client went away) or this coroutine is cancelled, the connection to the server is closed at
        once, which stops the server's evaluation (:class:`ClientGone`)."""
        work: asyncio.Future[QueryAnswer] = asyncio.ensure_future(self._run(request))
        if gone is None:
            return await work
        watch: asyncio.Future[None] = asyncio.ensure_future(_until(gone))
        both: set[asyncio.Future[Any]] = {work, watch}
        try:
            done, _ = await asyncio.wait(both, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            work.cancel()
            raise
        finally:
            watch.cancel()
        if work not in done:
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await work
            raise ClientGone("the client went away; the request to the SPARQL server was closed, which stops its evaluation")
        return work.result()

    @property
    def worker_pids(self) -> dict[str, list[int]]:
        """No worker processes here: the SPARQL server evaluates."""
        return {"idle": [], "busy": []}

    async def _run(self, request: QueryRequest) -> QueryAnswer:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(self._async_slots.acquire(), self.timeout)
        except TimeoutError:
            raise WorkersBusy(f"all {self.timeout:g} s query slots stayed busy; try again later") from None
        with self._count_lock:
            self._running += 1
        try:
            publication = await asyncio.to_thread(self.current)
            raw, build_id = await self._forward(request)
            fmt = request.formats.get(raw.kind)
            body = await asyncio.to_thread(raw.serialize, fmt) if fmt is not None else b""  # off the event loop
            if len(body) > self._max_bytes:
                raise ResultTooLarge(
                    f"the result is larger than the limit of {self._max_bytes:,} bytes (THCM_MAX_RESULT_BYTES); add a LIMIT"
                )
            return QueryAnswer(raw.kind, fmt, body, build_id or publication.build_id, time.perf_counter() - started)
        finally:
            with self._count_lock:
                self._running -= 1
            self._async_slots.release()

    async def _forward(self, request: QueryRequest) -> tuple[RemoteResult, str | None]:
        """(the answer, the id of the build that answered it): the query on the server, answered
        only if no build switch overlapped it (as :meth:`RemoteSparqlStore.query_raw`)."""
        store, url = self.store, self.store.endpoints.query
        text, kind = store.prepare_query(request.sparql, bindings=dict(request.bindings), base_iri=request.base_iri)
        deadline = time.monotonic() + self.timeout
        pause = 0.05
        auth = httpx.DigestAuth(store.endpoints.user, store.endpoints.password or "") if store.endpoints.user else None
        # the client waits a little longer than the server's limit, so that the server's answer
        # (a partial result to refuse, or an error) arrives rather than our own give-up
        limits = httpx.Timeout(self.timeout + 2.0, connect=min(self.timeout, 10.0))
        async with httpx.AsyncClient(auth=auth, timeout=limits) as client:
            while True:
                view = await asyncio.to_thread(store.view)
                if not view.switching:
                    default, named = dataset(view, request.default_graph, request.named_graphs)
                    remaining = max(deadline - time.monotonic(), 0.001)
                    fields, headers = store.form(text, kind=kind, default_graph=default, named_graphs=named, timeout=remaining)
                    try:
                        response = await client.post(url, data=dict_of_lists(fields), headers=headers)
                    except httpx.TimeoutException:
                        raise QueryTimeout(self._timeout_message()) from None
                    except httpx.TransportError as exc:
                        raise StoreUnavailable(f"the SPARQL server at {url} cannot be reached: {exc}") from None
                    try:
                        body = answer_of(response.status_code, response.headers, response.content, url, text)
                    except QueryTimeout:
                        raise QueryTimeout(self._timeout_message()) from None
                    if await asyncio.to_thread(store.pointer) == (view.node, False):
                        return RemoteResult(kind, body), (view.manifest or {}).get("build_id")
                if time.monotonic() + pause > deadline:
                    raise StoreUnavailable(f"a new build is being switched in at {url}; try again in a moment")
                await asyncio.sleep(pause)
                pause = min(pause * 2, 1.0)

    def _timeout_message(self) -> str:
        return (f"the query ran longer than {self.timeout:g} s (THCM_QUERY_TIMEOUT) and was stopped "
                f"(the server {self.store.endpoints.query} stops it at the same limit)")

    def close(self) -> None:
        self.store.close()


async def _until(gone: Callable[[], Awaitable[bool]]) -> None:
    while not await gone():
        await asyncio.sleep(0.1)


def dict_of_lists(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form fields as httpx takes repeated names (``default-graph-uri`` may occur several times)."""
    form: dict[str, list[str]] = {}
    for name, value in fields:
        form.setdefault(name, []).append(value)
    return form
