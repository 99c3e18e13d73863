"""Find the build's input files and parse them into a staging store, one named graph per source.

``ontology/*.ttl`` go into ``graph/ontology``; ``data/<name>/**/*.ttl`` into ``graph/<name>``
(one directory per source document, DESIGN.md §2). Every file is parsed even after an error,
so one run reports every syntax problem with its file, line and column.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import DataSyntaxError, InputError, SyntaxProblem
from ..namespaces import ONTOLOGY_GRAPH, graph_iri
from ..store import OxigraphStore

GRAPH_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: File endings the build reads, and their parser.
PARSERS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}
#: Folders of data/ that hold inputs of other tools, not graph data (entity-resolution overrides).
NOT_GRAPHS = {"resolution"}
#: Files in data/ that are documentation, not data.
IGNORED = {".md", ".txt"}


@dataclass(frozen=True)
class SourceFile:
    """One input file and the named graph its triples go to."""

    path: Path
    graph: str
    display: str  # path as shown to people (relative to the project)

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass
class ParseResult:
    """The staging store with every parsed file, and where each subject was written."""

    store: OxigraphStore
    files: list[SourceFile]
    triples_per_file: dict[str, int] = field(default_factory=dict)
    subjects: dict[str, list[SourceFile]] = field(default_factory=lambda: defaultdict(list))

    def locate(self, iri: str) -> list[str]:
        """``file:line`` of the places where ``iri`` is a subject (for messages about a node)."""
        return [f"{f.display}:{_first_line(f.path, iri)}" for f in self.subjects.get(iri, [])]


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def discover(ontology_dir: Path, data_dir: Path, project_dir: Path, imports_dir: Path | None = None) -> list[SourceFile]:
    """All input files, in a stable order; :class:`InputError` for a misplaced or unknown file.

    ``imports_dir`` holds the graphs written by ``thcm import``: ``<graph-name>.nt``, one per
    imported file, each going to the named graph of its file name (see docs/importers.md).
    """
    if not ontology_dir.is_dir():
        raise InputError(f"ontology folder {ontology_dir} does not exist (set THCM_ONTOLOGY_DIR)")
    if not data_dir.is_dir():
        raise InputError(f"data folder {data_dir} does not exist (set THCM_DATA_DIR)")
    files = [
        SourceFile(p, ONTOLOGY_GRAPH, display_path(p, project_dir))
        for p in sorted(ontology_dir.glob("*.ttl"))
    ]
    problems: list[str] = []
    for path in sorted(data_dir.rglob("*")):
        if path.is_dir() or path.suffix in IGNORED or path.name.startswith("."):
            continue
        relative = path.relative_to(data_dir)
        if relative.parts[0] in NOT_GRAPHS:
            continue
        shown = display_path(path, project_dir)
        if path.suffix not in PARSERS:
            problems.append(f"{shown}: unknown file type {path.suffix!r}; the build reads {', '.join(PARSERS)}")
        elif len(relative.parts) < 2:
            problems.append(f"{shown}: data files belong in data/<graph-name>/, one folder per source document")
        elif not GRAPH_NAME.match(relative.parts[0]):
            problems.append(
                f"{shown}: folder name {relative.parts[0]!r} is not a graph name (lower-case a-z, 0-9, words joined by '-')"
            )
        else:
            files.append(SourceFile(path, graph_iri(relative.parts[0]), shown))
    if problems:
        raise InputError("misplaced files in the data folder:\n  " + "\n  ".join(problems))
    if imports_dir is not None and imports_dir.is_dir():
        for path in sorted(imports_dir.glob("*.nt")):
            if GRAPH_NAME.match(path.stem) and path.stem.startswith("import-"):
                files.append(SourceFile(path, graph_iri(path.stem), display_path(path, project_dir)))
    return files


def parse_files(files: Iterable[SourceFile]) -> ParseResult:
    """Parse every file into a fresh in-memory store; raise :class:`DataSyntaxError` listing all failures."""
    files = list(files)
    result = ParseResult(OxigraphStore.in_memory(), files)
    problems: list[SyntaxProblem] = []
    for source in files:
        graph = ox.NamedNode(source.graph)
        try:
            with source.path.open("rb") as handle:
                quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(handle, format=PARSERS[source.path.suffix])]
        except SyntaxError as exc:
            problems.append(_problem(source, exc))
            continue
        except UnicodeDecodeError as exc:
            problems.append(SyntaxProblem(source.display, None, None, f"not UTF-8: {exc}"))
            continue
        result.store.add_quads(quads)
        result.triples_per_file[source.display] = len(quads)
        seen: set[str] = set()
        for quad in quads:
            subject = quad.subject
            if isinstance(subject, ox.NamedNode) and subject.value not in seen:
                seen.add(subject.value)
                result.subjects[subject.value].append(source)
    if problems:
        raise DataSyntaxError(problems)
    return result


def check_syntax(path: Path, *, display: str) -> SyntaxProblem | None:
    """The first syntax problem of a Turtle file, or None when it parses."""
    try:
        with path.open("rb") as handle:
            for _ in ox.parse(handle, format=PARSERS[".ttl"]):
                pass
    except SyntaxError as exc:
        return _problem(SourceFile(path, "", display), exc)
    except UnicodeDecodeError as exc:
        return SyntaxProblem(display, None, None, f"not UTF-8: {exc}")
    return None


def _problem(source: SourceFile, exc: SyntaxError) -> SyntaxProblem:
    """Turn pyoxigraph's SyntaxError (``lineno``/``offset`` set for file positions) into a problem."""
    message = exc.msg if exc.msg else str(exc)
    message = re.sub(r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ", "", message)
    return SyntaxProblem(source.display, exc.lineno, exc.offset, message)


def _first_line(path: Path, iri: str) -> int | str:
    """Line of the first statement about ``iri`` in a Turtle file: written in full or as a prefixed name."""
    text = path.read_text(encoding="utf-8")
    forms = [f"<{iri}>"]
    for prefix, namespace in re.findall(r"@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", text, flags=re.IGNORECASE):
        if iri.startswith(namespace) and namespace:
            forms.append(f"{prefix}:{iri[len(namespace):]}")
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if any(stripped.startswith(form) and stripped[len(form):len(form) + 1] in ("", " ", "\t") for form in forms):
            return number
    return "?"
