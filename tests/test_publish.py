"""Atomic publish: a killed build, a concurrent build, and old builds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import env_for

from thcm_graph.build import build
from thcm_graph.build.publish import build_lock
from thcm_graph.config import Settings
from thcm_graph.errors import BuildInProgress, StoreNotBuilt
from thcm_graph.store import StateLayout, open_published

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
EXTRA = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix thcm: <https://w3id.org/thcm/ontology#> .
<https://w3id.org/thcm/id/org/neue-agentur> a thcm:Agency ;
    skos:prefLabel "Neue Agentur"@de ;
    prov:wasDerivedFrom <https://w3id.org/thcm/id/source/thcm-brochure-2012> .
"""


def count(settings: Settings) -> int:
    store, _ = open_published(settings, in_memory=False)
    return int(store.query(COUNT).rows[0][0])  # type: ignore[union-attr, arg-type]


@pytest.mark.subprocess
@pytest.mark.parametrize("moment", ["while-writing", "before-switch"])
def test_build_killed_mid_publish_leaves_previous_store_readable(built_project: Settings, moment: str) -> None:
    layout = StateLayout(built_project.state_path)
    before_dir, before_count = layout.current_dir(), count(built_project)
    (built_project.data_path / "thcm-brochure-2012" / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    env = env_for(built_project)
    env["THCM_DEBUG_PAUSE_BEFORE_SWITCH"] = "60"
    with subprocess.Popen([sys.executable, "-m", "thcm_graph", "build"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as process:
        deadline = time.monotonic() + 120
        try:
            if moment == "while-writing":
                # kill as soon as the new store directory appears (usually while RocksDB writes it;
                # if writing was quicker than this loop, the build is paused before the switch)
                while not (layout.stores.is_dir() and any(p != before_dir for p in layout.stores.iterdir())):
                    assert time.monotonic() < deadline and process.poll() is None, "build never started publishing"
                    time.sleep(0.001)
            else:
                assert process.stderr is not None
                for line in process.stderr:
                    if "pausing" in line:
                        break
                else:
                    pytest.fail("build ended without reaching the switch")
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    assert layout.current_dir() == before_dir
    assert count(built_project) == before_count

    # the next build cleans up and publishes the new fact
    after = build(built_project)
    assert count(built_project) > before_count
    assert not any(p.name.startswith(".staging-") for p in layout.stores.iterdir())
    assert layout.current_dir() == after.publication.directory


def test_second_build_while_one_holds_the_lock_is_refused(built_project: Settings) -> None:
    layout = StateLayout(built_project.state_path)
    with build_lock(layout), pytest.raises(BuildInProgress, match="another `thcm build`"):
        build(built_project)


def test_only_the_newest_builds_are_kept(built_project: Settings) -> None:
    settings = built_project.model_copy(update={"keep_builds": 2})
    ids = [build(settings).build_id for _ in range(3)]
    kept = sorted(p.name for p in StateLayout(settings.state_path).stores.iterdir())
    assert kept == sorted(ids[-2:])


def test_querying_before_any_build_says_to_build_first(project: Settings) -> None:
    with pytest.raises(StoreNotBuilt, match="run `thcm build` first"):
        open_published(project)
