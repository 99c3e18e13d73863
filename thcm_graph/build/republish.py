"""Derived builds: the current build plus a changed graph, published atomically as a new build.

Published build directories are immutable, so results computed from a build (the analysis
graph) are not written into it. :func:`republish` instead, under the build lock, copies the
current build into memory, lets a ``step`` change it (e.g. replace ``graph/analysis``),
validates the result against the shapes, and publishes it with the ordinary machinery of
:mod:`.publish` as a new build whose manifest names the build it derives from. Readers see the
old build or the new one, never half a result; a failing step or validation publishes nothing.

On a remote store (``THCM_STORE=sparql+http…``) the current build is read from the server into
memory (every named graph through the store's CONSTRUCT), changed and validated here, and published
on the server with :func:`~.publish_remote.publish_remote` (staging graphs, switch marker,
pointer): readers of the server see the old build or the new one, as after ``thcm build``.

The step receives the writable in-memory store, the new build's id and the id of the build whose
data it holds (the current build for :func:`republish`, the new build itself for ``build``), and
returns what to record in the manifest. The build package knows nothing about what the step does (the CLI
passes the analysis' write-back), so ``build`` never imports ``analysis``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ..config import Settings
from ..errors import ValidationFailed
from ..store import (
    OxigraphStore,
    Publication,
    RemoteSparqlStore,
    StateLayout,
    current_publication,
    open_publication,
    open_remote,
    remote_publication,
)
from .parse import display_path
from .publish import build_lock, new_build_id, publish
from .publish_remote import publish_remote
from .validate import load_shapes
from .validate_batched import validate_store

Step = Callable[[OxigraphStore, str, str], dict[str, Any]]


def apply_step(store: OxigraphStore, step: Step, build_id: str, input_build_id: str) -> dict[str, Any]:
    """Run ``step`` on ``store`` for build ``build_id``; used by ``build`` and :func:`republish`."""
    return step(store, build_id, input_build_id)


def republish(settings: Settings, step: Step, *, name: str, on_stage: Callable[[str], None] = lambda _: None) -> Publication:
    """Publish ``current + step`` as a new build (see the module docstring)."""
    layout = StateLayout(settings.state_path)
    with build_lock(layout):
        remote = open_remote(settings, writable=True, timeout=max(settings.query_timeout, 600.0)) if settings.remote_store else None
        if remote is not None:
            base = remote_publication(remote)
            on_stage(f"copying build {base.build_id} from {base.where} into memory")
            store = copy_remote(remote)
        else:
            base = current_publication(settings.state_path)
            on_stage(f"copying build {base.build_id} into memory")
            store = open_publication(base, in_memory=True)
        created = datetime.now(UTC)
        content = hashlib.sha256(f"{base.manifest.get('content_hash', base.build_id)}+{name}+{created.isoformat()}".encode()).hexdigest()
        build_id = new_build_id(layout, created, content)
        on_stage(f"running {name}")
        recorded = apply_step(store, step, build_id, base.build_id)
        on_stage("validating against the shapes")
        shapes = load_shapes(settings.shapes_path, display=lambda p: display_path(p, settings.project_dir))
        report = validate_store(store, shapes)
        if not report.conforms:
            raise ValidationFailed(report, report.summary())
        graphs = {g: store.count(g) for g in store.named_graphs()}
        manifest = dict(base.manifest)
        manifest.update(
            build_id=build_id,
            created=created.isoformat(timespec="seconds"),
            triples=sum(graphs.values()),
            graphs=graphs,
            derived_from=base.build_id,
            validation={"violations": 0, "warnings": len(report.warnings)},
        )
        manifest[name] = recorded
        on_stage(f"publishing build {build_id}")
        if remote is not None:
            manifest.pop("store", None), manifest.pop("load_seconds", None)  # publish_remote records its own
            return publish_remote(store, remote, build_id, manifest, on_stage=on_stage)
        return publish(store, layout, build_id, manifest, keep=settings.keep_builds)


def copy_remote(remote: RemoteSparqlStore) -> OxigraphStore:
    """The current build of a remote store as a writable in-memory store (its named graphs)."""
    store = OxigraphStore.in_memory()
    store.add_quads(remote.quads())
    return store
