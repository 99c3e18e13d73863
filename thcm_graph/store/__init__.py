"""The store interface and the factory every caller gets its store from."""

from __future__ import annotations

from ..config import Settings
from ..errors import StoreNotBuilt
from .base import Capabilities, Store
from .oxigraph import OxigraphStore
from .published import Publication, StateLayout, current_publication, open_publication
from .remote import Endpoints, RemoteSparqlStore
from .results import RDF_FORMATS, RESULT_FORMATS, AskResult, GraphResult, QueryResult, RawResult, SelectResult, Term

__all__ = [
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "AskResult",
    "Capabilities",
    "Endpoints",
    "GraphResult",
    "OxigraphStore",
    "Publication",
    "QueryResult",
    "RawResult",
    "RemoteSparqlStore",
    "SelectResult",
    "StateLayout",
    "Store",
    "Term",
    "current_publication",
    "open_publication",
    "open_published",
    "open_remote",
    "remote_publication",
]


def open_remote(settings: Settings, *, timeout: float | None = None, writable: bool = False) -> RemoteSparqlStore:
    """The remote store ``THCM_STORE=sparql+http…`` names, with its update/GSP URLs and credentials."""
    password = settings.store_password.get_secret_value() if settings.store_password is not None else None
    endpoints = Endpoints(
        query=settings.store_query_url,
        update=settings.store_update_url,
        gsp=settings.store_gsp_url,
        user=settings.store_user,
        password=password,
        timeout=timeout if timeout is not None else settings.query_timeout,
    )
    return RemoteSparqlStore(endpoints, writable=writable)


def remote_publication(store: RemoteSparqlStore) -> Publication:
    """The build published on the server (the pointer in its registry graph)."""
    manifest = store.manifest()
    if manifest is None:
        raise StoreNotBuilt(f"no build has been published to {store.endpoints.query}; run `thcm build` first")
    return Publication(None, manifest, location=store.endpoints.query)


def open_published(settings: Settings, *, in_memory: bool | None = None) -> tuple[Store, Publication]:
    """Open the store of the current published build, as configured (``THCM_STORE``): the one
    factory the CLI, the build and the API get their store from.

    ``in_memory`` defaults to ``settings.serve_in_memory``; the CLI passes False for one-off
    queries, which do not gain from copying the store first.
    """
    if settings.remote_store:
        remote = open_remote(settings)
        return remote, remote_publication(remote)
    publication = current_publication(settings.state_path)
    memory = settings.serve_in_memory if in_memory is None else in_memory
    return open_publication(publication, in_memory=memory), publication

