"""Each importer on the real files of ../shared/data (counts and every defect of its README) and
on small bad-input fixtures derived from those files."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS, XSD

from thcm_graph.importers import cordis, efre, nace, nuts, ror
from thcm_graph.importers.base import BadInput, ImportReport
from thcm_graph.importers.resolve import Resolver

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data (the real public files)")
THCM = "https://w3id.org/thcm/ontology#"
ID = "https://w3id.org/thcm/id/"
LOCN = "http://www.w3.org/ns/locn#"


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.for_project(REPO / "data")


def run(module: object, path: Path, resolver: Resolver, **kw: object) -> tuple[Graph, ImportReport]:
    rows = module.read(path)  # type: ignore[attr-defined]
    report = ImportReport(module.__name__, rows_read=len(rows))  # type: ignore[attr-defined]
    return module.transform(rows, path, resolver, report, **kw), report  # type: ignore[attr-defined]


# --- CORDIS -----------------------------------------------------------------------------------

def test_cordis_thuringian_extract(resolver: Resolver) -> None:
    g, report = run(cordis, SHARED / "cordis_h2020" / "organization.json", resolver)
    assert report.rows_read == 204 and report.resources["participations"] == 204
    assert report.resources["organisations"] == 202
    # defect 3/4: FSU with wrong postcode and U-for-ü transliteration is matched to the curated FSU (override)
    fsu = URIRef(ID + "org/cordis-999868726")
    assert (fsu, OWL.sameAs, URIRef(ID + "org/fsu")) in g
    # the participation then names the curated actor, so the hub analysis sees FSU
    part = URIRef(ID + "participation/h2020-785219-999868726-participant")
    assert (part, URIRef(THCM + "participant"), URIRef(ID + "org/fsu")) in g
    # TU Ilmenau (UE for ü) likewise
    assert any(str(o).endswith("/tu-ilmenau") for o in g.objects(None, OWL.sameAs))


def test_cordis_defects(resolver: Resolver) -> None:
    g, _ = run(cordis, SHARED / "cordis_format_samples" / "h2020_semiconductor_ev_organization.json", resolver)
    # defect 2: numeric postCode 1069 (TU Dresden) regains its leading zero
    codes = {str(o) for o in g.objects(None, URIRef(LOCN + "postCode"))}
    assert "01069" in codes and "1069" not in codes
    # defect 1/7: nutsCode/SME/"" fields are not turned into triples; "" ecContribution gives no amount
    amounts = list(g.objects(None, URIRef(THCM + "ecContribution")))
    assert all(a.datatype == XSD.decimal for a in amounts) and len(amounts) < 1076
    # defect 5: mixed case names kept as printed (CORDIS states no language: a plain literal)
    assert Literal("IPG Automotive GmbH") in set(g.objects(None, SKOS.prefLabel))
    # one organisation in two roles of one project: two participations
    metso = [p for p in g.subjects(URIRef(THCM + "participant"), URIRef(ID + "org/cordis-998387051"))]
    assert len(metso) >= 2
    # foreign partners carry their country, and their names no language CORDIS does not state
    assert Literal("GRAPHENE-XT SRL") in set(g.objects(None, SKOS.prefLabel))


def test_cordis_projects(resolver: Resolver) -> None:
    g, report = run(cordis, SHARED / "cordis_h2020" / "project.json", resolver)
    assert report.resources["projects"] == 2
    p = URIRef(ID + "project/h2020-785219")
    assert (p, URIRef("https://schema.org/endDate"), Literal("2020-03-31", datatype=XSD.date)) in g
    assert g.value(p, URIRef(THCM + "ecMaxContribution")).toPython() == Decimal(88000000)
    # defect 9: empty ecSignatureDate is not a date
    assert not list(g.objects(p, URIRef("https://schema.org/dateSigned")))


CSV_FIXTURES = Path(__file__).parent / "cordis" / "csv"


def test_cordis_csv_reads_the_publishers_header_and_rows(resolver: Resolver) -> None:
    """Real organization.csv lines (tests/importers/cordis/csv/README.md): quoted fields, decimal
    comma and point in one row, empty amounts, non-German postcodes and country codes."""
    g, report = run(cordis, CSV_FIXTURES / "organization.csv", resolver)
    assert report.rows_read == 8 and report.resources["participations"] == 8
    wellcome = URIRef(ID + "org/cordis-999905974")
    assert g.value(wellcome, SKOS.prefLabel) == Literal("THE WELLCOME TRUST LIMITED")  # no language stated
    assert (wellcome, RDF.type, URIRef(THCM + "Firm")) in g  # activityType PRC
    uoa = URIRef(ID + "participation/h2020-633053-999643007-thirdparty")
    assert g.value(uoa, URIRef(THCM + "ecContribution")).toPython() == Decimal(0)
    hku = URIRef(ID + "participation/h2020-690850-997352934-partner")
    assert (hku, RDF.type, URIRef(THCM + "Participation")) in g and g.value(hku, URIRef(THCM + "ecContribution")) is None
    comet = URIRef(ID + "participation/h2020-792210-928228018-participant")
    assert g.value(comet, URIRef(THCM + "ecContribution")).toPython() == Decimal("284812.5")
    he, he_report = run(cordis, CSV_FIXTURES / "horizon_organization.csv", resolver)  # Horizon Europe: same header
    assert he_report.resources["participations"] == 2
    assert Literal("CORDOVA Trey Christian") in set(he.objects(None, SKOS.prefLabel))


def test_cordis_csv_is_read_by_column_name(tmp_path: Path, resolver: Resolver) -> None:
    """Columns in another order, one more column, one fewer: as CORDIS releases differ."""
    records = json.loads((SHARED / "cordis_format_samples" / "h2020_organization_first5.json").read_text(encoding="utf-8"))
    header = [h for h in reversed(cordis.ORG_CSV_HEADER) if h != "contactForm"] + ["keywords"]
    lines = [";".join(f'"{h}"' for h in header)]
    for r in records:
        lines.append(";".join('"' + str(r.get(h, "")).replace('"', '""') + '"' for h in header))
    path = tmp_path / "organization.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    g_csv, rep = run(cordis, path, resolver)
    g_json, _ = run(cordis, SHARED / "cordis_format_samples" / "h2020_organization_first5.json", resolver)
    assert rep.resources["participations"] == 5
    assert set(g_csv.subjects(RDF.type, URIRef(THCM + "Participation"))) == set(g_json.subjects(RDF.type, URIRef(THCM + "Participation")))
    # a project file with a multi-line objective, read by name as well
    projects = tmp_path / "project.csv"
    projects.write_text('"acronym";"id";"title";"startDate";"endDate";"frameworkProgramme";"fundingScheme";"objective"\n'
                        '"GrapheneCore2";"785219";"Graphene Flagship Core Project 2";"2018-04-01";"2020-03-31";"H2020";'
                        '"RIA";"First line;\nsecond ""line"""\n', encoding="utf-8")
    g_p, rep_p = run(cordis, projects, resolver)
    assert rep_p.resources["projects"] == 1 and (URIRef(ID + "project/h2020-785219"), None, None) in g_p


def test_cordis_csv_without_a_needed_column_names_it(tmp_path: Path) -> None:
    text = (CSV_FIXTURES / "organization.csv").read_text(encoding="utf-8").replace('"organisationID";', '"orgID";', 1)
    path = tmp_path / "organization.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput, match=r"organization\.csv:1, column 'organisationID': missing column 'organisationID'"):
        cordis.read(path)


# --- EFRE -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def efre2014(resolver: Resolver) -> tuple[Graph, ImportReport]:
    return run(efre, SHARED / "efre_thueringen" / "efre_2014_2020_vorhaben_20160630.csv", resolver)


def test_efre_2014_counts_and_formats(efre2014: tuple[Graph, ImportReport]) -> None:
    g, report = efre2014
    assert report.rows_read == 1149 and report.resources["projects"] == 1149  # 1157 physical lines (defect 5)
    op = URIRef(ID + "project/efre-2014-2020-2015-tiz-0299")
    # defect 2: German number with €, percent rate, DD.MM.YYYY dates
    assert g.value(op, URIRef(THCM + "totalCost")) == Literal(Decimal("40000.00"), datatype=XSD.decimal)
    assert g.value(op, URIRef(THCM + "coFinancingRate")).toPython() == Decimal("0.8")
    assert g.value(op, URIRef("https://schema.org/startDate")) == Literal("2015-07-15", datatype=XSD.date)
    # defect 1: 7743 → 07743
    codes = {str(o) for o in g.objects(None, URIRef(LOCN + "postCode"))}
    assert "07743" in codes and all(len(c) == 5 for c in codes)
    # defect 3: quotes inside names
    labels = {str(o) for o in g.objects(None, SKOS.prefLabel)}
    assert '"Auszeit" Bistro und Pension Inh. Ulrike Lescher-Warnke' in labels
    # defect 6: the lost character stays visible as printed
    assert any("?80°C" in str(o) for o in g.objects(None, None))
    # defect 4/5: ';' and line breaks inside quoted fields
    assert any("Mihla; Umsetzung" in str(o) for o in g.objects(None, None))


def test_efre_2014_spelling_variants_collapse(efre2014: tuple[Graph, ImportReport]) -> None:
    g, report = efre2014
    # defect 7/10: one actor for the Bauhaus and FSU spellings, matched to the curated actors
    matched = {m["target"] for m in report.matches}
    assert ID + "org/buw" in matched and ID + "org/fsu" in matched
    ipht = [s for s in g.subjects(SKOS.prefLabel, None) if "photonische-technologien" in str(s)]
    assert len(ipht) == 1  # defect 7: "(Engl.Leibniz Institute …)" variant is an altLabel of the same actor
    # defect 9: double space collapsed
    assert "TISCHENDORF DIE MEDIENPARTNER Inh. Christian Tischendorf" in {str(o) for o in g.objects(None, SKOS.prefLabel)}


def test_efre_2007_defects(resolver: Resolver) -> None:
    g, report = run(efre, SHARED / "efre_thueringen" / "efre_2007_2013_beguenstigte.csv", resolver)
    assert report.rows_read == 9000
    # defect 3: exact duplicates kept once and reported
    duplicates = [n for n in report.notes if "exact duplicate" in n]
    assert len(duplicates) == 9000 - report.resources["projects"] and duplicates
    # defect 1: line break inside a name collapsed
    labels = {str(o) for o in g.objects(None, SKOS.prefLabel)} | {str(o) for o in g.objects(None, SKOS.altLabel)}
    assert "Fraunhofer-Gesellschaft zur Förderung der angewandten Forschung e.V." in labels
    # defect 4: the 4H spellings form one actor; names lose the leading dash
    four_h = [s for s in set(g.subjects(RDF.type, URIRef("http://www.w3.org/ns/org#Organization"))) if "4h" in str(s) and "jena" in str(s)]
    assert len(four_h) == 1
    # defect 5/6: FSU and Bauhaus variants reach the curated actors; LEG word order too
    matched = {m["target"] for m in report.matches}
    assert {ID + "org/fsu", ID + "org/buw", ID + "org/leg-thueringen"} <= matched
    # defect 7: "0,00" is no amount; thousands dots read
    amounts = {a.toPython() for a in g.objects(None, URIRef(THCM + "ecContribution"))}
    assert Decimal("198757.75") in amounts and Decimal("0") not in amounts


def test_an_english_cordis_name_of_a_romanian_partner_is_not_tagged_ro(resolver: Resolver) -> None:
    g, _ = run(cordis, SHARED / "cordis_format_samples" / "h2020_semiconductor_ev_organization.json", resolver)
    names = [o for o in g.objects(None, SKOS.prefLabel) if str(o).startswith("Infineon Technologies Romania")]
    assert names == [Literal("Infineon Technologies Romania and CO. Societate in Comandita Simpla")]
    assert not [o for o in g.objects(None, SKOS.prefLabel) if o.language]  # CORDIS states no language of any name
    assert not [o for o in g.objects(None, SKOS.altLabel) if o.language]


def test_erdf_and_dfg_names_carry_no_language_the_source_does_not_state(resolver: Resolver) -> None:
    from thcm_graph.importers import gepris

    for module, path in ((efre, SHARED / "efre_thueringen" / "efre_2014_2020_vorhaben_20160630.csv"),
                         (gepris, SHARED / "dfg_gepris_fubhcc" / "geo_data_continents_thueringen.json")):
        g, _ = run(module, path, resolver)
        orgs = set(g.subjects(RDF.type, URIRef("http://www.w3.org/ns/org#Organization")))
        names = [o for s in orgs for p in (SKOS.prefLabel, SKOS.altLabel) for o in g.objects(s, p)]
        assert len(names) >= len(orgs) > 50
        assert [o for o in names if o.language] == [], path.name


def test_ror_names_keep_the_language_ror_states_and_no_other(resolver: Resolver) -> None:
    g2, _ = run(ror, SHARED / "ror" / "ror_v2_thueringen.json", resolver)
    fsu = URIRef(ID + "org/ror-05qpz1x62")
    pref = set(g2.objects(fsu, SKOS.prefLabel))
    assert Literal("Friedrich-Schiller-Universität Jena", lang="de") in pref  # names[].lang = "de"
    assert Literal("Friedrich Schiller University Jena", lang="en") in pref  # ror_display, lang "en"
    assert Literal("FSU") in set(g2.objects(fsu, SKOS.altLabel))  # acronym without lang: untagged
    # a display name without a stated language stays untagged (it used to be tagged @de)
    rifcon = URIRef(ID + "org/ror-018c72e16")
    assert Literal("RIFCON GmbH (Germany)") in set(g2.objects(rifcon, SKOS.prefLabel))
    assert not [o for o in g2.objects(rifcon, SKOS.prefLabel) if str(o) == "RIFCON GmbH (Germany)" and o.language]
    g1, _ = run(ror, SHARED / "ror" / "ror_v1_thueringen.json", resolver)
    tagged = {o.language for p in (SKOS.prefLabel, SKOS.altLabel) for o in g1.objects(None, p)} - {None}
    assert tagged <= {"de", "en"}  # the iso639 codes of the v1 labels
    for rec in json.loads((SHARED / "ror" / "ror_v1_thueringen.json").read_text(encoding="utf-8")):
        own = URIRef(ID + "org/ror-" + rec["id"].rsplit("/", 1)[-1])
        for name in g1.objects(own, SKOS.prefLabel):
            if str(name) == rec["name"]:
                assert name.language is None  # schema 1 states no language of "name"


# --- ROR, NUTS, NACE -----------------------------------------------------------------------------

def test_ror_v1_and_v2(resolver: Resolver) -> None:
    g1, r1 = run(ror, SHARED / "ror" / "ror_v1_thueringen.json", resolver)
    g2, r2 = run(ror, SHARED / "ror" / "ror_v2_thueringen.json", resolver)
    assert (r1.rows_read, r2.rows_read) == (37, 36)
    # defect 5: withdrawn records skipped and reported
    assert len(r1.skipped) == len(r2.skipped) == 2 and all("withdrawn" in s for s in r1.skipped)
    # defect 2: different German names of one id do not become two preferred names
    both = g1 + g2
    lda = URIRef(ID + "org/ror-0070z0z95")
    assert len([o for o in both.objects(lda, SKOS.prefLabel) if o.language == "de"]) == 1
    # defect 1: the typo is kept as ROR prints it
    assert any("Materialfoschngs" in str(o) for o in both.objects(None, None))
    # parents → org:unitOf; external ids → links
    assert list(both.objects(None, URIRef("http://www.w3.org/ns/org#unitOf")))
    assert any(str(o).startswith("http://www.wikidata.org/entity/Q") for o in both.objects(None, OWL.sameAs))
    # FSU by ROR name → curated FSU (override)
    assert ID + "org/fsu" in {m["target"] for m in r2.matches}


def test_nuts_workbook_and_postcodes(resolver: Resolver) -> None:
    g, _report = run(nuts, SHARED / "nuts" / "NUTS2021.xlsx", resolver)
    deg03 = URIRef("http://data.europa.eu/nuts/code/DEG03")
    assert g.value(deg03, SKOS.prefLabel) == Literal("Jena, Kreisfreie Stadt", lang="de")
    assert (deg03, SKOS.broader, URIRef("http://data.europa.eu/nuts/code/DEG0")) in g
    assert len([s for s in g.subjects(SKOS.notation, None) if str(s).startswith("http://data.europa.eu/nuts/code/DEG")]) == 25
    assert g.value(URIRef("http://data.europa.eu/nuts/code/DEZZZ"), URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    pg, preport = run(nuts, SHARED / "nuts" / "pc2020_DE_NUTS-2021_v3.0.csv", resolver)
    assert preport.rows_read == 8181
    place = URIRef(ID + "place/postcode-de-07743")
    assert pg.value(place, URIRef("http://purl.org/dc/terms/isPartOf")) == deg03
    # EFRE defect 12: these postcodes are not in the gazetteer
    assert (URIRef(ID + "place/postcode-de-98704"), None, None) not in pg


def test_nace_short_rows(resolver: Resolver) -> None:
    g, report = run(nace, SHARED / "nace" / "nacecodes.csv", resolver)
    assert report.resources["concepts"] == 1783
    c = URIRef(ID + "field/nace-01-1")
    assert (c, SKOS.broader, URIRef(ID + "field/nace-01")) in g
    assert (c, SKOS.closeMatch, URIRef("http://data.europa.eu/ux2/nace2.1/011")) in g
    # the official IRI pattern: section letter, code without dots; level 5 (national) has no EU link
    assert (URIRef(ID + "field/nace-a"), SKOS.closeMatch, URIRef("http://data.europa.eu/ux2/nace2.1/A")) in g
    assert (URIRef(ID + "field/nace-01-11"), SKOS.closeMatch, URIRef("http://data.europa.eu/ux2/nace2.1/0111")) in g
    links = [o for o in g.objects(None, SKOS.closeMatch) if str(o).startswith("http://data.europa.eu/ux2/nace2.1/")]
    assert len(links) == 22 + 87 + 287 + 651
    assert not list(g.objects(URIRef(ID + "field/nace-01-110"), SKOS.closeMatch))


# --- bad input ------------------------------------------------------------------------------------

def efre_fixture(tmp_path: Path, edit: object = None, name: str = "efre_2014_2020_bad.csv", encoding: str = "utf-8") -> Path:
    lines = (SHARED / "efre_thueringen" / "efre_2014_2020_vorhaben_20160630.csv").read_text(encoding="utf-8").splitlines()[:4]
    if edit is not None:
        lines = edit(lines)  # type: ignore[operator]
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding, errors="replace"))
    return path


def test_wrong_header_names_column(tmp_path: Path) -> None:
    path = efre_fixture(tmp_path, lambda ls: [ls[0].replace("operation postcode", "PLZ"), *ls[1:]])
    with pytest.raises(BadInput) as caught:
        efre.read(path)
    assert caught.value.line == 1 and caught.value.column == 8 and "operation postcode" in str(caught.value)


def test_wrong_delimiter(tmp_path: Path) -> None:
    path = efre_fixture(tmp_path, lambda ls: [ls[0].replace(";", ","), *ls[1:]])
    with pytest.raises(BadInput, match=r"bad\.csv:1:1: expected 10 columns separated by ';' \(it looks ','-separated\)"):
        efre.read(path)


def test_undecodable_encoding(tmp_path: Path) -> None:
    path = efre_fixture(tmp_path, encoding="latin-1")
    with pytest.raises(BadInput) as caught:
        efre.read(path)
    assert caught.value.line == 1 and "cannot be decoded as utf-8" in str(caught.value)


def test_missing_column(tmp_path: Path) -> None:
    path = efre_fixture(tmp_path, lambda ls: [";".join(line.split(";")[:9]) for line in ls])
    with pytest.raises(BadInput, match="missing column 'name of category of intervention'"):
        efre.read(path)


def test_short_row_names_line(tmp_path: Path) -> None:
    path = efre_fixture(tmp_path, lambda ls: [*ls[:2], ls[2].rsplit(";", 1)[0], *ls[3:]])
    with pytest.raises(BadInput) as caught:
        efre.read(path)
    assert caught.value.line == 3 and "expected 10 fields" in str(caught.value)


def test_malformed_number_and_date(tmp_path: Path, resolver: Resolver) -> None:
    path = efre_fixture(tmp_path, lambda ls: [*ls[:2], ls[2].replace("20.800,00 €", "20.800,00.1 €"), *ls[3:]])
    with pytest.raises(BadInput) as caught:
        efre.transform(efre.read(path), path, resolver, ImportReport("efre"))
    assert caught.value.line == 3 and caught.value.column == "total eligible expenditure"
    path = efre_fixture(tmp_path, lambda ls: [*ls[:3], ls[3].replace(";06.04.2016;", ";2016-04-06;"), *ls[4:]],
                        name="efre_2014_2020_baddate.csv")
    rows = efre.read(path)
    report = ImportReport("efre")
    with pytest.raises(BadInput, match=r"expected a date DD\.MM\.YYYY"):
        efre.transform(rows, path, resolver, report)
    # --skip-bad-rows: the row is skipped and listed, the others import
    report = ImportReport("efre")
    g = efre.transform(rows, path, resolver, report, skip_bad_rows=True)
    assert len(report.skipped) == 1 and "baddate.csv:4" in report.skipped[0]
    assert report.resources["projects"] == 2 and len(g) > 0


def test_malformed_json_and_missing_field(tmp_path: Path, resolver: Resolver) -> None:
    text = (SHARED / "cordis_format_samples" / "h2020_organization_first5.json").read_text(encoding="utf-8")
    path = tmp_path / "organization.json"
    path.write_text(text.replace('"ecContribution": 101058.75,', '"ecContribution": 101058.75', 1), encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        cordis.read(path)
    assert (caught.value.line, caught.value.column) == (9, 5) and "malformed JSON" in str(caught.value)
    path.write_text(text.replace('"role": "participant",', "", 1), encoding="utf-8")
    with pytest.raises(BadInput, match=r"organization\.json:1, column 'role': record has no field 'role'"):
        cordis.read(path)
    path.write_text(text.replace('"ecContribution": 101058.75,', '"ecContribution": "viel",', 1), encoding="utf-8")
    with pytest.raises(BadInput, match="expected an amount"):
        cordis.transform(cordis.read(path), path, resolver, ImportReport("cordis"))


# --- DFG GEPRIS, IMI -----------------------------------------------------------------------------

def test_gepris_defects(resolver: Resolver) -> None:
    from thcm_graph.importers import gepris

    g, report = run(gepris, SHARED / "dfg_gepris_fubhcc" / "geo_data_continents_thueringen.json", resolver)
    assert report.rows_read == 441 and report.resources["participations"] == 508 and report.resources["organisations"] == 63
    matched = {m["record"]: m["target"] for m in report.matches}
    # defect 1: sub-units stay separate actors; only the body reaches the curated FSU / TU Ilmenau
    assert matched.get(ID + "org/dfg-10363") == ID + "org/fsu" and ID + "org/dfg-13936" not in matched
    assert matched.get(ID + "org/dfg-10361") == ID + "org/tu-ilmenau" and ID + "org/dfg-13917" not in matched
    # defect 2: the Leipzig iDiv name with "Jena" is never matched (override "-")
    assert ID + "org/dfg-243359270" not in matched
    # defect 5: the project id repeated per institution gives one project; floats like 268853.0 are accepted
    assert len(set(g.subjects(RDF.type, URIRef(THCM + "FundedProject")))) == 441
    # defect 6: the four duplicate-looking projects are kept as four
    assert all((URIRef(ID + f"project/dfg-{p}"), None, None) in g for p in (78189773, 78189991, 78190011, 78190053))


def test_gepris_float_ids_and_bad_lists(tmp_path: Path, resolver: Resolver) -> None:
    from thcm_graph.importers import gepris

    path = tmp_path / "geo.json"
    path.write_text('[{"institution_ids":[10361.0],"names":["Technische Universität Ilmenau"],"id":[268853.0],"continents":["Europe"]}]\n')
    g, _ = run(gepris, path, resolver)
    assert (URIRef(ID + "project/dfg-268853"), None, None) in g
    path.write_text('[{"institution_ids":[1, 2],"names":["A"],"id":[3, 3],"continents":[]}]\n')
    with pytest.raises(BadInput, match="column 'names': expected as many names as institution_ids"):
        gepris.read(path)


def test_imi_defects(resolver: Resolver) -> None:
    from thcm_graph.importers import imi

    g, report = run(imi, SHARED / "imi_project_navigator" / "markers_thueringen_projects.js", resolver)
    assert report.rows_read == 116  # defect 1: BOM, Python-repr dicts and ','-only lines read
    zeiss = URIRef(ID + "org/imi-915992050")
    assert g.value(zeiss, SKOS.prefLabel) == Literal("CARL ZEISS MEDITEC AG")  # no language stated
    homepages = {str(o) for o in g.objects(None, URIRef("http://xmlns.com/foaf/0.1/homepage"))}
    assert "http://" not in homepages  # defect 3
    full = {str(o) for o in g.objects(None, URIRef(LOCN + "fullAddress"))}
    assert "Bachstraße 18, 07743, Jena, DE" in full  # defect 4
    assert "07743" in {str(o) for o in g.objects(None, URIRef(LOCN + "postCode"))}  # defect 6
    assert "GB" in {str(o) for o in g.objects(None, URIRef("https://schema.org/addressCountry"))} and "UK" not in {
        str(o) for o in g.objects(None, URIRef("https://schema.org/addressCountry"))}
    pg, preport = run(imi, SHARED / "imi_project_navigator" / "participants_thueringen.js", resolver)
    assert preport.resources == {"projects": 5, "participations": 129}
    assert not list(pg.objects(None, URIRef(THCM + "participationRole")))  # defect 7: the source gives no roles


# --- golden file ------------------------------------------------------------------------------------

def test_cordis_golden_file(resolver: Resolver) -> None:
    """The first five CORDIS records against a reviewed expected graph, compared as graphs."""
    from rdflib.compare import isomorphic

    path = SHARED / "cordis_format_samples" / "h2020_organization_first5.json"
    g, _ = run(cordis, path, resolver)
    expected = Graph().parse(Path(__file__).parent / "cordis" / "first5" / "expected.ttl")
    assert isomorphic(g, expected)


def test_postcodes_outside_the_gazetteer_and_bad_vat_are_reported(resolver: Resolver) -> None:
    rows = nuts.read(SHARED / "nuts" / "pc2020_DE_NUTS-2021_v3.0.csv")
    known = {r.values["CODE"] for r in rows}
    path = SHARED / "cordis_format_samples" / "h2020_semiconductor_ev_organization.json"
    report = ImportReport("cordis")
    g = cordis.transform(cordis.read(path), path, resolver, report, gazetteer=known)
    # CORDIS defect 3: FSU Jena's 4067 is not a German postcode
    assert any("postcode 4067 of" in n and "FRIEDRICH-SCHILLER-UNIVERSITAT JENA" in n for n in report.notes)
    # CORDIS defect 8: Lufthansa Technik's 10-digit VAT id is reported and not stated
    assert any("DE8117115450" in n and "malformed" in n for n in report.notes)
    assert Literal("VAT DE8117115450") not in set(g.objects(None, None))
    # EFRE 2014-20 defect 12: 11 operations with postcodes missing from the GISCO list
    path = SHARED / "efre_thueringen" / "efre_2014_2020_vorhaben_20160630.csv"
    report = ImportReport("efre")
    efre.transform(efre.read(path), path, resolver, report, gazetteer=known)
    missing = [n for n in report.notes if "not in the GISCO postcode list" in n]
    assert len(missing) == 11 and any(":306:" in n and "98704" in n for n in missing)
