"""Per-actor measures on an undirected (optionally weighted) NetworkX graph.

Every function takes a ``networkx.Graph`` and returns ``{node: value}``. NetworkX is the
reference implementation, used up to :data:`NETWORKX_LIMIT` nodes; above, the heavy measures
run on igraph (C, same definitions; ``tests/test_analysis_measures.py`` compares both on small
graphs), because plain NetworkX does not finish them at 10^5 nodes in a minute (DESIGN.md §6).
Betweenness is exact up to :data:`EXACT_LIMIT` nodes and sampled above.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Hashable, Mapping
from typing import Literal

import networkx as nx
import numpy as np
from scipy import sparse

Backend = Literal["auto", "networkx", "igraph"]
Node = Hashable

#: Graphs with at most this many nodes are measured with NetworkX itself (the reference); larger
#: ones with igraph (C; same definitions, compared with NetworkX in the tests).
NETWORKX_LIMIT = 1000
#: Graphs with at most this many nodes get exact betweenness; larger ones a sampled estimate.
EXACT_LIMIT = 5000
#: Sampled betweenness above EXACT_LIMIT: number of source nodes (pivots) and the seed drawing them.
BETWEENNESS_K = 128
BETWEENNESS_SEED = 42


def _use_igraph(graph: nx.Graph, backend: Backend) -> bool:
    return backend == "igraph" or (backend == "auto" and graph.number_of_nodes() > NETWORKX_LIMIT)


def to_igraph(graph: nx.Graph, weight: str | None = "weight"):
    """The graph as an ``igraph.Graph`` (vertex i = ``list(graph)[i]``), with the edge attribute
    ``weight`` as ``"weight"`` (1.0 where missing; callers that want hops pass ``weights=None``).

    The conversion is kept in ``graph.graph`` (keyed by attribute and size) because the measures
    of one analysis convert the same graph several times; each call returns a copy.
    """
    key = (weight or "weight", graph.number_of_nodes(), graph.number_of_edges())
    cached = graph.graph.get("_igraph_cache")
    if cached is None or cached[0] != key:
        import igraph as ig

        index = {node: i for i, node in enumerate(graph)}
        triples = list(graph.edges(data=weight or "weight", default=1.0))
        converted = ig.Graph(n=len(index), edges=[(index[u], index[v]) for u, v, _ in triples], directed=False)
        converted.es["weight"] = [float(w) for _, _, w in triples]
        cached = (key, converted)
        graph.graph["_igraph_cache"] = cached
    return cached[1].copy()


def igraph_view(graph: nx.Graph, nodes: Collection[Node] | None = None, weight: str | None = "weight"):
    """``(igraph graph, node order)`` of ``graph`` or of the subgraph induced by ``nodes``.

    The subgraph is cut from the cached conversion of the whole graph in C, which is much
    cheaper than converting a NetworkX subgraph.
    """
    g = to_igraph(graph, weight=weight)
    order = list(graph)
    if nodes is None:
        return g, order
    keep = set(nodes)
    positions = [i for i, n in enumerate(order) if n in keep]
    return g.induced_subgraph(positions), [order[i] for i in positions]


def degree(graph: nx.Graph) -> dict[Node, float]:
    """Number of neighbours (Freeman 1978's degree centrality, unnormalised)."""
    return {n: float(d) for n, d in graph.degree()}


def weighted_degree(graph: nx.Graph, weight: str = "weight") -> dict[Node, float]:
    """Strength: the sum of edge weights (Barrat et al. 2004), i.e. shared contexts."""
    return {n: float(d) for n, d in graph.degree(weight=weight)}


def betweenness(
    graph: nx.Graph,
    *,
    backend: Backend = "auto",
    k: int = BETWEENNESS_K,
    seed: int = BETWEENNESS_SEED,
    exact_limit: int = EXACT_LIMIT,
) -> tuple[dict[Node, float], dict[str, object]]:
    """Normalised shortest-path betweenness on hop distance (Freeman 1977; Brandes 2001).

    Exact up to ``exact_limit`` nodes. Above it, estimated from ``k`` source nodes drawn
    uniformly with ``random.Random(seed)`` and scaled by n/k (Brandes & Pich 2007), the estimator
    of ``networkx.betweenness_centrality(k=..., seed=...)``. Returns the values and a
    description of how they were computed (written to the analysis run's parameters).
    """
    n = graph.number_of_nodes()
    sampled = n > exact_limit and k < n
    info: dict[str, object] = {"method": "sampled" if sampled else "exact", "k": k if sampled else n,
                               "seed": seed if sampled else None}
    if not _use_igraph(graph, backend):
        info["backend"] = "networkx"
        if sampled:
            return nx.betweenness_centrality(graph, k=k, seed=seed, normalized=True), info
        return nx.betweenness_centrality(graph, normalized=True), info
    info["backend"] = "igraph"
    nodes = list(graph)
    g = to_igraph(graph)
    if sampled:
        sources = sorted(random.Random(seed).sample(range(n), k))
        # igraph sums over paths from the k sources to every target with the same halving as its
        # exact undirected betweenness (sources = all nodes gives the exact value), so the
        # sample sum estimates B·k/n
        raw = np.asarray(g.betweenness(directed=False, sources=sources), dtype=float) * n / k
    else:
        raw = np.asarray(g.betweenness(directed=False), dtype=float)
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    return {node: float(v * scale) for node, v in zip(nodes, raw, strict=True)}, info


def pagerank(graph: nx.Graph, *, backend: Backend = "auto", alpha: float = 0.85, weight: str = "weight") -> dict[Node, float]:
    """Weighted PageRank (Brin & Page 1998) with damping ``alpha``."""
    if graph.number_of_nodes() == 0:
        return {}
    if not _use_igraph(graph, backend):
        return dict(nx.pagerank(graph, alpha=alpha, weight=weight))
    g = to_igraph(graph, weight=weight)
    values = g.pagerank(damping=alpha, weights="weight", directed=False)
    return {node: float(v) for node, v in zip(graph, values, strict=True)}


def adjacency(graph: nx.Graph, *, weight: str | None = "weight", backend: Backend = "auto") -> sparse.csr_array:
    """Symmetric (weighted) adjacency matrix in the node order of ``graph`` (CSR)."""
    if not _use_igraph(graph, backend):
        return nx.to_scipy_sparse_array(graph, nodelist=list(graph), weight=weight, format="csr")
    g = to_igraph(graph, weight=weight)
    matrix = g.get_adjacency_sparse(attribute="weight" if weight else None)
    return sparse.csr_array(matrix, dtype=float)


def group_links(
    graph: nx.Graph, membership: Mapping[Node, Mapping[str, float]], *, weight: str | None = "weight", backend: Backend = "auto"
) -> tuple[list[str], np.ndarray]:
    """The groups (sorted) and the matrix k_is: row i = node i of ``graph``, column s = group s.

    k_is = Σ_j w_ij · m_js, the (weighted) links of i to nodes of group s, with m_js the share of
    neighbour j in group s (Guimerà & Amaral 2005, extended to fractional membership).
    """
    nodes = list(graph)
    index = {n: i for i, n in enumerate(nodes)}
    groups = sorted({g for shares in membership.values() for g in shares})
    if not nodes or not groups:
        return groups, np.zeros((len(nodes), len(groups)))
    gindex = {g: j for j, g in enumerate(groups)}
    rows, cols, vals = [], [], []
    for node, shares in membership.items():
        if node in index:
            for g, share in shares.items():
                rows.append(index[node])
                cols.append(gindex[g])
                vals.append(share)
    member = sparse.csr_array((vals, (rows, cols)), shape=(len(nodes), len(groups)))
    return groups, np.asarray((adjacency(graph, weight=weight, backend=backend) @ member).todense())


def participation_coefficient(
    graph: nx.Graph, membership: Mapping[Node, Mapping[str, float]], *, weight: str | None = "weight",
    backend: Backend = "auto", links: tuple[list[str], np.ndarray] | None = None,
) -> dict[Node, float]:
    """Participation coefficient P_i = 1 − Σ_s (k_is / k_i)² (Guimerà & Amaral 2005).

    k_is is the (weighted) number of i's links to nodes of group s. Groups are given by
    ``membership``: node → {group: share}; a neighbour in several groups counts for each with its
    share (shares of one node sum to 1), a neighbour in no group does not count. P is 0 when all
    counted links go to one group and 1 − 1/k when they are spread evenly over k groups; nodes
    with no counted link get 0. ``links`` reuses a :func:`group_links` result.
    """
    _, k_is = links if links is not None else group_links(graph, membership, weight=weight, backend=backend)
    if k_is.shape[1] == 0:
        return {n: 0.0 for n in graph}
    k_i = k_is.sum(axis=1)
    safe = np.where(k_i > 0, k_i, 1.0)
    p = 1.0 - ((k_is / safe[:, None]) ** 2).sum(axis=1)
    p[k_i == 0] = 0.0
    return {n: float(max(0.0, v)) for n, v in zip(graph, p, strict=True)}


def constraint(
    graph: nx.Graph, *, backend: Backend = "auto", weight: str | None = "weight", nodes: Collection[Node] | None = None
) -> dict[Node, float]:
    """Burt's (1992) network constraint C_i = Σ_j (p_ij + Σ_q p_iq p_qj)² over i's contacts j,
    p_ij = w_ij / Σ_k w_ik; on the subgraph induced by ``nodes`` if given.

    Isolated nodes get NaN (undefined), as in NetworkX. igraph's C implementation above the
    size limit (same formula; compared with NetworkX in the tests).
    """
    if not _use_igraph(graph, backend):
        sub = graph if nodes is None else graph.subgraph(nodes)
        return {n: float(v) for n, v in nx.constraint(sub, weight=weight).items()}
    g, order = igraph_view(graph, nodes, weight)
    values = g.constraint(weights="weight" if weight else None)
    degrees = g.degree()
    return {node: (float(v) if d else float("nan")) for node, v, d in zip(order, values, degrees, strict=True)}


def effective_size(graph: nx.Graph, *, backend: Backend = "auto", nodes: Collection[Node] | None = None) -> dict[Node, float]:
    """Burt's (1992) effective size, unweighted, in Borgatti's (1997) form n − 2t/n; on the
    subgraph induced by ``nodes`` if given.

    n = number of contacts, t = ties among them (from igraph's local transitivity above the size
    limit). Equal to ``networkx.effective_size`` on undirected unweighted graphs; isolated nodes
    get NaN.
    """
    if not _use_igraph(graph, backend):
        sub = graph if nodes is None else graph.subgraph(nodes)
        return {n: float(v) for n, v in nx.effective_size(sub).items()}
    g, order = igraph_view(graph, nodes)
    g = g.simplify(combine_edges="first") if not g.is_simple() else g
    deg = np.asarray(g.degree(), dtype=float)
    transitivity = np.asarray(g.transitivity_local_undirected(mode="zero"), dtype=float)
    ties = transitivity * deg * (deg - 1) / 2.0
    safe = np.where(deg > 0, deg, 1.0)
    eff = np.where(deg > 0, deg - 2.0 * ties / safe, np.nan)
    return {node: float(v) for node, v in zip(order, eff, strict=True)}


def group_profile(
    graph: nx.Graph, membership: Mapping[Node, Mapping[str, float]], node: Node, *, weight: str | None = "weight"
) -> dict[str, float]:
    """k_is for one node: its (weighted) links to each group, as in :func:`participation_coefficient`."""
    profile: dict[str, float] = {}
    for neighbour, data in graph[node].items():
        w = float(data.get(weight, 1.0)) if weight else 1.0
        for group, share in membership.get(neighbour, {}).items():
            profile[group] = profile.get(group, 0.0) + w * share
    return profile
