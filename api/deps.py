"""Request dependencies: how a route gets the store and the build it answers from."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from thcm_graph.store import Publication, Store
from thcm_graph.workers import WorkerStore


def current_store(request: Request) -> tuple[Store, Publication]:
    """A store answering from the build being served (each query in a killable worker), and that build."""
    workers = request.app.state.workers
    return WorkerStore(workers), workers.current()


StoreDep = Annotated[tuple[Store, Publication], Depends(current_store)]
