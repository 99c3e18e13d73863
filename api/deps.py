"""Request dependencies: how a route gets the store and the build it answers from."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from thcm_graph.store import Publication, Store


def current_store(request: Request) -> tuple[Store, Publication]:
    """The store of the build being served, and that build (switches when a new build is published)."""
    store, publication = request.app.state.provider.get()
    return store, publication


StoreDep = Annotated[tuple[Store, Publication], Depends(current_store)]
