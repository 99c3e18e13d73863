"""N-Quads dumps as build input (thcm build --input / THCM_INPUT_FILES): bad input is named with file and line."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import copy_project
from thcm_graph.build import check
from thcm_graph.errors import DataSyntaxError, InputError

GOOD = ('<https://w3id.org/thcm/id/place/postcode-de-07743> <http://www.w3.org/ns/locn#postCode> "07743" '
        '<https://w3id.org/thcm/graph/synth-x> .\n')


def test_a_statement_outside_the_project_graph_namespace_is_named_by_file_and_line(tmp_path: Path) -> None:
    settings = copy_project(tmp_path / "p")
    dump = tmp_path / "bad.nq.gz"
    with gzip.open(dump, "wt", encoding="utf-8") as handle:
        handle.write("# a comment\n" + GOOD + GOOD.replace("https://w3id.org/thcm/graph/synth-x", "https://example.org/g"))
    with pytest.raises(DataSyntaxError) as caught:
        check(settings.model_copy(update={"input_files": str(dump)}))
    assert "bad.nq.gz:3:" in str(caught.value)
    assert "https://example.org/g" in str(caught.value) and "https://w3id.org/thcm/graph/<name>" in str(caught.value)


def test_a_statement_in_the_default_graph_of_a_dump_is_refused(tmp_path: Path) -> None:
    settings = copy_project(tmp_path / "p")
    dump = tmp_path / "bad.nq"
    dump.write_text(GOOD + GOOD.replace(" <https://w3id.org/thcm/graph/synth-x> .", " ."), encoding="utf-8")
    with pytest.raises(DataSyntaxError, match=r"bad.nq:2: statement in the default graph"):
        check(settings.model_copy(update={"input_files": str(dump)}))


def test_a_syntax_error_in_a_dump_names_file_line_and_column(tmp_path: Path) -> None:
    settings = copy_project(tmp_path / "p")
    dump = tmp_path / "broken.nq"
    dump.write_text(GOOD + '<https://w3id.org/thcm/id/x> <https://w3id.org/p> "unterminated <https://w3id.org/thcm/graph/synth-x> .\n',
                    encoding="utf-8")
    with pytest.raises(DataSyntaxError, match=r"broken.nq:2:\d+: "):
        check(settings.model_copy(update={"input_files": str(dump)}))


def test_an_input_that_is_not_n_quads_is_refused(tmp_path: Path) -> None:
    settings = copy_project(tmp_path / "p")
    other = tmp_path / "x.ttl"
    other.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="must be N-Quads"):
        check(settings.model_copy(update={"input_files": str(other)}))


def test_a_good_dump_is_built_into_its_own_graph_and_the_staging_store_is_removed(tmp_path: Path) -> None:
    settings = copy_project(tmp_path / "p")
    dump = tmp_path / "ok.nq"
    dump.write_text(GOOD, encoding="utf-8")
    checked = check(settings.model_copy(update={"input_files": str(dump)}))
    assert checked.parsed.store.count("https://w3id.org/thcm/graph/synth-x") == 1
    assert checked.staging is not None and checked.staging.exists()
    checked.discard()
    assert not checked.staging.exists()


@pytest.mark.parametrize("blank", [False, True])
def test_the_default_graph_is_the_union_of_the_named_graphs_after_loading_a_dump(tmp_path: Path, blank: bool) -> None:
    settings = copy_project(tmp_path / "p")
    dump = tmp_path / "d.nq.gz"
    extra = '_:r <http://www.w3.org/2004/02/skos/core#prefLabel> "x"@de <https://w3id.org/thcm/graph/synth-y> .\n' if blank else ""
    with gzip.open(dump, "wt", encoding="utf-8") as handle:
        handle.write(GOOD + GOOD.replace("synth-x", "synth-y") + extra)
    checked = check(settings.model_copy(update={"input_files": str(dump)}))
    store = checked.parsed.store
    named = {(q.subject, q.predicate, q.object) for q in store.quads()}
    union = {(q.subject, q.predicate, q.object) for q in store.raw.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert union == named
    checked.discard()
