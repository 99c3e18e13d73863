"""Entity resolution: normalisation, the hand-labelled gold set (precision/recall), overrides."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from thcm_graph.importers.resolve import THRESHOLD, Candidate, Override, Resolver, cluster, decide, normalise, repair_mojibake

HERE = Path(__file__).parent
#: Floors the resolution rule (:func:`decide`) must keep on each part of the gold set. Precision is
#: held high because a false merge corrupts the graph (two actors' projects become one's), while a
#: missed match only leaves a duplicate that an override or an identifier can fix.
#: "tuned": the 66 pairs the threshold (0.88) and the rule were developed on — measured precision
#: 1.000, recall 0.974. "held-out": 57 pairs labelled by hand and committed before the rule was
#: first run on them (ROR/DFG/CORDIS names against ERDF names, ERDF towns and districts) and never
#: used to change it — measured at that first run: precision 0.947 (1 FP: Stadt Bad Liebenstein /
#: Stadt Bad Lobenstein), recall 0.621 (English ROR names of German institutes, added words such
#: as "Verein …" or "… Beutenberg Campus"). Its floors only guard against regressions.
FLOORS = {"tuned": (0.95, 0.85), "held-out": (0.90, 0.55)}


def gold() -> list[tuple[str, str, bool, str, str]]:
    with (HERE / "gold_pairs.csv").open(encoding="utf-8", newline="") as handle:
        return [(r["name_a"], r["name_b"], r["same"] == "1", r["where"], r["part"]) for r in csv.DictReader(handle)]


def test_gold_set_is_large_and_balanced_with_a_held_out_part() -> None:
    pairs = gold()
    for part in FLOORS:
        chosen = [p for p in pairs if p[4] == part]
        assert len(chosen) >= 30, part
        assert sum(p[2] for p in chosen) >= 12 and sum(not p[2] for p in chosen) >= 12, part
    assert {p[4] for p in pairs} == set(FLOORS)


@pytest.mark.parametrize("part", list(FLOORS))
def test_gold_set_precision_and_recall(part: str) -> None:
    tp = fp = fn = tn = 0
    misses = []
    for a, b, same, where, p in gold():
        if p != part:
            continue
        decision = decide(a, b)
        tp += decision.same and same
        fp += decision.same and not same
        fn += (not decision.same) and same
        tn += (not decision.same) and not same
        if decision.same != same:
            misses.append(f"{'FN' if same else 'FP'} {decision.evidence}: {a!r} / {b!r} ({where})")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"\nentity resolution gold set, {part} part: {tp + fp + fn + tn} pairs, threshold {THRESHOLD}: "
          f"precision {precision:.3f}, recall {recall:.3f} (TP {tp}, FP {fp}, FN {fn}, TN {tn})")
    for miss in misses:
        print("  " + miss)
    assert precision >= FLOORS[part][0]
    assert recall >= FLOORS[part][1]


def test_a_word_in_place_of_another_is_a_different_organisation() -> None:
    # same name in a different town, "Stadtwerke X" / "Stadtwerke Y", two firms with a shared trade word
    assert not decide("Technologie- und Gründerzentrum Gera GmbH", "Technologie- und Gründerzentrum Ilmenau GmbH").same
    assert not decide("Stadtwerke Gotha GmbH", "Stadtwerke Schnaudertal GmbH").same
    assert not decide("VISTA electronic GmbH", "VIA electronic GmbH").same
    # a typo, an added legal form or a bracketed abbreviation is not a different word
    assert decide("auromation Uhr GmbH", "automation Uhr GmbH").same
    assert decide("Institut für Photonische Technologien (IPHT) e.V.", "Leibniz-Institut für Photonische Technologien e.V.").same


def test_postcodes_on_both_sides_must_agree() -> None:
    assert decide("Jenoptik AG", "JENOPTIK AG", postcodes_a=["07739"], postcodes_b=["07739", "07745"]).same
    assert not decide("Jenoptik AG", "JENOPTIK AG", postcodes_a=["07739"], postcodes_b=["99084"]).same
    assert decide("Jenoptik AG", "JENOPTIK AG", postcodes_a=["07739"]).same  # one side without: names decide


def test_normalisation_handles_the_readme_defects() -> None:
    assert repair_mojibake("Universit√§tsklinikum Jena") == "Universitätsklinikum Jena"
    assert normalise("FRIEDRICH-SCHILLER-UNIVERSITAT JENA") == normalise("Friedrich Schiller Universität Jena")
    assert normalise("TECHNISCHE UNIVERSITAET ILMENAU") == normalise("Technische Universität Ilmenau")
    assert normalise("X G.m.b.H.") == normalise("X GmbH") == normalise("x gmbh") == "x"
    assert normalise("Verein e. V.") == normalise("Verein e.V.") == normalise("Verein eingetragener Verein")
    assert normalise("MUNCHEN") == normalise("MUENCHEN")


def test_identifier_wins_then_override_then_score() -> None:
    cands = [Candidate("https://w3id.org/thcm/id/org/fsu", ("FSU",), frozenset({"ror:https://ror.org/05qpz1x62"})),
             Candidate("https://w3id.org/thcm/id/org/tab", ("Thüringer Aufbaubank",))]
    r = Resolver(cands, [Override("*", "Friedrich-Schiller-Universität Jena", "https://w3id.org/thcm/id/org/fsu", "abbr"),
                         Override("efre", "Thüringer Aufbaubank AöR", None, "test: never")])
    m = r.resolve("Friedrich Schiller University Jena", source="ror", identifiers=["ror:https://ror.org/05qpz1x62"])
    assert m.target.endswith("/fsu") and m.evidence.startswith("identifier")
    m = r.resolve("FRIEDRICH-SCHILLER-UNIVERSITAT JENA", source="cordis")
    assert m.target.endswith("/fsu") and "override" in m.evidence
    assert r.resolve("Thüringer Aufbaubank AöR", source="efre").target is None
    m = r.resolve("Thueringer Aufbaubank", source="cordis")
    assert m.target.endswith("/tab") and m.score >= THRESHOLD and "similarity" in m.evidence


def test_cluster_groups_spelling_variants_within_a_file() -> None:
    groups = cluster(["4H - JENA engineering GmbH", "4H- JENA engeneering GmbH", "artefactum GmbH", "artefactum gmbh", "Adam GmbH"])
    assert groups["4H- JENA engeneering GmbH"] == "4H - JENA engineering GmbH"
    assert groups["artefactum gmbh"] == "artefactum GmbH"
    assert groups["Adam GmbH"] == "Adam GmbH"


def test_overrides_file_points_to_curated_actors() -> None:
    repo = HERE.parent.parent
    resolver = Resolver.for_project(repo / "data")
    known = {c.iri for c in resolver.candidates}
    assert resolver.overrides
    for ov in resolver.overrides:
        assert ov.target is None or ov.target in known, ov
