"""The HTTP floor: the same FastAPI/uvicorn stack as ``thcm serve``, answering a constant small JSON.

No store, no query: what any FastAPI route costs per request on this machine, so the most any
route of ours could serve. Started as ``thcm serve`` starts uvicorn (one process, log level
info)::

    python benchmarks/floor_app.py --port 8100

(The same command-line interface as the floor of the worker-pool work, so either file serves
``benchmarks/http_bench.py``.)
"""

from __future__ import annotations

import argparse

from fastapi import FastAPI, Response

BODY = b'{"head":{},"boolean":true}'
MEDIA = "application/sparql-results+json; charset=utf-8"


def create_floor_app() -> FastAPI:
    """One GET route at /sparql returning a constant small JSON (the size of an ASK answer), whatever the query."""
    app = FastAPI(title="HTTP floor")

    @app.get("/sparql")
    async def constant() -> Response:
        return Response(BODY, media_type=MEDIA)

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    uvicorn.run(create_floor_app(), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
