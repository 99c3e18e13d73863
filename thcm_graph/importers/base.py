"""What every importer shares: bad-input errors with file/line/column, CSV reading, number and date
parsing, IRIs and provenance of an import graph, and the summary report.

An importer is two functions (STYLE.md): ``read(path) -> rows`` does the I/O and raises
:class:`ImportError_` naming file, line, column and what was expected; ``transform(rows, ...) ->
Graph`` is pure. Rows carry their physical line so a later problem can still name it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from ..errors import InputError
from ..namespaces import EURIO, GRAPH_NS, ID_NS, LOCN, NUTS, ONTOLOGY_NS, ORG, SCHEMA
from .resolve import Match

THCM = Namespace(ONTOLOGY_NS)
ORGNS = Namespace(ORG)
LOCNNS = Namespace(LOCN)
SCHEMANS = Namespace(SCHEMA)
EURIONS = Namespace(EURIO)
NUTSNS = Namespace(NUTS)
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
__all__ = [
    "DCTERMS",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
    "BadInput",
    "ImportReport",
    "Provenance",
    "Row",
    "csv_records",
    "csv_rows",
    "german_date",
    "german_decimal",
    "import_graph_name",
    "iri",
    "new_graph",
    "read_text",
    "slugify",
]

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


class BadInput(InputError):
    """A source file is not what the importer expects: names file, line, column and the expectation."""

    def __init__(self, path: str | Path, line: int | None, column: int | str | None, message: str) -> None:
        self.path, self.line, self.column = str(path), line, column
        where = self.path + (f":{line}" if line is not None else "")
        if column is not None:
            where += f", column {column!r}" if isinstance(column, str) else f":{column}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Row:
    """One record of a source file with the physical line it starts on."""

    line: int
    values: dict[str, Any]


@dataclass
class ImportReport:
    """What an import did: rows read, resources created, matches, skipped rows with reasons."""

    source: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    resources: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)
    #: called once per record a transform handles (drives the progress bar of ``thcm import``)
    on_record: Any = field(default=None, repr=False, compare=False)

    def tick(self) -> None:
        if self.on_record is not None:
            self.on_record()

    def count(self, kind: str, n: int = 1) -> None:
        self.resources[kind] = self.resources.get(kind, 0) + n

    def organisation(self, g: Graph, own: URIRef, match: Match, line: int) -> URIRef:
        """Count the imported organisation ``own`` and record its resolution: ``owl:sameAs`` the
        matched actor and an entry in the match report. Returns the IRI its participations name:
        the matched actor, else ``own``."""
        self.count("organisations")
        if not match.target:
            return own
        g.add((own, OWL.sameAs, URIRef(match.target)))
        self.matches.append({**match.as_dict(), "record": str(own), "line": line})
        return URIRef(match.target)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "files": self.files, "rows_read": self.rows_read,
            "resources": self.resources, "matched": len(self.matches),
            "skipped": self.skipped, "notes": self.notes, "matches": self.matches,
        }

    def summary(self) -> str:
        created = ", ".join(f"{n} {k}" for k, n in sorted(self.resources.items())) or "nothing"
        imported = sum("(import-" in str(m.get("evidence", "")) for m in self.matches)
        return (f"{self.source}: {self.rows_read} rows read; created {created}; "
                f"{len(self.matches) - imported} matched to curated actors, {imported} to actors of earlier imports; "
                f"{len(self.skipped)} rows skipped")


@dataclass(frozen=True)
class Provenance:
    """The source resource of one import graph (DESIGN.md §2: provenance per import graph)."""

    source: str  # importer name, e.g. "cordis"
    path: Path
    title: str
    publisher: str
    origin: str  # where the file came from (repository @ commit : path)
    retrieved: str = "2026-11-23"  # shared/data/README.md: retrieval date of every file
    language: str = "en"
    licence: str | None = None

    @property
    def graph(self) -> str:
        return import_graph_name(self.source, self.path)

    @property
    def iri(self) -> URIRef:
        return URIRef(f"{ID_NS}source/{self.graph}")

    def add_to(self, g: Graph) -> URIRef:
        s = self.iri
        g.add((s, RDF.type, THCM.SourceDocument))
        g.add((s, DCTERMS.title, Literal(self.title, lang="en")))
        g.add((s, DCTERMS.publisher, Literal(self.publisher)))
        g.add((s, DCTERMS.language, URIRef(f"http://id.loc.gov/vocabulary/iso639-1/{self.language}")))
        g.add((s, DCTERMS.date, Literal(self.retrieved, datatype=XSD.date)))
        g.add((s, DCTERMS.source, Literal(self.path.name)))
        g.add((s, RDFS.comment, Literal(f"Imported by `thcm import {self.source}` from {self.path.name}; "
                                        f"origin: {self.origin}; retrieved {self.retrieved} (dct:date is the retrieval date).", lang="en")))
        if self.licence:
            g.add((s, DCTERMS.license, Literal(self.licence)))
        return s


def slugify(text: str, max_words: int = 12) -> str:
    """A slug per DESIGN.md §2: lower-case ASCII, umlauts transliterated, words joined by '-'.

    >>> slugify("Friedrich-Schiller-Universität Jena")
    'friedrich-schiller-universitaet-jena'
    """
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLIT)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text)[:max_words]
    return "-".join(words) or "x"


def iri(kind: str, *parts: str | int) -> URIRef:
    return URIRef(f"{ID_NS}{kind}/" + "-".join(slugify(str(p), 40) for p in parts))


def import_graph_name(source: str, path: Path) -> str:
    """``import-<source>-<file-stem>`` as a graph name (lower-case, '-'-joined)."""
    return f"import-{source}-{slugify(path.stem, 40)}"


def graph_iri_of(source: str, path: Path) -> str:
    return GRAPH_NS + import_graph_name(source, path)


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in (("thcm", THCM), ("org", ORGNS), ("skos", SKOS), ("prov", PROV), ("dct", DCTERMS),
                       ("locn", LOCNNS), ("schema", SCHEMANS), ("eurio", EURIONS), ("owl", OWL)):
        g.bind(prefix, ns)
    return g


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """The file's text; :class:`BadInput` with line and column of the first undecodable byte."""
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BadInput(path, line, column, f"byte 0x{data[exc.start]:02x} cannot be decoded as {encoding}; "
                       f"expected a {encoding} text file (re-save it as UTF-8)") from None
    return text.removeprefix("\ufeff")


def csv_rows(path: Path, *, delimiter: str, header: Sequence[str], min_fields: int | None = None,
             header_normaliser: Any = None, quotechar: str = '"') -> Iterator[Row]:
    """Rows of a delimited file whose header must match ``header`` (after ``header_normaliser``).

    Quoted fields may hold the delimiter and line breaks; each row keeps the line it starts on.
    A short or long row raises :class:`BadInput` unless ``min_fields`` allows it.
    """
    text = read_text(path)
    norm = header_normaliser or (lambda h: h.strip())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar)
    try:
        found = next(reader)
    except StopIteration:
        raise BadInput(path, 1, None, "the file is empty; expected a header line") from None
    names = [norm(h) for h in found]
    if len(found) == 1 and delimiter not in found[0] and len(header) > 1:
        other = next((d for d in (";", ",", "\t") if d in found[0]), None)
        hint = f" (it looks {other!r}-separated)" if other else ""
        raise BadInput(path, 1, 1, f"expected {len(header)} columns separated by {delimiter!r}{hint}")
    for i, expected in enumerate(header):
        if i >= len(names):
            raise BadInput(path, 1, i + 1, f"missing column {expected!r}; expected header {list(header)}")
        if names[i] != expected:
            raise BadInput(path, 1, i + 1, f"expected column {expected!r}, found {names[i]!r}")
    need = min_fields if min_fields is not None else len(header)
    for line_of, fields in _data_lines(reader, path):
        if len(fields) < need or len(fields) > max(len(header), need):
            raise BadInput(path, line_of, None, f"expected {need} fields separated by {delimiter!r}, found {len(fields)}")
        yield Row(line_of, dict(zip(header, fields, strict=False)))


def _data_lines(reader: Any, path: Path) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) of each non-blank record after the header; a record may span
    lines (quoted line breaks). :class:`BadInput` with the line for malformed CSV."""
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BadInput(path, reader.line_num, None, f"malformed CSV ({exc})") from None
        if fields and any(f.strip() for f in fields):
            yield start, fields


def csv_records(path: Path, *, delimiter: str, required: Sequence[str]) -> Iterator[Row]:
    """Rows of a delimited file whose header *names* its columns (any order, more columns allowed):
    for sources that add, drop or reorder columns between releases (CORDIS). Each row's values are
    keyed by the header's names; :class:`BadInput` names a missing column and what was found.
    """
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        found = [h.strip() for h in next(reader)]
    except StopIteration:
        raise BadInput(path, 1, None, "the file is empty; expected a header line") from None
    if len(found) == 1 and len(required) > 1:
        other = next((d for d in (";", ",", "\t") if d in found[0]), None)
        hint = f" (it looks {other!r}-separated)" if other else ""
        raise BadInput(path, 1, 1, f"expected a header of columns separated by {delimiter!r}{hint}")
    for name in required:
        if name not in found:
            raise BadInput(path, 1, name, f"missing column {name!r}; the header has {found}")
    for start, fields in _data_lines(reader, path):
        if len(fields) != len(found):
            raise BadInput(path, start, None, f"expected {len(found)} fields separated by {delimiter!r} (as in the header), "
                           f"found {len(fields)}")
        yield Row(start, dict(zip(found, fields, strict=True)))


_GERMAN_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$")


def german_decimal(text: str, *, path: Path | str, line: int, column: str) -> Decimal:
    """``"40.000,00 €"`` → ``Decimal("40000.00")``; :class:`BadInput` naming the cell otherwise."""
    cleaned = text.replace("€", "").replace("\u00a0", " ").strip().replace(" ", "")
    if not _GERMAN_NUMBER.match(cleaned):
        raise BadInput(path, line, column, f"expected a German number like 40.000,00 €, found {text!r}")
    try:
        return Decimal(cleaned.replace(".", "").replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already excludes these
        raise BadInput(path, line, column, f"expected a number, found {text!r}") from None


def german_date(text: str, *, path: Path | str, line: int, column: str) -> date:
    """``"15.07.2015"`` → ``date(2015, 7, 15)``; :class:`BadInput` naming the cell otherwise."""
    m = re.fullmatch(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*", text)
    if not m:
        raise BadInput(path, line, column, f"expected a date DD.MM.YYYY, found {text!r}")
    try:
        return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        raise BadInput(path, line, column, f"expected a valid date DD.MM.YYYY, found {text!r}") from None


def postcode(value: object) -> str | None:
    """A German postcode as five digits, restoring leading zeros lost to number formatting (7743 → 07743)."""
    text = str(value).strip().replace(" ", "")
    if text.isdigit() and 3 <= len(text) <= 5:
        return text.zfill(5)
    return None


def add_label(g: Graph, s: URIRef, text: str, lang: str | None, *, pref: bool = True) -> None:
    """A name of ``s`` as its source gives it: ``lang`` only where the source states the name's
    language (ROR), otherwise a plain literal (docs/importers.md, "Language of names")."""
    g.add((s, SKOS.prefLabel if pref else SKOS.altLabel, Literal(text, lang=lang or None)))


def json_records(path: Path) -> list[Row]:
    """The objects of a JSON array file, each with the line it starts on; :class:`BadInput` on bad JSON."""
    import json

    text = read_text(path)
    decoder = json.JSONDecoder()
    pos = len(text) - len(text.lstrip())
    if not text[pos:pos + 1] == "[":
        raise BadInput(path, 1, pos + 1, "expected a JSON array of records ('[' ...)")
    pos += 1
    rows: list[Row] = []
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            raise BadInput(path, text.count("\n") + 1, None, "the JSON array is not closed; expected ']'")
        if text[pos] == "]":
            break
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise BadInput(path, exc.lineno, exc.colno, f"malformed JSON: {exc.msg}") from None
        line = text.count("\n", 0, pos) + 1
        if not isinstance(obj, dict):
            raise BadInput(path, line, None, f"expected a JSON object per record, found {type(obj).__name__}")
        rows.append(Row(line, obj))
        pos = end
    return rows


def require(row: Row, path: Path, *keys: str) -> None:
    """:class:`BadInput` if a record lacks one of ``keys``."""
    for key in keys:
        if key not in row.values:
            raise BadInput(path, row.line, key, f"record has no field {key!r}; expected fields {list(keys)}")


def decimal_value(value: object, *, path: Path, line: int, column: str) -> Decimal | None:
    """A JSON/CSV amount (int, float, "1234.5", "1234,5") as Decimal; ``""``/None → None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadInput(path, line, column, f"expected an amount, found {value!r}")
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip()
    if re.fullmatch(r"-?\d+([.,]\d+)?", text):
        return Decimal(text.replace(",", "."))
    raise BadInput(path, line, column, f"expected an amount like 115000 or 1234.50, found {value!r}")


def iso_date(value: object, *, path: Path, line: int, column: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise BadInput(path, line, column, f"expected a date YYYY-MM-DD, found {value!r}") from None


def decimal_literal(amount: Decimal) -> Literal:
    """An xsd:decimal literal in canonical lexical form (``373758`` → ``"373758.0"``), so a Turtle
    round trip gives the same term."""
    text = format(amount, "f")
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)
