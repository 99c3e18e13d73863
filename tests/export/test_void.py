"""VoID counts equal counts computed here, in Python, from the store's triples."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, VOID

from thcm_graph.export.formats import FORMATS
from thcm_graph.export.identifiers import DATASET, URI_SPACE, ServiceUrls
from thcm_graph.export.void import void_graph
from thcm_graph.store import OxigraphStore, Publication, Store

from .conftest import CODES_GRAPH

BASE = "https://thcm.example.org"
DS = URIRef(DATASET)


@pytest.fixture(scope="module")
def void(store: Store, publication: Publication) -> Graph:
    return void_graph(store, publication, ServiceUrls(BASE))


def _int(graph: Graph, subject: object, predicate: URIRef) -> int:
    return int(graph.value(subject, predicate))  # type: ignore[arg-type]


def test_dataset_totals(void: Graph, union: Graph) -> None:
    assert _int(void, DS, VOID.triples) == len(union)
    assert _int(void, DS, VOID.distinctSubjects) == len(set(union.subjects()))
    assert _int(void, DS, VOID.distinctObjects) == len(set(union.objects()))
    assert _int(void, DS, VOID.properties) == len(set(union.predicates()))
    entities = {s for s in union.subjects() if isinstance(s, URIRef) and str(s).startswith(URI_SPACE)}
    assert _int(void, DS, VOID.entities) == len(entities)
    classes = {o for o in union.objects(None, RDF.type)}
    assert _int(void, DS, VOID.classes) == len(classes)


def test_class_partitions(void: Graph, union: Graph) -> None:
    expected: dict[URIRef, set[object]] = defaultdict(set)
    for s, o in union.subject_objects(RDF.type):
        expected[o].add(s)  # type: ignore[index]
    found = {void.value(p, VOID["class"]): _int(void, p, VOID.entities) for p in void.objects(DS, VOID.classPartition)}
    assert found == {cls: len(members) for cls, members in expected.items()}


def test_property_partitions(void: Graph, union: Graph) -> None:
    triples = Counter(p for _, p, _ in union)
    found = {void.value(p, VOID.property): _int(void, p, VOID.triples) for p in void.objects(DS, VOID.propertyPartition)}
    assert found == dict(triples)


def test_graph_subsets(void: Graph, expected: dict[str, Graph]) -> None:
    sd_name = URIRef("http://www.w3.org/ns/sparql-service-description#name")
    found = {str(void.value(s, sd_name)): _int(void, s, VOID.triples) for s in void.objects(DS, VOID.subset)
             if (s, RDF.type, VOID.Dataset) in void}
    assert found == {g: len(triples) for g, triples in expected.items()}


def test_nuts_linksets(void: Graph, union: Graph) -> None:
    nuts = Counter(p for _, p, o in union if isinstance(o, URIRef) and str(o).startswith("http://data.europa.eu/nuts/"))
    target = URIRef(f"{DATASET}/target/nuts")
    found = {void.value(ls, VOID.linkPredicate): _int(void, ls, VOID.triples)
             for ls in void.subjects(VOID.objectsTarget, target)}
    assert found == dict(nuts) and nuts


def test_nace_linkset_appears_with_nace_links(store_with_codes: OxigraphStore, publication: Publication) -> None:
    void = void_graph(store_with_codes, publication, ServiceUrls(BASE))
    linksets = list(void.subjects(VOID.objectsTarget, URIRef(f"{DATASET}/target/nace2")))
    assert len(linksets) == 1
    nace_links = store_with_codes.query(
        "SELECT DISTINCT ?s ?o WHERE { ?s skos:closeMatch ?o FILTER(STRSTARTS(STR(?o), 'http://data.europa.eu/ux2/nace2/')) }")
    assert _int(void, linksets[0], VOID.triples) == len(nace_links) >= 1  # type: ignore[arg-type]
    assert CODES_GRAPH.rsplit("/", 1)[-1] in {str(s).rsplit("/", 1)[-1] for s in void.objects(DS, VOID.subset)}


def test_access_points(void: Graph) -> None:
    assert void.value(DS, VOID.sparqlEndpoint) == URIRef(f"{BASE}/sparql")
    assert set(void.objects(DS, VOID.dataDump)) == {URIRef(f"{BASE}/downloads/{f.filename}") for f in FORMATS.values()}
