"""``dist/``: every download file of one build, gzip variants and ``SHA256SUMS``.

Written by ``thcm dumps`` (and ``make dumps``) for mirrors and static hosting; the running service
streams the same files from its store at ``/downloads/`` (see ``api/exports.py``). Each file is
written beside its final name and renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..store import Publication, Store
from . import dcat, s3, void
from .dumps import write_dump
from .formats import FORMATS
from .identifiers import ServiceUrls
from .jsonld import load_context
from .views import VIEWS, framed_view_bytes


@dataclass(frozen=True)
class DistFile:
    """One written file: its name, size in bytes and SHA-256."""

    name: str
    size: int
    sha256: str


def _write(directory: Path, name: str, produce: Callable[[BinaryIO], object]) -> Path:
    target = directory / name
    partial = directory / f".{name}.partial"
    with partial.open("wb") as out:
        produce(out)
    os.replace(partial, target)
    return target


def _dump_into(store: Store, fmt: Any, ontology_dir: Path, out: BinaryIO) -> None:
    write_dump(store, out, fmt, ontology_dir=ontology_dir)


def _view_into(store: Store, name: str, context: Any, out: BinaryIO) -> None:
    out.write(framed_view_bytes(store, name, context))


def _gzip(path: Path) -> Path:
    def produce(out: BinaryIO) -> None:
        # mtime=0 and no file name: the same input gives the same bytes (stable checksums)
        with path.open("rb") as src, gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as gz:
            shutil.copyfileobj(src, gz, 1 << 20)
    return _write(path.parent, path.name + ".gz", produce)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_dist(store: Store, publication: Publication, directory: Path, urls: ServiceUrls, ontology_dir: Path) -> list[DistFile]:
    """Write all download files of the build into ``directory``; returns them in order."""
    directory.mkdir(parents=True, exist_ok=True)
    context = load_context(ontology_dir)
    paths: list[Path] = []
    for fmt in FORMATS.values():
        path = _write(directory, fmt.filename, functools.partial(_dump_into, store, fmt, ontology_dir))
        paths += [path, _gzip(path)]
    for name in VIEWS:
        paths.append(_write(directory, f"{name}.jsonld", functools.partial(_view_into, store, name, context)))
    profile = s3.collect(store)
    paths.append(_write(directory, "s3-profile.jsonld", lambda out: out.write(
        json.dumps(s3.to_jsonld(profile, context), ensure_ascii=False, indent=1).encode("utf-8") + b"\n")))
    paths.append(_write(directory, "s3-profile.csv", lambda out: out.write(s3.to_csv(profile).encode("utf-8"))))
    paths.append(_write(directory, "catalog.ttl", lambda out: out.write(
        dcat.catalog_graph(store, publication, urls).serialize(format="turtle", encoding="utf-8"))))
    paths.append(_write(directory, "void.ttl", lambda out: out.write(
        void.void_graph(store, publication, urls).serialize(format="turtle", encoding="utf-8"))))
    files = [DistFile(p.name, p.stat().st_size, _sha256(p)) for p in paths]
    sums = "".join(f"{f.sha256}  {f.name}\n" for f in files)
    _write(directory, "SHA256SUMS", lambda out: out.write(sums.encode("ascii")))
    _write(directory, "BUILD", lambda out: out.write(f"{publication.build_id}\n".encode("ascii")))
    return files
