"""Dumps of the published store in every RDF format, streamed from the store.

- N-Quads and TriG hold the named graphs: a whole-store dump keeps every graph with its name.
- Turtle, N-Triples and RDF/XML hold one graph: a whole-store dump is the union of the named
  graphs (the store's default graph, each triple once); ``graph=`` dumps one named graph.
- JSON-LD holds named graphs like N-Quads and is compacted with the project's context
  (``ontology/context.jsonld``), so that harvested JSON reads with short names. Compaction needs
  the document in memory; the line formats and Turtle/RDF-XML are streamed by the store.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..namespaces import ID_NS, PREFIXES
from ..store import Store
from .formats import DumpFormat
from .jsonld import compact, load_context, types_as_keyword

#: Prefixes written into Turtle, TriG and RDF/XML dumps: the contract's, plus one per IRI kind
#: (``idorg:`` = ``https://w3id.org/thcm/id/org/``), as in the curated files.
ID_KINDS = ("org", "person", "field", "scheme", "event", "project", "participation", "link", "obs",
            "source", "membership", "place")
DUMP_PREFIXES: dict[str, str] = {**PREFIXES, **{f"id{kind}": f"{ID_NS}{kind}/" for kind in ID_KINDS}}


def check_graph(store: Store, graph: str | None) -> None:
    """InputError unless ``graph`` is None or one of the store's named graphs."""
    if graph is None:
        return
    known = store.named_graphs()
    if graph not in known:
        raise InputError(f"no named graph {graph!r} in this build; the graphs are:\n  " + "\n  ".join(known))


def write_dump(store: Store, output: BinaryIO, fmt: DumpFormat, *, graph: str | None = None,
               ontology_dir: Path | None = None) -> None:
    """Serialise the store (or one named graph) in ``fmt`` to ``output``.

    ``ontology_dir`` is where ``context.jsonld`` lives (needed for JSON-LD only).
    """
    check_graph(store, graph)
    if fmt.key == "jsonld":
        if ontology_dir is None:
            raise InputError("a JSON-LD dump needs the ontology directory holding context.jsonld")
        output.write(jsonld_dump(store, load_context(ontology_dir), graph=graph))
        return
    prefixes = DUMP_PREFIXES if fmt.store_format in ("turtle", "trig", "rdfxml") else None
    store.export(output, fmt=fmt.store_format, graph=graph, prefixes=prefixes)


def jsonld_dump(store: Store, context: dict[str, object], *, graph: str | None = None) -> bytes:
    """The store's named graphs (or one) as compacted JSON-LD with ``context`` inlined."""
    buffer = io.BytesIO()
    store.export(buffer, fmt="jsonld", graph=graph)  # expanded JSON-LD, graph names kept
    expanded = types_as_keyword(json.loads(buffer.getvalue() or b"[]"))
    document = compact(expanded, context)
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
