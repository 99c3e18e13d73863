"""``create_app(settings, provider)``: the FastAPI application, built on demand (no import-time state)."""

from __future__ import annotations

from fastapi import FastAPI, Request

from thcm_graph import __version__
from thcm_graph.config import Settings
from thcm_graph.store import PublishedStoreProvider

from . import analysis, errors, sparql


def create_app(settings: Settings, provider: PublishedStoreProvider) -> FastAPI:
    """The web service over the published store that ``provider`` follows."""
    app = FastAPI(
        title="thcm-graph",
        version=__version__,
        description="Knowledge graph of the Thuringian innovation ecosystem: SPARQL 1.1 endpoint at /sparql.",
    )
    app.state.settings = settings
    app.state.provider = provider
    errors.install(app)
    app.include_router(sparql.router)
    app.include_router(analysis.router)

    @app.get("/", summary="About this service")
    def home(request: Request) -> dict[str, object]:
        """What is served: the build, its size, and where to go next."""
        _, publication = provider.get()
        manifest = publication.manifest
        return {
            "name": "thcm-graph",
            "version": __version__,
            "build_id": publication.build_id,
            "created": manifest.get("created"),
            "triples": manifest.get("triples"),
            "graphs": manifest.get("graphs"),
            "links": {"sparql": str(request.url_for("sparql_get")), "openapi": "/docs"},
        }

    @app.get("/health", summary="Liveness and the build being served")
    def health() -> dict[str, object]:
        _, publication = provider.get()
        return {"status": "ok", "build_id": publication.build_id, "reload_error": provider.last_error}

    return app
