"""Why the 2-hop co-participation query is slow in pyoxigraph: intermediate sizes and hand-written plans.

Loads a ``thcm synth`` N-Quads file into the real embedded store (``OxigraphStore``, whose default
graph is the materialised union of the named graphs), picks the actor with the most participations
exactly as ``http_bench.py`` does, and times in process (best of ``--repeat``):

- the benchmark's query text, unchanged;
- the same text under store/engine options (pyoxigraph's own union default graph, a ``substitutions``
  binding of the actor, the predeclared prefixes);
- the same answer written with nested ``SELECT DISTINCT`` sub-queries, i.e. the plan an optimiser that
  removes duplicates early would choose (this is *not* what the benchmark sends; it shows what an
  engine change would buy).

Every variant must return the same set of ``?other`` as the benchmark's text, or the script fails.
It also counts the rows the engine enumerates after each join step (``COUNT(*)`` of the prefixes of
the basic graph pattern), which is what the time goes into. Numbers go in ``benchmarks/README.md``::

    thcm synth -n 100000 -s 1 -o benchmarks/out/synth-1e5.nq
    python benchmarks/join_plan.py benchmarks/out/synth-1e5.nq
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from httpbench.queries import PICK_ACTOR, PREFIXES, TEMPLATES

from thcm_graph.store.oxigraph import OxigraphStore

HOPS = [  # the basic graph pattern of the benchmark query, in its written order, $actor bound
    "?p1 thcm:participant $actor .",
    "?project1 thcm:hasParticipation ?p1 .",
    "?project1 thcm:hasParticipation ?p2 .",
    "?p2 thcm:participant ?partner .",
    "?p3 thcm:participant ?partner .",
    "?project2 thcm:hasParticipation ?p3 .",
    "?project2 thcm:hasParticipation ?p4 .",
    "?p4 thcm:participant ?other .",
]

# the same answer, duplicates removed after each hop (what the benchmark does NOT send)
EARLY_DISTINCT_PARTNERS = PREFIXES + """SELECT DISTINCT ?other WHERE {
  { SELECT DISTINCT ?partner WHERE { ?p1 thcm:participant $actor . ?project1 thcm:hasParticipation ?p1 , ?p2 .
    ?p2 thcm:participant ?partner } }
  ?p3 thcm:participant ?partner . ?project2 thcm:hasParticipation ?p3 , ?p4 . ?p4 thcm:participant ?other
  FILTER(?other != $actor) }"""
EARLY_DISTINCT_ALL = PREFIXES + """SELECT DISTINCT ?other WHERE {
  { SELECT DISTINCT ?project2 WHERE {
    { SELECT DISTINCT ?partner WHERE { ?p1 thcm:participant $actor . ?project1 thcm:hasParticipation ?p1 , ?p2 .
      ?p2 thcm:participant ?partner } }
    ?p3 thcm:participant ?partner . ?project2 thcm:hasParticipation ?p3 } }
  ?project2 thcm:hasParticipation ?p4 . ?p4 thcm:participant ?other
  FILTER(?other != $actor) }"""


def best_of(repeat: int, run: Callable[[], set[str]]) -> tuple[float, set[str]]:
    """The fastest of ``repeat`` runs in milliseconds, and the answer of the last one."""
    best, answer = float("inf"), set()
    for _ in range(repeat):
        start = time.perf_counter()
        answer = run()
        best = min(best, time.perf_counter() - start)
    return best * 1000, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nquads", type=Path, help="a `thcm synth` N-Quads file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--slow", action="store_true",
                        help="also time pyoxigraph's own union default graph (minutes at 10^5 triples)")
    args = parser.parse_args()

    store = OxigraphStore.in_memory()
    with args.nquads.open("rb") as source:
        store.stream_quads(ox.parse(source, format=ox.RdfFormat.N_QUADS))
    raw = store.raw
    actor, participations = next(iter(raw.query(PICK_ACTOR)))
    actor_n3 = f"<{actor.value}>"
    benchmark = TEMPLATES["2-hop co-participation"][0].substitute(actor=actor_n3)
    print(f"{store.count()} triples in the union; actor {actor.value} with {participations.value} participations")

    print("\n| rows enumerated after pattern | count |\n|---|---:|")
    for k in range(1, len(HOPS) + 1):
        bgp = " ".join(HOPS[:k]).replace("$actor", actor_n3)
        n = next(iter(raw.query(PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {bgp} }}")))[0].value
        print(f"| {k}. `{HOPS[k - 1].replace('$actor', 'ACTOR')}` | {int(n):,} |")

    def select(text: str, **options: object) -> Callable[[], set[str]]:
        return lambda: {s["other"].value for s in raw.query(text, **options)}  # type: ignore[arg-type]

    variable = ox.Variable("actor")
    substituted = TEMPLATES["2-hop co-participation"][0].substitute(actor="?actor").replace(
        "SELECT DISTINCT ?other", "SELECT DISTINCT ?other ?actor")  # pyoxigraph substitutes projected variables only
    variants: list[tuple[str, Callable[[], set[str]]]] = [
        ("benchmark text (store default graph = materialised union)", select(benchmark)),
        ("benchmark text, without its PREFIX lines, prefixes= passed", select(
            benchmark.replace(PREFIXES, ""), prefixes={"thcm": "https://w3id.org/thcm/ontology#",
                                                       "org": "http://www.w3.org/ns/org#",
                                                       "skos": "http://www.w3.org/2004/02/skos/core#"})),
        ("actor as substitutions= binding (?actor projected)", select(
            substituted, substitutions={variable: ox.NamedNode(actor.value)})),
        ("OxigraphStore.query_raw (automatic DISTINCT push-down, thcm_graph/store/distinct_pushdown.py)",
         lambda: {str(row[0]) for row in store.query(benchmark).rows}),  # type: ignore[union-attr]
        ("hand plan: DISTINCT partners first", select(EARLY_DISTINCT_PARTNERS.replace("$actor", actor_n3))),
        ("hand plan: DISTINCT partners, then DISTINCT projects", select(EARLY_DISTINCT_ALL.replace("$actor", actor_n3))),
    ]
    if args.slow:
        named = [ox.NamedNode(g) for g in store.named_graphs()]
        variants.append(("benchmark text, pyoxigraph use_default_graph_as_union", select(
            benchmark, use_default_graph_as_union=True, named_graphs=named)))

    print("\n| variant | rows | best ms |\n|---|---:|---:|")
    reference: set[str] | None = None
    for label, run in variants:
        ms, answer = best_of(args.repeat, run)
        if reference is None:
            reference = answer
        elif answer != reference:
            raise SystemExit(f"{label}: {len(answer)} answers differ from the benchmark text's {len(reference)}")
        print(f"| {label} | {len(answer):,} | {ms:.1f} |", flush=True)
    print(f"\npyoxigraph {ox.__version__}")


if __name__ == "__main__":
    main()
