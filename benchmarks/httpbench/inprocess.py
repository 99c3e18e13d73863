"""rdflib in process: the same N-Quads in a ``Dataset`` with a union default graph, each query
timed without HTTP, within a time budget.

Runs as its own process (``python inprocess.py DATA QUERIES.json BUDGET REPEAT``, JSON on stdout)
so that its memory (~1.7 GB per 10^6 triples) is returned when it ends. Each query runs in a
forked child that is killed when it exceeds the budget: rdflib cannot be interrupted otherwise.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _count(result: Any) -> int:
    if result.type == "ASK":
        return 1
    return len(list(result))


def _timed_in_child(dataset: Any, sparql: str, repeat: int, budget: float, scratch: Path) -> dict[str, Any]:
    """Run ``sparql`` once (the answer's size) and ``repeat`` times more in a forked child.

    The child is killed when its first answer takes longer than ``budget`` s, or all runs longer than ``budget`` s each.
    """
    first = scratch.with_suffix(".first")
    scratch.unlink(missing_ok=True)
    first.unlink(missing_ok=True)
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: answer, write the result, exit without cleanup
        try:
            rows = _count(dataset.query(sparql))
            first.touch()  # the first answer came within the budget: the timed runs may follow
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                _count(dataset.query(sparql))
                times.append(time.perf_counter() - started)
            payload: dict[str, Any] = {"rows": rows, "seconds": times}
        except Exception as exc:  # reported, not raised: the parent decides
            payload = {"error": f"{type(exc).__name__}: {exc}"}
        scratch.write_text(json.dumps(payload), encoding="utf-8")
        os._exit(0)
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        elapsed = time.monotonic() - started
        if elapsed > budget * (repeat + 1) or (elapsed > budget and not first.exists()):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return {"timeout": budget}
        time.sleep(0.02)
    if not scratch.exists():
        return {"error": "the child ended without an answer"}
    answer: dict[str, Any] = json.loads(scratch.read_text(encoding="utf-8"))
    return answer


def main(data: str, queries_file: str, budget: float, repeat: int) -> None:
    from rdflib import Dataset

    queries = json.loads(Path(queries_file).read_text(encoding="utf-8"))
    before = _rss_bytes()
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(data, format="nquads")
    load = time.perf_counter() - started
    answers: dict[str, Any] = {}
    for name, sparql in queries.items():
        answers[name] = _timed_in_child(dataset, sparql, repeat, budget, Path(queries_file).with_suffix(".answer.json"))
    json.dump({"load_seconds": load, "rss_bytes": _rss_bytes() - before, "queries": answers}, sys.stdout)


def run_inprocess(data: Path, queries: dict[str, str], workdir: Path, *, budget: float, repeat: int, timeout: float) -> dict[str, Any]:
    """Run this module as a process over ``data``; its JSON answer (load time, RSS, per query: rows and seconds, or timeout)."""
    spec = workdir / "inprocess-queries.json"
    spec.write_text(json.dumps(queries), encoding="utf-8")
    done = subprocess.run([sys.executable, str(Path(__file__)), str(data), str(spec), str(budget), str(repeat)],
                          capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"rdflib in process failed: {done.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
