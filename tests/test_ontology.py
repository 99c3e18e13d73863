"""The ontology: every thcm: term documented in both languages; the shapes agree with it."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

REPO = Path(__file__).resolve().parent.parent
THCM = Namespace("https://w3id.org/thcm/ontology#")
QB = Namespace("http://purl.org/linked-data/cube#")
SH = Namespace("http://www.w3.org/ns/shacl#")
ORG = Namespace("http://www.w3.org/ns/org#")


def ontology() -> Graph:
    return Graph().parse(REPO / "ontology" / "thcm.ttl")


def thcm_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(THCM))}


def test_ontology_metadata() -> None:
    graph = ontology()
    iri = URIRef("https://w3id.org/thcm/ontology")
    assert (iri, RDF.type, OWL.Ontology) in graph
    for predicate in ("title", "license", "creator"):
        assert graph.value(iri, URIRef(f"http://purl.org/dc/terms/{predicate}")) is not None, predicate
    assert graph.value(iri, OWL.versionInfo) is not None


def test_every_term_has_labels_in_german_and_english_and_a_comment() -> None:
    graph = ontology()
    terms = thcm_terms(graph)
    assert len(terms) > 20
    for term in terms:
        languages = {label.language for label in graph.objects(term, RDFS.label) if isinstance(label, Literal)}
        assert {"de", "en"} <= languages, term
        assert graph.value(term, RDFS.comment) is not None, term


def test_every_property_has_domain_range_and_specialises_a_standard_term() -> None:
    graph = ontology()
    for term in thcm_terms(graph):
        types = set(graph.objects(term, RDF.type))
        if types & {OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property}:
            assert graph.value(term, RDFS.domain) is not None, term
            assert graph.value(term, RDFS.range) is not None, term
            parents = list(graph.objects(term, RDFS.subPropertyOf)) + list(
                graph.objects(term, URIRef("http://www.w3.org/2004/02/skos/core#closeMatch")))
            assert parents, term
        elif OWL.Class in types:
            assert list(graph.objects(term, RDFS.subClassOf)), term


def test_every_actor_class_reaches_org_organization() -> None:
    graph = ontology()
    actor_classes = ["Firm", "University", "ResearchInstitute", "NetworkOrganisation", "Agency",
                     "Ministry", "Chamber", "Committee", "Initiative", "Platform"]
    for name in actor_classes:
        ancestors = set(graph.transitive_objects(THCM[name], RDFS.subClassOf))
        assert ORG.Organization in ancestors, name


def test_measures_in_shapes_match_measures_in_ontology() -> None:
    graph = ontology()
    declared = set(graph.subjects(RDF.type, QB.MeasureProperty))
    shapes = Graph().parse(REPO / "shapes" / "figures.ttl")
    alternatives = set()
    for _, listing in shapes.subject_objects(SH.xone):
        for alternative in shapes.items(listing):
            for prop in shapes.objects(alternative, SH.property):
                alternatives.add(shapes.value(prop, SH.path))
    assert len(declared) >= 11
    assert alternatives == declared


def test_json_ld_context_expands_our_terms() -> None:
    context = json.loads((REPO / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
    document = {
        "@context": context["@context"],
        "@id": "https://w3id.org/thcm/id/org/leg-thueringen",
        "prefLabel": {"de": "Landesentwicklungsgesellschaft Thüringen mbH"},
    }
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    label = graph.value(URIRef("https://w3id.org/thcm/id/org/leg-thueringen"),
                        URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))
    assert label == Literal("Landesentwicklungsgesellschaft Thüringen mbH", lang="de")
