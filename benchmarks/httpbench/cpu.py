"""CPU time of a server and all its descendants, read from /proc (Linux).

Used to tell whether a server keeps computing after a client went away (its worker children
included), and to wait until a server is idle before the next measurement, so that work left
over from one run does not slow down the next.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, utime + stime in seconds) of one process, or None if it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may contain spaces and parentheses: split after the last ")"
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def _all_stats() -> dict[int, tuple[int, float]]:
    """:func:`_stat` of every process there is now, by pid."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found is not None:
                stats[int(entry.name)] = found
    return stats


def _tree(root: int, stats: dict[int, tuple[int, float]]) -> set[int]:
    tree, frontier = {root}, [root]
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in tree:
                tree.add(child)
                frontier.append(child)
    return tree


def descendants(root: int) -> list[int]:
    """``root`` and each of its live descendants (as far as ``/proc`` shows them now)."""
    stats = _all_stats()
    return [pid for pid in _tree(root, stats) if pid in stats]


def tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds used so far by ``root`` and each of its live descendants, by pid."""
    stats = _all_stats()
    return {pid: stats[pid][1] for pid in _tree(root, stats) if pid in stats}


def cpu_between(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two :func:`tree_cpu` samples by the processes alive at the second.

    A process that appeared in between counts with all its time; one that ended in between is
    not counted (its last moments are lost, which errs towards "idle" only for processes that
    were killed — exactly the ones that stopped computing).
    """
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def cpu_share(root: int, interval: float = 1.0) -> float:
    """Share of one core used by the tree of ``root`` over the next ``interval`` seconds (1.0 = one full core)."""
    before = tree_cpu(root)
    time.sleep(interval)
    return cpu_between(before, tree_cpu(root)) / interval


def wait_idle(root: int, *, budget: float, threshold: float = 0.03, interval: float = 0.2) -> float | None:
    """Wait until the tree of ``root`` uses less than ``threshold`` of a core; the seconds waited, or None after ``budget``.

    The threshold is low because on a machine shared with other work a busy server may get only
    15 % of a core (measured with a load average of 11 on 2 cores); an idle one uses ~0.
    """
    started = time.monotonic()
    while time.monotonic() - started < budget:
        if cpu_share(root, interval) < threshold:
            return time.monotonic() - started
    return None
