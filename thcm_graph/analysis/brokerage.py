"""Brokerage roles of Gould & Fernandez (1989), with fields of specialisation as the groups.

A broker b sits on an open two-path a → b → c (a ≠ c, no arc a → c). With g(x) the group of x:

=================  =====================  ==========================================
role               groups                 meaning
=================  =====================  ==========================================
coordinator        g(a) = g(b) = g(c)     mediates inside its own field
itinerant          g(a) = g(c) ≠ g(b)     an outsider mediating inside another field
                   (a.k.a. consultant)
representative     g(a) = g(b) ≠ g(c)     carries its own field's contact out
gatekeeper         g(b) = g(c) ≠ g(a)     lets an outside contact into its field
liaison            g(a), g(b), g(c) all   joins two fields, belonging to neither
                   different
=================  =====================  ==========================================

**Convention for undirected graphs** (the actor–actor projection is undirected): each edge is
read as two arcs, as ``sna::brokerage`` in R does for symmetric input. Every open pair {a, c}
around b is therefore counted twice: twice as coordinator / itinerant / liaison, or once as
representative and once as gatekeeper. Nodes without a group neither broker nor count as ends.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from itertools import chain
from typing import Literal

import networkx as nx
import numpy as np

from .measures import NETWORKX_LIMIT

ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
#: Roles that cross a field boundary (everything but coordinator).
CROSS_ROLES = ("itinerant", "representative", "gatekeeper", "liaison")
Node = Hashable


def classify(ga: object, gb: object, gc: object) -> str:
    """The Gould–Fernandez role of broker b on the path a → b → c, from the three groups."""
    if ga == gb == gc:
        return "coordinator"
    if ga == gc:
        return "itinerant"
    if ga == gb:
        return "representative"
    if gb == gc:
        return "gatekeeper"
    return "liaison"


def brokerage_roles(
    graph: nx.Graph | nx.DiGraph,
    group: Mapping[Node, object],
    *,
    backend: Literal["auto", "networkx", "numpy"] = "auto",
    nodes: Collection[Node] | None = None,
) -> dict[Node, dict[str, int]]:
    """Counts of each role per node: ``{node: {role: count}}`` (all five roles present).

    Directed graphs are enumerated path by path (the reference). Undirected graphs follow the
    symmetric convention of the module docstring; ``backend="numpy"`` (chosen by ``auto``
    above ``NETWORKX_LIMIT`` nodes) counts them in closed form per node — ordered pairs of grouped neighbours by
    class, minus the closed pairs found by triangle listing (igraph) — with the same result.
    ``nodes`` restricts the graph to the subgraph they induce.
    """
    if nodes is not None and (graph.is_directed() or backend == "networkx" or graph.number_of_nodes() <= NETWORKX_LIMIT):
        graph = graph.subgraph(nodes)
        nodes = None
    if graph.is_directed():
        return _enumerate(graph, group, graph.predecessors, graph.successors)
    if backend == "networkx" or (backend == "auto" and graph.number_of_nodes() <= NETWORKX_LIMIT):
        return _enumerate(graph, group, graph.neighbors, graph.neighbors)
    return _closed_form(graph, group, nodes)


def _enumerate(graph, group, preds, succs) -> dict[Node, dict[str, int]]:
    counts = {n: dict.fromkeys(ROLES, 0) for n in graph}
    for b in graph:
        gb = group.get(b)
        if gb is None:
            continue
        outs = [c for c in succs(b) if group.get(c) is not None]
        for a in preds(b):
            ga = group.get(a)
            if ga is None:
                continue
            for c in outs:
                if c != a and c != b and a != b and not graph.has_edge(a, c):
                    counts[b][classify(ga, gb, group[c])] += 1
    return counts


def _closed_form(graph: nx.Graph, group: Mapping[Node, object], subset: Collection[Node] | None) -> dict[Node, dict[str, int]]:
    from .measures import igraph_view

    ig_graph, nodes = igraph_view(graph, subset, weight=None)
    labels = sorted({str(g) for g in group.values() if g is not None})
    code = {g: i for i, g in enumerate(labels)}
    gcode = np.array([code[str(group[n])] if group.get(n) is not None else -1 for n in nodes], dtype=np.int64)
    n_groups = len(labels)
    # per node, the number of grouped neighbours in each group (a simple graph: no multi-edges)
    edges = np.asarray(ig_graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    per_group = np.zeros((len(nodes), max(n_groups, 1)), dtype=np.int64)
    for u, v in ((edges[:, 0], edges[:, 1]), (edges[:, 1], edges[:, 0])):
        keep = gcode[v] >= 0
        np.add.at(per_group, (u[keep], gcode[v][keep]), 1)
    total = per_group.sum(axis=1)
    own = np.where(gcode >= 0, per_group[np.arange(len(nodes)), np.maximum(gcode, 0)], 0)
    other = total - own
    same_pairs_other = (per_group * (per_group - 1)).sum(axis=1) - own * (own - 1)
    squares_other = (per_group**2).sum(axis=1) - own**2
    result = np.zeros((len(nodes), 5), dtype=np.int64)
    result[:, 0] = own * (own - 1)
    result[:, 1] = same_pairs_other
    result[:, 2] = own * other
    result[:, 3] = other * own
    result[:, 4] = other**2 - squares_other
    # subtract the closed pairs: each triangle closes one pair at each of its three corners,
    # counted in both orders
    listed = ig_graph.list_triangles()
    tri = np.fromiter(chain.from_iterable(listed), dtype=np.int64, count=3 * len(listed)).reshape(-1, 3)
    del listed
    closed = np.zeros(len(nodes) * 5, dtype=np.int64)
    for b, a, c in ((0, 1, 2), (1, 0, 2), (2, 0, 1)):
        gb, ga, gc = gcode[tri[:, b]], gcode[tri[:, a]], gcode[tri[:, c]]
        valid = (gb >= 0) & (ga >= 0) & (gc >= 0)
        # the pair {a, c} closed at broker b, read in both orders (a→b→c and c→b→a)
        for gx, gy in ((ga, gc), (gc, ga)):
            role = np.full(len(tri), 4, dtype=np.int64)
            role[(gx != gb) & (gb == gy)] = 3
            role[(gx == gb) & (gb != gy)] = 2
            role[(gx == gy) & (gx != gb)] = 1
            role[(gx == gb) & (gb == gy)] = 0
            closed += np.bincount(tri[valid, b] * 5 + role[valid], minlength=len(nodes) * 5)
    result -= closed.reshape(len(nodes), 5)
    result[gcode < 0] = 0
    return {n: dict(zip(ROLES, map(int, row), strict=True)) for n, row in zip(nodes, result, strict=True)}


def cross_field_brokerage(roles: Mapping[str, int]) -> int:
    """The brokerage that crosses fields: all roles but coordinator."""
    return sum(roles[r] for r in CROSS_ROLES)
