"""The analysis on the curated graph: runs, explains every hub, writes back with provenance,
replaces on re-run; the CLI and the REST routes. What only reads the build runs on both backends
(the embedded store and Virtuoso), with the same results."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import httpx
import pytest
from conftest import Server, thcm
from rdflib import URIRef

from thcm_graph.analysis import ANALYSIS_GRAPH, analyse, bridges, load_ecosystem, write_analysis
from thcm_graph.config import Settings
from thcm_graph.errors import InputError
from thcm_graph.store import SelectResult, current_publication, open_published

PREFIXES = """PREFIX thcm: <https://w3id.org/thcm/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
"""


def _count(store, where: str, graph: str | None = None) -> int:  # type: ignore[no-untyped-def]
    query = PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
    result = store.query(query, default_graph=[graph] if graph else None)
    assert isinstance(result, SelectResult)
    return int(result.rows[0][0])


@pytest.fixture(scope="module")
def memory_store(session_build: Settings):  # type: ignore[no-untyped-def]
    store, _ = open_published(session_build, in_memory=True)
    return store


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def backend_store(request: pytest.FixtureRequest, memory_store):  # type: ignore[no-untyped-def]
    """The session build on each backend: in memory, and on Virtuoso (read through SPARQL)."""
    if request.param == "oxigraph":
        return memory_store
    store, _ = open_published(request.getfixturevalue("virtuoso_build"))
    return store


def test_same_network_and_ranking_on_both_backends(backend_store, memory_store) -> None:  # type: ignore[no-untyped-def]
    eco, reference = load_ecosystem(backend_store), load_ecosystem(memory_store)
    assert (eco.actors, eco.fields, eco.declared) == (reference.actors, reference.fields, reference.declared)
    assert sorted(map(str, eco.contexts)) == sorted(map(str, reference.contexts))
    ranked = [(s.actor, s.rank, round(s.score, 9)) for s in analyse(eco).scores]
    assert ranked == [(s.actor, s.rank, round(s.score, 9)) for s in analyse(reference).scores]


def test_analysis_runs_and_every_hub_is_explained(backend_store) -> None:  # type: ignore[no-untyped-def]
    eco = load_ecosystem(backend_store)
    assert eco.actors and eco.fields and eco.contexts
    result = analyse(eco)
    assert len(result.scores) == len(eco.actors)
    assert [s.rank for s in result.scores] == list(range(1, len(eco.actors) + 1))
    hubs = result.hubs()
    assert hubs, "the curated graph has cross-cluster hubs"
    for hub in hubs:
        assert 0 <= hub.score <= 100
        assert len(hub.explanation.fields) >= 2
        for bridge in hub.explanation.fields:
            assert bridge.field in eco.fields
            assert bridge.via, f"{hub.label} reaches {bridge.label} without evidence"
            for via in bridge.via:
                assert via.kind == "declared" or via.context is not None
        text = hub.explanation.text(eco)
        assert text.startswith(f"bridges {len(hub.explanation.fields)} field(s)")
    # the explanation names the memberships it goes through, as stated in the data
    declared_by_top = eco.declared.get(hubs[0].actor, {})
    contexts = {v.context for b in hubs[0].explanation.fields for v in b.via if v.context}
    assert declared_by_top or contexts


def test_results_are_written_with_provenance_and_replaced_on_rerun(memory_store) -> None:  # type: ignore[no-untyped-def]
    actors = len(load_ecosystem(memory_store).actors)
    first = write_analysis(memory_store, input_build_id="build-one")
    assert _count(memory_store, "?s a thcm:HubScore", ANALYSIS_GRAPH) == actors
    query = PREFIXES + """
    SELECT ?actor ?score ?run ?build ?started ?version WHERE {
      GRAPH <https://w3id.org/thcm/graph/analysis> {
        ?s a thcm:HubScore ; thcm:scoreOf ?actor ; thcm:hubScore ?score ; thcm:hubRank 1 ; prov:wasGeneratedBy ?run .
        ?run a prov:Activity ; thcm:inputBuild ?build ; prov:startedAtTime ?started ; thcm:parameters ?params ;
             prov:wasAssociatedWith [ a prov:SoftwareAgent ; <http://www.w3.org/2000/01/rdf-schema#label> "networkx" ;
                                      schema:softwareVersion ?version ] .
      }
      ?actor a org:Organization .
    }"""
    rows = memory_store.query(query).as_dicts()
    assert len(rows) == 1
    hubs = _count(memory_store, "?s thcm:fieldCount ?n FILTER(?n >= 2)", ANALYSIS_GRAPH)
    assert hubs > 0
    assert _count(memory_store, "?s thcm:fieldCount ?n ; thcm:explanation ?e FILTER(?n >= 2)", ANALYSIS_GRAPH) == hubs
    assert str(rows[0]["build"]) == "build-one" and str(rows[0]["run"]) == first.run
    second = write_analysis(memory_store, input_build_id="build-two")
    assert second.run != first.run
    assert _count(memory_store, "?s a thcm:HubScore", ANALYSIS_GRAPH) == actors
    assert _count(memory_store, "?r a thcm:AnalysisRun", ANALYSIS_GRAPH) == 1
    assert _count(memory_store, f"?s prov:wasGeneratedBy <{first.run}>") == 0
    assert memory_store.count(ANALYSIS_GRAPH) == second.triples


def test_bridges_between_two_fields(backend_store) -> None:  # type: ignore[no-untyped-def]
    eco = load_ecosystem(backend_store)
    report = bridges(eco, "Automobil", "Life Sciences")
    assert report.connected and report.distance is not None
    assert report.direct, "an actor declares both fields"
    assert set(report.minimal_connectors) <= set(report.connectors) | set(report.direct)
    for removal in report.removals:
        if removal.actor in report.minimal_connectors and len(report.minimal_connectors) == 1:
            assert not removal.connected
    with pytest.raises(InputError, match="no field named"):
        bridges(eco, "Automobil", "no such field")


@pytest.mark.subprocess
def test_cli_analyse_publishes_a_new_build_and_replaces_the_graph(built_project: Settings) -> None:
    before = current_publication(built_project.state_path).build_id
    first = thcm(built_project, "analyse", "-q")
    assert first.returncode == 0, first.stderr
    second = thcm(built_project, "analyse")
    assert second.returncode == 0, second.stderr
    publication = current_publication(built_project.state_path)
    assert publication.build_id not in (before, first.stdout.strip())
    assert publication.manifest["derived_from"] == first.stdout.strip()
    assert publication.manifest["analysis"]["input_build_id"] == first.stdout.strip()
    assert ANALYSIS_GRAPH in publication.manifest["graphs"]
    query = PREFIXES + "SELECT (COUNT(DISTINCT ?run) AS ?runs) (COUNT(DISTINCT ?s) AS ?scores) WHERE { ?s prov:wasGeneratedBy ?run }"
    result = thcm(built_project, "query", query, "--format", "json")
    binding = json.loads(result.stdout)["results"]["bindings"][0]
    assert binding["runs"]["value"] == "1"
    assert int(binding["scores"]["value"]) == publication.manifest["analysis"]["actors"]


@pytest.mark.subprocess
def test_cli_build_includes_the_analysis_unless_asked_not_to(project: Settings) -> None:
    result = thcm(project, "build", "-q")
    assert result.returncode == 0, result.stderr
    assert "analysis" in current_publication(project.state_path).manifest
    result = thcm(project, "build", "-q", "--no-analysis")
    assert result.returncode == 0, result.stderr
    assert ANALYSIS_GRAPH not in current_publication(project.state_path).manifest["graphs"]


@pytest.mark.subprocess
def test_cli_hubs_in_every_format_with_field_filter_and_plot(published: Settings, tmp_path: Path) -> None:
    svg = tmp_path / "hubs.svg"
    table = thcm(published, "hubs", "--top", "3", "--plot", str(svg))
    assert table.returncode == 0, table.stderr
    assert "1. " in table.stdout and "bridges" in table.stdout
    assert b"<svg" in svg.read_bytes()[:500]
    picture = tmp_path / "hubs.png"
    as_json = json.loads(thcm(published, "hubs", "--top", "5", "--format", "json", "--plot", str(picture)).stdout)
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert 0 < len(as_json["hubs"]) <= 5
    assert all(h["explanation"] and h["bridges"] for h in as_json["hubs"])
    field = as_json["hubs"][-1]["bridges"][-1]["field"]
    rows = list(csv.DictReader(io.StringIO(thcm(published, "hubs", "--top", "4", "--format", "csv", "--field", field).stdout)))
    assert rows and all(int(r["fields"]) >= 2 and r["explanation"] for r in rows)
    assert [r["rank"] for r in rows] == sorted((r["rank"] for r in rows), key=int)


@pytest.mark.subprocess
def test_cli_bridges_by_label_and_errors(published: Settings) -> None:
    result = thcm(published, "bridges", "automobil", "Life Sciences", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["connected"] and report["direct"]
    table = thcm(published, "bridges", "Automobil", "Life Sciences")
    assert "minimal connectors" in table.stdout
    unknown = thcm(published, "bridges", "Automobil", "Quantenbäckerei")
    assert unknown.returncode == 1 and "no field named" in unknown.stderr


@pytest.mark.subprocess
def test_rest_hubs_and_bridges(served: Server) -> None:
    hubs = httpx.get(f"{served.base_url}/api/hubs", params={"top": 3}, timeout=30)
    assert hubs.status_code == 200, hubs.text
    body = hubs.json()
    assert len(body["hubs"]) == 3 and body["hubs"][0]["rank"] == 1
    assert all(h["explanation"] for h in body["hubs"])
    field = body["hubs"][0]["bridges"][0]["field"]
    filtered = httpx.get(f"{served.base_url}/api/hubs", params={"field": field}, timeout=30).json()
    assert filtered["field"] == field and all(any(b["field"] == field for b in h["bridges"]) for h in filtered["hubs"])
    found = httpx.get(f"{served.base_url}/api/bridges", params={"a": "Automobil", "b": "Life Sciences"}, timeout=30)
    assert found.status_code == 200, found.text
    assert found.json()["connected"] is True
    bad = httpx.get(f"{served.base_url}/api/bridges", params={"a": "Automobil", "b": "nothing like this"}, timeout=30)
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "InputError"
    openapi = httpx.get(f"{served.base_url}/openapi.json", timeout=30).json()
    assert "/api/hubs" in openapi["paths"] and "HubsResponse" in openapi["components"]["schemas"]


def test_analysis_graph_terms_are_declared_in_the_ontology(memory_store) -> None:  # type: ignore[no-untyped-def]
    from rdflib import Graph

    result = write_analysis(memory_store, input_build_id="x")
    ontology = Graph().parse(Path(__file__).resolve().parent.parent / "ontology" / "thcm.ttl")
    declared = {str(s) for s in ontology.subjects()}
    used = set()
    for row in memory_store.query(f"SELECT DISTINCT ?p ?c WHERE {{ GRAPH <{ANALYSIS_GRAPH}> {{ ?s ?p ?o OPTIONAL {{ ?s a ?c }} }} }}").rows:
        used.update(str(t) for t in row if isinstance(t, URIRef) and str(t).startswith("https://w3id.org/thcm/ontology#"))
    assert used and used <= declared, used - declared
    assert result.triples > 0


def test_projection_equals_networkx_weighted_bipartite_projection(backend_store) -> None:  # type: ignore[no-untyped-def]
    import networkx as nx

    from thcm_graph.analysis.networks import actor_projection, bipartite_graph, field_graph

    eco = load_ecosystem(backend_store)
    two_mode = bipartite_graph(eco)
    reference = nx.bipartite.weighted_projected_graph(two_mode, list(eco.actors))
    ours = actor_projection(eco)
    assert set(ours.nodes) == set(reference.nodes)
    assert {frozenset(e): d["weight"] for *e, d in ours.edges(data=True)} == {
        frozenset(e): d["weight"] for *e, d in reference.edges(data=True)}
    fields = field_graph(eco)
    assert set(fields.nodes) == set(eco.fields)
    assert all(d["weight"] == len(d["actors"]) + len(d["links"]) > 0 for _, _, d in fields.edges(data=True))


@pytest.mark.subprocess
def test_cli_hubs_rank_the_same_on_both_backends(virtuoso_build: Settings, session_build: Settings) -> None:
    remote = json.loads(thcm(virtuoso_build, "hubs", "--format", "json").stdout)
    local = json.loads(thcm(session_build, "hubs", "--format", "json").stdout)
    assert [(h["actor"], h["rank"], h["score"]) for h in remote["hubs"]] == [(h["actor"], h["rank"], h["score"]) for h in local["hubs"]]
