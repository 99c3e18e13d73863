"""The remote store's own SPARQL: named queries and update templates, and the one way IRIs get in.

Queries take their parameters as bound variables (``RemoteSparqlStore.select_rows(..., **terms)``,
sent as a ``VALUES`` block). SPARQL 1.1 Update has no parameters, and graph operations
(``DROP GRAPH``, ``MOVE``, ``GRAPH <g>`` in ``INSERT DATA``) need the graph's IRI in the text, so
the update templates below are filled by :func:`fill` only: every IRI goes through
:func:`iri_ref`, which refuses anything that could end the IRI early (``>``, spaces, braces,
backslashes for ``\\u`` escapes…), every literal is written by rdflib's ``Literal.n3()``, and
N-Triples chunks come from pyoxigraph's serializer (:class:`NTriples`).

>>> fill(DROP_GRAPH, graph="https://w3id.org/thcm/graph/a")
'DROP SILENT GRAPH <https://w3id.org/thcm/graph/a>'
>>> fill(DROP_GRAPH, graph="urn:x> } ; DROP ALL ; #")
Traceback (most recent call last):
...
thcm_graph.errors.InputError: not a valid IRI: 'urn:x> } ; DROP ALL ; #' (it may not contain spaces or any of <>"{}|^`\\)
"""

from __future__ import annotations

from string import Template
from typing import NewType

from rdflib import Literal

from ..errors import InputError

META_GRAPH = "urn:thcm:meta"
"""The registry graph: which graphs the store (or the current build) holds, the pointer, markers."""
UNION_GRAPH = "urn:thcm:union"
META = "urn:thcm:meta#"
STORE_NODE = META + "store"
CURRENT, SWITCHING, STAGING = META + "current", META + "switching", META + "staging"
GRAPH, UNION, MANIFEST = META + "graph", META + "union", META + "manifest"

NTriples = NewType("NTriples", str)
"""A chunk of N-Triples written by pyoxigraph's serializer (never user text)."""

# -- queries (parameters are bound variables) ----------------------------------------------------

TRANSACTION_PRAGMA = "define sql:log-enable 1 "
"""Virtuoso: run the request as one logged transaction (``RemoteSparqlStore.update(atomic=True)``)."""
PRAGMA_PROBE = TRANSACTION_PRAGMA + "ASK { }"
"""Does the server accept :data:`TRANSACTION_PRAGMA`? (A feature probe, not a check of its name.)"""
FACTS_OF = "SELECT ?node ?p ?o WHERE { ?node ?p ?o }"
"""Every property of ``?node`` (bound) in the registry graph: the store node, a build's description."""
STAGED = "SELECT ?store ?staging ?g WHERE { ?store ?staging ?g }"
"""Staging graphs and descriptions recorded by publishers (bind ``?store``, ``?staging``)."""
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"

# -- update templates (filled by fill() only) -------------------------------------------------------

INSERT_DATA = Template("INSERT DATA { GRAPH $graph {\n$triples\n} }")
INSERT_WITH_BNODES = Template("INSERT { GRAPH $graph {\n$triples\n} } WHERE { }")
"""INSERT DATA may hold blank nodes (Update §3.1.1), Virtuoso refuses them there; an INSERT
template with one (empty) solution writes the same triples everywhere."""
INSERT_TRIPLE = Template("INSERT DATA { GRAPH $graph { $s $p $o } }")
DELETE_TRIPLE = Template("DELETE DATA { GRAPH $graph { $s $p $o } }")
DELETE_VALUES = Template("DELETE WHERE { GRAPH $graph { $s $p ?o } }")
"""Remove every value of one property of one node."""
DELETE_NODE = Template("DELETE WHERE { GRAPH $graph { $s ?p ?o } }")
COPY_GRAPH = Template("INSERT { GRAPH $target { ?s ?p ?o } } WHERE { GRAPH $source { ?s ?p ?o } }")
DROP_GRAPH = Template("DROP SILENT GRAPH $graph")
MOVE_GRAPH = Template("MOVE $source TO $target")
TRIPLE = Template("$s $p $o .")


def iri_ref(value: str) -> str:
    """``<value>`` for SPARQL text, if ``value`` can be an IRIREF (SPARQL 1.1 §19.8 [139]).

    Nothing is escaped into the IRI: a character that could close it or start a ``\\u`` escape
    is refused (:class:`InputError`), so no IRI can carry SPARQL of its own.
    """
    if not value or any(c in value for c in '<>"{}|^`\\') or any(ord(c) <= 0x20 for c in value):
        raise InputError(f"not a valid IRI: {value!r} (it may not contain spaces or any of <>\"{{}}|^`\\)")
    return f"<{value}>"


def fill(template: Template | str, **values: str | Literal | NTriples) -> str:
    """``template`` with each ``$name`` replaced: a ``str`` is an IRI (:func:`iri_ref`), a
    :class:`~rdflib.Literal` is written by ``n3()``, :data:`NTriples` go in as serialized."""
    text: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, Literal):
            text[name] = value.n3()
        elif name == "triples":  # only ever NTriples: the parameter's name says so
            text[name] = value
        else:
            text[name] = iri_ref(value)
    return (template if isinstance(template, Template) else Template(template)).substitute(text)


def requests(*parts: str) -> str:
    """Several update operations as one request (Update §3: separated by ``;``)."""
    return " ;\n".join(parts)
