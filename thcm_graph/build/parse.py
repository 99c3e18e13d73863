"""Find the build's input files and parse them into a staging store, one named graph per source.

``ontology/*.ttl`` go into ``graph/ontology``; ``data/<name>/**/*.ttl`` into ``graph/<name>``
(one directory per source document, DESIGN.md §2). Every file is parsed even after an error,
so one run reports every syntax problem with its file, line and column.

**Dumps** (``THCM_INPUT_FILES`` / ``thcm build --input FILE``): N-Quads files (``.nq``, or
gzipped ``.nq.gz``) such as the output of ``thcm synth``. Their graph names come from the quads;
each must be ``https://w3id.org/thcm/graph/<name>`` (not the ontology or inferred graph), else an
:class:`InputError` names the file and line. Dumps are streamed into the store (never held in
Python), and large inputs are parsed into an **on-disk** staging store (``staging``), so the size
of a build is bounded by the disk, not by memory.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from ..errors import DataSyntaxError, InputError, SyntaxProblem
from ..namespaces import GRAPH_NS, INFERRED_GRAPH, ONTOLOGY_GRAPH, graph_iri
from ..store import OxigraphStore

GRAPH_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: File endings the build reads, and their parser.
PARSERS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}
#: Folders of data/ that hold inputs of other tools, not graph data (entity-resolution overrides).
NOT_GRAPHS = {"resolution"}
#: Files in data/ that are documentation, not data.
IGNORED = {".md", ".txt"}
#: Endings of dumps: N-Quads, the graph of each statement named in it.
DUMP_ENDINGS = (".nq", ".nq.gz")
#: Inputs larger than this (in bytes, together) are parsed into an on-disk staging store.
ON_DISK_BYTES = 32 * 2**20


def is_dump(path: Path) -> bool:
    """True for an N-Quads dump (``.nq`` or ``.nq.gz``)."""
    return path.name.endswith(DUMP_ENDINGS)


@dataclass(frozen=True)
class SourceFile:
    """One input file and the named graph its triples go to."""

    path: Path
    graph: str  # "" for a dump: the graphs are named in the file
    display: str  # path as shown to people (relative to the project)

    def sha256(self) -> str:
        return file_digest(self.path).hexdigest()


def file_digest(path: Path) -> hashlib._Hash:
    """SHA-256 of a file, read in chunks (dumps can be gigabytes)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256")


@dataclass
class ParseResult:
    """The staging store with every parsed file, and where each subject was written."""

    store: OxigraphStore
    files: list[SourceFile]
    triples_per_file: dict[str, int] = field(default_factory=dict)
    subjects: dict[str, list[SourceFile]] = field(default_factory=lambda: defaultdict(list))

    def locate(self, iri: str) -> list[str]:
        """``file:line`` of the places where ``iri`` is a subject (for messages about a node).

        Subjects of dumps are not indexed (millions of them): a node described only in a dump
        gets no location; its IRI and the graph name in the message lead to it.
        """
        return [f"{f.display}:{_first_line(f.path, iri)}" for f in self.subjects.get(iri, [])]


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def discover(ontology_dir: Path, data_dir: Path, project_dir: Path, imports_dir: Path | None = None,
             dumps: Sequence[Path] = ()) -> list[SourceFile]:
    """All input files, in a stable order; :class:`InputError` for a misplaced or unknown file.

    ``imports_dir`` holds the graphs written by ``thcm import``: ``<graph-name>.nt``, one per
    imported file, each going to the named graph of its file name (see docs/importers.md).
    ``dumps`` are N-Quads files (``.nq``, ``.nq.gz``) naming their own graphs.
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
    for path in dumps:
        if not is_dump(path):
            raise InputError(f"{path}: an input file must be N-Quads ({' or '.join(DUMP_ENDINGS)}), naming the graph of each statement")
        if not path.is_file():
            raise InputError(f"{path}: input file not found")
        files.append(SourceFile(path, "", display_path(path, project_dir)))
    return files


def needs_disk(files: Iterable[SourceFile]) -> bool:
    """Whether the inputs are large enough to parse into an on-disk staging store."""
    return sum(f.path.stat().st_size for f in files) > ON_DISK_BYTES or any(is_dump(f.path) for f in files)


def parse_files(files: Iterable[SourceFile], staging: Path | None = None) -> ParseResult:
    """Parse every file into a fresh store; raise :class:`DataSyntaxError` listing all failures.

    The store is in memory, or on disk in the (new) directory ``staging``.
    """
    files = list(files)
    result = ParseResult(OxigraphStore.in_memory() if staging is None else OxigraphStore.open(staging), files)
    problems: list[SyntaxProblem] = []
    pending: list[ox.Quad] = []  # the small files' quads, added at once (one bulk load, not one per file)
    problems += _load_dumps(result, [f for f in files if not f.graph])
    for source in files:
        if not source.graph:
            continue
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
        pending.extend(quads)
        result.triples_per_file[source.display] = len(quads)
        seen: set[str] = set()
        for quad in quads:
            subject = quad.subject
            if isinstance(subject, ox.NamedNode) and subject.value not in seen:
                seen.add(subject.value)
                result.subjects[subject.value].append(source)
    if problems:
        raise DataSyntaxError(problems)
    result.store.add_quads(pending)
    return result


def _open(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb")  # type: ignore[return-value]


def _load_dumps(result: ParseResult, dumps: list[SourceFile]) -> list[SyntaxProblem]:
    """Bulk-load the N-Quads dumps (in Rust, streaming), check their graph names, add their union.

    Runs first, on the empty store, so that anything in the default graph came from a dump (which
    is an error: the default graph is the union). The union of the dumps' graphs is then loaded by
    a second bulk load of each file with the graph names stripped (:class:`_WithoutGraph`), or
    copied quad by quad when the dumps contain blank nodes.
    """
    raw = result.store.raw
    problems: list[SyntaxProblem] = []
    for source in dumps:
        graphs_before, size_before = set(raw.named_graphs()), len(raw)
        try:
            with _open(source.path) as handle:
                raw.bulk_load(input=handle, format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            problems.append(_problem(source, exc))
            continue
        except UnicodeDecodeError as exc:
            problems.append(SyntaxProblem(source.display, None, None, f"not UTF-8: {exc}"))
            continue
        except (OSError, EOFError) as exc:  # e.g. a truncated gzip file
            problems.append(SyntaxProblem(source.display, None, None, f"cannot read: {exc}"))
            continue
        result.triples_per_file[source.display] = len(raw) - size_before
        bad = sorted(str(g) for g in set(raw.named_graphs()) - graphs_before
                     if not (isinstance(g, ox.NamedNode) and _dump_graph_ok(g.value)))
        if any(True for _ in raw.quads_for_pattern(None, None, None, ox.DefaultGraph())):
            bad.insert(0, "DEFAULT")
        if bad:
            named = "the default graph (no graph name)" if bad[0] == "DEFAULT" else f"graph {bad[0]}"
            problems.append(SyntaxProblem(
                source.display, _line_in_graph(source.path, bad[0]), None,
                f"statement in {named}; every statement of a dump must be in a graph "
                f"{GRAPH_NS}<name> (lower-case a-z, 0-9, '-'), not the ontology or inferred graph"))
    if problems:
        return problems
    if not dumps:
        return []
    blank = raw.query("ASK { GRAPH ?g { ?s ?p ?o } FILTER(isBlank(?s) || isBlank(?o)) }")
    if blank:
        # Each bulk load mints its own blank nodes, so a second load would not give the same
        # triples: copy the union through Python instead (slower, still streaming).
        result.store.refresh_union()
        return []
    for source in dumps:
        with _open(source.path) as handle:
            raw.bulk_load(input=_WithoutGraph(handle), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())  # type: ignore[arg-type]
    return []


class _WithoutGraph(io.RawIOBase):
    """An N-Quads byte stream read as N-Triples: the graph name at the end of each line removed.

    Only used on dumps whose every statement was just loaded into a named graph, so every
    statement line ends with ``<graph> .``; comment lines may be changed, which is harmless.
    """

    _GRAPH_AT_END = re.compile(rb"<[^<>\"\s]*>[ \t]*\.[ \t]*(\r?)$", re.MULTILINE)

    def __init__(self, source: BinaryIO, chunk: int = 4 * 2**20) -> None:
        self._source, self._chunk = source, chunk
        self._rest = b""
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            data = self._source.read(self._chunk)
            if not data:
                self._buffer, self._rest = self._GRAPH_AT_END.sub(rb".\1", self._rest), b""
                break
            data = self._rest + data
            cut = data.rfind(b"\n") + 1
            self._buffer, self._rest = self._GRAPH_AT_END.sub(rb".\1", data[:cut]), data[cut:]
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def _line_in_graph(path: Path, graph: str) -> int | None:
    """The first line of an N-Quads file with a statement in ``graph`` ("DEFAULT": none); for messages."""
    with _open(path) as handle:
        for number, line in enumerate(handle, start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith(b"#"):
                continue
            try:
                quad = next(iter(ox.parse(stripped, format=ox.RdfFormat.N_QUADS)))
            except (SyntaxError, StopIteration):
                continue
            if str(quad.graph_name) == graph or (isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value == graph):
                return number
    return None


def _dump_graph_ok(graph: str) -> bool:
    return graph.startswith(GRAPH_NS) and graph not in (ONTOLOGY_GRAPH, INFERRED_GRAPH) and bool(GRAPH_NAME.match(graph[len(GRAPH_NS):]))


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
