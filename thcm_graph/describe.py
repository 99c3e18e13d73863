"""Everything the graph says about one resource: labels, types, properties with the labels of
their values, incoming links, figures with their sources, and the named graphs stating each fact.

Used by the linked-data pages and the REST API; knows nothing of HTTP or HTML.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib.term import BNode, Literal, URIRef

from .catalogue._params import paged
from .catalogue.figures import figures_about
from .catalogue.models import Figure
from .labels import LABEL_PROPERTIES, LabelIndex
from .namespaces import GRAPH_NS, ID_NS, RDF, SKOS
from .queries import load_query
from .store import Store
from .store.results import GraphResult, SelectResult, Term, Triple

RDF_TYPE = RDF + "type"
SKOS_PREF = SKOS + "prefLabel"


@dataclass(frozen=True)
class Statement:
    """One fact about the resource: ``resource predicate value``, and the graphs that state it."""

    predicate: str
    value: Term
    graphs: tuple[str, ...]


@dataclass(frozen=True)
class IncomingLink:
    """One fact pointing at the resource: ``subject predicate resource``, and its graphs."""

    subject: Term
    predicate: str
    graphs: tuple[str, ...]


@dataclass(frozen=True)
class Description:
    """A resource as the graph describes it."""

    iri: str
    statements: tuple[Statement, ...]
    incoming: tuple[IncomingLink, ...]
    figures: tuple[Figure, ...]
    labels: LabelIndex
    incoming_total: int = 0
    blank_nodes: dict[str, list[tuple[str, Term]]] = field(default_factory=dict)

    def blank_node(self, node: BNode) -> list[tuple[str, Term]]:
        """The ``(predicate, value)`` pairs of a blank node below the resource (empty if unknown)."""
        return self.blank_nodes.get(str(node), [])

    def values(self, predicate: str) -> list[Term]:
        """Values of ``predicate``, in order, each once."""
        return [s.value for s in self.statements if s.predicate == predicate]

    @property
    def types(self) -> list[str]:
        """IRIs of the resource's classes (asserted and entailed)."""
        return [str(v) for v in self.values(RDF_TYPE)]

    @property
    def graphs(self) -> list[str]:
        """Named graphs that state anything about the resource, sorted."""
        return sorted({g for s in self.statements for g in s.graphs})


#: At most this many incoming-link rows are read (a class or a source can have very many).
INCOMING_LIMIT = 300


def describe(store: Store, iri: str, *, incoming_limit: int = INCOMING_LIMIT) -> Description | None:
    """The description of ``iri``, or None when no triple has it as subject."""
    resource = {"resource": URIRef(iri)}
    statements = _grouped(store.query(load_query("describe-statements"), bindings=resource), "p", "o")
    if not statements:
        return None
    labels = LabelIndex()
    for predicate, value in statements:
        if str(predicate) in LABEL_PROPERTIES and isinstance(value, Literal):
            labels.add(iri, str(predicate), value)
    found = store.query(load_query("describe-labels"), bindings=resource)
    assert isinstance(found, SelectResult)
    for row in found.as_dicts():
        label = row["label"]
        assert isinstance(label, Literal)
        labels.add(str(row["term"]), str(row["property"]), label)
    incoming_rows = store.query(paged(load_query("describe-incoming"), incoming_limit, 0), bindings=resource)
    assert isinstance(incoming_rows, SelectResult)
    for row in incoming_rows.as_dicts():
        for variable in ("labelDe", "labelEn", "labelPlain"):
            subject_label = row.get(variable)
            if isinstance(subject_label, Literal):
                labels.add(str(row["s"]), SKOS_PREF, subject_label)
    incoming = _grouped(incoming_rows, "s", "p")
    blank = store.query(load_query("describe-blank-nodes"), bindings=resource)
    assert isinstance(blank, SelectResult)
    blank_nodes: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    for row in blank.as_dicts():
        blank_nodes[str(row["b"])].append((str(row["bp"]), row["bo"]))
    count = store.query(load_query("describe-incoming-count"), bindings=resource)
    assert isinstance(count, SelectResult)
    return Description(
        iri=iri,
        statements=tuple(Statement(str(p), o, graphs) for (p, o), graphs in statements.items()),
        incoming=tuple(IncomingLink(s, str(p), graphs) for (s, p), graphs in incoming.items()),
        figures=tuple(figures_about(store, iri)),
        labels=labels,
        incoming_total=int(str(count.rows[0][1])) if count.rows else 0,
        blank_nodes=dict(blank_nodes),
    )


def _grouped(result: object, first: str, second: str) -> dict[tuple[Term, Term], tuple[str, ...]]:
    """Rows ``(first, second, g)`` → ``{(first, second): graphs}``, keeping the query's order."""
    assert isinstance(result, SelectResult)
    grouped: dict[tuple[Term, Term], list[str]] = defaultdict(list)
    for row in result.as_dicts():
        grouped[(row[first], row[second])].append(str(row["g"]))
    return {key: tuple(graphs) for key, graphs in grouped.items()}


def description_triples(store: Store, iri: str) -> list[Triple]:
    """The RDF description served for ``iri`` (see ``queries/describe-graph.rq``)."""
    result = store.query(load_query("describe-graph"), bindings={"resource": URIRef(iri)})
    assert isinstance(result, GraphResult)
    return result.triples


def source_of_graph(graph: str) -> str | None:
    """The source document whose facts a named graph holds (graph name = source slug), if any.

    >>> source_of_graph("https://w3id.org/thcm/graph/thcm-brochure-2012")
    'https://w3id.org/thcm/id/source/thcm-brochure-2012'
    >>> source_of_graph("https://w3id.org/thcm/graph/inferred") is None
    True
    """
    if not graph.startswith(GRAPH_NS):
        return None
    name = graph[len(GRAPH_NS):]
    return None if name in ("inferred", "ontology") else f"{ID_NS}source/{name}"
