"""Named SPARQL queries: the ``.rq`` files in ``thcm_graph/queries/``, loaded by name.

Queries take their parameters as pre-bound variables (``Store.query(..., bindings=...)``), never
by string formatting.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from rdflib import URIRef

from .store.results import SelectResult

if TYPE_CHECKING:
    from .store.base import Store


@cache
def load_query(name: str) -> str:
    """The text of ``queries/<name>.rq``.

    >>> "rdfs:subClassOf" in load_query("entail-subclass")
    True
    """
    try:
        return resources.files(__package__).joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyError(f"no query named {name!r}; known: {', '.join(query_names())}") from None


def query_names() -> list[str]:
    """Names of all bundled queries."""
    folder = resources.files(__package__).joinpath("queries")
    return sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".rq"))


def select(store: Store, name: str, **iris: str) -> SelectResult:
    """Run the named SELECT query ``queries/<name>.rq`` with IRIs bound to variables.

    >>> from thcm_graph.store import OxigraphStore
    >>> len(select(OxigraphStore.in_memory(), "instances-per-class"))
    0
    """
    result = store.query(load_query(name), bindings={k: URIRef(v) for k, v in iris.items()} or None)
    if not isinstance(result, SelectResult):
        raise TypeError(f"{name}.rq must be a SELECT query")
    return result
