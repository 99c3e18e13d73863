"""Choosing a response format from the Accept header or a ``format=`` parameter."""

from __future__ import annotations

from thcm_graph.store import RDF_FORMATS, RESULT_FORMATS

#: Extra media types clients send for the same formats.
ALIASES = {
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
