"""`make bench-remote`: load times into a real Virtuoso server (issue 8's closing numbers).

1. the curated graph, published by `thcm build` (staging graphs over the Graph Store Protocol,
   union graph on the server, count check, one switching request);
2. a synthetic graph of ``BENCH_TRIPLES`` (default 10^6) triples in 10 named graphs, written as
   N-Quads by the tiny generator below (the scale generator proper is another issue), loaded
   through ``RemoteSparqlStore.load`` (GSP POST in chunks of 20,000, then the union graph), and
   for comparison by Virtuoso's own bulk loader (``ld_dir`` + ``rdf_loader_run`` + ``checkpoint``).

Results go to benchmarks/RESULTS-virtuoso.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import copy_project, remote_settings  # noqa: E402
from tests.virtuoso import Virtuoso  # noqa: E402
from thcm_graph.build import build  # noqa: E402
from thcm_graph.store import Endpoints, RemoteSparqlStore  # noqa: E402

OUT = REPO / "benchmarks" / "RESULTS-virtuoso.md"
TRIPLES = int(os.environ.get("BENCH_TRIPLES", str(10**6)))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def synthetic_nquads(path: Path, triples: int, graphs: int = 10) -> None:
    """``triples`` distinct quads: organisations with a name, a number and links, in ``graphs`` graphs."""
    ex = "https://example.org/"
    with path.open("w", encoding="utf-8") as out:
        for i in range(triples):
            s, g = i // 5, i % graphs
            kind = i % 5
            if kind == 0:
                triple = f'<{ex}org/{s}> <{ex}name> "Organisation {s}"@de'
            elif kind == 1:
                triple = f'<{ex}org/{s}> <{ex}members> "{s % 997}"^^<http://www.w3.org/2001/XMLSchema#integer>'
            elif kind == 2:
                triple = f"<{ex}org/{s}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{ex}Organisation{s % 7}>"
            else:
                triple = f"<{ex}org/{s}> <{ex}partner{kind}> <{ex}org/{(s * 31 + kind) % (triples // 5 + 1)}>"
            out.write(f"{triple} <{ex}graph/{g}> .\n")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="thcm-bench-virtuoso-") as tmp:
        root = Path(tmp)
        server = Virtuoso(root / "server").start()
        try:
            settings = remote_settings(copy_project(root / "project"), server)
            publish_times, totals = [], []
            for _ in range(REPEAT):
                started = time.perf_counter()
                result = build(settings)
                totals.append(time.perf_counter() - started)
                publish_times.append(result.check.timings["publish"])
            curated = result.publication.manifest["triples"]

            data = root / "synthetic.nq"
            started = time.perf_counter()
            synthetic_nquads(data, TRIPLES)
            generate = time.perf_counter() - started
            store = RemoteSparqlStore(Endpoints(query=server.sparql_url, gsp=server.gsp_url, timeout=3600))
            store.clear()
            started = time.perf_counter()
            store.load(data, fmt="nquads", graph=None)
            gsp = time.perf_counter() - started
            loaded = store.count()
            store.clear()
            bulk_dir = server.load_dir / "bulk"
            bulk_dir.mkdir()
            (bulk_dir / data.name).write_bytes(data.read_bytes())
            started = time.perf_counter()
            server.isql(f"ld_dir('{bulk_dir}', '*.nq', 'https://example.org/default');", "rdf_loader_run();", "checkpoint;")
            bulk = time.perf_counter() - started
        finally:
            server.stop()

    now = datetime.now(UTC)
    lines = [
        "# Load times into Virtuoso",
        "",
        f"Run {now:%Y-%m-%d %H:%M} UTC on {platform.machine()} with {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Virtuoso Open Source 7.2 (Debian package), server and client on the same machine (loopback). "
        f"Written by `make bench-remote` (benchmarks/remote_load.py).",
        "",
        "| what | triples | seconds |",
        "|---|---:|---:|",
        f"| curated graph: publish step of `thcm build` (staging load, union, count check, switch), median of {REPEAT} "
        f"| {curated:,} | {statistics.median(publish_times):.2f} |",
        f"| curated graph: whole `thcm build` (parse, entail, validate, publish), median of {REPEAT} "
        f"| {curated:,} | {statistics.median(totals):.2f} |",
        f"| synthetic N-Quads: generate the file | {TRIPLES:,} | {generate:.1f} |",
        f"| synthetic N-Quads: `RemoteSparqlStore.load` (parse, GSP POST in chunks, union graph on the server) "
        f"| {loaded:,} | {gsp:.1f} |",
        f"| synthetic N-Quads: Virtuoso bulk loader (`ld_dir`, `rdf_loader_run`, `checkpoint`) | {TRIPLES:,} | {bulk:.1f} |",
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
