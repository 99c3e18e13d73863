"""`make bench` / `make bench-quick`: our SPARQL endpoint over HTTP against its baselines (issue 13).

For each size (``BENCH_SIZES``, default 10^4,10^5,10^6,10^7 triples; quick: 10^4,10^5) on the
same synthetic N-Quads and the same queries: our ``thcm serve``, rdflib-endpoint under uvicorn,
Virtuoso Open Source (bulk-loaded) and rdflib in process; the FastAPI floor (constant JSON) once
per run. Each server is started for real, must give the same number of rows as ours to every
query before it is timed, is loaded with wrk at 1, 4 and 16 connections, goes through the
runaway scenario, and is stopped. Results: ``benchmarks/RESULTS.md`` (full run: the targets, these
tables, the build rows of ``bench_build.py`` and a link to the analysis results) or
``benchmarks/out/HTTP-quick.md`` (quick), and the tables on stdout. See benchmarks/README.md.

Settings (environment): ``BENCH_QUICK=1``, ``BENCH_SIZES``, ``BENCH_SEED`` (1), ``BENCH_DURATION``
(s per wrk run: 10, quick 2), ``BENCH_BUDGET`` (s per query: 60, quick 10), ``BENCH_SERVERS``
(comma-separated subset of ours,floor,virtuoso,rdflib-endpoint,rdflib), ``BENCH_DATA`` (one
N-Quads file instead of the generator), ``BENCH_OURS_STATE`` (``DIR`` or ``SIZE=DIR,…``: serve a build of
the same data kept by ``BENCH_KEEP_STATE=1 make bench-build`` instead of building it again).
``python benchmarks/http_bench.py --render`` writes the last run's report again (newer build rows).
"""

from __future__ import annotations

import math
import os
import pickle
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import httpx
from rdflib import Graph

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import bench_build  # noqa: E402
from benchmarks.httpbench import data as bench_data  # noqa: E402
from benchmarks.httpbench.cpu import wait_idle  # noqa: E402
from benchmarks.httpbench.inprocess import run_inprocess  # noqa: E402
from benchmarks.httpbench.queries import (  # noqa: E402
    CHEAP,
    JSON,
    PICK_ACTOR,
    PICK_ACTOR_BY_MEMBERSHIPS,
    PICK_BODY,
    PICK_FIELD,
    PICK_NETWORK,
    RUNAWAY,
    Picks,
    Query,
    build_queries,
    label_query,
    search_word,
)
from benchmarks.httpbench.report import BUILD_SIZE, TARGET_SIZE, TITLES, Cell, SizeResult, size_section, targets_summary  # noqa: E402
from benchmarks.httpbench.runaway import run_runaway  # noqa: E402
from benchmarks.httpbench.servers import (  # noqa: E402
    Server,
    ServerFailed,
    rdflib_endpoint_available,
    start_floor,
    start_ours,
    start_rdflib_endpoint,
    start_virtuoso,
    virtuoso_version,
)
from benchmarks.httpbench.wrk import WrkOutputError, run_wrk  # noqa: E402
from benchmarks.httpbench.wrk import available as wrk_available  # noqa: E402
from tests.virtuoso import available as virtuoso_available  # noqa: E402

CLIENTS = [1, 4, 16]
# rdflib-endpoint answers DESCRIBE in RDF/XML whatever the Accept header asks for
# (labelled application/sparql-results+xml, which it is not)
GRAPH_FORMATS = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/sparql-results+xml": "xml",
                 "application/n-triples": "nt", "application/ld+json": "json-ld"}
ALL_SERVERS = ("ours", "floor", "virtuoso", "rdflib-endpoint", "rdflib")


@dataclass(frozen=True)
class Config:
    quick: bool
    sizes: list[int]
    seed: int
    duration: float
    budget: float
    servers: tuple[str, ...]
    data: Path | None

    @property
    def clients(self) -> list[int]:
        """Connections per wrk run: 1, 4, 16; quick mode only the extremes, to stay under 3 minutes."""
        return [1, 16] if self.quick else CLIENTS

    @property
    def rdflib_max_triples(self) -> int:
        """Quick mode loads rdflib (endpoint and in process) only at the smallest size: 10^5 costs ~1 min of loading."""
        return 20_000 if self.quick else 10**12

    @classmethod
    def from_env(cls) -> Config:
        quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
        default_sizes = "10000,100000" if quick else "10000,100000,1000000,10000000"
        return cls(
            quick=quick,
            sizes=[int(float(s)) for s in os.environ.get("BENCH_SIZES", default_sizes).split(",") if s.strip()],
            seed=int(os.environ.get("BENCH_SEED", "1")),
            duration=float(os.environ.get("BENCH_DURATION", "1" if quick else "10")),
            budget=float(os.environ.get("BENCH_BUDGET", "10" if quick else "60")),
            servers=tuple(s.strip() for s in os.environ.get("BENCH_SERVERS", ",".join(ALL_SERVERS)).split(",") if s.strip()),
            data=Path(os.environ["BENCH_DATA"]) if os.environ.get("BENCH_DATA") else None,
        )

    @property
    def runaway_client_timeout(self) -> float:
        return 1.5 if self.quick else 5.0

    @property
    def runaway_watch(self) -> float:
        return 3.0 if self.quick else 15.0


_T0 = time.perf_counter()
LOAD_AT_START = os.getloadavg()


def log(message: str) -> None:
    """Progress on stderr, with the seconds since the start (stdout gets the tables)."""
    print(f"[{time.perf_counter() - _T0:6.1f} s] {message}", file=sys.stderr, flush=True)


# -- talking to a server -------------------------------------------------------------------------


def one_answer(server: Server, query: Query, timeout: float) -> tuple[int, float]:
    """Rows of one answer (triples for a graph result) and the seconds it took; raises on an HTTP error or time-out."""
    started = time.perf_counter()
    response = httpx.get(server.sparql_url, params={"query": query.sparql}, headers={"Accept": query.accept}, timeout=timeout)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise ServerFailed(f"HTTP {response.status_code}: {response.text[:200]}")
    if query.accept == JSON:
        body = response.json()
        return (1 if "boolean" in body else len(body["results"]["bindings"])), seconds
    media = response.headers.get("content-type", "").split(";")[0].strip()
    return len(Graph().parse(data=response.text, format=GRAPH_FORMATS.get(media, "turtle"))), seconds


def select_values(server: Server, sparql: str) -> list[list[str]]:
    """The rows of a SELECT as lists of plain values (for picking the benchmark's subjects)."""
    response = httpx.get(server.sparql_url, params={"query": sparql}, headers={"Accept": JSON}, timeout=600)
    response.raise_for_status()
    body = response.json()
    names = body["head"]["vars"]
    return [[row.get(n, {}).get("value", "") for n in names] for row in body["results"]["bindings"]]


def pick(server: Server) -> Picks:
    """The actor with the most participations (else memberships), the network (else any body) with the most members, the field with the most actors."""
    actor = select_values(server, PICK_ACTOR) or select_values(server, PICK_ACTOR_BY_MEMBERSHIPS)
    network = select_values(server, PICK_NETWORK) or select_values(server, PICK_BODY)
    fields = select_values(server, PICK_FIELD)
    if not (actor and network and fields):
        raise RuntimeError("the data has no actor with participations or memberships, no network with members or no field with actors")
    field = fields[0][0]
    words = {}
    for lang in ("de", "en"):  # a word of the network's name, else of the field's
        for subject in (network[0][0], field):
            try:
                words[lang] = search_word([row[0] for row in select_values(server, label_query(subject, lang))])
                break
            except ValueError:
                continue
        else:
            raise RuntimeError(f"neither the network nor the field has a {lang} label with a plain ASCII word")
    return Picks(actor=actor[0][0], network=network[0][0], field=field, word_de=words["de"], word_en=words["en"])


# -- measuring ----------------------------------------------------------------------------------


def load_cells(server: Server, query: Query, seconds: float, cfg: Config, *, serial: bool) -> dict[int, Cell]:
    """wrk at each concurrency, unless one answer is so slow that the run would measure nothing but a queue."""
    cells = {}
    for clients in cfg.clients:
        waves = clients if serial else math.ceil(clients / (os.cpu_count() or 1))
        # a run needs a few answers per connection, and the queue it leaves must drain within the budget
        if seconds > cfg.duration / 2 or seconds * waves > cfg.budget:
            cells[clients] = Cell(note=f"not run: one answer takes {seconds:.1f} s", bound_rps=(1 / seconds) if serial else None)
            continue
        if wait_idle(server.pid, budget=cfg.budget) is None:
            cells[clients] = Cell(note=f"not run: still busy {cfg.budget:g} s after the previous run")
            continue
        try:
            cells[clients] = Cell(run_wrk(server.url_for(query.sparql), accept=query.accept, connections=clients,
                                          seconds=cfg.duration, timeout=cfg.budget))
        except WrkOutputError as exc:
            cells[clients] = Cell(note=f"wrk failed: {exc}")
    return cells


def measure(server: Server, queries: list[Query], result: SizeResult, cfg: Config, *, serial: bool = False) -> list[Query]:
    """Check each query's answer against ours, then load the server with it.

    Returns the queries not measured because the server was still computing a timed-out query
    after the budget (rdflib-endpoint cannot stop one): the caller restarts it for those.
    """
    result.http.setdefault(server.name, {})
    result.single_ms.setdefault(server.name, {})
    for index, query in enumerate(queries):
        rows = result.rows.setdefault(query.name, {})
        wait_idle(server.pid, budget=cfg.budget)
        try:
            count, seconds = one_answer(server, query, cfg.budget)
            if seconds < cfg.budget / 4 and not cfg.quick:
                count, seconds = one_answer(server, query, cfg.budget)  # the first was a warm-up
        except httpx.TimeoutException:
            rows[server.name] = f"> {cfg.budget:g} s"
            result.http[server.name][query.name] = {c: Cell(note=f"> {cfg.budget:g} s") for c in cfg.clients}
            # a server that stops its queries is idle within seconds; one that cannot is not worth waiting for
            if wait_idle(server.pid, budget=min(cfg.budget, 10)) is None:
                return queries[index + 1 :]
            continue
        except Exception as exc:  # any failure of one engine on one query is reported, not fatal
            rows[server.name] = "error"
            result.http[server.name][query.name] = {c: Cell(note=f"error: {str(exc)[:80]}") for c in cfg.clients}
            continue
        rows[server.name] = str(count)
        result.single_ms[server.name][query.name] = seconds * 1000
        reference = rows.get("ours", "")
        if server.name == "ours" or not reference.isdigit():
            pass  # ours is the reference; where ours gave no answer there is nothing to compare with
        elif reference != str(count) and not query.defined:
            rows[server.name] += " (engine-defined)"
        elif reference != str(count):
            note = f"not run: answer differs ({count} rows, ours {rows.get('ours')})"
            result.http[server.name][query.name] = {c: Cell(note=note) for c in cfg.clients}
            continue
        result.http[server.name][query.name] = load_cells(server, query, seconds, cfg, serial=serial)
    return []


def runaway(server: Server, queries: list[Query], result: SizeResult, cfg: Config) -> None:
    cheap = next(q for q in queries if q.name == CHEAP)
    result.runaway[server.name] = run_runaway(
        server.sparql_url, server.url_for(RUNAWAY), server.url_for(cheap.sparql), server.pid,
        client_timeout=cfg.runaway_client_timeout, watch=cfg.runaway_watch,
    )


def run_baseline(name: str, start: Callable[[], Server], queries: list[Query], result: SizeResult, cfg: Config,
                 *, serial: bool = False) -> None:
    """Start a baseline, measure it and its runaway, stop it; a start that fails is reported as "not run".

    A server left computing a timed-out query past the budget is restarted for the remaining queries.
    """
    log(f"   {name}")
    remaining, server = queries, None
    try:
        while True:
            try:
                server = start()
            except (ServerFailed, RuntimeError, OSError) as exc:
                result.not_run[name] = f"did not start: {exc}"
                return
            result.load_seconds.setdefault(name, server.load_seconds)
            log(f"   {name} loaded in {server.load_seconds:.1f} s")
            remaining = measure(server, remaining, result, cfg, serial=serial)
            if not remaining:
                break
            log(f"   {name} still computing a timed-out query: restarting it")
            result.notes.append(f"{TITLES.get(name, name)} was restarted: it kept computing a query past the budget")
            server.stop()
            server = None
        log(f"   {name} measured")
        runaway(server, queries, result, cfg)
        log(f"   {name} runaway: {result.runaway[name].verdict()}")
    finally:
        if server is not None:
            server.stop()


@dataclass
class RdflibCost:
    """What loading rdflib cost at the largest size run so far: the basis for skipping larger sizes."""

    triples: int = 0
    seconds: float = 0.0
    rss_bytes: int = 0


def rdflib_too_big(triples: int, cost: RdflibCost) -> str | None:
    """Why rdflib is not run at this size (extrapolated linearly from a measured smaller size), or None."""
    if not cost.triples:
        return None
    factor = triples / cost.triples
    seconds, rss = cost.seconds * factor, cost.rss_bytes * factor
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    if rss > memory / 2 or seconds > 600:
        return (f"measured at {cost.triples:,} triples: {cost.seconds:.0f} s and {cost.rss_bytes / 2**30:.1f} GiB to load, "
                f"so ~{seconds / 60:.0f} min and ~{rss / 2**30:.0f} GiB here (machine: {memory / 2**30:.0f} GiB)")
    return None


def run_size(data: Path, cfg: Config, workdir: Path, cost: RdflibCost, nominal: int | None = None) -> SizeResult:
    log(f"== {data.name}")
    served = workdir / "served.nq"
    ours = start_ours(data, workdir, query_timeout=cfg.budget, served=served, nominal=nominal)
    triples = bench_data.count_lines(served)
    result = SizeResult(triples, nominal)
    data = served  # the baselines load exactly what ours serves
    try:
        result.load_seconds["ours"] = ours.load_seconds
        result.notes += [f"ours: {n}" for n in ours.notes]
        picks = pick(ours)
        queries = build_queries(picks)
        result.queries = [(q.name, q.cheap) for q in queries]
        result.notes.append(f"picked: actor <{picks.actor}>, network <{picks.network}>, field <{picks.field}> "
                            f"(search words \"{picks.word_de}\" de, \"{picks.word_en}\" en)")
        log(f"   ours built and started in {ours.load_seconds:.1f} s")
        measure(ours, queries, result, cfg)
        log("   ours measured")
        runaway(ours, queries, result, cfg)
        log(f"   ours runaway: {result.runaway['ours'].verdict()}")
    finally:
        ours.stop()

    if "virtuoso" in cfg.servers:
        if virtuoso_available():
            run_baseline("virtuoso", lambda: start_virtuoso(data, workdir, query_timeout=cfg.budget), queries, result, cfg)
        else:
            result.not_run["virtuoso"] = "virtuoso-t is not installed (`make virtuoso`)"
    too_big = rdflib_too_big(triples, cost) or (
        "quick mode loads rdflib only at the smallest size (`make bench` runs it here)" if triples > cfg.rdflib_max_triples else None)
    if "rdflib-endpoint" in cfg.servers:
        if not rdflib_endpoint_available():
            result.not_run["rdflib-endpoint"] = "the package is not installed (`pip install -e '.[bench]'`)"
        elif too_big:
            result.not_run["rdflib-endpoint"] = too_big
        else:
            run_baseline("rdflib-endpoint", lambda: start_rdflib_endpoint(data, workdir), queries, result, cfg, serial=True)
    if "rdflib" in cfg.servers:
        if too_big:
            result.not_run["rdflib"] = "rdflib in process: " + too_big
        else:
            log("   rdflib in process")
            inproc = run_inprocess(data, {q.name: q.sparql for q in queries}, workdir, budget=cfg.budget,
                                   repeat=1 if cfg.quick else 5, timeout=3600)
            result.load_seconds["rdflib in process"] = inproc["load_seconds"]
            if triples >= cost.triples:
                cost.triples, cost.seconds, cost.rss_bytes = triples, inproc["load_seconds"], inproc["rss_bytes"]
            for name, answer in inproc["queries"].items():
                rows = result.rows.setdefault(name, {})
                if "timeout" in answer:
                    rows["rdflib in process"] = result.inprocess_ms[name] = f"> {cfg.budget:g} s"
                elif "error" in answer:
                    rows["rdflib in process"] = result.inprocess_ms[name] = "error: " + answer["error"][:60]
                else:
                    rows["rdflib in process"] = str(answer["rows"])
                    times = sorted(answer["seconds"])
                    result.inprocess_ms[name] = f"{times[len(times) // 2] * 1000:.1f}"
                    if str(answer["rows"]) != rows.get("ours"):
                        result.inprocess_ms[name] += " (answer differs)"
    return result


def measure_floor(cfg: Config, workdir: Path) -> dict[int, Cell]:
    server = start_floor(workdir)
    try:
        return load_cells(server, Query("floor", "ASK {}"), 0.0, cfg, serial=False)
    finally:
        server.stop()


# -- the report ---------------------------------------------------------------------------------


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or platform.machine())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, Linux {platform.release()}"


def versions() -> str:
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.splitlines() if wrk_available() else []
    return (f"Python {platform.python_version()}, pyoxigraph {_version('pyoxigraph')}, rdflib {_version('rdflib')}, "
            f"rdflib-endpoint {_version('rdflib-endpoint')}, FastAPI {_version('fastapi')}, uvicorn {_version('uvicorn')}, "
            f"Virtuoso: {virtuoso_version() or 'not installed'}, wrk: {wrk[0].split('[')[0].strip() if wrk else 'not installed'}")


def render(cfg: Config, floor: dict[int, Cell], results: list[SizeResult], started: datetime, seconds: float) -> str:
    floor_row = " | ".join(f"{c}: {floor[c].text()}" for c in cfg.clients if c in floor)
    lines = [
        "# Benchmark results" + (" (quick mode: HTTP only)" if cfg.quick else ""),
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC, {seconds / 60:.1f} min, by `benchmarks/http_bench.py`"
        f" (`make {'bench-quick' if cfg.quick else 'bench'}`). Machine: {machine()}; client and servers share it"
        f" (load average {LOAD_AT_START[0]:.1f} at the start: above the core count means other work competed with this run).",
        f"Versions: {versions()}.",
        f"wrk: {cfg.duration:g} s per run at {', '.join(map(str, cfg.clients))} connections, GET `/sparql?query=…`; "
        f"per-query budget {cfg.budget:g} s; synthetic data of `thcm synth` (seed {cfg.seed}).",
        "",
        "Cells: requests/s (p50 / p99 ms) of runs without any error; a run with socket errors or non-2xx responses",
        "shows its errors instead. \"≤ x\" is an upper bound for a server that answers one request at a time (1 / one",
        "answer), where a load run would only have measured a queue. Targets (issue 13, at 10^6 triples): cheap lookups",
        "(entity lookup, DESCRIBE) ≥ 0.8× the floor at every concurrency and p99 < 20 ms at 16 clients; the other",
        "classes ≥ Virtuoso and ≥ 100× rdflib-endpoint; while a runaway runs a cheap query answers in < 200 ms, and the",
        "runaway stops using CPU within 1 s of its client leaving.",
        "",
        f"**HTTP floor** (FastAPI/uvicorn, constant small JSON; `benchmarks/floor_app.py`): {floor_row or 'not run'}",
        "",
    ]
    build_rows = bench_build.kept_rows()
    if not cfg.quick:
        lines += ["## Targets", "",
                  f"Queries at {TARGET_SIZE:,} synthetic triples (tables below), the build at {BUILD_SIZE:,} (table \"Build\").", "",
                  *targets_summary(results, floor, cfg.clients, build_rows, bench_build.peak_mib), ""]
    lines += ["## Queries over HTTP", ""]
    for result in results:
        lines += size_section(result, floor, cfg.clients, cfg.budget)
    if not cfg.quick and build_rows:
        lines += ["## Build", "", "`make bench-build` (`benchmarks/bench_build.py`; notes in [BUILD.md](BUILD.md)): "
                  "`thcm build --input FILE --no-analysis` of the same synthetic data plus the curated data.", "",
                  *bench_build.table(build_rows), ""]
    lines += ["## Hub analysis", "", "Per size, with plain NetworkX alongside: [ANALYSIS.md](ANALYSIS.md) "
              "(`benchmarks/bench_analysis.py`, part of `make bench`).", ""]
    return "\n".join(lines) + "\n"


SAVED = bench_data.OUT / "http-results.pickle"


def rerender() -> None:
    """``--render``: write the last run's report again from ``benchmarks/out/http-results.pickle``.

    For a changed report or newer build rows (``bench_build.py``) without measuring again.
    """
    global LOAD_AT_START
    with SAVED.open("rb") as saved:
        state = pickle.load(saved)  # written by this script's own run: trusted input
    LOAD_AT_START = state["load"]
    text = render(state["cfg"], state["floor"], state["results"], state["started"], state["seconds"])
    out = bench_data.OUT / "HTTP-quick.md" if state["cfg"].quick else REPO / "benchmarks" / "RESULTS.md"
    out.write_text(text, encoding="utf-8")
    print(f"written to {out.relative_to(REPO)}", file=sys.stderr)


def main() -> None:
    if sys.argv[1:] == ["--render"]:
        rerender()
        return
    cfg = Config.from_env()
    if not wrk_available():
        sys.exit("wrk is not installed: `make wrk` (Debian package wrk)")
    started, clock = datetime.now(UTC), time.perf_counter()
    workroot = bench_data.OUT / "http-run"
    shutil.rmtree(workroot, ignore_errors=True)
    workroot.mkdir(parents=True)
    floor = measure_floor(cfg, workroot) if "floor" in cfg.servers else {}
    results, cost = [], RdflibCost()
    out = bench_data.OUT / "HTTP-quick.md" if cfg.quick else REPO / "benchmarks" / "RESULTS.md"
    text = ""
    inputs = [(cfg.data, None)] if cfg.data else [(bench_data.synthetic(size, cfg.seed), size) for size in cfg.sizes]
    for index, (data, nominal) in enumerate(inputs):
        workdir = workroot / f"size-{index}"
        workdir.mkdir()
        results.append(run_size(data, cfg, workdir, cost, nominal))
        seconds = time.perf_counter() - clock
        text = render(cfg, floor, results, started, seconds)
        out.write_text(text, encoding="utf-8")  # after every size: a long run interrupted keeps what it measured
        with SAVED.open("wb") as saved:
            pickle.dump({"cfg": cfg, "floor": floor, "results": results, "started": started, "seconds": seconds,
                         "load": LOAD_AT_START}, saved)
    sys.stdout.write(text)
    print(f"\nwritten to {out.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
