"""Fixtures of the export tests: the session build on each backend (the embedded store in memory,
and Virtuoso), and its content read independently of the export code (through SPARQL ``GRAPH``
patterns on the embedded store into rdflib graphs) — so an export from Virtuoso must round-trip
to exactly what the embedded build holds."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from thcm_graph.config import Settings
from thcm_graph.store import OxigraphStore, Publication, SelectResult, Store, open_published

REPO = Path(__file__).resolve().parent.parent.parent
EXTERNAL = REPO.parent / "shared" / "external"


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def backend_settings(request: pytest.FixtureRequest) -> Settings:
    """The settings of the session build on each backend (``THCM_STORE`` embedded, or Virtuoso)."""
    return request.getfixturevalue("session_build" if request.param == "oxigraph" else "virtuoso_build")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def published(backend_settings: Settings) -> tuple[Store, Publication]:
    return open_published(backend_settings, in_memory=True)


@pytest.fixture(scope="session")
def store(published: tuple[Store, Publication]) -> Store:
    return published[0]


@pytest.fixture(scope="session")
def publication(published: tuple[Store, Publication]) -> Publication:
    return published[1]


@pytest.fixture(scope="session")
def reference(session_build: Settings) -> OxigraphStore:
    """The embedded session build in memory: what every backend's exports must reproduce."""
    store, _ = open_published(session_build, in_memory=True)
    assert isinstance(store, OxigraphStore)
    return store


@pytest.fixture(scope="session")
def expected(reference: OxigraphStore) -> dict[str, Graph]:
    """Named graph IRI → its triples, read with one SPARQL query (not through the exports)."""
    result = reference.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(result, SelectResult)
    graphs: dict[str, Graph] = defaultdict(Graph)
    for g, s, p, o in result.rows:
        graphs[str(g)].add((s, p, o))  # type: ignore[arg-type]
    return dict(graphs)


@pytest.fixture(scope="session")
def union(expected: dict[str, Graph]) -> Graph:
    """The union of the named graphs as a set of triples."""
    merged = Graph()
    for graph in expected.values():
        for triple in graph:
            merged.add(triple)
    return merged


CODES_GRAPH = "https://w3id.org/thcm/graph/test-s3-codes"
FIELD = URIRef("https://w3id.org/thcm/id/field/ris-2021-gesundes-leben-und-gesundheitswirtschaft")


@pytest.fixture(scope="session")
def store_with_codes(reference: OxigraphStore) -> OxigraphStore:
    """A copy of the build plus a test graph mapping one field to NACE, NABS and an S3 objective
    (the curated data does not have these codes yet)."""
    from rdflib import Literal
    from rdflib.namespace import RDF, SKOS

    copy = reference.copy_to_memory()
    nace = URIRef("http://data.europa.eu/ux2/nace2/2660")
    nabs = URIRef("https://w3id.org/thcm/id/field/nabs-07")
    objective = URIRef("https://w3id.org/thcm/id/field/s3-objective-d-27")
    triples = [
        (FIELD, SKOS.closeMatch, nace),
        (FIELD, SKOS.closeMatch, nabs),
        (FIELD, SKOS.related, objective),
        (nabs, RDF.type, SKOS.Concept),
        (nabs, SKOS.inScheme, URIRef("https://w3id.org/thcm/id/scheme/nabs-2007")),
        (nabs, SKOS.notation, Literal("NABS07")),
        (nabs, SKOS.prefLabel, Literal("Health", lang="en")),
        (objective, RDF.type, SKOS.Concept),
        (objective, SKOS.inScheme, URIRef("https://w3id.org/thcm/id/scheme/s3-policy-objectives")),
        (objective, SKOS.notation, Literal("D.27")),
        (objective, SKOS.prefLabel, Literal("e-Health (e.g. healthy ageing)", lang="en")),
    ]
    copy.add_triples(triples, graph=CODES_GRAPH)
    return copy
