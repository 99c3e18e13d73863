"""``WorkerStore``: the read side of the Store protocol, answered by the query workers.

Routes that need Python results (REST, linked-data pages) use it, so their queries get the same
time limit and isolation as the SPARQL endpoint (:mod:`thcm_graph.workers`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from rdflib.term import URIRef

from .errors import QueryError, StoreError
from .store._convert import parse_triples
from .store._sparql_json import parse_results_json
from .store.base import Capabilities
from .store.results import GraphResult, QueryKind, QueryResult, SelectResult, Term
from .workers import QueryAnswer, QueryRequest, QueryWorkers


class WorkerStore:
    """The read side of the :class:`~thcm_graph.store.base.Store` protocol, answered by workers.

    Routes that need Python results (REST, linked-data pages) use this, so their queries get the
    same time limit and isolation as the SPARQL endpoint. Results travel as SPARQL JSON or
    N-Triples and are converted to the neutral types.
    """

    _FORMATS: ClassVar[Mapping[str, str | None]] = {"select": "json", "ask": "json", "graph": "ntriples"}

    def __init__(self, workers: QueryWorkers) -> None:
        self._workers = workers
        self.capabilities = Capabilities(named_graphs=True, writable=False, persistent=True)

    def _run(self, sparql: str, formats: Mapping[str, str | None], **dataset: Any) -> QueryAnswer:
        return self._workers.run_sync(QueryRequest(sparql, formats, **dataset))

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        answer = self._run(
            sparql, self._FORMATS, bindings=dict(bindings or {}), default_graph=default_graph,
            named_graphs=named_graphs, base_iri=base_iri,
        )
        if answer.kind == "graph":
            return GraphResult(parse_triples(answer.body, "ntriples"))
        return parse_results_json(answer.body)

    def query_raw(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> _WorkerRawResult:
        dataset = {"bindings": dict(bindings or {}), "default_graph": default_graph, "named_graphs": named_graphs, "base_iri": base_iri}
        return _WorkerRawResult(self, sparql, dataset)

    def named_graphs(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        assert isinstance(result, SelectResult)
        return sorted(str(g) for g in result.column("g"))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return sum(self.count(g) for g in self.named_graphs())
        result = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", bindings={"g": URIRef(graph)})
        assert isinstance(result, SelectResult)
        return int(result.rows[0][1]) if result.rows else 0  # type: ignore[arg-type]

    def _read_only(self, *_: Any, **__: Any) -> Any:
        raise StoreError("the served store is read-only; publish changes with `thcm build` or an authorised SPARQL Update")

    load = add_triples = drop_graph = _read_only

    def _whole_build(self, *_: Any, **__: Any) -> Any:
        raise StoreError("dumps read the published build directly (thcm_graph.store.open_published), not through query workers")

    dump = export = _whole_build

    def close(self) -> None:
        return None


class _WorkerRawResult:
    """A query answered by a worker, serialised in the format asked for (one evaluation per format)."""

    def __init__(self, store: WorkerStore, sparql: str, dataset: dict[str, Any]) -> None:
        self._store, self._sparql, self._dataset = store, sparql, dataset
        self._answers: dict[str | None, QueryAnswer] = {}

    def _answer(self, fmt: str | None) -> QueryAnswer:
        if fmt not in self._answers:
            formats = WorkerStore._FORMATS if fmt is None else {"select": fmt, "ask": fmt, "graph": fmt}
            self._answers[fmt] = self._store._run(self._sparql, formats, **self._dataset)
        return self._answers[fmt]

    @property
    def kind(self) -> QueryKind:
        return self._answer(None).kind  # type: ignore[return-value]

    def serialize(self, fmt: str) -> bytes:
        answer = self._answer(fmt)
        if answer.fmt != fmt:
            raise QueryError(f"a {answer.kind.upper()} result cannot be written as {fmt}")
        return answer.body

    def to_result(self) -> QueryResult:
        return self._store.query(self._sparql, **self._dataset)
