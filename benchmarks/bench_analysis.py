"""Benchmark of the hub analysis on synthetic ecosystems of 10^4 and 10^5 actors (~10^6 ties).

The synthetic ecosystem has the shape of the real one: actors declare 0–2 of 20 fields; they
belong to bodies (networks, committees) whose sizes follow a heavy-tailed distribution, and take
part in events and projects of a few partners; bodies and events lean towards one field, so
fields are visible but not closed. Every measure of ``analyse`` is timed as it runs in the
product (``backend="auto"``: igraph above 5,000 nodes), and compared in the same run with plain
NetworkX where that finishes in reasonable time: exact NetworkX betweenness is extrapolated from
a timed run on a source sample (its cost is linear in the number of sources), and the other
NetworkX measures are skipped at 10^5 actors where they would take minutes each (DESIGN.md §6).

Results are appended to ``benchmarks/ANALYSIS.md``. ``BENCH_SIZES=10000,100000`` sets sizes.
"""

from __future__ import annotations

import functools
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import networkx as nx

from thcm_graph.analysis import brokerage as brk
from thcm_graph.analysis import communities as com
from thcm_graph.analysis.networks import (
    Actor,
    Context,
    Ecosystem,
    Field,
    actor_projection,
    groups,
    load_ecosystem,
)
from thcm_graph.analysis.run import analyse
from thcm_graph.namespaces import GRAPH_NS
from thcm_graph.store import OxigraphStore

OUT = Path(__file__).resolve().parent / "ANALYSIS.md"
N_FIELDS = 20


def synthetic_ecosystem(n_actors: int, *, seed: int = 1) -> Ecosystem:
    """A random ecosystem of ``n_actors`` actors with ~10 ties per actor in the projection."""
    rng = random.Random(seed)
    fields = {f"f:{i}": Field(f"f:{i}", f"field {i}") for i in range(N_FIELDS)}
    field_ids = list(fields)
    actors = {f"a:{i}": Actor(f"a:{i}", f"actor {i}", f"actor {i}") for i in range(n_actors)}
    actor_ids = list(actors)
    declared: dict[str, dict[str, str]] = {}
    home: dict[str, str] = {}
    for a in actor_ids:
        k = rng.choices([0, 1, 2], weights=[2, 6, 2])[0]
        chosen = rng.sample(field_ids, k)
        if chosen:
            declared[a] = {f: "https://w3id.org/thcm/ontology#activeIn" for f in chosen}
            home[a] = chosen[0]
    by_field: dict[str, list[str]] = {f: [a for a in actor_ids if home.get(a) == f] for f in field_ids}
    contexts: dict[str, Context] = {}

    def add(kind: str, size: int, index: int) -> None:
        lean = rng.choice(field_ids)
        members = set()
        while len(members) < size:
            pool = by_field[lean] if rng.random() < 0.6 and by_field[lean] else actor_ids
            members.add(rng.choice(pool))
        context = Context(f"c:{kind}:{index}", kind, f"{kind} {index}")
        context.members = {a: {"https://schema.org/member"} for a in members}
        if kind != "body" and rng.random() < 0.5:
            context.fields = {lean}
        contexts[context.key] = context

    # bodies: heavy-tailed sizes (Pareto, 3..150); events and projects: 2..8 partners
    for i in range(n_actors // 25):
        add("body", min(150, int(3 * rng.paretovariate(1.6))), i)
    for i in range(n_actors // 2):
        add(rng.choice(["event", "project"]), rng.randint(2, 8), i)
    return Ecosystem(actors, fields, declared, contexts)


ID = "https://w3id.org/thcm/id/"
_T = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_ORG = "<http://www.w3.org/ns/org#Organization>"
_MEMBER = "<http://www.w3.org/ns/org#memberOf>"
_LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
_THCM = "https://w3id.org/thcm/ontology#"


def to_ntriples(eco: Ecosystem) -> bytes:
    """The synthetic ecosystem as RDF in the project's vocabulary (bodies become actors)."""
    def iri(key: str) -> str:
        kind, _, rest = key.partition(":")
        return f"<{ID}{ {'a': 'org', 'f': 'field', 'c': 'org'}[kind]}/{kind}-{rest.replace(':', '-')}>"

    lines: list[str] = []
    for f in eco.fields:
        lines += [f"{iri(f)} {_T} <{_THCM}FieldOfSpecialisation> .", f'{iri(f)} {_LABEL} "{eco.fields[f].label}"@de .']
    for a in eco.actors:
        lines += [f"{iri(a)} {_T} {_ORG} .", f'{iri(a)} {_LABEL} "{eco.actors[a].label}"@de .']
        for f in eco.declared.get(a, {}):
            lines.append(f"{iri(a)} <{_THCM}activeIn> {iri(f)} .")
    for c in eco.contexts.values():
        node = f"<{ID}{c.kind}/{c.iri.replace(':', '-')}>"
        if c.kind == "body":
            lines += [f"{node} {_T} {_ORG} .", f'{node} {_LABEL} "{c.label}"@de .']
            lines += [f"{iri(m)} {_MEMBER} {node} ." for m in c.members]
            continue
        if c.kind == "event":
            lines.append(f"{node} {_T} <https://schema.org/Event> .")
            lines += [f"{node} <{_THCM}partner> {iri(m)} ." for m in c.members]
        else:
            lines.append(f"{node} {_T} <{_THCM}FundedProject> .")
            for i, m in enumerate(c.members):
                part = f"<{ID}participation/{c.iri.replace(':', '-')}-{i}>"
                lines += [f"{node} <{_THCM}hasParticipation> {part} .", f"{part} <{_THCM}participant> {iri(m)} ."]
        lines += [f"{node} <{_THCM}addressesField> {iri(f)} ." for f in c.fields]
    return ("\n".join(lines) + "\n").encode()


def _time(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def bench(n_actors: int) -> dict[str, Any]:
    synthetic = synthetic_ecosystem(n_actors)
    data = to_ntriples(synthetic)
    store = OxigraphStore.in_memory()
    load_time, _ = _time(functools.partial(store.load, data, fmt="ntriples", graph=GRAPH_NS + "synthetic"))
    triples = store.count()
    read_time, eco = _time(lambda: load_ecosystem(store))
    del data, synthetic
    analyse_time, analysis = _time(lambda: analyse(eco))
    total = read_time + analyse_time
    graph = analysis.graph
    projection = actor_projection(eco)
    _fractional, single = groups(eco)
    reference: dict[str, tuple[float, str]] = {}
    small = n_actors <= 20_000
    # exact NetworkX betweenness: timed on a sample of sources, scaled to all n sources
    sources = 32 if small else 4
    t, _ = _time(lambda: nx.betweenness_centrality(graph, k=sources, seed=1))
    reference["betweenness"] = (t * graph.number_of_nodes() / sources, f"exact: extrapolated from a timed run on {sources} sources")
    k = analysis.parameters["betweenness"]["k"]
    reference["betweenness, same k"] = (t * k / sources, f"sampled with our k = {k}: extrapolated from the same run")
    t, _ = _time(lambda: nx.pagerank(graph, weight="weight"))
    reference["pagerank"] = (t, "measured")
    if small:
        t, _ = _time(lambda: nx.constraint(graph, weight="weight"))
        reference["constraint"] = (t, "measured")
        t, _ = _time(lambda: nx.effective_size(graph))
        reference["effective_size"] = (t, "measured")
        t, _ = _time(lambda: brk.brokerage_roles(graph, single, backend="networkx"))
        reference["brokerage"] = (t, "measured (pure-Python enumeration)")
        t, _ = _time(lambda: com.louvain(projection, backend="networkx"))
        reference["louvain"] = (t, "measured")
    return {
        "actors": n_actors,
        "triples": triples,
        "load": load_time,
        "read": read_time,
        "read_actors": len(eco.actors),
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "projection_edges": projection.number_of_edges(),
        "timings": analysis.timings,
        "total": total,
        "reference": reference,
        "betweenness": analysis.parameters["betweenness"],
        "comparison": analysis.comparison,
    }


def _ratio(reference: float, ours: float) -> str:
    if ours <= 0:
        return "–"
    value = reference / ours
    return f"{value:.1f}×" if value < 10 else f"{value:,.0f}×"


def render(results: list[dict[str, Any]]) -> str:
    now = datetime.now(UTC)
    lines = [
        f"\n## Run {now:%Y-%m-%d %H:%M} UTC\n",
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, networkx {version('networkx')}, "
        f"igraph {version('igraph')}, scipy {version('scipy')}. Synthetic ecosystems (`benchmarks/bench_analysis.py`), "
        f"{N_FIELDS} fields; betweenness, PageRank and participation on the ecosystem graph (actors + field nodes), "
        f"brokerage, constraint, effective size and Louvain on the actor projection. One run each (seconds), on a "
        f"machine shared with other work: expect ±30 %.\n",
    ]
    for r in results:
        b = r["betweenness"]
        lines += [
            f"### {r['actors']:,} actors — {r['triples']:,} triples; read back as {r['read_actors']:,} actors "
            f"(the bodies are actors too): {r['nodes']:,} nodes, {r['edges']:,} edges "
            f"(actor–actor projection: {r['projection_edges']:,} edges)\n",
            f"Betweenness: {b['method']} on {b['backend']}" + (f", k = {b['k']} sources, seed {b['seed']}" if b["method"] == "sampled" else "") + ".",
            f"Louvain vs declared fields: NMI {r['comparison']['nmi']:.3f}, ARI {r['comparison']['ari']:.3f}.\n",
            "| step | ours (s) | plain NetworkX (s) | NetworkX / ours | how NetworkX was timed |",
            "|---|---:|---:|---:|---|",
            f"| (load N-Triples into the in-memory store; not part of the analysis) | ({r['load']:.2f}) | | | |",
            f"| read: SPARQL → Ecosystem (`load_ecosystem`) | {r['read']:.2f} | – | – | pyoxigraph |",
        ]
        for step, seconds in r["timings"].items():
            ref = r["reference"].get(step)
            if step == "betweenness" and "betweenness, same k" in r["reference"]:
                same = r["reference"]["betweenness, same k"]
                lines.append(f"| betweenness, NetworkX with the same k | {seconds:.2f} | {same[0]:,.1f} | {_ratio(same[0], seconds)} | {same[1]} |")
                lines.append(f"| betweenness, NetworkX exact | {seconds:.2f} | {ref[0]:,.1f} | {_ratio(ref[0], seconds)} | {ref[1]} (ratio includes sampling) |")
                continue
            if ref:
                lines.append(f"| {step} | {seconds:.2f} | {ref[0]:,.1f} | {_ratio(ref[0], seconds)} | {ref[1]} |")
            else:
                lines.append(f"| {step} | {seconds:.2f} | – | – | {'same code (NetworkX)' if step in ('projection', 'ecosystem_graph', 'degree', 'weighted_degree', 'participation', 'rank') else 'not run (minutes at this size)'} |")
        lines.append(f"| **full analysis (read + all measures)** | **{r['total']:.1f}** | | | budget: 60 s at 10^5 actors |\n")
    return "\n".join(lines)


HEADER = """# Analysis benchmark results

Appended by `make bench` (`benchmarks/bench_analysis.py`; what is measured: `benchmarks/README.md`).
"Ours" is `thcm_graph.analysis.analyse` with its defaults (NetworkX up to 1,000 nodes, igraph
above; betweenness sampled above 5,000 nodes), plus reading the graph from the store. "Plain
NetworkX" is the same measure with NetworkX alone on the same graph in the same run. The exact
NetworkX betweenness is extrapolated (its cost is linear in the number of sources), so its ratio
includes the gain from sampling; the "same k" row compares like with like.
"""


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
    results = []
    for n in sizes:
        sys.stderr.write(f"analysis benchmark: {n:,} actors …\n")
        results.append(bench(n))
        sys.stderr.write(f"  full analysis {results[-1]['total']:.1f} s\n")
    text = render(results)
    if not OUT.exists():
        OUT.write_text(HEADER, encoding="utf-8")
    with OUT.open("a", encoding="utf-8") as handle:
        handle.write(text)
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
