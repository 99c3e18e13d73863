"""Named SPARQL queries: the ``.rq`` files in ``thcm_graph/queries/``, loaded by name.

Queries take their parameters as pre-bound variables (``Store.query(..., bindings=...)``), never
by string formatting.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


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
