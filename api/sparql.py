"""``/sparql``: the SPARQL 1.1 Protocol (W3C Recommendation, 2013).

- Queries by GET (``?query=``), POST form-encoded, POST ``application/sparql-query`` (§2.1).
- ``default-graph-uri`` / ``named-graph-uri`` set the dataset (§2.1.4); otherwise the default
  graph is the union of all named graphs (as a set) and every named graph is available.
- Each query runs in a worker process with a time limit (:mod:`thcm_graph.workers`); if the
  client disconnects, the worker is killed. Over a remote store the query is forwarded to the
  server (:mod:`thcm_graph.remote_queries`), and a disconnect closes that request. ``GET``
  queries take a direct path (:func:`answer_get`) that skips the framework's layers.
- ``GET /sparql`` without a query answers with the Service Description.
- Updates (§2.2) are refused with 403 unless ``THCM_UPDATE_TOKEN`` is set and the request carries
  it as a bearer token; an accepted update is validated and published like a build.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import hmac
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import Message, Receive, Scope, Send

from thcm_graph.build.update import apply_update
from thcm_graph.config import Settings
from thcm_graph.errors import ThcmError
from thcm_graph.service_description import describe_service
from thcm_graph.store import RDF_FORMATS, RESULT_FORMATS
from thcm_graph.workers import ClientGone, QueryAnswer, QueryRequest, QueryRunner

from .errors import HTTPProblem, problem_response
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


def _formats(accept: str | None, params: dict[str, list[str]]) -> dict[str, str | None]:
    """The format to answer with for each kind of result, from ``format=``/``output=`` or the Accept header."""
    try:
        requested = formats_from_parameter(params.get("format", []) + params.get("output", []))
    except ValueError as exc:
        raise HTTPProblem(400, str(exc)) from None
    if requested is not None:
        return requested
    tabular = choose(accept, RESULT_FORMATS, "json")
    return {"select": tabular, "ask": tabular, "graph": choose(accept, RDF_FORMATS, "turtle")}


def _etag(build_id: str, accept: str, query: str, params: dict[str, list[str]]) -> str:
    """Weak validator of one representation: the build, the query, the dataset and the negotiation."""
    key = repr((query, sorted(params.items()), accept)).encode()
    return f'"{build_id}-{hashlib.sha256(key).hexdigest()[:16]}"'


def _headers(build_id: str, accept: str, query: str, params: dict[str, list[str]]) -> dict[str, str]:
    """The headers of a query answer from ``build_id`` (ETag, build, Vary, Cache-Control)."""
    return {"ETag": _etag(build_id, accept, query, params), "X-Thcm-Build": build_id, "Vary": "Accept", "Cache-Control": CACHE_CONTROL}


def _not_modified(headers: dict[str, str], if_none_match: str) -> bool:
    """Does the client's ``If-None-Match`` name this representation (RFC 9110 §13.1.2)?"""
    return headers["ETag"] in [t.strip() for t in if_none_match.split(",")]


async def _evaluate(
    workers: QueryRunner,
    query: str,
    params: dict[str, list[str]],
    formats: dict[str, str | None],
    *,
    base_iri: str,
    gone: Callable[[], Awaitable[bool]],
) -> tuple[QueryAnswer, str]:
    """Run the query with the dataset of ``params``; the answer and its media type.

    If the client goes away first (``gone()``), the worker is killed (499); 406 if the kind of
    result has no format the client accepts."""
    request = QueryRequest(query, formats, default_graph=params.get("default-graph-uri") or None,
                           named_graphs=params.get("named-graph-uri") or None, base_iri=base_iri)
    try:
        answer = await workers.run(request, gone=gone)
    except ClientGone:
        raise HTTPProblem(499, "client closed the request", "ClientClosedRequest") from None
    if answer.fmt is None:
        raise _not_acceptable(answer)
    media = RDF_FORMATS[answer.fmt] if answer.kind == "graph" else RESULT_FORMATS[answer.fmt]
    return answer, f"{media}; charset=utf-8"


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

    headers = _headers(workers.current().build_id, request.headers.get("accept", ""), query, params)
    if request.method == "GET" and _not_modified(headers, request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)

    answer, media = await _evaluate(
        workers, query, params, _formats(request.headers.get("accept"), params),
        base_iri=str(request.url_for("sparql_get")),  # relative IRIs resolve against the endpoint
        gone=request.is_disconnected,
    )
    headers["X-Thcm-Build"] = answer.build_id
    return Response(answer.body, media_type=media, headers=headers)


@router.get("/sparql", summary="SPARQL query (GET), or the service description without a query")
async def sparql_get(request: Request) -> Response:
    """Answer ``?query=`` (SPARQL 1.1 Protocol §2.1.1); without a query, the Service Description."""
    return await _protocol(request)


@router.post("/sparql", summary="SPARQL query or update (POST)")
async def sparql_post(request: Request) -> Response:
    """Answer a form-encoded or direct POST query (§2.1.2, §2.1.3), or an authorised update (§2.2)."""
    return await _protocol(request)


# -- the direct path for GET queries -------------------------------------------------------------
#
# A GET query is the endpoint's most frequent request and, for lookups, its cheapest: the
# framework's layers (middleware, routing, dependency solving) cost more than evaluating it. So
# the application (api.app.ThcmApp) offers GET /sparql to `answer_get` first. It answers with the
# same helpers, headers, errors and compression as the route above, and declines (returns False,
# having sent nothing) whatever it does not handle the same way: cross-origin requests (CORS),
# other parameters, a missing query (the service description), several values, a root path.

_DIRECT_PARAMS = frozenset({"query", "format", "output", "default-graph-uri", "named-graph-uri"})
_DIRECT_HEADERS = frozenset({b"accept", b"accept-encoding", b"if-none-match", b"host", b"origin"})
GZIP_MINIMUM = 1024  # as the GZipMiddleware of api.app


def _disconnect_watch(receive: Receive) -> tuple[Callable[[], Awaitable[bool]], Callable[[], None]]:
    """``gone()`` for a GET request: has the client disconnected? And a function to stop watching."""
    pending: list[asyncio.Future[Message]] = []

    async def gone() -> bool:
        if pending and pending[0].done() and pending[0].result()["type"] != "http.disconnect":
            pending.pop()  # the (empty) request body: listen again
        if not pending:
            pending.append(asyncio.ensure_future(receive()))
            await asyncio.sleep(0)
        return pending[0].done() and pending[0].result()["type"] == "http.disconnect"

    def stop() -> None:
        for future in pending:
            future.cancel()

    return gone, stop


async def answer_get(workers: QueryRunner, scope: Scope, receive: Receive, send: Send) -> bool:
    """Answer ``GET /sparql?query=…`` directly; False (nothing sent) if the request is not one it handles."""
    if scope.get("root_path"):
        return False
    found: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        if name in _DIRECT_HEADERS:
            if name in found or name == b"origin":
                return False  # repeated header, or CORS: the route and its middleware decide
            found[name] = value
    host = found.get(b"host")
    if host is None:
        return False
    try:
        params = parse_qs(_decode(scope["query_string"], "query string"), keep_blank_values=True)
        if not params.keys() <= _DIRECT_PARAMS or len(params.get("query", ())) != 1 or not params["query"][0].strip():
            return False
        query = params["query"][0]
        accept = found.get(b"accept", b"").decode("latin-1")
        headers = _headers(workers.current().build_id, accept, query, params)
        if _not_modified(headers, found.get(b"if-none-match", b"").decode("latin-1")):
            await Response(status_code=304, headers=headers)(scope, receive, send)
            return True
        formats = _formats(accept or None, params)
        base_iri = f"{scope.get('scheme', 'http')}://{host.decode('latin-1')}/sparql"
        gone, stop = _disconnect_watch(receive)
        try:
            answer, media = await _evaluate(workers, query, params, formats, base_iri=base_iri, gone=gone)
        finally:
            stop()
    except (HTTPProblem, ThcmError) as exc:
        await problem_response(exc)(scope, receive, send)
        return True
    body = answer.body
    headers["X-Thcm-Build"] = answer.build_id
    if len(body) >= GZIP_MINIMUM:
        headers["Vary"] = "Accept, Accept-Encoding"
        if b"gzip" in found.get(b"accept-encoding", b""):
            body = gzip.compress(body, compresslevel=9) if len(body) < 2**17 else await asyncio.to_thread(gzip.compress, body, 9)
            headers["Content-Encoding"] = "gzip"
    await Response(body, media_type=media, headers=headers)(scope, receive, send)
    return True


def _not_acceptable(answer: QueryAnswer) -> HTTPProblem:
    """406: the query's kind of result has no format the client accepts (SPARQL 1.1 Protocol §2.1.5)."""
    offered = RDF_FORMATS if answer.kind == "graph" else RESULT_FORMATS
    return HTTPProblem(
        406,
        f"cannot answer a {answer.kind.upper()} query in the requested format; available: {', '.join(offered.values())}",
        "NotAcceptable",
    )
