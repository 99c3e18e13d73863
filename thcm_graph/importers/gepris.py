"""DFG GEPRIS project → institution list (``geo_data_continents*.json`` of FUB-HCC/gepris-viewer).

Each record is one GEPRIS project with parallel lists of institution ids, names, coordinates and
continents; it becomes a ``thcm:FundedProject`` with one ``thcm:Participation`` (role
"institution") per institution. Defects handled (shared/data README): sub-units are separate
institutions (kept separate; the resolver does not merge a body with its sub-unit); a misleading
"Jena" in a Leipzig name (override ``-`` in data/resolution); shared or null coordinates and wrong
continents (coordinates are not imported); the project id repeated once per institution, ints or
floats (``268853.0``); parallel lists of unequal length are an error.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef

from .base import (
    DCTERMS,
    ORGNS,
    PROV,
    RDF,
    RDFS,
    THCM,
    BadInput,
    ImportReport,
    Provenance,
    Row,
    add_label,
    iri,
    json_records,
    new_graph,
)
from .resolve import Resolver, repair_mojibake

FIELDS = ("institution_ids", "names", "id")


def _int_id(value: object, path: Path, line: int, column: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise BadInput(path, line, column, f"expected an integer id (or a float like 268853.0), found {value!r}")
    return int(value)


def read(path: Path) -> list[Row]:
    rows = json_records(path)
    for row in rows:
        for key in FIELDS:
            if not isinstance(row.values.get(key), list):
                raise BadInput(path, row.line, key, f"expected a list in field {key!r}")
        if len(row.values["institution_ids"]) != len(row.values["names"]):
            raise BadInput(path, row.line, "names", "expected as many names as institution_ids")
    return rows


def provenance(path: Path) -> Provenance:
    return Provenance("gepris", path, "DFG GEPRIS projects and institutions (gepris-viewer extract)",
                      "Deutsche Forschungsgemeinschaft (DFG), GEPRIS; compiled by FU Berlin HCC (gepris-viewer)",
                      "FUB-HCC/gepris-viewer @ fec8f7da: src/assets/geo_data_continents.json (AGPL-3.0 repository)")


def transform(rows: list[Row], path: Path, resolver: Resolver, report: ImportReport, *, skip_bad_rows: bool = False) -> Graph:
    g = new_graph()
    src = provenance(path).add_to(g)
    orgs: dict[int, URIRef] = {}
    for row in rows:
        report.tick()
        try:
            ids = {_int_id(v, path, row.line, "id") for v in row.values["id"]}
            if len(ids) != 1:
                raise BadInput(path, row.line, "id", f"expected one project id repeated per institution, found {sorted(ids)}")
            pid = ids.pop()
            where = Literal(f"{path.name}:{row.line}")
            project = iri("project", "dfg", str(pid))
            g.add((project, RDF.type, THCM.FundedProject))
            g.add((project, DCTERMS.identifier, Literal(f"GEPRIS {pid}")))
            g.add((project, RDFS.label, Literal(f"DFG project {pid}", lang="en")))
            g.add((project, THCM.programme, Literal("DFG")))
            g.add((project, PROV.wasDerivedFrom, src))
            g.add((project, THCM.locator, where))
            report.count("projects")
            for raw_id, raw_name in zip(row.values["institution_ids"], row.values["names"], strict=True):
                inst = _int_id(raw_id, path, row.line, "institution_ids")
                name = " ".join(repair_mojibake(str(raw_name)).split())
                if inst not in orgs:
                    own = iri("org", "dfg", str(inst))
                    match = resolver.resolve(name, source="gepris", identifiers=[f"gepris:{inst}"])
                    g.add((own, RDF.type, ORGNS.Organization))
                    add_label(g, own, name, None)  # GEPRIS states no language of a name
                    g.add((own, DCTERMS.identifier, Literal(f"GEPRIS institution {inst}")))
                    g.add((own, PROV.wasDerivedFrom, src))
                    g.add((own, THCM.locator, where))
                    orgs[inst] = report.organisation(g, own, match, row.line)
                part = iri("participation", "dfg", str(pid), str(inst))
                g.add((project, THCM.hasParticipation, part))
                g.add((part, RDF.type, THCM.Participation))
                g.add((part, THCM.participant, orgs[inst]))
                g.add((part, THCM.participationRole, Literal("institution")))
                g.add((part, PROV.wasDerivedFrom, src))
                g.add((part, THCM.locator, where))
                report.count("participations")
        except BadInput as exc:
            if not skip_bad_rows:
                raise
            report.skipped.append(str(exc))
    return g
