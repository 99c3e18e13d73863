"""A build from a clean checkout: what the published store must contain."""

from __future__ import annotations

from rdflib import URIRef

from thcm_graph.config import Settings
from thcm_graph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, graph_iri
from thcm_graph.store import SelectResult, StateLayout, open_published

SOURCE_GRAPHS = [
    "thcm-innovation-strategy-en",
    "thcm-innovationsstrategie-de",
    "pm-region-profile-deg",
    "thcm-brochure-2012",
    "tmwwdg-industriepolitik",
]


def select(settings: Settings, sparql: str, **bindings: str) -> SelectResult:
    store, _ = open_published(settings, in_memory=False)
    result = store.query(sparql, bindings={k: URIRef(v) for k, v in bindings.items()})
    assert isinstance(result, SelectResult)
    return result


def test_every_actor_is_an_organization_with_a_german_label_and_a_source(session_build: Settings) -> None:
    actors = select(session_build, """
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT DISTINCT ?actor WHERE { ?actor a org:Organization }""")
    assert len(actors) >= 10
    lacking = select(session_build, """
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX thcm: <https://w3id.org/thcm/ontology#>
        SELECT ?actor WHERE {
          { ?actor a org:Organization .
            FILTER NOT EXISTS { ?actor skos:prefLabel ?l FILTER(langMatches(lang(?l), "de")) } }
          UNION
          { ?actor a org:Organization .
            FILTER NOT EXISTS { ?actor prov:wasDerivedFrom ?s . ?s a thcm:SourceDocument } }
        }""")
    assert lacking.rows == []


def test_every_thcm_actor_class_is_entailed_to_org_organization(session_build: Settings) -> None:
    untyped = select(session_build, """
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?x ?class ?ontology WHERE {
          GRAPH ?ontology { ?class rdfs:subClassOf+ org:Organization }
          ?x a ?class .
          FILTER NOT EXISTS { ?x a org:Organization }
        }""", ontology=ONTOLOGY_GRAPH)
    assert untyped.rows == []


def test_entailed_types_live_in_the_inferred_graph_only(session_build: Settings) -> None:
    asserted_somewhere = select(session_build, """
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?x ?inferred WHERE {
          GRAPH ?inferred { ?x a org:Organization }
          GRAPH ?g { ?x a org:Organization }
          FILTER(?g != ?inferred)
        }""", inferred=INFERRED_GRAPH)
    assert asserted_somewhere.rows == []
    inferred = select(session_build, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", g=INFERRED_GRAPH)
    assert int(inferred.rows[0][1]) > 0  # type: ignore[arg-type]


def test_each_source_document_has_its_own_named_graph(session_build: Settings) -> None:
    store, publication = open_published(session_build, in_memory=False)
    graphs = set(store.named_graphs())
    assert {ONTOLOGY_GRAPH, INFERRED_GRAPH} <= graphs
    for name in SOURCE_GRAPHS:
        assert graph_iri(name) in graphs, name
        sources = select(session_build, """
            PREFIX thcm: <https://w3id.org/thcm/ontology#>
            SELECT ?source ?g WHERE { GRAPH ?g { ?source a thcm:SourceDocument } }""", g=graph_iri(name))
        assert sources.column("source") == [URIRef(f"https://w3id.org/thcm/id/source/{name}")]
    assert publication.manifest["graphs"] == {g: store.count(g) for g in store.named_graphs()}


def test_every_fact_bearing_resource_names_its_source(session_build: Settings) -> None:
    orphans = select(session_build, """
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX thcm: <https://w3id.org/thcm/ontology#>
        SELECT DISTINCT ?s ?ontology ?inferred WHERE {
          GRAPH ?g { ?s ?p ?o }
          FILTER(?g != ?ontology && ?g != ?inferred && STRSTARTS(STR(?s), "https://w3id.org/thcm/id/")
                 && !STRSTARTS(STR(?s), "https://w3id.org/thcm/id/source/"))
          FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?source }
        }""", ontology=ONTOLOGY_GRAPH, inferred=INFERRED_GRAPH)
    assert orphans.rows == []


def test_manifest_records_the_build(session_build: Settings) -> None:
    _, publication = open_published(session_build, in_memory=False)
    manifest = publication.manifest
    assert manifest["validation"]["violations"] == 0
    assert manifest["triples"] == sum(manifest["graphs"].values())
    assert manifest["build_id"].endswith(manifest["content_hash"][:12])
    assert {"pyoxigraph", "pyshacl", "rdflib", "thcm-graph"} <= set(manifest["software"])
    assert any(f["path"].startswith("data/") for f in manifest["files"])
    assert StateLayout(session_build.state_path).current_dir() == publication.directory


def test_rebuilding_the_same_content_gives_the_same_triples(built_project: Settings) -> None:
    from thcm_graph.build import build

    _, first = open_published(built_project, in_memory=False)
    second = build(built_project)
    assert second.build_id != first.build_id
    assert second.publication.manifest["content_hash"] == first.manifest["content_hash"]
    assert second.publication.manifest["graphs"] == first.manifest["graphs"]


def test_brochure_conflicts_between_network_boxes_and_annex_2_are_reported(project: Settings) -> None:
    """Issue 4: the disagreeing member counts are kept as two observations and listed, not merged."""
    from thcm_graph.build import check

    conflicts = {(c.subject.rsplit("/", 1)[1], c.measure.rsplit("#", 1)[1]): sorted(r.value for r in c.readings)
                 for c in check(project).conflicts}
    assert conflicts[("medways", "memberCount")] == ["60", "9"]
    assert conflicts[("polymermat", "memberCount")] == ["0", "51"]
    assert conflicts[("optonet", "memberCount")] == ["80", "93"]
    assert all(len(values) >= 2 for values in conflicts.values())
