"""The web interface over HTTP (no browser): negotiation at /, the pages, /api/field-map, no CDN."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from conftest import REPO, Server

from api.webui import EXAMPLES, VENDOR_FILES

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def http(analysed_server: Server) -> Iterator[httpx.Client]:
    """A client of the server over a build with the hub analysis (as `make run` serves it)."""
    with httpx.Client(base_url=analysed_server.base_url, timeout=30) as client:
        yield client



def test_home_is_a_page_for_browsers_and_json_for_clients(http: httpx.Client) -> None:
    page = http.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'href="/catalog"' in page.text and 'href="/downloads"' in page.text and "/id/source/" in page.text
    for accept in (None, "*/*", "application/json"):
        answer = http.get("/", headers={"Accept": accept} if accept else {})
        assert answer.headers["content-type"].startswith("application/json") and answer.json()["triples"] > 0
    english = http.get("/", params={"lang": "en"}, headers={"Accept": BROWSER_ACCEPT})
    assert '<html lang="en">' in english.text and "Knowledge graph of the Thuringian innovation ecosystem" in english.text


@pytest.mark.parametrize("path", ["/query", "/hubs", "/query?lang=en", "/hubs?lang=en"])
def test_pages_answer(http: httpx.Client, path: str) -> None:
    page = http.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert re.search(r'<label for="[a-z-]+"', page.text)


def test_example_queries_all_answer(http: httpx.Client) -> None:
    for example in EXAMPLES:
        answer = http.post("/sparql", data={"query": example["query"]}, headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, (example["id"], answer.text)
        assert answer.json()["results"]["bindings"], f"example {example['id']} has no rows"


def test_field_map_agrees_with_bridges(http: httpx.Client) -> None:
    field_map = http.get("/api/field-map").json()
    fields = {f["iri"] for f in field_map["fields"]}
    assert field_map["edges"] and all(e["a"] in fields and e["b"] in fields for e in field_map["edges"])
    assert all(e["weight"] == len(e["actors"]) + e["links"] for e in field_map["edges"])
    strongest = field_map["edges"][0]
    assert strongest["weight"] == max(e["weight"] for e in field_map["edges"])
    bridges = http.get("/api/bridges", params={"a": strongest["a"], "b": strongest["b"]}).json()
    assert {a["iri"] for a in strongest["actors"]} <= {a["iri"] for a in bridges["direct"]} | {a["iri"] for a in bridges["connectors"]}


def test_vendored_libraries_are_served_by_the_app(http: httpx.Client) -> None:
    for name in VENDOR_FILES:
        answer = http.get(f"/assets/vendor/{name}")
        assert answer.status_code == 200, f"{name}: run `make assets`"
        assert answer.headers["content-type"].split(";")[0] in ("text/javascript", "application/javascript", "text/css")


def test_no_page_loads_anything_from_another_host() -> None:
    """Templates and scripts name no external script, style or font (works offline)."""
    sources = [*(REPO / "api" / "templates").glob("*.html"), *(REPO / "api" / "static" / "js").glob("*.js"),
               REPO / "api" / "static" / "thcm.css"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', text), path.name
        assert "@import" not in text and "url(http" not in text, path.name
