"""Publishing a SPARQL Update: the current build, changed, re-entailed, validated, published.

An update never edits a published store (those are immutable). It is applied to an in-memory
copy of the current build; the entailments are recomputed, the result is validated with the same
shapes as a build, and only then published atomically as a new build whose manifest names its
parent build and the update. Any error leaves the current build serving, unchanged.

Note: the curated files in ``data/`` do not change; the next ``thcm build`` from the files
replaces a build made by an update. Updates are for corrections between curation rounds.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from ..config import Settings
from ..errors import ValidationFailed
from ..namespaces import INFERRED_GRAPH
from ..store import OxigraphStore, Publication, StateLayout, current_publication
from .entail import entail
from .pipeline import Progress, _noop, new_build_id
from .publish import build_lock, publish
from .validate import load_shapes, to_rdflib, validate


def apply_update(settings: Settings, sparql_update: str, on_stage: Progress = _noop) -> Publication:
    """Apply ``sparql_update`` to the current build and publish the result as a new build."""
    layout = StateLayout(settings.state_path)
    with build_lock(layout):
        parent = current_publication(settings.state_path)
        on_stage(f"applying the update to a copy of build {parent.build_id}")
        on_disk = OxigraphStore.open(parent.store_path, read_only=True)
        store = on_disk.copy_to_memory()
        on_disk.close()
        store.update(sparql_update)
        store.drop_graph(INFERRED_GRAPH)
        inferred = entail(store)
        on_stage("validating")
        report = validate(to_rdflib(store, store.named_graphs()), load_shapes(settings.shapes_path))
        if not report.conforms:
            raise ValidationFailed(report, report.summary())
        update_hash = hashlib.sha256(sparql_update.encode()).hexdigest()
        content_hash = hashlib.sha256((parent.manifest["content_hash"] + update_hash).encode()).hexdigest()
        created = datetime.now(UTC)
        build_id = new_build_id(layout, created, content_hash)
        graphs = {g: store.count(g) for g in store.named_graphs()}
        manifest = {
            **parent.manifest,
            "build_id": build_id,
            "created": created.isoformat(timespec="seconds"),
            "content_hash": content_hash,
            "triples": sum(graphs.values()),
            "graphs": graphs,
            "inferred_triples": inferred,
            "validation": {"violations": 0, "warnings": len(report.warnings)},
            "parent_build": parent.build_id,
            "update_sha256": update_hash,
        }
        on_stage(f"publishing build {build_id}")
        return publish(store, layout, build_id, manifest, keep=settings.keep_builds)
