"""Batched validation (validate_store) reports exactly what whole-graph validation reports.

Compared as sets of (severity, focus node, path, value, message); blank-node labels differ
between the two (each parse of N-Triples mints its own), so they are compared as ``_:b``.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, URIRef

from tests.test_shapes import CASES, HERE, REPO
from thcm_graph.build import validate_batched
from thcm_graph.build.entail import entail
from thcm_graph.build.parse import SourceFile, discover, parse_files
from thcm_graph.build.validate import ValidationReport, load_shapes, to_rdflib, validate
from thcm_graph.build.validate_batched import touched_nodes, unbatchable, validate_store
from thcm_graph.build.xone_precheck import one_value_xones
from thcm_graph.store import OxigraphStore

SHAPES = load_shapes(REPO / "shapes")


def results(report: ValidationReport) -> set[tuple[str, str, str | None, str | None, str]]:
    def bnode(text: str | None) -> str | None:
        return None if text is None else re.sub(r"_:\S+", "_:b", text)

    return {(p.severity, bnode(p.focus) or "", p.path, bnode(p.value), p.message) for p in report.problems}


def both(store: OxigraphStore, batch_size: int) -> tuple[ValidationReport, ValidationReport]:
    whole = validate(to_rdflib(store, store.named_graphs()), SHAPES)
    return whole, validate_store(store, SHAPES, batch_size=batch_size)


def test_the_project_shapes_can_be_batched() -> None:
    assert unbatchable(SHAPES) == []


@pytest.mark.parametrize("batch_size", [1, 7, 2_000])
def test_the_curated_data_gives_the_same_results_whole_and_in_batches(batch_size: int) -> None:
    parsed = parse_files(discover(REPO / "ontology", REPO / "data", REPO))
    entail(parsed.store)
    whole, batched = both(parsed.store, batch_size)
    assert whole.problems, "the curated data has warnings and notes to compare"
    assert results(batched) == results(whole)


@pytest.mark.parametrize("recycle_after", [validate_batched.RECYCLE_AFTER, 2])
def test_batches_checked_in_this_process_give_the_same_results_as_in_worker_processes(
        recycle_after: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also when the workers are replaced every two batches (the curated data makes dozens of batches of 7)."""
    monkeypatch.setattr(validate_batched, "RECYCLE_AFTER", recycle_after)
    parsed = parse_files(discover(REPO / "ontology", REPO / "data", REPO))
    entail(parsed.store)
    here = validate_store(parsed.store, SHAPES, batch_size=7, workers=1)
    assert here.problems
    assert threading.active_count() == 1, "workers are forked only from a process without other threads"
    assert results(validate_store(parsed.store, SHAPES, batch_size=7, workers=2)) == results(here)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_shape_case_gives_the_same_results_whole_and_in_batches(case: Path) -> None:
    ontology = [f for f in discover(REPO / "ontology", REPO / "data", REPO) if f.graph.endswith("/ontology")]
    parsed = parse_files([*ontology, SourceFile(HERE / "base.ttl", "https://w3id.org/thcm/graph/test", "base.ttl"),
                          SourceFile(case, "https://w3id.org/thcm/graph/test", case.name)])
    entail(parsed.store)
    whole, batched = both(parsed.store, batch_size=3)
    if case.parent.name == "invalid":
        assert whole.violations or whole.warnings, "an invalid case is reported by whole-graph validation"
    assert results(batched) == results(whole)


def test_validating_only_the_nodes_a_change_touches_finds_its_violation() -> None:
    ontology = [f for f in discover(REPO / "ontology", REPO / "data", REPO) if f.graph.endswith("/ontology")]
    case = next(c for c in CASES if c.parent.name == "invalid")
    parsed = parse_files([*ontology, SourceFile(HERE / "base.ttl", "https://w3id.org/thcm/graph/test", "base.ttl"),
                          SourceFile(case, "https://w3id.org/thcm/graph/test", case.name)])
    entail(parsed.store)
    import pyoxigraph as ox

    changed = touched_nodes(ox.parse(path=str(case), format=ox.RdfFormat.TURTLE))
    incremental = validate_store(parsed.store, SHAPES, focus=changed)
    whole = validate_store(parsed.store, SHAPES)
    expected = {r for r in results(whole) if r[0] == "Violation"}
    assert {r for r in results(incremental) if r[0] == "Violation"} == expected


_OBSERVATION = ox.NamedNode("http://purl.org/linked-data/cube#Observation")


def _observation_quads(case: Path) -> list[ox.Quad]:
    """The triples of the one qb:Observation of a shape case."""
    store = ox.Store()
    store.load(path=str(case), format=ox.RdfFormat.TURTLE)
    observations = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), _OBSERVATION)}
    assert len(observations) == 1
    return list(store.quads_for_pattern(observations.pop(), None, None))


def test_the_observation_measure_xone_is_prechecked_and_only_sure_conformance_skips_pyshacl() -> None:
    precheck = one_value_xones(SHAPES)[URIRef("https://w3id.org/thcm/shapes#ObservationMeasure")]
    assert len(precheck.alternatives) == 13
    assert precheck.surely_conforms(_observation_quads(HERE / "valid" / "observation.ttl"))
    for name in ("observation-two-measures", "observation-wrong-datatype", "observation-ill-typed-measure",
                 "observation-without-measure", "observation-measure-twice", "observation-integer-for-decimal-measure"):
        assert not precheck.surely_conforms(_observation_quads(HERE / "invalid" / f"{name}.ttl")), name
