"""``/sparql``: the SPARQL 1.1 Protocol (W3C Recommendation, 2013).

- Queries by GET (``?query=``), POST form-encoded, POST ``application/sparql-query`` (§2.1).
- ``default-graph-uri`` / ``named-graph-uri`` set the dataset (§2.1.4); otherwise the default
  graph is the union of all named graphs (as a set) and every named graph is available.
- Each query runs in its own worker process with a time limit (:mod:`thcm_graph.workers`); if
  the client disconnects, the worker is killed. Over a remote store the query is forwarded to
  the server (:mod:`thcm_graph.remote_queries`), and a disconnect closes that request.
- ``GET /sparql`` without a query answers with the Service Description.
- Updates (§2.2) are refused with 403 unless ``THCM_UPDATE_TOKEN`` is set and the request carries
  it as a bearer token; an accepted update is validated and published like a build.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from thcm_graph.build.update import apply_update
from thcm_graph.config import Settings
from thcm_graph.service_description import describe_service
from thcm_graph.store import RDF_FORMATS, RESULT_FORMATS
from thcm_graph.workers import QueryAnswer, QueryRequest, QueryRunner

from .errors import HTTPProblem
from .negotiation import choose, formats_from_parameter

router = APIRouter()
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
CACHE_CONTROL = "no-cache"  # always revalidate: the ETag changes with every build


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


async def _body(request: Request, settings: Settings) -> bytes:
    declared = request.headers.get("content-length")
    too_large = HTTPProblem(
        413, f"the request body is larger than {settings.max_body_bytes:,} bytes (THCM_MAX_BODY_BYTES)", "PayloadTooLarge"
    )
    if declared and declared.isdigit() and int(declared) > settings.max_body_bytes:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > settings.max_body_bytes:
            raise too_large
    return bytes(body)


async def _read(request: Request, settings: Settings) -> tuple[str | None, str | None, dict[str, list[str]]]:
    """(query, update, parameters) of a protocol request; at most one of query/update is set."""
    params = parse_qs(_decode(request.url.query.encode("latin-1"), "query string"), keep_blank_values=True)
    query, update = _single(params, "query"), _single(params, "update")
    if update is not None:
        raise HTTPProblem(400, "an update must be sent with POST, not in the URL (SPARQL 1.1 Protocol §2.2)")
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _body(request, settings)
        if media == FORM:
            form = parse_qs(_decode(body, "form body"), keep_blank_values=True)
            if query is not None and "query" in form:
                raise HTTPProblem(400, "the query is given both in the URL and in the form body")
            query = query if query is not None else _single(form, "query")
            update = _single(form, "update")
            for name, values in form.items():
                if name not in ("query", "update"):
                    params.setdefault(name, []).extend(values)
        elif media == SPARQL_QUERY:
            if query is not None:
                raise HTTPProblem(400, "with an application/sparql-query body, the URL must not carry a query")
            query = _decode(body, "request body")
        elif media == SPARQL_UPDATE:
            update = _decode(body, "request body")
        else:
            raise HTTPProblem(
                415,
                f"unsupported content type {media or '(none)'!r}; send {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}",
                "UnsupportedMediaType",
            )
    if query is not None and update is not None:
        raise HTTPProblem(400, "a request carries either a query or an update, not both")
    return query, update, params


def _formats(request: Request, params: dict[str, list[str]]) -> dict[str, str | None]:
    """The format to answer with for each kind of result, from ``format=``/``output=`` or the Accept header."""
    try:
        requested = formats_from_parameter(params.get("format", []) + params.get("output", []))
    except ValueError as exc:
        raise HTTPProblem(400, str(exc)) from None
    if requested is not None:
        return requested
    accept = request.headers.get("accept")
    tabular = choose(accept, RESULT_FORMATS, "json")
    return {"select": tabular, "ask": tabular, "graph": choose(accept, RDF_FORMATS, "turtle")}


def _etag(build_id: str, request: Request, query: str, params: dict[str, list[str]]) -> str:
    """Weak validator of one representation: the build, the query, the dataset and the negotiation."""
    key = repr((query, sorted(params.items()), request.headers.get("accept", ""))).encode()
    return f'"{build_id}-{hashlib.sha256(key).hexdigest()[:16]}"'


async def _until_disconnected(request: Request) -> None:
    while not await request.is_disconnected():
        await asyncio.sleep(0.1)


async def _evaluate(request: Request, workers: QueryRunner, query_request: QueryRequest) -> QueryAnswer:
    """Run the query; if the client goes away first, the worker is killed."""
    work = asyncio.ensure_future(workers.run(query_request))
    watch = asyncio.ensure_future(_until_disconnected(request))
    try:
        done, _ = await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
    if work not in done:
        work.cancel()
        raise HTTPProblem(499, "client closed the request", "ClientClosedRequest")
    return work.result()


def _service_description(request: Request, workers: QueryRunner, settings: Settings) -> Response:
    publication = workers.current()
    fmt = choose(request.headers.get("accept"), RDF_FORMATS, "turtle")
    if fmt is None:
        raise HTTPProblem(406, f"the service description is RDF; available: {', '.join(RDF_FORMATS.values())}", "NotAcceptable")
    graph = describe_service(
        str(request.url_for("sparql_get")),
        publication.manifest.get("graphs", {}),
        update_enabled=settings.update_token is not None,
    )
    rdflib_format = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig", "rdfxml": "xml", "jsonld": "json-ld"}[fmt]
    return Response(
        graph.serialize(format=rdflib_format, encoding="utf-8"),
        media_type=f"{RDF_FORMATS[fmt]}; charset=utf-8",
        headers={"Vary": "Accept", "X-Thcm-Build": publication.build_id},
    )


async def _update(request: Request, update: str, workers: QueryRunner, settings: Settings) -> Response:
    if settings.update_token is None:
        raise HTTPProblem(
            403, "this endpoint is read-only: SPARQL Update is disabled (set THCM_UPDATE_TOKEN to enable it)", "Forbidden"
        )
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    expected = settings.update_token.get_secret_value()
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        return JSONResponse(
            {"error": {"type": "Unauthorized", "status": 401,
                       "message": "SPARQL Update needs 'Authorization: Bearer <THCM_UPDATE_TOKEN>'"}},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="thcm-graph update"'},
        )
    publication = await run_in_threadpool(apply_update, settings, update)
    await run_in_threadpool(workers.refresh)
    return JSONResponse({
        "status": "published",
        "build_id": publication.build_id,
        "parent_build": publication.manifest.get("derived_from"),
    })


async def _protocol(request: Request) -> Response:
    workers: QueryRunner = request.app.state.workers
    settings: Settings = request.app.state.settings
    query, update, params = await _read(request, settings)
    if update is not None:
        return await _update(request, update, workers, settings)
    if query is None:
        if request.method == "GET" and not params:
            return _service_description(request, workers, settings)
        raise HTTPProblem(400, "missing 'query' parameter: send ?query=<SPARQL> or POST the query")
    if not query.strip():
        raise HTTPProblem(400, "the query is empty")

    publication = workers.current()
    etag = _etag(publication.build_id, request, query, params)
    headers = {"ETag": etag, "X-Thcm-Build": publication.build_id, "Vary": "Accept", "Cache-Control": CACHE_CONTROL}
    if request.method == "GET" and etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)

    formats = _formats(request, params)
    answer = await _evaluate(
        request,
        workers,
        QueryRequest(
            query,
            formats,
            default_graph=params.get("default-graph-uri") or None,
            named_graphs=params.get("named-graph-uri") or None,
            base_iri=str(request.url_for("sparql_get")),  # relative IRIs resolve against the endpoint
        ),
    )
    if answer.fmt is None:
        offered = RDF_FORMATS if answer.kind == "graph" else RESULT_FORMATS
        raise HTTPProblem(
            406,
            f"cannot answer a {answer.kind.upper()} query in the requested format; available: {', '.join(offered.values())}",
            "NotAcceptable",
        )
    media = {**RESULT_FORMATS, **RDF_FORMATS}[answer.fmt]
    headers["X-Thcm-Build"] = answer.build_id
    return Response(answer.body, media_type=f"{media}; charset=utf-8", headers=headers)


@router.get("/sparql", summary="SPARQL query (GET), or the service description without a query")
async def sparql_get(request: Request) -> Response:
    """Answer ``?query=`` (SPARQL 1.1 Protocol §2.1.1); without a query, the Service Description."""
    return await _protocol(request)


@router.post("/sparql", summary="SPARQL query or update (POST)")
async def sparql_post(request: Request) -> Response:
    """Answer a form-encoded or direct POST query (§2.1.2, §2.1.3), or an authorised update (§2.2)."""
    return await _protocol(request)
