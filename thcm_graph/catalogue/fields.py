"""Fields of specialisation and the concept schemes (classifications) they belong to."""

from __future__ import annotations

from rdflib.term import Literal

from ..identifiers import split_instance_iri
from ..queries import load_query
from ..store import Store
from ..store.results import SelectResult
from .models import Field, FieldCatalogue, Scheme


def list_fields(store: Store, *, scheme: str | None = None) -> FieldCatalogue:
    """All schemes and their fields (only the fields of ``scheme`` if given), with labels by language."""
    schemes: dict[str, dict[str, str]] = {}
    rows = store.query(load_query("schemes"))
    assert isinstance(rows, SelectResult)
    for row in rows.as_dicts():
        labels = schemes.setdefault(str(row["scheme"]), {})
        _add_label(labels, row.get("label"))
    fields: dict[str, tuple[dict[str, str], list[str], list[str]]] = {}
    rows = store.query(load_query("fields"))
    assert isinstance(rows, SelectResult)
    for row in rows.as_dicts():
        labels, in_schemes, broader = fields.setdefault(str(row["field"]), ({}, [], []))
        if str(row["scheme"]) not in in_schemes:
            in_schemes.append(str(row["scheme"]))
        _add_label(labels, row.get("label"))
        if "broader" in row and str(row["broader"]) not in broader:
            broader.append(str(row["broader"]))
    chosen = [
        Field(iri, _slug(iri), labels, in_schemes, broader)
        for iri, (labels, in_schemes, broader) in fields.items()
        if scheme is None or scheme in in_schemes
    ]
    return FieldCatalogue(
        schemes=[Scheme(iri, _slug(iri), labels) for iri, labels in schemes.items() if scheme is None or iri == scheme],
        fields=chosen,
    )


def _add_label(labels: dict[str, str], label: object) -> None:
    if isinstance(label, Literal):
        labels.setdefault(label.language or "", str(label))


def _slug(iri: str) -> str | None:
    parts = split_instance_iri(iri)
    return parts[1] if parts else None
