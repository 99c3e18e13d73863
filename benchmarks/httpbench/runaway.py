"""The runaway scenario: one cross-product query with a short client timeout, a cheap query timed
meanwhile, then — after the client went away — whether the server (and its worker children)
keeps burning CPU, sampled over 1 s intervals from /proc.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field

import httpx

from .cpu import cpu_share, wait_idle
from .queries import JSON


@dataclass
class RunawayResult:
    """Latencies of the cheap query while the runaway ran, and the server's CPU after the disconnect."""

    cheap_ms: list[float]
    cheap_failures: int
    cpu_after: list[float] = field(default_factory=list)  # share of a core, one per second after the disconnect
    stopped_after: float | None = None  # seconds after the disconnect until the CPU use fell below the threshold
    watched: float = 0.0  # seconds the CPU was watched after the disconnect

    @property
    def p50_ms(self) -> float | None:
        return statistics.median(self.cheap_ms) if self.cheap_ms else None

    @property
    def p99_ms(self) -> float | None:
        if len(self.cheap_ms) < 2:
            return self.cheap_ms[0] if self.cheap_ms else None
        return statistics.quantiles(self.cheap_ms, n=100, method="inclusive")[98]

    @property
    def max_ms(self) -> float | None:
        return max(self.cheap_ms) if self.cheap_ms else None

    def verdict(self) -> str:
        """"stops using CPU after 0.4 s" or "keeps computing (98 % of a core after 10 s)"."""
        if self.stopped_after is not None:
            return f"stops using CPU after {self.stopped_after:.1f} s"
        last = self.cpu_after[-1] if self.cpu_after else 0.0
        return f"keeps computing ({last * 100:.0f} % of a core {self.watched:.0f} s after the client left)"


def run_runaway(server_url: str, runaway_url: str, cheap_url: str, pid: int, *, client_timeout: float,
                watch: float, threshold: float = 0.05) -> RunawayResult:
    """Send the runaway with ``client_timeout``, time ``cheap_url`` until the client gives up, then watch the CPU for up to ``watch`` s."""
    wait_idle(pid, budget=30)
    gone = threading.Event()

    def runaway() -> None:
        try:
            httpx.get(runaway_url, headers={"Accept": JSON}, timeout=client_timeout)
        except httpx.HTTPError:
            pass  # the time-out we asked for: the connection is closed here
        finally:
            gone.set()

    thread = threading.Thread(target=runaway, daemon=True)
    thread.start()
    time.sleep(min(0.5, client_timeout / 4))  # the runaway is computing
    cheap, failures = [], 0
    with httpx.Client(headers={"Accept": JSON}, timeout=max(2.0, client_timeout)) as client:
        while not gone.is_set():
            started = time.perf_counter()
            try:
                ok = client.get(cheap_url).status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                cheap.append((time.perf_counter() - started) * 1000)
            else:
                failures += 1
    thread.join()
    result = RunawayResult(cheap, failures)
    elapsed = 0.0
    while elapsed < watch:
        share = cpu_share(pid, 0.25 if elapsed < 2 else 1.0)  # finer at first: "within 1 s" needs it
        elapsed += 0.25 if elapsed < 2 else 1.0
        result.watched = elapsed
        result.cpu_after.append(share)
        if share < threshold:
            result.stopped_after = elapsed
            break
    return result
