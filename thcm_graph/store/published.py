"""Where builds are published, and how readers open the current one.

Layout of the state directory (``THCM_STATE_DIR``)::

    stores/<build-id>/oxigraph/       the pyoxigraph store of one build (never changed once published)
    stores/<build-id>/manifest.json   build id, content hash, counts, versions, validation summary
    stores/.staging-<build-id>/       a build being written (left behind only by a killed build)
    current -> stores/<build-id>      symbolic link, switched atomically by rename(2)
    build.lock                        held by the one build allowed at a time

Readers resolve ``current`` once and keep the directory they found, so a switch during a read
never mixes two builds.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import StoreError, StoreNotBuilt
from .oxigraph import OxigraphStore


@dataclass(frozen=True)
class StateLayout:
    """Paths inside a state directory."""

    root: Path

    @property
    def stores(self) -> Path:
        return self.root / "stores"

    @property
    def current(self) -> Path:
        return self.root / "current"

    @property
    def lock_file(self) -> Path:
        return self.root / "build.lock"

    def build_dir(self, build_id: str) -> Path:
        return self.stores / build_id

    def staging_dir(self, build_id: str) -> Path:
        return self.stores / f".staging-{build_id}"

    def current_dir(self) -> Path:
        """The directory ``current`` points to; :class:`StoreNotBuilt` if there is none."""
        try:
            target = os.readlink(self.current)
        except FileNotFoundError:
            raise StoreNotBuilt(f"no build has been published in {self.root}; run `thcm build` first") from None
        except OSError as exc:
            raise StoreError(f"{self.current} is not a link to a published build: {exc}") from exc
        return (self.current.parent / target).resolve()


@dataclass(frozen=True)
class Publication:
    """One published build: its directory (None on a remote store) and manifest."""

    directory: Path | None
    manifest: dict[str, Any]
    location: str | None = None  # where it was published, for messages (remote: the server's URL)

    @property
    def build_id(self) -> str:
        return str(self.manifest["build_id"])

    @property
    def store_path(self) -> Path:
        if self.directory is None:
            raise StoreError(f"build {self.build_id} lives on the SPARQL server {self.location}, not on disk")
        return self.directory / "oxigraph"

    @property
    def where(self) -> str:
        """The build's directory, or the server it was published to."""
        return self.location or str(self.directory)


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of a build directory."""
    path = directory / "manifest.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise StoreError(f"{directory} has no manifest.json: it is not a published build") from None
    except json.JSONDecodeError as exc:
        raise StoreError(f"{path} is not valid JSON ({exc}); rebuild with `thcm build`") from exc


def current_publication(state_dir: Path) -> Publication:
    """The build ``current`` points to now."""
    directory = StateLayout(state_dir).current_dir()
    return Publication(directory, read_manifest(directory))


def open_publication(publication: Publication, *, in_memory: bool) -> OxigraphStore:
    """Open a published build read-only, or load it into memory."""
    on_disk = OxigraphStore.open(publication.store_path, read_only=True)
    if not in_memory:
        return on_disk
    memory = on_disk.copy_to_memory()
    on_disk.close()
    return memory

