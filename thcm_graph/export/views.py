"""Framed JSON-LD views for consumers that read JSON, not RDF: one tree per actor or field.

JSON-LD 1.1 Framing (https://www.w3.org/TR/json-ld11-framing/) shapes the graph into a list of
objects of one type, with their sites and addresses (actors) or their scheme (fields) embedded,
and the project's context, so keys read ``prefLabel``, ``memberOf``, ``homepage``.
The view's triples are a ``CONSTRUCT`` (``view-<name>.rq``) over the union of the named graphs.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import InputError
from ..queries import load_query
from ..store import Store
from .jsonld import frame, types_as_keyword

_EMBED = {"@embed": "@always", "@omitDefault": True}
#: view name → (query, frame without its context). Top-level objects are the instances of the
#: type; other resources stay references ("@never"), except the parts embedded explicitly.
VIEWS: dict[str, tuple[str, dict[str, Any]]] = {
    "actors": ("view-actors", {"@type": "Organization", "@embed": "@never",
                               "hasSite": {**_EMBED, "siteAddress": _EMBED}}),
    "fields": ("view-fields", {"@type": "FieldOfSpecialisation", "@embed": "@never", "inScheme": _EMBED}),
}


def framed_view(store: Store, name: str, context: dict[str, Any]) -> dict[str, Any]:
    """The framed JSON-LD document of view ``name`` ("actors" or "fields")."""
    try:
        query, frame_document = VIEWS[name]
    except KeyError:
        raise InputError(f"unknown view {name!r}; the views are {', '.join(VIEWS)}") from None
    raw = store.query_raw(load_query(query))
    expanded = types_as_keyword(json.loads(raw.serialize("jsonld") or b"[]"))
    return frame(expanded, {"@context": context, **frame_document})


def framed_view_bytes(store: Store, name: str, context: dict[str, Any]) -> bytes:
    """:func:`framed_view` as UTF-8 JSON text."""
    return json.dumps(framed_view(store, name, context), ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
