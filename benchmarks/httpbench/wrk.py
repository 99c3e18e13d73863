"""The load client: wrk with ``--latency``, and a parser for what it prints.

wrk reports requests/s over *all* responses, including error statuses, so a run with socket
errors or non-2xx responses is marked as such (:attr:`WrkResult.ok` is false) and must never be
reported as throughput.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = r"([\d.]+)(us|ms|s|m|h)"


class WrkOutputError(ValueError):
    """wrk printed something this parser does not understand (no "Requests/sec" line)."""


@dataclass(frozen=True)
class WrkResult:
    """One wrk run: throughput, latency percentiles (of completed requests) and error counts."""

    connections: int
    requests: int
    seconds: float
    rps: float
    p50_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    socket_errors: dict[str, int]
    non_2xx: int

    @property
    def errors(self) -> int:
        """Socket errors (connect, read, write, timeout) plus 4xx/5xx responses."""
        return sum(self.socket_errors.values()) + self.non_2xx

    @property
    def ok(self) -> bool:
        """True when at least one request completed and none failed: only then is ``rps`` throughput."""
        return self.requests > 0 and self.errors == 0

    def describe_errors(self) -> str:
        """The errors in words, for a table cell: "3 non-2xx, 2 timeout"."""
        parts = [f"{self.non_2xx} non-2xx"] if self.non_2xx else []
        parts += [f"{n} {kind}" for kind, n in self.socket_errors.items() if n]
        return ", ".join(parts) if parts else ("no request completed" if self.requests == 0 else "")


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


def parse_wrk(text: str, connections: int) -> WrkResult:
    """Parse the output of ``wrk --latency``.

    >>> r = parse_wrk('''  Latency Distribution
    ...      50%    1.10ms
    ...      99%    5.00ms
    ...   800 requests in 1.00s, 120.00KB read
    ... Requests/sec:    800.00''', connections=1)
    >>> (r.requests, r.rps, r.p50_ms, r.p99_ms, r.ok)
    (800, 800.0, 1.1, 5.0, True)
    """
    rps_match = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.MULTILINE)
    done = re.search(r"^\s*(\d+) requests in " + _DURATION, text, re.MULTILINE)
    if rps_match is None or done is None:
        raise WrkOutputError(f"no 'Requests/sec' or 'requests in' line in wrk's output: {text.strip()[:300]!r}")
    percentiles = {
        int(p): _ms(v, u) for p, v, u in re.findall(r"^\s*(\d+)%\s+" + _DURATION + r"\s*$", text, re.MULTILINE)
    }
    latency = re.search(r"^\s*Latency\s+" + _DURATION + r"\s+" + _DURATION + r"\s+" + _DURATION, text, re.MULTILINE)
    socket_errors = {
        kind: int(n)
        for kind, n in re.findall(r"(connect|read|write|timeout) (\d+)", _line(text, "Socket errors:"))
    }
    non_2xx = re.search(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", text, re.MULTILINE)
    requests = int(done.group(1))
    return WrkResult(
        connections=connections,
        requests=requests,
        seconds=_ms(done.group(2), done.group(3)) / 1000,
        rps=float(rps_match.group(1)),
        # wrk prints 0.00us percentiles when nothing completed: there is no latency to report
        p50_ms=percentiles.get(50) if requests else None,
        p99_ms=percentiles.get(99) if requests else None,
        max_ms=_ms(latency.group(5), latency.group(6)) if latency and requests else None,
        socket_errors=socket_errors,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


def _line(text: str, prefix: str) -> str:
    for line in text.splitlines():
        if line.strip().startswith(prefix):
            return line
    return ""


def available() -> bool:
    """Is wrk on the PATH (``make wrk`` installs it)?"""
    return shutil.which("wrk") is not None


def run_wrk(url: str, *, accept: str, connections: int, seconds: float, timeout: float) -> WrkResult:
    """Load ``url`` with ``connections`` clients for ``seconds``; requests slower than ``timeout`` count as errors."""
    threads = min(connections, 2)  # the machines have 2 cores; more wrk threads only compete with the server
    command = [
        "wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
        f"--timeout={max(1, round(timeout))}s", "-H", f"Accept: {accept}", url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout + 30, check=False)
    if done.returncode != 0:
        raise WrkOutputError(f"wrk exited with {done.returncode}: {done.stderr.strip() or done.stdout.strip()}")
    return parse_wrk(done.stdout, connections)
