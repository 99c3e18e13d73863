"""The HTTP floor: the same FastAPI/uvicorn stack as ``thcm serve``, answering a constant small JSON.

Issue 13 measures the SPARQL endpoint's cheap lookups against this app: whatever it serves per
second on a machine is the most any route of ours could serve there. It is started exactly as
``thcm serve`` starts uvicorn (:data:`api.app.UVICORN_OPTIONS`: one process, the same event loop
and HTTP parser, the same logging)::

    python benchmarks/floor_app.py --port 8100
    wrk -t1 -c16 -d10s --latency 'http://127.0.0.1:8100/sparql?query=ASK%7B%7D'

The route answers any path under ``/sparql`` with the body of an ASK result, so the same wrk
command line can point at either server.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fastapi import FastAPI, Response

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from api.app import UVICORN_OPTIONS

BODY = b'{"head":{},"boolean":true}'
MEDIA = "application/sparql-results+json; charset=utf-8"


def create_floor_app() -> FastAPI:
    """One GET route returning a constant small JSON (the size of an ASK answer)."""
    app = FastAPI(title="HTTP floor")

    @app.get("/sparql")
    async def constant() -> Response:
        return Response(BODY, media_type=MEDIA)

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    uvicorn.run(create_floor_app(), host=args.host, port=args.port, **UVICORN_OPTIONS)


if __name__ == "__main__":
    main()
