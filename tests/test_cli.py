"""The `thcm` command line, run as a real process."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import thcm
from rdflib import Graph

from thcm_graph.config import Settings

pytestmark = pytest.mark.subprocess

COUNT_ACTORS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a <http://www.w3.org/ns/org#Organization> }"
LEG = "https://w3id.org/thcm/id/org/leg-thueringen"
LABELS = f"SELECT ?label WHERE {{ <{LEG}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }} ORDER BY ?label"


def actor_count(settings: Settings) -> int:
    result = thcm(settings, "query", COUNT_ACTORS, "--format", "json")
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"])


def test_query_json(session_build: Settings) -> None:
    assert actor_count(session_build) >= 10


def test_query_csv_and_tsv(session_build: Settings) -> None:
    as_csv = thcm(session_build, "query", LABELS, "--format", "csv")
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["label"]
    assert "Landesentwicklungsgesellschaft Thüringen mbH" in [r[0] for r in rows[1:]]
    as_tsv = thcm(session_build, "query", LABELS, "--format", "tsv")
    assert as_tsv.stdout.splitlines()[0] == "?label"
    assert '"Landesentwicklungsgesellschaft Thüringen mbH"@de' in as_tsv.stdout


def test_query_xml(session_build: Settings) -> None:
    result = thcm(session_build, "query", COUNT_ACTORS, "--format", "xml")
    root = ET.fromstring(result.stdout)
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"


def test_query_table_shows_prefixed_names_and_row_count(session_build: Settings) -> None:
    result = thcm(session_build, "query",
                  f"SELECT ?type WHERE {{ <{LEG}> a ?type }} ORDER BY ?type")
    assert result.returncode == 0, result.stderr
    assert "org:Organization" in result.stdout and "thcm:Agency" in result.stdout
    assert "rows" in result.stdout.splitlines()[-1]


def test_query_from_file_and_from_stdin(session_build: Settings, tmp_path: Path) -> None:
    query_file = tmp_path / "count.rq"
    query_file.write_text(COUNT_ACTORS, encoding="utf-8")
    from_file = thcm(session_build, "query", "-f", str(query_file), "--format", "csv")
    from_stdin = thcm(session_build, "query", "--format", "csv", input=COUNT_ACTORS)
    from_dash = thcm(session_build, "query", "-", "--format", "csv", input=COUNT_ACTORS)
    assert from_file.stdout == from_stdin.stdout == from_dash.stdout
    assert int(from_file.stdout.splitlines()[1]) > 0


def test_construct_as_turtle_parses(session_build: Settings) -> None:
    result = thcm(session_build, "query", f"DESCRIBE <{LEG}>", "--format", "turtle")
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) > 3


def test_ask_prints_true_or_false(session_build: Settings) -> None:
    assert thcm(session_build, "query", f"ASK {{ <{LEG}> ?p ?o }}").stdout.strip() == "true"
    assert thcm(session_build, "query", "ASK { <urn:nothing> ?p ?o }").stdout.strip() == "false"


def test_graph_option_restricts_the_default_graph(session_build: Settings) -> None:
    only_ontology = thcm(session_build, "query", COUNT_ACTORS, "--format", "csv",
                         "--graph", "https://w3id.org/thcm/graph/ontology")
    assert only_ontology.stdout.splitlines()[1] == "0"


def test_malformed_query_exits_1_with_position(session_build: Settings) -> None:
    result = thcm(session_build, "query", "SELECT * WHERE { ?s ?p }")
    assert result.returncode == 1
    assert "malformed query" in result.stderr and "1:" in result.stderr
    assert "Traceback" not in result.stderr


def test_wrong_format_for_query_kind_is_explained(session_build: Settings) -> None:
    result = thcm(session_build, "query", f"DESCRIBE <{LEG}>", "--format", "csv")
    assert result.returncode == 1
    assert "CONSTRUCT/DESCRIBE result is RDF" in result.stderr


def test_query_without_a_build_says_what_to_do(project: Settings) -> None:
    result = thcm(project, "query", COUNT_ACTORS)
    assert result.returncode == 3
    assert "run `thcm build` first" in result.stderr


def test_stats_counts_graphs_and_classes(session_build: Settings) -> None:
    result = thcm(session_build, "stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["triples"] == sum(stats["graphs"].values())
    assert stats["classes"]["http://www.w3.org/ns/org#Organization"] == actor_count(session_build)
    table = thcm(session_build, "stats")
    assert "org:Organization" in table.stdout and "total" in table.stdout


def test_validate_reports_without_publishing(project: Settings) -> None:
    result = thcm(project, "validate")
    assert result.returncode == 0, result.stderr
    assert "0 violations" in result.stdout
    assert not project.state_path.exists() or not (project.state_path / "current").exists()


def test_build_prints_graphs_and_publishes(project: Settings) -> None:
    result = thcm(project, "build")
    assert result.returncode == 0, result.stderr
    assert "graph/thcm-brochure-2012" in result.stdout
    assert "published to" in result.stdout
    assert actor_count(project) >= 10


def test_bad_setting_names_the_variable(session_build: Settings) -> None:
    result = thcm(session_build, "stats", extra_env={"THCM_PORT": "eighty"})
    assert result.returncode == 1
    assert "THCM_PORT='eighty'" in result.stderr


@pytest.mark.parametrize("command", ["build", "validate", "query", "serve", "stats", "settings"])
def test_every_command_has_help(session_build: Settings, command: str) -> None:
    result = thcm(session_build, command, "--help")
    assert result.returncode == 0
    first = result.stdout.splitlines()[0]
    assert first.startswith("Usage:") and f" {command} " in first + " "
    assert len(result.stdout.splitlines()) > 3
