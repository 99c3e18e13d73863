"""The S3 profile of the region: what a Smart Specialisation Platform takes as it is.

The region (NUTS DEG) with its fields of specialisation (the RIS schemes below), the codes the
fields are mapped to — NACE Rev. 2 (EU vocabulary ``http://data.europa.eu/ux2/nace2/``), NABS 2007
and the S3 policy objectives (local schemes with ``skos:notation``, DESIGN.md §2) — the platforms
and networks the region's bodies belong to, and the key figures about the region with unit and
reference period (RDF Data Cube observations).

Two serialisations: JSON-LD whose keys are the project's context terms (``ontology/context.jsonld``)
plus a few profile terms mapped to standard properties, so that every value is also RDF; and
CSV, one row per item, for spreadsheets.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal

from ..namespaces import ID_NS, ONTOLOGY_NS, ORG
from ..namespaces import SKOS as SKOS_NS
from ..queries import select
from ..store import Store, Term
from .identifiers import REGION, Region

#: Concept schemes whose fields are the region's fields of smart specialisation.
#: The region profile's personalised-medicine domain (002) is included: it carries the NACE, NABS
#: and S3 policy-objective codes the profile gives.
S3_SCHEMES = (ID_NS + "scheme/ris-2021-2027", ID_NS + "scheme/ris3-2014-2020", ID_NS + "scheme/pm-region-profile-deg-topics")
NACE_NS = "http://data.europa.eu/ux2/nace2/"
SKOS_CLOSE_MATCH = SKOS_NS + "closeMatch"

#: Code systems, told apart by the code's scheme (or IRI for NACE).
NABS_SCHEME = ID_NS + "scheme/nabs-2007"
OBJECTIVE_SCHEME = ID_NS + "scheme/s3-policy-objectives"

#: Profile terms added to the project context: each is a standard property.
PROFILE_CONTEXT: dict[str, Any] = {
    "code": "skos:notation",
    "nutsLevel": {"@id": "http://data.europa.eu/nuts/level", "@type": "xsd:integer"},
    "fieldsOfSpecialisation": {"@id": "dct:relation", "@type": "@id"},
    "naceCodes": {"@id": "skos:closeMatch", "@type": "@id"},
    "nabsCodes": {"@id": "skos:closeMatch", "@type": "@id"},
    "policyObjectives": {"@id": "skos:related", "@type": "@id"},
    "bodies": {"@reverse": "dct:spatial"},
    "linkedTo": {"@id": "org:linkedTo", "@type": "@id"},
    "memberships": {"@reverse": "org:member"},
    "roleLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "figures": {"@reverse": "thcm:refSubject"},
    "measure": {"@id": "qb:measureType", "@type": "@vocab"},
    "value": {"@id": "sdmx-measure:obsValue"},
}


@dataclass(frozen=True)
class Code:
    iri: str
    system: str  #: "NACE", "NABS", "S3 policy objective" or "other"
    notation: str
    label: Literal | None
    relation: str = SKOS_CLOSE_MATCH


@dataclass
class Field:
    iri: str
    scheme: str
    labels: dict[str, str] = field(default_factory=dict)
    codes: list[Code] = field(default_factory=list)


@dataclass
class Body:
    iri: str
    labels: dict[str, str]
    member_of: list[tuple[str, dict[str, str], str | None]] = field(default_factory=list)  #: platform, labels, role
    linked_to: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    memberships: list[tuple[str, str, Literal]] = field(default_factory=list)  #: membership, platform, role


@dataclass(frozen=True)
class Figure:
    iri: str
    measure: str
    value: Literal
    unit: str | None
    period: str | None
    printed: str | None
    approximate: bool | None
    source: str | None
    label: Literal | None


@dataclass(frozen=True)
class S3Profile:
    region: Region
    fields: tuple[Field, ...]
    bodies: tuple[Body, ...]
    figures: tuple[Figure, ...]



def _labels(store: Store, iri: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for row in select(store, "labels", resource=iri).as_dicts():
        label = row.get("label")
        if isinstance(label, Literal):
            labels.setdefault(label.language or "", str(label))
    return labels


def _system(code: str, scheme: str | None, notation: str) -> str:
    if code.startswith(NACE_NS):
        return "NACE"
    lowered = (scheme or "").lower()
    if scheme == NABS_SCHEME or "nabs" in lowered or notation.upper().startswith("NABS"):
        return "NABS"
    if scheme == OBJECTIVE_SCHEME or "objective" in lowered:
        return "S3 policy objective"
    return "other"


def _str(term: Term | None) -> str | None:
    return None if term is None else str(term)


def collect(store: Store, region: Region = REGION) -> S3Profile:
    """Read the profile of ``region`` from the store."""
    fields: dict[str, Field] = {}
    for scheme in S3_SCHEMES:
        for row in select(store, "s3-fields", scheme=scheme).as_dicts():
            f = fields.setdefault(str(row["field"]), Field(str(row["field"]), scheme))
            label = row.get("label")
            if isinstance(label, Literal):
                f.labels.setdefault(label.language or "", str(label))
            if "code" in row:
                iri = str(row["code"])
                notation = _str(row.get("notation")) or iri.rstrip("/").rsplit("/", 1)[-1]
                code_label = row.get("codeLabel")
                code = Code(iri, _system(iri, _str(row.get("codeScheme")), notation), notation,
                            code_label if isinstance(code_label, Literal) else None, str(row["relation"]))
                if all(c.iri != iri for c in f.codes):
                    f.codes.append(code)
    bodies: dict[str, Body] = {}
    for row in select(store, "s3-memberships", region=region.iri).as_dicts():
        iri, platform = str(row["body"]), str(row["platform"])
        body = bodies.get(iri) or bodies.setdefault(iri, Body(iri, _labels(store, iri)))
        role_label = row.get("role")
        role = _str(role_label)
        if str(row["relation"]) == ORG + "memberOf":
            if all(p != platform for p, *_ in body.member_of):
                body.member_of.append((platform, _labels(store, platform), role))
        elif all(p != platform for p, _ in body.linked_to):
            body.linked_to.append((platform, _labels(store, platform)))
        if "membership" in row and isinstance(role_label, Literal):
            body.memberships.append((str(row["membership"]), platform, role_label))
    figures = []
    for row in select(store, "s3-figures", region=region.iri).as_dicts():
        approximate = row.get("approximate")
        figures.append(Figure(
            str(row["obs"]), str(row["measure"]), row["value"],  # type: ignore[arg-type]
            _str(row.get("unit")), _str(row.get("period")), _str(row.get("printed")),
            None if approximate is None else str(approximate) == "true", _str(row.get("source")),
            label if isinstance(label := row.get("label"), Literal) else None,
        ))
    return S3Profile(region, tuple(fields.values()), tuple(bodies.values()), tuple(figures))


# -- JSON-LD ------------------------------------------------------------------------------------

def _term(iri: str) -> str:
    return "thcm:" + iri[len(ONTOLOGY_NS):] if iri.startswith(ONTOLOGY_NS) else iri


def _json_value(value: Literal) -> Any:
    python = value.toPython()
    if isinstance(python, bool | int):
        return python
    return {"@value": str(value), "@type": str(value.datatype)} if value.datatype else str(value)


def to_jsonld(profile: S3Profile, context: dict[str, Any]) -> dict[str, Any]:
    """The profile as one JSON-LD document rooted at the region."""
    # each list is one SKOS property (PROFILE_CONTEXT); a code linked by another property is listed
    # under "otherCodes", which the context leaves undefined, so the RDF states nothing false
    codes_by_key = {"NACE": "naceCodes", "NABS": "nabsCodes", "S3 policy objective": "policyObjectives"}
    property_of = {key: PROFILE_CONTEXT[key]["@id"].replace("skos:", SKOS_NS) for key in codes_by_key.values()}
    fields = []
    for f in profile.fields:
        node: dict[str, Any] = {"@id": f.iri, "@type": "FieldOfSpecialisation", "prefLabel": f.labels, "inScheme": f.scheme}
        # the three code lists are always present (empty where the graph has no mapping yet)
        grouped: dict[str, list[dict[str, Any]]] = {"naceCodes": [], "nabsCodes": [], "policyObjectives": []}
        for code in f.codes:
            entry: dict[str, Any] = {"@id": code.iri, "code": code.notation}
            if code.label is not None:
                entry["skos:prefLabel"] = (
                    {"@value": str(code.label), "@language": code.label.language} if code.label.language else str(code.label)
                )
            key = codes_by_key.get(code.system, "otherCodes")
            if property_of.get(key) != code.relation:
                key = "otherCodes"
            grouped.setdefault(key, []).append(entry)
        node.update(grouped)
        fields.append(node)
    bodies = []
    for body in profile.bodies:
        entry = {
            "@id": body.iri, "prefLabel": body.labels,
            "memberOf": [{"@id": p, "prefLabel": labels} for p, labels, _ in body.member_of],
            "linkedTo": [{"@id": p, "prefLabel": labels} for p, labels in body.linked_to],
        }
        if body.memberships:
            entry["memberships"] = [
                {"@id": m, "@type": "Membership", "organization": p, "role": {"roleLabel": {role.language or "@none": str(role)}}}
                for m, p, role in body.memberships
            ]
        bodies.append(entry)
    figures = []
    for fig in profile.figures:
        item: dict[str, Any] = {"@id": fig.iri, "@type": "Observation", "measure": _term(fig.measure),
                                _term(fig.measure): _json_value(fig.value), "value": _json_value(fig.value)}
        for key, value in (("unitMeasure", fig.unit), ("refPeriod", fig.period), ("valueAsPrinted", fig.printed),
                           ("wasDerivedFrom", fig.source)):
            if value is not None:
                item[key] = value
        if fig.approximate is not None:
            item["isApproximate"] = fig.approximate
        if fig.label is not None:
            item["rdfs:label"] = {"@value": str(fig.label), "@language": fig.label.language} if fig.label.language else str(fig.label)
        figures.append(item)
    return {
        "@context": [context, PROFILE_CONTEXT],
        "@id": profile.region.iri,
        "@type": "dct:Location",
        "code": profile.region.code,
        "nutsLevel": profile.region.level,
        "prefLabel": {"de": profile.region.name_de, "en": profile.region.name_en},
        "fieldsOfSpecialisation": fields,
        "bodies": bodies,
        "figures": figures,
    }


# -- CSV ----------------------------------------------------------------------------------------

CSV_COLUMNS = ("section", "id", "label_de", "label_en", "code_system", "code", "related_to", "relation",
               "value", "unit", "ref_period", "value_as_printed", "approximate", "source")


def to_csv(profile: S3Profile) -> str:
    """The profile as CSV (RFC 4180, UTF-8, header row), one row per item."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    r = profile.region
    writer.writerow({"section": "region", "id": r.iri, "label_de": r.name_de, "label_en": r.name_en,
                     "code_system": f"NUTS {r.level}", "code": r.code})
    for f in profile.fields:
        writer.writerow({"section": "field", "id": f.iri, "label_de": f.labels.get("de", ""),
                         "label_en": f.labels.get("en", ""), "related_to": f.scheme, "relation": "skos:inScheme"})
        for c in f.codes:
            label = str(c.label) if c.label is not None else ""
            writer.writerow({"section": "field code", "id": c.iri, "label_en": label, "code_system": c.system,
                             "code": c.notation, "related_to": f.iri, "relation": c.relation.replace(SKOS_NS, "skos:")})
    for body in profile.bodies:
        for platform, labels, role in body.member_of:
            writer.writerow({"section": "membership", "id": platform, "label_de": labels.get("de", ""),
                             "label_en": labels.get("en", ""), "related_to": body.iri,
                             "relation": "org:memberOf" + (f" ({role})" if role else "")})
        for platform, labels in body.linked_to:
            writer.writerow({"section": "membership", "id": platform, "label_de": labels.get("de", ""),
                             "label_en": labels.get("en", ""), "related_to": body.iri, "relation": "org:linkedTo"})
    for fig in profile.figures:
        writer.writerow({"section": "figure", "id": fig.iri, "label_en": str(fig.label or ""), "code": _term(fig.measure),
                         "related_to": r.iri, "relation": "thcm:refSubject", "value": str(fig.value),
                         "unit": fig.unit or "", "ref_period": fig.period or "", "value_as_printed": fig.printed or "",
                         "approximate": "" if fig.approximate is None else str(fig.approximate).lower(),
                         "source": fig.source or ""})
    return buffer.getvalue()
