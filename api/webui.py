"""The web interface for people: the home page (``/`` for browsers), the SPARQL query editor
(``/query``) and the hub explorer (``/hubs``).

The pages are server-rendered Jinja2 templates with small scripts in ``api/static/js/``. The
browser libraries (the YASQE editor, Cytoscape.js) are npm packages that ``make assets``
copies into ``api/static/vendor/``: nothing is fetched from another host at run time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from thcm_graph import __version__
from thcm_graph.store import Store

from .linked_data import templates
from .negotiation import choose
from .ui_text import DEFAULT_LANGUAGE, LANGUAGES, TEXT

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
VENDOR = STATIC / "vendor"
VENDOR_FILES = ("yasqe.min.js", "yasqe.min.css", "cytoscape.min.js")
router = APIRouter(tags=["web interface"], include_in_schema=False)
Lang = Annotated[str, Query(pattern="^(de|en)$")]

#: Example queries of the editor: the typical questions of researchers and the cluster management.
PREFIXES = """PREFIX thcm: <https://w3id.org/thcm/ontology#>
PREFIX id: <https://w3id.org/thcm/id/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
"""
EXAMPLES: list[dict[str, str]] = [
    {"id": "fields", "de": "Die Spezialisierungsfelder der RIS 2021–2027", "en": "The fields of specialisation of the RIS 2021–2027",
     "query": PREFIXES + """
SELECT ?field ?de ?en WHERE {
  ?field skos:inScheme id:scheme\\/ris-2021-2027 ;
         skos:prefLabel ?de , ?en .
  FILTER(lang(?de) = "de" && lang(?en) = "en")
} ORDER BY ?de"""},
    {"id": "actors-per-field", "de": "Akteure je Feld", "en": "Actors per field",
     "query": PREFIXES + """
SELECT ?field (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?actor) AS ?actors) WHERE {
  ?actor a org:Organization ; thcm:activeIn ?field .
  ?field skos:prefLabel ?name .
  FILTER(lang(?name) = "de")
} GROUP BY ?field ORDER BY DESC(?actors) LIMIT 25"""},
    {"id": "networks", "de": "Netzwerke und ihre Mitglieder", "en": "Networks and their members",
     "query": PREFIXES + """
SELECT ?network (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?member) AS ?members) WHERE {
  { ?member org:memberOf ?network } UNION { ?m org:organization ?network ; org:member ?member }
  ?network skos:prefLabel ?name .
} GROUP BY ?network ORDER BY DESC(?members) LIMIT 25"""},
    {"id": "figures", "de": "Kennzahlen mit ihrer Quelle", "en": "Figures with their source",
     "query": PREFIXES + """
SELECT ?subject ?measure ?value ?printed ?source WHERE {
  ?obs thcm:refSubject ?subject ; thcm:valueAsPrinted ?printed ; prov:wasDerivedFrom ?source ;
       ?measure ?value .
  ?measure a <http://purl.org/linked-data/cube#MeasureProperty> .
} ORDER BY ?subject ?measure LIMIT 50"""},
    {"id": "steering", "de": "Wer sitzt im Lenkungskreis RIS Thüringen?", "en": "Who sits on the RIS steering committee?",
     "query": PREFIXES + """
SELECT DISTINCT ?member ?label WHERE {
  ?committee skos:prefLabel "Lenkungskreis RIS Thüringen"@de .
  { ?member org:memberOf ?committee } UNION { ?m org:organization ?committee ; org:member ?member }
  OPTIONAL { ?member skos:prefLabel ?label FILTER(lang(?label) = "de") }
} ORDER BY ?label"""},
    {"id": "hubs", "de": "Die stärksten Hubs der Analyse", "en": "The strongest hubs of the analysis",
     "query": PREFIXES + """
SELECT ?actor ?label ?score WHERE {
  GRAPH <https://w3id.org/thcm/graph/analysis> { ?s thcm:scoreOf ?actor ; thcm:hubScore ?score }
  OPTIONAL { ?actor skos:prefLabel ?label FILTER(lang(?label) = "de") }
} ORDER BY DESC(?score) LIMIT 10"""},
]


def mount_static(app: Any) -> None:
    """Serve ``api/static/js`` and the vendored libraries under ``/assets/``."""
    app.mount("/assets/js", StaticFiles(directory=STATIC / "js"), name="webui-js")
    app.mount("/assets/vendor", StaticFiles(directory=VENDOR, check_dir=False), name="webui-vendor")


def wants_html(request: Request) -> bool:
    """A browser asks for HTML first; API clients (``*/*``, ``application/json``) get JSON."""
    return choose(request.headers.get("accept"), {"json": "application/json", "html": "text/html"}, "json") == "html"


def _context(request: Request, lang: str, title: str, page: str, build_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "lang": lang, "t": TEXT[lang], "languages": LANGUAGES, "path": request.url.path, "formats": [],
        "build_id": build_id, "root": request.scope.get("root_path", ""), "title": title, "page": page,
        "vendor_missing": [name for name in VENDOR_FILES if not (VENDOR / name).is_file()], **extra,
    }


def _value(term: object) -> str:
    return "" if term is None else str(term)


HOME_COUNTS = """
SELECT
  (COUNT(DISTINCT ?actor) AS ?actors) (COUNT(DISTINCT ?field) AS ?fields)
  (COUNT(DISTINCT ?network) AS ?networks) (COUNT(DISTINCT ?obs) AS ?figures)
WHERE {
  { ?actor a org:Organization } UNION { ?field a skos:Concept ; skos:inScheme ?scheme }
  UNION { ?network a thcm:NetworkOrganisation } UNION { ?obs a qb:Observation }
}"""
HOME_SOURCES = """
SELECT ?source (SAMPLE(?t) AS ?title) (SAMPLE(?p) AS ?publisher) (SAMPLE(?pl) AS ?publisherLabel) (SAMPLE(?d) AS ?date) WHERE {
  ?source a thcm:SourceDocument ; dct:title ?t .
  OPTIONAL { ?source dct:publisher ?p OPTIONAL { ?p skos:prefLabel ?pl FILTER(lang(?pl) = "de") } }
  OPTIONAL { ?source dct:date ?d }
} GROUP BY ?source ORDER BY ?source"""


def _home_facts(store: Store) -> dict[str, Any]:
    counts = store.query(HOME_COUNTS).as_dicts()  # type: ignore[union-attr]
    sources = store.query(HOME_SOURCES).as_dicts()  # type: ignore[union-attr]
    return {
        "counts": {k: int(str(v)) for k, v in (counts[0] if counts else {}).items()},
        "sources": [{"iri": str(s["source"]), "path": "/id/source/" + str(s["source"]).rsplit("/", 1)[1],
                     "title": _value(s.get("title")), "publisher": _value(s.get("publisher")),
                     "publisher_label": _value(s.get("publisherLabel") or s.get("publisher")),
                     "date": _value(s.get("date"))} for s in sources],
    }


async def home_page(request: Request, store: Store, lang: str) -> HTMLResponse:
    """The home page: what the dataset holds, where it comes from, and where to go next."""
    manifest = request.app.state.workers.current().manifest
    facts = await run_in_threadpool(_home_facts, store)
    analysis = manifest.get("analysis") or {}
    context = _context(request, lang, TEXT[lang]["home_title"], "home", manifest["build_id"],
                       manifest=manifest, version=__version__, analysis=analysis, **facts)
    return templates.TemplateResponse(request, "home.html", context)


@router.get("/query", response_class=HTMLResponse)
def query_page(request: Request, lang: Lang = DEFAULT_LANGUAGE) -> HTMLResponse:
    """The SPARQL query editor: YASQE, example queries, a result table, downloads."""
    build_id = request.app.state.workers.current().build_id
    examples = [{"id": e["id"], "title": e[lang], "query": e["query"].strip()} for e in EXAMPLES]
    context = _context(request, lang, TEXT[lang]["query_title"], "query", build_id, examples=examples,
                       examples_json=json.dumps({e["id"]: e["query"] for e in examples}))
    return templates.TemplateResponse(request, "query.html", context)


@router.get("/hubs", response_class=HTMLResponse)
def hubs_page(request: Request, lang: Lang = DEFAULT_LANGUAGE) -> HTMLResponse:
    """The hub explorer: ranked hubs, a field filter, the bridge map, who connects two fields."""
    build_id = request.app.state.workers.current().build_id
    context = _context(request, lang, TEXT[lang]["hubs_title"], "hubs", build_id)
    return templates.TemplateResponse(request, "hubs.html", context)


async def home(request: Request, db: tuple[Store, Any], lang: str) -> Response:
    store, _ = db
    return await home_page(request, store, lang)
