"""``create_app(settings)``: the FastAPI application, built on demand (no import-time state)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from thcm_graph import __version__
from thcm_graph.config import Settings
from thcm_graph.workers import QueryRunner, QueryWorkers

from . import analysis, errors, exports, linked_data, rest, sparql, webui
from .deps import StoreDep

#: How ``thcm serve`` runs uvicorn (and the HTTP floor of ``benchmarks/floor_app.py``, so that the
#: two are measured on the same stack): one process — the query workers do the CPU work.
UVICORN_OPTIONS: dict[str, Any] = {"log_level": "info"}


def start_workers(settings: Settings) -> QueryRunner:
    """Query workers over the current published build, with the configured limits; for a remote
    store (``THCM_STORE=sparql+http…``), a runner forwarding the queries to the server."""
    if settings.remote_store:
        from thcm_graph.remote_queries import RemoteQueries

        return RemoteQueries(settings)
    return QueryWorkers(
        settings.state_path,
        timeout=settings.query_timeout,
        max_bytes=settings.max_result_bytes,
        max_workers=settings.max_workers,
        pool_size=settings.pool_size,
        reload_interval=settings.reload_interval,
    )


class ThcmApp(FastAPI):
    """The FastAPI application, with one shortcut: ``GET /sparql?query=…`` is first offered to
    :func:`api.sparql.answer_get`, which answers it without the middleware and routing layers
    (they cost more than a lookup query; see docs/endpoint.md). Everything it declines — and every
    other request — goes through the full stack."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["path"] == "/sparql" and scope["method"] == "GET"
                and await sparql.answer_get(self.state.workers, scope, receive, send)):
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings) -> FastAPI:
    """The web service over the current published build in ``settings.state_path``.

    Query workers start with the application (lifespan) and stop with it.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.workers = await run_in_threadpool(start_workers, settings)
        try:
            yield
        finally:
            app.state.workers.close()

    app = ThcmApp(
        title="thcm-graph",
        version=__version__,
        description=(
            "Knowledge graph of the Thuringian innovation ecosystem: SPARQL 1.1 endpoint at /sparql, linked-data pages "
            "at /id/…, JSON at /api/…, the DCAT-AP catalogue at /catalog and dumps at /downloads."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type", "Authorization", "If-None-Match"],
            expose_headers=["ETag", "X-Thcm-Build"],
            max_age=3600,
        )
    app.add_middleware(GZipMiddleware, minimum_size=sparql.GZIP_MINIMUM)
    errors.install(app)
    app.include_router(sparql.router)
    app.include_router(exports.router)
    app.include_router(linked_data.router)
    app.include_router(rest.router)
    app.include_router(analysis.router)
    app.include_router(webui.router)
    webui.mount_static(app)

    @app.get("/", summary="About this service", response_model=None)
    async def home(request: Request, db: StoreDep, lang: webui.Lang = "de") -> dict[str, object] | Response:
        """What is served: the build, its size, and where to go next (JSON; browsers get the home page)."""
        if webui.wants_html(request):
            return await webui.home(request, db, lang)
        manifest = request.app.state.workers.current().manifest
        return {
            "name": "thcm-graph",
            "version": __version__,
            "build_id": manifest["build_id"],
            "created": manifest.get("created"),
            "triples": manifest.get("triples"),
            "graphs": manifest.get("graphs"),
            "links": {
                "sparql": str(request.url_for("sparql_get")),
                "catalog": str(request.url_for("catalog")),
                "void": str(request.base_url) + ".well-known/void",
                "downloads": str(request.base_url) + "downloads",
                "actors": str(request.base_url) + "api/actors",
                "ontology": str(request.base_url) + "ontology",
                "openapi": str(request.base_url) + "docs",
            },
        }

    @app.get("/health", summary="Liveness and the build being served")
    def health(request: Request) -> dict[str, object]:
        workers: QueryRunner = request.app.state.workers
        return {
            "status": "ok",
            "build_id": workers.current().build_id,
            "reload_error": workers.last_error,
            "running_queries": workers.running,
            "worker_pid": workers.zygote_pid,
            "workers": workers.worker_pids,
            "query_timeout": workers.timeout,
        }

    return app
