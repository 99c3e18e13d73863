"""The HTTP benchmark harness's pure parts: parsing wrk's output and the ratio/target tables.

No timing here (benchmarks/ measure, tests check logic): the wrk outputs below are what wrk
4.1 prints, with errors and non-2xx lines; the tables are rendered from fixed results.
"""

from __future__ import annotations

import pytest

from benchmarks.httpbench.queries import Picks, build_queries, search_word
from benchmarks.httpbench.report import Cell, SizeResult, cheap_target, http_table, join_target, runaway_table, targets_summary
from benchmarks.httpbench.runaway import RunawayResult
from benchmarks.httpbench.wrk import WrkOutputError, WrkResult, parse_wrk

CLEAN = """\
Running 10s test @ http://127.0.0.1:8000/sparql?query=ASK%20%7B%7D
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.91ms    3.20ms  48.50ms   81.22%
    Req/Sec   810.42     95.31     1.01k    70.50%
  Latency Distribution
     50%    9.40ms
     75%   11.20ms
     90%   13.70ms
     99%   21.30ms
  16150 requests in 10.01s, 4.02MB read
Requests/sec:   1613.41
Transfer/sec:    411.22KB
"""

WITH_ERRORS = """\
Running 3s test @ http://127.0.0.1:8001/sparql?query=x
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.52s   301.00ms   1.99s    66.67%
    Req/Sec     0.50      0.71     2.00     83.33%
  Latency Distribution
     50%    1.60s
     75%    1.80s
     90%    1.95s
     99%    1.99s
  6 requests in 3.00s, 1.20KB read
  Socket errors: connect 0, read 2, write 0, timeout 14
  Non-2xx or 3xx responses: 3
Requests/sec:      2.00
Transfer/sec:     409.00B
"""

NOTHING_COMPLETED = """\
Running 1s test @ http://127.0.0.1:8002/sparql?query=x
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 1.00s, 0.00B read
Requests/sec:      0.00
Transfer/sec:       0.00B
"""


def test_clean_wrk_run_gives_throughput_and_percentiles_in_milliseconds() -> None:
    result = parse_wrk(CLEAN, connections=16)
    assert (result.requests, result.rps, result.seconds) == (16150, 1613.41, pytest.approx(10.01))
    assert (result.p50_ms, result.p99_ms, result.max_ms) == (9.4, 21.3, 48.5)
    assert result.ok and result.errors == 0


def test_socket_errors_and_non_2xx_responses_make_a_run_not_ok() -> None:
    result = parse_wrk(WITH_ERRORS, connections=16)
    assert result.socket_errors == {"connect": 0, "read": 2, "write": 0, "timeout": 14}
    assert result.non_2xx == 3
    assert result.errors == 19 and not result.ok
    assert result.p50_ms == 1600.0  # seconds converted
    assert result.describe_errors() == "3 non-2xx, 2 read, 14 timeout"


def test_a_run_where_nothing_completed_has_no_latency_and_is_not_ok() -> None:
    result = parse_wrk(NOTHING_COMPLETED, connections=1)
    assert result.requests == 0 and result.p50_ms is None and result.p99_ms is None
    assert not result.ok and result.describe_errors() == "no request completed"


def test_output_without_a_summary_is_refused() -> None:
    with pytest.raises(WrkOutputError, match="Requests/sec"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n", connections=1)


def _cell(rps: float, p99: float = 5.0, *, non_2xx: int = 0) -> Cell:
    return Cell(WrkResult(connections=1, requests=int(rps * 10), seconds=10, rps=rps, p50_ms=1.0, p99_ms=p99,
                          max_ms=p99, socket_errors={}, non_2xx=non_2xx))


def test_cheap_target_needs_four_fifths_of_the_floor_and_a_low_p99_at_16_clients() -> None:
    assert cheap_target(_cell(900), _cell(1000), clients=4) == "met"
    assert cheap_target(_cell(700), _cell(1000), clients=4) == "not met: 0.70× floor < 0.8×"
    assert cheap_target(_cell(900, p99=37), _cell(1000), clients=16) == "not met: p99 37 ms ≥ 20 ms"
    assert cheap_target(_cell(900, p99=37), _cell(1000), clients=4) == "met"  # p99 counts at 16 clients only


def test_join_target_needs_virtuoso_and_a_hundred_times_rdflib_endpoint() -> None:
    assert join_target(_cell(100), _cell(80), _cell(0.5)) == "met"
    assert join_target(_cell(100), _cell(120), _cell(0.5)) == "not met: 0.83× Virtuoso"
    assert join_target(_cell(100), _cell(80), _cell(5)) == "not met: 20× rdflib-endpoint < 100×"
    # a serial server's bound (1 / one answer) is enough to show the factor
    assert join_target(_cell(100), _cell(80), Cell(note="not run", bound_rps=0.2)) == "met"
    assert join_target(_cell(100), None, _cell(0.5)).startswith("unknown: no throughput of Virtuoso")


def test_a_run_with_errors_is_never_shown_or_compared_as_throughput() -> None:
    failed = _cell(2000, non_2xx=3)
    assert failed.rps is None
    assert failed.text() == "errors: 3 non-2xx"
    assert join_target(failed, _cell(80), _cell(0.5)) == "not met (no throughput)"


def test_http_table_shows_ratios_to_floor_and_baselines_and_the_target() -> None:
    result = SizeResult(triples=1000, queries=[("entity lookup", True), ("network members", False)])
    result.http = {
        "ours": {"entity lookup": {1: _cell(900)}, "network members": {1: _cell(300)}},
        "virtuoso": {"entity lookup": {1: _cell(1000)}, "network members": {1: _cell(150)}},
        "rdflib-endpoint": {"entity lookup": {1: _cell(450)}, "network members": {1: Cell(note="> 60 s")}},
    }
    lines = http_table(result, {1: _cell(1000)}, clients=[1])
    assert lines[0].startswith("| query | clients | ours | floor | Virtuoso | rdflib-endpoint | ours / floor |")
    lookup, members = lines[2], lines[3]
    assert "| 0.90× | 0.90× | 2.00× | met |" in lookup
    assert "> 60 s" in members and "| 2.00× | — |" in members
    assert members.endswith("| unknown: no throughput of rdflib-endpoint |")
    assert all(line.count("|") == lines[0].count("|") for line in lines)


def test_runaway_table_judges_only_ours_against_the_target() -> None:
    result = SizeResult(triples=1000)
    result.runaway = {
        "ours": RunawayResult([10.0, 12.0, 15.0], 0, cpu_after=[0.02], stopped_after=0.25, watched=0.25),
        "rdflib-endpoint": RunawayResult([], 2, cpu_after=[1.0, 1.0], watched=5.0),
    }
    ours, theirs = runaway_table(result, limit=60)[2:]
    assert "stops using CPU after 0.2 s" in ours and ours.endswith("| met |")
    assert "keeps computing (100 % of a core 5 s after the client left)" in theirs and theirs.endswith("|  |")


def test_targets_summary_has_one_verdict_per_target_at_ten_to_the_six_and_the_build_at_ten_to_the_seven() -> None:
    small = SizeResult(triples=1000, nominal=10**5, queries=[("entity lookup", True)])
    small.http = {"ours": {"entity lookup": {1: _cell(5000), 16: _cell(5000)}}}  # not the target size: ignored
    at = SizeResult(triples=1_400_000, nominal=10**6, queries=[("entity lookup", True), ("2-hop co-participation", False)])
    at.http = {
        "ours": {"entity lookup": {1: _cell(900), 16: _cell(700, p99=25)}, "2-hop co-participation": {1: _cell(40), 16: _cell(60)}},
        "virtuoso": {"2-hop co-participation": {1: _cell(10), 16: _cell(20)}},
        "rdflib-endpoint": {"2-hop co-participation": {1: Cell(note="> 60 s", bound_rps=0.01), 16: Cell(note="> 60 s", bound_rps=0.01)}},
    }
    at.runaway = {"ours": RunawayResult([10.0, 19.0], 0, cpu_after=[0.0], stopped_after=0.2, watched=0.2)}
    build = {"size": 10**7, "total": 3600.0, "peak_rss_kib": 2_000_000, "tree_rss_kib": 3_000_000, "measured": "2026-11-24T07:00"}
    lines = targets_summary([small, at], {1: _cell(1000), 16: _cell(1000)}, [1, 16], [build],
                            lambda row: int(row["tree_rss_kib"]) / 1024)  # type: ignore[call-overload]
    lookup, two_hop, runaway, built = lines[2:]
    assert "0.90 / 0.70× the floor at 1/16 clients; p99 at 16 clients 25.0 ms" in lookup
    assert lookup.endswith("| 16: not met: 0.70× floor < 0.8×; p99 25 ms ≥ 20 ms |")
    assert "4.00 / 3.00× Virtuoso, ≥ 4,000 / ≥ 6,000× rdflib-endpoint" in two_hop and two_hop.endswith("| met |")
    assert "cheap query max 19.0 ms" in runaway and runaway.endswith("| met |")
    assert "2,930 MiB" in built and built.endswith("| met |")
    assert targets_summary([small], {}, [1], [], lambda row: 0.0)[2].endswith("| not measured in this run | unknown |")
    at.runaway["ours"] = RunawayResult([10.0, 250.0], 1, cpu_after=[0.9, 0.9], watched=5.0)
    heavy = {**build, "tree_rss_kib": 5_000_000}
    lines = targets_summary([at], {1: _cell(1000), 16: _cell(1000)}, [1, 16], [heavy], lambda row: int(row["tree_rss_kib"]) / 1024)  # type: ignore[call-overload]
    assert lines[-2].endswith("| not met |") and "keeps computing" in lines[-2]
    assert "4,883 MiB" in lines[-1] and lines[-1].endswith("| not met |")


def test_picked_terms_are_written_as_rdf_terms_not_pasted() -> None:
    picks = Picks(actor="https://w3id.org/thcm/id/org/a", network="https://w3id.org/thcm/id/org/n",
                  field="https://w3id.org/thcm/id/field/f", word_de='x"y', word_en="optics")
    lookup = next(q for q in build_queries(picks) if q.name == "label search (de)")
    assert 'CONTAINS(LCASE(STR(?label)), "x\\"y")' in lookup.sparql
    assert search_word(["Netzwerk Künstliche Intelligenz Thüringen 2"]) == "intelligenz"
