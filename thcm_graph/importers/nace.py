"""NACE code list (``nacecodes.csv`` of the ``naceconverter`` package): a SKOS concept scheme.

Defects handled: the header has 8 columns but every row only 6 (``validFrom``/``validTo`` are
missing: accepted); the list is NACE Rev. 2.1 (English labels). Its levels 1-4 (22 sections, 87
divisions, 287 groups, 651 classes: exactly the official NACE Rev. 2.1 counts) are linked with
``skos:closeMatch`` to the EU vocabulary ``http://data.europa.eu/ux2/nace2.1/<code without dots>``
(section ``A``, division ``01``, group ``011``, class ``0111``; see docs/importers.md for the
evidence). Level 5 (736 codes such as ``01.110``) is a national extension, not part of NACE, and
gets no EU link.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from .base import PROV, RDF, SKOS, BadInput, ImportReport, Provenance, Row, csv_rows, iri, new_graph
from .resolve import Resolver

HEADER = ("code", "parentCode", "level", "name", "shortName", "notes", "validFrom", "validTo")
SCHEME = iri("scheme", "nace-rev-2-1")
#: The EU vocabularies' namespace of NACE Rev. 2.1 concepts (Rev. 2: http://data.europa.eu/ux2/nace2/).
EU_NACE_21 = "http://data.europa.eu/ux2/nace2.1/"


def eu_nace_code(code: str) -> bool:
    """Whether ``code`` is a NACE section, division, group or class (has an EU vocabulary IRI).

    >>> [eu_nace_code(c) for c in ("A", "01", "01.1", "01.11", "01.110")]
    [True, True, True, True, False]
    """
    return bool(re.fullmatch(r"[A-Z]|\d{2}|\d{2}\.\d|\d{2}\.\d{2}", code))


def read(path: Path) -> list[Row]:
    rows = list(csv_rows(path, delimiter=";", header=HEADER, min_fields=6))
    for row in rows:
        if not row.values["code"].strip():
            raise BadInput(path, row.line, "code", "expected a NACE code, found an empty cell")
        if not row.values["level"].strip().isdigit():
            raise BadInput(path, row.line, "level", f"expected a level 1-4, found {row.values['level']!r}")
    return rows


def provenance(path: Path) -> Provenance:
    return Provenance("nace", path, "NACE Rev. 2.1 code list (English)", "Eurostat (via PyPI package naceconverter 1.0.1)",
                      "PyPI naceconverter 1.0.1: naceconverter/nacecodes.csv")


def transform(rows: list[Row], path: Path, resolver: Resolver, report: ImportReport, *, skip_bad_rows: bool = False) -> Graph:
    del resolver, skip_bad_rows
    g = new_graph()
    src = provenance(path).add_to(g)
    g.add((SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((SCHEME, SKOS.prefLabel, Literal("NACE Rev. 2.1", lang="en")))
    g.add((SCHEME, PROV.wasDerivedFrom, src))
    report.count("concept schemes")
    for row in rows:
        report.tick()
        v = row.values
        code = v["code"].strip()
        c = iri("field", "nace", code.replace(".", "-"))
        g.add((c, RDF.type, SKOS.Concept))
        g.add((c, SKOS.inScheme, SCHEME))
        g.add((c, SKOS.notation, Literal(code)))
        g.add((c, SKOS.prefLabel, Literal(" ".join(v["name"].split()), lang="en")))
        if v["parentCode"].strip():
            g.add((c, SKOS.broader, iri("field", "nace", v["parentCode"].strip().replace(".", "-"))))
        else:
            g.add((SCHEME, SKOS.hasTopConcept, c))
        if eu_nace_code(code):
            g.add((c, SKOS.closeMatch, URIRef(EU_NACE_21 + code.replace(".", ""))))
        else:
            report.count("national subclasses without EU link")
        g.add((c, PROV.wasDerivedFrom, src))
        report.count("concepts")
    return g
