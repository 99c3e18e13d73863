"""The scale generator (thcm_graph.synth, `thcm synth`): valid, deterministic, sized, streaming."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import copy_project, thcm
from thcm_graph.build import build
from thcm_graph.namespaces import GRAPH_NS
from thcm_graph.store import open_published
from thcm_graph.synth import GRAPHS, generate


def test_same_seed_gives_identical_bytes_and_another_seed_different_ones(tmp_path: Path) -> None:
    first = generate(5_000, 7, tmp_path / "a.nq.gz")
    again = generate(5_000, 7, tmp_path / "b.nq.gz")
    generate(5_000, 8, tmp_path / "c.nq.gz")
    assert (tmp_path / "a.nq.gz").read_bytes() == (tmp_path / "b.nq.gz").read_bytes()
    assert (tmp_path / "a.nq.gz").read_bytes() != (tmp_path / "c.nq.gz").read_bytes()
    assert first.samples == again.samples


@pytest.mark.parametrize("size", [2_000, 10_000, 100_000])
def test_the_number_of_triples_written_is_within_two_percent_of_the_size_asked(tmp_path: Path, size: int) -> None:
    path = tmp_path / "synth.nq"
    summary = generate(size, 3, path)
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == summary.triples
    assert abs(summary.triples - size) <= 0.02 * size
    assert len(set(quads)) == len(quads), "no triple is written twice"


def test_every_quad_is_in_a_synth_graph_under_the_project_namespace(tmp_path: Path) -> None:
    path = tmp_path / "synth.nq.gz"
    summary = generate(10_000, 1, path)
    with gzip.open(path, "rb") as handle:
        graphs = Counter(q.graph_name.value for q in ox.parse(handle, format=ox.RdfFormat.N_QUADS))
    assert set(graphs) == set(GRAPHS.values())
    assert all(g.startswith(GRAPH_NS + "synth-") for g in graphs)
    assert dict(graphs) == summary.per_graph


def test_participation_is_heavy_tailed(tmp_path: Path) -> None:
    path = tmp_path / "synth.nq"
    generate(100_000, 1, path)
    participant = ox.NamedNode("https://w3id.org/thcm/ontology#participant")
    per_actor = Counter(q.object.value for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
                        if q.predicate == participant)
    counts = sorted(per_actor.values(), reverse=True)
    median = counts[len(counts) // 2]
    assert counts[0] >= 20 * median, f"the heaviest actor is in {counts[0]} projects, the median one in {median}"


def test_the_samples_occur_in_the_data(tmp_path: Path) -> None:
    path = tmp_path / "synth.nq"
    summary = generate(10_000, 2, path)
    text = path.read_text(encoding="utf-8")
    s = summary.samples
    for iri in (s.actor, s.firm, s.network, s.field, s.project):
        assert f"<{iri}>" in text
    assert f'{s.label_de}' in text and '@de' in text
    assert any(s.label_en in line and line.split('"@')[1].startswith("en") for line in text.splitlines() if '"@' in line)


def test_a_generated_graph_builds_with_the_curated_data_and_conforms_to_the_shapes(tmp_path: Path) -> None:
    settings = copy_project(tmp_path / "project")
    dump = tmp_path / "synth.nq.gz"
    summary = generate(10_000, 1, dump)
    result = build(settings.model_copy(update={"input_files": str(dump)}))
    assert result.check.report.conforms
    assert not result.check.report.violations
    manifest = result.publication.manifest
    for graph, count in summary.per_graph.items():
        assert manifest["graphs"][graph] == count
    store, _ = open_published(settings)
    rows = store.query(
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a org:Organization ; thcm:activeIn ?f }",
        bindings=None,
    ).rows
    assert int(rows[0][0]) >= summary.counts["actors"]


def test_thcm_synth_writes_the_file_and_prints_a_json_summary(tmp_path: Path) -> None:
    settings = copy_project(tmp_path / "project")
    out = tmp_path / "s.nq.gz"
    done = thcm(settings, "synth", "--triples", "3000", "--seed", "5", "-o", str(out), "--format", "json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["triples"] >= 3000 and out.exists()
    assert summary["samples"]["network"].startswith("https://w3id.org/thcm/id/org/")


def test_generating_does_not_hold_the_graph_in_memory(tmp_path: Path) -> None:
    """Peak RSS of a child generating 10^5 triples stays far below what holding them would take.

    The peak is the child's VmHWM: its ``ru_maxrss`` would include the RSS of the test process it
    was forked from (Linux keeps the larger value across exec)."""
    code = ("import sys, re; from pathlib import Path; from thcm_graph.synth import generate; "
            "generate(100_000, 1, Path(sys.argv[1])); "
            "print(re.search(r'VmHWM:\\s+(\\d+) kB', Path('/proc/self/status').read_text()).group(1))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "s.nq.gz")], capture_output=True, text=True, check=True)
    peak_mib = int(done.stdout.strip()) / 1024
    assert peak_mib < 300, f"peak RSS {peak_mib:.0f} MiB"
