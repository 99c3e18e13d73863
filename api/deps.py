"""Request dependencies: how a route gets the store and the build it answers from."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, Request

from thcm_graph.remote_queries import RemoteQueries
from thcm_graph.store import Publication, Store, open_publication
from thcm_graph.workers import QueryRunner

_opening = threading.Lock()


def current_store(request: Request) -> tuple[Store, Publication]:
    """A store answering from the build being served (each query in a killable worker), and that build."""
    workers: QueryRunner = request.app.state.workers
    return workers.reader(), workers.current()


def published_store(request: Request) -> tuple[Store, Publication]:
    """The served build's store on disk, opened read-only in this process.

    For work that reads the whole build — dumps, VoID and DCAT counts — and must not be cut off
    by the per-query time limit. Opened once per build and shared by the requests.
    """
    workers = request.app.state.workers
    if isinstance(workers, RemoteQueries):  # the server holds the build: read it there, with a long limit
        return workers.exports_store, workers.current()
    publication = workers.current()
    with _opening:
        cached = getattr(request.app.state, "published_store", None)
        if cached is None or cached[1].build_id != publication.build_id:
            cached = (open_publication(publication, in_memory=False), publication)
            request.app.state.published_store = cached
    return cached


StoreDep = Annotated[tuple[Store, Publication], Depends(current_store)]
PublishedStoreDep = Annotated[tuple[Store, Publication], Depends(published_store)]
