"""Atomic publish on a SPARQL server: staging graphs, verified counts, one switching request.

The build is parsed, entailed and validated locally; then (docs/remote.md)

1. the staging graphs ``urn:thcm:staging:<build-id>:<n>``, the build's union graph
   ``urn:thcm:union:<build-id>`` and its description ``urn:thcm:build:<build-id>`` are recorded
   in the registry graph (so that a later build can remove them if this one is killed), and
   each named graph is loaded into its staging graph through the Graph Store Protocol, in
   chunks, with retries;
2. the build's union graph is filled on the server from the staging graphs;
3. every staging graph's count is compared with the local build (a short load fails here),
   then the build's description (graphs, union graph, manifest) is written;
4. a **switch marker** goes in; **one** SPARQL 1.1 Update request ``MOVE``s each staging graph
   onto its logical name ``https://w3id.org/thcm/graph/<name>``, drops the logical graphs the
   new build no longer has and adds the **pointer** ``<store> meta:current <urn:thcm:build:<id>>``;
   the marker goes; the old pointer and description are removed (its union graph with the next
   build).

Readers (:meth:`RemoteSparqlStore.query_raw`) answer only when no marker was there before the
query and the pointer is unchanged after it, so no answer mixes two builds, whatever the
server's isolation (Virtuoso does not hide a running ``MOVE``; docs/remote.md has the
measurements). The request also carries Virtuoso's ``define sql:log-enable 1`` where the server
accepts it, so a server killed during the switch restarts with the old graphs or the new.

Until step 4, readers only ever see the previous build; a load that fails or a server that dies
leaves it serving, and its staging graphs are removed by the next build.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from string import Template
from typing import Any

from rdflib import Literal, URIRef

from ..errors import StoreError
from ..store import OxigraphStore, Publication, RemoteSparqlStore
from ..store.remote_sparql import (
    COPY_GRAPH,
    CURRENT,
    DELETE_NODE,
    DELETE_TRIPLE,
    DELETE_VALUES,
    DROP_GRAPH,
    GRAPH,
    INSERT_TRIPLE,
    MANIFEST,
    META_GRAPH,
    MOVE_GRAPH,
    STAGED,
    STAGING,
    STORE_NODE,
    SWITCHING,
    UNION,
    fill,
    requests,
)


def staging_graph(build_id: str, index: int) -> str:
    return f"urn:thcm:staging:{build_id}:{index}"


def build_node(build_id: str) -> str:
    """The build's description in the registry graph (and the pointer's target)."""
    return f"urn:thcm:build:{build_id}"


def union_graph(build_id: str) -> str:
    """The build's own union graph: the default graph of queries while the build is current."""
    return f"urn:thcm:union:{build_id}"


def _meta(template: Template, s: str, p: str, o: str | Literal) -> str:
    """One statement of the registry graph, in ``template`` (insert, delete)."""
    return fill(template, graph=META_GRAPH, s=s, p=p, o=o)


def remove_staging_leftovers(store: RemoteSparqlStore) -> list[str]:
    """Drop staging graphs and descriptions that killed builds left behind (recorded in the registry)."""
    rows = store.select_rows(STAGED, [META_GRAPH], store=URIRef(STORE_NODE), staging=URIRef(STAGING))
    graphs = [str(r["g"]) for r in rows]
    if graphs:
        store.update(requests(
            *(fill(DROP_GRAPH, graph=g) for g in graphs),
            *(_meta(DELETE_TRIPLE, STORE_NODE, STAGING, g) for g in graphs),
            *(fill(DELETE_NODE, graph=META_GRAPH, s=g) for g in graphs if g.startswith("urn:thcm:build:")),
        ))
    # the switch marker of a publisher killed while switching
    store.update(fill(DELETE_VALUES, graph=META_GRAPH, s=STORE_NODE, p=SWITCHING))
    return graphs


def publish_remote(
    source: OxigraphStore,
    store: RemoteSparqlStore,
    build_id: str,
    manifest: dict[str, Any],
    *,
    pause_before_switch: float = 0.0,
    on_stage: Callable[[str], None] | None = None,
) -> Publication:
    """Load ``source`` into staging graphs on the server, verify, then switch (module docstring)."""
    say = on_stage or (lambda _: None)
    remove_staging_leftovers(store)
    graphs = source.named_graphs()
    staging = {graph: staging_graph(build_id, i) for i, graph in enumerate(graphs)}
    union, node = union_graph(build_id), build_node(build_id)
    store.update(requests(*(_meta(INSERT_TRIPLE, STORE_NODE, STAGING, g) for g in [*staging.values(), union, node])))

    started = time.perf_counter()
    for graph, target in staging.items():
        say(f"loading {graph} into {target}")
        store.put_triples(target, list(source.quads(graph)))
    store.update(requests(*(fill(COPY_GRAPH, target=union, source=g) for g in staging.values())))
    loaded = time.perf_counter() - started

    expected = dict(manifest["graphs"])
    for graph, target in staging.items():
        got = store.count(target)
        if got != expected[graph]:
            raise StoreError(f"staging graph {target} holds {got} triples, the build has {expected[graph]} in {graph}; "
                             f"the previous build keeps serving")
    union_expected = len(source.query("SELECT * WHERE { ?s ?p ?o }"))  # type: ignore[arg-type]
    if store.count(union) != union_expected:
        raise StoreError(f"the union graph {union} is incomplete; the previous build keeps serving")
    manifest = {**manifest, "store": store.endpoints.query, "load_seconds": round(loaded, 3)}
    store.update(requests(
        *(_meta(INSERT_TRIPLE, node, GRAPH, g) for g in graphs),
        _meta(INSERT_TRIPLE, node, UNION, union),
        _meta(INSERT_TRIPLE, node, MANIFEST, Literal(_json(manifest))),
    ))

    if pause_before_switch:
        say(f"pausing {pause_before_switch:g} s before switching (THCM_DEBUG_PAUSE_BEFORE_SWITCH)")
        time.sleep(pause_before_switch)

    say(f"switching {store.endpoints.query} to build {build_id}")
    previous = store.view()
    switch_seconds = max(store.endpoints.timeout, 600)
    store.update(_meta(INSERT_TRIPLE, STORE_NODE, SWITCHING, Literal(time.time() + switch_seconds)))  # readers hold back
    store.update(requests(
        *(fill(DROP_GRAPH, graph=g) for g in previous.graphs if g not in staging),
        *(fill(MOVE_GRAPH, source=target, target=graph) for graph, target in staging.items()),
        _meta(INSERT_TRIPLE, STORE_NODE, CURRENT, node),
    ), timeout=switch_seconds, atomic=True)
    # the new pointer is in: now retire the old one, its description and its union graph
    retire = ([_meta(DELETE_TRIPLE, STORE_NODE, CURRENT, previous.node),
               *(fill(DELETE_VALUES, graph=META_GRAPH, s=previous.node, p=p) for p in (GRAPH, UNION, MANIFEST)),
               # a reader may still hold the old view: its union graph goes with the next build's clean-up
               _meta(INSERT_TRIPLE, STORE_NODE, STAGING, previous.union)]
              if previous.node != node else [])
    done = [fill(DELETE_VALUES, graph=META_GRAPH, s=STORE_NODE, p=SWITCHING),
            *(_meta(DELETE_TRIPLE, STORE_NODE, STAGING, g) for g in [*staging.values(), union, node])]
    store.update(requests(*retire, *done))
    return Publication(None, manifest, location=store.endpoints.query)


def _json(manifest: dict[str, Any]) -> str:
    import json

    return json.dumps(manifest, ensure_ascii=False, sort_keys=True)
