"""Figures (qb:Observations) with their sources, filtered by subject, measure and period."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib.term import Literal, URIRef

from ..queries import load_query
from ..store import Store
from ..store.results import SelectResult, Term
from ._params import filters, paged, text
from .models import Figure, Labelled, Page

YEAR_NS = "http://reference.data.gov.uk/id/year/"


@dataclass(frozen=True)
class FigureFilter:
    """Which figures to list; None means no restriction."""

    subject: str | None = None
    measure: str | None = None
    period: str | None = None

    def bindings(self) -> dict[str, Term]:
        bindings = filters(byPeriod=("wantPeriod", _iri(self.period)))
        if self.subject is not None:
            bindings["subject"] = URIRef(self.subject)
        if self.measure is not None:
            bindings["measure"] = URIRef(self.measure)
        return bindings


def _iri(value: str | None) -> URIRef | None:
    return None if value is None else URIRef(value)


def list_figures(store: Store, where: FigureFilter, *, limit: int = 100, offset: int = 0) -> Page[Figure]:
    """One page of the figures matching ``where``, ordered by subject, measure and period."""
    bindings = where.bindings()
    count = store.query(load_query("figures-count"), bindings=bindings)
    assert isinstance(count, SelectResult)
    total = sum(int(str(n)) for n in count.column("total") if n is not None)
    result = store.query(paged(load_query("figures"), limit, offset), bindings=bindings)
    return Page(total=total, limit=limit, offset=offset, items=figures_from(result))


def figures_about(store: Store, subject: str) -> list[Figure]:
    """All figures whose ``thcm:refSubject`` is ``subject``."""
    result = store.query(load_query("figures"), bindings=FigureFilter(subject=subject).bindings())
    return figures_from(result)


def figures_from(result: object) -> list[Figure]:
    """Figures from rows of ``figures.rq``."""
    assert isinstance(result, SelectResult)
    figures = []
    for row in result.as_dicts():
        value = row["value"]
        approx = row.get("approx")
        source = row.get("source")
        figures.append(Figure(
            iri=str(row["obs"]),
            subject=Labelled(str(row["subject"]), text(row, "subjectDe"), text(row, "subjectEn")),
            measure=Labelled(str(row["measure"]), text(row, "measureDe"), text(row, "measureEn")),
            value=str(value),
            datatype=str(value.datatype) if isinstance(value, Literal) and value.datatype else None,
            value_as_printed=text(row, "printed"),
            unit=text(row, "unit"),
            period=text(row, "period"),
            approximate=None if approx is None else str(approx) in ("true", "1"),
            locator=text(row, "locator"),
            source=None if source is None else Labelled(str(source), *_title(row)),
        ))
    return figures


def _title(row: dict[str, Term]) -> tuple[str | None, str | None]:
    """The source's title as ``(German, English)``; an untagged title fills both."""
    title = row.get("sourceTitle")
    if not isinstance(title, Literal):
        return None, None
    if title.language == "de":
        return str(title), None
    if title.language == "en":
        return None, str(title)
    return str(title), str(title)


def year_iri(year: int) -> str:
    """The reference-period IRI of a calendar year.

    >>> year_iri(2012)
    'http://reference.data.gov.uk/id/year/2012'
    """
    return f"{YEAR_NS}{year:04d}"
