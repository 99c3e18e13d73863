"""Every dump format round-trips: export → parse with rdflib → isomorphic to the store's content."""

from __future__ import annotations

import io

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from thcm_graph.config import Settings
from thcm_graph.errors import InputError
from thcm_graph.export.dumps import write_dump
from thcm_graph.export.formats import FORMATS, dump_format, format_for_file
from thcm_graph.store import Store

RDFLIB_FORMAT = {"nq": "nquads", "trig": "trig", "ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
ONE_GRAPH = "https://w3id.org/thcm/graph/pm-region-profile-deg"


def _export(store: Store, key: str, settings: Settings, graph: str | None = None) -> bytes:
    buffer = io.BytesIO()
    write_dump(store, buffer, FORMATS[key], graph=graph, ontology_dir=settings.ontology_path)
    return buffer.getvalue()


@pytest.mark.parametrize("key", list(FORMATS))
def test_whole_store_round_trips(key: str, store: Store, expected: dict[str, Graph], union: Graph,
                                 backend_settings: Settings) -> None:
    data = _export(store, key, backend_settings)
    fmt = FORMATS[key]
    if fmt.holds_graphs:
        dataset = Dataset()
        dataset.parse(data=data, format=RDFLIB_FORMAT[key])
        parsed = {str(g.identifier): g for g in dataset.graphs() if len(g)}
        assert set(parsed) == set(expected)
        for name, graph in expected.items():
            assert isomorphic(parsed[name], graph), f"{key}: graph {name} differs"
    else:
        parsed_graph = Graph().parse(data=data, format=RDFLIB_FORMAT[key])
        assert len(parsed_graph) == len(union)
        assert isomorphic(parsed_graph, union), f"{key}: the union differs"


@pytest.mark.parametrize("key", list(FORMATS))
def test_one_graph_round_trips(key: str, store: Store, expected: dict[str, Graph], backend_settings: Settings) -> None:
    data = _export(store, key, backend_settings, graph=ONE_GRAPH)
    if FORMATS[key].holds_graphs:
        dataset = Dataset()
        dataset.parse(data=data, format=RDFLIB_FORMAT[key])
        non_empty = [g for g in dataset.graphs() if len(g)]
        assert [str(g.identifier) for g in non_empty] == [ONE_GRAPH]
        parsed = non_empty[0]
    else:
        parsed = Graph().parse(data=data, format=RDFLIB_FORMAT[key])
    assert isomorphic(parsed, expected[ONE_GRAPH])


def test_jsonld_uses_the_project_context(store: Store, backend_settings: Settings) -> None:
    text = _export(store, "jsonld", backend_settings).decode("utf-8")
    assert '"prefLabel"' in text and '"@context"' in text
    assert "http://www.w3.org/2004/02/skos/core#prefLabel" not in text


def test_unknown_graph_is_an_input_error(store: Store, backend_settings: Settings) -> None:
    with pytest.raises(InputError, match="no named graph"):
        _export(store, "nt", backend_settings, graph="https://example.org/nope")


def test_format_names() -> None:
    assert dump_format("turtle") is FORMATS["ttl"]
    with pytest.raises(InputError, match="unknown export format"):
        dump_format("csv")
    assert format_for_file("thcm.rdf.gz") == (FORMATS["rdfxml"], True)
    with pytest.raises(InputError):
        format_for_file("../etc/passwd")
    assert URIRef(FORMATS["nq"].file_type_iri).startswith("http://publications.europa.eu/")
