"""The catalogue on a larger synthetic graph: answers stay right and no filter blows up.

Regression: ``?actor thcm:activeIn/skos:broader* ?field`` with ``?field`` unbound (the field filter
switched off) made pyoxigraph enumerate every node of the graph for each actor (34 s for 2,000
actors); the queries must stay fast whichever filters are off.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from rdflib import Literal, URIRef

from thcm_graph import catalogue
from thcm_graph.config import Settings
from thcm_graph.namespaces import GRAPH_NS, ID_NS, ONTOLOGY_NS, ORG, PROV, QB, RDF, SKOS
from thcm_graph.store import Store, open_published
from thcm_graph.store.oxigraph import OxigraphStore
from thcm_graph.store.results import GraphResult, Triple

FIRMS = 3000
FIELD = ID_NS + "field/trendatlas-2020-automobil"
NETWORK = ID_NS + "org/automotive-thueringen"
GRAPH = GRAPH_NS + "synthetic-test"


def _firms() -> list[Triple]:
    triples: list[Triple] = []
    for i in range(FIRMS):
        firm = URIRef(f"{ID_NS}org/test-firm-{i}")
        triples += [
            (firm, URIRef(RDF + "type"), URIRef(ONTOLOGY_NS + "Firm")),
            (firm, URIRef(RDF + "type"), URIRef(ORG + "Organization")),
            (firm, URIRef(SKOS + "prefLabel"), Literal(f"Testfirma {i} GmbH", lang="de")),
            (firm, URIRef(PROV + "wasDerivedFrom"), URIRef(ID_NS + "source/thcm-brochure-2012")),
        ]
        if i % 2 == 0:
            triples.append((firm, URIRef(ONTOLOGY_NS + "activeIn"), URIRef(FIELD)))
        if i % 5 == 0:
            triples.append((firm, URIRef(ORG + "memberOf"), URIRef(NETWORK)))
        if i % 10 == 0:
            obs = URIRef(f"{ID_NS}obs/test-firm-{i}-employees")
            triples += [
                (obs, URIRef(RDF + "type"), URIRef(QB + "Observation")),
                (obs, URIRef(ONTOLOGY_NS + "refSubject"), firm),
                (obs, URIRef(ONTOLOGY_NS + "employeeCount"), Literal(i)),
            ]
    return triples


@pytest.fixture(scope="module")
def big(session_build: Settings) -> Iterator[Store]:
    """The session build plus FIRMS synthetic firms, in memory."""
    base, _ = open_published(session_build)
    store = OxigraphStore.in_memory()
    for graph in base.named_graphs():
        result = base.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", bindings={"g": URIRef(graph)})
        assert isinstance(result, GraphResult)
        store.add_triples(result.triples, graph=graph)
    store.add_triples(_firms(), graph=GRAPH)
    yield store


def _timed(call):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


@pytest.mark.parametrize("where,expected_firms", [
    (catalogue.ActorFilter(), FIRMS),
    (catalogue.ActorFilter(kind=ONTOLOGY_NS + "Firm"), FIRMS),
    (catalogue.ActorFilter(field=FIELD), FIRMS // 2),
    (catalogue.ActorFilter(network=NETWORK), FIRMS // 5),
    (catalogue.ActorFilter(text="TESTFIRMA 99"), 11),  # 99 and 990..999
    (catalogue.ActorFilter(kind=ONTOLOGY_NS + "Firm", field=FIELD, network=NETWORK), FIRMS // 10),
])
def test_actor_filters_stay_right_and_fast(big: Store, where: catalogue.ActorFilter, expected_firms: int) -> None:
    page, seconds = _timed(lambda: catalogue.list_actors(big, where, limit=500))
    synthetic = [a for a in page.items if a.slug.startswith("test-firm-")]
    if page.total <= 500:  # all on one page
        assert len(synthetic) == expected_firms
    assert page.total >= expected_firms
    assert seconds < 5, f"{where} took {seconds:.1f} s"


def test_figures_by_subject_and_in_total(big: Store) -> None:
    everything, seconds = _timed(lambda: catalogue.list_figures(big, catalogue.FigureFilter(), limit=10))
    assert everything.total >= FIRMS // 10 and len(everything.items) == 10 and seconds < 5
    one = catalogue.list_figures(big, catalogue.FigureFilter(subject=f"{ID_NS}org/test-firm-10"))
    assert [f.value for f in one.items] == ["10"] and one.total == 1


def test_actor_list_gives_the_untagged_name_of_an_imported_actor(session_build: Settings) -> None:
    """Imported names whose source states no language are plain literals; the list still names them."""
    base, _ = open_published(session_build)
    store = OxigraphStore.in_memory()
    result = base.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(result, GraphResult)
    store.add_triples(result.triples, graph=GRAPH)
    firm = URIRef(f"{ID_NS}org/import-test-plain-name")
    store.add_triples([
        (firm, URIRef(RDF + "type"), URIRef(ORG + "Organization")),
        (firm, URIRef(SKOS + "prefLabel"), Literal("AAA PLAIN NAME GMBH")),
    ], graph=GRAPH)
    page = catalogue.list_actors(store, catalogue.ActorFilter(text="aaa plain name"))
    assert [(a.iri, a.label_de, a.label_en, a.name) for a in page.items] == [(str(firm), None, None, "AAA PLAIN NAME GMBH")]
