"""The DCAT-AP 3.0.1 description validates against the official shapes (shared/external).

- ``shapes.ttl`` + ``range.ttl``: zero results (the invocation of HOW-TO-VALIDATE.md);
- ``shapes_recommended.ttl``: only the warnings listed in ``IMPOSSIBLE`` below;
- ``deprecateduris.ttl``: nothing deprecated is used.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, SKOS

from thcm_graph.export.dcat import THEMES, catalog_graph
from thcm_graph.export.formats import FORMATS
from thcm_graph.export.identifiers import DATASET, ServiceUrls
from thcm_graph.store import Publication, Store

from .conftest import EXTERNAL

DCATAP = EXTERNAL / "dcat-ap-3.0.1"
BASE = "https://thcm.example.org"
NUTS_DEG = URIRef("http://data.europa.eu/nuts/code/DEG")

#: Recommended properties we cannot fill, each with the reason (focus node, path).
IMPOSSIBLE = {
    # dct:Location dcat:bbox / dcat:centroid need the geometry of NUTS DEG; no geometry of it is
    # in the data or in ../shared (the NUTS files list codes and names only), and nothing is
    # downloaded at run time. Typing coordinates in by hand would be data without a source.
    (NUTS_DEG, DCAT.bbox),
    (NUTS_DEG, DCAT.centroid),
}


@pytest.fixture(scope="module")
def catalogue(store: Store, publication: Publication) -> Graph:
    return catalog_graph(store, publication, ServiceUrls(BASE))


def _shapes(*names: str) -> Graph:
    shapes = Graph()
    for name in names:
        shapes.parse(DCATAP / name, format="turtle")
    return shapes


def _results(report: Graph) -> set[tuple[object, object, object]]:
    return {
        (report.value(r, SH.focusNode), report.value(r, SH.resultPath), report.value(r, SH.resultSeverity))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


def test_zero_violations_on_shapes_and_range(catalogue: Graph) -> None:
    conforms, report, text = pyshacl.validate(
        catalogue, shacl_graph=_shapes("shapes.ttl", "range.ttl"), ont_graph=None,
        inference="none", advanced=False, allow_warnings=False,
    )
    assert conforms, text
    assert _results(report) == set()


def test_recommended_shapes_report_only_what_cannot_be_filled(catalogue: Graph) -> None:
    conforms, report, text = pyshacl.validate(
        catalogue, shacl_graph=_shapes("shapes_recommended.ttl"), inference="none", allow_warnings=True,
    )
    assert conforms, text
    assert {(focus, path) for focus, path, _ in _results(report)} == IMPOSSIBLE, text
    assert {severity for *_, severity in _results(report)} == {SH.Warning}


def test_no_deprecated_terms(catalogue: Graph) -> None:
    conforms, report, text = pyshacl.validate(catalogue, shacl_graph=_shapes("deprecateduris.ttl"),
                                              inference="none", allow_warnings=False)
    assert conforms and not _results(report), text


def test_themes_are_eu_data_themes_with_their_labels(catalogue: Graph) -> None:
    table = Graph().parse(EXTERNAL / "eu-vocabularies" / "data-theme-skos-ap-act.rdf", format="xml")
    scheme = URIRef("http://publications.europa.eu/resource/authority/data-theme")
    themes = set(catalogue.objects(URIRef(DATASET), DCAT.theme))
    assert {str(t).rsplit("/", 1)[-1] for t in themes} == set(THEMES)
    for theme in themes:
        assert (theme, SKOS.inScheme, scheme) in table
        for label in catalogue.objects(theme, SKOS.prefLabel):
            assert (theme, SKOS.prefLabel, label) in table, f"{theme} {label!r} differs from the EU table"


def test_distributions_cover_every_format_and_the_endpoint(catalogue: Graph) -> None:
    distributions = set(catalogue.objects(URIRef(DATASET), DCAT.distribution))
    assert len(distributions) == len(FORMATS) + 1
    downloads = {str(u) for d in distributions for u in catalogue.objects(d, DCAT.downloadURL)}
    assert downloads == {f"{BASE}/downloads/{f.filename}" for f in FORMATS.values()}
    endpoints = set(catalogue.objects(None, DCAT.endpointURL))
    assert endpoints == {URIRef(f"{BASE}/sparql")}


def test_bilingual_titles_and_build_dates(catalogue: Graph, publication: Publication) -> None:
    dataset = URIRef(DATASET)
    assert {t.language for t in catalogue.objects(dataset, DCTERMS.title)} == {"de", "en"}  # type: ignore[union-attr]
    assert {t.language for t in catalogue.objects(dataset, DCTERMS.description)} == {"de", "en"}  # type: ignore[union-attr]
    modified = catalogue.value(dataset, DCTERMS.modified)
    assert isinstance(modified, Literal) and str(modified) == publication.manifest["created"]


def test_temporal_coverage_spans_the_sources_and_figures(catalogue: Graph, union: Graph) -> None:
    """Computed here from the triples: the days covered by source dates and figure reference periods."""
    import calendar

    days: list[date] = []
    for s, p, o in union:
        source_date = p in (DCTERMS.date, DCTERMS.issued) and (
            s, RDF.type, URIRef("https://w3id.org/thcm/ontology#SourceDocument")) in union
        if not (source_date or p == URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refPeriod")):
            continue
        year, *rest = (int(x) for x in str(o).rsplit("/", 1)[-1].split("-")[:3])
        if not rest:
            days += [date(year, 1, 1), date(year, 12, 31)]
        elif len(rest) == 1:
            days += [date(year, rest[0], 1), date(year, rest[0], calendar.monthrange(year, rest[0])[1])]
        else:
            days.append(date(year, rest[0], rest[1]))
    period = catalogue.value(URIRef(DATASET), DCTERMS.temporal)
    start = catalogue.value(period, DCAT.startDate).toPython()  # type: ignore[union-attr]
    end = catalogue.value(period, DCAT.endDate).toPython()  # type: ignore[union-attr]
    assert (start, end) == (min(days), max(days))


def test_shapes_are_where_the_tests_expect_them() -> None:
    assert Path(DCATAP / "shapes.ttl").is_file(), "../shared/external must sit beside the repository"
