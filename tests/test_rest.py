"""The REST API against a real `thcm serve`: filters, pagination, validation, injection attempts.

Expected answers are computed from the store of the same build with plain SPARQL written here,
so the tests follow the data as it grows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from thcm_graph.config import Settings
from thcm_graph.store import Store, open_published
from thcm_graph.store.results import SelectResult

pytestmark = pytest.mark.subprocess

THCM = "https://w3id.org/thcm/ontology#"
PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX thcm: <https://w3id.org/thcm/ontology#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def store(session_build: Settings) -> Iterator[Store]:
    store, _ = open_published(session_build)
    yield store



def column(store: Store, query: str, variable: str) -> set[str]:
    result = store.query(PREFIXES + query)
    assert isinstance(result, SelectResult)
    return {str(value) for value in result.column(variable)}


def all_actors(http: httpx.Client, **params: Any) -> tuple[set[str], int]:
    """Every actor the API lists for ``params``, walking the pages; checks the pages agree on the total."""
    found: list[str] = []
    offset, total = 0, None
    while True:
        response = http.get("/api/actors", params={**params, "limit": 7, "offset": offset})
        assert response.status_code == 200, response.text
        page = response.json()
        assert total is None or page["total"] == total
        total = page["total"]
        found += [item["iri"] for item in page["items"]]
        if not page["items"]:
            break
        offset += 7
    assert len(found) == len(set(found)), "an actor appeared on two pages"
    assert total == len(found)
    return set(found), total


def served_quads(http: httpx.Client) -> int:
    response = http.get("/sparql", params={"query": COUNT_QUADS}, headers={"accept": "application/sparql-results+json"})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_actors_are_all_organisations_and_pages_add_up(http: httpx.Client, store: Store) -> None:
    expected = column(store, "SELECT DISTINCT ?a WHERE { ?a a org:Organization }", "a")
    found, total = all_actors(http)
    assert found == expected and total == len(expected)


@pytest.mark.parametrize("kind", ["Agency", "Committee", "NetworkOrganisation", "Platform", "Ministry"])
def test_kind_filter(http: httpx.Client, store: Store, kind: str) -> None:
    expected = column(store, f"SELECT DISTINCT ?a WHERE {{ ?a a thcm:{kind}, org:Organization }}", "a")
    found, _ = all_actors(http, kind=kind)
    assert found == expected
    for item in http.get("/api/actors", params={"kind": kind}).json()["items"]:
        assert kind in item["kinds"]


def test_unknown_kind_is_400_with_the_kinds(http: httpx.Client, store: Store) -> None:
    response = http.get("/api/actors", params={"kind": "Spaceship"})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    kinds = column(store, """SELECT ?k WHERE { GRAPH <https://w3id.org/thcm/graph/ontology> {
        ?k rdfs:subClassOf+ org:Organization } FILTER(STRSTARTS(STR(?k), STR(thcm:))) }""", "k")
    assert kinds and all(k[len(THCM):] in message for k in kinds)


def test_field_filter_by_slug_and_iri(http: httpx.Client, store: Store) -> None:
    fields = sorted(column(store, "SELECT DISTINCT ?f WHERE { ?a thcm:activeIn ?f }", "f"))
    assert fields
    for field in fields[:3]:
        expected = column(store, f"SELECT DISTINCT ?a WHERE {{ ?a a org:Organization ; thcm:activeIn/skos:broader* <{field}> }}", "a")
        by_iri, _ = all_actors(http, field=field)
        by_slug, _ = all_actors(http, field=field.rsplit("/", 1)[1])
        assert by_iri == by_slug == expected and expected


def test_network_filter(http: httpx.Client, store: Store) -> None:
    networks = sorted(column(store, "SELECT DISTINCT ?n WHERE { ?a org:memberOf ?n }", "n"))
    assert networks
    for network in networks[:3]:
        expected = column(store, f"""SELECT DISTINCT ?a WHERE {{ ?a a org:Organization .
            {{ ?a org:memberOf <{network}> }} UNION {{ ?m org:member ?a ; org:organization <{network}> }} }}""", "a")
        found, _ = all_actors(http, network=network.rsplit("/", 1)[1])
        assert found == expected and expected


def test_text_search_in_german_and_english(http: httpx.Client, store: Store) -> None:
    result = store.query(PREFIXES + """SELECT ?a ?de ?en WHERE { ?a a org:Organization ; skos:prefLabel ?de, ?en .
        FILTER(LANG(?de) = "de" && LANG(?en) = "en"
               && !CONTAINS(LCASE(STR(?de)), LCASE(STR(?en))) && !CONTAINS(LCASE(STR(?en)), LCASE(STR(?de)))) }
        ORDER BY ?a LIMIT 1""")
    assert isinstance(result, SelectResult) and result.rows
    actor, de, en = (str(v) for v in result.rows[0])
    for needle in (de[: max(4, len(de) // 2)].upper(), en[-max(4, len(en) // 2):].lower()):
        expected = column(store, f"""SELECT DISTINCT ?a WHERE {{ ?a a org:Organization ;
            skos:prefLabel|skos:altLabel|skos:hiddenLabel ?l . FILTER(CONTAINS(LCASE(STR(?l)), LCASE({_quote(needle)}))) }}""", "a")
        found, _ = all_actors(http, q=needle)
        assert actor in found and found == expected


def _quote(text: str) -> str:
    """A SPARQL string literal for trusted test data (the API itself never does this)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "ten"}])
def test_page_bounds_are_checked(http: httpx.Client, params: dict[str, Any]) -> None:
    response = http.get("/api/actors", params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["status"] == 422 and ("limit" in error["message"] or "offset" in error["message"])


def test_one_actor(http: httpx.Client, store: Store) -> None:
    labels = column(store, "SELECT ?l WHERE { <https://w3id.org/thcm/id/org/thcm> skos:prefLabel ?l }", "l")
    actor = http.get("/api/actors/thcm").json()
    assert {label for texts in actor["labels"].values() for label in texts} == labels
    fields = column(store, "SELECT ?f WHERE { <https://w3id.org/thcm/id/org/thcm> thcm:responsibleFor ?f }", "f")
    assert {f["iri"] for f in actor["responsible_for"]} == fields
    sources = column(store, "SELECT ?s WHERE { <https://w3id.org/thcm/id/org/thcm> prov:wasDerivedFrom ?s }", "s")
    assert {s["iri"] for s in actor["sources"]} == sources
    missing = http.get("/api/actors/no-such-actor")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "NotFound"


def test_fields_with_schemes_and_labels(http: httpx.Client, store: Store) -> None:
    catalogue = http.get("/api/fields").json()
    expected = column(store, "SELECT DISTINCT ?f WHERE { ?f a skos:Concept ; skos:inScheme ?s }", "f")
    fields = {f["iri"]: f for f in catalogue["fields"]}
    assert set(fields) == expected
    schemes = {s["iri"] for s in catalogue["schemes"]}
    for iri, field in fields.items():
        assert set(field["schemes"]) == column(store, f"SELECT ?s WHERE {{ <{iri}> skos:inScheme ?s }}", "s") <= schemes
        for lang, label in field["labels"].items():
            assert label in column(store, f'SELECT ?l WHERE {{ <{iri}> skos:prefLabel ?l FILTER(LANG(?l) = "{lang}") }}', "l")
    one_scheme = sorted(schemes)[0]
    only = http.get("/api/fields", params={"scheme": one_scheme}).json()
    assert only["fields"] and all(one_scheme in f["schemes"] for f in only["fields"])


def test_networks_with_member_counts_and_sources(http: httpx.Client, store: Store) -> None:
    networks = {n["iri"]: n for n in http.get("/api/networks").json()}
    assert set(networks) == column(store, "SELECT ?n WHERE { ?n a thcm:NetworkOrganisation }", "n")
    for iri, network in networks.items():
        expected = column(store, f"""SELECT ?o WHERE {{ ?o a qb:Observation ; thcm:refSubject <{iri}> .
            {{ ?o thcm:memberCount ?v }} UNION {{ ?o thcm:firmMemberCount ?v }} UNION {{ ?o thcm:researchMemberCount ?v }} }}""", "o")
        assert {c["iri"] for c in network["member_counts"]} == expected
        for count in network["member_counts"]:
            assert count["source"]["iri"] and (count["source"]["label_de"] or count["source"]["label_en"])
            assert count["value_as_printed"]
        fields = column(store, f"SELECT ?f WHERE {{ <{iri}> thcm:activeIn ?f }}", "f")
        assert {f["iri"] for f in network["fields"]} == fields


def test_figures_filters(http: httpx.Client, store: Store) -> None:
    everything = http.get("/api/figures", params={"limit": 500}).json()
    observations = column(store, "SELECT ?o WHERE { ?o a qb:Observation }", "o")
    assert everything["total"] == len(observations) == len(everything["items"])
    first = everything["items"][0]
    by_measure = http.get("/api/figures", params={"measure": first["measure"]["iri"].split("#")[1], "limit": 500}).json()
    assert by_measure["items"] and all(f["measure"]["iri"] == first["measure"]["iri"] for f in by_measure["items"])
    assert by_measure["total"] == len(column(store, f"SELECT ?o WHERE {{ ?o a qb:Observation ; <{first['measure']['iri']}> ?v }}", "o"))
    by_subject = http.get("/api/figures", params={"subject": first["subject"]["iri"], "limit": 500}).json()
    assert by_subject["total"] == len(column(store, f"SELECT ?o WHERE {{ ?o thcm:refSubject <{first['subject']['iri']}> }}", "o"))
    year = first["period"].rsplit("/", 1)[1]
    by_period = http.get("/api/figures", params={"period": year, "limit": 500}).json()
    assert by_period["items"] and all(f["period"] == first["period"] for f in by_period["items"])
    for figure in everything["items"]:
        assert figure["source"]["iri"].startswith("https://w3id.org/thcm/id/source/")
    pages = [http.get("/api/figures", params={"limit": 3, "offset": o}).json() for o in range(0, everything["total"], 3)]
    assert [f["iri"] for p in pages for f in p["items"]] == [f["iri"] for f in everything["items"]]


@pytest.mark.parametrize("params", [
    {"q": '\'") } ; DROP ALL ; #'},
    {"q": '" || true || "'},
    {"q": "\\\"))) } UNION { ?actor ?p ?o } #"},
    {"field": "> } UNION { ?s ?p ?o"},
    {"field": "https://w3id.org/thcm/id/field/x> } UNION { ?s ?p ?o } #"},
    {"network": "x> . ?actor ?p ?o } #"},
    {"kind": "Agency> } UNION { ?s ?p ?o"},
])
def test_injection_attempts_change_nothing(http: httpx.Client, store: Store, params: dict[str, str]) -> None:
    before, stored_before = served_quads(http), store.count()
    response = http.get("/api/actors", params=params)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert response.json()["total"] == 0 and response.json()["items"] == []
    else:
        assert response.json()["error"]["status"] == 400
    assert served_quads(http) == before and store.count() == stored_before


@pytest.mark.parametrize("params", [
    {"subject": "x> } UNION { ?s ?p ?o } #"},
    {"measure": "memberCount> ; ?p ?o"},
    {"period": "2012> } #"},
])
def test_figure_injection_attempts_are_refused(http: httpx.Client, params: dict[str, str]) -> None:
    before = served_quads(http)
    response = http.get("/api/figures", params=params)
    assert response.status_code == 400 and response.json()["error"]["status"] == 400
    assert served_quads(http) == before


def test_openapi_documents_the_rest_api(http: httpx.Client) -> None:
    spec = http.get("/openapi.json").json()
    for path in ("/api/actors", "/api/actors/{slug}", "/api/fields", "/api/networks", "/api/figures"):
        assert path in spec["paths"]
    for model in ("ActorPage", "ActorDetailModel", "FieldCatalogueModel", "NetworkModel", "FigurePage"):
        assert model in spec["components"]["schemas"]
    assert http.get("/docs").status_code == 200
