"""The web interface in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

`make test` installs the browser (`make browser`) and the vendored libraries (`make assets`).
Every page is checked for console errors, uncaught exceptions and requests to other hosts (the
interface must work offline); screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from conftest import ARTIFACTS, Server

from api.webui import VENDOR, VENDOR_FILES

pytestmark = pytest.mark.subprocess
playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ARTIFACTS / "browser"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def http(analysed_server: Server) -> Iterator[httpx.Client]:
    """A client of the server over a build with the hub analysis (as `make run` serves it)."""
    with httpx.Client(base_url=analysed_server.base_url, timeout=30) as client:
        yield client



@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    assert CHROMIUM.exists(), "Debian's chromium is not installed: run `make browser` (as root) or `make test`"
    missing = [name for name in VENDOR_FILES if not (VENDOR / name).is_file()]
    assert not missing, f"vendored browser libraries missing ({missing}): run `make assets`"
    with playwright_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield launched
        launched.close()


class Watched:
    """A page with its console errors, uncaught exceptions and requests leaving this server."""

    def __init__(self, page: object, base: str) -> None:
        self.page = page
        self.base = base
        self.errors: list[str] = []
        self.foreign: list[str] = []

    def shot(self, name: str, full_page: bool = True) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)  # type: ignore[attr-defined]
        return path


@pytest.fixture
def web(browser: object, analysed_server: Server) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")  # type: ignore[attr-defined]
    page = context.new_page()
    watched = Watched(page, analysed_server.base_url)
    host = urlparse(analysed_server.base_url).netloc

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if urlparse(url).scheme in ("http", "https") and urlparse(url).netloc != host:
            watched.foreign.append(url)
            r.abort()  # type: ignore[attr-defined]
        else:
            r.continue_()  # type: ignore[attr-defined]

    page.route("**/*", route)
    page.on("console", lambda m: watched.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.errors.append(f"uncaught: {e}"))
    yield watched
    context.close()
    assert not watched.errors, watched.errors
    assert not watched.foreign, f"requests to other hosts (must work offline): {watched.foreign}"


def test_home_page_explains_the_dataset(web: Watched, http: httpx.Client) -> None:
    page = web.page
    page.goto(web.base + "/")  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == "Wissensgraph des Thüringer Innovationsökosystems"  # type: ignore[attr-defined]
    actors = int(page.locator("[data-count=actors]").inner_text())  # type: ignore[attr-defined]
    assert actors > 50
    assert page.locator("#sources ~ table tbody tr").count() == 5  # type: ignore[attr-defined]
    for target in ("/catalog", "/downloads", "/query", "/hubs"):
        assert page.locator(f"main a[href='{target}']").count() == 1, target  # type: ignore[attr-defined]
    web.shot("home-de")
    page.get_by_role("link", name="EN", exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"\?lang=en$"))  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == "Knowledge graph of the Thuringian innovation ecosystem"  # type: ignore[attr-defined]
    web.shot("home-en")
    # API clients keep getting JSON from the same address
    assert http.get("/").json()["triples"] > 0


def test_example_query_result_table_and_entity_page(web: Watched, http: httpx.Client) -> None:
    page = web.page
    page.goto(web.base + "/query?lang=en")  # type: ignore[attr-defined]
    assert page.locator(".CodeMirror").count() == 1, "the YASQE editor did not start"  # type: ignore[attr-defined]
    page.get_by_role("button", name="The fields of specialisation of the RIS 2021–2027").click()  # type: ignore[attr-defined]
    rows = page.locator("#result-table tbody tr")  # type: ignore[attr-defined]
    rows.first.wait_for()
    assert rows.count() == 5
    assert page.locator("#result-table thead th").all_inner_texts() == ["?field", "?de", "?en"]  # type: ignore[attr-defined]
    assert "Industrial production and systems" in page.locator("#result-table").inner_text()  # type: ignore[attr-defined]
    assert "5 rows" in page.locator("#status").inner_text()  # type: ignore[attr-defined]
    # downloads: the same query as CSV and JSON from the endpoint
    csv_href = page.locator("#download-csv").get_attribute("href")  # type: ignore[attr-defined]
    json_href = page.locator("#download-json").get_attribute("href")  # type: ignore[attr-defined]
    csv = http.get(csv_href)
    assert csv.headers["content-type"].startswith("text/csv") and len(csv.text.strip().splitlines()) == 6
    assert len(http.get(json_href).json()["results"]["bindings"]) == 5
    web.shot("query-result")
    link = page.locator("#result-table tbody tr a").first  # type: ignore[attr-defined]
    href = link.get_attribute("href")
    assert href.startswith("/id/field/") and href.endswith("?lang=en")
    link.click()
    page.wait_for_url(re.compile(r"/id/field/"))  # type: ignore[attr-defined]
    assert page.locator("h1").count() == 1 and page.locator("#neighbourhood-h").inner_text() == "Neighbourhood"  # type: ignore[attr-defined]
    page.locator("#neighbourhood canvas").first.wait_for()  # type: ignore[attr-defined]
    web.shot("entity-field-en", full_page=False)


def test_entity_page_language_switch_and_neighbourhood(web: Watched) -> None:
    page = web.page
    page.goto(web.base + "/id/org/thcm")  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("lang") == "de"  # type: ignore[attr-defined]
    assert page.get_by_role("heading", name="Nachbarschaft").count() == 1  # type: ignore[attr-defined]
    page.locator("#neighbourhood canvas").first.wait_for()  # type: ignore[attr-defined]
    page.get_by_role("link", name="EN", exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"lang=en"))  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("lang") == "en"  # type: ignore[attr-defined]
    assert page.get_by_role("heading", name="Neighbourhood").count() == 1  # type: ignore[attr-defined]
    page.locator("#neighbourhood canvas").first.wait_for()  # type: ignore[attr-defined]
    web.shot("entity-thcm-en", full_page=False)


def test_endpoint_errors_are_shown_in_place(web: Watched) -> None:
    page = web.page
    page.goto(web.base + "/query")  # type: ignore[attr-defined]
    page.locator(".CodeMirror").click()  # type: ignore[attr-defined]
    page.evaluate("document.querySelector('.CodeMirror').CodeMirror.setValue('SELECT * WHERE { ?s ?p }')")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Ausführen").click()  # type: ignore[attr-defined]
    error = page.locator("#error")  # type: ignore[attr-defined]
    error.wait_for()
    assert "400" in error.inner_text() and page.locator("#result-table").count() == 0  # type: ignore[attr-defined]
    assert not page.locator("#download-csv").is_visible()  # type: ignore[attr-defined]
    web.shot("query-error")
    # the endpoint answered 400: the browser reports the failed fetch itself, which is expected here
    web.errors = [e for e in web.errors if "400" not in e]


def test_query_runs_from_the_keyboard(web: Watched) -> None:
    page = web.page
    page.goto(web.base + "/query?lang=en")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Networks and their members").focus()  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.locator("#result-table tbody tr").first.wait_for()  # type: ignore[attr-defined]
    assert page.locator("#result-table tbody tr").count() >= 3  # type: ignore[attr-defined]
    page.locator(".CodeMirror textarea").focus()  # type: ignore[attr-defined]
    page.keyboard.press("Control+Enter")  # type: ignore[attr-defined]
    page.locator("#result-table tbody tr").first.wait_for()  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    assert page.evaluate("document.activeElement.id") == "run", "Tab must leave the editor (no keyboard trap)"  # type: ignore[attr-defined]
    # every form control has an accessible name
    unnamed = page.evaluate("""() => [...document.querySelectorAll('button, select, input:not([type=hidden]), textarea')]
        .filter(e => e.offsetParent !== null && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                 && !e.textContent.trim()).map(e => e.outerHTML.slice(0, 80))""")  # type: ignore[attr-defined]
    assert unnamed == []


def test_hub_explorer_filter_map_and_bridges(web: Watched) -> None:
    page = web.page
    page.goto(web.base + "/hubs?lang=en")  # type: ignore[attr-defined]
    hubs = page.locator("#hub-table tbody tr")  # type: ignore[attr-defined]
    hubs.first.wait_for()
    assert hubs.count() == 10
    assert page.locator("#hub-table tbody td.explanation").first.inner_text().strip()  # type: ignore[attr-defined]
    page.locator("#field-map canvas").first.wait_for()  # type: ignore[attr-defined]
    nodes = page.evaluate("document.querySelectorAll('#field-filter option').length")  # type: ignore[attr-defined]
    assert nodes > 5
    web.shot("hubs-all")
    # filter by a field with fewer hubs than the page shows: the table becomes the REST answer for it
    fields = httpx.get(web.base + "/api/field-map").json()["fields"]
    answers = {f["iri"]: httpx.get(web.base + "/api/hubs", params={"field": f["iri"], "top": 10}).json()["hubs"] for f in fields}
    field = next(iri for iri, found in answers.items() if 0 < len(found) < 10)
    label = next(f["label"] for f in fields if f["iri"] == field)
    page.locator("#field-filter").select_option(field)  # type: ignore[attr-defined]
    page.locator("#hub-status").filter(has_text=label).wait_for()  # type: ignore[attr-defined]
    shown = page.locator("#hub-table tbody tr td:nth-child(2)").all_inner_texts()  # type: ignore[attr-defined]
    assert shown == [h["label"] for h in answers[field]]
    web.shot("hubs-filtered")
    # who connects field A and field B (the strongest bridge is preselected)
    page.get_by_role("button", name="Ask").click()  # type: ignore[attr-defined]
    page.locator("#bridges-summary").filter(has_text=re.compile(".+")).wait_for()  # type: ignore[attr-defined]
    assert page.locator("#direct li").count() >= 1  # type: ignore[attr-defined]
    assert page.locator("#direct li a").first.get_attribute("href").startswith("/id/")  # type: ignore[attr-defined]
    page.locator("#bridges-h").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    web.shot("hubs-bridges")
