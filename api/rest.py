"""``/api/...``: read-only JSON resources over the graph (actors, fields, networks, figures).

Parameters are checked here and bound into the named queries of ``thcm_graph/queries/`` by the
catalogue (SEP-0007 substitution); nothing a client sends is ever written into query text.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query

from thcm_graph import catalogue
from thcm_graph.catalogue import MAX_LIMIT
from thcm_graph.catalogue.actors import resolve
from thcm_graph.catalogue.figures import year_iri
from thcm_graph.errors import InputError
from thcm_graph.identifiers import KINDS, TERM, ontology_term_iri

from .deps import StoreDep
from .errors import HTTPProblem
from .rest_models import (
    ActorDetailModel,
    ActorPage,
    FieldCatalogueModel,
    FigurePage,
    NetworkModel,
)

router = APIRouter(prefix="/api", tags=["REST"])

#: An absolute http(s) IRI without characters that IRIs may not contain.
IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+")

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (1–{MAX_LIMIT}).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Number of results to skip.")]


def _iri(value: str, what: str) -> str:
    if IRI.fullmatch(value) is None:
        raise InputError(f"{what} must be an absolute http(s) IRI, got {value!r}")
    return value


@router.get("/actors", response_model=ActorPage, summary="Actors, filtered and paginated")
def actors(
    db: StoreDep,
    kind: Annotated[str | None, Query(description="A thcm: class local name, e.g. Agency, NetworkOrganisation.")] = None,
    field: Annotated[str | None, Query(description="A field slug or IRI; actors active in it or a narrower field.")] = None,
    network: Annotated[str | None, Query(
        description="An organisation slug or IRI; its members (org:memberOf, org:Membership).")] = None,
    q: Annotated[str | None, Query(
        min_length=1, max_length=200,
        description="Case-insensitive text in a preferred, alternative or hidden label, any language.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> catalogue.Page[catalogue.ActorSummary]:
    """Every organisation (org:Organization), ordered by German label."""
    store, _ = db
    kind_iri = None
    if kind is not None:
        kinds = catalogue.actor_kinds(store)
        if kind not in kinds:
            raise HTTPProblem(400, f"unknown kind {kind!r}; kinds are: {', '.join(sorted(kinds))}")
        kind_iri = ontology_term_iri(kind)
    where = catalogue.ActorFilter(
        kind=kind_iri,
        field=None if field is None else resolve(field, "field"),
        network=None if network is None else resolve(network, "org"),
        text=q,
    )
    return catalogue.list_actors(store, where, limit=limit, offset=offset)


@router.get("/actors/{slug}", response_model=ActorDetailModel, summary="One actor in detail")
def actor(slug: str, db: StoreDep) -> catalogue.ActorDetail:
    """The organisation ``https://w3id.org/thcm/id/org/<slug>``: labels, kinds, fields, memberships, figures, sources."""
    store, _ = db
    try:
        found = catalogue.get_actor(store, slug)
    except InputError as exc:
        raise HTTPProblem(404, str(exc), "NotFound") from None
    if found is None:
        raise HTTPProblem(404, f"no actor with slug {slug!r} (https://w3id.org/thcm/id/org/{slug})", "NotFound")
    return found


@router.get("/fields", response_model=FieldCatalogueModel, summary="Fields of specialisation and their schemes")
def fields(
    db: StoreDep,
    scheme: Annotated[str | None, Query(description="Only the fields of this scheme (slug or IRI).")] = None,
) -> catalogue.FieldCatalogue:
    """Every concept scheme and field, with labels in German and English and broader fields."""
    store, _ = db
    return catalogue.list_fields(store, scheme=None if scheme is None else resolve(scheme, "scheme"))


@router.get("/networks", response_model=list[NetworkModel], summary="Network organisations and their member counts")
def networks(db: StoreDep) -> list[catalogue.Network]:
    """Every network organisation with the fields it serves and its member-count figures with their sources."""
    store, _ = db
    return catalogue.list_networks(store)


@router.get("/figures", response_model=FigurePage, summary="Figures by subject, measure and period")
def figures(
    db: StoreDep,
    subject: Annotated[str | None, Query(
        description="What the figure is about: an IRI, or <kind>/<slug> for ours (org/automotive-thueringen).")] = None,
    measure: Annotated[str | None, Query(description="A measure: thcm: local name (memberCount) or IRI.")] = None,
    period: Annotated[str | None, Query(description="A reference year (2012) or period IRI.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> catalogue.Page[catalogue.Figure]:
    """Every figure (qb:Observation) with value, printed text, unit, period, source and locator."""
    store, _ = db
    where = catalogue.FigureFilter(
        subject=None if subject is None else _subject(subject),
        measure=None if measure is None else _measure(measure),
        period=None if period is None else _period(period),
    )
    return catalogue.list_figures(store, where, limit=limit, offset=offset)


def _subject(value: str) -> str:
    """``org/<slug>`` (any kind) or an IRI."""
    kind, _, slug = value.partition("/")
    if kind in KINDS and slug and "/" not in slug:
        return resolve(slug, kind)
    return _iri(value, "subject")


def _measure(value: str) -> str:
    """A thcm: local name (``memberCount``) or an IRI."""
    return ontology_term_iri(value) if TERM.fullmatch(value) else _iri(value, "measure")


def _period(value: str) -> str:
    """A year (``2012``) or an IRI."""
    return year_iri(int(value)) if re.fullmatch(r"\d{4}", value) else _iri(value, "period")
