"""Actors: listing with filters (kind, field, network, text) and pagination; one actor in detail."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib.term import Literal, URIRef

from .. import describe as _describe  # a module import: describe uses catalogue.figures
from ..errors import InputError
from ..identifiers import instance_iri, is_slug, split_instance_iri
from ..labels import LabelIndex
from ..namespaces import FOAF, ONTOLOGY_GRAPH, ONTOLOGY_NS, ORG, PROV, SKOS
from ..queries import load_query
from ..store import Store
from ..store.results import SelectResult, Term
from ._params import filters, paged, text
from .models import ActorDetail, ActorSummary, Labelled, Page


@dataclass(frozen=True)
class ActorFilter:
    """Which actors to list; None means no restriction. IRIs are full IRIs (see :func:`resolve`)."""

    kind: str | None = None
    field: str | None = None
    network: str | None = None
    text: str | None = None

    def bindings(self) -> dict[str, Term]:
        return filters(
            byKind=("kind", None if self.kind is None else URIRef(self.kind)),
            byField=("field", None if self.field is None else URIRef(self.field)),
            byNetwork=("network", None if self.network is None else URIRef(self.network)),
            byText=("q", None if self.text is None else Literal(self.text)),
        )


def resolve(value: str, kind: str) -> str:
    """An instance given as slug or as full IRI → its IRI; :class:`InputError` otherwise.

    >>> resolve("tab", "org"), resolve("https://w3id.org/thcm/id/org/tab", "org")
    ('https://w3id.org/thcm/id/org/tab', 'https://w3id.org/thcm/id/org/tab')
    """
    if is_slug(value):
        return instance_iri(kind, value)
    parts = split_instance_iri(value)
    if parts is None or parts[0] != kind:
        raise InputError(
            f"{value!r} is neither a {kind} slug (lower-case words joined by '-') nor an IRI "
            f"https://w3id.org/thcm/id/{kind}/<slug>"
        )
    return value


def actor_kinds(store: Store) -> dict[str, dict[str, str]]:
    """Kinds of actors by local name (``Agency``), each with its labels by language."""
    result = store.query(load_query("actor-kinds"), bindings={"ontology": URIRef(ONTOLOGY_GRAPH)})
    assert isinstance(result, SelectResult)
    kinds: dict[str, dict[str, str]] = {}
    for row in result.as_dicts():
        labels = kinds.setdefault(str(row["kind"])[len(ONTOLOGY_NS):], {})
        label = row.get("label")
        if isinstance(label, Literal):
            labels[label.language or ""] = str(label)
    return kinds


def list_actors(store: Store, where: ActorFilter, *, limit: int = 50, offset: int = 0) -> Page[ActorSummary]:
    """One page of actors matching ``where``, ordered by German label."""
    bindings = where.bindings()
    count = store.query(load_query("actors-count"), bindings=bindings)
    assert isinstance(count, SelectResult)
    total = int(str(count.rows[0][0])) if count.rows else 0
    result = store.query(paged(load_query("actors"), limit, offset), bindings=bindings)
    assert isinstance(result, SelectResult)
    items = []
    for row in result.as_dicts():
        iri = str(row["actor"])
        kinds = sorted(k[len(ONTOLOGY_NS):] for k in (text(row, "kinds") or "").split())
        items.append(ActorSummary(iri, _slug(iri), text(row, "labelDe"), text(row, "labelEn"), kinds, text(row, "name")))
    return Page(total=total, limit=limit, offset=offset, items=items)


def get_actor(store: Store, slug: str) -> ActorDetail | None:
    """The actor ``id/org/<slug>`` in detail, or None if there is no such organisation."""
    iri = instance_iri("org", slug)
    found = _describe.describe(store, iri)
    if found is None or ORG + "Organization" not in found.types:
        return None

    def linked(values: list[Term]) -> list[Labelled]:
        return [_labelled(found.labels, str(v)) for v in dict.fromkeys(values) if isinstance(v, URIRef)]

    responsible = linked(found.values(ONTOLOGY_NS + "responsibleFor"))
    responsible_iris = {r.iri for r in responsible}
    members = [link.subject for link in found.incoming if link.predicate == ORG + "memberOf"]
    return ActorDetail(
        iri=iri,
        slug=slug,
        labels=found.labels.by_language(iri),
        alt_labels=found.labels.by_language(iri, SKOS + "altLabel"),
        kinds=sorted(t[len(ONTOLOGY_NS):] for t in found.types if t.startswith(ONTOLOGY_NS)),
        types=sorted(found.types),
        homepages=[str(v) for v in found.values(FOAF + "homepage")],
        responsible_for=responsible,
        active_in=[f for f in linked(found.values(ONTOLOGY_NS + "activeIn")) if f.iri not in responsible_iris],
        member_of=linked(found.values(ORG + "memberOf")),
        unit_of=linked(found.values(ORG + "unitOf")),
        members=linked(members),
        sources=linked(found.values(PROV + "wasDerivedFrom")),
        figures=list(found.figures),
    )


def _labelled(labels: LabelIndex, iri: str) -> Labelled:
    return Labelled(iri, *labels.pair(iri))


def _slug(iri: str) -> str:
    parts = split_instance_iri(iri)
    return parts[1] if parts else iri
