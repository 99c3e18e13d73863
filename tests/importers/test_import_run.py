"""`thcm import`: all or nothing, dry run, idempotence, one graph per file, and the build and hub
analysis seeing the imported co-participation network."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from thcm_graph.analysis.networks import actor_projection, load_ecosystem
from thcm_graph.build import check
from thcm_graph.cli import main
from thcm_graph.config import Settings
from thcm_graph.errors import InputError
from thcm_graph.importers.run import run_import

from .test_sources import SHARED, efre_fixture

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data (the real public files)")
CORDIS = [SHARED / "cordis_h2020" / "organization.json", SHARED / "cordis_h2020" / "project.json"]


def imports(settings: Settings) -> Path:
    return settings.state_path / "imports"


def test_import_then_build_gives_named_graphs_with_provenance_and_coparticipation(project: Settings) -> None:
    outcome = run_import("cordis", CORDIS, data_dir=project.data_path, imports_dir=imports(project))
    assert sorted(p.name for p in outcome.written) == ["import-cordis-organization.nt", "import-cordis-project.nt"]
    checked = check(project)  # parses the import graphs and validates them against the shapes
    store = checked.parsed.store
    graphs = set(store.named_graphs())
    assert "https://w3id.org/thcm/graph/import-cordis-organization" in graphs
    rows = store.query("""SELECT ?date ?publisher WHERE { GRAPH <https://w3id.org/thcm/graph/import-cordis-organization> {
        <https://w3id.org/thcm/id/source/import-cordis-organization> <http://purl.org/dc/terms/date> ?date ;
            <http://purl.org/dc/terms/publisher> ?publisher } }""")
    assert [(str(r["date"]), str(r["publisher"])) for r in rows.as_dicts()] == [("2026-11-23", "European Commission, CORDIS")]
    eco = load_ecosystem(store)
    projection = actor_projection(eco, include_isolates=False)
    fsu = "https://w3id.org/thcm/id/org/fsu"
    partners = set(projection.neighbors(fsu))
    assert len(partners) >= 180  # the other GrapheneCore2 participants
    assert "https://w3id.org/thcm/id/org/cordis-999975892" in partners or len(partners) > 180


def test_nothing_written_unless_every_file_imports(project: Settings, tmp_path: Path) -> None:
    bad = efre_fixture(tmp_path, lambda ls: [ls[0].replace(";", ","), *ls[1:]])
    good = efre_fixture(tmp_path, name="efre_2014_2020_good.csv")
    with pytest.raises(InputError):
        run_import("efre", [good, bad], data_dir=project.data_path, imports_dir=imports(project))
    assert not imports(project).exists() or not list(imports(project).iterdir())


def test_dry_run_writes_nothing_and_reimport_changes_nothing(project: Settings) -> None:
    outcome = run_import("cordis", CORDIS[1:], data_dir=project.data_path, imports_dir=imports(project), dry_run=True)
    assert outcome.reports[0].rows_read == 2 and not outcome.written and not imports(project).exists()
    first = run_import("cordis", CORDIS[1:], data_dir=project.data_path, imports_dir=imports(project))
    before = first.written[0].read_bytes()
    second = run_import("cordis", CORDIS[1:], data_dir=project.data_path, imports_dir=imports(project))
    assert second.unchanged == first.written and not second.written
    assert second.unchanged[0].read_bytes() == before


def test_newer_file_replaces_only_its_own_graph(project: Settings, tmp_path: Path) -> None:
    run_import("cordis", CORDIS, data_dir=project.data_path, imports_dir=imports(project))
    org_graph = (imports(project) / "import-cordis-organization.nt").read_bytes()
    newer = tmp_path / "project.json"
    newer.write_text(CORDIS[1].read_text(encoding="utf-8").replace('"acronym": "ITEAM"', '"acronym": "ITEAM2"'), encoding="utf-8")
    outcome = run_import("cordis", [newer], data_dir=project.data_path, imports_dir=imports(project))
    assert [p.name for p in outcome.written] == ["import-cordis-project.nt"]
    assert b"ITEAM2" in outcome.written[0].read_bytes()
    assert (imports(project) / "import-cordis-organization.nt").read_bytes() == org_graph


def test_cli_reports_file_line_and_column(project: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THCM_PROJECT_DIR", str(project.project_dir))
    monkeypatch.setenv("THCM_STATE_DIR", str(project.state_path))
    bad = efre_fixture(tmp_path, lambda ls: [ls[0].replace("operation postcode", "PLZ"), *ls[1:]])
    result = CliRunner().invoke(main, ["import", "efre", str(bad)])
    assert result.exit_code == 1
    assert "efre_2014_2020_bad.csv:1:8: expected column 'operation postcode', found 'plz'" in result.output
    report = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["import", "cordis", str(CORDIS[1]), "--dry-run", "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "dry run: nothing written" in result.output and '"rows_read": 2' in report.read_text(encoding="utf-8")


def test_cli_import_with_build_publishes_the_import_graph(project: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from thcm_graph.store import open_published

    monkeypatch.setenv("THCM_PROJECT_DIR", str(project.project_dir))
    monkeypatch.setenv("THCM_STATE_DIR", str(project.state_path))
    result = CliRunner().invoke(main, ["import", "cordis", *map(str, CORDIS), "--build"])
    assert result.exit_code == 0, result.output
    assert "published build" in result.output
    store, publication = open_published(project)
    assert "https://w3id.org/thcm/graph/import-cordis-organization" in publication.manifest["graphs"]
    del store


def test_cli_import_with_failing_build_is_undone(project: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """IMI participants alone name organisations nobody describes: the build fails, the import is taken back."""
    monkeypatch.setenv("THCM_PROJECT_DIR", str(project.project_dir))
    monkeypatch.setenv("THCM_STATE_DIR", str(project.state_path))
    participants = SHARED / "imi_project_navigator" / "participants_thueringen.js"
    result = CliRunner().invoke(main, ["import", "imi", str(participants), "--build"])
    assert result.exit_code == 1
    assert "the import graphs were put back" in result.output
    assert not (imports(project) / "import-imi-participants-thueringen.nt").exists()


EFRE_LISTS = [SHARED / "efre_thueringen" / "efre_2014_2020_vorhaben_20160630.csv",
              SHARED / "efre_thueringen" / "efre_2007_2013_beguenstigte.csv"]


def test_the_two_erdf_lists_resolve_one_firm_to_one_actor(project: Settings) -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL

    org = "https://w3id.org/thcm/id/org/"
    # given in either order, the 2007-2013 list is resolved against the 2014-2020 one
    outcome = run_import("efre", EFRE_LISTS[::-1], data_dir=project.data_path, imports_dir=imports(project))
    old = Graph().parse(imports(project) / "import-efre-efre-2007-2013-beguenstigte.nt", format="nt")
    same = {(str(s), str(o)) for s, o in old.subject_objects(OWL.sameAs)}
    # a spelling variant (typo) and an identical name in the other list: one actor, with the evidence reported
    assert (org + "efre-2007-2013-auromation-uhr-gmbh", org + "efre-2014-2020-automation-uhr-gmbh") in same
    assert (org + "efre-2007-2013-asphericon-gmbh", org + "efre-2014-2020-asphericon-gmbh") in same
    report = next(r for r in outcome.reports if "2007" in r.files[0])
    evidence = {m["name"]: m["evidence"] for m in report.matches}
    assert "import-efre-efre-2014-2020" in evidence["auromation Uhr GmbH"]
    # the participations of the older list name the actor of the newer list
    part = next(iter(old.subjects(URIRef("https://w3id.org/thcm/ontology#participant"),
                                  URIRef(org + "efre-2014-2020-automation-uhr-gmbh"))), None)
    assert part is not None
    # hard negatives: same name in another town, two firms sharing a trade word
    assert not [o for s, o in same if s == org + "efre-2007-2013-technologie-und-gruenderzentrum-gera-gmbh"]
    assert not [o for s, o in same if s == org + "efre-2007-2013-vista-electronic-gmbh"]
    # re-importing changes nothing; the newer list is not resolved against the older one
    again = run_import("efre", EFRE_LISTS, data_dir=project.data_path, imports_dir=imports(project))
    assert len(again.unchanged) == 2 and not again.written
    new = Graph().parse(imports(project) / "import-efre-efre-2014-2020-vorhaben-20160630.nt", format="nt")
    assert not [o for o in new.objects(None, OWL.sameAs) if "efre-2007-2013" in str(o)]
