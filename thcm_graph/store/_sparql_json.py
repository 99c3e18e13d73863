"""SPARQL 1.1 Query Results JSON (W3C Recommendation, 2013) → neutral results."""

from __future__ import annotations

import json
from typing import Any

from rdflib.term import BNode, Literal, URIRef

from .results import AskResult, SelectResult, Term


def _term(value: dict[str, Any]) -> Term:
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return Literal(value["value"], lang=value["xml:lang"])
        datatype = value.get("datatype")
        return Literal(value["value"], datatype=URIRef(datatype) if datatype else None)
    raise ValueError(f"unsupported term type {kind!r} in SPARQL JSON results")


def parse_results_json(body: bytes) -> SelectResult | AskResult:
    """Parse a SPARQL JSON document (§3 of the spec) into a SelectResult or AskResult."""
    document = json.loads(body)
    if "boolean" in document:
        return AskResult(bool(document["boolean"]))
    variables = tuple(document["head"].get("vars", []))
    rows = [
        tuple(_term(binding[v]) if v in binding else None for v in variables)
        for binding in document["results"]["bindings"]
    ]
    return SelectResult(variables, rows)
