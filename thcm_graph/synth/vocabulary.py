"""The fixed material the scale generator draws from: kinds, fields, districts, name parts.

Everything here is small and constant (it does not grow with the size asked for). Field IRIs are
the curated ``skos:Concept``s of ``data/`` (RIS 2021–2027, RIS3 2014–2020, Trendatlas 2020), so
that questions "by field" find synthetic actors next to the curated ones.
"""

from __future__ import annotations

from typing import Final

from ..namespaces import ID_NS

#: Actor kinds (``thcm:`` classes) and their share of the actors. Firms dominate, as in the
#: region; networks are drawn separately (:data:`NETWORK_SHARE`).
KIND_SHARES: Final[tuple[tuple[str, float], ...]] = (
    ("university", 0.004),
    ("research-institute", 0.03),
    ("agency", 0.003),
    ("ministry", 0.0005),
    ("chamber", 0.002),
    ("committee", 0.003),
    ("initiative", 0.012),
    ("platform", 0.003),
    ("firm", 0.0),  # the rest
)
#: Share of the actors that are network/cluster organisations (the bodies firms are members of).
NETWORK_SHARE: Final = 0.008
#: The minimum number of each kind, so that a small graph still has every kind.
MIN_PER_KIND: Final = 2

KIND_CLASS: Final[dict[str, str]] = {
    "university": "University",
    "research-institute": "ResearchInstitute",
    "agency": "Agency",
    "ministry": "Ministry",
    "chamber": "Chamber",
    "committee": "Committee",
    "initiative": "Initiative",
    "platform": "Platform",
    "firm": "Firm",
    "network": "NetworkOrganisation",
}

#: Fields of specialisation (curated IRIs) with a weight: RIS 2021–2027 most often.
FIELDS: Final[tuple[tuple[str, float], ...]] = tuple(
    (ID_NS + "field/" + slug, weight) for slug, weight in (
        ("ris-2021-industrielle-produktion-und-systeme", 8.0),
        ("ris-2021-nachhaltige-und-intelligente-mobilitaet-und-logistik", 5.0),
        ("ris-2021-gesundes-leben-und-gesundheitswirtschaft", 6.0),
        ("ris-2021-nachhaltige-energie-und-ressourcenverwendung", 4.0),
        ("ris-2021-ikt-innovative-und-produktionsnahe-dienstleistungen", 5.0),
        ("ris3-2014-biophotonics", 1.0),
        ("ris3-2014-medical-technology", 1.0),
        ("ris3-2014-textile-technologies", 0.5),
        ("ris3-2014-nutrition-industry", 0.5),
        ("trendatlas-2020-automobil", 2.0),
        ("trendatlas-2020-maschinenbau", 2.0),
        ("trendatlas-2020-medizintechnik", 1.0),
        ("trendatlas-2020-kunststoffe", 1.0),
        ("trendatlas-2020-life-sciences", 1.0),
        ("trendatlas-2020-greentech", 1.0),
    )
)

#: NUTS-3 districts of Thuringia with a town and the first postcode of a few postcodes there.
DISTRICTS: Final[tuple[tuple[str, str, str, int], ...]] = (
    # (NUTS code, town, first postcode, how many postcodes)
    ("DEG01", "Erfurt", "99084", 12),
    ("DEG02", "Gera", "07545", 6),
    ("DEG03", "Jena", "07743", 7),
    ("DEG04", "Suhl", "98527", 3),
    ("DEG05", "Weimar", "99423", 5),
    ("DEG06", "Heilbad Heiligenstadt", "37308", 1),
    ("DEG07", "Nordhausen", "99734", 1),
    ("DEG09", "Mühlhausen", "99974", 1),
    ("DEG0A", "Sondershausen", "99706", 1),
    ("DEG0B", "Meiningen", "98617", 1),
    ("DEG0C", "Gotha", "99867", 1),
    ("DEG0D", "Sömmerda", "99610", 1),
    ("DEG0E", "Hildburghausen", "98646", 1),
    ("DEG0F", "Ilmenau", "98693", 1),
    ("DEG0G", "Apolda", "99510", 1),
    ("DEG0H", "Sonneberg", "96515", 1),
    ("DEG0I", "Saalfeld", "07318", 1),
    ("DEG0J", "Eisenberg", "07607", 1),
    ("DEG0K", "Schleiz", "07907", 1),
    ("DEG0L", "Greiz", "07973", 1),
    ("DEG0M", "Altenburg", "04600", 1),
    ("DEG0N", "Eisenach", "99817", 1),
    ("DEG0P", "Bad Salzungen", "36433", 1),
)
#: How often each district is drawn (Jena, Erfurt, Ilmenau and Weimar host most innovators).
DISTRICT_WEIGHTS: Final[tuple[float, ...]] = (
    10, 4, 12, 2, 4, 1, 1, 1, 1, 1, 2, 1, 1, 5, 1, 1, 2, 1, 1, 1, 1, 2, 1,
)

#: Name parts. Each pair is (German, English); the words of :data:`SAMPLE_WORDS` occur in many labels.
SURNAMES: Final = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
                   "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
                   "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Werner",
                   "Krause", "Lehmann", "Köhler", "Herrmann", "König", "Walter")
BRANCHES: Final[tuple[tuple[str, str], ...]] = (
    ("Präzisionsoptik", "Precision Optics"),
    ("Maschinenbau", "Mechanical Engineering"),
    ("Medizintechnik", "Medical Technology"),
    ("Kunststofftechnik", "Plastics Technology"),
    ("Softwareentwicklung", "Software Development"),
    ("Solartechnik", "Solar Technology"),
    ("Logistik", "Logistics"),
    ("Biotechnologie", "Biotechnology"),
    ("Messtechnik", "Measurement Technology"),
    ("Automobilzulieferung", "Automotive Supply"),
    ("Lebensmitteltechnik", "Food Technology"),
    ("Keramik", "Ceramics"),
)
LEGAL_FORMS: Final = ("GmbH", "GmbH & Co. KG", "AG", "UG", "e.K.")
TOPICS: Final[tuple[tuple[str, str], ...]] = (
    ("Photonik", "Photonics"),
    ("Wasserstoff", "Hydrogen"),
    ("Digitalisierung", "Digitalisation"),
    ("Batterietechnik", "Battery Technology"),
    ("Infektionsforschung", "Infection Research"),
    ("Leichtbau", "Lightweight Construction"),
    ("Kreislaufwirtschaft", "Circular Economy"),
    ("Künstliche Intelligenz", "Artificial Intelligence"),
    ("Mikroelektronik", "Microelectronics"),
    ("Gesundheitswirtschaft", "Health Economy"),
)
#: A word found in many German labels and one found in many English labels (for label search).
SAMPLE_WORDS: Final = ("Präzisionsoptik", "Optics")

#: Measures of figures: (property, datatype, unit, subject kind).
UNIT_NUM: Final = "http://qudt.org/vocab/unit/NUM"
UNIT_EUR: Final = "http://qudt.org/vocab/currency/EUR"
ROLES: Final[tuple[tuple[str, str], ...]] = (("Mitglied", "member"), ("Vorsitz", "chair"), ("Sprecher", "spokesperson"))
