"""CORDIS Horizon 2020 / Horizon Europe: organisation and project files (JSON, or the ``;`` CSV).

``organization.*`` gives organisations and one ``thcm:Participation`` per row (role, EC
contribution), attached to the project with ``thcm:hasParticipation``; ``project.*`` gives the
projects (title, dates, programme part, funding scheme, costs). Terms are aligned with EURIO
(``eurio:Project``, ``eurio:OrganisationRole``) through the ontology. Defects handled (shared/data
README): empty ``nutsCode``; numeric ``postCode`` without its leading zero (restored for DE);
``""`` in typed fields (omitted); int/float/"" contributions; upper/mixed case names.
"""

from __future__ import annotations

import re
from pathlib import Path

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
    XSD,
    BadInput,
    ImportReport,
    Provenance,
    Row,
    add_label,
    csv_records,
    decimal_literal,
    decimal_value,
    iri,
    iso_date,
    json_records,
    new_graph,
    postcode,
    require,
)
from .resolve import Resolver

ORG_FIELDS = ("projectID", "projectAcronym", "organisationID", "name", "role", "ecContribution", "country", "city", "postCode")
PROJECT_FIELDS = ("id", "acronym", "title", "startDate", "endDate", "frameworkProgramme", "fundingScheme")
#: The header of CORDIS's organization.csv (H2020, Horizon Europe and FP7 alike), checked against
#: real rows (tests/importers/cordis/csv/README.md). The reader needs only the columns it uses
#: (ORG_FIELDS) and reads the others by name, so a release that adds or reorders columns still reads.
ORG_CSV_HEADER = (
    "projectID", "projectAcronym", "organisationID", "vatNumber", "name", "shortName", "SME", "activityType",
    "street", "postCode", "city", "country", "nutsCode", "geolocation", "organizationURL", "contactForm",
    "contentUpdateDate", "rcn", "order", "role", "ecContribution", "netEcContribution", "totalCost",
    "endOfParticipation", "active",
)
#: The columns of CORDIS's project.csv as the JSON records name them. No real project.csv could be
#: found; copies in other projects' tests disagree (with or without ecSignatureDate, nature,
#: grantDoi, keywords), so project.csv is read by column name too and needs only PROJECT_FIELDS.
PROJECT_CSV_HEADER = (
    "id", "acronym", "status", "title", "startDate", "endDate", "totalCost", "ecMaxContribution",
    "legalBasis", "topics", "ecSignatureDate", "frameworkProgramme", "masterCall", "subCall", "fundingScheme",
    "nature", "objective", "contentUpdateDate", "rcn", "grantDoi",
)
ACTIVITY_CLASS = {"PRC": THCM.Firm, "HES": THCM.University, "REC": THCM.ResearchInstitute}


def kind_of(path: Path) -> str:
    """'organization' or 'project', from the file name."""
    stem = path.stem.lower()
    if "organi" in stem:
        return "organization"
    if "project" in stem:
        return "project"
    raise BadInput(path, None, None, "expected a CORDIS file named like organization.json/.csv or project.json/.csv")


def read(path: Path) -> list[Row]:
    """Records of a CORDIS file; JSON arrays or CORDIS's ';'-separated CSV."""
    kind = kind_of(path)
    if path.suffix.lower() == ".csv":
        rows = list(csv_records(path, delimiter=";", required=ORG_FIELDS if kind == "organization" else PROJECT_FIELDS))
    else:
        rows = json_records(path)
    for row in rows:
        require(row, path, *(ORG_FIELDS if kind == "organization" else PROJECT_FIELDS))
    return rows


def sibling_programmes(path: Path) -> dict[str, str]:
    """Project id → framework programme (``h2020``, ``horizon`` …) from the project file next to an
    organisation file (``…organization….csv`` → ``…project….csv``/``.json``), so that a participation
    names the same project IRI as the project record; empty if there is none (then ``h2020``)."""
    stem = path.stem.replace("organization", "project").replace("organisation", "project")
    for suffix in (".csv", ".json"):
        other = path.with_name(stem + suffix)
        if other != path and other.is_file():
            try:
                return {str(r.values["id"]): str(r.values.get("frameworkProgramme") or "H2020").lower() for r in read(other)}
            except BadInput:
                return {}
    return {}


def provenance(path: Path) -> Provenance:
    return Provenance(
        "cordis", path, f"CORDIS Horizon 2020 {kind_of(path)} records ({path.name})",
        "European Commission, CORDIS", "Edvard-August/Is-the-semiconductor-Strategies-of-the-EU-and-Germany-too-vuage-"
        "Code-and-Data (CORDIS H2020 extract, about February 2021)", licence="CC BY 4.0")


def project_iri(programme: str, pid: object) -> URIRef:
    return iri("project", programme or "h2020", str(pid))


def transform(rows: list[Row], path: Path, resolver: Resolver, report: ImportReport, *, skip_bad_rows: bool = False,
              gazetteer: set[str] | None = None) -> Graph:
    """The import graph of one CORDIS file (pure apart from recording into ``report``).

    ``gazetteer``: the known German postcodes (from an imported GISCO file); a German postcode
    outside it is reported (README defect 3: FSU Jena has ``4067``).
    """
    g = new_graph()
    prov = provenance(path)
    src = prov.add_to(g)
    kind = kind_of(path)
    programmes = sibling_programmes(path) if kind == "organization" else {}
    for row in rows:
        report.tick()
        try:
            if kind == "organization":
                programme = programmes.get(str(row.values["projectID"]).strip(), "h2020")
                _organisation_row(g, row, path, src, resolver, report, gazetteer, programme)
            else:
                _project_row(g, row, path, src, report)
        except BadInput as exc:
            if not skip_bad_rows:
                raise
            report.skipped.append(str(exc))
    return g


def _organisation_row(g: Graph, row: Row, path: Path, src: URIRef, resolver: Resolver, report: ImportReport,
                      gazetteer: set[str] | None = None, programme: str = "h2020") -> None:
    v = row.values
    where = Literal(f"{path.name}:{row.line}")
    amount = decimal_value(v["ecContribution"], path=path, line=row.line, column="ecContribution")
    pic = str(v["organisationID"]).strip()
    if not pic.isdigit():
        raise BadInput(path, row.line, "organisationID", f"expected a numeric PIC, found {v['organisationID']!r}")
    country = str(v.get("country") or "")
    name = " ".join(str(v["name"]).split())
    project = project_iri(programme, str(v["projectID"]).strip())
    match = resolver.resolve(name, source="cordis", identifiers=[f"pic:{pic}"], city=None)
    own = iri("org", "cordis", pic)
    if own not in set(g.subjects(RDF.type, None)):
        g.add((own, RDF.type, ACTIVITY_CLASS.get(str(v.get("activityType")), ORGNS.Organization)))
        add_label(g, own, name, None)  # CORDIS states no language of a name
        if v.get("shortName") and str(v["shortName"]).strip() != name:
            add_label(g, own, str(v["shortName"]), None, pref=False)
        g.add((own, DCTERMS.identifier, Literal(f"PIC {pic}")))
        g.add((own, SCHEMANS.addressCountry, Literal(country)))
        g.add((own, PROV.wasDerivedFrom, src))
        g.add((own, THCM.locator, where))
        pc = postcode(v["postCode"]) if country == "DE" else None
        if pc and gazetteer is not None and pc not in gazetteer:
            report.notes.append(f"{path.name}:{row.line}: postcode {v['postCode']!r} of {name} ({v.get('city')}) is not a "
                                "German postcode in the GISCO list; kept as printed, no district derived")
        vat = str(v.get("vatNumber") or "")
        if vat and country == "DE" and not re.fullmatch(r"DE\d{9}", vat):
            report.notes.append(f"{path.name}:{row.line}: VAT number {vat!r} of {name} is malformed (DE + 9 digits); not stated")
        elif vat:
            g.add((own, DCTERMS.identifier, Literal(f"VAT {vat}")))
        if pc or v.get("city"):
            site, address = iri("place", "site-cordis", pic), iri("place", "address-cordis", pic)
            g.add((own, ORGNS.hasSite, site))
            g.add((site, RDF.type, ORGNS.Site))
            g.add((site, ORGNS.siteAddress, address))
            g.add((address, RDF.type, LOCNNS.Address))
            if pc:
                g.add((address, LOCNNS.postCode, Literal(pc)))
            if v.get("city"):
                g.add((address, LOCNNS.postName, Literal(str(v["city"]))))
            if v.get("street"):
                g.add((address, LOCNNS.thoroughfare, Literal(str(v["street"]))))
        if v.get("organizationURL") and str(v["organizationURL"]).startswith("http") and len(str(v["organizationURL"])) > 8:
            g.add((own, URIRef("http://xmlns.com/foaf/0.1/homepage"), URIRef(str(v["organizationURL"]).strip())))
        report.organisation(g, own, match, row.line)
    participant = URIRef(match.target) if match.target else own
    part = iri("participation", programme, str(v["projectID"]), pic, str(v["role"]))
    g.add((project, RDF.type, THCM.FundedProject))
    g.add((project, DCTERMS.identifier, Literal(str(v["projectID"]))))
    g.add((project, RDFS.label, Literal(str(v["projectAcronym"]), lang="en")))
    g.add((project, PROV.wasDerivedFrom, src))
    g.add((project, THCM.hasParticipation, part))
    g.add((part, RDF.type, THCM.Participation))
    g.add((part, THCM.participant, participant))
    g.add((part, THCM.participationRole, Literal(str(v["role"]))))
    if amount is not None:
        g.add((part, THCM.ecContribution, decimal_literal(amount)))
    g.add((part, PROV.wasDerivedFrom, src))
    g.add((part, THCM.locator, where))
    report.count("participations")


def _project_row(g: Graph, row: Row, path: Path, src: URIRef, report: ImportReport) -> None:
    v = row.values
    programme = str(v.get("frameworkProgramme") or "H2020")
    project = project_iri(programme.lower(), v["id"])
    g.add((project, RDF.type, THCM.FundedProject))
    g.add((project, DCTERMS.identifier, Literal(str(v["id"]))))
    g.add((project, RDFS.label, Literal(str(v["acronym"]), lang="en")))
    g.add((project, DCTERMS.title, Literal(" ".join(str(v["title"]).split()), lang="en")))
    for column, prop in (("startDate", SCHEMANS.startDate), ("endDate", SCHEMANS.endDate)):
        d = iso_date(v.get(column), path=path, line=row.line, column=column)
        if d:
            g.add((project, prop, Literal(d, datatype=XSD.date)))
    for column in ("totalCost", "ecMaxContribution"):
        amount = decimal_value(v.get(column), path=path, line=row.line, column=column)
        if amount is not None:
            g.add((project, THCM[column], decimal_literal(amount)))
    g.add((project, THCM.programme, Literal(programme)))
    if v.get("legalBasis"):  # the programme part (e.g. H2020-EU.1.2.); empty in the shipped extract
        g.add((project, THCM.programme, Literal(str(v["legalBasis"]))))
    for column in ("topics", "subCall"):
        if v.get(column):
            g.add((project, DCTERMS.subject, Literal(str(v[column]))))
    if v.get("fundingScheme"):
        g.add((project, THCM.fundingScheme, Literal(str(v["fundingScheme"]))))
    g.add((project, PROV.wasDerivedFrom, src))
    g.add((project, THCM.locator, Literal(f"{path.name}:{row.line}")))
    report.count("projects")
