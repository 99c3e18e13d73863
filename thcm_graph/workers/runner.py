"""The interface the API answers queries through (embedded workers or a remote SPARQL server).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from ..store.published import Publication
from .messages import QueryAnswer, QueryRequest

if TYPE_CHECKING:
    from ..store.base import Store


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

