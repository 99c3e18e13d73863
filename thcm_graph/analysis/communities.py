"""Communities found in the data (Louvain) compared with the declared fields (NMI, ARI).

Where the data's own structure differs from the official fields, that is itself a finding:
NMI and ARI near 1 mean the fields describe who works with whom; near 0, they do not.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Collection, Hashable, Mapping, Sequence

import networkx as nx

from .measures import NETWORKX_LIMIT, Backend, igraph_view

LOUVAIN_SEED = 42
Node = Hashable


def louvain(
    graph: nx.Graph, *, seed: int = LOUVAIN_SEED, resolution: float = 1.0, weight: str = "weight", backend: Backend = "auto",
    nodes: Collection[Node] | None = None,
) -> dict[Node, int]:
    """Louvain modularity communities (Blondel et al. 2008) with a fixed seed: node → community.

    Communities are numbered by decreasing size (ties by smallest member). NetworkX's
    ``louvain_communities`` up to :data:`NETWORKX_LIMIT` nodes, igraph's ``community_multilevel``
    (seeded through Python's ``random``, which igraph uses) above. ``nodes`` restricts the
    graph to the subgraph they induce (e.g. actors without the field nodes).
    """
    if graph.number_of_nodes() == 0:
        return {}
    if backend == "networkx" or (backend == "auto" and graph.number_of_nodes() <= NETWORKX_LIMIT):
        sub = graph if nodes is None else graph.subgraph(nodes)
        parts = [set(c) for c in nx.community.louvain_communities(sub, weight=weight, resolution=resolution, seed=seed)]
    else:
        import igraph as ig

        g, nodes = igraph_view(graph, nodes, weight)
        state = random.getstate()
        random.seed(seed)
        ig.set_random_number_generator(random)
        try:
            membership = g.community_multilevel(weights="weight", resolution=resolution).membership
        finally:
            random.setstate(state)
        grouped: dict[int, set[Node]] = {}
        for node, community in zip(nodes, membership, strict=True):
            grouped.setdefault(community, set()).add(node)
        parts = list(grouped.values())
    parts.sort(key=lambda c: (-len(c), min(map(str, c))))
    return {node: i for i, part in enumerate(parts) for node in part}


def _contingency(a: Sequence[object], b: Sequence[object]) -> tuple[Counter[tuple[object, object]], Counter[object], Counter[object]]:
    return Counter(zip(a, b, strict=True)), Counter(a), Counter(b)


def normalized_mutual_information(a: Sequence[object], b: Sequence[object]) -> float:
    """NMI with arithmetic-mean normalisation (Danon et al. 2005; scikit-learn's default).

    1 for identical partitions (up to renaming), 0 for independent ones; 1 when both put
    everything in one cluster.
    """
    n = len(a)
    if n == 0:
        return 1.0
    joint, ca, cb = _contingency(a, b)
    mi = sum(nij / n * math.log(n * nij / (ca[i] * cb[j])) for (i, j), nij in joint.items())
    ha = -sum(c / n * math.log(c / n) for c in ca.values())
    hb = -sum(c / n * math.log(c / n) for c in cb.values())
    if ha == 0 and hb == 0:
        return 1.0
    return max(0.0, mi / ((ha + hb) / 2))


def adjusted_rand_index(a: Sequence[object], b: Sequence[object]) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985): 1 identical, ≈0 chance agreement."""
    n = len(a)
    joint, ca, cb = _contingency(a, b)
    comb = lambda x: x * (x - 1) / 2  # noqa: E731
    index = sum(comb(v) for v in joint.values())
    sum_a, sum_b = sum(comb(v) for v in ca.values()), sum(comb(v) for v in cb.values())
    expected = sum_a * sum_b / comb(n) if n > 1 else 0.0
    maximum = (sum_a + sum_b) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def compare_with_fields(communities: Mapping[Node, int], fields: Mapping[Node, str]) -> dict[str, float | int]:
    """NMI and ARI between the communities and the declared (primary) fields, on the actors
    that have both; ``actors`` says how many that is."""
    shared = sorted((n for n in communities if n in fields), key=str)
    a = [communities[n] for n in shared]
    b = [fields[n] for n in shared]
    return {
        "actors": len(shared),
        "communities": len(set(communities.values())),
        "fields": len(set(b)),
        "nmi": normalized_mutual_information(a, b) if shared else float("nan"),
        "ari": adjusted_rand_index(a, b) if shared else float("nan"),
    }
