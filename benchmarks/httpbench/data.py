"""The benchmark data: synthetic N-Quads from the project's generator, cached in benchmarks/out/.

``thcm synth --triples N --seed S -o FILE`` writes the file; it is made once per size and seed
and reused by later runs (the generator is deterministic for a seed). ``BENCH_DATA=FILE`` runs
the suite on one given N-Quads file instead (e.g. ``thcm export --format nq`` of a build).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "benchmarks" / "out"


class GeneratorMissing(RuntimeError):
    """``thcm synth`` is not there (the scale generator is its own piece of issue 13)."""


def synthetic(triples: int, seed: int) -> Path:
    """The cached N-Quads file of ``triples`` triples for ``seed``, generated if missing."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"synth-{triples}-seed{seed}.nq"
    if path.exists() and path.stat().st_size > 0:
        return path
    thcm = [sys.executable, "-m", "thcm_graph"]
    if subprocess.run([*thcm, "synth", "--help"], capture_output=True, check=False).returncode != 0:
        raise GeneratorMissing("`thcm synth` is not available: the scale generator (issue 13) is needed, or set BENCH_DATA=FILE.nq")
    partial = path.with_suffix(".nq.partial")
    subprocess.run([*thcm, "synth", "--triples", str(triples), "--seed", str(seed), "-o", str(partial)], check=True,
                   stdout=sys.stderr)  # its summary is progress, not the report
    partial.rename(path)
    return path


def count_lines(path: Path) -> int:
    """Quads in an N-Quads file (one per non-empty, non-comment line)."""
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip() and not line.startswith(b"#"))
