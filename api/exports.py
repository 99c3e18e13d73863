"""Linked-data exports over HTTP: ``/catalog`` (DCAT-AP 3.0.1), ``/.well-known/void`` (VoID §7.2,
"Discovery via well-known URI"), and ``/downloads/<file>``.

Downloads are **streamed from the store being served**, not read from ``dist/``: the file always
belongs to the build the endpoint answers from (its id is the ETag), and a server needs no
``make dumps`` step. Each file is serialised in a worker thread into a spooled temporary file
(in memory up to 8 MiB, then on disk) and sent in chunks. ``thcm dumps`` writes the same files,
for mirrors (gzip output may differ in bytes, not in content).
"""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, BinaryIO

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from thcm_graph.config import Settings
from thcm_graph.errors import InputError
from thcm_graph.export import dcat, s3, void
from thcm_graph.export.dumps import write_dump
from thcm_graph.export.formats import DESCRIPTION_FORMATS, FORMATS, format_for_file
from thcm_graph.export.identifiers import ServiceUrls
from thcm_graph.export.jsonld import load_context
from thcm_graph.export.views import VIEWS, framed_view_bytes
from thcm_graph.store import Store

from .deps import published_store
from .errors import HTTPProblem
from .negotiation import choose

router = APIRouter()
CHUNK = 1 << 16
#: Files other than the dumps: name → media type.
EXTRA_FILES = {
    "s3-profile.jsonld": "application/ld+json",
    "s3-profile.csv": "text/csv",
    **{f"{name}.jsonld": "application/ld+json" for name in VIEWS},
}


def _describe(request: Request, kind: str) -> Response:
    settings: Settings = request.app.state.settings
    offered = {name: media for name, (_, media) in DESCRIPTION_FORMATS.items()}
    requested = request.query_params.get("format")
    fmt = (requested if requested in offered else None) if requested else choose(request.headers.get("accept"), offered, "turtle")
    if fmt is None:
        raise HTTPProblem(406, f"the {kind} is available as {', '.join(offered.values())}", "NotAcceptable")
    store, publication = published_store(request)
    # a build never changes once published: keep the last build's descriptions
    cache: dict[tuple[str, str, str], bytes] | None = getattr(request.app.state, "export_descriptions", None)
    if cache is None:
        cache = request.app.state.export_descriptions = {}
    key = (publication.build_id, kind, fmt)
    if key not in cache:
        describe = dcat.catalog_graph if kind == "catalogue" else void.void_graph
        body = describe(store, publication, ServiceUrls(settings.base_url)).serialize(
            format=DESCRIPTION_FORMATS[fmt][0], encoding="utf-8")
        for stale in [k for k in cache if k[0] != publication.build_id]:
            del cache[stale]
        cache[key] = body
    return Response(cache[key], media_type=f"{offered[fmt]}; charset=utf-8",
                    headers={"ETag": f'"{publication.build_id}-{kind}-{fmt}"', "Vary": "Accept",
                             "X-Thcm-Build": publication.build_id})


@router.get("/catalog", summary="DCAT-AP 3.0.1 description of the catalogue (content-negotiated)")
async def catalog(request: Request) -> Response:
    """Turtle by default; N-Triples, JSON-LD or RDF/XML by ``Accept`` or ``?format=``."""
    return await run_in_threadpool(_describe, request, "catalogue")


@router.get("/.well-known/void", summary="VoID description of the dataset (content-negotiated)")
async def well_known_void(request: Request) -> Response:
    """VoID §7.2 well-known location; Turtle by default."""
    return await run_in_threadpool(_describe, request, "VoID description")


@router.get("/downloads", summary="List of the download files")
async def downloads_index(request: Request) -> dict[str, object]:
    """The dumps (each also as ``.gz``), the framed views and the S3 profile, with their URLs."""
    settings: Settings = request.app.state.settings
    urls = ServiceUrls(settings.base_url)
    publication = request.app.state.workers.current()
    files = [f.filename for f in FORMATS.values()] + [f.filename + ".gz" for f in FORMATS.values()] + list(EXTRA_FILES)
    return {"build_id": publication.build_id, "files": {name: urls.download(name) for name in files}}


def _producer(name: str, store: Store, settings: Settings) -> tuple[Callable[[BinaryIO], object], str, bool]:
    """How to write file ``name``, its media type, and whether to gzip it."""
    if name in EXTRA_FILES:
        context = load_context(settings.ontology_path)
        if name.startswith("s3-profile"):
            profile = s3.collect(store)
            if name.endswith(".csv"):
                return (lambda out: out.write(s3.to_csv(profile).encode("utf-8"))), EXTRA_FILES[name], False
            text = json.dumps(s3.to_jsonld(profile, context), ensure_ascii=False, indent=1) + "\n"
            return (lambda out: out.write(text.encode("utf-8"))), EXTRA_FILES[name], False
        view = name.removesuffix(".jsonld")
        return (lambda out: out.write(framed_view_bytes(store, view, context))), EXTRA_FILES[name], False
    fmt, gzipped = format_for_file(name)
    return (lambda out: write_dump(store, out, fmt, ontology_dir=settings.ontology_path)), fmt.media_type, gzipped


def _spool(produce: Callable[[BinaryIO], object], gzipped: bool) -> IO[bytes]:
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - handed to the response, closed there
    if gzipped:
        with gzip.GzipFile(filename="", mode="wb", fileobj=spool, mtime=0) as gz:
            produce(gz)  # type: ignore[arg-type]
    else:
        produce(spool)  # type: ignore[arg-type]
    spool.seek(0)
    return spool


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(CHUNK):
            yield chunk
    finally:
        spool.close()


@router.get("/downloads/{filename}", summary="A dump, view or S3 profile of the current build")
async def download(filename: str, request: Request) -> Response:
    """``thcm.nq``, ``thcm.trig``, ``thcm.ttl``, ``thcm.nt``, ``thcm.jsonld``, ``thcm.rdf`` (each
    also ``.gz``), ``actors.jsonld``, ``fields.jsonld``, ``s3-profile.jsonld``, ``s3-profile.csv``."""
    settings: Settings = request.app.state.settings
    store, publication = published_store(request)
    if filename not in EXTRA_FILES:
        try:
            format_for_file(filename)
        except InputError as exc:
            raise HTTPProblem(404, str(exc), "NotFound") from None
    etag = f'"{publication.build_id}-{filename}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})

    def prepare() -> tuple[IO[bytes], str, bool]:
        # queries and serialisation run on one worker thread, off the event loop
        produce, media, gzipped = _producer(filename, store, settings)
        return _spool(produce, gzipped), media, gzipped

    spool, media, gzipped = await run_in_threadpool(prepare)
    content_type = "application/gzip" if gzipped else (f"{media}; charset=utf-8" if media.startswith("text/") else media)
    return StreamingResponse(_chunks(spool), media_type=content_type, headers={
        "ETag": etag, "X-Thcm-Build": publication.build_id,
        "Content-Disposition": f'attachment; filename="{filename}"',
    })
