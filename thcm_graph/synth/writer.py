"""A streaming N-Quads writer: lines are buffered and written in big chunks, gzip by file name.

Byte-for-byte reproducible: the gzip header carries no file name and no time stamp, so the same
lines give the same file.
"""

from __future__ import annotations

import gzip
import io
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

CHUNK_LINES = 20_000


class QuadWriter:
    """Collects N-Quads lines (``write``) and counts them per graph; ``close`` flushes."""

    def __init__(self, path: Path, *, compresslevel: int = 3) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._raw: BinaryIO = path.open("wb")
        self._out: BinaryIO
        if path.name.endswith(".gz"):
            self._out = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=compresslevel)  # type: ignore[assignment]
        else:
            self._out = self._raw
        self._lines: list[str] = []
        self.per_graph: Counter[str] = Counter()
        self.total = 0

    def add(self, lines: list[str], graph: str) -> None:
        """Queue ``lines`` (each a full N-Quads line ending in ``\\n``) of graph ``graph``."""
        self._lines.extend(lines)
        self.per_graph[graph] += len(lines)
        self.total += len(lines)
        if len(self._lines) >= CHUNK_LINES:
            self._flush()

    def _flush(self) -> None:
        if self._lines:
            self._out.write("".join(self._lines).encode("utf-8"))
            self._lines = []

    def close(self) -> None:
        self._flush()
        if self._out is not self._raw:
            self._out.close()
        self._raw.close()

    def __enter__(self) -> QuadWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def read_lines(path: Path) -> io.TextIOBase:
    """Open a (possibly gzipped) N-Quads file for reading text lines."""
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open("r", encoding="utf-8")
