"""Generate a Thuringia-like innovation ecosystem of about N triples as N-Quads, streaming.

What is generated (each kind of statement in its own named graph under ``graph/synth-*``):

- ``synth-sources``: three source documents every synthetic fact is derived from;
- ``synth-places``: postcode places (``dct:Location``) in the NUTS-3 districts of Thuringia;
- ``synth-actors``: actors of every kind (firms dominate), names in German and English, a site
  with its address, the district, fields of specialisation (the curated ``skos:Concept`` IRIs),
  ``org:memberOf`` networks; some research institutes are units (``org:unitOf``) of universities;
- ``synth-memberships``: qualified memberships (``org:Membership`` with a role) for some of them;
- ``synth-projects``: funded projects with participations as n-ary resources, as the CORDIS
  importer models them; who takes part is **heavy-tailed** (a few actors in very many projects);
- ``synth-events``: events with organiser, partners and the fields addressed;
- ``synth-figures``: figures as ``qb:Observation``s with unit, period, printed value, locator and
  source; they fill the rest of the budget, so the total is within a few triples of N.

Memory does not grow with N: every entity is generated from the seeded random stream and
written at once; entities refer to others only through their index, drawn from closed-form
heavy-tailed distributions (no table of what has been written is kept).
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Final

from ..namespaces import DCT, FOAF, GRAPH_NS, ID_NS, LOCN, NUTS, ORG, PROV, QB, RDF, RDFS, SCHEMA, SDMX_ATTRIBUTE, SDMX_DIMENSION, SKOS, XSD
from ..namespaces import ONTOLOGY_NS as THCM
from . import vocabulary as v
from .writer import QuadWriter

#: Graph names (under the project's graph namespace).
GRAPHS: Final = {name: f"{GRAPH_NS}synth-{name}" for name in
                 ("sources", "places", "actors", "memberships", "projects", "events", "figures")}
#: Smallest size the generator aims at (below it the fixed part alone overshoots).
MIN_TRIPLES: Final = 2_000

# Expected triples per entity, to split the budget (measured on generated data).
_PER_ACTOR, _PER_PROJECT, _PER_EVENT = 15.0, 35.0, 12.0
_SHARE_ACTORS, _SHARE_PROJECTS, _SHARE_EVENTS = 0.40, 0.38, 0.04
#: Heavy tail: rank = floor(n · u^ALPHA), so P(rank < x) = (x/n)^(1/ALPHA).
_ALPHA_PARTICIPATION, _ALPHA_NETWORK = 3.0, 2.0
_PRIMES: Final = (1_000_003, 999_983, 104_729, 7_919)

_TYPE = f"<{RDF}type>"
_T = f"<{THCM}"


@dataclass(frozen=True)
class Samples:
    """IRIs and words that certainly occur in the generated data (for benchmark queries)."""

    actor: str  #: the actor with the most project participations (the heaviest hub)
    firm: str
    network: str  #: the network with the most members
    field: str  #: a RIS 2021–2027 field many actors are active in
    project: str
    label_de: str  #: a word occurring in many German labels (``skos:prefLabel …@de``)
    label_en: str  #: a word occurring in many English labels
    graphs: tuple[str, ...] = ()


@dataclass
class SynthSummary:
    """What :func:`generate` wrote."""

    path: Path
    triples: int
    seed: int
    per_graph: dict[str, int]
    per_kind: dict[str, int]
    samples: Samples
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def _iri(kind: str, slug: str) -> str:
    return f"<{ID_NS}{kind}/{slug}>"


def _lit(text: str, lang: str) -> str:
    return f'"{text}"@{lang}'


def _typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def _stride(n: int) -> int:
    """A prime not dividing ``n``: ``rank * stride % n`` is then a permutation of range(n)."""
    return next(p for p in _PRIMES if n % p != 0)


class _Layout:
    """How many actors of each kind, in index ranges ``[start, end)``; network first."""

    def __init__(self, actors: int) -> None:
        counts: dict[str, int] = {"network": max(v.MIN_PER_KIND, round(actors * v.NETWORK_SHARE))}
        for kind, share in v.KIND_SHARES:
            if kind != "firm":
                counts[kind] = max(v.MIN_PER_KIND, round(actors * share))
        counts["firm"] = max(v.MIN_PER_KIND * 10, actors - sum(counts.values()))
        self.counts = counts
        self.kinds = list(counts)
        self.starts = [0, *accumulate(counts[k] for k in self.kinds)]
        self.total = self.starts[-1]
        self.range = {k: (self.starts[i], self.starts[i + 1]) for i, k in enumerate(self.kinds)}

    def kind(self, index: int) -> str:
        return self.kinds[bisect(self.starts, index) - 1]

    def iri(self, index: int) -> str:
        return _iri("org", f"synth-{self.kind(index)}-{index}")


def generate(triples: int, seed: int, out: Path) -> SynthSummary:
    """Write about ``triples`` triples (as N-Quads; gzip if ``out`` ends in ``.gz``) for ``seed``.

    Deterministic: the same ``triples`` and ``seed`` give the same bytes.
    """
    if triples < MIN_TRIPLES:
        raise ValueError(f"ask for at least {MIN_TRIPLES} triples (the fixed part alone has several hundred)")
    started = time.perf_counter()
    rng = random.Random(seed)
    rnd = rng.random
    layout = _Layout(int(triples * _SHARE_ACTORS / _PER_ACTOR))
    n_projects = max(10, int(triples * _SHARE_PROJECTS / _PER_PROJECT))
    n_events = max(5, int(triples * _SHARE_EVENTS / _PER_EVENT))
    n_actors = layout.total
    net_start, net_end = layout.range["network"]
    n_networks = net_end - net_start
    research = (layout.range["university"][0], layout.range["research-institute"][1])
    stride = _stride(n_actors)
    offset = rng.randrange(n_actors)

    fields = [f"<{iri}>" for iri, _ in v.FIELDS]
    field_cum = list(accumulate(w for _, w in v.FIELDS))
    district_cum = list(accumulate(v.DISTRICT_WEIGHTS))
    places: list[tuple[str, str, str, str]] = []  # (place IRI, postcode, town, NUTS)
    district_places: list[list[int]] = []
    for nuts, town, first, how_many in v.DISTRICTS:
        district_places.append([])
        for k in range(how_many):
            code = f"{int(first) + k * 2:05d}"
            district_places[-1].append(len(places))
            places.append((_iri("place", f"postcode-de-{code}"), code, town, nuts))

    def pick_field() -> str:
        return fields[bisect(field_cum, rnd() * field_cum[-1])]

    def pick_participant() -> int:
        """A heavy-tailed draw: research bodies lead, then any actor by a permuted Zipf-like rank."""
        if rnd() < 0.3:
            lo, hi = research
            return lo + int((hi - lo) * rnd() ** _ALPHA_PARTICIPATION)
        rank = int(n_actors * rnd() ** _ALPHA_PARTICIPATION)
        return (rank * stride + offset) % n_actors

    def pick_network() -> int:
        return net_start + int(n_networks * rnd() ** _ALPHA_NETWORK)

    sources = [_iri("source", f"synth-{name}") for name in ("register", "funding-database", "statistics")]
    graph = {name: f"<{iri}>" for name, iri in GRAPHS.items()}
    counts: dict[str, int] = {}

    with QuadWriter(out) as w:
        # -- sources ------------------------------------------------------------------------
        g = graph["sources"]
        lines: list[str] = []
        titles = (("Synthetisches Unternehmensregister Thüringen", "de"), ("Synthetic funding database", "en"),
                  ("Synthetische Strukturstatistik Thüringen", "de"))
        for src, (title, lang) in zip(sources, titles, strict=True):
            lines += [
                f"{src} {_TYPE} {_T}SourceDocument> {g} .\n",
                f"{src} <{DCT}title> {_lit(title, lang)} {g} .\n",
                f"{src} <{DCT}publisher> {_lit('thcm synth (generated test data)', 'en')} {g} .\n",
                f"{src} <{DCT}language> <http://id.loc.gov/vocabulary/iso639-1/{lang}> {g} .\n",
                f"{src} <{DCT}issued> {_typed(str(2020 + len(lines) % 5), 'gYear')} {g} .\n",
                f"{src} <{RDFS}comment> {_lit(f'Generated by thcm synth with seed {seed}; not real data.', 'en')} {g} .\n",
            ]
        w.add(lines, GRAPHS["sources"])
        src_register, src_funding, src_stats = sources

        # -- places -------------------------------------------------------------------------
        g = graph["places"]
        lines = []
        for place, code, town, nuts in places:
            lines += [
                f"{place} {_TYPE} <{DCT}Location> {g} .\n",
                f'{place} <{LOCN}postCode> "{code}" {g} .\n',
                f"{place} <{LOCN}postName> \"{town}\" {g} .\n",
                f"{place} <{DCT}isPartOf> <{NUTS}{nuts}> {g} .\n",
                f"{place} <{PROV}wasDerivedFrom> {src_register} {g} .\n",
            ]
        w.add(lines, GRAPHS["places"])

        # -- actors (and their qualified memberships) -----------------------------------------
        g, gm = graph["actors"], graph["memberships"]
        n_memberships = 0
        uni_lo, uni_hi = layout.range["university"]
        for i in range(n_actors):
            kind = layout.kind(i)
            a = layout.iri(i)
            d = bisect(district_cum, rnd() * district_cum[-1])
            nuts, town = v.DISTRICTS[d][0], v.DISTRICTS[d][1]
            postcode = places[district_places[d][int(rnd() * len(district_places[d]))]][1]
            de, en, alt = _names(kind, i, town, rng)
            lines = [
                f"{a} {_TYPE} {_T}{v.KIND_CLASS[kind]}> {g} .\n",
                f"{a} <{SKOS}prefLabel> {_lit(de, 'de')} {g} .\n",
                f"{a} <{DCT}spatial> <{NUTS}{nuts}> {g} .\n",
                f"{a} <{PROV}wasDerivedFrom> {src_register} {g} .\n",
            ]
            if rnd() < 0.85:
                lines.append(f"{a} <{SKOS}prefLabel> {_lit(en, 'en')} {g} .\n")
            if alt:
                lines.append(f"{a} <{SKOS}altLabel> {_lit(alt, 'de')} {g} .\n")
            if rnd() < 0.5:
                lines.append(f"{a} <{FOAF}homepage> <https://synth-{i}.example.org/> {g} .\n")
            site, address = _iri("place", f"site-synth-{i}"), _iri("place", f"address-synth-{i}")
            lines += [
                f"{a} <{ORG}hasSite> {site} {g} .\n",
                f"{site} {_TYPE} <{ORG}Site> {g} .\n",
                f"{site} <{ORG}siteAddress> {address} {g} .\n",
                f"{address} {_TYPE} <{LOCN}Address> {g} .\n",
                f'{address} <{LOCN}postCode> "{postcode}" {g} .\n',
                f'{address} <{LOCN}postName> "{town}" {g} .\n',
            ]
            for active in dict.fromkeys(pick_field() for _ in range(1 + (rnd() < 0.4) + (rnd() < 0.15))):
                lines.append(f"{a} {_T}activeIn> {active} {g} .\n")
            if kind == "research-institute" and rnd() < 0.3:
                parent = layout.iri(uni_lo + int((uni_hi - uni_lo) * rnd()))
                lines += [f"{a} {_TYPE} <{ORG}OrganizationalUnit> {g} .\n", f"{a} <{ORG}unitOf> {parent} {g} .\n"]
            if kind != "network":
                joined = 0 if rnd() < 0.35 else 1 + (rnd() < 0.3) + (rnd() < 0.1)
                memberships: list[str] = []
                for net in dict.fromkeys(pick_network() for _ in range(joined)):
                    body = layout.iri(net)
                    lines.append(f"{a} <{ORG}memberOf> {body} {g} .\n")
                    if rnd() < 0.05:
                        n_memberships += 1
                        role_de, role_en = v.ROLES[int(rnd() * len(v.ROLES))]
                        m, role = _iri("membership", f"synth-{i}-{net}"), _iri("membership", f"synth-{i}-{net}-role")
                        memberships += [
                            f"{m} {_TYPE} <{ORG}Membership> {gm} .\n",
                            f"{m} <{ORG}member> {a} {gm} .\n",
                            f"{m} <{ORG}organization> {body} {gm} .\n",
                            f"{m} <{ORG}role> {role} {gm} .\n",
                            f"{role} {_TYPE} <{ORG}Role> {gm} .\n",
                            f"{role} <{SKOS}prefLabel> {_lit(role_de, 'de')} {gm} .\n",
                            f"{role} <{SKOS}prefLabel> {_lit(role_en, 'en')} {gm} .\n",
                            f"{m} <{PROV}wasDerivedFrom> {src_register} {gm} .\n",
                        ]
                if memberships:
                    w.add(memberships, GRAPHS["memberships"])
            w.add(lines, GRAPHS["actors"])
        counts["actors"], counts["memberships"] = n_actors, n_memberships

        # -- projects with participations ------------------------------------------------------
        g = graph["projects"]
        n_participations = 0
        for p in range(n_projects):
            proj = _iri("project", f"synth-{p}")
            topic_de, topic_en = v.TOPICS[int(rnd() * len(v.TOPICS))]
            year = 2014 + int(rnd() * 10)
            months = 24 + int(rnd() * 25)
            end_year, end_month = year + (months // 12), 1 + months % 12
            cost = 50_000 + int(5_000_000 * rnd() ** 3)
            lines = [
                f"{proj} {_TYPE} {_T}FundedProject> {g} .\n",
                f'{proj} <{DCT}identifier> "SYN-{p}" {g} .\n',
                f"{proj} <{RDFS}label> {_lit(f'{topic_en} {p}', 'en')} {g} .\n",
                f"{proj} <{DCT}title> {_lit(f'{topic_de} in Thüringen: Vorhaben {p}', 'de')} {g} .\n",
                f"{proj} <{DCT}title> {_lit(f'{topic_en} in Thuringia: project {p}', 'en')} {g} .\n",
                f"{proj} <{SCHEMA}startDate> {_typed(f'{year}-01-01', 'date')} {g} .\n",
                f"{proj} <{SCHEMA}endDate> {_typed(f'{end_year}-{end_month:02d}-01', 'date')} {g} .\n",
                f"{proj} {_T}totalCost> {_typed(f'{cost}.00', 'decimal')} {g} .\n",
                f"{proj} {_T}programme> \"{'H2020' if year < 2021 else 'HORIZON'}\" {g} .\n",
                f"{proj} {_T}addressesField> {pick_field()} {g} .\n",
                f"{proj} <{PROV}wasDerivedFrom> {src_funding} {g} .\n",
            ]
            k = min(30, 1 + int(-math.log(1.0 - rnd()) * 3))
            chosen: list[int] = []
            for _ in range(k * 3):
                who = pick_participant()
                if who not in chosen:
                    chosen.append(who)
                if len(chosen) == k:
                    break
            for j, who in enumerate(chosen):
                part = _iri("participation", f"synth-{p}-{j}")
                share = int(cost * 0.7 / len(chosen))
                lines += [
                    f"{proj} {_T}hasParticipation> {part} {g} .\n",
                    f"{part} {_TYPE} {_T}Participation> {g} .\n",
                    f"{part} {_T}participant> {layout.iri(who)} {g} .\n",
                    f"{part} {_T}participationRole> \"{'coordinator' if j == 0 else 'participant'}\" {g} .\n",
                    f"{part} {_T}ecContribution> {_typed(f'{share}.00', 'decimal')} {g} .\n",
                    f"{part} <{PROV}wasDerivedFrom> {src_funding} {g} .\n",
                ]
            n_participations += len(chosen)
            w.add(lines, GRAPHS["projects"])
        counts["projects"], counts["participations"] = n_projects, n_participations

        # -- events --------------------------------------------------------------------------
        g = graph["events"]
        for e in range(n_events):
            ev = _iri("event", f"synth-{e}")
            topic_de, topic_en = v.TOPICS[int(rnd() * len(v.TOPICS))]
            year = 2014 + int(rnd() * 11)
            lines = [
                f"{ev} {_TYPE} <{SCHEMA}Event> {g} .\n",
                f"{ev} <{SKOS}prefLabel> {_lit(f'Fachforum {topic_de} {year} ({e})', 'de')} {g} .\n",
                f"{ev} <{SKOS}prefLabel> {_lit(f'{topic_en} forum {year} ({e})', 'en')} {g} .\n",
                f"{ev} <{SCHEMA}startDate> {_typed(f'{year}-{1 + int(rnd() * 12):02d}-15', 'date')} {g} .\n",
                f"{ev} <{SCHEMA}organizer> {layout.iri(pick_network())} {g} .\n",
                f"{ev} {_T}addressesField> {pick_field()} {g} .\n",
                f"{ev} <{PROV}wasDerivedFrom> {src_register} {g} .\n",
            ]
            for who in dict.fromkeys(pick_participant() for _ in range(1 + int(rnd() * 5))):
                lines.append(f"{ev} {_T}partner> {layout.iri(who)} {g} .\n")
            w.add(lines, GRAPHS["events"])
        counts["events"] = n_events

        # -- figures: the rest of the budget ---------------------------------------------------
        g = graph["figures"]
        f = 0
        while w.total < triples:
            who, round_ = f % n_actors, f // n_actors
            year = 2024 - round_
            kind = layout.kind(who)
            if kind == "network":
                measure, number = "memberCount", 10 + int(300 * rnd() ** 2)
            else:
                measure, number = "employeeCount", 1 + int(5_000 * rnd() ** 4)
            approx = rnd() < 0.2
            printed = f"ca. {number}" if approx else f"{number:,}".replace(",", ".")
            obs = _iri("obs", f"synth-{who}-{measure.lower()}-{year}")
            w.add([
                f"{obs} {_TYPE} <{QB}Observation> {g} .\n",
                f"{obs} {_T}refSubject> {layout.iri(who)} {g} .\n",
                f"{obs} {_T}{measure}> {_typed(str(number), 'integer')} {g} .\n",
                f"{obs} <{SDMX_ATTRIBUTE}unitMeasure> <{v.UNIT_NUM}> {g} .\n",
                f"{obs} <{SDMX_DIMENSION}refPeriod> <http://reference.data.gov.uk/id/year/{year}> {g} .\n",
                f'{obs} {_T}valueAsPrinted> "{printed}" {g} .\n',
                f"{obs} {_T}isApproximate> {_typed('true' if approx else 'false', 'boolean')} {g} .\n",
                f'{obs} {_T}locator> "Tabelle {1 + who % 40}, Zeile {f}" {g} .\n',
                f"{obs} <{PROV}wasDerivedFrom> {src_stats} {g} .\n",
            ], GRAPHS["figures"])
            f += 1
        counts["figures"] = f

    # rank 0 of the research draw gets ~0.3·(R/n)^(-1/3) ≈ 0.9·n^(-1/3) of all draws, more than rank 0
    # of the permuted draw (0.7·n^(-1/3)): the first university is the heaviest hub
    heaviest = research[0]
    firm_lo = layout.range["firm"][0]
    samples = Samples(
        actor=layout.iri(heaviest)[1:-1],
        firm=layout.iri(firm_lo)[1:-1],
        network=layout.iri(net_start)[1:-1],
        field=v.FIELDS[0][0],
        project=_iri("project", "synth-0")[1:-1],
        label_de=v.SAMPLE_WORDS[0],
        label_en=v.SAMPLE_WORDS[1],
        graphs=tuple(GRAPHS.values()),
    )
    return SynthSummary(
        path=out, triples=w.total, seed=seed, per_graph=dict(w.per_graph), per_kind=dict(layout.counts),
        samples=samples, seconds=time.perf_counter() - started, counts=counts,
    )


def _names(kind: str, i: int, town: str, rng: random.Random) -> tuple[str, str, str | None]:
    """German name, English name and (or None) an abbreviation for actor ``i`` of ``kind``."""
    rnd = rng.random
    surname = v.SURNAMES[int(rnd() * len(v.SURNAMES))]
    branch_de, branch_en = v.BRANCHES[int(rnd() * len(v.BRANCHES))]
    topic_de, topic_en = v.TOPICS[int(rnd() * len(v.TOPICS))]
    if kind == "firm":
        form = v.LEGAL_FORMS[int(rnd() * len(v.LEGAL_FORMS))]
        return f"{surname} {branch_de} {form}", f"{surname} {branch_en} {form}", None
    if kind == "university":
        return (f"Hochschule {town} {i}", f"University of Applied Sciences {town} {i}", f"HS{i}")
    if kind == "research-institute":
        return (f"Institut für {branch_de} und {topic_de} {town}", f"Institute of {branch_en} and {topic_en} {town}",
                f"I{branch_de[:3].upper()}{i}")
    if kind == "network":
        return (f"Netzwerk {topic_de} Thüringen {i}", f"{topic_en} Network Thuringia {i}", None)
    if kind == "agency":
        return (f"Agentur für {topic_de} {town}", f"{topic_en} Agency {town}", None)
    if kind == "ministry":
        return (f"Thüringer Ministerium für {topic_de} ({i})", f"Thuringian Ministry of {topic_en} ({i})", None)
    if kind == "chamber":
        return (f"Kammer {town} ({i})", f"Chamber of {town} ({i})", None)
    if kind == "committee":
        return (f"Beirat {topic_de} ({i})", f"{topic_en} Advisory Board ({i})", None)
    if kind == "initiative":
        return (f"Initiative {topic_de} {town}", f"{topic_en} Initiative {town}", None)
    return (f"Plattform {topic_de} ({i})", f"{topic_en} Platform ({i})", None)
