"""Decide cheaply, before pySHACL, that a node surely conforms to an ``sh:xone`` of one-value shapes.

pySHACL evaluates ``sh:xone`` node by node and alternative by alternative, building a result
object for every alternative that does not conform: for ``shapes:ObservationMeasure`` (13
alternatives, one per measure property) that was more than half of the build's validation time.

A shape qualifies when it says nothing but "exactly one of these alternatives", each alternative
being one property shape ``[ sh:path P ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype D ]``.
For a focus node, an alternative **surely conforms** when the node has exactly one value for P
and it is a well-formed literal of datatype D (xsd:integer or xsd:decimal, the datatypes whose
check we mirror exactly), and **surely fails** when the node has no value for P (sh:minCount 1).
The node surely conforms to the shape when one alternative surely conforms and all others
surely fail: then the shape gives no result for it and pySHACL need not be asked. In every
other case (a violation, or anything this module does not decide) pySHACL validates the node as
before, so the report — focus node, path, value, message, source shape — is the one pySHACL
gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")

#: What may be said of the xone shape itself besides the xone (targets and annotations only).
_SHAPE_KEYS = {RDF.type, SH.targetClass, SH.target, SH.message, SH.xone, SH.severity, SH.name, SH.description,
               RDFS.label, RDFS.comment}
_ALTERNATIVE_KEYS = {RDF.type, SH.property}
_PROPERTY_KEYS = {RDF.type, SH.path, SH.minCount, SH.maxCount, SH.datatype, SH.name, SH.description}
#: Datatypes whose pySHACL check (exact datatype, well-formed lexical form) is mirrored here.
_CHECKED = {str(XSD.integer): int, str(XSD.decimal): Decimal}


@dataclass(frozen=True)
class OneValueXone:
    """An ``sh:xone`` shape of one-value alternatives: (property IRI, datatype IRI) per alternative."""

    shape: Node
    alternatives: tuple[tuple[ox.NamedNode, str], ...]

    def surely_conforms(self, outgoing: list[ox.Quad]) -> bool:
        """True only when the node (given its outgoing triples) certainly satisfies the shape."""
        values: dict[ox.NamedNode, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]] = {}
        paths = {path for path, _ in self.alternatives}
        for quad in outgoing:
            if quad.predicate in paths:
                values.setdefault(quad.predicate, []).append(quad.object)
        conforming = 0
        for path, datatype in self.alternatives:
            found = values.get(path)
            if not found:
                continue  # sh:minCount 1 fails: this alternative surely does not conform
            if len(found) != 1 or not _well_typed(found[0], datatype):
                return False  # not decided here
            conforming += 1
        return conforming == 1


def _well_typed(value: object, datatype: str) -> bool:
    if not isinstance(value, ox.Literal) or value.language or value.datatype.value != datatype:
        return False
    literal = Literal(value.value, datatype=URIRef(datatype))
    return not literal.ill_typed and isinstance(literal.value, _CHECKED[datatype]) and not isinstance(literal.value, bool)


def one_value_xones(shapes: Graph) -> dict[Node, OneValueXone]:
    """The shapes of ``shapes`` that :class:`OneValueXone` can pre-check, by shape node."""
    found: dict[Node, OneValueXone] = {}
    for shape, head in shapes.subject_objects(SH.xone):
        if set(shapes.predicates(shape, None)) - _SHAPE_KEYS or len(list(shapes.objects(shape, SH.xone))) != 1:
            continue
        if shapes.value(shape, SH.severity) not in (None, SH.Violation):
            continue
        alternatives = [_alternative(shapes, member) for member in Collection(shapes, head)]
        if alternatives and all(a is not None for a in alternatives):
            found[shape] = OneValueXone(shape, tuple(a for a in alternatives if a is not None))
    return found


def _alternative(shapes: Graph, member: Node) -> tuple[ox.NamedNode, str] | None:
    if not isinstance(member, BNode) or set(shapes.predicates(member, None)) - _ALTERNATIVE_KEYS:
        return None
    properties = list(shapes.objects(member, SH.property))
    if len(properties) != 1 or set(shapes.predicates(properties[0], None)) - _PROPERTY_KEYS:
        return None
    prop = properties[0]
    paths, datatypes = list(shapes.objects(prop, SH.path)), list(shapes.objects(prop, SH.datatype))
    counts = (list(shapes.objects(prop, SH.minCount)), list(shapes.objects(prop, SH.maxCount)))
    if len(paths) != 1 or not isinstance(paths[0], URIRef) or len(datatypes) != 1 or str(datatypes[0]) not in _CHECKED:
        return None
    if any(len(c) != 1 or not isinstance(c[0], Literal) or c[0].value != 1 for c in counts):
        return None
    return ox.NamedNode(str(paths[0])), str(datatypes[0])
