"""A small SPARQL-aware scanner: where a query's prologue ends and its WHERE group starts.

The remote store never edits a query by searching its text for keywords: it tokenises it
(SPARQL 1.1 Query §19.8 terminals: strings, IRIs, comments, variables, names, unsigned numbers,
punctuation), so that a ``{`` or ``#`` inside a string, an IRI or a comment is never mistaken for
syntax (:mod:`.distinct_pushdown` reads the same tokens). With the tokens it finds

- the end of the prologue (``BASE``/``PREFIX`` declarations, §4.1.1), to add predeclared
  prefixes and the base IRI without changing line numbers in error messages;
- the query form (SELECT, ASK, CONSTRUCT, DESCRIBE);
- the opening brace of the outermost WHERE group (skipping a CONSTRUCT template), where a
  ``VALUES`` block carries the bound parameters (§10.2, inline data);
- the variables a SELECT projects (§18.2.4.1), since a bound variable must be projected.

>>> q = parse('PREFIX ex: <urn:x#> SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ex:p "{#" }')
>>> q.form, sorted(q.prefixes), sorted(q.projected or ())
('SELECT', ['ex'], ['n', 's'])
>>> q.text[q.where_open]
'{'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import QueryError

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\s(){}\[\],;.'"<>=!&|+\-*/^#]+)
  | (?P<name>[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*(?::(?:[^\s(){}\[\],;'"<>=!&|+*/^#\\]|\\.)*)?
              |:(?:[^\s(){}\[\],;'"<>=!&|+*/^#\\]|\\.)*)
  | (?P<number>(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


@dataclass(frozen=True)
class ParsedQuery:
    """What the remote store needs to know about a query's text."""

    text: str
    form: str
    body_start: int  # offset of the query form keyword (end of the prologue)
    prefixes: dict[str, str]  # the query's own PREFIX declarations
    has_base: bool
    where_open: int | None  # offset of the outermost WHERE group's "{", None if there is none
    projected: frozenset[str] | None  # variables a SELECT projects; None for SELECT * and other forms


def tokens(text: str) -> list[Token]:
    """The significant tokens of ``text`` (no white space, no comments)."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            found.append(Token(kind, match.group(), match.start()))
    return found


def parse(text: str) -> ParsedQuery:
    """Find the parts of a query; :class:`QueryError` if it is not a SPARQL query."""
    toks = tokens(text)
    i, prefixes, has_base = 0, dict[str, str](), False
    while i < len(toks) and toks[i].kind == "name" and toks[i].text.upper() in ("BASE", "PREFIX"):
        if toks[i].text.upper() == "BASE":
            has_base, i = True, i + 2
        else:
            if i + 2 < len(toks):
                prefixes[toks[i + 1].text.rstrip(":").split(":")[0]] = toks[i + 2].text[1:-1]
            i += 3
    if i >= len(toks) or toks[i].text.upper() not in FORMS:
        got = toks[i].text if i < len(toks) else "the end of the text"
        raise QueryError(f"line 1: expected SELECT, ASK, CONSTRUCT or DESCRIBE, found {got!r} (SPARQL 1.1 Query §2)")
    form = toks[i].text.upper()
    body_start = toks[i].start
    j = i + 1
    if form == "CONSTRUCT" and j < len(toks) and toks[j].text == "{":
        j = matching(toks, j) + 1  # skip the template
    projected: set[str] | None = set() if form == "SELECT" else None
    depth = 0
    where_open = None
    for k in range(j, len(toks)):
        tok = toks[k]
        if tok.text == "{":
            where_open = tok.start
            break
        if projected is None:
            continue
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        elif tok.text == "*" and depth == 0:
            projected = None
        elif tok.kind == "var" and (depth == 0 or (k > 0 and toks[k - 1].text.upper() == "AS")):
            projected.add(tok.text[1:])
    return ParsedQuery(
        text, form, body_start, prefixes, has_base, where_open,
        None if projected is None else frozenset(projected),
    )


_CLOSING = {"{": "}", "(": ")"}


def matching(toks: list[Token], open_index: int) -> int:
    """The index of the ``}`` or ``)`` that closes the bracket at ``open_index``."""
    opening = toks[open_index].text
    closing = _CLOSING[opening]
    depth = 0
    for k in range(open_index, len(toks)):
        if toks[k].text == opening:
            depth += 1
        elif toks[k].text == closing:
            depth -= 1
            if depth == 0:
                return k
    raise QueryError(f"unbalanced brackets: a {opening!r} is never closed")


_ESCAPED = re.compile(r"\\(.)")


def expand_escaped_names(text: str, known: dict[str, str]) -> str:
    r"""Write prefixed names with escapes (``id:scheme\/x``, §19.8 PN_LOCAL_ESC) as full IRIs.

    Some servers (Virtuoso 7.2) do not accept the escapes; ``<…>`` means the same everywhere.

    >>> expand_escaped_names(r"SELECT * { ?s ?p id:a\/b }", {"id": "urn:id:"})
    'SELECT * { ?s ?p <urn:id:a/b> }'
    """
    out, last = [], 0
    for tok in tokens(text):
        if tok.kind == "name" and "\\" in tok.text and ":" in tok.text:
            prefix, _, local = tok.text.partition(":")
            if prefix in known:
                unescaped = _ESCAPED.sub(r"\1", local)
                out += [text[last:tok.start], f"<{known[prefix]}{unescaped}>"]
                last = tok.start + len(tok.text)
    return "".join(out) + text[last:] if out else text
