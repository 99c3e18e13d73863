"""Turning a :class:`~thcm_graph.describe.Description` into rows a template can print.

Every IRI of ours becomes a link to its page on this server (``/id/<kind>/<slug>``,
``/ontology/<Term>``); named graphs are shown as the source document whose facts they hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib.term import BNode, Literal, URIRef

from thcm_graph.catalogue.models import Figure, Labelled
from thcm_graph.describe import Description, source_of_graph
from thcm_graph.identifiers import split_instance_iri, split_ontology_iri
from thcm_graph.labels import LabelIndex
from thcm_graph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, RDF, SKOS
from thcm_graph.store.results import Term
from thcm_graph.terms import compact

from .ui_text import DEFAULT_LANGUAGE, TEXT


@dataclass(frozen=True)
class TermView:
    """A term as shown: text, link (None for plain literals), full IRI, language and a small note.

    A blank node is shown by its own properties (``parts``: property and value) or, for an RDF
    list, its members (``items``).
    """

    text: str
    href: str | None = None
    iri: str | None = None
    lang: str | None = None
    note: str | None = None
    parts: tuple[tuple[TermView, TermView], ...] = ()
    items: tuple[TermView, ...] = ()


@dataclass(frozen=True)
class Row:
    """A table row: a property (or subject) and a value, with the graphs stating it."""

    first: TermView
    second: TermView
    graphs: list[TermView] = field(default_factory=list)


def local_path(iri: str) -> str | None:
    """This server's path for one of our IRIs, else None.

    >>> local_path("https://w3id.org/thcm/id/org/tab"), local_path("https://w3id.org/thcm/ontology#Agency")
    ('/id/org/tab', '/ontology/Agency')
    """
    parts = split_instance_iri(iri)
    if parts is not None:
        return f"/id/{parts[0]}/{parts[1]}"
    term = split_ontology_iri(iri)
    if term is not None:
        return f"/ontology/{term}" if term else "/ontology"
    return None


class Viewer:
    """Makes :class:`TermView` s for one page: its language, the labels it knows, the app's root path."""

    def __init__(self, labels: LabelIndex, lang: str, root: str = "",
                 blank_nodes: dict[str, list[tuple[str, Term]]] | None = None) -> None:
        self.labels, self.lang, self.root = labels, lang, root
        self.blank_nodes = blank_nodes or {}
        self.text = TEXT[lang]

    def href(self, iri: str) -> str:
        path = local_path(iri)
        if path is None:
            return iri
        return self.root + path + ("" if self.lang == DEFAULT_LANGUAGE else f"?lang={self.lang}")

    def term(self, term: object) -> TermView:
        if isinstance(term, URIRef):
            iri = str(term)
            linkable = local_path(iri) is not None or iri.startswith(("http://", "https://"))
            return TermView(self.labels.best(iri, self.lang), self.href(iri) if linkable else None, iri)
        if isinstance(term, Literal):
            note = compact(str(term.datatype)) if term.datatype else None
            return TermView(str(term), lang=term.language, note=note)
        if isinstance(term, BNode):
            return self._blank(term, depth=0)
        return TermView(str(term))

    def _blank(self, node: BNode, depth: int) -> TermView:
        """A blank node by its properties; an RDF list by its members (depth-limited against cycles)."""
        pairs = self.blank_nodes.get(str(node), [])
        if depth > 20 or not pairs:
            return TermView(self.labels.best(str(node), self.lang) if self.labels.has(str(node)) else "[ ]")
        members = self._list_members(node)
        if members is not None:
            return TermView("( … )", items=tuple(self._value(m, depth + 1) for m in members))
        parts = tuple((self.term(URIRef(p)), self._value(v, depth + 1)) for p, v in pairs)
        text = self.labels.best(str(node), self.lang) if self.labels.has(str(node)) else "[ … ]"
        return TermView(text, parts=parts)

    def _value(self, term: object, depth: int) -> TermView:
        return self._blank(term, depth) if isinstance(term, BNode) else self.term(term)

    def _list_members(self, node: BNode) -> list[object] | None:
        members: list[object] = []
        current: object = node
        for _ in range(1000):
            if isinstance(current, URIRef) and str(current) == RDF + "nil":
                return members
            pairs = dict(self.blank_nodes.get(str(current), [])) if isinstance(current, BNode) else {}
            if RDF + "first" not in pairs or RDF + "rest" not in pairs:
                return None
            members.append(pairs[RDF + "first"])
            current = pairs[RDF + "rest"]
        return None

    def labelled(self, item: Labelled | None) -> TermView | None:
        if item is None:
            return None
        chosen = item.label_en if self.lang == "en" else item.label_de
        text = chosen or item.label_de or item.label_en or self.labels.best(item.iri, self.lang)
        return TermView(text, self.href(item.iri), item.iri)

    def graph(self, graph: str) -> TermView:
        source = source_of_graph(graph)
        if source is not None:
            return TermView(self.labels.best(source, self.lang), self.href(source), graph)
        name = {INFERRED_GRAPH: self.text["inferred"], ONTOLOGY_GRAPH: self.text["ontology_graph"]}.get(graph, compact(graph))
        return TermView(name, None, graph)


def resource_page(description: Description, viewer: Viewer) -> dict[str, object]:
    """Template variables for a resource page."""
    labels = description.labels
    iri = description.iri
    label_rows = [
        (viewer.text["preferred"], lang, text)
        for lang, texts in sorted(labels.by_language(iri).items()) for text in texts
    ] + [
        (viewer.text["alternative"], lang, text)
        for lang, texts in sorted(labels.by_language(iri, SKOS + "altLabel").items()) for text in texts
    ]
    statements = [
        Row(viewer.term(URIRef(s.predicate)), viewer.term(s.value), [viewer.graph(g) for g in s.graphs])
        for s in description.statements
    ]
    incoming = [
        Row(viewer.term(link.subject), viewer.term(URIRef(link.predicate)), [viewer.graph(g) for g in link.graphs])
        for link in description.incoming
    ]
    return {
        "title": labels.best(iri, viewer.lang),
        "iri": iri,
        "label_rows": label_rows,
        "types": [viewer.term(URIRef(t)) for t in description.types],
        "statements": statements,
        "incoming": incoming,
        "incoming_total": description.incoming_total,
        "figures": [figure_view(f, viewer) for f in description.figures],
    }


def figure_view(figure: Figure, viewer: Viewer) -> dict[str, object]:
    """One figure as shown in the figures table."""
    return {
        "iri": viewer.term(URIRef(figure.iri)),
        "measure": viewer.labelled(figure.measure),
        "value": figure.value,
        "printed": figure.value_as_printed,
        "approximate": figure.approximate,
        "unit": _last_segment(figure.unit),
        "period": _last_segment(figure.period),
        "source": viewer.labelled(figure.source),
        "locator": figure.locator,
    }


def _last_segment(iri: str | None) -> TermView | None:
    """Units and periods (QUDT, reference.data.gov.uk IRIs) shown by their last path segment."""
    return None if iri is None else TermView(iri.rstrip("/").rsplit("/", 1)[-1], iri, iri)
