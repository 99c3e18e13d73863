"""The web service: a thin FastAPI layer over :mod:`thcm_graph`."""

from .app import create_app

__all__ = ["create_app"]
