"""``build(settings)``: parse → entail → validate → publish. The only orchestrator of the stages."""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import ValidationFailed
from ..namespaces import INFERRED_GRAPH
from ..queries import select
from ..store import Publication, StateLayout, open_remote
from ..terms import compact
from .entail import entail
from .parse import ParseResult, discover, display_path, file_digest, needs_disk, parse_files
from .publish import build_lock, new_build_id, publish
from .publish_remote import publish_remote
from .republish import Step, apply_step
from .validate import ValidationReport, load_shapes
from .validate_batched import validate_store

Progress = Callable[[str], None]


@dataclass(frozen=True)
class FigureReading:
    """One observation taking part in a conflict."""

    observation: str
    value: str
    printed: str | None
    source: str | None
    locator: str | None = None


@dataclass(frozen=True)
class Conflict:
    """Observations giving different values for the same subject, measure and period."""

    subject: str
    measure: str
    period: str | None
    readings: tuple[FigureReading, ...]

    def __str__(self) -> str:
        period = f" ({compact(self.period)})" if self.period else ""
        values = "; ".join(
            f"{r.value}" + (f' printed "{r.printed}"' if r.printed else "")
            + f" in {compact(r.observation)}" + (f" from {compact(r.source)}" if r.source else "")
            + (f" ({r.locator})" if r.locator else "")
            for r in self.readings
        )
        return f"{compact(self.subject)} {compact(self.measure)}{period}: {values}"


@dataclass
class CheckResult:
    """A parsed, entailed and validated build that has not been published."""

    parsed: ParseResult
    report: ValidationReport
    inferred: int
    content_hash: str
    conflicts: list[Conflict]
    timings: dict[str, float] = field(default_factory=dict)
    staging: Path | None = None

    def discard(self) -> None:
        """Remove the on-disk staging store, if the check made one (an in-memory one stays usable)."""
        if self.staging is not None:
            self.parsed.store.close()
            shutil.rmtree(self.staging, ignore_errors=True)


def _staging_dir(settings: Settings) -> Path:
    """A fresh directory for an on-disk parse (``<state>/.parse-<pid>-<ns>``); removes those of dead builds."""
    root = settings.state_path
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob(".parse-*"):
        try:
            os.kill(int(old.name.split("-")[1]), 0)
        except (ValueError, IndexError, ProcessLookupError):
            shutil.rmtree(old, ignore_errors=True)
        except PermissionError:
            pass
    return root / f".parse-{os.getpid()}-{time.monotonic_ns()}"


@dataclass(frozen=True)
class BuildResult:
    """A published build."""

    publication: Publication
    check: CheckResult

    @property
    def build_id(self) -> str:
        return self.publication.build_id


def _noop(_: str) -> None:
    return None


def check(settings: Settings, on_stage: Progress = _noop) -> CheckResult:
    """Parse, entail and validate; raise :class:`DataSyntaxError` or :class:`ValidationFailed`.

    Large inputs are parsed into an on-disk store under the state directory; call
    :meth:`CheckResult.discard` when done with it.
    """
    started = time.perf_counter()

    on_stage("parsing ontology/ and data/")
    files = discover(settings.ontology_path, settings.data_path, settings.project_dir, settings.state_path / "imports",
                     dumps=settings.input_paths)
    staging = _staging_dir(settings) if needs_disk(files) else None
    try:
        return _check(settings, files, staging, on_stage, started)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise


def _check(settings: Settings, files: list[Any], staging: Path | None, on_stage: Progress, started: float) -> CheckResult:
    timings: dict[str, float] = {}
    parsed = parse_files(files, staging)
    shape_files = sorted(settings.shapes_path.glob("*.ttl"))
    shapes = load_shapes(settings.shapes_path, display=lambda p: display_path(p, settings.project_dir))
    timings["parse"] = time.perf_counter() - started

    on_stage("materialising RDFS entailments")
    mark = time.perf_counter()
    inferred = entail(parsed.store)
    timings["entail"] = time.perf_counter() - mark

    on_stage(f"validating {len(parsed.store.named_graphs())} graphs against {len(shape_files)} shape files")
    mark = time.perf_counter()
    report = validate_store(parsed.store, shapes, locate=parsed.locate)
    timings["validate"] = time.perf_counter() - mark
    if not report.conforms:
        raise ValidationFailed(report, report.summary())

    conflicts = _conflicts(parsed)
    digest = hashlib.sha256()
    for path in [f.path for f in files] + shape_files:
        digest.update(str(path.relative_to(settings.project_dir) if path.is_relative_to(settings.project_dir) else path).encode())
        digest.update(file_digest(path).digest())
    return CheckResult(parsed, report, inferred, digest.hexdigest(), conflicts, timings, staging)


def _conflicts(parsed: ParseResult) -> list[Conflict]:
    result = select(parsed.store, "conflicting-figures")
    groups: dict[tuple[str, str, str | None], list[FigureReading]] = {}
    for row in result.as_dicts():
        key = (str(row["subject"]), str(row["measure"]), str(row["period"]) if "period" in row else None)
        groups.setdefault(key, []).append(FigureReading(
            str(row["obs"]), str(row["value"]),
            str(row["printed"]) if "printed" in row else None,
            str(row["source"]) if "source" in row else None,
            str(row["locator"]) if "locator" in row else None,
        ))
    return [Conflict(*key, tuple(readings)) for key, readings in groups.items()]


def build(settings: Settings, on_stage: Progress = _noop, *, step: Step | None = None, step_name: str = "analysis") -> BuildResult:
    """Check the data and publish it atomically as the new current build.

    ``step`` (optional) derives more graphs from the checked data before publishing, e.g. the
    analysis graph (see :mod:`.republish`); its return value goes into the manifest under
    ``step_name``. On any error nothing is published and the previous build keeps serving.
    """
    layout = StateLayout(settings.state_path)
    with build_lock(layout):
        remote = open_remote(settings, writable=True) if settings.remote_store else None
        if remote is not None:
            remote.named_graphs()  # fail fast (StoreUnavailable) before parsing and validating
        checked = check(settings, on_stage)
        try:
            return _publish_checked(settings, layout, checked, remote, on_stage, step, step_name)
        finally:
            checked.discard()


def _publish_checked(settings: Settings, layout: StateLayout, checked: CheckResult, remote: Any, on_stage: Progress,
                     step: Step | None, step_name: str) -> BuildResult:
    """Run the step (if any), then publish the checked data (locally or to the remote store)."""
    created = datetime.now(UTC)
    build_id = new_build_id(layout, created, checked.content_hash)
    recorded = None
    if step is not None:
        on_stage(f"running {step_name}")
        mark = time.perf_counter()
        recorded = apply_step(checked.parsed.store, step, build_id, build_id)
        on_stage(f"validating the {step_name} results")
        shapes = load_shapes(settings.shapes_path, display=lambda p: display_path(p, settings.project_dir))
        report = validate_store(checked.parsed.store, shapes)
        if not report.conforms:
            raise ValidationFailed(report, report.summary())
        checked.timings[step_name] = time.perf_counter() - mark
    on_stage(f"publishing build {build_id}")
    mark = time.perf_counter()
    manifest = _manifest(settings, checked, build_id, created)
    if recorded is not None:
        manifest[step_name] = recorded
    if remote is not None:
        publication = publish_remote(
            checked.parsed.store, remote, build_id, manifest,
            pause_before_switch=settings.debug_pause_before_switch, on_stage=on_stage,
        )
        checked.timings["publish"] = time.perf_counter() - mark
        return BuildResult(publication, checked)
    publication = publish(
        checked.parsed.store,
        layout,
        build_id,
        manifest,
        keep=settings.keep_builds,
        pause_before_switch=settings.debug_pause_before_switch,
        on_stage=on_stage,
    )
    checked.timings["publish"] = time.perf_counter() - mark
    return BuildResult(publication, checked)


def _manifest(settings: Settings, checked: CheckResult, build_id: str, created: datetime) -> dict[str, Any]:
    store = checked.parsed.store
    graphs = {g: store.count(g) for g in store.named_graphs()}
    return {
        "build_id": build_id,
        "created": created.isoformat(timespec="seconds"),
        "content_hash": checked.content_hash,
        "triples": sum(graphs.values()),
        "graphs": graphs,
        "inferred_graph": INFERRED_GRAPH,
        "inferred_triples": checked.inferred,
        "files": [
            {"path": f.display, "graph": f.graph, "sha256": f.sha256(), "triples": checked.parsed.triples_per_file.get(f.display, 0)}
            for f in checked.parsed.files
        ],
        "validation": {
            "violations": len(checked.report.violations),
            "warnings": len(checked.report.warnings),
            "notes": len(checked.report.notes),
        },
        "conflicts": [str(c) for c in checked.conflicts],
        "software": {
            "thcm-graph": version("thcm-graph"),
            "pyoxigraph": version("pyoxigraph"),
            "pyshacl": version("pyshacl"),
            "rdflib": version("rdflib"),
            "python": platform.python_version(),
        },
    }
