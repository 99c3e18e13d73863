"""Peak memory of a process *and its descendants*, sampled from ``/proc`` (Linux).

``ru_maxrss`` is one process's peak; a build that forks validation workers uses more than that.
:class:`TreeMemory` samples, every ``interval`` seconds, the sum of ``VmRSS`` and the sum of
``Pss`` (``/proc/PID/smaps_rollup``: shared pages divided among the processes sharing them, so
copy-on-write pages of forked workers are not counted twice) over the process and all its
descendants, and keeps the peaks. Sampling misses peaks shorter than the interval, so the peaks
are lower bounds; the process's own ``ru_maxrss`` is exact for it alone.
"""

from __future__ import annotations

import threading
from pathlib import Path

from benchmarks.httpbench.cpu import PROC, descendants


def _kib(path: Path, field: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory:
    """Sample the memory of ``pid``'s process tree in a thread until :meth:`stop`."""

    def __init__(self, pid: int, interval: float = 0.5, report: Path | None = None) -> None:
        self.pid, self.interval, self.report = pid, interval, report
        self.peak_rss_kib = self.peak_pss_kib = self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> TreeMemory:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop sampling (again: no effect); the peaks stay."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = descendants(self.pid)
            rss = sum(_kib(PROC / str(p) / "status", "VmRSS:") for p in pids)
            pss = sum(_kib(PROC / str(p) / "smaps_rollup", "Pss:") for p in pids)
            self.peak_rss_kib = max(self.peak_rss_kib, rss)
            self.peak_pss_kib = max(self.peak_pss_kib, pss)
            self.peak_processes = max(self.peak_processes, len(pids))
            if self.report is not None:  # the peaks so far, for a long run watched from outside
                self.report.write_text(f"rss_kib={self.peak_rss_kib} pss_kib={self.peak_pss_kib} "
                                       f"processes={self.peak_processes} now_rss_kib={rss}\n")
            self._stop.wait(self.interval)
