"""ROR records (schema v1 and v2): research organisations, names in several languages, types,
parent relations (``org:unitOf``), external identifiers (Wikidata, GRID, ISNI, FundRef) as links.

Defects handled (shared/data README): name typos and names that differ between schema versions
(the v1 file writes only alternative labels for ids that the manifest ``record_sources.csv`` also
lists in schema v2, so one actor never gets two German preferred names); v2.0 records without
subdivision; suspicious locations (kept, no NUTS code is derived from ROR); withdrawn records
(skipped, reported); organisations without a German name (reported). Names carry the
language the record states (v2 ``names[].lang``, v1 ``labels[].iso639``) and none otherwise.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from .base import (
    DCTERMS,
    ORGNS,
    OWL,
    PROV,
    RDF,
    SCHEMANS,
    SKOS,
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
from .resolve import Resolver

TYPE_CLASS = {"education": THCM.University, "company": THCM.Firm, "facility": THCM.ResearchInstitute,
              "healthcare": ORGNS.Organization, "government": ORGNS.Organization, "nonprofit": ORGNS.Organization}
ID_LINK = {
    "wikidata": ("http://www.wikidata.org/entity/", OWL.sameAs),
    "grid": ("https://www.grid.ac/institutes/", SKOS.exactMatch),
    "isni": ("https://isni.org/isni/", SKOS.exactMatch),
    "fundref": ("http://dx.doi.org/10.13039/", SKOS.exactMatch),
}


def read(path: Path) -> list[Row]:
    rows = json_records(path)
    for row in rows:
        if "id" not in row.values or not str(row.values["id"]).startswith("https://ror.org/"):
            raise BadInput(path, row.line, "id", "expected a ROR record with \"id\": \"https://ror.org/…\"")
        if "name" not in row.values and "names" not in row.values:
            raise BadInput(path, row.line, "names", "expected a ROR record with \"name\" (schema 1) or \"names\" (schema 2)")
    return rows


def provenance(path: Path) -> Provenance:
    return Provenance("ror", path, f"ROR records of Thuringian research organisations ({path.name})",
                      "Research Organization Registry (ROR)",
                      "ror-community/ror-records @ d93fc667 (latest release file per id)", licence="CC0 1.0")


def v2_ids(path: Path) -> set[str]:
    """ROR ids that the manifest next to ``path`` lists in schema v2 (empty without a manifest)."""
    manifest = path.parent / "record_sources.csv"
    if not manifest.is_file():
        return set()
    with manifest.open(encoding="utf-8", newline="") as handle:
        return {r["ror_id"] for r in csv.DictReader(handle) if r.get("schema") == "v2"}


def _names(rec: dict[str, Any]) -> tuple[tuple[str, str], list[tuple[str, str]]]:
    """(display name, other names) of a v1 or v2 record, each as ``(text, language)``.

    The language is the one the record states (v2 ``names[].lang``, v1 ``labels[].iso639``);
    ``""`` where it states none (v1 ``name``, aliases and acronyms; v2 names without ``lang``).
    """
    if "names" in rec:
        display = ("", "")
        others: list[tuple[str, str]] = []
        for n in rec["names"]:
            entry = (str(n["value"]), str(n.get("lang") or ""))
            if "ror_display" in n["types"] and not display[0]:
                display = entry
            else:
                others.append(entry)
        return display, others
    labels = [(str(lab["label"]), str(lab.get("iso639") or "")) for lab in rec.get("labels", [])]
    aliases = [(str(a), "") for a in [*rec.get("aliases", []), *rec.get("acronyms", [])]]
    return (str(rec["name"]), ""), labels + aliases


def _preferred(display: tuple[str, str], others: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The preferred names: the display name, plus the first name in each other stated language
    (so FSU keeps "Friedrich-Schiller-Universität Jena"@de beside its English display name)."""
    chosen = [display]
    taken = {display[1]}
    for text, lang in others:
        if lang and lang not in taken:
            chosen.append((text, lang))
            taken.add(lang)
    return chosen


def _external_ids(rec: dict[str, Any]) -> list[tuple[str, str]]:
    ext = rec.get("external_ids") or {}
    out = []
    if isinstance(ext, dict):
        for kind, value in ext.items():
            for v in (value.get("all") or []) if isinstance(value.get("all"), list) else [value.get("all")]:
                if v:
                    out.append((kind.lower(), str(v)))
    else:
        for value in ext:
            for v in value.get("all") or []:
                out.append((value["type"].lower(), str(v)))
    return out


def transform(rows: list[Row], path: Path, resolver: Resolver, report: ImportReport, *, skip_bad_rows: bool = False,
              alt_only: set[str] | None = None) -> Graph:
    g = new_graph()
    src = provenance(path).add_to(g)
    schema1 = not any("names" in r.values for r in rows)
    alt_only = (v2_ids(path) if schema1 else set()) if alt_only is None else alt_only
    present = {str(r.values["id"]) for r in rows if r.values.get("status") != "withdrawn"}
    subjects: dict[str, URIRef] = {}
    for row in rows:
        report.tick()
        rec = row.values
        rid = str(rec["id"])
        if rec.get("status") == "withdrawn":
            report.skipped.append(f"{path.name}:{row.line}: {rid} is withdrawn in ROR")
            continue
        display, others = _names(rec)
        ids = [f"ror:{rid}"] + [f"{k}:{v}" for k, v in _external_ids(rec)]
        match = resolver.resolve(display[0], source="ror", identifiers=ids)
        own = iri("org", "ror", rid.rsplit("/", 1)[-1])
        subjects[rid] = URIRef(match.target) if match.target else own
        types = [t.lower() for t in rec.get("types", [])]
        g.add((own, RDF.type, next((TYPE_CLASS[t] for t in types if t in TYPE_CLASS), ORGNS.Organization)))
        # names keep the language ROR states and no other (an untagged display name stays untagged)
        preferred = _preferred(display, others) if rid not in alt_only else []
        for text, lang in preferred:
            add_label(g, own, text, lang or None)
        for text, lang in [display, *others]:
            if (text, lang) not in preferred:
                add_label(g, own, text, lang or None, pref=False)
        if not any(lang == "de" for _, lang in preferred) and rid not in alt_only:
            report.notes.append(f"{path.name}:{row.line}: {rid} has no German name in ROR; its names keep the languages ROR states")
        g.add((own, OWL.sameAs, URIRef(rid)))
        for kind, value in _external_ids(rec):
            if kind in ID_LINK:
                base, prop = ID_LINK[kind]
                g.add((own, prop, URIRef(base + value.replace(" ", ""))))
            g.add((own, DCTERMS.identifier, Literal(f"{kind.upper()} {value}")))
        links = rec.get("links") or []
        for link in links:
            url = link["value"] if isinstance(link, dict) else link
            if isinstance(url, str) and url.startswith("http"):
                g.add((own, URIRef("http://xmlns.com/foaf/0.1/homepage"), URIRef(url)))
        g.add((own, SCHEMANS.addressCountry, Literal("DE")))
        g.add((own, PROV.wasDerivedFrom, src))
        g.add((own, THCM.locator, Literal(f"{path.name}:{row.line}")))
        report.organisation(g, own, match, row.line)
    for row in rows:
        rec = row.values
        if rec.get("status") == "withdrawn":
            continue
        own = iri("org", "ror", str(rec["id"]).rsplit("/", 1)[-1])
        for rel in rec.get("relationships", []):
            if rel["type"].lower() == "parent":
                if rel["id"] in present:
                    g.add((own, ORGNS.unitOf, subjects[rel["id"]]))
                    report.count("unitOf links")
                else:
                    report.notes.append(f"{path.name}:{row.line}: parent {rel['id']} is not in the file; org:unitOf not stated")
    return g
