"""The HTTP floor: the same FastAPI/uvicorn stack as ``thcm serve``, answering a constant small JSON.

No store, no query: what any FastAPI endpoint costs per request on this machine. Run with
``uvicorn floor_app:app --app-dir benchmarks``.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

ANSWER = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]}}

app = FastAPI(title="HTTP floor")


@app.get("/sparql")
async def sparql() -> JSONResponse:
    """The same small SPARQL JSON result for every request, whatever the query."""
    return JSONResponse(ANSWER, media_type="application/sparql-results+json")
