"""Entity resolution: one organisation under many spellings → one actor.

``normalise`` repairs mojibake (UTF-8 read as Mac-Roman or Latin-1: ``Universit√§tsklinikum``),
applies Unicode NFKC, folds case, transliterates umlauts the way CORDIS does (``ü``, ``ue`` and
``u`` compare equal), drops legal forms (GmbH / G.m.b.H. / mbH / e.V. / e. V. / eingetragener
Verein / AG / eG / e.G. / Co. KG …) and punctuation. ``score`` is a token-set ratio built on
:mod:`difflib`. A :class:`Resolver` matches a record to the curated actors: an identifier (ROR,
PIC, Wikidata, GRID) wins; then a manual override (``data/resolution/overrides.csv``, never
written by code); then the best name score at or above ``THRESHOLD``, blocked by city where
both sides name one. Every decision comes back as a :class:`Match` with score and evidence.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ..namespaces import ID_NS

#: Name score at or above which two names are taken to be the same organisation (see tests/importers/gold_pairs.csv).
THRESHOLD = 0.88

_MOJIBAKE_MARKERS = ("√", "Ã", "Â", "â€")
_LEGAL_FORMS = [
    r"gesellschaft mit beschrankter haftung", r"mit beschrankter ?haftung", r"eingetragener verein",
    r"eingetragene genossenschaft", r"aktiengesellschaft", r"haftungsbeschrankt",
    r"g m b h", r"gmbh", r"mbh", r"co kg", r"kgaa", r"kg", r"e v", r"ev", r"e g", r"eg", r"ag", r"ug", r"se",
    r"inh", r"sa", r"srl", r"spa", r"ltd", r"bv", r"nv", r"sas", r"as", r"oy", r"ab",
]
_LEGAL = re.compile(r"\b(?:" + "|".join(_LEGAL_FORMS) + r")\b")
#: Tokens too common in organisation names to block on.
_COMMON_TOKENS = frozenset({"und", "fur", "der", "die", "das", "des", "thuringen", "jena", "erfurt", "gesellschaft",
                            "of", "and", "the", "de", "zur", "im", "in"})
#: Words that mark an organisational sub-unit when one name is the other plus more words.
#: Function words that never tell two organisations apart (towns do: they are not in here).
_FUNCTION_WORDS = frozenset({"und", "fur", "der", "die", "das", "des", "of", "and", "the", "de", "zur", "zum", "im", "in",
                             "am", "an", "bei", "von", "vom", "mit", "for", "at"})
_UNIT_WORDS = frozenset({"abteilung", "fakultat", "lehrstuhl", "institutsteil", "bibliothek", "landesbibliothek",
                         "forschungsbibliothek", "department", "faculty", "library", "chair", "arbeitsgruppe", "professur"})
_UMLAUT = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 bytes that were decoded as Mac-Roman or Latin-1 (``Universit√§t`` → ``Universität``).

    >>> repair_mojibake("Universit√§tsklinikum Jena"), repair_mojibake("UniversitÃ¤t")
    ('Universitätsklinikum Jena', 'Universität')
    """
    if not any(m in text for m in _MOJIBAKE_MARKERS):
        return text
    for wrong in ("mac_roman", "cp1252", "latin-1"):
        try:
            fixed = text.encode(wrong).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        return fixed
    return text


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """The comparison key of an organisation name.

    >>> normalise("FRIEDRICH-SCHILLER-UNIVERSITAT JENA") == normalise("Friedrich Schiller Universität Jena")
    True
    >>> normalise("Agrargenossenschaft Osterland e.G."), normalise("artefactum G.m.b.H.")
    ('agrargenossenschaft osterland', 'artefactum')
    """
    text = unicodedata.normalize("NFKC", repair_mojibake(name)).casefold()
    text = re.sub(r"\S+@\S+", " ", text)  # e-mail fragments inside names (EFRE 2007-2013)
    text = re.sub(r"\(engl\.[^)]*\)?", " ", text)  # "(Engl.Leibniz Institute of ...)"
    text = text.translate(_UMLAUT).replace("ae", "a").replace("oe", "o").replace("ue", "u")
    text = re.sub(r"(\w)- (\w)", r"\1\2", text)  # PDF hyphenation residue "Naturstoff- Forschung"
    text = re.sub(r"\bthuring(?:er|ische[nrs]?|ische)\b", "thuringen", text)  # "Thüringer"/"Thüringisches" Landesamt
    text = re.sub(r"[^\w]+", " ", text).replace("_", " ")
    for spaced, joined in (("g m b h", "gmbh"), ("m b h", "mbh"), ("e v", "ev"), ("e g", "eg"), ("co k g", "co kg")):
        text = re.sub(rf"\b{spaced}\b", joined, text)  # "G.m.b.H." → "gmbh", "e. V." → "ev"
    text = _LEGAL.sub(" ", re.sub(r"[^\w]+", " ", text))
    return " ".join(text.split())


def score(a: str, b: str, floor: float = 0.0) -> float:
    """Token-set ratio of two names in [0, 1] (1 = same tokens), on their normalised keys.

    ``floor``: a score below it may be returned as 0.0 (saves the expensive comparisons).

    >>> score("Bauhaus Universität Weimar", "Bauhaus-Universität Weimar")
    1.0
    """
    return key_score(normalise(a), normalise(b), floor)


def key_score(ka: str, kb: str, floor: float = 0.0) -> float:
    """:func:`score` on keys that are already normalised."""
    if not ka or not kb:
        return 0.0
    if ka == kb or ka.replace(" ", "") == kb.replace(" ", ""):
        return 1.0
    ta, tb = set(ka.split()), set(kb.split())
    common = " ".join(sorted(ta & tb))
    rest_a, rest_b = " ".join(sorted(ta - tb)), " ".join(sorted(tb - ta))
    s1, s2 = (common + " " + rest_a).strip(), (common + " " + rest_b).strip()
    best = 0.0
    if common and (not rest_a or not rest_b):
        # one name's tokens are all in the other: strong but not proof ("Universität Erfurt" vs
        # "Universität Erfurt Universitäts- und Forschungsbibliothek Gotha" is a sub-unit)
        best = 0.5 + 0.5 * len(common) / max(len(" ".join(sorted(ta))), len(" ".join(sorted(tb))))
    if (rest_a and not rest_b and set(rest_a.split()) & _UNIT_WORDS) or (rest_b and not rest_a and set(rest_b.split()) & _UNIT_WORDS):
        return round(min(best, 0.8), 4)  # "<body> Abteilung für …", "<university> Fakultät für …": a sub-unit, not the body
    for x, y in ((s1, s2), (" ".join(sorted(ta)), " ".join(sorted(tb))), (ka, kb)):
        matcher = SequenceMatcher(None, x, y, autojunk=False)
        if matcher.real_quick_ratio() <= max(best, floor) or matcher.quick_ratio() <= max(best, floor):
            continue
        best = max(best, matcher.ratio())
    return round(best, 4)


def _bracketed(name: str) -> set[str]:
    """Tokens written in brackets, e.g. the abbreviation in ``Institut für … (IPHT) e.V.``."""
    return {tok for inner in re.findall(r"\(([^)]*)\)", name) for tok in normalise(inner).split()}


def _partnered(token: str, others: set[str]) -> bool:
    """Whether ``token`` has a spelling partner among ``others``: equal, one inside the other
    (``bauhaus`` / ``bauhausuniversitat``), or close (``auromation`` / ``automation``)."""
    for other in others:
        if token == other or (min(len(token), len(other)) >= 3 and (token in other or other in token)):
            return True
        if SequenceMatcher(None, token, other, autojunk=False).ratio() >= 0.8:
            return True
    return False


def substituted(a: str, b: str) -> tuple[set[str], set[str]]:
    """The distinctive tokens of each name that the other name lacks in any spelling.

    Non-empty on *both* sides means one name is not the other plus or minus some words but has a
    different word in its place — "Stadtwerke Erfurt" / "Stadtwerke Jena", "VISTA electronic" /
    "VIA electronic", "… Gründerzentrum Gera" / "… Gründerzentrum Ilmenau": different
    organisations however high the name score. Bracketed abbreviations and function words
    (``_FUNCTION_WORDS``) do not count; town names do.

    >>> substituted("Technologie- und Gründerzentrum Gera GmbH", "Technologie- und Gründerzentrum Ilmenau GmbH")
    ({'gera'}, {'ilmenau'})
    >>> substituted("auromation Uhr GmbH", "automation Uhr GmbH")
    (set(), set())
    """
    ta = set(normalise(a).split()) - _FUNCTION_WORDS - _bracketed(a)
    tb = set(normalise(b).split()) - _FUNCTION_WORDS - _bracketed(b)
    only_a = {tok for tok in ta - tb if not _partnered(tok, tb)}
    only_b = {tok for tok in tb - ta if not _partnered(tok, ta)}
    return only_a, only_b


@dataclass(frozen=True)
class Decision:
    """Whether two records are one organisation, with the name score and the evidence."""

    same: bool
    score: float
    evidence: str


def decide(a: str, b: str, *, postcodes_a: Iterable[str] = (), postcodes_b: Iterable[str] = (),
           threshold: float = THRESHOLD) -> Decision:
    """The resolution rule for two names (and their postcodes where both sides have some).

    Same organisation when the name score reaches ``threshold``, the names do not each have a
    word the other lacks (:func:`substituted`), a one-word name is not just one word of the other
    name, and — where both records give postcodes — they share one. This is the rule the gold set measures (tests/importers/gold_pairs.csv).

    >>> decide("Stadtwerke Bad Salzungen GmbH", "Stadtwerke Bad Langensalza GmbH").same
    False
    >>> decide("Fachhochschule Nordhausen", "Hochschule Nordhausen").same
    True
    """
    s = score(a, b)
    if s < threshold:
        return Decision(False, s, f"name similarity {s:.2f} below {threshold}")
    only_a, only_b = substituted(a, b)
    if only_a and only_b:
        return Decision(False, s, f"name similarity {s:.2f}, but {sorted(only_a)} / {sorted(only_b)} differ")
    shorter = b if only_a else a if only_b else ""
    if shorter and len(set(normalise(shorter).split()) - _FUNCTION_WORDS - _bracketed(shorter)) < 2:
        # one generic word inside a longer name ("SYSTEMTECHNIK GmbH" / "DB SYSTEMTECHNIK GMBH") says nothing
        return Decision(False, s, f"name similarity {s:.2f}, but {shorter!r} is one word of the other name")
    pa, pb = set(postcodes_a), set(postcodes_b)
    if pa and pb:
        if not pa & pb:
            return Decision(False, s, f"name similarity {s:.2f}, but postcodes {sorted(pa)} / {sorted(pb)} differ")
        return Decision(True, s, f"name similarity {s:.2f}; postcode {sorted(pa & pb)[0]}")
    return Decision(True, s, f"name similarity {s:.2f}")


@dataclass(frozen=True)
class Candidate:
    """A curated actor with the names it is known by."""

    iri: str
    names: tuple[str, ...]
    identifiers: frozenset[str] = frozenset()
    city: str | None = None
    #: postcodes the candidate's source gives (imported candidates; curated actors have none here)
    postcodes: frozenset[str] = frozenset()
    #: where an imported candidate comes from (its import graph), "" for a curated actor
    origin: str = ""


@dataclass(frozen=True)
class Match:
    """The decision for one imported record: the actor it is, the score, and why."""

    name: str
    target: str | None
    score: float
    evidence: str

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "target": self.target, "score": self.score, "evidence": self.evidence}


@dataclass(frozen=True)
class Override:
    source: str
    name: str
    target: str | None  # None: "never match"
    note: str


def load_overrides(path: Path) -> list[Override]:
    """Rows of ``overrides.csv``: ``source,name,target,note``; target ``-`` means never match."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    result = []
    for row in rows:
        target = row["target"].strip()
        if target.startswith("idorg:"):
            target = ID_NS + "org/" + target.removeprefix("idorg:")
        result.append(Override(row["source"].strip() or "*", row["name"].strip(), None if target == "-" else target, row.get("note", "")))
    return result


def curated_candidates(data_dir: Path) -> list[Candidate]:
    """The curated actors of ``data/`` with every label (prefLabel and altLabel)."""
    g = Graph()
    for path in sorted(data_dir.rglob("*.ttl")):
        g.parse(path, format="turtle")
    names: dict[str, set[str]] = {}
    for predicate in (SKOS.prefLabel, SKOS.altLabel):
        for s, o in g.subject_objects(predicate):
            if isinstance(s, URIRef) and str(s).startswith(ID_NS + "org/"):
                names.setdefault(str(s), set()).add(str(o))
    return [Candidate(iri, tuple(sorted(labels))) for iri, labels in sorted(names.items())]


@dataclass
class Resolver:
    """Matches imported organisations to curated actors; collects every decision for the report."""

    candidates: list[Candidate]
    overrides: list[Override] = field(default_factory=list)
    threshold: float = THRESHOLD
    decisions: list[Match] = field(default_factory=list)
    _index: dict[str, set[int]] | None = field(default=None, repr=False)

    @classmethod
    def for_project(cls, data_dir: Path) -> Resolver:
        return cls(curated_candidates(data_dir), load_overrides(data_dir / "resolution" / "overrides.csv"))

    def resolve(self, name: str, *, source: str, identifiers: Iterable[str] = (), city: str | None = None,
                postcodes: Iterable[str] = ()) -> Match:
        """The actor ``name`` is: by identifier, then override, then the curated actors' names,
        then the actors of earlier imports (:meth:`add_imported`) by :func:`decide`."""
        ids = set(identifiers)
        for cand in self.candidates:
            if ids & cand.identifiers:
                return self._keep(Match(name, cand.iri, 1.0, f"identifier {sorted(ids & cand.identifiers)[0]}"))
        key = normalise(name)
        for ov in self.overrides:
            if ov.source in ("*", source) and normalise(ov.name) == key:
                evidence = f"manual override ({ov.note})" if ov.note else "manual override"
                return self._keep(Match(name, ov.target, 1.0 if ov.target else 0.0, evidence))
        tokens = set(key.split()) - _COMMON_TOKENS
        scored: list[tuple[float, int, Candidate, str]] = []
        for order, cand in enumerate(self._index_lookup(tokens)):
            if city and cand.city and normalise(city) != normalise(cand.city):
                continue  # blocking: both sides name a city and they differ
            best = max(((key_score(key, normalise(label), self.threshold - 0.05), label) for label in cand.names),
                       default=(0.0, ""))
            scored.append((best[0], -order, cand, best[1]))
        top = max((x[0] for x in scored), default=0.0)
        # curated actors first, then the best score; earlier candidates win ties
        passing = sorted((x for x in scored if x[0] >= self.threshold), key=lambda x: (not x[2].origin, x[0], x[1]), reverse=True)
        for s, _, cand, label in passing:
            decision = decide(name, label, postcodes_a=postcodes, postcodes_b=cand.postcodes, threshold=self.threshold)
            if decision.same:
                where = f" ({cand.origin})" if cand.origin else ""
                evidence = decision.evidence.replace(f"name similarity {s:.2f}", f"name similarity {s:.2f} with {label!r}{where}")
                return self._keep(Match(name, cand.iri, s, evidence + (f"; city {city}" if city else "")))
        return Match(name, None, top, f"best name similarity {top:.2f} below {self.threshold} or contradicted" if scored
                     else "no candidate")

    def add_imported(self, candidates: Iterable[Candidate]) -> None:
        """Actors of earlier imports become candidates after the curated ones (see :mod:`.imported`)."""
        self.candidates.extend(candidates)
        self._index = None

    def _index_lookup(self, tokens: set[str]) -> list[Candidate]:
        """Blocking: only candidates sharing a distinctive name token (or a squashed key) are scored."""
        if self._index is None:
            index: dict[str, set[int]] = {}
            for i, cand in enumerate(self.candidates):
                for label in cand.names:
                    k = normalise(label)
                    for token in set(k.split()) | {k.replace(" ", "")}:
                        index.setdefault(token, set()).add(i)
            self._index = index
        hits: set[int] = set()
        for token in tokens:
            hits |= self._index.get(token, set())
        return [self.candidates[i] for i in sorted(hits)]

    def _keep(self, match: Match) -> Match:
        if match.target:
            self.decisions.append(match)
        return match


def cluster(names: Iterable[str], threshold: float = THRESHOLD) -> dict[str, str]:
    """Group spelling variants inside one file: name → representative name (the first seen).

    Blocking on the first three characters of the normalised key keeps this near-linear.
    """
    reps: dict[str, list[str]] = {}
    result: dict[str, str] = {}
    by_key: dict[str, str] = {}
    for name in names:
        key = normalise(name)
        if key in by_key:
            result[name] = by_key[key]
            continue
        block = key.replace(" ", "")[:3]
        chosen = next((r for r in reps.get(block, []) if key_score(key, normalise(r), threshold) >= threshold), None)
        if chosen is None:
            reps.setdefault(block, []).append(name)
            chosen = name
        by_key[key] = chosen
        result[name] = chosen
    return result
