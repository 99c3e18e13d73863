"""``/catalog``, ``/.well-known/void`` and ``/downloads`` over the in-process TestClient, and the
catalogue's own download links followed on a real ``thcm serve``."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator

import httpx
import pytest
from conftest import Server
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT

from api import create_app
from thcm_graph.config import Settings
from thcm_graph.export.formats import FORMATS

RDFLIB = {"nq": "nquads", "trig": "trig", "ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


@pytest.fixture(scope="module")
def client(backend_settings: Settings) -> Iterator[TestClient]:
    settings = backend_settings.model_copy(update={"base_url": "https://thcm.example.org"})
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.mark.parametrize("path", ["/catalog", "/.well-known/void"])
@pytest.mark.parametrize("accept,media,rdflib_format", [
    (None, "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("text/html;q=0.9, */*;q=0.1", "text/turtle", "turtle"),
])
def test_descriptions_are_negotiated(client: TestClient, path: str, accept: str | None, media: str, rdflib_format: str) -> None:
    response = client.get(path, headers={"accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media}; charset=utf-8"
    assert len(Graph().parse(data=response.content, format=rdflib_format)) > 50


def test_format_parameter_and_406(client: TestClient) -> None:
    assert client.get("/catalog", params={"format": "jsonld"}).headers["content-type"].startswith("application/ld+json")
    refused = client.get("/catalog", headers={"accept": "image/png"})
    assert refused.status_code == 406 and refused.json()["error"]["type"] == "NotAcceptable"


def test_catalog_uses_the_base_url(client: TestClient) -> None:
    graph = Graph().parse(data=client.get("/catalog").content, format="turtle")
    assert set(graph.objects(None, DCAT.endpointURL)) == {URIRef("https://thcm.example.org/sparql")}


@pytest.mark.parametrize("key", list(FORMATS))
def test_every_dump_downloads_with_its_media_type(client: TestClient, key: str, union: Graph,
                                                  expected: dict[str, Graph]) -> None:
    fmt = FORMATS[key]
    plain = client.get(f"/downloads/{fmt.filename}")
    assert plain.status_code == 200
    assert plain.headers["content-type"].split(";")[0] == fmt.media_type
    assert plain.headers["content-disposition"] == f'attachment; filename="{fmt.filename}"'
    packed = client.get(f"/downloads/{fmt.filename}.gz")
    assert packed.headers["content-type"] == "application/gzip"
    assert gzip.decompress(packed.content) == plain.content
    if fmt.holds_graphs:
        dataset = Dataset()
        dataset.parse(data=plain.content, format=RDFLIB[key])
        assert sum(len(g) for g in dataset.graphs()) == sum(len(g) for g in expected.values())
    else:
        assert isomorphic(Graph().parse(data=plain.content, format=RDFLIB[key]), union)


def test_downloads_index_views_profile_and_errors(client: TestClient) -> None:
    index = client.get("/downloads").json()
    assert index["files"]["thcm.nq.gz"] == "https://thcm.example.org/downloads/thcm.nq.gz"
    for name in ("actors.jsonld", "fields.jsonld", "s3-profile.jsonld"):
        response = client.get(f"/downloads/{name}")
        assert response.headers["content-type"] == "application/ld+json"
        assert json.loads(response.content)["@context"]
    assert client.get("/downloads/s3-profile.csv").headers["content-type"] == "text/csv; charset=utf-8"
    missing = client.get("/downloads/secrets.txt")
    assert missing.status_code == 404 and "thcm.nq" in missing.json()["error"]["message"]
    assert client.get("/downloads/..%2Fmanifest.json").status_code == 404


def test_etag_gives_304(client: TestClient) -> None:
    first = client.get("/downloads/thcm.ttl")
    again = client.get("/downloads/thcm.ttl", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.subprocess
def test_real_server_serves_what_the_catalogue_links(served: Server) -> None:
    """On the session's `thcm serve` (THCM_BASE_URL left default), follow every dcat:downloadURL."""
    catalogue = httpx.get(f"{served.base_url}/catalog", headers={"accept": "text/turtle"})
    assert catalogue.status_code == 200 and catalogue.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=catalogue.content, format="turtle")
    links = sorted(str(u) for u in graph.objects(None, DCAT.downloadURL))
    assert len(links) == len(FORMATS)
    for link in links:
        path = link.removeprefix(served.settings.base_url)
        response = httpx.get(served.base_url + path, timeout=60)
        assert response.status_code == 200, link
        assert response.headers["etag"].startswith(f'"{response.headers["x-thcm-build"]}')
    void = httpx.get(f"{served.base_url}/.well-known/void")
    assert "void:sparqlEndpoint" in void.text
