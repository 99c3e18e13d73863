"""Choosing a response format from the Accept header or a ``format=`` parameter."""

from __future__ import annotations

from thcm_graph.store import RDF_FORMATS, RESULT_FORMATS

#: Extra media types clients send for the same formats.
ALIASES = {
    "text/n3": "turtle",  # Turtle is a subset of N3; SPARQLWrapper asks for N3 this way
    "text/rdf+n3": "turtle",
    "application/n3": "turtle",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/plain": "ntriples",
    "application/x-turtle": "turtle",
    "application/json-ld": "jsonld",
}


def _parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        ranges.append((fields[0].lower(), quality))
    return sorted(ranges, key=lambda r: -r[1])


def choose(accept: str | None, offered: dict[str, str], default: str) -> str | None:
    """The format name to answer with, or None when nothing offered is acceptable (→ 406).

    ``offered`` maps format names to media types (``RESULT_FORMATS`` or ``RDF_FORMATS``).
    """
    if not accept:
        return default
    by_type = {media: name for name, media in offered.items()}
    for media, quality in _parse_accept(accept):
        if quality <= 0:
            continue
        if media in ("*/*", "application/*", "text/*") and (media == "*/*" or offered[default].startswith(media[:-1])):
            return default
        if media in by_type:
            return by_type[media]
        alias = ALIASES.get(media)
        if alias in offered:
            return alias
    return None


def offered_for(kind: str) -> tuple[dict[str, str], str]:
    """Formats offered for a query kind and the default."""
    return (RDF_FORMATS, "turtle") if kind == "graph" else (RESULT_FORMATS, "json")


#: Values of the ``format=`` / ``output=`` parameters that clients send (SPARQLWrapper sends its
#: short name and, for some formats, the media type as well), mapped to our format names.
PARAMETER_VALUES = {
    **{name: name for name in (*RESULT_FORMATS, *RDF_FORMATS)},
    **{media: name for name, media in {**RESULT_FORMATS, **RDF_FORMATS}.items()},
    **ALIASES,
    "ttl": "turtle", "n3": "turtle", "nt": "ntriples", "n-triples": "ntriples", "nq": "nquads",
    "rdf": "rdfxml", "rdf+xml": "rdfxml", "json-ld": "jsonld",
}
#: What a format parameter means for a CONSTRUCT/DESCRIBE result when it names a results format.
GRAPH_EQUIVALENT = {"json": "jsonld", "xml": "rdfxml"}


def formats_from_parameter(values: list[str]) -> dict[str, str | None] | None:
    """The format per result kind asked for by ``format=``/``output=`` values, None if none given.

    Raises ValueError naming an unknown value or two different formats.
    """
    names = set()
    for value in values:
        # a value may be a list of media types, as in an Accept header: the first known one counts
        items = [item.split(";")[0].strip().lower() for item in value.split(",")]
        items = [item for item in items if item]
        if not items:
            continue
        known = [PARAMETER_VALUES[item] for item in items if item in PARAMETER_VALUES]
        if not known:
            raise ValueError(f"unknown format {value!r}; use one of {', '.join([*RESULT_FORMATS, *RDF_FORMATS])}")
        names.add(known[0])
    if not names:
        return None
    if len(names) > 1:
        raise ValueError(f"the request asks for several formats at once: {', '.join(sorted(names))}")
    (name,) = names
    tabular = name if name in RESULT_FORMATS else None
    graph = name if name in RDF_FORMATS else GRAPH_EQUIVALENT.get(name)
    return {"select": tabular, "ask": tabular, "graph": graph}
