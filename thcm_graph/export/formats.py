"""The download formats: file extension, store format name, media type, EU file-type.

One table so that the CLI, the dumps, the DCAT-AP distributions, VoID's ``void:dataDump`` and
the ``/downloads`` route agree on names. Media types are IANA registrations; ``file_type`` is the
EU Publications Office "file-type" authority table (used by DCAT-AP 3.0.1 §7 ``dct:format``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError

FILE_TYPE_NS = "http://publications.europa.eu/resource/authority/file-type/"
IANA_NS = "https://www.iana.org/assignments/media-types/"
#: Base name of every dump file: ``thcm.nq``, ``thcm.ttl.gz``, …
DUMP_STEM = "thcm"


@dataclass(frozen=True)
class DumpFormat:
    """One serialisation offered for download."""

    key: str  #: the name given to ``thcm export --format``
    store_format: str  #: the Store's format name (``thcm_graph.store.RDF_FORMATS``)
    extension: str
    media_type: str
    file_type: str  #: code in the EU file-type table
    label: str
    holds_graphs: bool  #: False: a whole-store dump is the union of the named graphs
    spec: str  #: the W3C Recommendation that defines the format (for ``dct:conformsTo``)

    @property
    def filename(self) -> str:
        return f"{DUMP_STEM}.{self.extension}"

    @property
    def file_type_iri(self) -> str:
        return FILE_TYPE_NS + self.file_type

    @property
    def media_type_iri(self) -> str:
        return IANA_NS + self.media_type


FORMATS: dict[str, DumpFormat] = {
    f.key: f
    for f in (
        DumpFormat("nq", "nquads", "nq", "application/n-quads", "RDF_N_QUADS", "N-Quads", True,
                   "http://www.w3.org/TR/n-quads/"),
        DumpFormat("trig", "trig", "trig", "application/trig", "RDF_TRIG", "TriG", True,
                   "http://www.w3.org/TR/trig/"),
        DumpFormat("ttl", "turtle", "ttl", "text/turtle", "RDF_TURTLE", "Turtle", False,
                   "http://www.w3.org/TR/turtle/"),
        DumpFormat("nt", "ntriples", "nt", "application/n-triples", "RDF_N_TRIPLES", "N-Triples", False,
                   "http://www.w3.org/TR/n-triples/"),
        DumpFormat("jsonld", "jsonld", "jsonld", "application/ld+json", "JSON_LD", "JSON-LD", True,
                   "http://www.w3.org/TR/json-ld11/"),
        DumpFormat("rdfxml", "rdfxml", "rdf", "application/rdf+xml", "RDF_XML", "RDF/XML", False,
                   "http://www.w3.org/TR/rdf-syntax-grammar/"),
    )
}

#: Other names accepted for the formats (the store's own names and common extensions).
ALIASES: dict[str, str] = {
    "nquads": "nq", "turtle": "ttl", "ntriples": "nt", "json-ld": "jsonld", "rdf": "rdfxml", "xml": "rdfxml",
}


def dump_format(name: str) -> DumpFormat:
    """The format called ``name`` (a key or an alias); :class:`InputError` if there is none.

    >>> dump_format("turtle").filename
    'thcm.ttl'
    """
    key = ALIASES.get(name.lower(), name.lower())
    try:
        return FORMATS[key]
    except KeyError:
        raise InputError(f"unknown export format {name!r}; choose one of {', '.join(FORMATS)}") from None


def format_for_file(filename: str) -> tuple[DumpFormat, bool]:
    """The format of a download file name and whether it is gzipped; InputError if unknown.

    >>> format_for_file("thcm.nq.gz")[0].key, format_for_file("thcm.nq.gz")[1]
    ('nq', True)
    """
    gzipped = filename.endswith(".gz")
    plain = filename[:-3] if gzipped else filename
    for fmt in FORMATS.values():
        if plain == fmt.filename:
            return fmt, gzipped
    raise InputError(f"no download called {filename!r}; the dumps are {', '.join(f.filename for f in FORMATS.values())} (and .gz)")


#: Formats of the small descriptions (DCAT-AP catalogue, VoID): name → (rdflib format, media type).
DESCRIPTION_FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", "text/turtle"),
    "ntriples": ("nt", "application/n-triples"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdfxml": ("xml", "application/rdf+xml"),
}
