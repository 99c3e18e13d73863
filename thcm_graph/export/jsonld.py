"""JSON-LD with the project's context (``ontology/context.jsonld``): compaction and framing.

Compaction and framing use pyld (the JSON-LD 1.1 API, https://www.w3.org/TR/json-ld11-api/ and
https://www.w3.org/TR/json-ld11-framing/). The context is always passed inline and the document
loader refuses every URL, so nothing is fetched at run time.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

from ..errors import ConfigError, InputError

JsonLd = dict[str, Any]


def _no_network(url: str, options: dict[str, Any] | None = None) -> Any:
    raise InputError(f"JSON-LD processing tried to load {url!r}; thcm-graph never fetches contexts (pass them inline)")


_OPTIONS: dict[str, Any] = {"documentLoader": _no_network}


@cache
def _read_context(path: str) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"the JSON-LD context {path} is missing (THCM_ONTOLOGY_DIR must hold context.jsonld)") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"the JSON-LD context {path} is not valid JSON: {exc}") from None
    return dict(document["@context"])


def load_context(ontology_dir: Path) -> dict[str, Any]:
    """The ``@context`` object of ``<ontology_dir>/context.jsonld`` (read once per path)."""
    return _read_context(str((ontology_dir / "context.jsonld").resolve()))


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def types_as_keyword(expanded: Any) -> Any:
    """Move ``rdf:type`` statements into ``@type``, in place (as JSON-LD's fromRdf does).

    pyoxigraph writes types as an ``rdf:type`` property; framing by ``@type`` and readable
    compaction need the keyword. Values that are not IRIs or blank nodes stay as they are.
    """
    nodes = expanded if isinstance(expanded, list) else [expanded]
    for node in nodes:
        if not isinstance(node, dict):
            continue
        if "@graph" in node:
            types_as_keyword(node["@graph"])
        values = node.get(RDF_TYPE)
        if values and all(isinstance(v, dict) and set(v) == {"@id"} for v in values):
            node["@type"] = [*node.get("@type", []), *(v["@id"] for v in values)]
            del node[RDF_TYPE]
    return expanded


def compact(expanded: Any, context: dict[str, Any]) -> JsonLd:
    """Compact expanded JSON-LD (e.g. pyoxigraph's output) with ``context``, inlined."""
    return dict(jsonld.compact(expanded, {"@context": context}, _OPTIONS))


def frame(expanded: Any, frame_document: JsonLd) -> JsonLd:
    """Frame expanded JSON-LD with ``frame_document`` (which carries its own inline context)."""
    return dict(jsonld.frame(expanded, frame_document, {**_OPTIONS, "omitGraph": False}))
