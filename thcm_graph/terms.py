"""Showing RDF terms to people: prefixed names where a known prefix fits."""

from __future__ import annotations

from rdflib.term import BNode, Literal, URIRef

from .namespaces import ID_NS, PREFIXES

_BY_LENGTH = sorted(
    [*PREFIXES.items(), ("id", ID_NS)], key=lambda item: len(item[1]), reverse=True
)


def compact(iri: str) -> str:
    """``https://w3id.org/thcm/ontology#Agency`` → ``thcm:Agency``; unknown IRIs stay whole.

    >>> compact("http://www.w3.org/ns/org#Organization")
    'org:Organization'
    >>> compact("https://w3id.org/thcm/id/org/leg-thueringen")
    'id:org/leg-thueringen'
    """
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def show(term: object) -> str:
    """A short, readable form of a term for tables."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return compact(str(term))
    if isinstance(term, Literal):
        if term.language:
            return f"{term}@{term.language}"
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)
