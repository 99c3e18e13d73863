"""IMI Project Navigator (ericspe.github.io): ``participants*.js`` (project → CORDIS organisation
ids) and ``markers*.js`` (organisations with name and address). Import the markers file and the
participants file together: the participants file gives the projects, the markers the names.

Defects handled (shared/data README): not JSON (a JS array of JSON lines; Python-repr dicts in
single quotes, each followed by a line holding only ``,``; a BOM; CRLF); wrong coordinates (not
imported); placeholder URLs ``http://`` (dropped); double spaces in addresses (collapsed); mixed
case names (kept); postcode and city only inside the address string (split from the right);
``UK`` for ``GB`` (mapped); no project ids, dates or roles (project IRI from the acronym, no role).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from .base import (
    DCTERMS,
    LOCNNS,
    ORGNS,
    PROV,
    RDF,
    RDFS,
    SCHEMANS,
    THCM,
    BadInput,
    ImportReport,
    Provenance,
    Row,
    add_label,
    iri,
    new_graph,
    postcode,
    read_text,
)
from .resolve import Resolver, repair_mojibake


def kind_of(path: Path) -> str:
    if "marker" in path.name:
        return "markers"
    if "participant" in path.name:
        return "participants"
    raise BadInput(path, None, None, "expected an IMI navigator file named markers*.js or participants*.js")


def read(path: Path) -> list[Row]:
    """Records of a JS array file, one per line (``,``-only lines and the ``var … = [``/``];`` frame skipped)."""
    kind = kind_of(path)
    rows: list[Row] = []
    lines = read_text(path).splitlines()
    if not lines or not lines[0].strip().startswith("var ") or not lines[0].rstrip().endswith("["):
        raise BadInput(path, 1, 1, "expected the file to start with 'var <name> = ['")
    for number, line in enumerate(lines[1:], start=2):
        text = line.strip().rstrip(",")
        if text in ("", "];", "]"):
            continue
        try:
            value: Any = json.loads(text) if kind == "participants" else ast.literal_eval(text)
        except (ValueError, SyntaxError) as exc:
            raise BadInput(path, number, None, f"expected one {'JSON object' if kind == 'participants' else 'dict literal'} "
                           f"per line ({exc})") from None
        if not isinstance(value, dict):
            raise BadInput(path, number, None, "expected one object per line")
        for key in ("name", "ids") if kind == "participants" else ("id", "name", "address"):
            if key not in value:
                raise BadInput(path, number, key, f"record has no field {key!r}")
        rows.append(Row(number, value))
    return rows


def provenance(path: Path) -> Provenance:
    return Provenance("imi", path, f"IMI Project Navigator {kind_of(path)} ({path.name})",
                      "European Commission / IMI JU via CORDIS; compiled by ericspe (IMI Project Navigator)",
                      "ericspe/ericspe.github.io @ 8f236d67: maps/participants.js, markers.js", licence="CC BY 4.0 (CORDIS)")


def org_iri(pic: object) -> URIRef:
    return iri("org", "imi", str(pic))


def transform(rows: list[Row], path: Path, resolver: Resolver, report: ImportReport, *, skip_bad_rows: bool = False) -> Graph:
    g = new_graph()
    src = provenance(path).add_to(g)
    if kind_of(path) == "participants":
        # participants name organisations by id; the markers import describes them (same IRIs)
        for row in rows:
            report.tick()
            acronym = str(row.values["name"])
            project = iri("project", "imi", acronym)
            where = Literal(f"{path.name}:{row.line}")
            g.add((project, RDF.type, THCM.FundedProject))
            g.add((project, RDFS.label, Literal(acronym, lang="en")))
            g.add((project, THCM.programme, Literal("IMI")))
            g.add((project, PROV.wasDerivedFrom, src))
            g.add((project, THCM.locator, where))
            report.count("projects")
            for pic in dict.fromkeys(row.values["ids"]):
                part = iri("participation", "imi", acronym, str(pic))
                g.add((project, THCM.hasParticipation, part))
                g.add((part, RDF.type, THCM.Participation))
                g.add((part, THCM.participant, resolver_target(resolver, pic) or org_iri(pic)))
                g.add((part, PROV.wasDerivedFrom, src))
                g.add((part, THCM.locator, where))
                report.count("participations")
        return g
    for row in rows:
        report.tick()
        v = row.values
        pic = v["id"]
        name = " ".join(repair_mojibake(str(v["name"])).split())
        parts = [p.strip() for p in " ".join(str(v["address"]).split()).split(",")]
        country = parts[-1].upper() if len(parts) >= 3 else ""
        country = "GB" if country == "UK" else country
        city = parts[-2] if len(parts) >= 3 else None
        code = parts[-3] if len(parts) >= 4 else None
        own = org_iri(pic)
        match = resolver.resolve(name, source="imi", identifiers=[f"pic:{pic}"])
        g.add((own, RDF.type, ORGNS.Organization))
        add_label(g, own, name, None)  # the markers state no language of a name
        g.add((own, DCTERMS.identifier, Literal(f"PIC {pic}")))
        g.add((own, SCHEMANS.addressCountry, Literal(country)))
        url = str(v.get("organizationUrl") or "")
        if url.startswith("http") and len(url) > len("https://"):
            g.add((own, URIRef("http://xmlns.com/foaf/0.1/homepage"), URIRef(url)))
        site, address = iri("place", "site-imi", str(pic)), iri("place", "address-imi", str(pic))
        g.add((own, ORGNS.hasSite, site))
        g.add((site, RDF.type, ORGNS.Site))
        g.add((site, ORGNS.siteAddress, address))
        g.add((address, RDF.type, LOCNNS.Address))
        g.add((address, LOCNNS.fullAddress, Literal(", ".join(parts))))
        if country == "DE" and code and postcode(code):
            g.add((address, LOCNNS.postCode, Literal(postcode(code))))
        if city:
            g.add((address, LOCNNS.postName, Literal(city)))
        g.add((own, PROV.wasDerivedFrom, src))
        g.add((own, THCM.locator, Literal(f"{path.name}:{row.line}")))
        report.organisation(g, own, match, row.line)
    del skip_bad_rows
    return g


def resolver_target(resolver: Resolver, pic: object) -> URIRef | None:
    """The curated actor an organisation id is pinned to (identifier or override by id), if any."""
    for cand in resolver.candidates:
        if f"pic:{pic}" in cand.identifiers:
            return URIRef(cand.iri)
    return None
