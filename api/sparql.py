"""``/sparql``: SPARQL 1.1 Protocol queries (GET, POST form, POST ``application/sparql-query``).

The default graph is the union of all named graphs unless ``default-graph-uri`` names graphs.
Read-only: updates are not accepted here.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from thcm_graph.store import PublishedStoreProvider

from .errors import HTTPProblem
from .negotiation import choose, offered_for

router = APIRouter()
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise HTTPProblem(400, f"the request has {len(values)} '{name}' parameters; the SPARQL protocol allows one")
    return values[0] if values else None


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPProblem(400, f"the {what} is not valid UTF-8 (byte {exc.start})") from None


async def _read_request(request: Request) -> tuple[str, dict[str, list[str]]]:
    params = parse_qs(_decode(request.url.query.encode("latin-1"), "query string"), keep_blank_values=True)
    query = _single(params, "query")
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        if media == FORM:
            form = parse_qs(_decode(body, "form body"), keep_blank_values=True)
            if "update" in form:
                raise HTTPProblem(403, "this endpoint is read-only: SPARQL Update is not accepted", "Forbidden")
            if query is not None and "query" in form:
                raise HTTPProblem(400, "the query is given both in the URL and in the form body")
            query = _single(form, "query") if query is None else query
            for name, values in form.items():
                if name != "query":
                    params.setdefault(name, []).extend(values)
        elif media == SPARQL_QUERY:
            if query is not None:
                raise HTTPProblem(400, "with a application/sparql-query body, the URL must not carry a query")
            query = _decode(body, "request body")
        elif media == "application/sparql-update":
            raise HTTPProblem(403, "this endpoint is read-only: SPARQL Update is not accepted", "Forbidden")
        else:
            raise HTTPProblem(
                415, f"unsupported content type {media or '(none)'!r}; send {FORM} or {SPARQL_QUERY}", "UnsupportedMediaType"
            )
    if query is None or not query.strip():
        raise HTTPProblem(400, "missing 'query' parameter: send ?query=<SPARQL> or POST the query")
    return query, params


async def _answer(request: Request) -> Response:
    provider: PublishedStoreProvider = request.app.state.provider
    query, params = await _read_request(request)
    store, publication = provider.get()
    etag = f'"{publication.build_id}"'
    default_graph = params.get("default-graph-uri") or None
    named_graphs = params.get("named-graph-uri") or None

    def run() -> tuple[str, str | None, bytes]:
        # pyoxigraph results must be consumed and dropped on the thread that made them
        raw = store.query_raw(query, default_graph=default_graph, named_graphs=named_graphs)
        offered, default = offered_for(raw.kind)
        requested = _single(params, "format")
        if requested is not None:
            fmt: str | None = requested if requested in offered else None
        else:
            fmt = choose(request.headers.get("accept"), offered, default)
        body = raw.serialize(fmt) if fmt else b""
        kind = raw.kind
        del raw
        return kind, fmt, body

    kind, fmt, body = await run_in_threadpool(run)
    offered, _ = offered_for(kind)
    if fmt is None:
        raise HTTPProblem(
            406, f"cannot answer a {kind.upper()} query in the requested format; available: {', '.join(offered.values())}",
            "NotAcceptable",
        )
    media = offered[fmt]
    return Response(
        body,
        media_type=f"{media}; charset=utf-8",
        headers={"ETag": etag, "X-Thcm-Build": publication.build_id, "Vary": "Accept"},
    )


@router.get("/sparql", summary="SPARQL query (GET)")
async def sparql_get(request: Request) -> Response:
    """Answer ``?query=`` (SPARQL 1.1 Protocol §2.1.1)."""
    return await _answer(request)


@router.post("/sparql", summary="SPARQL query (POST)")
async def sparql_post(request: Request) -> Response:
    """Answer a form-encoded or direct POST query (SPARQL 1.1 Protocol §2.1.2, §2.1.3)."""
    return await _answer(request)
