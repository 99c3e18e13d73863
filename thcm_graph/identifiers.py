"""Instance and ontology IRIs: minting them from kind and slug, and taking them apart again.

The pattern is the vocabulary contract's (DESIGN.md §2): ``https://w3id.org/thcm/id/<kind>/<slug>``
for instances and ``https://w3id.org/thcm/ontology#<Term>`` for ontology terms.
"""

from __future__ import annotations

import re
from typing import Final

from .errors import InputError
from .namespaces import ID_NS, ONTOLOGY_IRI, ONTOLOGY_NS

#: The kinds of instance IRIs (the first path segment after ``/id/``).
KINDS: Final = (
    "org", "person", "field", "scheme", "event", "project", "participation",
    "link", "obs", "source", "membership", "place",
)
SLUG: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Local names of ontology terms: an ASCII letter, then letters, digits, ``_`` or ``-``.
TERM: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def is_slug(text: str) -> bool:
    """Whether ``text`` is a valid slug.

    >>> is_slug("leg-thueringen"), is_slug("LEG"), is_slug("a--b")
    (True, False, False)
    """
    return SLUG.fullmatch(text) is not None


def instance_iri(kind: str, slug: str) -> str:
    """The IRI of an instance; :class:`InputError` for an unknown kind or a malformed slug.

    >>> instance_iri("org", "tab")
    'https://w3id.org/thcm/id/org/tab'
    """
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}; kinds are: {', '.join(KINDS)}")
    if not is_slug(slug):
        raise InputError(f"malformed slug {slug!r}: slugs are lower-case ASCII words joined by '-'")
    return f"{ID_NS}{kind}/{slug}"


def split_instance_iri(iri: str) -> tuple[str, str] | None:
    """``(kind, slug)`` of one of our instance IRIs, else None.

    >>> split_instance_iri("https://w3id.org/thcm/id/field/ris-2021-gesundheit")
    ('field', 'ris-2021-gesundheit')
    >>> split_instance_iri("http://data.europa.eu/nuts/code/DEG") is None
    True
    """
    if not iri.startswith(ID_NS):
        return None
    kind, _, slug = iri[len(ID_NS):].partition("/")
    return (kind, slug) if kind in KINDS and is_slug(slug) else None


def ontology_term_iri(name: str) -> str:
    """The IRI of ontology term ``name``; :class:`InputError` if it is not a valid local name.

    >>> ontology_term_iri("Agency")
    'https://w3id.org/thcm/ontology#Agency'
    """
    if TERM.fullmatch(name) is None:
        raise InputError(f"malformed ontology term name {name!r}")
    return ONTOLOGY_NS + name


def split_ontology_iri(iri: str) -> str | None:
    """The local name of an ontology term IRI, ``""`` for the ontology itself, else None.

    >>> split_ontology_iri("https://w3id.org/thcm/ontology#memberCount"), split_ontology_iri(ONTOLOGY_IRI)
    ('memberCount', '')
    """
    if iri == ONTOLOGY_IRI:
        return ""
    if iri.startswith(ONTOLOGY_NS) and TERM.fullmatch(iri[len(ONTOLOGY_NS):]):
        return iri[len(ONTOLOGY_NS):]
    return None
