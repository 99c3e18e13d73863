"""The query classes of issue 13, and how their IRIs and search words are picked from the data.

The same text goes to every engine: no engine-specific syntax, explicit PREFIXes (Virtuoso and
rdflib know none of ours). The picked IRIs and words are written into the templates as RDF terms
serialised by rdflib (``URIRef.n3()``, ``Literal.n3()``), never by pasting raw strings, because
three different servers must receive identical text (no engine offers the same parameter binding).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import Template

from rdflib import Literal, URIRef

PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX thcm: <https://w3id.org/thcm/ontology#>
"""

JSON = "application/sparql-results+json"
TURTLE = "text/turtle"


@dataclass(frozen=True)
class Query:
    """One query class: its name, the text sent, the Accept header and whether it counts as a cheap lookup.

    ``defined`` is false for DESCRIBE, whose answer SPARQL 1.1 leaves to the engine (§16.4): engines
    may then differ in size and are timed anyway, with the difference shown.
    """

    name: str
    sparql: str
    accept: str = JSON
    cheap: bool = False
    defined: bool = True


# -- picking the benchmark's subjects from the data -------------------------------------------

PICK_ACTOR = PREFIXES + """SELECT ?actor (COUNT(?p) AS ?n) WHERE { ?p thcm:participant ?actor }
GROUP BY ?actor ORDER BY DESC(?n) ?actor LIMIT 1"""
PICK_ACTOR_BY_MEMBERSHIPS = PREFIXES + """SELECT ?actor (COUNT(?body) AS ?n) WHERE { ?actor org:memberOf ?body }
GROUP BY ?actor ORDER BY DESC(?n) ?actor LIMIT 1"""
PICK_NETWORK = PREFIXES + """SELECT ?network (COUNT(?m) AS ?n) WHERE { ?m org:memberOf ?network . ?network a thcm:NetworkOrganisation }
GROUP BY ?network ORDER BY DESC(?n) ?network LIMIT 1"""
PICK_BODY = PREFIXES + """SELECT ?network (COUNT(?m) AS ?n) WHERE { ?m org:memberOf ?network }
GROUP BY ?network ORDER BY DESC(?n) ?network LIMIT 1"""
PICK_FIELD = PREFIXES + """SELECT ?field (COUNT(?a) AS ?n) WHERE { ?a thcm:activeIn ?field }
GROUP BY ?field ORDER BY DESC(?n) ?field LIMIT 1"""
PICK_LABELS = PREFIXES + """SELECT ?label WHERE { $subject skos:prefLabel ?label FILTER(LANG(?label) = $lang) }
ORDER BY ?label"""


@dataclass(frozen=True)
class Picks:
    """What the queries are about: an actor with many participations, a network with members, a field and a word of its name in each language."""

    actor: str
    network: str
    field: str
    word_de: str
    word_en: str


def search_word(labels: list[str]) -> str:
    """The longest plain-ASCII word (≥ 4 letters) of ``labels``, lower-cased: every engine lower-cases it alike.

    >>> search_word(["Netzwerk Künstliche Intelligenz Thüringen 2"])
    'intelligenz'
    """
    words = [w.lower() for label in labels for w in label.split() if re.fullmatch(r"[A-Za-z]{4,}", w)]
    if not words:
        raise ValueError(f"no plain ASCII word of 4 or more letters in {labels!r}")
    return max(words, key=lambda w: (len(w), w))


# -- the query classes --------------------------------------------------------------------------

TEMPLATES = {
    "entity lookup": (Template("SELECT ?p ?o WHERE { $actor ?p ?o }"), JSON, True),
    "label search (de)": (Template(PREFIXES + """SELECT ?s ?label WHERE { ?s skos:prefLabel ?label
  FILTER(LANG(?label) = "de" && CONTAINS(LCASE(STR(?label)), $word_de)) }"""), JSON, False),
    "label search (en)": (Template(PREFIXES + """SELECT ?s ?label WHERE { ?s skos:prefLabel ?label
  FILTER(LANG(?label) = "en" && CONTAINS(LCASE(STR(?label)), $word_en)) }"""), JSON, False),
    "network members": (Template(PREFIXES + """SELECT DISTINCT ?member WHERE {
  { ?member org:memberOf $network } UNION { ?m org:member ?member ; org:organization $network } }"""), JSON, False),
    "2-hop co-participation": (Template(PREFIXES + """SELECT DISTINCT ?other WHERE {
  ?p1 thcm:participant $actor . ?project1 thcm:hasParticipation ?p1 , ?p2 . ?p2 thcm:participant ?partner .
  ?p3 thcm:participant ?partner . ?project2 thcm:hasParticipation ?p3 , ?p4 . ?p4 thcm:participant ?other
  FILTER(?other != $actor) }"""), JSON, False),
    "aggregation by field": (Template(PREFIXES + """SELECT ?field (COUNT(DISTINCT ?actor) AS ?actors) WHERE {
  ?actor thcm:activeIn ?field } GROUP BY ?field"""), JSON, False),
    "DESCRIBE actor": (Template("DESCRIBE $actor"), TURTLE, True),
}

CHEAP = "entity lookup"  # the query timed during the runaway
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def build_queries(picks: Picks) -> list[Query]:
    """The query classes with ``picks`` written in as RDF terms."""
    terms = {
        "actor": URIRef(picks.actor).n3(),
        "network": URIRef(picks.network).n3(),
        "word_de": Literal(picks.word_de).n3(),
        "word_en": Literal(picks.word_en).n3(),
    }
    return [Query(name, template.substitute(terms), accept, cheap, defined=not name.startswith("DESCRIBE"))
            for name, (template, accept, cheap) in TEMPLATES.items()]


def label_query(subject: str, lang: str) -> str:
    """The prefLabels of ``subject`` in ``lang`` (used to pick the search words)."""
    return Template(PICK_LABELS).substitute(subject=URIRef(subject).n3(), lang=Literal(lang).n3())
