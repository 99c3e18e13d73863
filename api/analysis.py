"""``/api/hubs`` and ``/api/bridges``: the cross-cluster hub analysis over REST.

Both answer from the build being served; the analysis of a build is computed once and kept
until the server switches to a newer build (the store of a build never changes).
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from thcm_graph.analysis import Analysis, analyse, bridges, load_ecosystem, report_as_dict, resolve_field
from thcm_graph.analysis.networks import actor_field_links, field_graph

from .deps import published_store

router = APIRouter(prefix="/api", tags=["analysis"])
_lock = threading.Lock()


class Via(BaseModel):
    kind: str = Field(description="declared, body, event, project or link")
    relation: str
    context: str | None = None
    context_label: str | None = None
    role: str | None = None
    through: list[str] = Field(default_factory=list, description="actors that carry the field into the context")


class FieldBridge(BaseModel):
    field: str
    label: str
    share: float = Field(description="share of the actor's field links going to this field")
    via: list[Via]


class Hub(BaseModel):
    rank: int
    actor: str
    label: str
    score: float = Field(description="cross-cluster hub score in [0, 100] (docs/analysis.md)")
    fields: int
    degree: int
    weighted_degree: float
    betweenness: float | None
    pagerank: float | None
    participation: float | None
    constraint: float | None
    effective_size: float | None
    brokerage: dict[str, int]
    community: int | None
    explanation: str
    bridges: list[FieldBridge]


class HubsResponse(BaseModel):
    build_id: str
    field: str | None
    communities_vs_fields: dict[str, float | int | None]
    hubs: list[Hub]


class ActorRef(BaseModel):
    iri: str
    label: str


class FieldRef(BaseModel):
    iri: str
    label: str


class RemovalOut(BaseModel):
    actor: ActorRef
    connected: bool
    distance: int | None
    shortest_paths: int
    connectivity: int


class BridgesResponse(BaseModel):
    build_id: str
    field_a: FieldRef
    field_b: FieldRef
    connected: bool
    distance: int | None
    connectivity: int
    direct: list[ActorRef]
    paths: list[list[ActorRef]]
    connectors: list[ActorRef]
    minimal_connectors: list[ActorRef]
    removals: list[RemovalOut]


def _analysis(request: Request) -> tuple[Analysis, str]:
    store, publication = published_store(request)
    with _lock:
        cached = getattr(request.app.state, "analysis_cache", None)
        if cached is None or cached[0] != publication.build_id:
            cached = (publication.build_id, analyse(load_ecosystem(store)))
            request.app.state.analysis_cache = cached
    return cached[1], publication.build_id


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in values.items()}


@router.get("/hubs", response_model=HubsResponse, summary="Top cross-cluster hubs with explanations")
async def hubs(
    request: Request,
    top: Annotated[int, Query(ge=1, le=1000, description="how many hubs")] = 10,
    field: Annotated[str | None, Query(description="only hubs reaching this field (IRI or label)")] = None,
) -> dict[str, Any]:
    """The actors that bridge the most fields, best first, each with the evidence."""
    def run() -> dict[str, Any]:
        analysis, build_id = _analysis(request)
        eco = analysis.ecosystem
        iri = resolve_field(eco, field) if field else None
        return {"build_id": build_id, "field": iri, "communities_vs_fields": _clean(dict(analysis.comparison)),
                "hubs": [h.as_dict(eco) for h in analysis.hubs(top, iri)]}

    return await run_in_threadpool(run)


@router.get("/bridges", response_model=BridgesResponse, summary="Who connects two fields")
async def field_bridges(
    request: Request,
    a: Annotated[str, Query(description="first field (IRI or label)")],
    b: Annotated[str, Query(description="second field (IRI or label)")],
) -> dict[str, Any]:
    """Actors linked to both fields, shortest bridging paths, minimal connectors, removal what-if."""
    def run() -> dict[str, Any]:
        analysis, build_id = _analysis(request)
        return {"build_id": build_id, **report_as_dict(bridges(analysis.ecosystem, a, b), analysis.ecosystem)}

    return await run_in_threadpool(run)


class MapField(BaseModel):
    iri: str
    label: str
    scheme: str | None
    actors: int = Field(description="actors linked to the field (declared or through a context)")


class MapEdge(BaseModel):
    a: str
    b: str
    actors: list[ActorRef] = Field(description="actors linked to both fields")
    links: int = Field(description="contexts (links, events, projects) addressing both fields")
    weight: int = Field(description="actors + contexts")


class FieldMapResponse(BaseModel):
    build_id: str
    fields: list[MapField]
    edges: list[MapEdge]


@router.get("/field-map", response_model=FieldMapResponse, summary="The field–field bridge map")
async def field_map(request: Request) -> dict[str, Any]:
    """Every field and every pair of fields joined by shared actors or contexts (docs/analysis.md)."""
    def run() -> dict[str, Any]:
        analysis, build_id = _analysis(request)
        eco = analysis.ecosystem
        graph = field_graph(eco)
        per_field: dict[str, int] = {}
        for fields in actor_field_links(eco).values():
            for fld in fields:
                per_field[fld] = per_field.get(fld, 0) + 1
        nodes = [{"iri": f.iri, "label": f.label, "scheme": f.scheme, "actors": per_field.get(f.iri, 0)}
                 for f in sorted(eco.fields.values(), key=lambda f: f.label)]
        edges = [{"a": a, "b": b, "weight": int(d["weight"]), "links": len(d["links"]),
                  "actors": [{"iri": x, "label": eco.actor_label(x)} for x in sorted(d["actors"], key=eco.actor_label)]}
                 for a, b, d in sorted(graph.edges(data=True), key=lambda e: -e[2]["weight"])]
        return {"build_id": build_id, "fields": nodes, "edges": edges}

    return await run_in_threadpool(run)
