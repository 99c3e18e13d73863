"""Serialising small graphs (a resource's description) with our prefixes, and JSON-LD compacted
with the project's JSON-LD context. rdflib does this well for graphs of this size (DESIGN.md §1).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph

from .identifiers import KINDS
from .namespaces import ID_NS, PREFIXES
from .store.results import Triple

#: Our format names → rdflib serializer names.
SERIALIZERS: dict[str, str] = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld"}


def to_graph(triples: Iterable[Triple]) -> Graph:
    """An rdflib graph of ``triples`` with the project's prefixes bound (``idorg:`` etc. per kind)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for kind in KINDS:
        graph.bind(f"id{kind}", f"{ID_NS}{kind}/")
    for triple in triples:
        graph.add(triple)
    return graph


def serialize(triples: Iterable[Triple], fmt: str, *, jsonld_context: dict[str, Any] | None = None) -> bytes:
    """``triples`` in ``fmt`` (a key of :data:`SERIALIZERS`); JSON-LD compacted with ``jsonld_context``."""
    graph = to_graph(triples)
    if fmt == "jsonld":
        context = jsonld_context if jsonld_context is not None else dict(PREFIXES)
        return graph.serialize(format="json-ld", context=context, auto_compact=True).encode("utf-8")
    return graph.serialize(format=SERIALIZERS[fmt], encoding="utf-8")


@cache
def load_jsonld_context(path: Path) -> dict[str, Any] | None:
    """The ``@context`` object of a JSON-LD context file (``ontology/context.jsonld``), or None if absent."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    context = document.get("@context")
    return context if isinstance(context, dict) else None
