"""ERDF (EFRE) Thüringen lists of operations (2014-2020, ``;``) and beneficiaries (2007-2013, ``,``).

Each operation becomes a ``thcm:FundedProject`` with one ``thcm:Participation`` (role
"beneficiary") of its beneficiary. Defects handled (shared/data README): German numbers with
``€`` and thousands dots, ``80%`` rates, ``DD.MM.YYYY`` dates, postcodes that lost their leading
zero (``7743`` → ``07743``), ``""`` quotes, ``;`` and line breaks inside quoted fields, messy
bilingual headers, spelling variants of one beneficiary (clustered within the file and resolved to
curated actors), exact duplicate rows (kept once, reported), ``0,00`` meaning "no amount".
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from .base import (
    DCTERMS,
    LOCNNS,
    ORGNS,
    PROV,
    RDF,
    RDFS,
    THCM,
    XSD,
    BadInput,
    ImportReport,
    Provenance,
    Row,
    add_label,
    csv_rows,
    decimal_literal,
    german_date,
    german_decimal,
    iri,
    new_graph,
    postcode,
)
from .resolve import Resolver, cluster

HEADER_2014 = (
    "beneficiary name", "operation name", "operation summary", "operation start date", "operation end date",
    "total eligible expenditure allocated to the operation", "union co-financing rate", "operation postcode",
    "country", "name of category of intervention",
)
HEADER_2007 = (
    "verzeichnis der begünstigten", "bezeichnung des vorhabens", "jahr der bewilligung / jahr der restzahlung",
    "gewährte beträge", "bei abschluss des vorhabens gezahlte gesamtbeträge",
)


def _english_part(header: str) -> str:
    """``"Ende des Vorhabens  - operation end date"`` → ``"operation end date"``."""
    return " ".join(re.split(r"\s*-\s+|\s+-\s*", header.strip())[-1].lower().split())


def _plain(header: str) -> str:
    return " ".join(header.strip().lower().split())


def period_of(path: Path) -> str:
    if "2014" in path.name:
        return "2014-2020"
    if "2007" in path.name:
        return "2007-2013"
    raise BadInput(path, None, None, "expected an ERDF file whose name says its period (…2014_2020… or …2007_2013…)")


def read(path: Path) -> list[Row]:
    if period_of(path) == "2014-2020":
        return list(csv_rows(path, delimiter=";", header=HEADER_2014, header_normaliser=_english_part))
    return list(csv_rows(path, delimiter=",", header=HEADER_2007, header_normaliser=_plain))


def provenance(path: Path) -> Provenance:
    if period_of(path) == "2014-2020":
        return Provenance("efre", path, "Liste der Vorhaben EFRE 2014-2020 Thüringen, Stand 30.06.2016 (CCI 2014DE16RFOP015)",
                          "EFRE-Verwaltungsbehörde des Freistaats Thüringen",
                          "os-data/eu-structural-funds @ 6ffe5ddb: …/ERDF 2014-2020/160630_liste_der_vorhaben_efre_14_20_endgold.csv",
                          language="de")
    return Provenance("efre", path, "Verzeichnis der Begünstigten EFRE 2007-2013 Thüringen (CCI 2007DE161PO001), 2014-12-31",
                      "EFRE-Verwaltungsbehörde des Freistaats Thüringen (PDF; CSV conversion by OKF Deutschland)",
                      "os-data/eu-structural-funds @ 6ffe5ddb: …/ERDF 2007-2013/ERDF-Data-Thueringen-2007-2013.csv", language="de")


def clean_name(text: str) -> str:
    """Whitespace and line breaks collapsed, leading dashes dropped (``-4H - JENA …`` → ``4H - JENA …``)."""
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1-\2", text)
    return " ".join(text.split()).lstrip("- ").strip() or text.strip()


def transform(rows: list[Row], path: Path, resolver: Resolver, report: ImportReport, *, skip_bad_rows: bool = False,
              gazetteer: set[str] | None = None) -> Graph:
    g = new_graph()
    prov = provenance(path)
    src = prov.add_to(g)
    period = period_of(path)
    names = [clean_name(str(r.values[next(iter(r.values))])) for r in rows]
    reps = cluster(names)
    postcodes: dict[str, set[str]] = {}  # evidence for resolving a beneficiary (2014-2020 list only)
    if period == "2014-2020":
        for row, name in zip(rows, names, strict=True):
            code = postcode(list(row.values.values())[7])
            if code:
                postcodes.setdefault(reps[name], set()).add(code)
    actors: dict[str, URIRef] = {}
    seen: dict[str, int] = {}
    for row, name in zip(rows, names, strict=True):
        report.tick()
        try:
            digest = hashlib.sha1("\x1f".join(map(str, row.values.values())).encode()).hexdigest()[:12]
            if digest in seen:
                report.notes.append(f"{path.name}:{row.line}: exact duplicate of line {seen[digest]}, kept once")
                continue
            seen[digest] = row.line
            actor = _actor(g, reps[name], name, src, resolver, report, actors, path, row, period,
                           postcodes.get(reps[name], set()))
            if period == "2014-2020":
                _operation_2014(g, row, path, src, actor, report, gazetteer)
            else:
                _operation_2007(g, row, path, src, actor, report, digest)
        except BadInput as exc:
            if not skip_bad_rows:
                raise
            report.skipped.append(str(exc))
    return g


def _actor(g: Graph, rep: str, name: str, src: URIRef, resolver: Resolver, report: ImportReport,
           actors: dict[str, URIRef], path: Path, row: Row, period: str, postcodes: set[str]) -> URIRef:
    if rep not in actors:
        # one IRI per list (each spelling is the preferred name in its own list); a beneficiary
        # that resolves to a curated actor or to an actor of an earlier import (the 2014-2020
        # list for the 2007-2013 one, CORDIS, ROR: see imported.py) gets owl:sameAs it, and its
        # participations name that actor
        own = iri("org", "efre", period, rep)
        match = resolver.resolve(rep, source="efre", postcodes=sorted(postcodes))
        g.add((own, RDF.type, ORGNS.Organization))
        add_label(g, own, rep, None)  # the list states no language of a name
        g.add((own, PROV.wasDerivedFrom, src))
        g.add((own, THCM.locator, Literal(f"{path.name}:{row.line}")))
        actors[rep] = report.organisation(g, own, match, row.line)
        actors["own:" + rep] = own
    if name != rep:
        add_label(g, actors["own:" + rep], name, None, pref=False)
    return actors[rep]


def _participation(g: Graph, project: URIRef, actor: URIRef, src: URIRef, where: Literal) -> URIRef:
    part = URIRef(str(project).replace("/project/", "/participation/") + "-beneficiary")
    g.add((project, THCM.hasParticipation, part))
    g.add((part, RDF.type, THCM.Participation))
    g.add((part, THCM.participant, actor))
    g.add((part, THCM.participationRole, Literal("beneficiary")))
    g.add((part, PROV.wasDerivedFrom, src))
    g.add((part, THCM.locator, where))
    return part


def _operation_2014(g: Graph, row: Row, path: Path, src: URIRef, actor: URIRef, report: ImportReport,
                    gazetteer: set[str] | None = None) -> None:
    v = list(row.values.values())
    (_, op_id, summary, start, end, cost, rate, pc, _country, category) = v
    where = Literal(f"{path.name}:{row.line}")
    project = iri("project", "efre-2014-2020", op_id)
    g.add((project, RDF.type, THCM.FundedProject))
    g.add((project, DCTERMS.identifier, Literal(op_id.strip())))
    g.add((project, RDFS.label, Literal(" ".join(summary.split()) or op_id, lang="de")))
    g.add((project, THCM.programme, Literal("EFRE 2014-2020 Thüringen (CCI 2014DE16RFOP015)")))
    g.add((project, THCM.fundingScheme, Literal(" ".join(category.split()))))
    for text, prop, column in ((start, "startDate", "operation start date"), (end, "endDate", "operation end date")):
        if text.strip():
            d = german_date(text, path=path, line=row.line, column=column)
            g.add((project, URIRef(f"https://schema.org/{prop}"), Literal(d, datatype=XSD.date)))
    amount = german_decimal(cost, path=path, line=row.line, column="total eligible expenditure")
    g.add((project, THCM.totalCost, decimal_literal(amount)))
    m = re.fullmatch(r"\s*(\d+(?:,\d+)?)\s*%\s*", rate)
    if not m:
        raise BadInput(path, row.line, "union co-financing rate", f"expected a percentage like 80%, found {rate!r}")
    g.add((project, THCM.coFinancingRate, decimal_literal(Decimal(m[1].replace(",", ".")) / 100)))
    code = postcode(pc)
    if pc.strip() and code is None:
        raise BadInput(path, row.line, "operation postcode", f"expected a German postcode (4-5 digits), found {pc!r}")
    if code and gazetteer is not None and code not in gazetteer:
        report.notes.append(f"{path.name}:{row.line}: postcode {code} is not in the GISCO postcode list; no district derived")
    if code:
        site, address = iri("place", "site-efre", op_id), iri("place", "address-efre", op_id)
        g.add((project, URIRef("https://schema.org/location"), site))
        g.add((site, RDF.type, ORGNS.Site))
        g.add((site, ORGNS.siteAddress, address))
        g.add((address, RDF.type, LOCNNS.Address))
        g.add((address, LOCNNS.postCode, Literal(code)))
    g.add((project, PROV.wasDerivedFrom, src))
    g.add((project, THCM.locator, where))
    _participation(g, project, actor, src, where)
    report.count("projects")
    report.count("participations")


def _operation_2007(g: Graph, row: Row, path: Path, src: URIRef, actor: URIRef, report: ImportReport, digest: str) -> None:
    _, title, year, granted, paid = list(row.values.values())
    where = Literal(f"{path.name}:{row.line}")
    if not re.fullmatch(r"\s*\d{4}\s*", year):
        raise BadInput(path, row.line, "Jahr der Bewilligung / Jahr der Restzahlung", f"expected a year like 2009, found {year!r}")
    granted_amount = german_decimal(granted, path=path, line=row.line, column="Gewährte Beträge")
    paid_amount = german_decimal(paid, path=path, line=row.line, column="Bei Abschluss des Vorhabens gezahlte Gesamtbeträge")
    project = iri("project", "efre-2007-2013", digest)
    g.add((project, RDF.type, THCM.FundedProject))
    g.add((project, RDFS.label, Literal(" ".join(title.split()), lang="de")))
    g.add((project, THCM.programme, Literal("EFRE 2007-2013 Thüringen (CCI 2007DE161PO001)")))
    g.add((project, DCTERMS.date, Literal(year.strip(), datatype=XSD.gYear)))
    comment = "Year is the approval or the final-payment year (the source does not say which)."
    if paid_amount:
        comment += f" Paid at closure: {paid_amount} EUR."
    g.add((project, RDFS.comment, Literal(comment, lang="en")))
    g.add((project, PROV.wasDerivedFrom, src))
    g.add((project, THCM.locator, where))
    part = _participation(g, project, actor, src, where)
    if granted_amount:  # "0,00" means "no amount" in this list
        g.add((part, THCM.ecContribution, decimal_literal(granted_amount)))
    report.count("projects")
    report.count("participations")
