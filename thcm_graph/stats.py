"""Counts that describe a store: triples per named graph, instances per class (``thcm stats``)."""

from __future__ import annotations

from dataclasses import dataclass

from .queries import select
from .store import Store


@dataclass(frozen=True)
class Stats:
    """Triples per named graph and instances per class of one store."""

    graphs: tuple[tuple[str, int], ...]
    classes: tuple[tuple[str, int], ...]

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.graphs)

    def as_dict(self) -> dict[str, object]:
        return {"triples": self.triples, "graphs": dict(self.graphs), "classes": dict(self.classes)}


def collect(store: Store) -> Stats:
    """Count the triples of every named graph and the instances of every class (union of graphs)."""
    graphs = tuple((g, store.count(g)) for g in store.named_graphs())
    classes = tuple((str(row["class"]), int(row["instances"])) for row in select(store, "instances-per-class").as_dicts())
    return Stats(graphs, classes)
