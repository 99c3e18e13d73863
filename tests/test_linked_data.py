"""Linked-data pages against a real `thcm serve`: content negotiation, 404s, what the HTML shows.

Expected values come from the store of the same build (queried here), not from numbers written
into the tests, so the tests hold while the data grows.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from thcm_graph.config import Settings
from thcm_graph.store import Store, open_published
from thcm_graph.store.results import GraphResult, SelectResult

pytestmark = pytest.mark.subprocess

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ID = "https://w3id.org/thcm/id/"
PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX thcm: <https://w3id.org/thcm/ontology#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
"""


@pytest.fixture(scope="module")
def store(session_build: Settings) -> Iterator[Store]:
    """The session build, opened here to compute what the server should answer."""
    store, _ = open_published(session_build)
    yield store



def select(store: Store, query: str) -> list[dict[str, object]]:
    result = store.query(PREFIXES + query)
    assert isinstance(result, SelectResult)
    return result.as_dicts()  # type: ignore[return-value]


def path_of(iri: str) -> str:
    assert iri.startswith(ID), iri
    return "/id/" + iri[len(ID):]


@pytest.fixture(scope="module")
def bilingual_actor(store: Store) -> tuple[str, str, str]:
    """An actor with a German and an English preferred label that differ."""
    rows = select(store, """SELECT ?a ?de ?en WHERE { ?a a org:Organization ; skos:prefLabel ?de, ?en .
        FILTER(LANG(?de) = "de" && LANG(?en) = "en" && STR(?de) != STR(?en)) } ORDER BY ?a LIMIT 1""")
    assert rows, "the data has no actor with differing German and English labels"
    return str(rows[0]["a"]), str(rows[0]["de"]), str(rows[0]["en"])


@pytest.fixture(scope="module")
def figure_subject(store: Store) -> str:
    """One of our resources that figures are about."""
    rows = select(store, f"""SELECT DISTINCT ?s WHERE {{ ?o a qb:Observation ; thcm:refSubject ?s .
        FILTER(STRSTARTS(STR(?s), "{ID}org/")) }} ORDER BY ?s LIMIT 1""")
    assert rows
    return str(rows[0]["s"])


def subject_triples(store: Store, iri: str) -> Graph:
    result = store.query(f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}")
    assert isinstance(result, GraphResult)
    graph = Graph()
    for triple in result:
        graph.add(triple)
    return graph


def test_browsers_get_german_html_with_vary(http: httpx.Client, bilingual_actor: tuple[str, str, str]) -> None:
    iri, de, en = bilingual_actor
    response = http.get(path_of(iri), headers={"accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "Accept" in [v.strip() for v in response.headers["vary"].split(",")]
    page = html.unescape(response.text)
    assert '<html lang="de">' in page
    assert f"<h1>{de}</h1>" in page
    assert de in page and en in page  # both languages are shown


def test_lang_switch_gives_english(http: httpx.Client, bilingual_actor: tuple[str, str, str]) -> None:
    iri, _, en = bilingual_actor
    page = html.unescape(http.get(path_of(iri), params={"lang": "en"}, headers={"accept": BROWSER}).text)
    assert '<html lang="en">' in page and f"<h1>{en}</h1>" in page
    assert http.get(path_of(iri), params={"lang": "fr"}).status_code == 422


@pytest.mark.parametrize("accept,rdflib_format", [
    ("text/turtle", "turtle"),
    ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"),
])
def test_machines_get_the_description_in_rdf(http: httpx.Client, store: Store, bilingual_actor: tuple[str, str, str],
                                             accept: str, rdflib_format: str) -> None:
    iri, _, _ = bilingual_actor
    response = http.get(path_of(iri), headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{accept}; charset=utf-8"
    assert "Accept" in [v.strip() for v in response.headers["vary"].split(",")]
    graph = Graph().parse(data=response.content, format=rdflib_format)
    expected = subject_triples(store, iri)
    assert len(expected) > 0
    missing = [t for t in expected if t not in graph]
    assert not missing, f"triples about {iri} missing from the {accept} description: {missing[:3]}"


def test_all_rdf_formats_say_the_same(http: httpx.Client, figure_subject: str) -> None:
    graphs = [
        Graph().parse(data=http.get(path_of(figure_subject), params={"format": name}).content, format=parser)
        for name, parser in (("turtle", "turtle"), ("jsonld", "json-ld"), ("ntriples", "nt"), ("rdfxml", "xml"))
    ]
    assert all(isomorphic(graphs[0], other) for other in graphs[1:])


@pytest.mark.parametrize("accept", ["application/ld+json", "application/json", "text/html;q=0.5, application/json"])
def test_jsonld_uses_the_project_context(http: httpx.Client, bilingual_actor: tuple[str, str, str], accept: str) -> None:
    iri, de, _ = bilingual_actor
    response = http.get(path_of(iri), headers={"accept": accept})
    assert response.headers["content-type"] == "application/ld+json; charset=utf-8"
    document = response.json()
    assert document["@context"]["thcm"] == "https://w3id.org/thcm/ontology#"
    nodes = {node["@id"]: node for node in document.get("@graph", [document])}
    assert nodes[iri]["prefLabel"]["de"] == de  # the context's language map


def test_rdf_includes_incoming_links_and_labels_of_linked_resources(http: httpx.Client, store: Store) -> None:
    rows = select(store, """SELECT ?field ?actor ?label WHERE { ?actor thcm:activeIn ?field .
        ?field skos:prefLabel ?label . FILTER(STRSTARTS(STR(?field), "https://w3id.org/thcm/id/field/")) }
        ORDER BY ?field ?actor LIMIT 1""")
    field, actor = rows[0]["field"], rows[0]["actor"]
    graph = Graph().parse(data=http.get(path_of(str(field)), headers={"accept": "text/turtle"}).text, format="turtle")
    assert (actor, URIRef("https://w3id.org/thcm/ontology#activeIn"), field) in graph
    actor_graph = Graph().parse(data=http.get(path_of(str(actor)), params={"format": "turtle"}).text, format="turtle")
    assert (field, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), rows[0]["label"]) in actor_graph


def test_html_shows_figures_with_their_sources(http: httpx.Client, store: Store, figure_subject: str) -> None:
    figures = select(store, f"""SELECT ?obs ?printed ?locator ?title WHERE {{
        ?obs a qb:Observation ; thcm:refSubject <{figure_subject}> ; thcm:valueAsPrinted ?printed ;
             thcm:locator ?locator ; prov:wasDerivedFrom ?source . ?source dct:title ?title }}""")
    assert figures
    page = html.unescape(http.get(path_of(figure_subject)).text)
    section = page.split('id="figures"', 1)[1].split("</section>", 1)[0]
    for figure in figures:
        assert path_of(str(figure["obs"])) in section
        assert str(figure["printed"]) in section
        assert str(figure["locator"]) in section
        assert str(figure["title"]) in section


def test_html_shows_incoming_links(http: httpx.Client, store: Store) -> None:
    rows = select(store, """SELECT ?network ?member WHERE { ?member org:memberOf ?network .
        FILTER(STRSTARTS(STR(?member), "https://w3id.org/thcm/id/")) } ORDER BY ?network ?member LIMIT 1""")
    network, member = str(rows[0]["network"]), str(rows[0]["member"])
    page = http.get(path_of(network)).text
    incoming = page.split('id="incoming"', 1)[1]
    assert f'href="{path_of(member)}"' in incoming


def test_html_names_the_graphs_stating_each_fact(http: httpx.Client, store: Store, bilingual_actor: tuple[str, str, str]) -> None:
    iri, _, _ = bilingual_actor
    graphs = select(store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")
    page = http.get(path_of(iri)).text
    for row in graphs:
        assert f'title="{row["g"]}"' in page


def test_unknown_resources_are_404(http: httpx.Client) -> None:
    page = http.get("/id/org/no-such-actor", headers={"accept": BROWSER})
    assert page.status_code == 404 and "https://w3id.org/thcm/id/org/no-such-actor" in page.text
    rdf = http.get("/id/org/no-such-actor", headers={"accept": "text/turtle"})
    assert rdf.status_code == 404 and "Accept" in [v.strip() for v in rdf.headers["vary"].split(",")]
    assert "no statements" in rdf.json()["error"]["message"]
    assert http.get("/id/nokind/x", headers={"accept": "text/turtle"}).status_code == 404
    assert http.get("/ontology/NoSuchTerm", headers={"accept": BROWSER}).status_code == 404


def test_everything_is_escaped(http: httpx.Client) -> None:
    response = http.get('/id/org/"><img src=x onerror=alert(1)>', headers={"accept": BROWSER})
    assert response.status_code == 404
    assert "<img" not in response.text and "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_unacceptable_media_type_is_406(http: httpx.Client, bilingual_actor: tuple[str, str, str]) -> None:
    response = http.get(path_of(bilingual_actor[0]), headers={"accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.json()["error"]["message"]


def test_ontology_document_and_terms_resolve(http: httpx.Client, store: Store) -> None:
    labels = select(store, """SELECT ?de ?en WHERE { thcm:Agency <http://www.w3.org/2000/01/rdf-schema#label> ?de, ?en .
        FILTER(LANG(?de) = "de" && LANG(?en) = "en") }""")
    page = http.get("/ontology", headers={"accept": BROWSER})
    assert page.status_code == 200 and 'id="Agency"' in page.text and 'href="/ontology/Agency"' in page.text
    term = html.unescape(http.get("/ontology/Agency").text)
    assert str(labels[0]["de"]) in term and str(labels[0]["en"]) in term
    turtle = Graph().parse(data=http.get("/ontology", headers={"accept": "text/turtle"}).text, format="turtle")
    assert (URIRef("https://w3id.org/thcm/ontology#Agency"), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef("http://www.w3.org/2002/07/owl#Class")) in turtle
    term_rdf = Graph().parse(data=http.get("/ontology/Agency", params={"format": "ttl"}).text, format="turtle")
    assert len(term_rdf) > 0


def test_pages_link_our_iris_to_their_pages(http: httpx.Client, bilingual_actor: tuple[str, str, str]) -> None:
    page = http.get(path_of(bilingual_actor[0])).text
    assert 'href="/ontology/' in page and 'href="/id/source/' in page
    assert 'href="https://w3id.org/thcm/' not in page


def test_head_answers_like_get_without_a_body(http: httpx.Client, bilingual_actor: tuple[str, str, str]) -> None:
    response = http.head(path_of(bilingual_actor[0]), headers={"accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    assert response.content == b""


def test_etag_changes_with_format_and_language_and_revalidates(http: httpx.Client, bilingual_actor: tuple[str, str, str]) -> None:
    path = path_of(bilingual_actor[0])
    german = http.get(path, headers={"accept": BROWSER})
    english = http.get(path, params={"lang": "en"}, headers={"accept": BROWSER})
    turtle = http.get(path, headers={"accept": "text/turtle"})
    tags = {german.headers["etag"], english.headers["etag"], turtle.headers["etag"]}
    assert len(tags) == 3 and all(german.headers["x-thcm-build"] in tag for tag in tags)
    again = http.get(path, headers={"accept": "text/turtle", "if-none-match": turtle.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    other = http.get(path, headers={"accept": BROWSER, "if-none-match": turtle.headers["etag"]})
    assert other.status_code == 200


def test_blank_nodes_below_a_resource_are_described(http: httpx.Client, store: Store) -> None:
    rows = select(store, """SELECT ?m ?label WHERE { ?m org:role ?role . ?role skos:prefLabel ?label .
        FILTER(isBlank(?role) && STRSTARTS(STR(?m), "https://w3id.org/thcm/id/")) } ORDER BY ?m LIMIT 1""")
    assert rows, "the data has no membership with a blank-node role"
    membership, label = rows[0]["m"], rows[0]["label"]
    graph = Graph().parse(data=http.get(path_of(str(membership)), params={"format": "turtle"}).text, format="turtle")
    roles = list(graph.objects(membership, URIRef("http://www.w3.org/ns/org#role")))
    assert any((role, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), label) in graph for role in roles)
    assert html.escape(str(label), quote=False) in http.get(path_of(str(membership))).text


def test_ontology_lists_are_shown_as_their_members(http: httpx.Client, store: Store) -> None:
    rows = select(store, """SELECT ?term ?member WHERE { GRAPH <https://w3id.org/thcm/graph/ontology> {
        ?term ?p ?b . ?b owl:unionOf ?list . ?list rdf:rest*/rdf:first ?member }
        FILTER(STRSTARTS(STR(?term), STR(thcm:))) } ORDER BY ?term""")
    assert rows
    term = str(rows[0]["term"])
    members = {str(r["member"]) for r in rows if str(r["term"]) == term}
    page = http.get("/ontology/" + term.split("#")[1]).text
    listed = page.split('class="inline-list"', 1)[1].split("</ul>", 1)[0]
    assert all(f'title="{member}"' in listed for member in members)
