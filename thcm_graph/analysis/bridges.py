"""Who connects field A and field B, and what removing one of them would do.

On the ecosystem graph (actors + field nodes, :func:`~.networks.ecosystem_graph`):

- **direct bridges**: actors linked to both fields;
- **shortest bridging paths** field A → actors → field B (all shortest paths, up to a limit;
  breadth-first search, hop distance);
- **minimal connectors**: a minimum vertex cut separating A from B — the fewest actors whose
  removal disconnects the fields (Menger 1927; computed with the Even–Tarjan flow reduction of
  ``networkx.minimum_node_cut``); its size is the fields' vertex connectivity;
- **removal what-if**: for each connector on a shortest path, the connectivity, distance and
  number of shortest paths between A and B once that actor is removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

import networkx as nx

from ..errors import InputError
from .networks import Ecosystem, ecosystem_graph

MAX_PATHS = 20


@dataclass(frozen=True)
class Removal:
    """The effect of removing one actor on the connection between the two fields."""

    actor: str
    connected: bool
    distance: int | None  # hops between the field nodes after removal (None: disconnected)
    shortest_paths: int
    connectivity: int


@dataclass(frozen=True)
class BridgeReport:
    """How two fields are connected through actors."""

    field_a: str
    field_b: str
    connected: bool
    distance: int | None
    direct: tuple[str, ...]
    paths: tuple[tuple[str, ...], ...]  # actor IRIs between the two field nodes
    connectors: tuple[str, ...]  # actors on some shortest path
    minimal_connectors: tuple[str, ...]
    connectivity: int
    removals: tuple[Removal, ...]


def resolve_field(eco: Ecosystem, name: str) -> str:
    """A field by IRI, compact IRI (``id:field/…``) or label (case-insensitive, unique prefix)."""
    if name in eco.fields:
        return name
    if name.startswith("id:") and "https://w3id.org/thcm/id/" + name[3:] in eco.fields:
        return "https://w3id.org/thcm/id/" + name[3:]
    wanted = name.casefold()
    exact = [f.iri for f in eco.fields.values() if f.label.casefold() == wanted or f.iri.rsplit("/", 1)[-1] == wanted]
    if len(exact) == 1:
        return exact[0]
    partial = [f.iri for f in eco.fields.values() if wanted in f.label.casefold()]
    if len(partial) == 1:
        return partial[0]
    candidates = exact or partial
    if candidates:
        raise InputError(f"{name!r} matches {len(candidates)} fields: " + "; ".join(eco.field_label(c) for c in candidates)
                         + " — give the IRI or a longer label")
    raise InputError(f"no field named {name!r}; known fields: " + "; ".join(sorted(f.label for f in eco.fields.values())))


def _connection(graph: nx.Graph, a: str, b: str) -> tuple[int | None, int, int]:
    """(distance, number of shortest paths, vertex connectivity) between a and b."""
    if not nx.has_path(graph, a, b):
        return None, 0, 0
    distance = nx.shortest_path_length(graph, a, b)
    count = sum(1 for _ in islice(nx.all_shortest_paths(graph, a, b), 10_000))
    return distance, count, nx.connectivity.local_node_connectivity(graph, a, b)


def bridges(eco: Ecosystem, field_a: str, field_b: str, *, max_paths: int = MAX_PATHS) -> BridgeReport:
    """Report how ``field_a`` and ``field_b`` (IRIs or labels) are connected through actors."""
    a, b = resolve_field(eco, field_a), resolve_field(eco, field_b)
    if a == b:
        raise InputError("give two different fields")
    graph = ecosystem_graph(eco)
    # fields are endpoints only: a path may not run through a third field node
    others = [f for f in eco.fields if f not in (a, b)]
    graph.remove_nodes_from(others)
    direct = tuple(sorted(set(graph[a]) & set(graph[b]), key=eco.actor_label))
    distance, _, connectivity = _connection(graph, a, b)
    if distance is None:
        return BridgeReport(a, b, False, None, direct, (), (), (), 0, ())
    paths = tuple(tuple(p[1:-1]) for p in islice(nx.all_shortest_paths(graph, a, b), max_paths))
    connectors = tuple(sorted({n for p in paths for n in p}, key=eco.actor_label))
    cut = nx.minimum_node_cut(graph, a, b) if not graph.has_edge(a, b) else set()
    removals = []
    for actor in connectors:
        reduced = graph.copy()
        reduced.remove_node(actor)
        d, count, k = _connection(reduced, a, b)
        removals.append(Removal(actor, d is not None, d, count, k))
    removals.sort(key=lambda r: (r.connected, -(r.distance or 0), r.shortest_paths, eco.actor_label(r.actor)))
    return BridgeReport(a, b, True, distance, direct, paths, connectors,
                        tuple(sorted(cut, key=eco.actor_label)), connectivity, tuple(removals))


def report_as_dict(report: BridgeReport, eco: Ecosystem) -> dict[str, object]:
    """Plain data for JSON and REST, actors with their labels."""
    def actor(iri: str) -> dict[str, str]:
        return {"iri": iri, "label": eco.actor_label(iri)}
    return {
        "field_a": {"iri": report.field_a, "label": eco.field_label(report.field_a)},
        "field_b": {"iri": report.field_b, "label": eco.field_label(report.field_b)},
        "connected": report.connected,
        "distance": report.distance,
        "connectivity": report.connectivity,
        "direct": [actor(a) for a in report.direct],
        "paths": [[actor(a) for a in path] for path in report.paths],
        "connectors": [actor(a) for a in report.connectors],
        "minimal_connectors": [actor(a) for a in report.minimal_connectors],
        "removals": [{"actor": actor(r.actor), "connected": r.connected, "distance": r.distance,
                      "shortest_paths": r.shortest_paths, "connectivity": r.connectivity} for r in report.removals],
    }
