"""Each shape rejects what it should and accepts the rest: cases in tests/shapes/{valid,invalid}/.

An invalid case's first line says what must be reported: ``# expect: <focus IRI or _:blank> [path]``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from thcm_graph.build.entail import entail
from thcm_graph.build.parse import SourceFile, discover, parse_files
from thcm_graph.build.validate import ValidationReport, load_shapes, to_rdflib, validate

HERE = Path(__file__).parent / "shapes"
REPO = HERE.parent.parent
CASES = sorted((HERE / "valid").glob("*.ttl")) + sorted((HERE / "invalid").glob("*.ttl"))


def run(case: Path) -> ValidationReport:
    ontology = [f for f in discover(REPO / "ontology", REPO / "data", REPO) if f.graph.endswith("/ontology")]
    files = [
        *ontology,
        SourceFile(HERE / "base.ttl", "https://w3id.org/thcm/graph/test", "base.ttl"),
        SourceFile(case, "https://w3id.org/thcm/graph/test", case.name),
    ]
    parsed = parse_files(files)
    entail(parsed.store)
    return validate(to_rdflib(parsed.store, parsed.store.named_graphs()), load_shapes(REPO / "shapes"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shape_case(case: Path) -> None:
    report = run(case)
    if case.parent.name == "valid":
        assert report.problems == (), "\n".join(map(str, report.problems))
        return
    expectation = case.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").split()
    focus, path = expectation[0], (expectation[1] if len(expectation) > 1 else None)
    matching = [
        v for v in report.violations
        if (v.focus == f"<{focus}>" or (focus.startswith("_:") and v.focus.startswith("_:")))
        and (path is None or v.path == path)
    ]
    assert matching, f"expected a violation at {focus} {path or ''}; got:\n" + "\n".join(map(str, report.problems))
    assert all(v.message for v in report.violations)


def test_every_shape_has_a_message_for_maintainers() -> None:
    """Node shapes and property shapes carry sh:message; inside sh:xone/sh:or the owner's message speaks."""
    from rdflib import Graph, Namespace
    from rdflib.namespace import RDF

    sh = Namespace("http://www.w3.org/ns/shacl#")
    shapes = Graph()
    for path in (REPO / "shapes").glob("*.ttl"):
        shapes.parse(path)
    explained_by_owner = set()
    for operator in (sh.xone, sh["or"]):
        for owner, alternatives in shapes.subject_objects(operator):
            assert shapes.value(owner, sh.message) is not None, owner
            for alternative in shapes.items(alternatives):
                explained_by_owner.add(alternative)
                explained_by_owner.update(shapes.objects(alternative, sh.property))
    shapes_to_explain = set(shapes.subjects(RDF.type, sh.NodeShape)) | set(shapes.subjects(sh.path, None))
    silent = [s for s in shapes_to_explain - explained_by_owner if shapes.value(s, sh.message) is None]
    assert silent == []
