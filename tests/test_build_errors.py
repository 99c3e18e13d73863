"""Bad data: the build names the problem, exits non-zero, and publishes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import thcm

from thcm_graph.build import build, check
from thcm_graph.config import Settings
from thcm_graph.errors import DataSyntaxError, InputError, ValidationFailed
from thcm_graph.store import StateLayout, open_published

COUNT_ACTORS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a <http://www.w3.org/ns/org#Organization> }"
LIST_ALL = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"

PREFIXES = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix thcm: <https://w3id.org/thcm/ontology#> .
@prefix org: <https://w3id.org/thcm/id/org/> .
@prefix src: <https://w3id.org/thcm/id/source/> .
"""


def snapshot(settings: Settings) -> list[tuple[object, ...]]:
    store, _ = open_published(settings, in_memory=False)
    return store.query(LIST_ALL).rows  # type: ignore[union-attr]


def write(settings: Settings, relative: str, text: str) -> Path:
    path = settings.data_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_syntax_error_names_file_line_and_column(project: Settings) -> None:
    write(project, "thcm-brochure-2012/broken.ttl", PREFIXES + 'org:x a thcm:Agency ;\n    skos:prefLabel "unterminated@de .\n')
    with pytest.raises(DataSyntaxError) as caught:
        check(project)
    (problem,) = caught.value.problems
    assert problem.path == "data/thcm-brochure-2012/broken.ttl"
    assert problem.line == 7
    assert problem.column is not None
    assert "data/thcm-brochure-2012/broken.ttl:7:" in str(caught.value)


def test_every_broken_file_is_reported_in_one_run(project: Settings) -> None:
    write(project, "thcm-brochure-2012/a.ttl", "@prefix x: <http://e/> .\nx:a x:b .\n")
    write(project, "tmwwdg-industriepolitik/b.ttl", "<http://e/a> <http://e/b> <http://e/c>\n")
    with pytest.raises(DataSyntaxError) as caught:
        check(project)
    assert sorted(p.path for p in caught.value.problems) == [
        "data/thcm-brochure-2012/a.ttl",
        "data/tmwwdg-industriepolitik/b.ttl",
    ]


def test_shacl_violation_names_focus_node_path_value_and_message(project: Settings) -> None:
    # An agency with an English label only, and a homepage written as a string.
    write(project, "thcm-brochure-2012/bad-actor.ttl", PREFIXES + """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
org:test-agentur a thcm:Agency ;
    skos:prefLabel "Test agency"@en ;
    foaf:homepage "https://example.org" ;
    prov:wasDerivedFrom src:thcm-brochure-2012 .
""")
    with pytest.raises(ValidationFailed) as caught:
        check(project)
    violations = caught.value.report.violations
    focus = "<https://w3id.org/thcm/id/org/test-agentur>"
    assert {(v.focus, v.path) for v in violations} == {(focus, "skos:prefLabel"), (focus, "foaf:homepage")}
    label = next(v for v in violations if v.path == "skos:prefLabel")
    assert "German name" in label.message
    homepage = next(v for v in violations if v.path == "foaf:homepage")
    assert homepage.value == "'https://example.org'" or "https://example.org" in (homepage.value or "")
    assert homepage.locations == ("data/thcm-brochure-2012/bad-actor.ttl:7",)


def test_actor_without_provenance_is_rejected(project: Settings) -> None:
    write(project, "thcm-brochure-2012/orphan.ttl", PREFIXES + 'org:waise a thcm:Firm ;\n    skos:prefLabel "Waise GmbH"@de .\n')
    with pytest.raises(ValidationFailed) as caught:
        check(project)
    (violation,) = caught.value.report.violations
    assert violation.path == "prov:wasDerivedFrom"
    assert "where it comes from" in violation.message


def test_bad_iri_pattern_is_rejected(project: Settings) -> None:
    write(project, "thcm-brochure-2012/upper.ttl", PREFIXES +
          'org:Bad_Name a thcm:Firm ;\n    skos:prefLabel "X"@de ;\n    prov:wasDerivedFrom src:thcm-brochure-2012 .\n')
    with pytest.raises(ValidationFailed) as caught:
        check(project)
    assert any("https://w3id.org/thcm/id/org/<slug>" in v.message for v in caught.value.report.violations)


def test_misplaced_data_file_is_refused(project: Settings) -> None:
    write(project, "loose.ttl", "")
    with pytest.raises(InputError, match=r"data/loose.ttl: data files belong in data/<graph-name>/"):
        check(project)


@pytest.mark.subprocess
@pytest.mark.parametrize("case", ["syntax", "shacl"])
def test_failed_build_exits_non_zero_and_the_previous_store_answers_as_before(built_project: Settings, case: str) -> None:
    layout = StateLayout(built_project.state_path)
    current_before = layout.current_dir()
    before = snapshot(built_project)
    if case == "syntax":
        write(built_project, "thcm-brochure-2012/broken.ttl", PREFIXES + "org:x a thcm:Agency ;;; .\n")
        expected = "data/thcm-brochure-2012/broken.ttl:6"
    else:
        write(built_project, "thcm-brochure-2012/bad.ttl",
              PREFIXES + 'org:ohne-quelle a thcm:Firm ; skos:prefLabel "Ohne Quelle GmbH"@de .\n')
        expected = "<https://w3id.org/thcm/id/org/ohne-quelle> (in data/thcm-brochure-2012/bad.ttl:6) — path prov:wasDerivedFrom"
    result = thcm(built_project, "build")
    assert result.returncode == 1, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert layout.current_dir() == current_before
    assert snapshot(built_project) == before
    count = thcm(built_project, "query", COUNT_ACTORS, "--format", "csv")
    assert count.returncode == 0 and int(count.stdout.splitlines()[1]) > 0


def test_failed_build_leaves_no_staging_directory(built_project: Settings) -> None:
    write(built_project, "thcm-brochure-2012/bad.ttl", PREFIXES + 'org:ohne-quelle a thcm:Firm ; skos:prefLabel "X"@de .\n')
    with pytest.raises(ValidationFailed):
        build(built_project)
    stores = StateLayout(built_project.state_path).stores
    assert [p.name for p in stores.iterdir() if p.name.startswith(".")] == []


def test_disagreeing_figures_are_kept_and_reported_without_failing(project: Settings) -> None:
    figure = """@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix thcm: <https://w3id.org/thcm/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
<https://w3id.org/thcm/id/obs/test-{name}> a qb:Observation ;
    thcm:refSubject <https://w3id.org/thcm/id/org/leg-thueringen> ; thcm:memberCount {value} ;
    sdmx-attribute:unitMeasure <http://qudt.org/vocab/unit/NUM> ;
    sdmx-dimension:refPeriod <http://reference.data.gov.uk/id/year/2012> ;
    thcm:valueAsPrinted "{value}" ; prov:wasDerivedFrom <https://w3id.org/thcm/id/source/thcm-brochure-2012> .
"""
    write(project, "thcm-brochure-2012/box.ttl", figure.replace("{name}", "box").replace("{value}", "60"))
    write(project, "thcm-brochure-2012/annex.ttl", figure.replace("{name}", "annex").replace("{value}", "9"))
    checked = check(project)
    (conflict,) = [c for c in checked.conflicts if c.subject.endswith("/leg-thueringen")]
    assert {(r.observation.rsplit("/", 1)[1], r.value) for r in conflict.readings} == {("test-box", "60"), ("test-annex", "9")}
    text = str(conflict)
    assert "id:org/leg-thueringen thcm:memberCount" in text and 'printed "60"' in text and "id:source/thcm-brochure-2012" in text
