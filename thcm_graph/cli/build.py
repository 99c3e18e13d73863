"""Commands that read data in: ``build``, ``validate``, ``import``, ``synth``."""

from __future__ import annotations

import json

import click
from rich.markup import escape
from rich.table import Table

from ..terms import compact
from .app import err, main, out, settings_of, stage


@main.command()
@click.option("-q", "--quiet", is_flag=True, help="Print only the build id.")
@click.option("--analysis/--no-analysis", default=True, show_default=True,
              help="Also compute the hub analysis into graph/analysis (published in the same build).")
@click.option("--input", "inputs", multiple=True, type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help="Also read this N-Quads dump (.nq, .nq.gz; e.g. from `thcm synth`); repeatable [THCM_INPUT_FILES].")
@click.pass_context
def build(ctx: click.Context, quiet: bool, analysis: bool, inputs: tuple[str, ...]) -> None:
    """Parse, entail, validate and publish data/ as the new current build.

    The new store is written beside the old one and switched in atomically; on any error
    nothing is published and the previous build keeps serving.
    """
    from ..build import build as run_build

    step = None
    if analysis:
        from ..analysis import analysis_step

        step = analysis_step()
    settings = settings_of(ctx, input_files=":".join(inputs) or None)
    result = run_build(settings, on_stage=(lambda _: None) if quiet else stage, step=step)
    if quiet:
        out.print(result.build_id)
        return
    manifest = result.publication.manifest
    table = Table(title=f"build {result.build_id}", show_footer=True)
    table.add_column("named graph", footer="total")
    table.add_column("triples", justify="right", footer=str(manifest["triples"]))
    for graph, count in manifest["graphs"].items():
        table.add_row(compact(graph).replace("https://w3id.org/thcm/graph/", "graph/"), str(count))
    out.print(table)
    checked = result.check
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in checked.timings.items())
    out.print(f"{len(checked.parsed.files)} files, {checked.inferred} inferred triples, "
              f"{len(checked.report.warnings)} SHACL warnings, {len(checked.report.notes)} notes; {timings}")
    for warning in checked.report.warnings:
        err.print(f"[yellow]warning:[/] {escape(str(warning))}", markup=True)
    for conflict in checked.conflicts:
        err.print(f"[cyan]conflict kept:[/] {escape(str(conflict))}", markup=True)
    out.print(f"published to {result.publication.where}")


@main.command()
@click.option("-v", "--verbose", is_flag=True, help="Also list the notes (sh:Info results), e.g. fields without a German name.")
@click.option("--input", "inputs", multiple=True, type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help="Also read this N-Quads dump (.nq, .nq.gz); repeatable [THCM_INPUT_FILES].")
@click.pass_context
def validate(ctx: click.Context, verbose: bool, inputs: tuple[str, ...]) -> None:
    """Check data/ against the ontology and shapes without publishing anything.

    Also lists the figures that disagree (same subject, measure and period, different values):
    they are kept as separate observations and do not fail the check.
    """
    from ..build import check

    checked = check(settings_of(ctx, input_files=":".join(inputs) or None), on_stage=stage)
    triples = checked.parsed.store.count()
    checked.discard()
    for warning in checked.report.warnings:
        err.print(f"[yellow]warning:[/] {escape(str(warning))}", markup=True)
    for note in checked.report.notes if verbose else ():
        err.print(f"[dim]note:[/] {escape(str(note))}", markup=True)
    for conflict in checked.conflicts:
        out.print(f"[cyan]conflict kept:[/] {escape(str(conflict))}", markup=True)
    out.print(f"valid: {len(checked.parsed.files)} files, {triples} triples "
              f"(+{checked.inferred} inferred), 0 violations, {len(checked.report.warnings)} warnings, "
              f"{len(checked.report.notes)} notes, {len(checked.conflicts)} conflicting figures kept")


@main.command(name="import")
@click.argument("source", type=click.Choice(["cordis", "efre", "ror", "nace", "nuts", "gepris", "imi"]))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Read, transform and report; write nothing.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False), help="Write the import report (JSON) to FILE.")
@click.option("--skip-bad-rows", is_flag=True, help="Skip rows that do not import (each listed in the report) instead of failing.")
@click.option("--build", "then_build", is_flag=True,
              help="Publish a new build afterwards (thcm build --no-analysis); if it fails, the import is undone.")
@click.pass_context
def import_(ctx: click.Context, source: str, files: tuple[str, ...], dry_run: bool, report_file: str | None,
            skip_bad_rows: bool, then_build: bool) -> None:
    """Import public data FILES of SOURCE (cordis, efre, ror, nace, nuts, gepris, imi) as import graphs.

    Each file becomes graph/import-SOURCE-<file-stem>, written to <state_dir>/imports/ and read
    by `thcm build`. Nothing is written unless every file imports (docs/importers.md).
    """
    from collections.abc import Callable
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..importers.run import rollback, run_import, write_report

    settings = settings_of(ctx)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(f"importing {source}", total=None)

        def on_file(name: str, records: int) -> Callable[[], None]:
            bar.update(task, description=f"transforming {name}", total=records, completed=0)
            return lambda: bar.advance(task)

        outcome = run_import(source, [Path(f) for f in files], data_dir=settings.data_path,
                             imports_dir=settings.state_path / "imports", dry_run=dry_run, skip_bad_rows=skip_bad_rows,
                             on_progress=lambda message: bar.update(task, description=message), on_file=on_file)
    for report in outcome.reports:
        out.print(escape(report.summary()))
        for skipped in report.skipped:
            err.print(f"[yellow]skipped:[/] {escape(skipped)}", markup=True)
    for path in outcome.written:
        out.print(f"wrote {path}")
    for path in outcome.unchanged:
        out.print(f"unchanged {path}")
    if dry_run:
        out.print("dry run: nothing written")
    if report_file:
        write_report(outcome, Path(report_file))
        out.print(f"report in {report_file}")
    if then_build and not dry_run:
        from ..build import build as run_build

        try:
            result = run_build(settings, on_stage=stage)
        except Exception:
            rollback(outcome)  # the import graphs that broke the build are taken back out
            err.print("the build failed: the import graphs were put back as they were", style="yellow")
            raise
        out.print(f"published build {result.build_id}")






@main.command()
@click.option("--triples", "-n", type=click.IntRange(min=2_000), required=True, help="About how many triples to write.")
@click.option("--seed", "-s", type=int, default=1, show_default=True, help="Random seed: the same seed gives the same file.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The N-Quads file to write (gzip if it ends in .gz), e.g. var/synth/synth-1e6.nq.gz.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="How to print the summary (json includes sample IRIs for benchmark queries).")
def synth(triples: int, seed: int, output: str, fmt: str) -> None:
    """Generate a synthetic Thuringia-like ecosystem of about N triples (test and benchmark data).

    Streams N-Quads into named graphs graph/synth-*; build it together with data/ by
    `thcm build --input FILE`. See docs/synth.md.
    """
    from dataclasses import asdict
    from pathlib import Path

    from ..synth import generate

    summary = generate(triples, seed, Path(output))
    if fmt == "json":
        out.print_json(json.dumps({**asdict(summary), "path": str(summary.path)}))
        return
    table = Table(title=f"{summary.triples} triples in {summary.path} ({summary.seconds:.1f} s)", show_footer=True)
    table.add_column("named graph", footer="total")
    table.add_column("triples", justify="right", footer=str(summary.triples))
    for graph, count in summary.per_graph.items():
        table.add_row(compact(graph).replace("https://w3id.org/thcm/graph/", "graph/"), str(count))
    out.print(table)
    out.print(", ".join(f"{count} {name}" for name, count in summary.counts.items()))
    out.print(f"sample actor {summary.samples.actor}, network {summary.samples.network}")
