"""The records the catalogue returns (frozen dataclasses; the API turns them into JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Labelled:
    """A resource named by its IRI with one German and one English label where known."""

    iri: str
    label_de: str | None = None
    label_en: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and the number of all matching results."""

    total: int
    limit: int
    offset: int
    items: list[T]


@dataclass(frozen=True)
class ActorSummary:
    """An actor in a list: IRI, slug, labels, kinds (thcm: class local names)."""

    iri: str
    slug: str
    label_de: str | None
    label_en: str | None
    kinds: list[str]
    name: str | None = None  # untagged preferred label: an imported source states no language


@dataclass(frozen=True)
class Figure:
    """One qb:Observation: a number about a subject, as printed in its source."""

    iri: str
    subject: Labelled
    measure: Labelled
    value: str
    datatype: str | None
    value_as_printed: str | None
    unit: str | None
    period: str | None
    approximate: bool | None
    locator: str | None
    source: Labelled | None


@dataclass(frozen=True)
class ActorDetail:
    """Everything the REST API tells about one actor."""

    iri: str
    slug: str
    labels: dict[str, list[str]]
    alt_labels: dict[str, list[str]]
    kinds: list[str]
    types: list[str]
    homepages: list[str]
    responsible_for: list[Labelled]
    active_in: list[Labelled]
    member_of: list[Labelled]
    unit_of: list[Labelled]
    members: list[Labelled]
    sources: list[Labelled]
    figures: list[Figure]


@dataclass(frozen=True)
class Scheme:
    """A concept scheme (classification of fields)."""

    iri: str
    slug: str | None
    labels: dict[str, str]


@dataclass(frozen=True)
class Field:
    """A field of specialisation with its schemes, labels and broader fields."""

    iri: str
    slug: str | None
    labels: dict[str, str]
    schemes: list[str]
    broader: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FieldCatalogue:
    """All schemes and all fields."""

    schemes: list[Scheme]
    fields: list[Field]


@dataclass(frozen=True)
class Network:
    """A network organisation: labels, fields it serves, members stated in the graph, member-count figures."""

    iri: str
    slug: str | None
    labels: dict[str, str]
    fields: list[Labelled]
    members_in_graph: list[str]
    member_counts: list[Figure]
