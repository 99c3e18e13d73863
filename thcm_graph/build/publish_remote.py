"""Atomic publish on a SPARQL server: staging graphs, verified counts, one switching request.

The build is parsed, entailed and validated locally; then (docs/remote.md)

1. the staging graphs ``urn:thcm:staging:<build-id>:<n>`` are recorded in the registry graph
   (so that a later build can remove them if this one is killed), and each named graph is
   loaded into its staging graph through the Graph Store Protocol, in chunks, with retries;
2. the staging union graph is filled on the server from the staging graphs;
3. every staging graph's count is compared with the local build (a short load fails here);
4. **one** SPARQL 1.1 Update request switches: ``MOVE`` each staging graph onto its logical
   name ``https://w3id.org/thcm/graph/<name>``, drop the logical graphs the new build no longer
   has, move the union, and replace the registry (graph list + manifest: the pointer readers
   consult). SPARQL 1.1 Update §2.2: a request SHOULD be treated atomically; Virtuoso runs it
   as one transaction ("Commit -- done"), so readers see the old build or the new one.

Until step 4, readers only ever see the previous build; a load that fails or a server that dies
leaves it serving, and its staging graphs are removed by the next build.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import Literal

from ..errors import StoreError
from ..store import OxigraphStore, Publication, RemoteSparqlStore
from ..store.remote import _META, META_GRAPH, UNION_GRAPH


def staging_graph(build_id: str, index: int | str) -> str:
    return f"urn:thcm:staging:{build_id}:{index}"


def remove_staging_leftovers(store: RemoteSparqlStore) -> list[str]:
    """Drop staging graphs that killed builds left behind (recorded in the registry)."""
    rows = store._select(f"SELECT ?g WHERE {{ <{_META}store> <{_META}staging> ?g }}", [META_GRAPH])
    graphs = [str(r["g"]) for r in rows]
    if graphs:
        store.update(" ;\n".join(
            [f"DROP SILENT GRAPH <{g}>" for g in graphs]
            + [f"DELETE DATA {{ GRAPH <{META_GRAPH}> {{ <{_META}store> <{_META}staging> <{g}> }} }}" for g in graphs]
        ))
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
    """Load ``source`` into staging graphs on the server, verify, then switch in one request."""
    say = on_stage or (lambda _: None)
    remove_staging_leftovers(store)
    graphs = source.named_graphs()
    staging = {graph: staging_graph(build_id, i) for i, graph in enumerate(graphs)}
    union = staging_graph(build_id, "union")
    record = " ".join(f"<{_META}store> <{_META}staging> <{g}> ." for g in [*staging.values(), union])
    store.update(f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {record} }} }}")

    started = time.perf_counter()
    for graph, target in staging.items():
        say(f"loading {graph} into {target}")
        store.put_triples(target, [ox.Triple(q.subject, q.predicate, q.object) for q in source.quads(graph)])
    store.update(" ;\n".join(
        f"INSERT {{ GRAPH <{union}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}" for g in staging.values()
    ))
    loaded = time.perf_counter() - started

    expected = dict(manifest["graphs"])
    for graph, target in staging.items():
        got = store.count(target)
        if got != expected[graph]:
            raise StoreError(f"staging graph {target} holds {got} triples, the build has {expected[graph]} in {graph}; "
                             f"the previous build keeps serving")
    union_expected = len(source.query("SELECT * WHERE { ?s ?p ?o }"))  # type: ignore[arg-type]
    if store.count(union) != union_expected:
        raise StoreError(f"the staging union graph {union} is incomplete; the previous build keeps serving")

    if pause_before_switch:
        say(f"pausing {pause_before_switch:g} s before switching (THCM_DEBUG_PAUSE_BEFORE_SWITCH)")
        time.sleep(pause_before_switch)

    say(f"switching {store.endpoints.query} to build {build_id}")
    previous = store.named_graphs()
    manifest = {**manifest, "store": store.endpoints.query, "load_seconds": round(loaded, 3)}
    registry = " ".join(f"<{_META}store> <{_META}graph> <{g}> ." for g in graphs)
    store.update(" ;\n".join(
        [f"DROP SILENT GRAPH <{g}>" for g in previous if g not in staging]
        + [f"MOVE <{target}> TO <{graph}>" for graph, target in staging.items()]
        + [f"MOVE <{union}> TO <{UNION_GRAPH}>",
           f"DROP SILENT GRAPH <{META_GRAPH}>",
           f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {registry} "
           f"<{_META}store> <{_META}manifest> {Literal(_json(manifest)).n3()} . }} }}"]
    ), timeout=max(store.endpoints.timeout, 600))
    return Publication(None, manifest, location=store.endpoints.query)


def _json(manifest: dict[str, Any]) -> str:
    import json

    return json.dumps(manifest, ensure_ascii=False, sort_keys=True)
