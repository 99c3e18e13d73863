"""NUTS 2021: the regions of the official workbook (``NUTS2021.xlsx``) as SKOS concepts with their
official IRIs (``http://data.europa.eu/nuts/code/<code>``), and the GISCO postcode → NUTS-3 file
as postcode places (``id/place/postcode-de-<code>``) inside their district.

Defects handled: empty rows and unnamed trailing columns in the workbook; the name in a different
column per level; extra-regio codes (``DEZ``…) kept but marked; single-quoted values, CRLF and no
final newline in the postcode file. The workbook is read with the standard library (it is a zip of
XML), so no spreadsheet package is needed.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from rdflib import Graph, Literal, URIRef

from .base import DCTERMS, LOCNNS, PROV, RDF, RDFS, SKOS, BadInput, ImportReport, Provenance, Row, csv_rows, iri, new_graph
from .resolve import Resolver

NUTS_IRI = "http://data.europa.eu/nuts/code/"
SCHEME = iri("scheme", "nuts-2021")
SHEET = "NUTS & SR 2021"
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
COLUMNS = ("Code 2021", "Country", "NUTS level 1", "NUTS level 2", "NUTS level 3", "NUTS level")
POSTCODE_HEADER = ("NUTS3", "CODE")


def _col(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):  # type: ignore[union-attr]
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_xlsx(path: Path, sheet: str = SHEET) -> list[Row]:
    """Rows of one worksheet as dicts keyed by the header row (empty rows dropped)."""
    try:
        book = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise BadInput(path, None, None, "expected an .xlsx workbook (a zip file)") from None
    with book:
        strings = [("".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")))
                   for si in ET.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", _NS)]
        wb = ET.fromstring(book.read("xl/workbook.xml"))
        rels = ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))
        target = None
        for s in wb.iter(f"{{{_NS['m']}}}sheet"):
            if s.get("name") == sheet:
                rid = s.get(f"{{{_NS['r']}}}id")
                target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        if target is None:
            raise BadInput(path, None, None, f"expected a sheet named {sheet!r}")
        root = ET.fromstring(book.read("xl/" + str(target).lstrip("/").removeprefix("xl/")))
    table: list[tuple[int, list[str]]] = []
    for r in root.iter(f"{{{_NS['m']}}}row"):
        cells: dict[int, str] = {}
        for c in r.findall("m:c", _NS):
            v = c.find("m:v", _NS)
            if c.get("t") == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(f"{{{_NS['m']}}}t"))
            else:
                text = (v.text or "") if v is not None else ""
            if c.get("t") == "s" and text:
                text = strings[int(text)]
            cells[_col(str(c.get("r")))] = (text or "").strip()
        if any(cells.values()):
            width = max(cells) + 1
            table.append((int(str(r.get("r"))), [cells.get(i, "") for i in range(width)]))
    if not table:
        raise BadInput(path, None, None, f"sheet {sheet!r} is empty")
    line, header = table[0]
    for name in COLUMNS:
        if name not in header:
            raise BadInput(path, line, name, f"missing column {name!r} in sheet {sheet!r}; expected {list(COLUMNS)}")
    return [Row(n, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}) for n, cells in table[1:]]


def read(path: Path) -> list[Row]:
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path)
    rows = list(csv_rows(path, delimiter=";", header=POSTCODE_HEADER, quotechar="'"))
    for row in rows:
        if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{1,3}", row.values["NUTS3"]):
            raise BadInput(path, row.line, "NUTS3", f"expected a NUTS code like DEG03, found {row.values['NUTS3']!r}")
        if not re.fullmatch(r"\d{5}", row.values["CODE"]):
            raise BadInput(path, row.line, "CODE", f"expected a five-digit postcode, found {row.values['CODE']!r}")
    return rows


def provenance(path: Path) -> Provenance:
    if path.suffix.lower() == ".xlsx":
        return Provenance("nuts", path, "NUTS 2021 classification (NUTS & SR 2021)", "Eurostat",
                          "kyleichan/eu-covid-r @ 98ef81ed: NUTS2021.xlsx")
    return Provenance("nuts", path, "GISCO postcode to NUTS 2021 correspondence, Germany (pc2020_DE_NUTS-2021_v3.0)",
                      "Eurostat GISCO", "marcwie/corona-data-donation-who5-and-vitals @ 1901173c: "
                      "data/00_external/pc2020_DE_NUTS-2021_v3.0.csv")


def transform(rows: list[Row], path: Path, resolver: Resolver, report: ImportReport, *, skip_bad_rows: bool = False) -> Graph:
    del resolver, skip_bad_rows
    g = new_graph()
    src = provenance(path).add_to(g)
    if path.suffix.lower() != ".xlsx":
        for row in rows:
            report.tick()
            code, nuts3 = row.values["CODE"], row.values["NUTS3"]
            place = iri("place", "postcode-de", code)
            g.add((place, RDF.type, DCTERMS.Location))
            g.add((place, LOCNNS.postCode, Literal(code)))
            g.add((place, DCTERMS.isPartOf, URIRef(NUTS_IRI + nuts3)))
            g.add((place, PROV.wasDerivedFrom, src))
            report.count("postcodes")
        return g
    g.add((SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((SCHEME, SKOS.prefLabel, Literal("NUTS 2021", lang="en")))
    g.add((SCHEME, PROV.wasDerivedFrom, src))
    for row in rows:
        report.tick()
        v = row.values
        code = v["Code 2021"]
        if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{0,3}", code):
            continue  # section headings inside the code column ("Statistical regions (EFTA …)")
        level = v["NUTS level"]
        name = v.get(f"NUTS level {level}") or v.get("Country") or ""
        c = URIRef(NUTS_IRI + code)
        g.add((c, RDF.type, SKOS.Concept))
        g.add((c, SKOS.inScheme, SCHEME))
        g.add((c, SKOS.notation, Literal(code)))
        if name:
            g.add((c, SKOS.prefLabel, Literal(name, lang="de" if code.startswith(("DE", "AT")) else "en")))
        if len(code) > 2:
            g.add((c, SKOS.broader, URIRef(NUTS_IRI + code[:-1])))
        if code.endswith("Z"):
            g.add((c, RDFS.comment, Literal("Extra-regio code (no territory), mixed in with the real regions.", lang="en")))
        g.add((c, PROV.wasDerivedFrom, src))
        report.count("regions")
    return g
