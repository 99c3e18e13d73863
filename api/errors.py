"""One error shape on the wire: ``{"error": {"type", "message", "status"}}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from thcm_graph.errors import InputError, QueryTimeout, StoreError, ThcmError
from thcm_graph.workers import ResultTooLarge, WorkersBusy


class HTTPProblem(Exception):
    """An error with an HTTP status, raised by the routes."""

    def __init__(self, status: int, message: str, kind: str = "BadRequest", headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind
        self.headers = headers or {}


def error_response(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message, "status": status}}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Map our exceptions to HTTP statuses."""

    @app.exception_handler(HTTPProblem)
    async def _problem(_: Request, exc: HTTPProblem) -> JSONResponse:
        return problem_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # the framework's own errors (no route: 404, wrong method: 405) in the same shape
        kinds = {404: "NotFound", 405: "MethodNotAllowed"}
        return error_response(exc.status_code, kinds.get(exc.status_code, "HTTPError"), str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error.get('loc', ())[1:]) or 'request'}: {error.get('msg', 'invalid')}"
            for error in exc.errors()
        )
        return error_response(422, "InvalidParameter", problems)

    @app.exception_handler(ThcmError)
    async def _thcm(_: Request, exc: ThcmError) -> JSONResponse:
        return problem_response(exc)


def status_of(exc: ThcmError) -> int:
    """The HTTP status for one of our exceptions."""
    if isinstance(exc, QueryTimeout | WorkersBusy):
        return 503  # the service refused to spend more time; the message says which limit
    if isinstance(exc, ResultTooLarge | InputError):
        return 400
    if isinstance(exc, StoreError):
        return 503  # e.g. a worker lost mid-query (WorkerLost): it is replaced, try again
    return 500


def problem_response(exc: ThcmError | HTTPProblem) -> JSONResponse:
    """The JSON error response for one of our exceptions or an :class:`HTTPProblem`."""
    if isinstance(exc, HTTPProblem):
        return error_response(exc.status, exc.kind, exc.message, exc.headers)
    return error_response(status_of(exc), type(exc).__name__, str(exc))
