"""Response models of the REST API (their fields and descriptions are what ``/docs`` shows)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class LabelledModel(_Model):
    """A linked resource: IRI and one German and one English label where known."""

    iri: str
    label_de: str | None = None
    label_en: str | None = None


class ActorSummaryModel(_Model):
    """An actor in a list."""

    iri: str = Field(description="The actor's IRI; its page is /id/org/<slug>.")
    slug: str
    label_de: str | None = Field(description="Preferred label in German.")
    label_en: str | None = Field(description="Preferred label in English, where a source gives one.")
    kinds: list[str] = Field(description="thcm: classes (local names), e.g. Agency, NetworkOrganisation.")
    name: str | None = Field(None, description="Preferred label without a language tag (an imported source that states no language).")


class ActorPage(_Model):
    """One page of actors; ``total`` counts all actors matching the filters."""

    total: int
    limit: int
    offset: int
    items: list[ActorSummaryModel]


class FigureModel(_Model):
    """A figure (qb:Observation) with the source it is taken from."""

    iri: str
    subject: LabelledModel = Field(description="What the figure is about (thcm:refSubject).")
    measure: LabelledModel = Field(description="The measure property, e.g. thcm:memberCount.")
    value: str = Field(description="The typed value's lexical form (see datatype).")
    datatype: str | None
    value_as_printed: str | None = Field(description="The value exactly as printed in the source, e.g. 'ca. 50 000'.")
    unit: str | None = Field(description="Unit IRI (QUDT).")
    period: str | None = Field(description="Reference period IRI (reference.data.gov.uk year).")
    approximate: bool | None
    locator: str | None = Field(description="Where in the source the figure is printed.")
    source: LabelledModel | None = Field(description="The source document and its title.")


class FigurePage(_Model):
    """One page of figures; ``total`` counts all figures matching the filters."""

    total: int
    limit: int
    offset: int
    items: list[FigureModel]


class ActorDetailModel(_Model):
    """Everything the API tells about one actor."""

    iri: str
    slug: str
    labels: dict[str, list[str]] = Field(description="Preferred labels by language tag.")
    alt_labels: dict[str, list[str]] = Field(description="Abbreviations and variants by language tag.")
    kinds: list[str]
    types: list[str] = Field(description="All rdf:types (IRIs), asserted and entailed.")
    homepages: list[str]
    responsible_for: list[LabelledModel] = Field(description="Fields the actor is in charge of (thcm:responsibleFor).")
    active_in: list[LabelledModel] = Field(description="Other fields the actor is active in (thcm:activeIn).")
    member_of: list[LabelledModel]
    unit_of: list[LabelledModel]
    members: list[LabelledModel] = Field(description="Actors stated as members of this one (org:memberOf).")
    sources: list[LabelledModel] = Field(description="Source documents the facts about the actor come from.")
    figures: list[FigureModel]


class SchemeModel(_Model):
    """A classification (skos:ConceptScheme)."""

    iri: str
    slug: str | None
    labels: dict[str, str] = Field(description="Preferred label by language tag.")


class FieldModel(_Model):
    """A field of specialisation (skos:Concept)."""

    iri: str
    slug: str | None
    labels: dict[str, str] = Field(description="Preferred label by language tag (de, en).")
    schemes: list[str] = Field(description="IRIs of the schemes the field is in.")
    broader: list[str] = Field(description="IRIs of broader fields (skos:broader).")


class FieldCatalogueModel(_Model):
    """Schemes and fields."""

    schemes: list[SchemeModel]
    fields: list[FieldModel]


class NetworkModel(_Model):
    """A network organisation with the fields it serves and its member counts with their sources."""

    iri: str
    slug: str | None
    labels: dict[str, str]
    fields: list[LabelledModel] = Field(description="Fields it serves (thcm:activeIn).")
    members_in_graph: list[str] = Field(description="Actors the graph states as members (org:memberOf, org:Membership).")
    member_counts: list[FigureModel] = Field(
        description="Member-count figures (thcm:memberCount, firmMemberCount, researchMemberCount) with sources."
    )
