"""Results of one run, and their rendering as Markdown tables with ratios and targets (issue 13).

Pure functions over plain data: no server, no timing — so the table logic is unit-tested
(tests/test_bench_harness.py). A load run with errors is never shown as throughput: its cell
says what failed, and no ratio or target is computed from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .runaway import RunawayResult
from .wrk import WrkResult

BASELINES = ("floor", "virtuoso", "rdflib-endpoint")
TITLES = {"ours": "ours", "floor": "floor", "virtuoso": "Virtuoso", "rdflib-endpoint": "rdflib-endpoint"}
CHEAP_SHARE_OF_FLOOR = 0.8  # cheap lookups: at least 0.8x the floor's throughput at every concurrency
CHEAP_P99_MS = 20.0  # ... and p99 under 20 ms at 16 clients
JOIN_TIMES_RDFLIB = 100.0  # joins and aggregations: at least 100x rdflib-endpoint (and at least Virtuoso)
RUNAWAY_CHEAP_MS = 200.0  # while a runaway runs, a cheap query answers in under 200 ms
RUNAWAY_STOP_S = 1.0  # ... and the runaway stops using CPU within 1 s of the client leaving


@dataclass
class Cell:
    """One (server, query, clients) measurement: a wrk run, or why there is none.

    ``bound_rps`` is an upper bound on throughput known without a load run: a server that answers
    one request at a time cannot exceed 1 / (latency of one answer).
    """

    load: WrkResult | None = None
    note: str = ""
    bound_rps: float | None = None

    @property
    def rps(self) -> float | None:
        """Throughput, only if the run completed requests without any error."""
        return self.load.rps if self.load is not None and self.load.ok else None

    def text(self) -> str:
        """The table cell: "812.3 (1.1 / 5.0)", the errors of a failed run, a bound, or why it was not run."""
        return _cell(self._text())

    def _text(self) -> str:
        if self.load is not None and self.load.ok:
            return f"{self.load.rps:,.1f} ({_ms(self.load.p50_ms)} / {_ms(self.load.p99_ms)})"
        if self.load is not None:
            return f"errors: {self.load.describe_errors()}"
        if self.bound_rps is not None:
            return f"≤ {self.bound_rps:,.2f} ({self.note})"
        return self.note or "—"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, no column separator."""
    return " ".join(text.split()).replace("|", "/")


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


@dataclass
class SizeResult:
    """Everything measured at one data size."""

    triples: int  # quads served (the synthetic data with the curated graphs and the entailed types)
    nominal: int | None = None  # the synthetic size asked of `thcm synth`
    queries: list[tuple[str, bool]] = field(default_factory=list)  # (name, cheap)
    load_seconds: dict[str, float] = field(default_factory=dict)
    not_run: dict[str, str] = field(default_factory=dict)  # server -> reason
    rows: dict[str, dict[str, str]] = field(default_factory=dict)  # query -> server -> row count or note
    http: dict[str, dict[str, dict[int, Cell]]] = field(default_factory=dict)  # server -> query -> clients -> cell
    single_ms: dict[str, dict[str, float]] = field(default_factory=dict)  # server -> query -> one answer, ms
    inprocess_ms: dict[str, str] = field(default_factory=dict)  # query -> median ms or note
    runaway: dict[str, RunawayResult] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def ratio(ours: float | None, theirs: float | None) -> float | None:
    """ours / theirs, or None when either is missing (a failed or skipped run has no ratio)."""
    if ours is None or theirs is None or theirs <= 0:
        return None
    return ours / theirs


def _ratio_text(ours: Cell, theirs: Cell | None) -> str:
    if theirs is None:
        return "—"
    exact = ratio(ours.rps, theirs.rps)
    if exact is not None:
        return f"{exact:.2f}×"
    at_least = ratio(ours.rps, theirs.bound_rps)
    return f"≥ {at_least:,.0f}×" if at_least is not None else "—"


def cheap_target(ours: Cell, floor: Cell | None, clients: int) -> str:
    """Cheap lookups: ≥ 0.8× the floor at every concurrency, and p99 < 20 ms at 16 clients."""
    if ours.rps is None or ours.load is None:
        return "not met (no throughput)"
    problems = []
    share = ratio(ours.rps, floor.rps if floor else None)
    if share is None:
        problems.append("floor not measured")
    elif share < CHEAP_SHARE_OF_FLOOR:
        problems.append(f"{share:.2f}× floor < {CHEAP_SHARE_OF_FLOOR}×")
    if clients == 16 and ours.load.p99_ms is not None and ours.load.p99_ms >= CHEAP_P99_MS:
        problems.append(f"p99 {ours.load.p99_ms:.0f} ms ≥ {CHEAP_P99_MS:.0f} ms")
    return "met" if not problems else "not met: " + "; ".join(problems)


def join_target(ours: Cell, virtuoso: Cell | None, rdflib_endpoint: Cell | None) -> str:
    """Joins and aggregations: ≥ Virtuoso's throughput and ≥ 100× rdflib-endpoint's."""
    if ours.rps is None:
        return "not met (no throughput)"
    problems, unknown = [], []
    vs_virtuoso = ratio(ours.rps, virtuoso.rps if virtuoso else None)
    if vs_virtuoso is None:
        unknown.append("Virtuoso")
    elif vs_virtuoso < 1:
        problems.append(f"{vs_virtuoso:.2f}× Virtuoso")
    if rdflib_endpoint is None:
        unknown.append("rdflib-endpoint")
    else:
        vs_rdflib = ratio(ours.rps, rdflib_endpoint.rps)
        bound = ratio(ours.rps, rdflib_endpoint.bound_rps)
        if vs_rdflib is not None and vs_rdflib < JOIN_TIMES_RDFLIB:
            problems.append(f"{vs_rdflib:.0f}× rdflib-endpoint < {JOIN_TIMES_RDFLIB:.0f}×")
        elif vs_rdflib is None and (bound is None or bound < JOIN_TIMES_RDFLIB):
            unknown.append("rdflib-endpoint")
    if problems:
        return "not met: " + "; ".join(problems)
    return "met" if not unknown else "unknown: no throughput of " + ", ".join(unknown)


def http_table(result: SizeResult, floor: dict[int, Cell], clients: list[int]) -> list[str]:
    """Requests/s (p50 / p99 ms) per query class and concurrency, ratios of ours to each baseline, and the target."""
    servers = ["ours", *[s for s in ("virtuoso", "rdflib-endpoint") if s in result.http]]
    lines = [
        "| query | clients | ours | floor | " + " | ".join(TITLES[s] for s in servers[1:]) + (" | " if servers[1:] else "")
        + "ours / floor | " + " | ".join(f"ours / {TITLES[s]}" for s in servers[1:]) + (" | " if servers[1:] else "") + "target |",
        "|---|---:|---:|---:|" + "---:|" * (len(servers) - 1) + "---:|" + "---:|" * (len(servers) - 1) + "---|",
    ]
    for name, cheap in result.queries:
        for c in clients:
            cells = {s: result.http.get(s, {}).get(name, {}).get(c, Cell(note="not run")) for s in servers}
            ours = cells["ours"]
            target = (cheap_target(ours, floor.get(c), c) if cheap
                      else join_target(ours, cells.get("virtuoso"), cells.get("rdflib-endpoint")))
            row = [name, str(c), ours.text(), floor[c].text() if c in floor else "—",
                   *[cells[s].text() for s in servers[1:]],
                   _ratio_text(ours, floor.get(c)), *[_ratio_text(ours, cells[s]) for s in servers[1:]], target]
            lines.append("| " + " | ".join(row) + " |")
    return lines


def runaway_table(result: SizeResult, limit: float) -> list[str]:
    """The cheap query's latency while a runaway ran, and the CPU after the runaway's client left."""
    lines = [
        "| server | cheap p50 ms | cheap p99 ms | cheap max ms | cheap failures | after the client left | target |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for server, r in result.runaway.items():
        target = ""
        if server == "ours":
            problems = []
            if r.cheap_failures or r.max_ms is None or r.max_ms >= RUNAWAY_CHEAP_MS:
                problems.append(f"cheap query max {_ms(r.max_ms)} ms, {r.cheap_failures} failed")
            if r.stopped_after is None or r.stopped_after > RUNAWAY_STOP_S:
                problems.append("CPU not stopped within 1 s")
            target = "met" if not problems else "not met: " + "; ".join(problems)
        lines.append(f"| {TITLES[server]} | {_ms(r.p50_ms)} | {_ms(r.p99_ms)} | {_ms(r.max_ms)} | {r.cheap_failures} "
                     f"| {r.verdict()} | {target} |")
    return lines


def answers_table(result: SizeResult) -> list[str]:
    """How many rows (triples for DESCRIBE) each engine answered: the check made before timing."""
    engines = ["ours", *[s for s in ("virtuoso", "rdflib-endpoint", "rdflib in process") if any(s in v for v in result.rows.values())]]
    lines = ["| query | " + " | ".join(TITLES.get(e, e) for e in engines) + " |", "|---|" + "---:|" * len(engines)]
    for name, _ in result.queries:
        lines.append(f"| {name} | " + " | ".join(_cell(result.rows.get(name, {}).get(e, "—")) for e in engines) + " |")
    return lines


def inprocess_table(result: SizeResult) -> list[str]:
    """rdflib in process (no HTTP) against ours over HTTP (p50 at one client)."""
    lines = ["| query | rdflib in process, median ms | ours over HTTP, p50 ms at 1 client | rdflib in process / ours |",
             "|---|---:|---:|---:|"]
    for name, _ in result.queries:
        theirs = result.inprocess_ms.get(name, "not run")
        load = result.http.get("ours", {}).get(name, {}).get(1, Cell()).load
        ours = load.p50_ms if load is not None and load.ok else None
        try:
            factor = f"{float(theirs) / ours:,.1f}×" if ours else "—"
        except ValueError:
            factor = "—"
        lines.append(f"| {name} | {_cell(theirs)} | {_ms(ours)} | {factor} |")
    return lines


def size_section(result: SizeResult, floor: dict[int, Cell], clients: list[int], limit: float) -> list[str]:
    """The Markdown section of one data size."""
    title = f"{result.triples:,} quads served" if result.nominal is None else (
        f"{result.nominal:,} synthetic triples ({result.triples:,} quads served with the curated data and entailed types)")
    lines = [f"### {title}", ""]
    if result.load_seconds:
        lines += ["Load/start: " + ", ".join(f"{TITLES.get(s, s)} {v:.1f} s" for s, v in result.load_seconds.items()) + ".", ""]
    for server, reason in result.not_run.items():
        lines.append(f"- **{TITLES.get(server, server)}: not run** — {reason}")
    for note in result.notes:
        lines.append(f"- {note}")
    if result.not_run or result.notes:
        lines.append("")
    lines += ["Requests/s (p50 / p99 ms):", "", *http_table(result, floor, clients), ""]
    lines += ["Answers (rows; triples for DESCRIBE) — every engine checked before timing:", "", *answers_table(result), ""]
    if result.inprocess_ms:
        lines += [*inprocess_table(result), ""]
    if result.runaway:
        lines += ["Runaway (cross product) with a short client timeout, a cheap query timed meanwhile:", "",
                  *runaway_table(result, limit), ""]
    return lines


TARGET_SIZE = 10**6  # the targets are stated at 10^6 triples, except the build's (10^7)
BUILD_SIZE, BUILD_PEAK_MIB = 10**7, 4096.0


def _ratios(result: SizeResult, name: str, clients: list[int], against: dict[int, Cell] | str) -> str:
    """``0.41 / 0.45 / 0.40×``: ours over a baseline at each concurrency (the floor is a mapping, others a server)."""
    parts = []
    for c in clients:
        ours = result.http.get("ours", {}).get(name, {}).get(c, Cell())
        theirs = against.get(c) if isinstance(against, dict) else result.http.get(against, {}).get(name, {}).get(c)
        value = ratio(ours.rps, theirs.rps if theirs else None)
        bound = ratio(ours.rps, theirs.bound_rps if theirs else None)  # a serial server's bound: ours is at least this
        if value is None and bound is not None:
            parts.append(f"≥ {_factor(bound)}")
        else:
            parts.append("—" if value is None else _factor(value))
    return " / ".join(parts) + "×"


def _factor(value: float) -> str:
    return f"{value:,.2f}" if value < 10 else f"{value:,.0f}"


def targets_summary(results: list[SizeResult], floor: dict[int, Cell], clients: list[int],
                    build_rows: list[dict[str, object]], peak: Callable[[dict[str, object]], float]) -> list[str]:
    """One row per target of issue 13 with what was measured and whether it is met, from the tables below."""
    lines = [
        "| target (issue 13) | measured | verdict |",
        "|---|---|---|",
    ]
    at = next((r for r in results if r.nominal == TARGET_SIZE), None)
    clients_text = "/".join(map(str, clients))
    if at is None:
        lines.append(f"| queries at {TARGET_SIZE:,} triples | not measured in this run | unknown |")
    else:
        for name, cheap in at.queries:
            cells = at.http.get("ours", {}).get(name, {})
            if cheap:
                verdicts = [cheap_target(cells.get(c, Cell()), floor.get(c), c) for c in clients]
                p99 = cells.get(16, Cell()).load
                measured = (f"{_ratios(at, name, clients, floor)} the floor at {clients_text} clients; p99 at 16 clients "
                            f"{_ms(p99.p99_ms if p99 else None)} ms")
                goal = f"{name}: ≥ {CHEAP_SHARE_OF_FLOOR}× the floor, p99 < {CHEAP_P99_MS:.0f} ms"
            else:
                verdicts = [join_target(cells.get(c, Cell()), at.http.get("virtuoso", {}).get(name, {}).get(c),
                                        at.http.get("rdflib-endpoint", {}).get(name, {}).get(c)) for c in clients]
                measured = (f"{_ratios(at, name, clients, 'virtuoso')} Virtuoso, "
                            f"{_ratios(at, name, clients, 'rdflib-endpoint')} rdflib-endpoint at {clients_text} clients")
                goal = f"{name}: ≥ Virtuoso, ≥ {JOIN_TIMES_RDFLIB:.0f}× rdflib-endpoint"
            problems = [f"{c}: {v}" for c, v in zip(clients, verdicts, strict=True) if v != "met"]
            lines.append(f"| {goal} | {measured} | {'met' if not problems else '; '.join(problems)} |")
        runaway = at.runaway.get("ours")
        if runaway is None:
            lines.append("| runaway: cheap query < 200 ms, CPU stops within 1 s | not measured | unknown |")
        else:
            ok = (not runaway.cheap_failures and runaway.max_ms is not None and runaway.max_ms < RUNAWAY_CHEAP_MS
                  and runaway.stopped_after is not None and runaway.stopped_after <= RUNAWAY_STOP_S)
            lines.append(f"| runaway: cheap query < {RUNAWAY_CHEAP_MS:.0f} ms, CPU stops within {RUNAWAY_STOP_S:g} s | "
                         f"cheap query max {_ms(runaway.max_ms)} ms, {runaway.cheap_failures} failed; {runaway.verdict()} | "
                         f"{'met' if ok else 'not met'} |")
    build = next((r for r in build_rows if int(r["size"]) == BUILD_SIZE), None)  # type: ignore[call-overload]
    if build is None:
        lines.append(f"| build of {BUILD_SIZE:,} triples, peak RSS < 4 GiB | not measured | unknown |")
    else:
        mib = peak(build)
        lines.append(f"| build of {BUILD_SIZE:,} triples, peak RSS < 4 GiB | {mib:,.0f} MiB (build process and its "
                     f"validation workers), {float(build['total']) / 60:.0f} min ({build.get('measured', '')}) | "  # type: ignore[arg-type]
                     f"{'met' if mib < BUILD_PEAK_MIB else 'not met'} |")
    return lines
