"""Remove duplicates early: push the DISTINCT of a ``SELECT DISTINCT`` below the joins of its pattern.

pyoxigraph evaluates ``SELECT DISTINCT ?other WHERE { …eight triple patterns… }`` by enumerating
every solution of the basic graph pattern and removing duplicates only at the end. For a chain of
joins — "partners of my project partners" — that is every *path*, not every answer: 8.5 million
paths for 11,809 answers at 10^6 triples (``benchmarks/join_plan.py``), 38.8 s per answer over
HTTP where Virtuoso needs 1.9 s. Relational optimisers remove duplicates as soon as variables stop
being needed (duplicate-elimination push-down / eager aggregation; oxigraph issue 142 asks the
same of oxigraph). This module does it by rewriting the query text into nested sub-queries
(SPARQL 1.1 Query §12), which any SPARQL 1.1 engine evaluates bottom-up::

    SELECT DISTINCT ?other WHERE {
      { SELECT DISTINCT ?partner WHERE { ?p1 ex:participant <a> . ?proj ex:has ?p1 , ?p2 . ?p2 ex:participant ?partner } }
      ?p3 ex:participant ?partner . …
    }

**Why it gives the same answers.** Under set semantics (the outer ``DISTINCT``) a projection can
be pushed through a join: ``π_V(A ⋈ B) = π_V(π_W(A) ⋈ B)`` with ``W = vars(A) ∩ (V ∪ vars(B))``
(SPARQL §18.5: Join, Project and Distinct of solution multisets; a basic graph pattern binds all
of its variables in every solution, so there are no unbound values to treat specially). A FILTER
of a basic graph pattern may move to any sub-pattern that binds all of its variables
(σ_f(A ⋈ B) = σ_f(A) ⋈ B when vars(f) ⊆ vars(A)). Only queries where both hold are rewritten:

- the form is ``SELECT DISTINCT ?v …`` (plain variables, no ``*``, no expressions), with optional
  ``FROM``/``FROM NAMED``, and after the group only ``ORDER BY``, ``LIMIT`` and ``OFFSET`` — a
  ``LIMIT`` only with an ``ORDER BY`` (without one the engine stops after the first answers, which
  a sub-query evaluated in full would undo: 0.2 → 12.6 ms for the 2-hop query with ``LIMIT 10``);
- the group is one basic graph pattern — triple patterns with IRIs, prefixed names, variables,
  literals and ``a``, abbreviated with ``;`` and ``,`` — plus FILTERs that contain no group
  (no ``EXISTS``) and no per-call function (``RAND``, ``NOW``, ``UUID``, ``STRUUID``, ``BNODE``);
- no blank nodes (a label may not span two basic graph patterns), property paths, ``OPTIONAL``,
  ``UNION``, ``MINUS``, ``GRAPH``, ``BIND``, ``VALUES``, ``SERVICE``, sub-queries, aggregates.

Anything else is left exactly as written: :func:`push_distinct_down` returns ``None``.

**Where the cuts go.** The triple patterns are ordered greedily as a left-deep plan (most
selective first: bound subject, bound object, bound predicate; ``rdf:type`` objects count little;
each next pattern shares a variable with those before it where one does). Walking that order,
wherever a variable is needed neither by the result, an ``ORDER BY``, a pending FILTER nor a later
pattern, the patterns so far become ``{ SELECT DISTINCT <still needed> WHERE { … } }`` — if at
least two triple patterns were added since the last cut and at least one variable is still needed.
(A cut after every pattern made each level a hash join of its own: short chains got slower.) The
engine still orders the patterns inside each sub-query itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import QueryError
from ._sparql_text import Token, matching, tokens

#: Names that end the rewritable fragment wherever they appear in the group.
_GROUP_KEYWORDS = frozenset({
    "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND", "VALUES", "SERVICE", "SELECT", "FILTER", "EXISTS", "NOT",
})
#: Functions whose value may change per call: a FILTER using one is never moved.
_VOLATILE = frozenset({"RAND", "NOW", "UUID", "STRUUID", "BNODE"})
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


class _NotRewritable(Exception):
    """The query is outside the fragment this module rewrites (it is then left unchanged)."""


@dataclass(frozen=True)
class _Pattern:
    terms: tuple[str, str, str]  # source text of subject, predicate, object
    variables: tuple[frozenset[str], frozenset[str], frozenset[str]]  # variables per position (at most one each)

    @property
    def all_variables(self) -> frozenset[str]:
        return self.variables[0] | self.variables[1] | self.variables[2]

    def text(self) -> str:
        return " ".join(self.terms) + " ."


@dataclass(frozen=True)
class _Filter:
    text: str
    variables: frozenset[str]


@dataclass
class _Level:
    """One group of the rewritten query: its units (patterns and the sub-query below) and filters."""

    units: list[_Pattern | _Level] = field(default_factory=list)
    filters: list[_Filter] = field(default_factory=list)
    projected: tuple[str, ...] = ()  # for a sub-query: the variables it passes up

    def body(self) -> str:
        parts = [unit.text() if isinstance(unit, _Pattern) else unit.subquery() for unit in self.units]
        return " ".join(parts + [f.text for f in self.filters])

    def subquery(self) -> str:
        variables = " ".join("?" + v for v in self.projected)
        return f"{{ SELECT DISTINCT {variables} WHERE {{ {self.body()} }} }}"


@dataclass(frozen=True)
class _Query:
    head: str  # prologue, SELECT DISTINCT and projection, dataset clauses: kept verbatim
    patterns: list[_Pattern]
    filters: list[_Filter]
    tail: str  # ORDER BY / LIMIT / OFFSET: kept verbatim
    needed: frozenset[str]  # variables the result and the ORDER BY use


@lru_cache(maxsize=2048)
def push_distinct_down(sparql: str) -> str | None:
    """The query with duplicates removed below its joins, or ``None`` if it is left as written.

    >>> print(push_distinct_down('SELECT DISTINCT ?c WHERE { <urn:a> <urn:p> ?x . ?x <urn:p> ?y . ?y <urn:p> ?c }'))
    SELECT DISTINCT ?c
    WHERE { { SELECT DISTINCT ?y WHERE { <urn:a> <urn:p> ?x . ?x <urn:p> ?y . } } ?y <urn:p> ?c . }
    >>> push_distinct_down('SELECT ?c WHERE { <urn:a> <urn:p> ?x . ?x <urn:p> ?y . ?y <urn:p> ?c }') is None
    True
    """
    if "distinct" not in sparql.lower():
        return None
    try:
        query = _parse(sparql)
    except _NotRewritable:
        return None
    if len(query.patterns) < 3:
        return None
    plan = _plan(query)
    if plan is None:
        return None
    return f"{query.head}\nWHERE {{ {plan.body()} }}{query.tail}"  # a line break: the head may end in a comment


# -- reading the query ---------------------------------------------------------------------------


def _parse(text: str) -> _Query:
    toks = _split_trailing_dots(tokens(text))
    i = 0
    while i < len(toks) and toks[i].kind == "name" and toks[i].text.upper() in ("BASE", "PREFIX"):
        i += 2 if toks[i].text.upper() == "BASE" else 3
    if not (i + 1 < len(toks) and toks[i].text.upper() == "SELECT" and toks[i + 1].text.upper() == "DISTINCT"):
        raise _NotRewritable
    i += 2
    projected = []
    while i < len(toks) and toks[i].kind == "var":
        projected.append(toks[i].text[1:])
        i += 1
    if not projected:
        raise _NotRewritable  # SELECT DISTINCT * or an expression
    while i < len(toks) and toks[i].text.upper() == "FROM":
        i += 3 if i + 1 < len(toks) and toks[i + 1].text.upper() == "NAMED" else 2
    if i < len(toks) and toks[i].text.upper() == "WHERE":
        head_end, i = toks[i].start, i + 1
    else:
        head_end = toks[i].start if i < len(toks) else len(text)
    if i >= len(toks) or toks[i].text != "{":
        raise _NotRewritable
    close = _close_of(toks, i)
    patterns, filters = _group(text, toks, i + 1, close)
    needed = set(projected)
    tail_start = close + 1
    j, ordered, limited = tail_start, False, False
    while j < len(toks):  # only ORDER BY, LIMIT and OFFSET may follow
        word = toks[j].text.upper()
        if word == "ORDER" and j + 1 < len(toks) and toks[j + 1].text.upper() == "BY":
            j, ordered = j + 2, True
            while j < len(toks) and toks[j].text.upper() not in ("LIMIT", "OFFSET"):
                if toks[j].kind == "var":
                    needed.add(toks[j].text[1:])
                elif toks[j].text == "{" or toks[j].text.upper() in _VOLATILE | {"EXISTS"}:
                    raise _NotRewritable
                j += 1
        elif word in ("LIMIT", "OFFSET") and j + 1 < len(toks) and toks[j + 1].kind == "number":
            j, limited = j + 2, limited or word == "LIMIT"
        else:
            raise _NotRewritable
    if limited and not ordered:
        raise _NotRewritable  # the engine stops after the first answers; sub-queries would run in full first
    tail = " " + text[toks[tail_start].start:].strip() if tail_start < len(toks) else ""
    return _Query(text[:head_end].rstrip(), patterns, filters, tail, frozenset(needed))


def _split_trailing_dots(toks: list[Token]) -> list[Token]:
    """``ex:o.`` ends a triple (a prefixed name may contain but not end with a dot, §19.8 PN_LOCAL)."""
    out = []
    for tok in toks:
        if tok.kind == "name" and tok.text.endswith(".") and ":" in tok.text:
            name = tok.text.rstrip(".")
            out.append(Token("name", name, tok.start))
            out.extend(Token("punct", ".", tok.start + k) for k in range(len(name), len(tok.text)))
        else:
            out.append(tok)
    return out


def _close_of(toks: list[Token], open_index: int) -> int:
    try:
        return matching(toks, open_index)
    except QueryError:
        raise _NotRewritable from None  # unbalanced: the engine will say where


def _group(text: str, toks: list[Token], start: int, end: int) -> tuple[list[_Pattern], list[_Filter]]:
    """The triple patterns and FILTERs of the group between ``start`` and ``end`` (token indices)."""
    patterns: list[_Pattern] = []
    filters: list[_Filter] = []
    i = start
    while i < end:
        tok = toks[i]
        if tok.kind == "punct" and tok.text == ".":
            i += 1
        elif tok.kind == "name" and tok.text.upper() == "FILTER":
            i = _filter(text, toks, i, end, filters)
        else:
            i = _triples(text, toks, i, end, patterns)
    return patterns, filters


def _filter(text: str, toks: list[Token], i: int, end: int, filters: list[_Filter]) -> int:
    j = i + 1
    if j < end and toks[j].kind == "name" and ":" not in toks[j].text:
        j += 1  # FILTER regex(…), FILTER isIRI(…): a built-in call without brackets around it
    if j >= end or toks[j].text != "(":
        raise _NotRewritable
    close = _close_of(toks, j)
    if close >= end:
        raise _NotRewritable
    names = {t.text.upper() for t in toks[i + 1:close] if t.kind == "name"}
    if names & (_VOLATILE | {"EXISTS", "NOT"}) or any(t.text == "{" for t in toks[i + 1:close]):
        raise _NotRewritable
    variables = frozenset(t.text[1:] for t in toks[i + 1:close] if t.kind == "var")
    filters.append(_Filter(text[toks[i].start:toks[close].start + 1], variables))
    return close + 1


def _triples(text: str, toks: list[Token], i: int, end: int, patterns: list[_Pattern]) -> int:
    subject, i = _term(text, toks, i, end, position=0)
    while True:  # predicate-object list
        predicate, i = _term(text, toks, i, end, position=1)
        while True:  # object list
            obj, i = _term(text, toks, i, end, position=2)
            terms = (subject[0], predicate[0], obj[0])
            patterns.append(_Pattern(terms, (subject[1], predicate[1], obj[1])))
            if i < end and toks[i].text == ",":
                i += 1
                continue
            break
        while i < end and toks[i].text == ";":
            i += 1
        if i >= end or toks[i].text == "." or (toks[i].kind == "name" and toks[i].text.upper() == "FILTER"):
            return i
        if toks[i - 1].text != ";":
            raise _NotRewritable


def _term(text: str, toks: list[Token], i: int, end: int, *, position: int) -> tuple[tuple[str, frozenset[str]], int]:
    """One RDF term or variable: its source text, its variable (if any) and the next index."""
    if i >= end:
        raise _NotRewritable
    tok = toks[i]
    if tok.kind == "var":
        return (tok.text, frozenset({tok.text[1:]})), i + 1
    if tok.kind == "iri":
        return (tok.text, frozenset()), i + 1
    if tok.kind == "name":
        if tok.text.startswith("_:") or tok.text.upper() in _GROUP_KEYWORDS:
            raise _NotRewritable  # blank node or a group keyword
        if tok.text == "a" and position == 1:
            return (_RDF_TYPE, frozenset()), i + 1
        if ":" in tok.text or (position == 2 and tok.text in ("true", "false")):
            return (tok.text, frozenset()), i + 1
        raise _NotRewritable
    if position == 2 and tok.kind == "number":
        return (tok.text, frozenset()), i + 1
    if position == 2 and tok.kind == "punct" and tok.text in "+-" and i + 1 < end and toks[i + 1].kind == "number" \
            and toks[i + 1].start == tok.start + 1:
        return (tok.text + toks[i + 1].text, frozenset()), i + 2
    if position == 2 and tok.kind == "string":
        j = i + 1
        if j + 1 < end and toks[j].text == "@" and toks[j + 1].kind == "name":
            j += 2  # language tag
        elif j + 2 < end and toks[j].text == "^" and toks[j + 1].text == "^" and toks[j + 2].kind in ("iri", "name"):
            j += 3  # datatype
        last = toks[j - 1]
        return (text[tok.start:last.start + len(last.text)], frozenset()), j
    raise _NotRewritable  # blank node brackets, collections, property paths, keywords


# -- planning ------------------------------------------------------------------------------------


def _selectivity(pattern: _Pattern, bound: frozenset[str]) -> int:
    """How few solutions a pattern is likely to have once ``bound`` variables have values."""
    fixed = [not (v - bound) for v in pattern.variables]
    score = 4 * fixed[0] + 1 * fixed[1]
    if fixed[2]:
        score += 1 if pattern.terms[1] == _RDF_TYPE and not pattern.variables[2] else 2
    return score


def _order(patterns: list[_Pattern]) -> list[_Pattern]:
    """A left-deep join order: the most selective connected pattern next (written order breaks ties)."""
    left, ordered = list(patterns), list[_Pattern]()
    bound: frozenset[str] = frozenset()
    while left:
        connected = [p for p in left if p.all_variables & bound] if ordered else left
        best = max(connected or left, key=lambda p: _selectivity(p, bound))
        left.remove(best)
        ordered.append(best)
        bound |= best.all_variables
    return ordered


def _plan(query: _Query) -> _Level | None:
    """The nested levels, or ``None`` if no cut removes a variable (nothing to gain)."""
    ordered = _order(query.patterns)
    in_patterns = frozenset().union(*(p.all_variables for p in ordered))
    pending = [f for f in query.filters if f.variables <= in_patterns]
    outermost = [f for f in query.filters if not f.variables <= in_patterns]
    level, visible, cuts = _Level(), frozenset[str](), 0
    for k, pattern in enumerate(ordered):
        level.units.append(pattern)
        visible |= pattern.all_variables
        for f in [f for f in pending if f.variables <= visible]:
            level.filters.append(f)
            pending.remove(f)
        later = ordered[k + 1:]
        if not later:
            break
        still_needed = query.needed | frozenset().union(*(p.all_variables for p in later), *(f.variables for f in pending))
        live = visible & still_needed
        patterns_here = sum(isinstance(unit, _Pattern) for unit in level.units)
        if live and live != visible and patterns_here >= 2:
            level.projected = tuple(sorted(live))
            level, visible, cuts = _Level(units=[level]), live, cuts + 1
    level.filters.extend(pending + outermost)
    return level if cuts else None
