"""The DISTINCT push-down gives the same answers as the query as written, and leaves alone what it cannot prove.

The equivalence is checked by running both texts on pyoxigraph itself, over random graphs and
random basic graph patterns (seeded, so a failure is reproducible), over the scale generator's
data with the benchmark's 2-hop query, and through the store the server uses.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from thcm_graph.errors import QueryError
from thcm_graph.store.distinct_pushdown import push_distinct_down
from thcm_graph.store.oxigraph import OxigraphStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from httpbench.queries import PICK_ACTOR, TEMPLATES

CHAIN = "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c }"


def answers(store: ox.Store, sparql: str, *, ordered: bool = False) -> list[tuple[str | None, ...]] | set[tuple[str | None, ...]]:
    rows = [tuple(None if term is None else str(term) for term in solution) for solution in store.query(sparql)]  # type: ignore[union-attr]
    return rows if ordered else set(rows)


def random_graph(rng: random.Random) -> ox.Store:
    store = ox.Store()
    nodes = [ox.NamedNode(f"urn:n{i}") for i in range(14)]
    predicates = [ox.NamedNode(f"urn:p{i}") for i in range(3)]
    for _ in range(110):
        obj = rng.choice(nodes) if rng.random() < 0.85 else ox.Literal(str(rng.randrange(5)), language=rng.choice(["de", "en"]))
        store.add(ox.Quad(rng.choice(nodes), rng.choice(predicates), obj))
    return store


def random_query(rng: random.Random) -> tuple[str, bool]:
    """A SELECT DISTINCT over 3-7 triple patterns (sometimes abbreviated, filtered, ordered, limited)."""
    variables = [f"?v{i}" for i in range(rng.randint(2, 6))]

    def term(position: int) -> str:
        if position == 1:
            return rng.choice(["<urn:p0>", "<urn:p1>", "<urn:p2>"]) if rng.random() < 0.9 else rng.choice(variables)
        if rng.random() < 0.2:
            return f"<urn:n{rng.randrange(14)}>" if position == 0 or rng.random() < 0.7 else f'"{rng.randrange(5)}"@de'
        return rng.choice(variables)

    parts = []
    for _ in range(rng.randint(3, 7)):
        subject, predicate, obj = term(0), term(1), term(2)
        if parts and rng.random() < 0.25:
            parts[-1] = parts[-1].rstrip(" .") + f" ; {predicate} {obj} ."  # predicate-object list
        elif parts and rng.random() < 0.15:
            parts[-1] = parts[-1].rstrip(" .") + f" , {obj} ."  # object list
        else:
            parts.append(f"{subject} {predicate} {obj} .")
    body = " ".join(parts)
    used = sorted({v for v in variables if v in body})
    projected = rng.sample(used, rng.randint(1, max(1, len(used) // 2))) if used else ["?v0"]
    if rng.random() < 0.3:
        body += f" FILTER({rng.choice(used or variables)} != <urn:n{rng.randrange(14)}>)"
    if rng.random() < 0.2:
        body += f' FILTER(STR({rng.choice(used or variables)}) < "urn:n7")'
    if len(used) >= 2 and rng.random() < 0.3:  # a filter joining two variables bound at different depths
        first, second = rng.sample(used, 2)
        body += f" FILTER({first} != {second})"
    tail, ordered = "", False
    if rng.random() < 0.2:
        tail, ordered = " ORDER BY " + " ".join(sorted(projected)), True
        if rng.random() < 0.5:
            tail += f" LIMIT {rng.randint(1, 5)}"
    return f"SELECT DISTINCT {' '.join(projected)} WHERE {{ {body} }}{tail}", ordered


def test_random_queries_on_random_graphs_give_the_same_answers_rewritten() -> None:
    rng = random.Random(20261124)
    rewritten = 0
    store = random_graph(rng)
    for case in range(400):
        if case and case % 20 == 0:
            store = random_graph(rng)  # a new graph every 20 queries
        query, ordered = random_query(rng)
        pushed = push_distinct_down(query)
        if pushed is None:
            continue
        rewritten += 1
        assert answers(store, pushed, ordered=ordered) == answers(store, query, ordered=ordered), f"{query}\n→ {pushed}"
    assert rewritten >= 150, f"only {rewritten} of 400 random queries were rewritten: the test would prove little"


def test_the_two_hop_benchmark_query_is_rewritten_and_answers_alike_on_synthetic_data(tmp_path: Path) -> None:
    from thcm_graph.synth import generate

    dump = tmp_path / "synth.nq"
    generate(10_000, 3, dump)
    store = OxigraphStore.in_memory()
    with dump.open("rb") as source:
        store.stream_quads(ox.parse(source, format=ox.RdfFormat.N_QUADS))
    actor = next(iter(store.raw.query(PICK_ACTOR)))[0]  # type: ignore[index, arg-type]
    query = TEMPLATES["2-hop co-participation"][0].substitute(actor=str(actor))
    pushed = push_distinct_down(query)
    assert pushed is not None and pushed.count("SELECT DISTINCT") >= 3
    expected = answers(store.raw, query)
    assert len(expected) > 10
    assert answers(store.raw, pushed) == expected
    assert {tuple(t.n3() for t in row) for row in store.query(query).rows} == expected  # the store rewrites itself


@pytest.mark.parametrize("query", [
    "SELECT ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c }",  # no DISTINCT
    "SELECT REDUCED ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c }",
    "SELECT DISTINCT * WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c }",
    "SELECT DISTINCT (STR(?c) AS ?s) WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c }",
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . OPTIONAL { ?y <urn:p0> ?c } }",
    "SELECT DISTINCT ?c WHERE { { <urn:n0> <urn:p0> ?x } UNION { ?x <urn:p1> ?y } ?y <urn:p0> ?c }",
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0>/<urn:p1> ?y . ?y <urn:p0> ?z . ?z <urn:p2> ?c }",  # path
    "SELECT DISTINCT ?c WHERE { <urn:n0> ^<urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c }",  # inverse path
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> _:x . _:x <urn:p1> ?y . ?y <urn:p0> ?c }",  # blank node
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> [ <urn:p1> ?y ] . ?y <urn:p0> ?z . ?z <urn:p0> ?c }",
    "SELECT DISTINCT ?c WHERE { GRAPH ?g { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c } }",
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c BIND(1 AS ?one) }",
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c } VALUES ?c { <urn:n1> }",
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c } GROUP BY ?c",
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c FILTER NOT EXISTS { ?c ?p ?x } }",
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c FILTER(RAND() < 0.5) }",
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c . { SELECT ?x WHERE { ?x ?p ?o } } }",
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?c }",  # two patterns: nothing to gain
    "SELECT DISTINCT ?x ?y ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c }",  # no variable dies
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c ",  # unbalanced
    "SELECT DISTINCT ?c WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c } LIMIT 10",  # stops early as written
    "ASK { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c }",
])
def test_queries_outside_the_fragment_are_left_as_written(query: str) -> None:
    assert push_distinct_down(query) is None


def test_lexical_details_survive_the_rewrite() -> None:
    """Prefixes and a comment in the head, strings with braces and dots, tags, datatypes, numbers, $-variables, a name ending a triple."""
    query = """PREFIX ex: <urn:>
    SELECT DISTINCT $c # the answer { not a brace
    WHERE { ex:n0 ex:p0 ?x . ?x ex:p1 ?y ; ex:p2 "a {b}. #c"@de , "2"^^<http://www.w3.org/2001/XMLSchema#integer> , -2 .
            ?y ex:p0 ?c FILTER(?c != ex:n1) . ?c ex:p2 ex:n3.
    } ORDER BY $c LIMIT 10"""
    pushed = push_distinct_down(query)
    assert pushed is not None
    store = ox.Store()
    for s, p, o in [("n0", "p0", "x"), ("x", "p1", "y"), ("y", "p0", "c"), ("y", "p0", "n1"), ("c", "p2", "n3"), ("n1", "p2", "n3")]:
        store.add(ox.Quad(ox.NamedNode(f"urn:{s}"), ox.NamedNode(f"urn:{p}"), ox.NamedNode(f"urn:{o}")))
    for obj in [ox.Literal("a {b}. #c", language="de"), ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                ox.Literal("-2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))]:
        store.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p2"), obj))
    assert answers(store, query, ordered=True) == [("<urn:c>",)]
    assert answers(store, pushed, ordered=True) == [("<urn:c>",)]


def test_an_error_in_a_rewritable_query_is_reported_for_the_text_as_written() -> None:
    store = OxigraphStore.in_memory()
    query = "SELECT DISTINCT ?c WHERE {\n <urn:n0> nope:p0 ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c }"
    assert push_distinct_down(query) is not None
    with pytest.raises(SyntaxError) as direct:
        ox.Store().query(query)
    with pytest.raises(QueryError) as ours:
        store.query(query)
    assert str(direct.value.msg if hasattr(direct.value, "msg") else direct.value) in str(ours.value)


def test_parameter_bindings_turn_the_rewrite_off_and_still_apply() -> None:
    store = OxigraphStore.in_memory()
    store.raw.add(ox.Quad(ox.NamedNode("urn:n0"), ox.NamedNode("urn:p0"), ox.NamedNode("urn:x")))
    store.raw.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p1"), ox.NamedNode("urn:y")))
    store.raw.add(ox.Quad(ox.NamedNode("urn:y"), ox.NamedNode("urn:p0"), ox.NamedNode("urn:c")))
    from rdflib import URIRef

    query = "SELECT DISTINCT ?c ?s WHERE { ?s <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c }"
    assert store.query(query, bindings={"s": URIRef("urn:n0")}).rows == [(URIRef("urn:c"), URIRef("urn:n0"))]


@pytest.mark.parametrize(("direction", "expected"), [("ASC", "urn:c1"), ("DESC", "urn:c2")])
def test_an_order_by_variable_outside_the_result_stays_bound_below(direction: str, expected: str) -> None:
    """``ORDER BY ?x LIMIT 1`` with ``?x`` not projected: ``?x`` must reach the outer query through every cut."""
    store = ox.Store()
    edges = [("n0", "p0", "w"), ("w", "p0", "x1"), ("w", "p0", "x2"), ("x1", "p1", "y1"), ("x2", "p1", "y2"),
             ("y1", "p0", "c1"), ("y2", "p0", "c2")]
    for s, p, o in edges:
        store.add(ox.Quad(ox.NamedNode(f"urn:{s}"), ox.NamedNode(f"urn:{p}"), ox.NamedNode(f"urn:{o}")))
    query = (f"SELECT DISTINCT ?c WHERE {{ <urn:n0> <urn:p0> ?w . ?w <urn:p0> ?x . ?x <urn:p1> ?y . ?y <urn:p0> ?c }} "
             f"ORDER BY {direction}(?x) LIMIT 1")
    pushed = push_distinct_down(query)
    assert pushed is not None
    assert answers(store, pushed, ordered=True) == answers(store, query, ordered=True) == [(f"<{expected}>",)]


def test_chain_query_rewrites_into_one_subquery() -> None:
    assert push_distinct_down(CHAIN) == (
        "SELECT DISTINCT ?c\nWHERE { { SELECT DISTINCT ?y WHERE { <urn:n0> <urn:p0> ?x . ?x <urn:p1> ?y . } } ?y <urn:p0> ?c . }")
