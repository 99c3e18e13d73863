"""Publishing a SPARQL Update: the current build, changed, re-entailed, validated, published.

An update never edits a published store (those are immutable). It is a :func:`republish` step:
applied to an in-memory copy of the current build, the entailments are recomputed, the result is
validated with the same shapes as a build, and only then published atomically as a new build
whose manifest names the build it derives from and the update's SHA-256. Any error leaves the
current build serving, unchanged.

Note: the curated files in ``data/`` do not change; the next ``thcm build`` from the files
replaces a build made by an update. Updates are for corrections between curation rounds.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..config import Settings
from ..namespaces import INFERRED_GRAPH
from ..store import OxigraphStore, Publication
from .entail import entail
from .republish import republish


def apply_update(settings: Settings, sparql_update: str, on_stage: Any = None) -> Publication:
    """Apply ``sparql_update`` to the current build and publish the result as a new build."""

    def step(store: OxigraphStore, build_id: str, input_build_id: str) -> dict[str, Any]:
        store.update(sparql_update)
        store.drop_graph(INFERRED_GRAPH)
        return {"sha256": hashlib.sha256(sparql_update.encode()).hexdigest(), "inferred_triples": entail(store)}

    return republish(settings, step, name="update", on_stage=on_stage or (lambda _: None))
