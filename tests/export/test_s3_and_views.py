"""The S3 profile and the framed JSON-LD views say what the store says, and read as JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from thcm_graph.config import Settings
from thcm_graph.errors import InputError
from thcm_graph.export import s3
from thcm_graph.export.jsonld import load_context
from thcm_graph.export.views import framed_view
from thcm_graph.store import OxigraphStore, Store

from .conftest import FIELD

NUTS_DEG = URIRef("http://data.europa.eu/nuts/code/DEG")
QB_OBS = URIRef("http://purl.org/linked-data/cube#Observation")
REF_SUBJECT = URIRef("https://w3id.org/thcm/ontology#refSubject")
#: Statements the profile adds on purpose: about the region (NUTS names, code, level, its fields
#: via dct:relation) and each figure's measure (qb:measureType) and value (sdmx-measure:obsValue,
#: entailed by the measures' rdfs:subPropertyOf).
ADDED = {
    URIRef("http://www.w3.org/2004/02/skos/core#notation"), URIRef("http://data.europa.eu/nuts/level"),
    URIRef("http://purl.org/dc/terms/relation"), URIRef("http://purl.org/linked-data/cube#measureType"),
    URIRef("http://purl.org/linked-data/sdmx/2009/measure#obsValue"),
}


@pytest.fixture(scope="module")
def context(session_build: Settings) -> dict[str, object]:
    return load_context(session_build.ontology_path)


def _as_rdf(document: dict[str, object]) -> Graph:
    return Graph().parse(data=json.dumps(document), format="json-ld")


def test_profile_json_ld_is_the_stores_data(store: Store, union: Graph, context: dict[str, object]) -> None:
    document = s3.to_jsonld(s3.collect(store), context)
    parsed = _as_rdf(document)
    # blank nodes (the role of a membership) cannot be matched by identity: compared below
    extra = [t for t in parsed if t not in union and t[1] not in ADDED and t[0] != NUTS_DEG
             and not any(isinstance(term, BNode) for term in t)]
    assert not extra, f"statements not in the store: {extra[:5]}"
    observations = {s for s in union.subjects(REF_SUBJECT, NUTS_DEG) if (s, RDF.type, QB_OBS) in union}
    assert {URIRef(f["@id"]) for f in document["figures"]} == observations  # type: ignore[index, union-attr]
    assert document["code"] == "DEG" and document["prefLabel"] == {"de": "Thüringen", "en": "Thuringia"}
    roles = {str(o) for s, p, o in parsed if isinstance(s, BNode)}
    assert roles and roles <= {str(o) for s, p, o in union if isinstance(s, BNode) and p == URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")}
    members = {m["@id"] for body in document["bodies"] for m in body["memberOf"]}  # type: ignore[union-attr, index]
    assert "https://w3id.org/thcm/id/org/errin" in members
    for figure in document["figures"]:  # type: ignore[union-attr]
        assert {"measure", "value", "unitMeasure", "valueAsPrinted"} <= set(figure)


def test_profile_lists_nace_nabs_and_objectives(store_with_codes: OxigraphStore, context: dict[str, object]) -> None:
    profile = s3.collect(store_with_codes)
    field = next(f for f in profile.fields if f.iri == str(FIELD))
    assert {(c.system, c.notation) for c in field.codes} == {("NACE", "2660"), ("NABS", "NABS07"), ("S3 policy objective", "D.27")}
    node = next(f for f in s3.to_jsonld(profile, context)["fieldsOfSpecialisation"] if f["@id"] == str(FIELD))
    assert [c["code"] for c in node["naceCodes"]] == ["2660"] and [c["code"] for c in node["policyObjectives"]] == ["D.27"]
    rows = list(csv.DictReader(io.StringIO(s3.to_csv(profile))))
    codes = {(r["code_system"], r["code"]) for r in rows if r["section"] == "field code"}
    assert ("NABS", "NABS07") in codes


def test_profile_csv_rows(store: Store) -> None:
    profile = s3.collect(store)
    rows = list(csv.DictReader(io.StringIO(s3.to_csv(profile))))
    assert tuple(rows[0]) == s3.CSV_COLUMNS
    sections = [r["section"] for r in rows]
    assert sections.count("region") == 1
    assert sections.count("field") == len(profile.fields) >= 5
    assert sections.count("figure") == len(profile.figures) >= 1
    figure = next(r for r in rows if r["section"] == "figure" and r["id"].endswith("deg-population-2019"))
    assert (figure["value"], figure["unit"], figure["ref_period"]) == (
        "2143145", "http://qudt.org/vocab/unit/NUM", "http://reference.data.gov.uk/id/year/2019")


@pytest.mark.parametrize("view,type_iri", [
    ("actors", "http://www.w3.org/ns/org#Organization"),
    ("fields", "https://w3id.org/thcm/ontology#FieldOfSpecialisation"),
])
def test_framed_views(view: str, type_iri: str, store: Store, union: Graph, context: dict[str, object]) -> None:
    document = framed_view(store, view, context)
    instances = set(union.subjects(RDF.type, URIRef(type_iri)))
    top = document["@graph"]
    assert len(top) == len(instances)
    assert all("prefLabel" in node for node in top)
    parsed = _as_rdf(document)
    # blank nodes get new labels in every serialisation: compare the ground statements
    ground = [t for t in parsed if not any(isinstance(term, BNode) for term in t)]
    assert ground and all(t in union for t in ground), "a framed view must not invent statements"


def test_unknown_view(store: Store, context: dict[str, object]) -> None:
    with pytest.raises(InputError, match="unknown view"):
        framed_view(store, "projects", context)
