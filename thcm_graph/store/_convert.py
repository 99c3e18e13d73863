"""Term and format conversion between pyoxigraph and the neutral types: the only place it happens."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.term import BNode, Literal, URIRef

from ..errors import InputError
from .results import RDF_FORMATS, RESULT_FORMATS, Term

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_RDF = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
assert set(_RDF) == set(RDF_FORMATS) and set(_RESULTS) == set(RESULT_FORMATS)


def rdf_format(name: str) -> ox.RdfFormat:
    """The pyoxigraph RDF format for one of :data:`RDF_FORMATS`."""
    try:
        return _RDF[name]
    except KeyError:
        raise InputError(f"unknown RDF format {name!r}; expected one of {', '.join(_RDF)}") from None


def results_format(name: str) -> ox.QueryResultsFormat:
    """The pyoxigraph results format for one of :data:`RESULT_FORMATS`."""
    try:
        return _RESULTS[name]
    except KeyError:
        raise InputError(f"unknown result format {name!r}; expected one of {', '.join(_RESULTS)}") from None


def to_neutral(term: object) -> Term:
    """pyoxigraph term → rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"RDF-star triple terms are not supported here: {term!r}")


def to_oxigraph(term: Term) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """rdflib term → pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _RDF_LANGSTRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def graph_node(iri: str | None) -> ox.NamedNode | ox.DefaultGraph:
    """A graph name, or the default graph for None."""
    return ox.DefaultGraph() if iri is None else ox.NamedNode(iri)


def parse_triples(data: bytes, fmt: str) -> list[tuple[Term, Term, Term]]:
    """Parse RDF bytes (e.g. a worker's N-Triples answer) into neutral triples."""
    return [(to_neutral(t.subject), to_neutral(t.predicate), to_neutral(t.object)) for t in ox.parse(data, format=rdf_format(fmt))]
