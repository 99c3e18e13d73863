"""Why an actor is a hub: which fields it bridges, and through which memberships, projects, events.

The explanation decomposes the actor's field profile — the k_is of the participation
coefficient (Guimerà & Amaral 2005) — into its evidence: a field reaches the actor because the
actor declares it (``thcm:activeIn`` / ``thcm:responsibleFor``), because a context it belongs to
addresses it (event, project, cross-cluster link), or because it shares a context (body, event,
project, link) with an actor that declares the field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from ..terms import compact
from .networks import Ecosystem

KIND_NAMES = {"body": "body", "event": "event", "project": "project", "link": "cross-cluster link", "declared": "declared"}


@dataclass(frozen=True)
class Via:
    """One piece of evidence: a declaration, or a context (with the co-actors it goes through)."""

    kind: str  # declared | body | event | project | link
    relation: str  # compact IRI of the relation putting the actor there
    context: str | None = None
    context_label: str | None = None
    role: str | None = None
    through: tuple[str, ...] = ()  # actor IRIs that carry the field into the context

    def text(self, eco: Ecosystem) -> str:
        relation = self.relation.split(":")[-1]
        if self.kind == "declared":
            return relation
        role = f", {self.role}" if self.role else ""
        with_ = f" with {', '.join(eco.actor_label(a) for a in self.through)}" if self.through else ""
        return f"{KIND_NAMES[self.kind]} {self.context_label} ({relation}{role}){with_}"


@dataclass(frozen=True)
class FieldBridge:
    """A field the actor reaches, its share of the actor's field links, and the evidence."""

    field: str
    label: str
    share: float
    via: tuple[Via, ...]


@dataclass(frozen=True)
class Explanation:
    """The fields an actor bridges, strongest first."""

    actor: str
    fields: tuple[FieldBridge, ...]

    def text(self, eco: Ecosystem, *, max_fields: int = 4) -> str:
        """One line per piece of evidence, with the fields it brings, strongest fields first:
        ``responsibleFor: Automobil, Maschinenbau, … (+6)`` /
        ``body ClusterCouncil (memberOf) with ThEGA: GreenTech, …``."""
        grouped: dict[tuple[str, str, str | None, str | None], list[str]] = {}
        through: dict[tuple[str, str, str | None, str | None], set[str]] = {}
        for bridge in self.fields:
            for via in bridge.via:
                key = (via.kind, via.relation, via.context_label, via.role)
                grouped.setdefault(key, []).append(bridge.label)
                through.setdefault(key, set()).update(via.through)
        lines = [f"bridges {len(self.fields)} field(s)"]
        for key, labels in grouped.items():
            kind, relation, context_label, role = key
            via = Via(kind, relation, None, context_label, role, tuple(sorted(through[key], key=eco.actor_label)))
            shown = ", ".join(labels[:max_fields]) + (f", … (+{len(labels) - max_fields})" if len(labels) > max_fields else "")
            lines.append(f"{via.text(eco)}: {shown}")
        return "\n".join(lines)


def explain(eco: Ecosystem, actor: str, profile: Mapping[str, float]) -> Explanation:
    """The explanation of ``actor`` given its field profile (field → k_is, as for participation)."""
    total = sum(profile.values()) or 1.0
    evidence: dict[str, list[Via]] = defaultdict(list)
    for fld, relation in sorted(eco.declared.get(actor, {}).items()):
        evidence[fld].append(Via("declared", compact(relation)))
    for context in sorted(eco.contexts_of(actor), key=lambda c: (c.kind, c.label)):
        relation = context.relation_of(actor)
        relation_text = "is the body" if relation == "self" else compact(relation)
        role = ", ".join(sorted(context.roles.get(actor, ()))) or None
        reached: dict[str, list[str]] = defaultdict(list)
        for fld in context.fields:
            reached[fld]  # the context itself addresses the field
        for other in sorted(context.members):
            if other != actor:
                for fld in eco.declared.get(other, {}):
                    reached[fld].append(other)
        for fld, through in reached.items():
            evidence[fld].append(Via(context.kind, relation_text, context.iri, context.label, role, tuple(through)))
    bridges = [
        FieldBridge(fld, eco.field_label(fld), profile.get(fld, 0.0) / total, tuple(evidence.get(fld, ())))
        for fld in profile if profile[fld] > 0
    ]
    bridges.sort(key=lambda b: (-b.share, b.label))
    return Explanation(actor, tuple(bridges))
