"""Textbook graphs with known answers, and the fast backends checked against NetworkX."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from thcm_graph.analysis import brokerage as brk
from thcm_graph.analysis import communities as com
from thcm_graph.analysis import measures as m
from thcm_graph.analysis.score import hub_score

# -- betweenness --------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_barbell_bridge_has_the_highest_betweenness(backend: m.Backend) -> None:
    graph = nx.barbell_graph(6, 1)  # K6 on 0–5, path node 6, K6 on 7–12
    values, info = m.betweenness(graph, backend=backend)
    assert info["method"] == "exact"
    top = max(values, key=values.__getitem__)
    assert top == 6
    # the two clique nodes on the bridge come next, every other clique node has 0
    ranked = sorted(values, key=values.__getitem__, reverse=True)
    assert set(ranked[1:3]) == {5, 7}
    assert all(values[n] == 0 for n in range(5))


def test_igraph_betweenness_equals_networkx_exactly() -> None:
    graph = nx.gnm_random_graph(60, 180, seed=3)
    reference, _ = m.betweenness(graph, backend="networkx")
    fast, _ = m.betweenness(graph, backend="igraph")
    assert fast == pytest.approx(reference, abs=1e-12)


def test_sampled_betweenness_is_reproducible_and_estimates_the_exact_values() -> None:
    graph = nx.barabasi_albert_graph(400, 3, seed=1)
    exact, _ = m.betweenness(graph, backend="networkx")
    sample_a, info = m.betweenness(graph, backend="igraph", exact_limit=100, k=200, seed=7)
    sample_b, _ = m.betweenness(graph, backend="igraph", exact_limit=100, k=200, seed=7)
    assert info == {"method": "sampled", "k": 200, "seed": 7, "backend": "igraph"}
    assert sample_a == sample_b
    top_exact = sorted(exact, key=exact.__getitem__, reverse=True)[:5]
    top_sample = sorted(sample_a, key=sample_a.__getitem__, reverse=True)[:10]
    assert set(top_exact) <= set(top_sample)
    total_exact, total_sample = sum(exact.values()), sum(sample_a.values())
    assert total_sample == pytest.approx(total_exact, rel=0.15)


# -- PageRank, constraint, effective size ----------------------------------------------------------


def test_igraph_pagerank_matches_networkx() -> None:
    graph = nx.gnm_random_graph(80, 300, seed=5)
    for u, v in graph.edges():
        graph[u][v]["weight"] = 1 + (u + v) % 3
    # NetworkX stops its power iteration at an L1 change of n·1e-6; igraph (PRPACK) solves exactly
    assert m.pagerank(graph, backend="igraph") == pytest.approx(m.pagerank(graph, backend="networkx"), abs=1e-5)


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
@pytest.mark.parametrize("leaves", [2, 5, 8])
def test_constraint_of_a_star_centre_is_one_over_n(backend: m.Backend, leaves: int) -> None:
    # Burt (1992): with n unconnected contacts, p_ij = 1/n and no indirect paths, so C = n·(1/n)² = 1/n;
    # each leaf has one contact: C = 1. Effective size of the centre is n (no redundancy).
    star = nx.star_graph(leaves)
    constraint = m.constraint(star, backend=backend)
    assert constraint[0] == pytest.approx(1 / leaves)
    assert constraint[1] == pytest.approx(1.0)
    assert m.effective_size(star, backend=backend)[0] == pytest.approx(leaves)


def test_fast_constraint_and_effective_size_match_networkx() -> None:
    graph = nx.gnm_random_graph(50, 140, seed=11)
    graph.add_node("isolate")
    for name in ("constraint", "effective_size"):
        reference = (getattr(m, name)(graph, backend="networkx") if name == "effective_size"
                     else m.constraint(graph, backend="networkx", weight=None))
        fast = getattr(m, name)(graph, backend="igraph") if name == "effective_size" else m.constraint(graph, backend="igraph", weight=None)
        for node in graph:
            if math.isnan(reference[node]):
                assert math.isnan(fast[node]), (name, node)
            else:
                assert fast[node] == pytest.approx(reference[node], abs=1e-9), (name, node)


# -- participation coefficient ------------------------------------------------------------------


def test_participation_is_zero_when_all_links_go_to_one_field() -> None:
    graph = nx.star_graph(4)
    membership = {n: {"A": 1.0} for n in range(1, 5)}
    assert m.participation_coefficient(graph, membership, weight=None)[0] == pytest.approx(0.0)


@pytest.mark.parametrize("k", [2, 3, 4, 7])
def test_participation_is_one_minus_one_over_k_for_an_even_spread(k: int) -> None:
    graph = nx.star_graph(2 * k)  # two neighbours in each of k fields
    membership = {leaf: {f"field-{(leaf - 1) % k}": 1.0} for leaf in range(1, 2 * k + 1)}
    assert m.participation_coefficient(graph, membership, weight=None)[0] == pytest.approx(1 - 1 / k)


def test_participation_counts_weights_and_shares() -> None:
    graph = nx.Graph()
    graph.add_edge("x", "a", weight=3.0)
    graph.add_edge("x", "b", weight=1.0)
    graph.add_edge("x", "unassigned", weight=5.0)  # a neighbour in no field does not count
    membership = {"a": {"A": 1.0}, "b": {"A": 0.5, "B": 0.5}}
    # k_A = 3 + 0.5, k_B = 0.5, k = 4
    expected = 1 - (3.5 / 4) ** 2 - (0.5 / 4) ** 2
    assert m.participation_coefficient(graph, membership)["x"] == pytest.approx(expected)
    assert m.group_profile(graph, membership, "x") == {"A": 3.5, "B": 0.5}


# -- brokerage (Gould & Fernandez 1989) -----------------------------------------------------------

TRIADS = {
    # a → b → c, groups of (a, b, c)
    "coordinator": ("F", "F", "F"),
    "itinerant": ("F", "G", "F"),
    "representative": ("F", "F", "G"),
    "gatekeeper": ("G", "F", "F"),
    "liaison": ("F", "G", "H"),
}


@pytest.mark.parametrize("role", list(TRIADS))
def test_each_role_on_a_directed_triad(role: str) -> None:
    ga, gb, gc = TRIADS[role]
    graph = nx.DiGraph([("a", "b"), ("b", "c")])
    roles = brk.brokerage_roles(graph, {"a": ga, "b": gb, "c": gc})
    assert roles["b"] == {r: (1 if r == role else 0) for r in brk.ROLES}
    assert sum(roles["a"].values()) == sum(roles["c"].values()) == 0


def test_a_closed_triad_has_no_brokerage() -> None:
    graph = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c")])
    roles = brk.brokerage_roles(graph, {"a": "F", "b": "G", "c": "H"})
    assert sum(roles["b"].values()) == 0


def test_undirected_convention_counts_both_directions() -> None:
    graph = nx.path_graph(["a", "b", "c"])
    assert brk.brokerage_roles(graph, {"a": "F", "b": "F", "c": "G"})["b"] == {
        "coordinator": 0, "itinerant": 0, "representative": 1, "gatekeeper": 1, "liaison": 0}
    assert brk.brokerage_roles(graph, {"a": "F", "b": "G", "c": "H"})["b"]["liaison"] == 2


def test_closed_form_brokerage_equals_enumeration() -> None:
    rng = random.Random(4)
    graph = nx.powerlaw_cluster_graph(300, 4, 0.4, seed=4)
    group = {n: rng.choice("ABCD") for n in graph if rng.random() > 0.1}  # some nodes without group
    assert brk.brokerage_roles(graph, group, backend="numpy") == brk.brokerage_roles(graph, group, backend="networkx")


# -- communities and partition comparison --------------------------------------------------------


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_louvain_finds_two_cliques_with_a_fixed_seed(backend: m.Backend) -> None:
    graph = nx.barbell_graph(8, 0)
    first = com.louvain(graph, seed=1, backend=backend)
    assert first == com.louvain(graph, seed=1, backend=backend)
    assert len(set(first.values())) == 2
    assert len({first[n] for n in range(8)}) == 1


def test_nmi_and_ari_known_values() -> None:
    a = [0, 0, 0, 1, 1, 1]
    assert com.normalized_mutual_information(a, ["x", "x", "x", "y", "y", "y"]) == pytest.approx(1.0)
    assert com.adjusted_rand_index(a, [5, 5, 5, 9, 9, 9]) == pytest.approx(1.0)
    # scikit-learn's documented example: adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) == 0.5714…
    assert com.adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.5714285714)
    # and normalized_mutual_info_score([0, 0, 1, 1], [0, 0, 1, 2]) == 0.8 (arithmetic mean)
    assert com.normalized_mutual_information([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.8)
    assert com.normalized_mutual_information([0, 1, 0, 1], [0, 0, 1, 1]) == pytest.approx(0.0)


# -- hub score -----------------------------------------------------------------------------------


def test_hub_score_is_100_for_the_best_in_every_term_and_0_for_a_closed_isolate() -> None:
    actors = ["hub", "other", "isolate"]
    scores = hub_score(
        actors,
        betweenness={"hub": 0.5, "other": 0.1},
        pagerank={"hub": 0.6, "other": 0.4},
        participation={"hub": 1.0, "other": 0.0},
        brokerage={"hub": 10, "other": 0},
        constraint={"hub": 0.0, "other": 1.0, "isolate": float("nan")},
    )
    assert scores["hub"] == pytest.approx(100.0)
    assert scores["isolate"] == 0.0
    assert 0 < scores["other"] < scores["hub"]


def test_fast_weighted_constraint_matches_networkx() -> None:
    graph = nx.powerlaw_cluster_graph(120, 4, 0.5, seed=2)
    for u, v in graph.edges():
        graph[u][v]["weight"] = 1 + (u * v) % 4
    reference = m.constraint(graph, backend="networkx")
    fast = m.constraint(graph, backend="igraph")
    assert fast == pytest.approx(reference, abs=1e-9)


def test_fast_paths_on_an_induced_subgraph_match_networkx() -> None:
    rng = random.Random(9)
    graph = nx.powerlaw_cluster_graph(200, 4, 0.4, seed=9)
    for u, v in graph.edges():
        graph[u][v]["weight"] = 1 + (u + v) % 3
    keep = [n for n in graph if n % 5]
    sub = graph.subgraph(keep)
    group = {n: rng.choice("ABC") for n in graph}
    assert brk.brokerage_roles(graph, group, backend="numpy", nodes=keep) == brk.brokerage_roles(sub, group, backend="networkx")
    fast = m.constraint(graph, backend="igraph", nodes=keep)
    reference = m.constraint(sub, backend="networkx")
    assert {n: v for n, v in fast.items() if not math.isnan(v)} == pytest.approx(
        {n: v for n, v in reference.items() if not math.isnan(v)}, abs=1e-9)
    fast_eff = m.effective_size(graph, backend="igraph", nodes=keep)
    reference_eff = m.effective_size(sub, backend="networkx")
    assert {n: v for n, v in fast_eff.items() if not math.isnan(v)} == pytest.approx(
        {n: v for n, v in reference_eff.items() if not math.isnan(v)}, abs=1e-9)
