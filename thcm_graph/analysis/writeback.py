"""Analysis results as RDF, in the named graph ``https://w3id.org/thcm/graph/analysis``.

One ``thcm:AnalysisRun`` (a ``prov:Activity``) records the parameters, the software versions
(``prov:wasAssociatedWith`` ``prov:SoftwareAgent``\\ s), the input build id and the start and end
times; one ``thcm:HubScore`` per actor (``thcm:scoreOf`` the actor, ``prov:wasGeneratedBy`` the run)
carries every measure, the rank, the fields it bridges and the contexts that explain it.

:func:`write_analysis` *replaces* the graph: it drops the old analysis graph before it adds the
new one, so a re-run never duplicates results. Publishing the changed store atomically is the
caller's job (``thcm analyse`` uses :func:`thcm_graph.build.republish`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import platform
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ..namespaces import ID_NS, ONTOLOGY_NS, PROV, SCHEMA
from ..store import Store
from ..store.results import Triple
from .networks import ANALYSIS_GRAPH, load_ecosystem
from .run import Analysis, analyse

THCM = ONTOLOGY_NS
SOFTWARE = ("thcm-graph", "networkx", "igraph", "numpy", "scipy", "pyoxigraph")
_MEASURES = {
    "score": ("hubScore", XSD.decimal),
    "rank": ("hubRank", XSD.integer),
    "degree": ("degree", XSD.integer),
    "weighted_degree": ("weightedDegree", XSD.decimal),
    "fields": ("fieldCount", XSD.integer),
    "betweenness": ("betweenness", XSD.decimal),
    "pagerank": ("pageRank", XSD.decimal),
    "participation": ("participationCoefficient", XSD.decimal),
    "constraint": ("burtConstraint", XSD.decimal),
    "effective_size": ("effectiveSize", XSD.decimal),
    "community": ("community", XSD.integer),
}
_ROLES = {"coordinator": "brokerageCoordinator", "itinerant": "brokerageItinerant",
          "representative": "brokerageRepresentative", "gatekeeper": "brokerageGatekeeper", "liaison": "brokerageLiaison"}


@dataclass(frozen=True)
class WriteResult:
    """What :func:`write_analysis` wrote."""

    run: str
    triples: int
    analysis: Analysis
    started: datetime
    ended: datetime


def _t(name: str) -> URIRef:
    return URIRef(THCM + name)


def _number(value: float, datatype: URIRef) -> Literal | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if datatype == XSD.integer:
        return Literal(str(round(value)), datatype=XSD.integer)
    return Literal(f"{value:.6g}" if abs(value) < 1e-4 and value != 0 else f"{value:.6f}", datatype=XSD.decimal)


def _slug(iri: str) -> str:
    tail = iri.rstrip("/").rsplit("/", 1)[-1]
    if tail and all(c.isascii() and (c.isalnum() or c == "-") for c in tail):
        return tail.lower()
    return hashlib.sha256(iri.encode()).hexdigest()[:16]


def software_versions() -> dict[str, str]:
    """Versions of the packages the analysis depends on, and Python's."""
    found = {"python": platform.python_version()}
    for name in SOFTWARE:
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    return found


def to_triples(analysis: Analysis, *, run: str, input_build_id: str, started: datetime, ended: datetime) -> Iterator[Triple]:
    """The RDF of one run and its scores (see the module docstring)."""
    run_iri = URIRef(run)
    yield run_iri, RDF.type, _t("AnalysisRun")
    yield run_iri, RDF.type, URIRef(PROV + "Activity")
    yield run_iri, RDFS.label, Literal(f"Cross-cluster hub analysis of build {input_build_id}", lang="en")
    yield run_iri, _t("inputBuild"), Literal(input_build_id)
    yield run_iri, URIRef(PROV + "startedAtTime"), Literal(started.isoformat(), datatype=XSD.dateTime)
    yield run_iri, URIRef(PROV + "endedAtTime"), Literal(ended.isoformat(), datatype=XSD.dateTime)
    parameters = json.dumps(analysis.parameters, sort_keys=True, default=str)
    yield run_iri, _t("parameters"), Literal(parameters, datatype=URIRef(str(RDF) + "JSON"))
    for name in ("nmi", "ari"):
        value = analysis.comparison.get(name)
        if isinstance(value, float) and not math.isnan(value):
            yield run_iri, _t(f"{name}WithFields"), Literal(f"{value:.6f}", datatype=XSD.decimal)
    for package, ver in software_versions().items():
        agent = URIRef(f"{run}/software/{package}")
        yield run_iri, URIRef(PROV + "wasAssociatedWith"), agent
        yield agent, RDF.type, URIRef(PROV + "SoftwareAgent")
        yield agent, RDFS.label, Literal(package)
        yield agent, URIRef(SCHEMA + "softwareVersion"), Literal(ver)
    for hub in analysis.scores:
        node = URIRef(f"{run}/{_slug(hub.actor)}")
        yield node, RDF.type, _t("HubScore")
        yield node, _t("scoreOf"), URIRef(hub.actor)
        yield node, URIRef(PROV + "wasGeneratedBy"), run_iri
        for attr, (prop, datatype) in _MEASURES.items():
            value = getattr(hub, attr)
            literal = _number(float(value), datatype) if value is not None else None
            if literal is not None:
                yield node, _t(prop), literal
        for role, prop in _ROLES.items():
            yield node, _t(prop), Literal(str(hub.brokerage[role]), datatype=XSD.integer)
        if hub.is_hub:
            yield node, _t("explanation"), Literal(hub.explanation.text(analysis.ecosystem), lang="en")
        for bridge in hub.explanation.fields:
            yield node, _t("bridgesField"), URIRef(bridge.field)
            for via in bridge.via:
                if via.context:
                    yield node, _t("bridgesVia"), URIRef(via.context)


def write_analysis(store: Store, *, input_build_id: str, run_id: str | None = None, **options: Any) -> WriteResult:
    """Replace the analysis graph of ``store`` with a fresh analysis of the rest of the store."""
    started = datetime.now(UTC)
    store.drop_graph(ANALYSIS_GRAPH)
    analysis = analyse(load_ecosystem(store), **options)
    ended = datetime.now(UTC)
    stamp = run_id or f"{started:%Y%m%dt%H%M%S}{started.microsecond // 1000:03d}z"
    run = f"{ID_NS}analysis/run-{stamp}"
    triples = list(dict.fromkeys(to_triples(analysis, run=run, input_build_id=input_build_id, started=started, ended=ended)))
    store.add_triples(triples, graph=ANALYSIS_GRAPH)
    return WriteResult(run, len(triples), analysis, started, ended)


def analysis_step(**options: Any):
    """A build step (``thcm_graph.build.Step``) that replaces the analysis graph; for ``thcm
    build`` and ``thcm analyse``. Returns the manifest record: run IRI, triples, hubs, timings."""

    def step(store: Store, build_id: str, input_build_id: str) -> dict[str, Any]:
        result = write_analysis(store, input_build_id=input_build_id, **options)
        return {
            "graph": ANALYSIS_GRAPH,
            "run": result.run,
            "input_build_id": input_build_id,
            "triples": result.triples,
            "actors": len(result.analysis.scores),
            "hubs": len(result.analysis.hubs()),
            "communities_vs_fields": result.analysis.comparison,
            "seconds": round((result.ended - result.started).total_seconds(), 3),
        }

    return step
