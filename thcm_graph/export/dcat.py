"""A DCAT-AP 3.0.1 description of the published store (https://semiceu.github.io/DCAT-AP/releases/3.0.1/).

One Catalogue (``dcat:Catalog``) holding one Dataset (``dcat:Dataset``) with one Distribution
(``dcat:Distribution``) per download format and one for the SPARQL endpoint, which is the Data
Service (``dcat:DataService``) the catalogue also lists (DCAT-AP 3.0.1, "Main classes").
Mandatory and recommended properties are filled from the build manifest (identifier,
issued/modified) and from the data (publisher's name and telephone, temporal coverage,
keywords); the rest are the constants below.

Every object of a DCAT-AP property carries its class and label in the description itself, as the
release's ``range.ttl`` checks class membership without inference and ``shapes.ttl`` asks each
``skos:Concept`` for a ``skos:prefLabel`` (see ``shared/external/dcat-ap-3.0.1/HOW-TO-VALIDATE.md``).
Controlled values come from the EU authority tables ("Controlled vocabularies"): data themes, file types,
frequency, access rights, availability, languages, publisher types (ADMS).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from ..namespaces import ID_NS, ONTOLOGY_IRI
from ..queries import select
from ..store import Publication, Store
from .formats import FORMATS, DumpFormat
from .identifiers import CATALOG, DATASET, REGION, SPARQL_DISTRIBUTION, SPARQL_SERVICE, ServiceUrls, distribution_iri

DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; not in rdflib's closed DCAT namespace
AUTHORITY = "http://publications.europa.eu/resource/authority/"
DATA_THEME_SCHEME = AUTHORITY + "data-theme"

#: The body that publishes the dataset (an actor of the graph; its names come from the data).
PUBLISHER = ID_NS + "org/thcm"
PUBLISHER_TYPE = ("http://purl.org/adms/publishertype/RegionalAuthority", "Regional authority")
#: Licence of the data (``dct:license``; ADMS licence type "Attribution").
LICENSE = ("http://creativecommons.org/licenses/by/4.0/", "Creative Commons Attribution 4.0 International (CC BY 4.0)")
LICENSE_TYPE = ("http://purl.org/adms/licencetype/Attribution", "Attribution")
#: EU data themes (authority table "data-theme"), with the table's own de/en labels.
THEMES: dict[str, tuple[str, str]] = {
    "ECON": ("Wirtschaft und Finanzen", "Economy and finance"),
    "REGI": ("Regionen und Städte", "Regions and cities"),
    "TECH": ("Wissenschaft und Technologie", "Science and technology"),
    "GOVE": ("Regierung und öffentlicher Sektor", "Government and public sector"),
}
#: Vocabularies the data follows (Dataset dct:conformsTo), with their titles.
VOCABULARIES: dict[str, str] = {
    ONTOLOGY_IRI: "thcm-graph ontology",
    "http://www.w3.org/ns/org#": "The Organization Ontology (W3C Recommendation)",
    "http://www.w3.org/2004/02/skos/core": "SKOS Simple Knowledge Organization System (W3C Recommendation)",
    "http://www.w3.org/ns/prov#": "PROV-O: The PROV Ontology (W3C Recommendation)",
    "http://purl.org/linked-data/cube": "The RDF Data Cube Vocabulary (W3C Recommendation)",
    "http://www.w3.org/ns/locn": "ISA Programme Location Core Vocabulary",
}
KEYWORD_SCHEME = ID_NS + "scheme/ris-2021-2027"
KEYWORDS = (
    ("Innovation", "de"), ("innovation", "en"), ("Cluster", "de"), ("clusters", "en"),
    ("intelligente Spezialisierung", "de"), ("smart specialisation", "en"), ("RIS3", "de"), ("RIS3", "en"),
    ("Thüringen", "de"), ("Thuringia", "en"), ("Wissensgraph", "de"), ("knowledge graph", "en"),
)
TITLE = ("Thüringer Innovationsökosystem – Wissensgraph", "Thuringian innovation ecosystem – knowledge graph")
DESCRIPTION = (
    "Akteure des Thüringer Innovationsökosystems (Unternehmen, Hochschulen, Forschungseinrichtungen, "
    "Cluster- und Netzwerkorganisationen, Agenturen, Ministerien, Gremien), ihre Spezialisierungsfelder der "
    "Regionalen Innovationsstrategie (RIS3), Mitgliedschaften und Kennzahlen – jede Angabe mit ihrer Quelle.",
    "Actors of the Thuringian innovation ecosystem (firms, universities, research institutes, cluster and "
    "network organisations, agencies, ministries, boards), their fields of smart specialisation (RIS3), "
    "memberships and key figures – every fact with its source.",
)


@dataclass(frozen=True)
class Agent:
    """The publisher as the data names it."""

    iri: str
    names: tuple[Literal, ...]
    telephone: str | None



def publisher(store: Store) -> Agent:
    """The publisher's labels (``foaf:name``) and telephone, read from the graph."""
    rows = select(store, "dcat-agent", agent=PUBLISHER).as_dicts()
    names = tuple(sorted({label for r in rows if isinstance(label := r.get("label"), Literal)}, key=str))
    phones = sorted({str(r["telephone"]) for r in rows if "telephone" in r})
    return Agent(PUBLISHER, names or (Literal("Thüringer ClusterManagement", lang="de"),), phones[0] if phones else None)


def _bounds(value: str) -> tuple[date, date] | None:
    """First and last day of a date, gYearMonth, gYear or reference.data.gov.uk year IRI."""
    text = value.rsplit("/", 1)[-1]
    try:
        parts = [int(p) for p in text.split("-")[:3]]
    except ValueError:
        return None
    if len(parts) == 1 and 1000 <= parts[0] <= 9999:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        year, month = parts
        following = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), date.fromordinal(following.toordinal() - 1)
    if len(parts) == 3:
        day = date(*parts)
        return day, day
    return None


def temporal_coverage(store: Store) -> tuple[date, date] | None:
    """Earliest and latest day of the sources' dates and the figures' reference periods."""
    spans = [b for row in select(store, "dcat-temporal").as_dicts() if (b := _bounds(str(row["date"])))]
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


def keywords(store: Store) -> list[Literal]:
    """The fixed keywords plus the labels of the current RIS fields of specialisation."""
    labels = [row["label"] for row in select(store, "dcat-keywords", scheme=KEYWORD_SCHEME).as_dicts()]
    fixed = [Literal(text, lang=lang) for text, lang in KEYWORDS]
    return fixed + [label for label in labels if isinstance(label, Literal)]


class _Builder:
    """Adds typed, labelled nodes to one graph (range.ttl needs every object typed)."""

    def __init__(self) -> None:
        self.g = Graph()
        for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("skos", SKOS), ("vcard", VCARD),
                           ("dcatap", DCATAP), ("xsd", XSD)):
            self.g.bind(prefix, ns)

    def add(self, s: URIRef | BNode, p: URIRef, o: URIRef | BNode | Literal) -> None:
        self.g.add((s, p, o))

    def both(self, s: URIRef, p: URIRef, texts: tuple[str, str]) -> None:
        self.add(s, p, Literal(texts[0], lang="de"))
        self.add(s, p, Literal(texts[1], lang="en"))

    def concept(self, iri: str, label: str, lang: str = "en", scheme: str | None = None, extra_type: URIRef | None = None) -> URIRef:
        node = URIRef(iri)
        self.add(node, RDF.type, SKOS.Concept)
        if extra_type is not None:
            self.add(node, RDF.type, extra_type)
        self.add(node, SKOS.prefLabel, Literal(label, lang=lang))
        if scheme:
            self.add(node, SKOS.inScheme, URIRef(scheme))
        return node

    def typed(self, iri: str, cls: URIRef, title: str | None = None) -> URIRef:
        node = URIRef(iri)
        self.add(node, RDF.type, cls)
        if title:
            self.add(node, DCTERMS.title, Literal(title, lang="en"))
        return node


def catalog_graph(store: Store, publication: Publication, urls: ServiceUrls) -> Graph:
    """The DCAT-AP 3.0.1 description of the catalogue, dataset, distributions and service."""
    b = _Builder()
    created = Literal(str(publication.manifest["created"]), datatype=XSD.dateTime)
    catalog, dataset, service = URIRef(CATALOG), URIRef(DATASET), URIRef(SPARQL_SERVICE)

    # shared objects: agent, contact point, licence, region, languages, themes, access rights
    agent = publisher(store)
    publisher_node = URIRef(agent.iri)
    b.add(publisher_node, RDF.type, FOAF.Agent)
    for name in agent.names:
        b.add(publisher_node, FOAF.name, name)
    b.add(publisher_node, DCTERMS.type, b.concept(*PUBLISHER_TYPE, scheme="http://purl.org/adms/publishertype/1.0"))
    contact = URIRef(CATALOG + "#contact")
    b.add(contact, RDF.type, VCARD.Kind)
    b.add(contact, RDF.type, VCARD.Organization)
    b.add(contact, VCARD.fn, Literal(str(agent.names[0]), lang=agent.names[0].language))
    b.add(contact, VCARD.hasURL, URIRef(urls.home))
    if agent.telephone:
        b.add(contact, VCARD.hasTelephone, URIRef("tel:" + agent.telephone.replace(" ", "").replace("-", "")))
    licence = b.typed(LICENSE[0], DCTERMS.LicenseDocument)
    b.add(licence, RDFS_LABEL, Literal(LICENSE[1], lang="en"))
    b.add(licence, DCTERMS.type, b.concept(*LICENSE_TYPE, scheme="http://purl.org/adms/licencetype/1.0"))
    region = b.typed(REGION.iri, DCTERMS.Location)
    b.add(region, SKOS.prefLabel, Literal(REGION.name_de, lang="de"))
    b.add(region, SKOS.prefLabel, Literal(REGION.name_en, lang="en"))
    languages = [b.typed(AUTHORITY + "language/" + code, DCTERMS.LinguisticSystem) for code in ("DEU", "ENG")]
    themes = b.typed(DATA_THEME_SCHEME, SKOS.ConceptScheme, "Data theme")
    public = b.concept(AUTHORITY + "access-right/PUBLIC", "public", scheme=AUTHORITY + "access-right",
                       extra_type=DCTERMS.RightsStatement)
    homepage = b.typed(urls.home, FOAF.Document)

    # the Catalogue
    b.add(catalog, RDF.type, DCAT.Catalog)
    b.both(catalog, DCTERMS.title,
           ("Katalog des Thüringer Innovations-Wissensgraphen", "Catalogue of the Thuringian innovation knowledge graph"))
    b.both(catalog, DCTERMS.description, DESCRIPTION)
    b.add(catalog, DCTERMS.publisher, publisher_node)
    b.add(catalog, DCTERMS.license, licence)
    b.add(catalog, DCTERMS.issued, created)
    b.add(catalog, DCTERMS.modified, created)
    b.add(catalog, DCTERMS.spatial, region)
    for language in languages:
        b.add(catalog, DCTERMS.language, language)
    b.add(catalog, DCAT.themeTaxonomy, themes)
    b.add(catalog, FOAF.homepage, homepage)
    b.add(catalog, DCAT.dataset, dataset)
    b.add(catalog, DCAT.service, service)

    # the Dataset
    b.add(dataset, RDF.type, DCAT.Dataset)
    b.both(dataset, DCTERMS.title, TITLE)
    b.both(dataset, DCTERMS.description, DESCRIPTION)
    b.add(dataset, DCTERMS.identifier, Literal(DATASET))
    b.add(dataset, DCAT_VERSION, Literal(publication.build_id))
    b.add(dataset, DCTERMS.publisher, publisher_node)
    b.add(dataset, DCAT.contactPoint, contact)
    b.add(dataset, DCTERMS.issued, created)
    b.add(dataset, DCTERMS.modified, created)
    b.add(dataset, DCTERMS.spatial, region)
    b.add(dataset, DCTERMS.accessRights, public)
    b.add(dataset, DCAT.landingPage, homepage)
    b.add(dataset, DCTERMS.accrualPeriodicity,
          b.concept(AUTHORITY + "frequency/IRREG", "irregular", scheme=AUTHORITY + "frequency", extra_type=DCTERMS.Frequency))
    for language in languages:
        b.add(dataset, DCTERMS.language, language)
    for code, labels in THEMES.items():
        theme = b.concept(f"{AUTHORITY}data-theme/{code}", labels[1], scheme=DATA_THEME_SCHEME)
        b.add(theme, SKOS.prefLabel, Literal(labels[0], lang="de"))
        b.add(dataset, DCAT.theme, theme)
    for keyword in keywords(store):
        b.add(dataset, DCAT.keyword, keyword)
    for iri, title in VOCABULARIES.items():
        b.add(dataset, DCTERMS.conformsTo, b.typed(iri, DCTERMS.Standard, title))
    span = temporal_coverage(store)
    if span is not None:
        period = URIRef(f"{DATASET}#temporal")
        b.add(period, RDF.type, DCTERMS.PeriodOfTime)
        b.add(period, DCAT.startDate, Literal(span[0].isoformat(), datatype=XSD.date))
        b.add(period, DCAT.endDate, Literal(span[1].isoformat(), datatype=XSD.date))
        b.add(dataset, DCTERMS.temporal, period)

    # one Distribution per download format, and one for the SPARQL endpoint
    for fmt in FORMATS.values():
        _distribution(b, dataset, fmt, urls, created, licence)
    sparql_distribution = URIRef(SPARQL_DISTRIBUTION)
    b.add(dataset, DCAT.distribution, sparql_distribution)
    b.add(sparql_distribution, RDF.type, DCAT.Distribution)
    b.both(sparql_distribution, DCTERMS.title, ("SPARQL-Endpunkt", "SPARQL endpoint"))
    b.both(sparql_distribution, DCTERMS.description, (
        "Abfragen mit SPARQL 1.1 über den aktuellen Build; Standardgraph = Vereinigung der benannten Graphen.",
        "SPARQL 1.1 queries over the current build; the default graph is the union of the named graphs."))
    b.add(sparql_distribution, DCAT.accessURL, URIRef(urls.sparql))
    b.add(sparql_distribution, DCAT.accessService, service)
    b.add(sparql_distribution, DCTERMS.license, licence)
    b.add(sparql_distribution, DCTERMS.format,
          b.concept(AUTHORITY + "file-type/SPARQLQ", "SPARQL query", scheme=AUTHORITY + "file-type", extra_type=DCTERMS.MediaTypeOrExtent))
    b.add(sparql_distribution, DCATAP.availability, _stable(b))
    b.add(sparql_distribution, DCTERMS.modified, created)

    # the SPARQL endpoint as a Data Service
    b.add(service, RDF.type, DCAT.DataService)
    b.both(service, DCTERMS.title,
           ("SPARQL-Endpunkt des Thüringer Innovations-Wissensgraphen", "SPARQL endpoint of the Thuringian innovation knowledge graph"))
    b.both(service, DCTERMS.description, ("SPARQL 1.1 Protocol, nur lesend.", "SPARQL 1.1 Protocol, read-only."))
    b.add(service, DCAT.endpointURL, URIRef(urls.sparql))
    b.add(service, DCAT.endpointDescription, URIRef(urls.sparql))
    b.add(service, DCAT.servesDataset, dataset)
    b.add(service, DCTERMS.publisher, publisher_node)
    b.add(service, DCAT.contactPoint, contact)
    b.add(service, DCTERMS.license, licence)
    b.add(service, DCTERMS.accessRights, public)
    b.add(service, DCTERMS.conformsTo, b.typed("https://www.w3.org/TR/sparql11-protocol/", DCTERMS.Standard, "SPARQL 1.1 Protocol"))
    for code in ("ECON", "REGI", "TECH"):
        b.add(service, DCAT.theme, URIRef(f"{AUTHORITY}data-theme/{code}"))
    for keyword in (Literal("SPARQL", lang="en"), Literal("SPARQL", lang="de"), Literal("linked data", lang="en")):
        b.add(service, DCAT.keyword, keyword)
    return b.g



def _stable(b: _Builder) -> URIRef:
    return b.concept(AUTHORITY + "planned-availability/STABLE", "stable", scheme=AUTHORITY + "planned-availability")


def _distribution(b: _Builder, dataset: URIRef, fmt: DumpFormat, urls: ServiceUrls, created: Literal, licence: URIRef) -> None:
    node = URIRef(distribution_iri(fmt))
    url = URIRef(urls.download(fmt.filename))
    whole = "alle benannten Graphen" if fmt.holds_graphs else "Vereinigung der benannten Graphen"
    whole_en = "every named graph, with its name" if fmt.holds_graphs else "the union of the named graphs"
    b.add(dataset, DCAT.distribution, node)
    b.add(node, RDF.type, DCAT.Distribution)
    b.both(node, DCTERMS.title, (f"Gesamtabzug ({fmt.label})", f"Full dump ({fmt.label})"))
    b.both(node, DCTERMS.description, (
        f"Der ganze Graph als {fmt.label} ({whole}); gzip-komprimiert unter {url}.gz.",
        f"The whole graph as {fmt.label} ({whole_en}); gzip-compressed at {url}.gz."))
    b.add(node, DCAT.accessURL, url)
    b.add(node, DCAT.downloadURL, url)
    b.add(node, DCTERMS.license, licence)
    b.add(node, DCTERMS.issued, created)
    b.add(node, DCTERMS.modified, created)
    b.add(node, DCTERMS.format, b.concept(fmt.file_type_iri, fmt.label, scheme=AUTHORITY + "file-type",
                                           extra_type=DCTERMS.MediaTypeOrExtent))
    media = b.typed(fmt.media_type_iri, DCTERMS.MediaType)
    b.add(node, DCAT.mediaType, media)
    b.add(node, DCTERMS.conformsTo, b.typed(fmt.spec, DCTERMS.Standard, fmt.label))
    b.add(node, DCATAP.availability, _stable(b))
