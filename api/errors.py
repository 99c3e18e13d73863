"""One error shape on the wire: ``{"error": {"type", "message", "status"}}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from thcm_graph.errors import InputError, StoreError, ThcmError
from thcm_graph.workers import QueryTimeout, ResultTooLarge, WorkersBusy


class HTTPProblem(Exception):
    """An error with an HTTP status, raised by the routes."""

    def __init__(self, status: int, message: str, kind: str = "BadRequest") -> None:
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind


def error_response(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message, "status": status}}, status_code=status)


def install(app: FastAPI) -> None:
    """Map our exceptions to HTTP statuses."""

    @app.exception_handler(HTTPProblem)
    async def _problem(_: Request, exc: HTTPProblem) -> JSONResponse:
        return error_response(exc.status, exc.kind, exc.message)

    @app.exception_handler(ThcmError)
    async def _thcm(_: Request, exc: ThcmError) -> JSONResponse:
        if isinstance(exc, QueryTimeout | WorkersBusy):
            status = 503  # the service refused to spend more time; the message says which limit
        elif isinstance(exc, ResultTooLarge | InputError):
            status = 400
        elif isinstance(exc, StoreError):
            status = 503
        else:
            status = 500
        return error_response(status, type(exc).__name__, str(exc))
