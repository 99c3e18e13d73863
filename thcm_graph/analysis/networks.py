"""From the RDF graph to NetworkX graphs: the only RDF → NetworkX boundary of the analysis.

The store is read with the named SPARQL queries ``analysis-*.rq`` (never by parsing files); the
result is an :class:`Ecosystem` (plain data), from which the graphs are derived:

- :func:`bipartite_graph` — actors and the contexts they share (bodies they belong to or are
  tied to, events, funded projects, cross-cluster links): the two-mode network of Breiger (1974);
- :func:`actor_projection` — the one-mode actor–actor projection, each edge weighted by the
  number of contexts the two actors share (Newman 2001's co-membership count, unnormalised);
- :func:`actor_field_graph` — actors and fields: declared links (``thcm:activeIn`` /
  ``thcm:responsibleFor``) and links through a context that addresses a field;
- :func:`field_graph` — fields, weighted by the actors and cross-cluster links that join them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

from ..namespaces import ONTOLOGY_NS, ORG, SKOS
from ..queries import load_query
from ..store import Store
from ..terms import compact

#: Relation strength for showing one relation per (actor, context): entailed super-properties
#: (org:linkedTo, org:subOrganizationOf) give way to the specific relation stated (unitOf, reportsTo).
_RELATION_STRENGTH = {ORG + "linkedTo": 0, ONTOLOGY_NS + "activeIn": 0, ORG + "subOrganizationOf": 0.5}
ANALYSIS_GRAPH = "https://w3id.org/thcm/graph/analysis"


@dataclass(frozen=True)
class Actor:
    """An actor: IRI, display name and short name (shortest alternative label)."""

    iri: str
    label: str
    short: str


@dataclass(frozen=True)
class Field:
    """A field of specialisation."""

    iri: str
    label: str
    scheme: str | None = None


@dataclass
class Context:
    """Something actors share: a body (``kind="body"``), event, project or cross-cluster link.

    ``members`` maps each actor to the relations that put it in the context (a body is a member
    of its own context with the relation ``"self"``); ``roles`` keeps role labels where given.
    """

    iri: str
    kind: str
    label: str
    members: dict[str, set[str]] = field(default_factory=dict)
    roles: dict[str, set[str]] = field(default_factory=dict)
    fields: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """Node key in the bipartite graph (a body's IRI is also an actor's, hence the kind)."""
        return f"{self.kind}:{self.iri}"

    def relation_of(self, actor: str) -> str:
        """The most specific relation putting ``actor`` in this context (for explanations)."""
        relations = self.members.get(actor, set())
        return max(sorted(relations), key=lambda r: _RELATION_STRENGTH.get(r, 1), default="")


@dataclass
class Ecosystem:
    """The analysis input read from the store: actors, fields, declared links and contexts."""

    actors: dict[str, Actor]
    fields: dict[str, Field]
    declared: dict[str, dict[str, str]]  # actor -> field -> relation (activeIn / responsibleFor)
    contexts: dict[str, Context]  # by Context.key

    def actor_label(self, iri: str) -> str:
        actor = self.actors.get(iri)
        return actor.short if actor else compact(iri)

    def field_label(self, iri: str) -> str:
        found = self.fields.get(iri)
        return found.label if found else compact(iri)

    def contexts_of(self, actor: str) -> list[Context]:
        """The contexts ``actor`` belongs to (index built on first use)."""
        index = self.__dict__.get("_by_actor")
        if index is None:
            index = defaultdict(list)
            for context in self.contexts.values():
                for member in context.members:
                    index[member].append(context)
            self.__dict__["_by_actor"] = index
        return list(index.get(actor, ()))


class Text(str):
    """A literal's lexical form with its language tag (None if it has none)."""

    language: str | None = None


_ECHAR = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _ECHARS.get(match.group(3), match.group(3))


def _cell(cell: str) -> str:
    """One cell of SPARQL TSV results: an IRI as its string, a literal as :class:`Text`."""
    if cell.startswith("<"):
        return cell[1:-1]
    if cell.startswith('"'):
        end = cell.rfind('"')
        text = Text(_ECHAR.sub(_unescape, cell[1:end]) if "\\" in cell else cell[1:end])
        rest = cell[end + 1:]
        text.language = rest[1:] if rest.startswith("@") else None
        return text
    return cell


def _select(store: Store, name: str) -> list[dict[str, str]]:
    """Rows of a named SELECT query as ``{variable: value}``, unbound variables left out.

    Read from the SPARQL TSV serialisation rather than as rdflib terms: at 10^5 actors this
    reads the graph about four times faster, and the analysis needs strings only.
    """
    raw = store.query_raw(load_query(name))
    if raw.kind != "select":
        raise RuntimeError(f"query {name} is not a SELECT query; report this as a bug")
    lines = raw.serialize("tsv").decode("utf-8").split("\n")
    header = [h.lstrip("?") for h in lines[0].split("\t")]
    return [{h: _cell(c) for h, c in zip(header, line.split("\t"), strict=True) if c} for line in lines[1:] if line]


def _pick_label(labels: Iterable[Text]) -> str | None:
    """German label first (canonical in this project), then English, then any."""
    by_lang = {(lit.language or "") if isinstance(lit, Text) else "": str(lit) for lit in sorted(labels, key=str, reverse=True)}
    for lang in ("de", "en", ""):
        if lang in by_lang:
            return by_lang[lang]
    return next(iter(by_lang.values()), None)


def load_ecosystem(store: Store) -> Ecosystem:
    """Read actors, fields, actor–field links and contexts from ``store`` (SPARQL only)."""
    pref: dict[str, list[Text]] = defaultdict(list)
    alt: dict[str, list[str]] = defaultdict(list)
    actor_iris: set[str] = set()
    for row in _select(store, "analysis-actors"):
        iri = str(row["actor"])
        actor_iris.add(iri)
        label = row.get("label")
        if isinstance(label, Text):
            (pref[iri].append(label) if row.get("prop") == SKOS + "prefLabel" else alt[iri].append(str(label)))
    actors: dict[str, Actor] = {}
    for iri in sorted(actor_iris):
        label = _pick_label(pref[iri]) or (sorted(alt[iri])[0] if alt[iri] else compact(iri))
        short = min([label, *alt[iri]], key=lambda s: (len(s), s))
        actors[iri] = Actor(iri, label, short if len(label) > 24 else label)

    field_labels: dict[str, list[Text]] = defaultdict(list)
    schemes: dict[str, str] = {}
    for row in _select(store, "analysis-fields"):
        iri = str(row["field"])
        field_labels.setdefault(iri, [])
        if isinstance(row.get("label"), Text):
            field_labels[iri].append(row["label"])  # type: ignore[arg-type]
        if "scheme" in row:
            schemes[iri] = str(row["scheme"])
    fields = {iri: Field(iri, _pick_label(labels) or compact(iri), schemes.get(iri)) for iri, labels in sorted(field_labels.items())}

    declared: dict[str, dict[str, str]] = defaultdict(dict)
    for row in _select(store, "analysis-actor-fields"):
        actor, fld, relation = str(row["actor"]), str(row["field"]), str(row["relation"])
        if actor in actors and (fld not in declared[actor] or relation.endswith("responsibleFor")):
            declared[actor][fld] = relation

    contexts: dict[str, Context] = {}
    for row in _select(store, "analysis-contexts"):
        iri, kind, actor = str(row["context"]), str(row["kind"]), str(row["actor"])
        if actor not in actors or actor == iri:
            continue
        label = actors[iri].label if kind == "body" and iri in actors else compact(iri)
        context = contexts.setdefault(f"{kind}:{iri}", Context(iri, kind, label))
        context.members.setdefault(actor, set()).add(str(row["relation"]))
        if "role" in row:
            context.roles.setdefault(actor, set()).add(str(row["role"]))
    for context in contexts.values():
        if context.kind == "body":
            context.members.setdefault(context.iri, set()).add("self")
    info_labels: dict[str, list[Text]] = defaultdict(list)
    for row in _select(store, "analysis-context-info"):
        iri = str(row["context"])
        if isinstance(row.get("label"), Text):
            info_labels[iri].append(row["label"])  # type: ignore[arg-type]
        for kind in ("event", "project", "link"):
            if f"{kind}:{iri}" in contexts and "field" in row:
                contexts[f"{kind}:{iri}"].fields.add(str(row["field"]))
    for context in contexts.values():
        if context.kind != "body" and info_labels.get(context.iri):
            context.label = _pick_label(info_labels[context.iri]) or context.label
    return Ecosystem(actors, fields, dict(declared), contexts)


# -- graphs -------------------------------------------------------------------------------------


def bipartite_graph(eco: Ecosystem) -> nx.Graph:
    """Two-mode actor–context graph (Breiger 1974); node attribute ``bipartite`` is 0 or 1."""
    graph = nx.Graph()
    graph.add_nodes_from(eco.actors, bipartite=0, kind="actor")
    for context in eco.contexts.values():
        graph.add_node(context.key, bipartite=1, kind=context.kind, iri=context.iri)
        graph.add_edges_from((actor, context.key) for actor in context.members)
    return graph


def actor_projection(eco: Ecosystem, *, include_isolates: bool = True) -> nx.Graph:
    """Actor–actor graph: an edge per pair sharing a context, ``weight`` = shared contexts.

    The projection of the bipartite graph onto actors (Newman 2001), computed directly from the
    contexts; every actor is a node, also one without ties, unless ``include_isolates`` is False.
    """
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for context in eco.contexts.values():
        for a, b in combinations(sorted(context.members), 2):
            weights[(a, b)] += 1
    graph = nx.Graph()
    if include_isolates:
        graph.add_nodes_from(eco.actors)
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items())
    return graph


def actor_field_links(eco: Ecosystem) -> dict[str, dict[str, list[str]]]:
    """actor → field → how it is linked: ``"declared"`` and/or the keys of contexts addressing it."""
    links: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for actor, fields in eco.declared.items():
        for fld in fields:
            links[actor][fld].append("declared")
    for context in eco.contexts.values():
        for fld in context.fields:
            for actor in context.members:
                links[actor][fld].append(context.key)
    return {a: dict(f) for a, f in links.items()}


def actor_field_graph(eco: Ecosystem) -> nx.Graph:
    """Bipartite actor–field graph; ``weight`` = number of declarations and contexts linking them."""
    graph = nx.Graph()
    graph.add_nodes_from(eco.actors, kind="actor")
    graph.add_nodes_from(eco.fields, kind="field")
    for actor, fields in actor_field_links(eco).items():
        for fld, via in fields.items():
            graph.add_edge(actor, fld, weight=len(via), via=tuple(via))
    return graph


def field_graph(eco: Ecosystem) -> nx.Graph:
    """Field–field graph weighted by what joins two fields.

    ``actors``: actors linked (declared or through a context) to both fields; ``links``:
    contexts (cross-cluster links, events, projects) addressing both; ``weight`` = sum of both.
    """
    graph = nx.Graph()
    graph.add_nodes_from(eco.fields)
    for actor, fields in actor_field_links(eco).items():
        for a, b in combinations(sorted(fields), 2):
            data = graph.get_edge_data(a, b) or {"actors": set(), "links": set()}
            data["actors"].add(actor)
            graph.add_edge(a, b, **data)
    for context in eco.contexts.values():
        for a, b in combinations(sorted(context.fields), 2):
            data = graph.get_edge_data(a, b) or {"actors": set(), "links": set()}
            data["links"].add(context.key)
            graph.add_edge(a, b, **data)
    for _, _, data in graph.edges(data=True):
        data["weight"] = len(data["actors"]) + len(data["links"])
    return graph


def home_fields(eco: Ecosystem) -> dict[str, dict[str, float]]:
    """Fractional field membership of each actor: its declared fields, shared equally.

    Actors without a declared field are absent (they belong to no group).
    """
    return {a: {f: 1.0 / len(fs) for f in fs} for a, fs in eco.declared.items() if fs}


def primary_field(eco: Ecosystem) -> dict[str, str]:
    """One group per actor (for brokerage and community comparison): its declared field that
    the fewest actors declare (the most specific), ties broken by IRI. Actors without a declared
    field have none."""
    popularity: dict[str, int] = defaultdict(int)
    for fields in eco.declared.values():
        for fld in fields:
            popularity[fld] += 1
    return {a: min(fs, key=lambda f: (popularity[f], f)) for a, fs in eco.declared.items() if fs}


def ecosystem_graph(eco: Ecosystem, projection: nx.Graph | None = None) -> nx.Graph:
    """The graph the structural measures run on: the actor projection plus actor–field edges.

    Field nodes (``kind="field"``) stand for the fields as groups: a path between two field
    nodes runs through the actors that bridge them. Edge ``weight``: shared contexts between
    actors; declarations plus addressing contexts between an actor and a field. A given
    ``projection`` (from :func:`actor_projection`) is extended in place, saving a copy.
    """
    graph = actor_projection(eco) if projection is None else projection
    nx.set_node_attributes(graph, "actor", "kind")
    for fld in eco.fields:
        graph.add_node(fld, kind="field")
    for actor, fields in actor_field_links(eco).items():
        for fld, via in fields.items():
            graph.add_edge(actor, fld, weight=len(via))
    return graph


def groups(eco: Ecosystem) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Group memberships on :func:`ecosystem_graph`: fractional (for participation) and single
    (for brokerage). A field node belongs to itself; actors as in :func:`home_fields` and
    :func:`primary_field`."""
    fractional: dict[str, dict[str, float]] = {f: {f: 1.0} for f in eco.fields}
    fractional.update(home_fields(eco))
    single = {f: f for f in eco.fields}
    single.update(primary_field(eco))
    return fractional, single
