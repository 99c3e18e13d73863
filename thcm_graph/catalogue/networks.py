"""Network organisations with the fields they serve, their members and member-count figures."""

from __future__ import annotations

from rdflib.term import Literal

from ..identifiers import split_instance_iri
from ..namespaces import ONTOLOGY_NS
from ..queries import load_query
from ..store import Store
from ..store.results import SelectResult
from .figures import FigureFilter, list_figures
from .models import Labelled, Network

#: Measures that count a network's members (docs/data-model.md, "Figures").
MEMBER_COUNT_MEASURES = frozenset(ONTOLOGY_NS + m for m in ("memberCount", "firmMemberCount", "researchMemberCount"))


def list_networks(store: Store) -> list[Network]:
    """Every thcm:NetworkOrganisation, with the member-count figures about it and their sources."""
    rows = store.query(load_query("networks"))
    assert isinstance(rows, SelectResult)
    found: dict[str, tuple[dict[str, str], list[str], list[str]]] = {}
    for row in rows.as_dicts():
        labels, fields, members = found.setdefault(str(row["network"]), ({}, [], []))
        value, what = row["value"], str(row["what"])
        if what == "label" and isinstance(value, Literal):
            labels.setdefault(value.language or "", str(value))
        elif what == "field":
            fields.append(str(value))
        elif what == "member":
            members.append(str(value))
    field_labels = _field_labels(store)
    networks = []
    for iri, (labels, fields, members) in found.items():
        counts = [f for f in list_figures(store, FigureFilter(subject=iri), limit=500).items
                  if f.measure.iri in MEMBER_COUNT_MEASURES]
        parts = split_instance_iri(iri)
        networks.append(Network(
            iri=iri,
            slug=parts[1] if parts else None,
            labels=labels,
            fields=[Labelled(f, *field_labels.get(f, (None, None))) for f in fields],
            members_in_graph=members,
            member_counts=counts,
        ))
    return networks


def _field_labels(store: Store) -> dict[str, tuple[str | None, str | None]]:
    from .fields import list_fields

    return {f.iri: (f.labels.get("de"), f.labels.get("en")) for f in list_fields(store).fields}
