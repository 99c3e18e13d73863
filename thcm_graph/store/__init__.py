"""The store interface and the factory every caller gets its store from."""

from __future__ import annotations

from ..config import Settings
from .base import Capabilities, Store
from .oxigraph import OxigraphStore
from .published import Publication, StateLayout, current_publication, open_publication
from .results import RDF_FORMATS, RESULT_FORMATS, AskResult, GraphResult, QueryResult, RawResult, SelectResult, Term

__all__ = [
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "AskResult",
    "Capabilities",
    "GraphResult",
    "OxigraphStore",
    "Publication",
    "QueryResult",
    "RawResult",
    "SelectResult",
    "StateLayout",
    "Store",
    "Term",
    "current_publication",
    "open_publication",
    "open_published",
]


def open_published(settings: Settings, *, in_memory: bool | None = None) -> tuple[Store, Publication]:
    """Open the store of the current published build, as configured (``THCM_STORE``).

    ``in_memory`` defaults to ``settings.serve_in_memory``; the CLI passes False for one-off
    queries, which do not gain from copying the store first.
    """
    publication = current_publication(settings.state_path)
    memory = settings.serve_in_memory if in_memory is None else in_memory
    return open_publication(publication, in_memory=memory), publication

