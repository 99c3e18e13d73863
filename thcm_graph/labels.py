"""Choosing the label to show for a term, in a preferred language, from the labels a query found."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib.term import Literal

from .namespaces import DCT, RDFS, SKOS
from .terms import compact

#: Label properties, best first: a term's display label comes from the first one it has.
LABEL_PROPERTIES: tuple[str, ...] = (SKOS + "prefLabel", RDFS + "label", DCT + "title", SKOS + "altLabel")
LANGUAGES: tuple[str, ...] = ("de", "en")


class LabelIndex:
    """Labels of many terms, by term IRI, label property and language.

    >>> index = LabelIndex([("https://e.org/a", SKOS + "prefLabel", Literal("Haus", lang="de")),
    ...                     ("https://e.org/a", SKOS + "prefLabel", Literal("house", lang="en"))])
    >>> index.best("https://e.org/a", "en"), index.best("https://e.org/a", "fr"), index.best("https://e.org/b", "de")
    ('house', 'Haus', 'https://e.org/b')
    """

    def __init__(self, rows: Iterable[tuple[str, str, Literal]] = ()) -> None:
        self._labels: dict[str, dict[str, list[Literal]]] = defaultdict(lambda: defaultdict(list))
        for term, prop, label in rows:
            self.add(term, prop, label)

    def add(self, term: str, prop: str, label: Literal) -> None:
        """Record that ``term`` has ``label`` through label property ``prop``."""
        found = self._labels[term][prop]
        if label not in found:
            found.append(label)

    def has(self, term: str) -> bool:
        """Whether any label of ``term`` is known."""
        return term in self._labels

    def best(self, term: str, lang: str) -> str:
        """The label to show for ``term`` to a reader of ``lang``; the compact IRI if it has none.

        Takes the best label property the term has; within it, ``lang``, then the other
        languages in :data:`LANGUAGES` order, then an untagged literal.
        """
        by_property = self._labels.get(term)
        if by_property:
            for prop in LABEL_PROPERTIES:
                chosen = _in_language(by_property.get(prop, []), lang)
                if chosen is not None:
                    return str(chosen)
        return compact(term)

    def pair(self, term: str) -> tuple[str | None, str | None]:
        """A German and an English label of ``term`` from its best label property (untagged fills both)."""
        by_property = self._labels.get(term, {})
        for prop in LABEL_PROPERTIES:
            labels = by_property.get(prop)
            if labels:
                de = next((str(x) for x in labels if x.language == "de"), None)
                en = next((str(x) for x in labels if x.language == "en"), None)
                plain = next((str(x) for x in labels if not x.language), None)
                return de or plain, en or plain
        return None, None

    def by_language(self, term: str, prop: str = SKOS + "prefLabel") -> dict[str, list[str]]:
        """All labels of ``term`` through ``prop``, by language tag (``""`` for untagged)."""
        result: dict[str, list[str]] = {}
        for label in self._labels.get(term, {}).get(prop, []):
            result.setdefault(label.language or "", []).append(str(label))
        return result


def _in_language(labels: list[Literal], lang: str) -> Literal | None:
    if not labels:
        return None
    order = [lang] + [other for other in LANGUAGES if other != lang]
    for wanted in order:
        for label in labels:
            if label.language == wanted:
                return label
    for label in labels:
        if not label.language:
            return label
    return labels[0]
