"""``thcm export``, ``catalog``, ``void``, ``s3-profile`` and ``dumps`` as real processes: output,
exit codes and messages."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from conftest import thcm
from rdflib import Dataset, Graph

from thcm_graph.config import Settings
from thcm_graph.export.formats import FORMATS

pytestmark = pytest.mark.subprocess


def test_export_to_stdout_and_to_a_gzip_file(backend_settings: Settings, union: Graph, tmp_path: Path) -> None:
    result = thcm(backend_settings, "export", "--format", "nt")
    assert result.returncode == 0, result.stderr
    assert len(Graph().parse(data=result.stdout, format="nt")) == len(union)
    target = tmp_path / "dump.nq.gz"
    result = thcm(backend_settings, "export", "--format", "nquads", "-o", str(target))
    assert result.returncode == 0, result.stderr
    dataset = Dataset()
    dataset.parse(data=gzip.decompress(target.read_bytes()), format="nquads")
    assert sum(len(g) for g in dataset.graphs()) > len(union)  # quads: a triple stated in two graphs counts twice


def test_export_one_graph(backend_settings: Settings, expected: dict[str, Graph]) -> None:
    graph = "https://w3id.org/thcm/graph/thcm-brochure-2012"
    result = thcm(backend_settings, "export", "--format", "ttl", "--graph", graph)
    assert result.returncode == 0, result.stderr
    assert len(Graph().parse(data=result.stdout, format="turtle")) == len(expected[graph])


def test_unknown_format_is_a_usage_error(backend_settings: Settings) -> None:
    result = thcm(backend_settings, "export", "--format", "csv")
    assert result.returncode == 2
    assert "'csv' is not one of" in result.stderr


def test_unknown_graph_names_the_graphs_and_writes_nothing(backend_settings: Settings, tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    result = thcm(backend_settings, "export", "--format", "ttl", "--graph", "https://example.org/g", "-o", str(target))
    assert result.returncode == 1
    assert "no named graph 'https://example.org/g'" in result.stderr
    assert "https://w3id.org/thcm/graph/ontology" in result.stderr
    assert not target.exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize("command", [["export"], ["catalog"], ["void"], ["s3-profile"], ["dumps", "--dir", "x"]])
def test_no_build_yet_is_exit_3(project: Settings, command: list[str]) -> None:
    result = thcm(project, *command)
    assert result.returncode == 3
    assert "run `thcm build` first" in result.stderr


def test_catalog_void_and_profile(backend_settings: Settings) -> None:
    catalog = thcm(backend_settings, "catalog", "--format", "jsonld", extra_env={"THCM_BASE_URL": "https://thcm.example.org/"})
    assert catalog.returncode == 0, catalog.stderr
    graph = Graph().parse(data=catalog.stdout, format="json-ld")
    assert "https://thcm.example.org/downloads/thcm.nq" in {str(o) for o in graph.objects()}
    void = thcm(backend_settings, "void")
    assert void.returncode == 0 and len(Graph().parse(data=void.stdout, format="turtle")) > 100
    profile = thcm(backend_settings, "s3-profile")
    assert json.loads(profile.stdout)["code"] == "DEG"
    assert thcm(backend_settings, "s3-profile", "--format", "csv").stdout.startswith("section,id,")


def test_bad_base_url_is_a_config_error(backend_settings: Settings) -> None:
    result = thcm(backend_settings, "catalog", extra_env={"THCM_BASE_URL": "thcm.example.org"})
    assert result.returncode == 1 and "THCM_BASE_URL" in result.stderr


def test_dumps_writes_every_format_with_checksums(backend_settings: Settings, union: Graph, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    result = thcm(backend_settings, "dumps", "--dir", str(dist))
    assert result.returncode == 0, result.stderr
    names = {p.name for p in dist.iterdir()}
    for fmt in FORMATS.values():
        assert {fmt.filename, fmt.filename + ".gz"} <= names
    assert {"catalog.ttl", "void.ttl", "s3-profile.jsonld", "s3-profile.csv", "actors.jsonld", "fields.jsonld",
            "SHA256SUMS", "BUILD"} <= names
    sums = dict(reversed(line.split("  ", 1)) for line in (dist / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == names - {"SHA256SUMS", "BUILD"}
    for name, digest in sums.items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest, name
    assert gzip.decompress((dist / "thcm.nt.gz").read_bytes()) == (dist / "thcm.nt").read_bytes()
    assert len(Graph().parse(dist / "thcm.rdf", format="xml")) == len(union)
