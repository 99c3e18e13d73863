"""What the server and its query workers say to each other, and how it is framed on the wire.

A request or an answer is one frame: two 4-byte big-endian lengths, a JSON header and the body
bytes (the serialised result) — no pickle, so a worker can only ever receive data.
"""

from __future__ import annotations

import io
import json
import socket
import struct
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib.term import BNode, Literal, URIRef

from ..errors import QueryError, StoreError, ThcmError
from ..store._sparql_json import _term as _decode_term
from ..store.results import Term

if TYPE_CHECKING:
    pass


class ResultTooLarge(QueryError):
    """A query's serialised result exceeds the configured size limit."""


class WorkersBusy(ThcmError):
    """All query workers stayed busy for longer than a query may run."""


class WorkerLost(StoreError):
    """A query worker process ended without answering (killed from outside, or out of memory)."""


class ClientGone(ThcmError):
    """The caller stopped waiting for the answer (e.g. the HTTP client disconnected); the query was stopped."""


@dataclass(frozen=True)
class QueryRequest:
    """One query to evaluate, and the result format wanted for each kind of result.

    ``formats`` maps ``"select"``, ``"ask"`` and ``"graph"`` to a format name (see
    :mod:`thcm_graph.store.results`), or to None when no acceptable format exists for that kind.
    """

    sparql: str
    formats: Mapping[str, str | None]
    bindings: Mapping[str, Term] = field(default_factory=dict)
    default_graph: Sequence[str] | None = None
    named_graphs: Sequence[str] | None = None
    base_iri: str | None = None


@dataclass(frozen=True)
class QueryAnswer:
    """A worker's answer: the kind of result, its format (None: not acceptable) and the bytes."""

    kind: str
    fmt: str | None
    body: bytes
    build_id: str
    seconds: float


# -- the wire format between server and worker ---------------------------------------------------
#
# frame = struct "!II" (header length, body length) + header (UTF-8 JSON object) + body (bytes)
# request header: {"q": sparql, "f": formats, "b": bindings (SPARQL JSON terms), "d": default graph,
#                  "n": named graphs, "i": base IRI}; no body.
# answer header:  {"k": kind, "f": format or null} with the result as body,
#                 or {"e": exception type, "m": message} without a body.

LENGTHS = struct.Struct("!II")


def frame(header: dict[str, Any], body: bytes = b"") -> bytes:
    head = json.dumps(header, separators=(",", ":")).encode()
    return LENGTHS.pack(len(head), len(body)) + head + body


def _encode_term(term: Term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        encoded = {"type": "literal", "value": str(term)}
        if term.language:
            encoded["xml:lang"] = term.language
        elif term.datatype:
            encoded["datatype"] = str(term.datatype)
        return encoded
    raise QueryError(f"cannot bind a {type(term).__name__} as a query parameter")


def request_frame(request: QueryRequest) -> bytes:
    header: dict[str, Any] = {"q": request.sparql, "f": dict(request.formats)}
    if request.bindings:
        header["b"] = {name: _encode_term(term) for name, term in request.bindings.items()}
    if request.default_graph is not None:
        header["d"] = list(request.default_graph)
    if request.named_graphs is not None:
        header["n"] = list(request.named_graphs)
    if request.base_iri is not None:
        header["i"] = request.base_iri
    return frame(header)


def decode_request(header: dict[str, Any]) -> QueryRequest:
    return QueryRequest(
        header["q"], header["f"], {name: _decode_term(value) for name, value in header.get("b", {}).items()},
        header.get("d"), header.get("n"), header.get("i"),
    )


def recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    """``size`` bytes from a blocking socket, or None at end of file."""
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


class CappedBuffer(io.RawIOBase):
    """A byte buffer that refuses to grow past ``limit`` (stops serialisation early)."""

    def __init__(self, limit: int) -> None:
        self.buffer = bytearray()
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if len(self.buffer) + len(data) > self.limit:
            raise ResultTooLarge(f"the result is larger than the limit of {self.limit:,} bytes (THCM_MAX_RESULT_BYTES); add a LIMIT")
        self.buffer += data
        return len(data)




def to_answer(header: dict[str, Any], body: bytes, build_id: str, started: float) -> QueryAnswer:
    error = header.get("e")
    if error is not None:
        if error == "ResultTooLarge":
            raise ResultTooLarge(header["m"])
        raise QueryError(header["m"])
    return QueryAnswer(header["k"], header["f"], body, build_id, time.perf_counter() - started)

