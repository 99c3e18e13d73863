"""Actors of earlier imports as entity-resolution candidates, so that the sources meet each other
and not only the curated actors: an ERDF 2007-2013 beneficiary resolves to the same firm in the
2014-2020 list, an ERDF beneficiary to a German CORDIS participant or a ROR organisation.

A record is resolved only against sources that come *before* its own in :data:`PRECEDENCE`
(registries before project lists, the newer ERDF list before the older one), so two imports never
point at each other and re-importing a file gives the same graph as long as the sources before
it are unchanged. Candidates are read from the graph files already in ``var/imports`` and from
the files imported earlier in the same command (``thcm import efre <2014-2020> <2007-2013>``).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from ..namespaces import ID_NS, LOCN, ORG, SCHEMA
from .base import import_graph_name
from .resolve import Candidate

#: Import graphs by precedence: a file is resolved against the actors of the kinds before it.
PRECEDENCE: tuple[str, ...] = ("ror", "cordis", "efre-2014-2020", "efre-2007-2013")
_THCM = "https://w3id.org/thcm/ontology#"


def rank_of_graph(graph_name: str) -> int | None:
    """The precedence of an import graph (``import-<source>-<stem>``), None if it takes no part.

    >>> rank_of_graph("import-efre-efre-2007-2013-beguenstigte"), rank_of_graph("import-nace-nacecodes")
    (3, None)
    """
    if graph_name.startswith("import-ror-"):
        return 0
    if graph_name.startswith("import-cordis-"):
        return 1
    if graph_name.startswith("import-efre-"):
        if "2014" in graph_name:
            return 2
        if "2007" in graph_name:
            return 3
    return None


def rank_of(source: str, path: Path) -> int | None:
    """The precedence of the file ``path`` imported as ``source``."""
    return rank_of_graph(import_graph_name(source, path))


def candidates(graph: Graph, origin: str) -> list[Candidate]:
    """The actors of one import graph as candidates: their names, postcodes and identifiers.

    The candidate's IRI is the actor its participations name: the curated actor it was matched
    to (``owl:sameAs``), else its own. Organisations registered outside Germany are left out
    (the ERDF lists hold Thuringian beneficiaries only).
    """
    org_ns = ID_NS + "org/"
    postcode = URIRef(LOCN + "postCode")
    site_address = URIRef(ORG + "siteAddress")
    found: list[Candidate] = []
    for s in sorted({x for x in graph.subjects(SKOS.prefLabel, None) if isinstance(x, URIRef)}):
        if not str(s).startswith(org_ns):
            continue
        country = graph.value(s, URIRef(SCHEMA + "addressCountry"))
        if country is not None and str(country) != "DE":
            continue
        names = {str(o) for p in (SKOS.prefLabel, SKOS.altLabel) for o in graph.objects(s, p)}
        target = next((o for o in graph.objects(s, OWL.sameAs) if str(o).startswith(org_ns)), s)
        codes: set[str] = set()
        for site in graph.objects(s, URIRef(ORG + "hasSite")):  # CORDIS: the organisation's address
            for address in graph.objects(site, site_address):
                codes |= {str(c) for c in graph.objects(address, postcode)}
        for part in graph.subjects(URIRef(_THCM + "participant"), target):  # ERDF 2014-2020: the operations' sites
            for project in graph.subjects(URIRef(_THCM + "hasParticipation"), part):
                for site in graph.objects(project, URIRef("https://schema.org/location")):
                    for address in graph.objects(site, site_address):
                        codes |= {str(c) for c in graph.objects(address, postcode)}
        ids = {"pic:" + str(o).removeprefix("PIC ") for o in graph.objects(s, DCTERMS.identifier) if str(o).startswith("PIC ")}
        ids |= {"ror:" + str(o) for o in graph.objects(s, OWL.sameAs) if str(o).startswith("https://ror.org/")}
        if (s, RDF.type, None) in graph:
            found.append(Candidate(str(target), tuple(sorted(names)), frozenset(ids), None, frozenset(codes), origin))
    return found


def from_imports_dir(imports_dir: Path, below: int, skip: set[str]) -> list[Candidate]:
    """Candidates from the import graph files in ``imports_dir`` ranked before ``below``
    (``skip``: graph names being re-imported by the current command)."""
    found: list[Candidate] = []
    if not imports_dir.is_dir():
        return found
    for path in sorted(imports_dir.glob("import-*.nt")):
        rank = rank_of_graph(path.stem)
        if rank is None or rank >= below or path.stem in skip:
            continue
        found.extend(candidates(Graph().parse(path, format="nt"), path.stem))
    return found
