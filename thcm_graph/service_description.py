"""The SPARQL 1.1 Service Description of the endpoint (W3C Recommendation, 2013).

Served at ``GET /sparql`` without a query: what the endpoint speaks (language, result formats,
features) and its default dataset with the size of every named graph.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")

#: Our format names → the W3C format IRIs (https://www.w3.org/ns/formats/).
FORMAT_IRIS = {
    "json": FORMATS.SPARQL_Results_JSON,
    "xml": FORMATS.SPARQL_Results_XML,
    "csv": FORMATS.SPARQL_Results_CSV,
    "tsv": FORMATS.SPARQL_Results_TSV,
    "turtle": FORMATS.Turtle,
    "ntriples": FORMATS["N-Triples"],
    "nquads": FORMATS["N-Quads"],
    "trig": FORMATS.TriG,
    "rdfxml": FORMATS.RDF_XML,
    "jsonld": FORMATS["JSON-LD"],
}


def describe_service(
    endpoint: str, graphs: Mapping[str, int], *, update_enabled: bool, union_triples: int | None = None
) -> Graph:
    """The service description of ``endpoint`` serving ``graphs`` (named graph IRI → triples)."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if update_enabled:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for iri in FORMAT_IRIS.values():
        g.add((service, SD.resultFormat, iri))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    dataset = BNode("dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode("default")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    if union_triples is not None:
        g.add((default, VOID.triples, Literal(union_triples, datatype=XSD.integer)))
    for name, triples in sorted(graphs.items()):
        named, graph = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(triples, datatype=XSD.integer)))
    return g
