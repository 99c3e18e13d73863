"""``analyse(ecosystem)``: every measure, the hub score and the explanations in one pass."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

import networkx as nx
import numpy as np

from . import brokerage as brk
from . import communities as com
from . import measures as m
from .explain import Explanation, explain
from .measures import Node
from .networks import Ecosystem, actor_projection, ecosystem_graph, groups, primary_field
from .score import FORMULA, MIN_FIELDS, WEIGHTS, hub_score


@dataclass(frozen=True)
class HubScore:
    """All measures of one actor, its rank by hub score, and why."""

    actor: str
    label: str
    rank: int
    score: float
    degree: float
    weighted_degree: float
    fields: int
    betweenness: float
    pagerank: float
    participation: float
    constraint: float
    effective_size: float
    brokerage: dict[str, int]
    community: int | None
    profile: dict[str, float] = field(repr=False)
    ecosystem: Ecosystem = field(repr=False, compare=False)

    @cached_property
    def explanation(self) -> Explanation:
        """Why this actor scores as it does (computed on first use: cheap per actor, but not
        needed for all 10^5 actors of a large graph)."""
        return explain(self.ecosystem, self.actor, self.profile)

    def as_dict(self, eco: Ecosystem) -> dict[str, Any]:
        """Plain data for JSON/CSV/REST: measures, and the explanation as text and structure."""
        def num(x: float) -> float | None:
            return None if math.isnan(x) else round(x, 6)
        return {
            "rank": self.rank, "actor": self.actor, "label": self.label, "score": round(self.score, 3),
            "fields": self.fields, "degree": int(self.degree), "weighted_degree": self.weighted_degree,
            "betweenness": num(self.betweenness), "pagerank": num(self.pagerank),
            "participation": num(self.participation), "constraint": num(self.constraint),
            "effective_size": num(self.effective_size), "brokerage": dict(self.brokerage),
            "community": self.community,
            "explanation": self.explanation.text(eco),
            "bridges": [
                {"field": b.field, "label": b.label, "share": round(b.share, 4),
                 "via": [{"kind": v.kind, "relation": v.relation, "context": v.context, "context_label": v.context_label,
                          "role": v.role, "through": list(v.through)} for v in b.via]}
                for b in self.explanation.fields
            ],
        }

    @property
    def is_hub(self) -> bool:
        """A cross-cluster hub links to at least MIN_FIELDS fields."""
        return self.fields >= MIN_FIELDS


@dataclass
class Analysis:
    """The result of :func:`analyse`."""

    ecosystem: Ecosystem
    graph: nx.Graph
    scores: list[HubScore]  # every actor, best first
    communities: dict[str, int]
    comparison: dict[str, float | int]
    parameters: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    def hubs(self, top: int | None = None, field: str | None = None) -> list[HubScore]:
        """Cross-cluster hubs, best first; with ``field``, only those that reach that field."""
        found = [s for s in self.scores if s.is_hub and (field is None or s.profile.get(field, 0) > 0)]
        return found[:top] if top is not None else found


def analyse(eco: Ecosystem, *, backend: m.Backend = "auto", seed: int = 42, k: int = m.BETWEENNESS_K) -> Analysis:
    """Compute the measures of every actor on the ecosystem graph and rank them by hub score."""
    timings: dict[str, float] = {}

    def timed(name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        timings[name] = time.perf_counter() - start
        return value

    projection = timed("projection", actor_projection, eco)
    deg = timed("degree", m.degree, projection)
    wdeg = timed("weighted_degree", m.weighted_degree, projection)
    graph = timed("ecosystem_graph", ecosystem_graph, eco, projection)  # extends the projection in place
    fractional, single = groups(eco)
    actors = sorted(eco.actors)
    btw, btw_info = timed("betweenness", m.betweenness, graph, backend=backend, k=k, seed=seed)
    pr = timed("pagerank", m.pagerank, graph, backend=backend)
    links = timed("participation", m.group_links, graph, fractional, backend=backend)
    part = cast(dict[str, float], m.participation_coefficient(graph, cast(Mapping[Node, Mapping[str, float]], fractional), links=links))
    # brokerage and structural holes among actors (the projection: actors are the contacts),
    # actors grouped by their primary field
    roles = timed("brokerage", brk.brokerage_roles, graph, single, nodes=eco.actors,
                  backend="networkx" if backend == "networkx" else "numpy" if backend == "igraph" else "auto")
    cons = timed("constraint", m.constraint, graph, backend=backend, nodes=eco.actors)
    eff = timed("effective_size", m.effective_size, graph, backend=backend, nodes=eco.actors)
    communities = timed("louvain", com.louvain, graph, seed=seed, backend=backend, nodes=eco.actors)
    comparison = com.compare_with_fields(communities, cast(Mapping[Node, str], primary_field(eco)))
    cross = {a: float(brk.cross_field_brokerage(roles[a])) for a in actors}
    scores = hub_score(actors, betweenness=btw, pagerank=pr, participation=part, brokerage=cross, constraint=cons)

    start = time.perf_counter()
    group_names, k_is = links
    row_of = {node: i for i, node in enumerate(graph)}
    ordered = sorted(actors, key=lambda a: (-round(scores[a], 9), eco.actors[a].label))
    results = []
    for rank, actor in enumerate(ordered, start=1):
        row = k_is[row_of[actor]]
        profile = {group_names[j]: float(row[j]) for j in np.flatnonzero(row)}
        results.append(HubScore(
            actor=actor, label=eco.actors[actor].label, rank=rank, score=scores[actor],
            degree=deg.get(actor, 0.0), weighted_degree=wdeg.get(actor, 0.0),
            fields=len(profile),
            betweenness=btw.get(actor, 0.0), pagerank=pr.get(actor, 0.0), participation=part.get(actor, 0.0),
            constraint=cons.get(actor, math.nan), effective_size=eff.get(actor, math.nan),
            brokerage=roles.get(actor, dict.fromkeys(brk.ROLES, 0)), community=communities.get(actor),
            profile=profile, ecosystem=eco,
        ))
    timings["rank"] = time.perf_counter() - start
    parameters = {
        "score_formula": FORMULA,
        "score_weights": WEIGHTS,
        "min_fields": MIN_FIELDS,
        "betweenness": btw_info,
        "pagerank_alpha": 0.85,
        "louvain_seed": seed,
        "louvain_resolution": 1.0,
        "backend": backend,
        "exact_limit": m.EXACT_LIMIT,
        "networkx_limit": m.NETWORKX_LIMIT,
        "brokerage_convention": (
            "on the actor projection, groups = primary fields; "
            "undirected edges read as two arcs (Gould & Fernandez 1989; as sna::brokerage)"
        ),
        "structural_holes_graph": "actor projection (Burt 1992 constraint, weighted by shared contexts; effective size unweighted)",
        "centrality_graph": "ecosystem graph: actor projection + field nodes (betweenness, PageRank, participation)",
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
    }
    return Analysis(eco, graph, results, communities, comparison, parameters, timings)
