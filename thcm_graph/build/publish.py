"""Atomic publish: write a build into a fresh directory, then switch ``current`` in one rename.

A build killed at any moment leaves ``current`` pointing at the previous, complete build:
the new store is written under ``stores/.staging-<id>``, flushed, given its manifest, renamed
to ``stores/<id>``, and only then is the ``current`` link replaced with ``rename(2)``, which
POSIX makes atomic. Leftovers of killed builds are removed by the next build.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import BuildInProgress
from ..store import OxigraphStore, Publication, StateLayout


@contextmanager
def build_lock(layout: StateLayout) -> Iterator[None]:
    """Hold the state directory's build lock; :class:`BuildInProgress` if another build has it."""
    layout.root.mkdir(parents=True, exist_ok=True)
    with layout.lock_file.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildInProgress(
                f"another `thcm build` is publishing into {layout.root}; wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_build_id(layout: StateLayout, created: datetime, content_hash: str) -> str:
    """A build id: UTC time stamp to the millisecond (fixed width, so ids sort by time) + content hash.

    >>> from pathlib import Path
    >>> new_build_id(StateLayout(Path("/nonexistent")), datetime(2026, 11, 24, 1, 2, 3, 456789), "ab" * 32)
    '20261124T010203.456Z-abababababab'
    """
    stamp = f"{created:%Y%m%dT%H%M%S}.{created.microsecond // 1000:03d}Z"
    build_id = f"{stamp}-{content_hash[:12]}"
    suffix = 1
    while layout.build_dir(build_id).exists():  # same content within one millisecond
        suffix += 1
        build_id = f"{stamp}-{content_hash[:12]}-{suffix}"
    return build_id


def remove_leftovers(layout: StateLayout) -> list[Path]:
    """Delete staging directories of builds that were killed; return what was removed."""
    removed = []
    if layout.stores.is_dir():
        for path in layout.stores.glob(".staging-*"):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def publish(
    source: OxigraphStore,
    layout: StateLayout,
    build_id: str,
    manifest: dict[str, Any],
    *,
    keep: int = 3,
    pause_before_switch: float = 0.0,
    on_stage: Callable[[str], None] | None = None,
) -> Publication:
    """Write ``source`` as build ``build_id`` and make it current. Call under :func:`build_lock`."""
    layout.stores.mkdir(parents=True, exist_ok=True)
    remove_leftovers(layout)
    staging = layout.staging_dir(build_id)
    target = layout.build_dir(build_id)

    staging.mkdir()
    if source.capabilities.persistent:
        # an on-disk staging store (a large build): a checkpoint, hard-linking its files
        source.flush()
        source.backup(staging / "oxigraph")
    else:
        store = OxigraphStore.open(staging / "oxigraph")
        store.add_quads(source.quads())
        store.flush()
        store.close()
    manifest_path = staging / "manifest.json"
    with manifest_path.open("w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.rename(staging, target)
    _fsync_dir(layout.stores)

    if pause_before_switch:
        if on_stage:
            on_stage(f"pausing {pause_before_switch:g} s before switching (THCM_DEBUG_PAUSE_BEFORE_SWITCH)")
        time.sleep(pause_before_switch)

    temporary = layout.root / f".current-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, layout.root), temporary)
    os.replace(temporary, layout.current)
    _fsync_dir(layout.root)

    prune(layout, keep=keep)
    return Publication(target, manifest)


def prune(layout: StateLayout, *, keep: int) -> list[Path]:
    """Remove published builds beyond the newest ``keep``, never the current one.

    Build ids start with a fixed-width UTC time stamp, so their order is the order of publishing.
    """
    current = layout.current_dir()
    builds = sorted(
        (p for p in layout.stores.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
        reverse=True,
    )
    removed = []
    for path in builds[keep:]:
        if path.resolve() != current:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
