"""A VoID description of the published store, computed from the data (VoID, W3C Interest Group
Note 2011-03-03, https://www.w3.org/TR/void/).

- §4.6 statistics: ``void:triples``, ``void:entities`` (resources in ``void:uriSpace``),
  ``void:distinctSubjects``/``Objects``, ``void:properties``, ``void:classes``;
- §4.6 class and property partitions (``void:classPartition``, ``void:propertyPartition``);
- §5 linksets to NUTS, NACE Rev. 2 and external identifier spaces (only those with links);
- §4.1/§4.2 access: ``void:sparqlEndpoint``, ``void:dataDump`` per download format;
- §4.5 ``void:vocabulary`` for every namespace whose terms are used;
- one ``void:subset`` per named graph with its triple count.

Counts come from the SPARQL queries ``void-*.rq`` over the default graph, which is the union of
the named graphs, so a triple stated in two graphs counts once in the totals.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, VOID, XSD

from ..namespaces import PREFIXES
from ..queries import select
from ..store import Publication, Store
from .formats import FORMATS
from .identifiers import DATASET, URI_SPACE, ServiceUrls

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Target:
    """Another dataset the data links to (a VoID §5 linkset target)."""

    key: str
    title: str
    uri_space: str
    homepage: str


#: Link targets, by URI space. NUTS and NACE Rev. 2 are the EU Publications Office datasets.
TARGETS: tuple[Target, ...] = (
    Target("nuts", "NUTS – Nomenclature of territorial units for statistics", "http://data.europa.eu/nuts/",
           "https://ec.europa.eu/eurostat/web/nuts"),
    Target("nace2", "NACE Rev. 2 – Statistical classification of economic activities", "http://data.europa.eu/ux2/nace2/",
           "https://ec.europa.eu/eurostat/web/nace"),
    Target("wikidata", "Wikidata", "http://www.wikidata.org/entity/", "https://www.wikidata.org/"),
    Target("ror", "Research Organization Registry (ROR)", "https://ror.org/", "https://ror.org/"),
    Target("gnd", "Gemeinsame Normdatei (GND)", "https://d-nb.info/gnd/", "https://www.dnb.de/gnd"),
    Target("cordis", "CORDIS", "https://cordis.europa.eu/", "https://cordis.europa.eu/"),
)


@dataclass(frozen=True)
class Linkset:
    target: Target
    predicate: str
    triples: int


@dataclass(frozen=True)
class VoidStatistics:
    """What the queries counted."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    properties: int
    classes: tuple[tuple[str, int], ...]  #: (class, instances)
    property_partitions: tuple[tuple[str, int, int, int], ...]  #: (property, triples, subjects, objects)
    linksets: tuple[Linkset, ...]
    graphs: tuple[tuple[str, int], ...]  #: (named graph, triples)


def _int(term: object) -> int:
    return int(str(term))



def collect(store: Store) -> VoidStatistics:
    """Count everything VoID describes (several queries over the union of the named graphs)."""
    totals = select(store, "void-totals", uriSpace=URI_SPACE).as_dicts()
    row = totals[0] if totals else {}
    classes = tuple((str(r["class"]), _int(r["entities"])) for r in select(store, "void-classes").as_dicts())
    partitions = tuple(
        (str(r["property"]), _int(r["triples"]), _int(r["distinctSubjects"]), _int(r["distinctObjects"]))
        for r in select(store, "void-properties").as_dicts()
    )
    linksets = []
    for target in TARGETS:
        for r in select(store, "void-linkset", space=target.uri_space).as_dicts():
            linksets.append(Linkset(target, str(r["property"]), _int(r["triples"])))
    return VoidStatistics(
        triples=_int(row.get("triples", 0)),
        entities=_int(row.get("entities", 0)),
        distinct_subjects=_int(row.get("distinctSubjects", 0)),
        distinct_objects=_int(row.get("distinctObjects", 0)),
        properties=_int(row.get("properties", 0)),
        classes=classes,
        property_partitions=partitions,
        linksets=tuple(linksets),
        graphs=tuple((g, store.count(g)) for g in store.named_graphs()),
    )


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _slug(iri: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]).strip("-").lower()


def describe(stats: VoidStatistics, publication: Publication, urls: ServiceUrls) -> Graph:
    """The VoID description as an rdflib graph (small: one node per class, property, linkset)."""
    g = Graph()
    for prefix, ns in {**PREFIXES, "void": str(VOID), "sd": SD}.items():
        g.bind(prefix, ns)
    ds = URIRef(DATASET)
    created = Literal(str(publication.manifest["created"]), datatype=XSD.dateTime)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal("Thüringer Innovationsökosystem – Wissensgraph", lang="de")))
    g.add((ds, DCTERMS.title, Literal("Thuringian innovation ecosystem – knowledge graph", lang="en")))
    g.add((ds, DCTERMS.modified, created))
    g.add((ds, DCTERMS.identifier, Literal(publication.build_id)))
    g.add((ds, FOAF.homepage, URIRef(urls.home)))
    g.add((ds, VOID.uriSpace, Literal(URI_SPACE)))
    g.add((ds, VOID.exampleResource, URIRef(URI_SPACE + "org/thcm")))
    g.add((ds, VOID.sparqlEndpoint, URIRef(urls.sparql)))
    for fmt in FORMATS.values():
        g.add((ds, VOID.dataDump, URIRef(urls.download(fmt.filename))))
    for feature in ("N-Quads", "TriG", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        g.add((ds, VOID.feature, URIRef(FORMATS_NS + feature)))
    for predicate, value in (
        (VOID.triples, stats.triples), (VOID.entities, stats.entities), (VOID.distinctSubjects, stats.distinct_subjects),
        (VOID.distinctObjects, stats.distinct_objects), (VOID.properties, stats.properties), (VOID.classes, len(stats.classes)),
    ):
        g.add((ds, predicate, Literal(value, datatype=XSD.integer)))
    vocabularies = {_namespace(c) for c, _ in stats.classes} | {_namespace(p) for p, *_ in stats.property_partitions}
    for ns in sorted(vocabularies):
        g.add((ds, VOID.vocabulary, URIRef(ns)))
    for cls, entities in stats.classes:
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(entities, datatype=XSD.integer)))
    for prop, triples, subjects, objects in stats.property_partitions:
        part = BNode()
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(triples, datatype=XSD.integer)))
        g.add((part, VOID.distinctSubjects, Literal(subjects, datatype=XSD.integer)))
        g.add((part, VOID.distinctObjects, Literal(objects, datatype=XSD.integer)))
    for graph, triples in stats.graphs:
        subset = URIRef(f"{DATASET}/graph/{graph.rsplit('/', 1)[-1]}")
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, URIRef(SD + "name"), URIRef(graph)))
        g.add((subset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    for target in {ls.target for ls in stats.linksets}:
        t = URIRef(f"{DATASET}/target/{target.key}")
        g.add((t, RDF.type, VOID.Dataset))
        g.add((t, DCTERMS.title, Literal(target.title, lang="en")))
        g.add((t, VOID.uriSpace, Literal(target.uri_space)))
        g.add((t, FOAF.homepage, URIRef(target.homepage)))
    for ls in stats.linksets:
        node = URIRef(f"{DATASET}/linkset/{ls.target.key}-{_slug(ls.predicate)}")
        g.add((ds, VOID.subset, node))
        g.add((node, RDF.type, VOID.Linkset))
        g.add((node, VOID.subjectsTarget, ds))
        g.add((node, VOID.objectsTarget, URIRef(f"{DATASET}/target/{ls.target.key}")))
        g.add((node, VOID.linkPredicate, URIRef(ls.predicate)))
        g.add((node, VOID.triples, Literal(ls.triples, datatype=XSD.integer)))
    return g


def void_graph(store: Store, publication: Publication, urls: ServiceUrls) -> Graph:
    """Collect the statistics and describe them (what ``thcm void`` and ``/.well-known/void`` serve)."""
    return describe(collect(store), publication, urls)
