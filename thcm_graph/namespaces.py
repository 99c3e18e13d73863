"""IRIs and prefixes the code uses (the vocabulary contract of DESIGN.md §2); nothing else."""

from __future__ import annotations

from typing import Final

ONTOLOGY_NS: Final = "https://w3id.org/thcm/ontology#"
ONTOLOGY_IRI: Final = "https://w3id.org/thcm/ontology"
ID_NS: Final = "https://w3id.org/thcm/id/"
GRAPH_NS: Final = "https://w3id.org/thcm/graph/"

ONTOLOGY_GRAPH: Final = GRAPH_NS + "ontology"
INFERRED_GRAPH: Final = GRAPH_NS + "inferred"

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
ORG: Final = "http://www.w3.org/ns/org#"
PROV: Final = "http://www.w3.org/ns/prov#"
DCT: Final = "http://purl.org/dc/terms/"
DCAT: Final = "http://www.w3.org/ns/dcat#"
VOID: Final = "http://rdfs.org/ns/void#"
QB: Final = "http://purl.org/linked-data/cube#"
SH: Final = "http://www.w3.org/ns/shacl#"
SCHEMA: Final = "https://schema.org/"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
LOCN: Final = "http://www.w3.org/ns/locn#"
EURIO: Final = "http://data.europa.eu/s66#"
NUTS: Final = "http://data.europa.eu/nuts/code/"
SDMX_ATTRIBUTE: Final = "http://purl.org/linked-data/sdmx/2009/attribute#"
SDMX_DIMENSION: Final = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_MEASURE: Final = "http://purl.org/linked-data/sdmx/2009/measure#"

#: Prefixes offered to every query (``thcm query``, the SPARQL endpoint) and used in output.
PREFIXES: Final[dict[str, str]] = {
    "thcm": ONTOLOGY_NS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "org": ORG,
    "prov": PROV,
    "dct": DCT,
    "dcat": DCAT,
    "void": VOID,
    "qb": QB,
    "schema": SCHEMA,
    "foaf": FOAF,
    "locn": LOCN,
    "eurio": EURIO,
    "nuts": NUTS,
    "sdmx-attribute": SDMX_ATTRIBUTE,
    "sdmx-dimension": SDMX_DIMENSION,
    "sdmx-measure": SDMX_MEASURE,
    "sh": SH,
}


#: Prefixes every query may use without declaring them (as Virtuoso and others do); a query's own
#: PREFIX declarations take precedence.
QUERY_PREFIXES: Final[dict[str, str]] = {**PREFIXES, "id": ID_NS}


def graph_iri(name: str) -> str:
    """The named-graph IRI for a graph name, e.g. ``graph_iri("thcm-brochure-2012")``."""
    return GRAPH_NS + name
