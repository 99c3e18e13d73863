"""Linked data: every instance IRI ``https://w3id.org/thcm/id/<kind>/<slug>`` resolves here at
``/id/<kind>/<slug>``, the ontology at ``/ontology`` and each ontology term
``https://w3id.org/thcm/ontology#<Term>`` at ``/ontology/<Term>`` (a fragment never reaches a
server; the ``/ontology`` HTML page also has an anchor ``#<Term>`` per term).

Content negotiation (``Accept``, or ``?format=`` for browsers): HTML for people (German by default,
``?lang=en`` for English), Turtle, JSON-LD (compacted with ``ontology/context.jsonld``; also for
``Accept: application/json``),
N-Triples and RDF/XML for machines. The RDF is the resource's description as defined in
``thcm_graph/queries/describe-graph.rq``. Every response carries ``Vary: Accept``; pages carry
a weak ``ETag`` made of the build id, format and language, and ``If-None-Match`` gives 304.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from thcm_graph.describe import Description, describe, description_triples
from thcm_graph.errors import InputError
from thcm_graph.identifiers import KINDS, instance_iri, ontology_term_iri
from thcm_graph.labels import LabelIndex
from thcm_graph.namespaces import ONTOLOGY_GRAPH, ONTOLOGY_IRI, ONTOLOGY_NS
from thcm_graph.queries import load_query
from thcm_graph.rdf_output import load_jsonld_context, serialize
from thcm_graph.store import Publication, Store
from thcm_graph.store.results import GraphResult, SelectResult

from .deps import StoreDep
from .errors import HTTPProblem
from .html_view import TermView, Viewer, resource_page
from .negotiation import choose
from .ui_text import DEFAULT_LANGUAGE, LANGUAGES, TEXT

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(tags=["linked data"])

#: Formats of linked-data responses: name → media type. HTML first: the default.
FORMATS: dict[str, str] = {
    "html": "text/html",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
FORMAT_NAMES = {"ttl": "turtle", "json-ld": "jsonld", "nt": "ntriples", "rdf": "rdfxml", "xml": "rdfxml"}

Lang = Annotated[str, Query(pattern="^(de|en)$", description="Language of the HTML page: de (default) or en.")]
Format = Annotated[str | None, Query(description="Overrides Accept: html, turtle, jsonld, ntriples, rdfxml.")]


def _negotiate(request: Request, fmt: str | None) -> str:
    if fmt is not None:
        name = FORMAT_NAMES.get(fmt, fmt)
        if name not in FORMATS:
            raise HTTPProblem(400, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", headers={"Vary": "Accept"})
        return name
    accept = request.headers.get("accept")
    if accept:  # JSON-LD is this resource's JSON: a client asking for JSON gets it
        accept = re.sub(r"application/json(?=\s*(;|,|$))", "application/ld+json", accept)
    chosen = choose(accept, FORMATS, "html")
    if chosen is None:
        raise HTTPProblem(406, f"cannot answer in the requested format; available: {', '.join(FORMATS.values())}",
                          "NotAcceptable", {"Vary": "Accept"})
    return chosen


def _jsonld_context(request: Request) -> dict[str, Any] | None:
    return load_jsonld_context(request.app.state.settings.ontology_path / "context.jsonld")


def _rdf_response(body: bytes, fmt: str, publication: Publication, etag: str) -> Response:
    return Response(body, media_type=f"{FORMATS[fmt]}; charset=utf-8", headers=_headers(publication, etag))


def _headers(publication: Publication, etag: str | None = None) -> dict[str, str]:
    headers = {"Vary": "Accept", "X-Thcm-Build": publication.build_id}
    if etag is not None:
        headers["ETag"] = etag
    return headers


def _etag(publication: Publication, fmt: str, lang: str) -> str:
    """A page changes only with the build, the format and (for HTML) the language."""
    return f'W/"{publication.build_id}-{fmt}-{lang if fmt == "html" else ""}"'


def _not_modified(request: Request, publication: Publication, etag: str) -> Response | None:
    """304 when the client already holds this representation (``If-None-Match``)."""
    held = [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]
    if etag in held or "*" in held:
        return Response(status_code=304, headers=_headers(publication, etag))
    return None


def _page(request: Request, name: str, lang: str, publication: Publication, context: dict[str, Any],
          status: int = 200, etag: str | None = None) -> HTMLResponse:
    path = request.url.path
    context = {
        **context,
        "lang": lang,
        "t": TEXT[lang],
        "languages": LANGUAGES,
        "path": path,
        "formats": [(name_, media) for name_, media in FORMATS.items() if name_ != "html"],
        "build_id": publication.build_id,
        "root": request.scope.get("root_path", ""),
    }
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(_headers(publication, etag))
    return response


async def _resource(request: Request, store: Store, publication: Publication, iri: str, lang: str,
                    fmt: str | None) -> Response:
    chosen = _negotiate(request, fmt)
    etag = _etag(publication, chosen, lang)
    if (cached := _not_modified(request, publication, etag)) is not None:
        return cached
    if chosen != "html":
        body = await run_in_threadpool(_description_body, store, iri, chosen, _jsonld_context(request))
        if body is None:
            raise HTTPProblem(404, f"the graph holds no statements about <{iri}>", "NotFound", {"Vary": "Accept"})
        return _rdf_response(body, chosen, publication, etag)
    found = await run_in_threadpool(describe, store, iri)
    if found is None:
        return _not_found(request, iri, lang, publication)
    viewer = Viewer(found.labels, lang, request.scope.get("root_path", ""), found.blank_nodes)
    context = {**resource_page(found, viewer), "ontology": None}
    return _page(request, "resource.html", lang, publication, context, etag=etag)


def _not_found(request: Request, iri: str, lang: str, publication: Publication) -> HTMLResponse:
    return _page(request, "not_found.html", lang, publication, {"title": TEXT[lang]["not_found"], "iri": iri}, 404)


@router.api_route("/id/{kind}/{slug}", methods=["GET", "HEAD"], response_class=Response,
                  summary="A resource of the graph (HTML or RDF by content negotiation)")
async def resource(request: Request, kind: str, slug: str, db: StoreDep, lang: Lang = DEFAULT_LANGUAGE,
                   format: Format = None) -> Response:
    """The page of ``https://w3id.org/thcm/id/<kind>/<slug>``: HTML, Turtle, JSON-LD, N-Triples or RDF/XML."""
    store, publication = db
    try:
        iri = instance_iri(kind, slug)
    except InputError as exc:
        if _negotiate(request, format) == "html":
            return _not_found(request, f"/id/{kind}/{slug}", lang, publication)
        raise HTTPProblem(404, f"{exc}; instance IRIs are https://w3id.org/thcm/id/<kind>/<slug> with kind one of "
                               f"{', '.join(KINDS)}", "NotFound", {"Vary": "Accept"}) from None
    return await _resource(request, store, publication, iri, lang, format)


@router.api_route("/ontology", methods=["GET", "HEAD"], response_class=Response,
                  summary="The ontology document (HTML or RDF by content negotiation)")
async def ontology(request: Request, db: StoreDep, lang: Lang = DEFAULT_LANGUAGE, format: Format = None) -> Response:
    """The whole ontology: for people a page listing every term (anchor ``#<Term>``), for machines the ontology graph."""
    store, publication = db
    chosen = _negotiate(request, format)
    etag = _etag(publication, chosen, lang)
    if (cached := _not_modified(request, publication, etag)) is not None:
        return cached
    if chosen != "html":
        body = await run_in_threadpool(_ontology_body, store, chosen, _jsonld_context(request))
        return _rdf_response(body, chosen, publication, etag)
    found, terms = await run_in_threadpool(_ontology_page, store)
    if found is None:
        return _not_found(request, ONTOLOGY_IRI, lang, publication)
    viewer = Viewer(found.labels, lang, request.scope.get("root_path", ""), found.blank_nodes)
    page = resource_page(found, viewer)
    page["incoming"] = []
    return _page(request, "resource.html", lang, publication, {**page, "ontology": _term_rows(terms, viewer)}, etag=etag)


@router.api_route("/ontology/{term}", methods=["GET", "HEAD"], response_class=Response,
                  summary="One ontology term (HTML or RDF by content negotiation)")
async def ontology_term(request: Request, term: str, db: StoreDep, lang: Lang = DEFAULT_LANGUAGE,
                        format: Format = None) -> Response:
    """The page of ``https://w3id.org/thcm/ontology#<term>``."""
    store, publication = db
    try:
        iri = ontology_term_iri(term)
    except InputError:
        raise HTTPProblem(404, f"no ontology term {term!r}", "NotFound", {"Vary": "Accept"}) from None
    return await _resource(request, store, publication, iri, lang, format)


@router.get("/assets/thcm.css", include_in_schema=False)
def stylesheet() -> FileResponse:
    """The pages' style sheet (no CDN, no JavaScript)."""
    return FileResponse(HERE / "static" / "thcm.css", media_type="text/css")


def _description_body(store: Store, iri: str, fmt: str, context: dict[str, Any] | None) -> bytes | None:
    """The serialised description of ``iri``, or None when nothing has it as subject (run in a worker thread)."""
    triples = description_triples(store, iri)
    if not any(str(t[0]) == iri for t in triples):
        return None
    return serialize(triples, fmt, jsonld_context=context)


def _ontology_body(store: Store, fmt: str, context: dict[str, Any] | None) -> bytes:
    """The ontology graph serialised (run in a worker thread)."""
    result = store.query(load_query("ontology-graph"), bindings={"ontology": URIRef(ONTOLOGY_GRAPH)})
    assert isinstance(result, GraphResult)
    return serialize(result.triples, fmt, jsonld_context=context)


def _ontology_page(store: Store) -> tuple[Description | None, SelectResult]:
    found = describe(store, ONTOLOGY_IRI, incoming_limit=0)
    terms = store.query(load_query("ontology-terms"), bindings={"ontology": URIRef(ONTOLOGY_GRAPH)})
    assert isinstance(terms, SelectResult)
    return found, terms


def _term_rows(terms: SelectResult, viewer: Viewer) -> list[dict[str, object]]:
    labels = LabelIndex()
    types: dict[str, list[TermView]] = {}
    for row in terms.as_dicts():
        iri = str(row["term"])
        kinds = types.setdefault(iri, [])
        kind = viewer.term(row["type"])
        if kind not in kinds:
            kinds.append(kind)
        if "label" in row:
            labels.add(iri, "http://www.w3.org/2000/01/rdf-schema#label", row["label"])  # type: ignore[arg-type]
    rows = []
    for iri, kinds in types.items():
        name = iri[len(ONTOLOGY_NS):]
        rows.append({"anchor": name, "term": TermView(f"thcm:{name}", viewer.href(iri), iri),
                     "label": labels.best(iri, viewer.lang), "types": kinds})
    return rows
