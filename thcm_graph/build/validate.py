"""SHACL validation with pySHACL, returned as a :class:`ValidationReport` (never printed here).

The data graph is the union of every data graph, the inferred graph and the ontology; the
shapes come from ``shapes/*.ttl``. Inference is off (``inference="none"``): the build has
already materialised what the shapes rely on (see :mod:`.entail`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import Graph, Namespace
from rdflib.term import Node

from ..errors import DataSyntaxError, SyntaxProblem
from ..namespaces import PREFIXES
from ..store import OxigraphStore
from .parse import check_syntax

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Problem:
    """One SHACL validation result, in the terms a data maintainer needs."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str | None
    locations: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f" (in {', '.join(self.locations)})" if self.locations else ""
        parts = [f"{self.severity}: {self.focus}{where}"]
        if self.path:
            parts.append(f"path {self.path}")
        if self.value is not None:
            parts.append(f"value {self.value}")
        return " — ".join(parts) + f"\n    {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """All results of one validation run."""

    problems: tuple[Problem, ...]

    @property
    def violations(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "Violation")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "Warning")

    @property
    def notes(self) -> tuple[Problem, ...]:
        """Results of severity sh:Info: hints, not problems."""
        return tuple(p for p in self.problems if p.severity == "Info")

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings do not stop a build)."""
        return not self.violations

    def summary(self, limit: int = 50) -> str:
        shown = self.violations[:limit]
        text = f"{len(self.violations)} SHACL violation(s):\n" + "\n".join(f"  {p}" for p in shown)
        if len(self.violations) > limit:
            text += f"\n  … and {len(self.violations) - limit} more"
        return text


def load_shapes(shapes_dir: Path, display: Callable[[Path], str] = str) -> Graph:
    """Parse every ``*.ttl`` in the shapes folder into one graph; syntax errors name file and line."""
    shapes = Graph()
    problems = []
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        problems.append(SyntaxProblem(str(shapes_dir), None, None, "no *.ttl shape files found (set THCM_SHAPES_DIR)"))
    for path in files:
        problem = check_syntax(path, display=display(path))
        if problem is None:
            shapes.parse(path, format="turtle")
        else:
            problems.append(problem)
    if problems:
        raise DataSyntaxError(problems)
    return shapes


def to_rdflib(store: OxigraphStore, graphs: Sequence[str]) -> Graph:
    """The union of ``graphs`` as one rdflib graph (pySHACL validates a Dataset graph by graph)."""
    union = Graph()
    for prefix, namespace in PREFIXES.items():
        union.bind(prefix, namespace, override=True)
    for graph in graphs:
        union.parse(data=store.dump_bytes(fmt="ntriples", graph=graph), format="nt")
    return union


def validate(data: Graph, shapes: Graph, *, locate: Callable[[str], list[str]] | None = None) -> ValidationReport:
    """Validate ``data`` against ``shapes`` and collect every result."""
    _, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    problems = [_problem(results, r, data, locate) for r in results.subjects(SH.resultSeverity, None)]
    return ValidationReport(sort_problems(problems))


def sort_problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Violations first, then by focus node, path and message (a stable order for reports)."""
    return tuple(sorted(problems, key=lambda p: (p.severity != "Violation", p.focus, p.path or "", p.message, p.value or "")))


def _problem(results: Graph, result: Node, data: Graph, locate: Callable[[str], list[str]] | None) -> Problem:
    def one(predicate: Node) -> Node | None:
        return results.value(result, predicate)

    focus = one(SH.focusNode)
    path = one(SH.resultPath)
    value = one(SH.value)
    severity = one(SH.resultSeverity)
    messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    shape = one(SH.sourceShape)
    return Problem(
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        focus=_show(data, focus),
        path=_show(data, path) if path is not None else None,
        value=_show(data, value) if value is not None else None,
        message=" ".join(messages) or "constraint not met",
        shape=_show(data, shape) if shape is not None else None,
        locations=tuple(locate(str(focus))) if locate and focus is not None else (),
    )


def _show(graph: Graph, node: Node | None) -> str:
    if node is None:
        return "?"
    try:
        return node.n3(graph.namespace_manager)
    except Exception:
        return str(node)
