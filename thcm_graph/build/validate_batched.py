"""SHACL validation of a store of any size: focus nodes in batches, each with just what it needs.

Whole-graph validation converts the data into one rdflib graph (~1.7 GB per 10^6 triples,
DESIGN.md §6), which cannot work at 10^7. Here the typed nodes of the store are streamed, and
every one that a shape targets becomes a focus node of the current batch. A batch's rdflib graph holds, for each
focus node, its outgoing triples, the ``rdf:type`` triples of its values, and the outgoing
triples (and value types) of blank-node values, plus the ontology's ``rdfs:subClassOf`` axioms.
pySHACL validates the batch, the results about its focus nodes are kept, and the results of
all batches are merged (as a set).

(A node is validated once per batch it falls in; explicit targets may fall in two, and the
merged set reports them once.)

This is exact for shapes whose constraints look at the focus node, its outgoing values and the
types of those values — every constraint in ``shapes/*.ttl`` today: ``sh:class``, ``sh:datatype``,
``sh:nodeKind``, ``sh:pattern``, counts, ``sh:languageIn``/``sh:uniqueLang``, qualified value
shapes on literals, ``sh:xone``/``sh:or`` of such shapes, and SPARQL-based *targets*
(SHACL-AF ``sh:SPARQLTarget``, evaluated on the store to find their focus nodes and again on the
batch by pySHACL). Shapes that look further — ``sh:sparql`` constraints, inverse or complex
paths, ``sh:node`` on values — cannot be batched: :func:`unbatchable` names them, and
:func:`validate_store` then validates the whole graph (the old way) instead.

Speed (issue 13; ``benchmarks/BUILD.md``): pySHACL's cost is per focus node, not per batch — it
evaluates a shape's ``sh:property`` shapes and ``sh:xone`` alternatives node by node. So (1) the
property shapes of class-targeted shapes are validated as shapes of their own, targeting a
marker class that the batch graph gives the owner's focus nodes (one evaluation per batch);
(2) ``sh:xone`` of one-value alternatives (``shapes:ObservationMeasure``) is skipped for nodes
that :mod:`.xone_precheck` shows to conform, and left to pySHACL for all others; (3) batches
are read from the store in this process and checked by pySHACL in forked worker processes.
The reports stay those of pySHACL: every result still comes from a pySHACL run.

``tests/test_validate_batched.py`` checks the equivalence with whole-graph validation on the
curated data and on every invalid case of ``tests/shapes/``.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool

import pyoxigraph as ox
from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph
from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.term import Node

from ..namespaces import ONTOLOGY_GRAPH, PREFIXES
from ..store import OxigraphStore
from ..store._convert import to_neutral
from .validate import SH, Problem, ValidationReport, _problem, sort_problems, to_rdflib, validate
from .xone_precheck import one_value_xones

#: Focus nodes per pySHACL run: large enough to amortise a run, small enough to stay in memory.
BATCH_SIZE = 2_000
#: Processes running pySHACL: the build machines have 2 cores (DESIGN.md §5).
WORKERS = min(2, os.cpu_count() or 1)
#: A worker is replaced (forked afresh) after this many batches. Its Python objects do not grow
#: (tracemalloc over 27 batches: +7 kB), but its heap does: the rdflib graphs of each batch leave
#: the allocator's arenas fragmented, +30 MB a minute per worker at 10^7 triples (1.0 → 1.3 GB).
RECYCLE_AFTER = 25

_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
_DEFAULT = ox.DefaultGraph()
_NOT_BATCHABLE = {
    SH.sparql: "a SPARQL-based constraint (sh:sparql) may look anywhere in the graph",
    SH.inversePath: "an inverse path needs the triples pointing at the focus node",
    SH.alternativePath: "complex paths need more than the focus node's own triples",
    SH.zeroOrMorePath: "complex paths need more than the focus node's own triples",
    SH.oneOrMorePath: "complex paths need more than the focus node's own triples",
    SH.zeroOrOnePath: "complex paths need more than the focus node's own triples",
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def unbatchable(shapes: Graph) -> list[str]:
    """Why these shapes cannot be validated in focus-node batches (empty: they can)."""
    reasons = [f"{s.n3(shapes.namespace_manager)}: {why}"
               for predicate, why in _NOT_BATCHABLE.items() for s in shapes.subjects(predicate, None)]
    for shape, path in shapes.subject_objects(SH.path):
        if isinstance(path, BNode) and (path, RDF.first, None) in shapes:
            reasons.append(f"{shape.n3(shapes.namespace_manager)}: a sequence path needs more than the focus node's own triples")
    for shape in shapes.subjects(SH.path, None):
        if (shape, SH.node, None) in shapes:
            reasons.append(f"{shape.n3(shapes.namespace_manager)}: sh:node on values needs the values' own triples")
    return reasons


@dataclass
class _Targets:
    """Which nodes the shapes target, in a form the store can be scanned with."""

    types: set[ox.NamedNode]  # instances of these are focus nodes (target classes and their subclasses)
    nodes: set[Term] = field(default_factory=set)  # explicit targets, subjects/objects-of, SPARQL targets without such a type
    subjects_of: set[ox.NamedNode] = field(default_factory=set)

    def is_focus(self, node: Term, outgoing: list[ox.Quad]) -> bool:
        return node in self.nodes or any(
            (q.predicate == _TYPE and q.object in self.types) or q.predicate in self.subjects_of for q in outgoing)


def _targets(store: OxigraphStore, shapes: Graph) -> _Targets:
    raw = store.raw
    classes = {ox.NamedNode(str(c)) for c in shapes.objects(None, SH.targetClass)}
    # implicit class targets: a shape that is also an rdfs:Class targets its instances
    classes |= {ox.NamedNode(str(s)) for s in shapes.subjects(RDF.type, RDFS.Class) if isinstance(s, URIRef)}
    types = set(classes)
    frontier = list(classes)
    while frontier:  # subclasses, as stated anywhere in the data (pySHACL follows rdfs:subClassOf in the data graph)
        parent = frontier.pop()
        for quad in raw.quads_for_pattern(None, _SUBCLASS, parent, _DEFAULT):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject not in types:
                types.add(quad.subject)
                frontier.append(quad.subject)
    result = _Targets(types)
    result.nodes |= {_ox(n) for n in shapes.objects(None, SH.targetNode)}
    result.subjects_of = {ox.NamedNode(str(p)) for p in shapes.objects(None, SH.targetSubjectsOf)}
    for predicate in shapes.objects(None, SH.targetObjectsOf):
        result.nodes |= {q.object for q in raw.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, _DEFAULT)
                         if not isinstance(q.object, ox.Literal)}
    for target in shapes.objects(None, SH.target):
        select = shapes.value(target, SH.select)
        if select is None:
            continue
        solutions = raw.query(str(select))
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            node = row["this"]
            if node is not None and not result.is_focus(node, list(raw.quads_for_pattern(node, None, None, _DEFAULT))):
                result.nodes.add(node)
    return result


def _shape_targets(store: OxigraphStore, shapes: Graph) -> dict[Node, tuple[set[Term], set[Term]]]:
    """Per shape with sh:targetClass or sh:target: (target types incl. subclasses, SPARQL-target nodes)."""
    raw = store.raw
    result: dict[Node, tuple[set[Term], set[Term]]] = {}
    for shape in set(shapes.subjects(SH.targetClass, None)) | set(shapes.subjects(SH.target, None)):
        classes: set[Term] = set()
        frontier = [ox.NamedNode(str(c)) for c in shapes.objects(shape, SH.targetClass)]
        while frontier:
            c = frontier.pop()
            if c not in classes:
                classes.add(c)
                frontier += [q.subject for q in raw.quads_for_pattern(None, _SUBCLASS, c, _DEFAULT)
                             if isinstance(q.subject, ox.NamedNode)]
        nodes: set[Term] = set()
        for target in shapes.objects(shape, SH.target):
            select = shapes.value(target, SH.select)
            if select is not None:
                solutions = raw.query(str(select))
                assert isinstance(solutions, ox.QuerySolutions)
                nodes |= {row["this"] for row in solutions if row["this"] is not None}
        result[shape] = (classes, nodes)
    return result


#: Marker classes of the focus nodes of shapes whose property shapes are validated on their own.
_MARKER = "urn:thcm:validate-batch:focus-of-shape-"


def _type_sensitive(shapes: Graph) -> bool:
    """True when a shape looks at rdf:type itself, so that marker types could change its results."""
    return ((None, SH.path, RDF.type) in shapes or (None, SH.closed, None) in shapes
            or (None, SH.targetSubjectsOf, RDF.type) in shapes or (None, SH.targetObjectsOf, RDF.type) in shapes)


#: Target predicates other than the two replaced by sh:targetNode in the batches.
_OTHER_TARGETS = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def _hoistable_properties(shapes: Graph, shape: Node) -> list[Node]:
    """The sh:property shapes of ``shape`` that can be validated as shapes of their own.

    Only for an active shape whose every target is replaced by sh:targetNode in the batches
    (sh:targetClass, sh:target — not explicit targets, subjects/objects-of or implicit class
    targets, whose focus nodes pySHACL finds itself), and only property shapes that are not
    deactivated and carry no targets of their own.
    """
    if (shape, SH.deactivated, None) in shapes or (shape, RDF.type, RDFS.Class) in shapes:
        return []
    if any((shape, predicate, None) in shapes for predicate in _OTHER_TARGETS):
        return []
    result = []
    for prop in shapes.objects(shape, SH.property):
        if (prop, SH.deactivated, None) in shapes or (prop, SH.path, None) not in shapes:
            continue
        if any((prop, predicate, None) in shapes for predicate in (*_OTHER_TARGETS, SH.targetClass, SH.target)):
            continue
        result.append(prop)
    return result


def _ox(node: Node) -> Term:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    raise TypeError(f"not a node: {node!r}")


def _candidates(store: OxigraphStore, targets: _Targets) -> Iterator[tuple[Term, list[ox.Quad]]]:
    """Every node that may be a focus node, once, with its outgoing triples.

    The typed subjects (all of them when a shape targets the subjects of a property), streamed
    by the SPARQL engine (DISTINCT is a hash set in Rust, not in Python), then the explicit targets.
    """
    query = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }" if targets.subjects_of else "SELECT DISTINCT ?s WHERE { ?s a ?type }"
    solutions = store.raw.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    yield from _given(store, (row[0] for row in solutions))
    yield from _given(store, targets.nodes)


def _given(store: OxigraphStore, nodes: Iterable[Term]) -> Iterator[tuple[Term, list[ox.Quad]]]:
    for node in nodes:
        if isinstance(node, ox.Literal):
            continue
        outgoing = list(store.raw.quads_for_pattern(node, None, None, _DEFAULT))
        if outgoing:
            yield node, outgoing


class _Batches:
    """Runs pySHACL on batches with one compiled shapes graph."""

    def __init__(self, store: OxigraphStore, shapes: Graph, locate: Callable[[str], list[str]] | None) -> None:
        self.store, self.locate = store, locate
        self.problems: set[Problem] = set()
        self.axioms = [(to_neutral(q.subject), RDFS.subClassOf, to_neutral(q.object))
                       for q in store.raw.quads_for_pattern(None, _SUBCLASS, None, ox.NamedNode(ONTOLOGY_GRAPH))]
        # Each shape's targets are replaced by sh:targetNode of the batch's focus nodes it targets,
        # so that values typed in the batch graph (for sh:class) are not validated as targets too.
        self.shape_targets = _shape_targets(store, shapes)
        # sh:xone shapes decided in Python where the answer is certainly "conforms" (xone_precheck).
        self.prechecked = one_value_xones(shapes)
        own = Graph()
        for triple in shapes:
            if triple[1] not in (SH.targetClass, SH.target):
                own.add(triple)
        # pySHACL validates a shape's sh:property shapes once per focus node (rebuilding their
        # constraint components each time), but a property shape with targets of its own once
        # per run. Its results are the same either way (focus node, path, value, message,
        # severity and source shape are the property shape's), so the property shapes of the
        # shapes targeted here are detached and target their owner's focus nodes: through a
        # marker class the batch graph gives those nodes (not sh:targetNode: pySHACL writes out a
        # blank-node shape with all its triples in every result's description).
        self.markers: dict[Node, URIRef] = {}
        if not _type_sensitive(shapes):
            for number, shape in enumerate(self.shape_targets):
                hoisted = _hoistable_properties(shapes, shape)
                if hoisted:
                    self.markers[shape] = marker = URIRef(f"{_MARKER}{number}")
                for prop in hoisted:
                    own.remove((shape, SH.property, prop))
                    own.add((prop, SH.targetClass, marker))
        self.validator = Validator(DataGraph.from_rdflib(Graph()), shacl_graph=own, options={
            "inference": "none", "abort_on_first": False, "allow_warnings": True,
            "advanced": True, "inplace": True,
        })

    def run(self, batch: list[tuple[Term, list[ox.Quad]]]) -> None:
        """Validate one batch here, in this process."""
        self.problems |= self.check(self.prepare(batch))

    def prepare(self, batch: list[tuple[Term, list[ox.Quad]]]) -> _Payload:
        """What a batch's validation needs from the store (reads the store; cheap, in Rust)."""
        raw = self.store.raw
        quads: list[ox.Quad] = []
        seen: set[Term] = set()

        def describe_value(value: Term, depth: int) -> None:
            if value in seen or isinstance(value, ox.Literal):
                return
            seen.add(value)
            if isinstance(value, ox.BlankNode) and depth > 0:
                outgoing = list(raw.quads_for_pattern(value, None, None, _DEFAULT))
                quads.extend(outgoing)
                for q in outgoing:
                    describe_value(q.object, depth - 1)
            else:
                quads.extend(raw.quads_for_pattern(value, _TYPE, None, _DEFAULT))

        for node, outgoing in batch:
            quads.extend(outgoing)
            seen.add(node)
        for _, outgoing in batch:
            for quad in outgoing:
                describe_value(quad.object, 2)
        # Values typed in the batch graph are targets too; their results are incomplete and
        # dropped. (pySHACL's own focus_nodes option would skip them, but it also loses the
        # sh:Info results of qualified value shapes, and it takes IRIs only.)
        payload = _Payload(quads, keep={to_neutral(node) for node, _ in batch})
        for node, outgoing in batch:
            types = {q.object for q in outgoing if q.predicate == _TYPE}
            for shape, (classes, nodes) in self.shape_targets.items():
                if node in nodes or types & classes:
                    focus = to_neutral(node)
                    if shape in self.markers:
                        payload.markers.append((focus, RDF.type, self.markers[shape]))
                    precheck = self.prechecked.get(shape)
                    if precheck is None or not precheck.surely_conforms(outgoing):
                        payload.targets.append((shape, SH.targetNode, focus))
        return payload

    def check(self, payload: _Payload) -> set[Problem]:
        """Validate a prepared batch with pySHACL (touches no store: runs in a worker process too)."""
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True)
        graph.addN((s, p, o, graph) for s, p, o in self.axioms)
        iris: dict[str, URIRef] = {}  # the batch's IRIs repeat (predicates, types): convert each once

        def neutral(term: Term) -> Node:
            if isinstance(term, ox.NamedNode):
                found = iris.get(term.value)
                if found is None:
                    found = iris[term.value] = URIRef(term.value)
                return found
            return to_neutral(term)

        graph.addN((neutral(q.subject), neutral(q.predicate), neutral(q.object), graph) for q in payload.quads)
        graph.addN((s, p, o, graph) for s, p, o in payload.markers)
        validator = self.validator
        validator.data_graph = DataGraph.from_rdflib(graph)
        validator._target_graph = None
        shapes_graph = validator.shacl_graph.graph
        for triple in payload.targets:
            shapes_graph.add(triple)
        try:
            _, results, _ = validator.run()
        finally:
            for triple in payload.targets:
                shapes_graph.remove(triple)
        return {_problem(results, r, graph, self.locate) for r in results.subjects(SH.resultSeverity, None)
                if results.value(r, SH.focusNode) in payload.keep}


@dataclass
class _Payload:
    """One batch, ready for pySHACL: its triples from the store, focus nodes and targets."""

    quads: list[ox.Quad]
    keep: set[Node]  # the batch's focus nodes: results about other nodes are dropped
    markers: list[tuple[Node, Node, Node]] = field(default_factory=list)  # marker-class triples (data)
    targets: list[tuple[Node, Node, Node]] = field(default_factory=list)  # sh:targetNode triples (shapes)


#: The batch runner of the validation in progress, inherited by forked worker processes.
_RUNNER: _Batches | None = None


def _check_in_worker(payload: _Payload) -> set[Problem]:
    assert _RUNNER is not None
    return _RUNNER.check(payload)


def validate_store(
    store: OxigraphStore,
    shapes: Graph,
    *,
    locate: Callable[[str], list[str]] | None = None,
    focus: Iterable[Term] | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int = WORKERS,
) -> ValidationReport:
    """Validate the store's named graphs (their union) against ``shapes``, in focus-node batches.

    ``focus``: validate only these nodes (those of them a shape targets) — incremental
    validation after a small change (:func:`touched_nodes`). None: every focus node.
    ``workers``: pySHACL runs in this many forked processes once there is more than one batch
    (this process reads the store and prepares the batches); 1, or when called while other
    threads run (forking them is unsafe): all in this process.
    """
    reasons = unbatchable(shapes)
    if reasons:
        # Not batchable (see the module docstring): the whole graph in one rdflib graph.
        return validate(to_rdflib(store, store.named_graphs()), shapes, locate=locate)
    targets = _targets(store, shapes)
    runner = _Batches(store, shapes, locate)
    with _Dispatcher(runner, workers) as dispatcher:
        batch: list[tuple[Term, list[ox.Quad]]] = []
        for node, outgoing in (_candidates(store, targets) if focus is None else _given(store, focus)):
            if targets.is_focus(node, outgoing):
                batch.append((node, outgoing))
                if len(batch) >= batch_size:
                    dispatcher.submit(runner.prepare(batch))
                    batch = []
        if batch:
            dispatcher.submit(runner.prepare(batch))
    return ValidationReport(sort_problems(runner.problems))


class _Dispatcher:
    """Hands prepared batches to pySHACL: the first here, the rest to forked workers.

    The pool is forked only when a second batch comes (small validations, e.g. incremental
    ones, never fork), after the shapes are compiled, so that workers inherit them. Workers
    touch no store: they get each batch's triples pickled. At most two batches per worker are
    in flight, and each worker is replaced after :data:`RECYCLE_AFTER` batches, so memory does not
    grow with the store.
    """

    def __init__(self, runner: _Batches, workers: int) -> None:
        # Forking a process that runs other Python threads can deadlock a child (DESIGN.md §6):
        # e.g. an update validated in the web server's thread pool is checked here, unforked.
        alone = threading.current_thread() is threading.main_thread() and threading.active_count() == 1
        self.runner, self.workers = runner, (workers if alone else 1)
        self.first: _Payload | None = None
        self.pool: Pool | None = None
        self.pending: deque[AsyncResult[set[Problem]]] = deque()

    def __enter__(self) -> _Dispatcher:
        return self

    def submit(self, payload: _Payload) -> None:
        if self.workers <= 1:
            self.runner.problems |= self.runner.check(payload)
            return
        if self.first is None and self.pool is None:
            self.first = payload
            return
        if self.pool is None:
            global _RUNNER
            _RUNNER = self.runner
            self.pool = multiprocessing.get_context("fork").Pool(self.workers, maxtasksperchild=RECYCLE_AFTER)
        for waiting in ((self.first, payload) if self.first is not None else (payload,)):
            while len(self.pending) >= 2 * self.workers:
                self.runner.problems |= self.pending.popleft().get()
            self.pending.append(self.pool.apply_async(_check_in_worker, (waiting,)))
        self.first = None

    def __exit__(self, *exc: object) -> None:
        global _RUNNER
        try:
            if exc[0] is None:
                if self.first is not None:
                    self.runner.problems |= self.runner.check(self.first)
                while self.pending:
                    self.runner.problems |= self.pending.popleft().get()
        finally:
            if self.pool is not None:
                self.pool.terminate()
                self.pool.join()
            _RUNNER = None


def touched_nodes(path_quads: Iterable[ox.Quad]) -> set[Term]:
    """The nodes a change touches: subjects and non-literal objects of its statements."""
    nodes: set[Term] = set()
    for quad in path_quads:
        nodes.add(quad.subject)
        if not isinstance(quad.object, ox.Literal):
            nodes.add(quad.object)
    return nodes
