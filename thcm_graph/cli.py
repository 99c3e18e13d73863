"""The ``thcm`` command: a thin shell over the library.

Exit codes: 0 success; 1 bad input (data, query, configuration); 2 wrong usage;
3 store problem (nothing published yet, another build running, the SPARQL server unreachable);
70 internal error (a bug).
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__
from .config import Settings, describe_settings, load_settings
from .errors import InputError, StoreError, ThcmError, ValidationFailed
from .store import RDF_FORMATS, RESULT_FORMATS, SelectResult, open_published
from .terms import compact, show

EXIT_INPUT, EXIT_STORE, EXIT_INTERNAL = 1, 3, 70

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class ThcmGroup(click.Group):
    """Turns our exceptions into a message and an exit code instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            err.print(f"[bold red]build failed:[/] the data does not conform to the shapes\n{escape(str(exc))}", markup=True)
            err.print("Nothing was published; the previous build keeps serving.", style="yellow")
            sys.exit(EXIT_INPUT)
        except InputError as exc:
            err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True)
            sys.exit(EXIT_INPUT)
        except StoreError as exc:
            err.print(f"[bold red]store error:[/] {escape(str(exc))}", markup=True)
            sys.exit(EXIT_STORE)
        except ThcmError as exc:
            err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True)
            sys.exit(EXIT_INPUT)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug: say so, keep the details for the report
            err.print(f"[bold red]internal error[/] ({type(exc).__name__}: {escape(str(exc))}) — this is a bug, please report it.",
                      markup=True)
            if ctx.obj and ctx.obj.get("traceback"):
                err.print(traceback.format_exc(), markup=False)
            else:
                err.print("Run again with `thcm --traceback …` to see where it happened.")
            sys.exit(EXIT_INTERNAL)


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    base: Settings = ctx.obj["settings"]
    return base.model_copy(update={k: v for k, v in overrides.items() if v is not None}) if overrides else base


@click.group(cls=ThcmGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100, "terminal_width": 100})
@click.version_option(__version__, prog_name="thcm")
@click.option("--traceback", is_flag=True, help="Show the Python traceback of internal errors.")
@click.pass_context
def main(ctx: click.Context, traceback: bool) -> None:
    """thcm-graph: a knowledge graph of the Thuringian innovation ecosystem.

    Settings come from THCM_* environment variables (see `thcm settings`).
    """
    ctx.ensure_object(dict)
    ctx.obj["traceback"] = traceback
    ctx.obj["settings"] = load_settings()


def _stage(message: str) -> None:
    err.print(f"[dim]·[/] {escape(message)}", markup=True)


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
    from .build import build as run_build

    step = None
    if analysis:
        from .analysis import analysis_step

        step = analysis_step()
    settings = _settings(ctx, input_files=":".join(inputs) or None)
    result = run_build(settings, on_stage=(lambda _: None) if quiet else _stage, step=step)
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
    from .build import check

    checked = check(_settings(ctx, input_files=":".join(inputs) or None), on_stage=_stage)
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

    from .importers.run import rollback, run_import, write_report

    settings = _settings(ctx)
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
        from .build import build as run_build

        try:
            result = run_build(settings, on_stage=_stage)
        except Exception:
            rollback(outcome)  # the import graphs that broke the build are taken back out
            err.print("the build failed: the import graphs were put back as they were", style="yellow")
            raise
        out.print(f"published build {result.build_id}")


QUERY_FORMATS = ["table", *RESULT_FORMATS, *RDF_FORMATS]


@main.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.File("r", encoding="utf-8"),
              help="Read the query from a file ('-' for standard input).")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True,
              help="table, SPARQL results (json, xml, csv, tsv) for SELECT/ASK, or an RDF format for CONSTRUCT/DESCRIBE.")
@click.option("--graph", "graphs", multiple=True,
              help="Use only this named graph as the default graph (repeatable). Default: the union of all graphs.")
@click.pass_context
def query(ctx: click.Context, sparql: str | None, query_file: Any, fmt: str, graphs: tuple[str, ...]) -> None:
    """Run a SPARQL query against the published store.

    The query is the argument, a file (-f FILE), or standard input (argument '-' or piped).
    """
    if query_file is not None:
        text = query_file.read()
    elif sparql == "-" or (sparql is None and not sys.stdin.isatty()):
        text = sys.stdin.read()
    elif sparql is not None:
        text = sparql
    else:
        raise click.UsageError("give a query as argument, with -f FILE, or on standard input")
    store, _ = open_published(_settings(ctx), in_memory=False)
    raw = store.query_raw(text, default_graph=list(graphs) or None)
    if fmt == "table":
        _print_table(raw.to_result())
        return
    if raw.kind == "graph" and fmt not in RDF_FORMATS:
        raise InputError(f"a CONSTRUCT/DESCRIBE result is RDF: use --format table or one of {', '.join(RDF_FORMATS)}")
    if raw.kind != "graph" and fmt not in RESULT_FORMATS:
        raise InputError(f"a {raw.kind.upper()} result is a result table: use --format table or one of {', '.join(RESULT_FORMATS)}")
    sys.stdout.buffer.write(raw.serialize(fmt))
    if fmt in ("json", "xml"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()


def _print_table(result: Any) -> None:
    if result.kind == "ask":
        out.print("true" if result.value else "false")
        return
    if result.kind == "graph":
        table = Table("subject", "predicate", "object")
        for s, p, o in result.triples:
            table.add_row(show(s), show(p), show(o))
        out.print(table)
        out.print(f"{len(result.triples)} triples")
        return
    assert isinstance(result, SelectResult)
    table = Table(*result.variables)
    for row in result.rows:
        table.add_row(*(show(t) for t in row))
    out.print(table)
    out.print(f"{len(result.rows)} rows")


@main.command()
@click.option("--host", help="Interface to listen on [THCM_HOST, default 127.0.0.1].")
@click.option("--port", type=int, help="Port to listen on [THCM_PORT, default 8000].")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the published graph over HTTP (SPARQL at /sparql) with uvicorn.

    New builds published while serving are picked up without a restart.
    """
    import uvicorn

    from api.app import UVICORN_OPTIONS, create_app

    from .store import current_publication, open_remote, remote_publication

    settings = _settings(ctx, host=host, port=port)
    # fail early and clearly if nothing is built (or the SPARQL server does not answer)
    publication = (remote_publication(open_remote(settings)) if settings.remote_store
                   else current_publication(settings.state_path))
    app = create_app(settings)
    err.print(f"serving build {publication.build_id} on http://{settings.host}:{settings.port}/sparql "
              f"(queries limited to {settings.query_timeout:g} s each)")
    uvicorn.run(app, host=settings.host, port=settings.port, **UVICORN_OPTIONS)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Triples per named graph and instances per class of the published build."""
    from .stats import collect

    store, publication = open_published(_settings(ctx), in_memory=False)
    result = collect(store)
    if fmt == "json":
        out.print_json(json.dumps({"build_id": publication.build_id, **result.as_dict()}))
        return
    graphs = Table(title=f"build {publication.build_id}", show_footer=True)
    graphs.add_column("named graph", footer="total")
    graphs.add_column("triples", justify="right", footer=str(result.triples))
    for graph, count in result.graphs:
        graphs.add_row(graph, str(count))
    classes = Table("class", "instances")
    for cls, count in result.classes:
        classes.add_row(compact(cls), str(count))
    out.print(graphs)
    out.print(classes)


@main.command(name="settings")
def settings_command() -> None:
    """List every THCM_* setting with its default and meaning."""
    table = Table("environment variable", "default", "meaning")
    for name, default, description in describe_settings():
        table.add_row(name, default, description)
    out.print(table)


# -- exports (issue 7): dumps, DCAT-AP, VoID, S3 profile ---------------------------------------

def _write_output(path: str | None, produce: Any) -> None:
    """Call ``produce(binary_stream)`` on standard output, or on FILE written atomically
    (gzip-compressed when FILE ends in .gz)."""
    import gzip
    import os
    from pathlib import Path

    if path is None or path == "-":
        try:
            produce(sys.stdout.buffer)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader stopped early (`thcm export | head`): not an error of ours
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        return

    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("wb") as raw:
            if target.suffix == ".gz":
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                    produce(gz)
            else:
                produce(raw)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _export_choices() -> list[str]:
    from .export.formats import ALIASES, FORMATS

    return [*FORMATS, *ALIASES]


@main.command(name="export")
@click.option("--format", "fmt", type=click.Choice(_export_choices(), case_sensitive=False), default="nq", show_default=True,
              help="nq and trig keep the named graphs (so does jsonld, compacted with ontology/context.jsonld); "
                   "ttl, nt and rdfxml hold one graph: the union of the named graphs, or --graph.")
@click.option("--graph", "graph", metavar="IRI", help="Export only this named graph.")
@click.option("--view", type=click.Choice(["actors", "fields"]),
              help="Instead of a dump: the framed JSON-LD view of the actors or the fields, for non-RDF consumers.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically; gzip if it ends in .gz). Default: standard output.")
@click.pass_context
def export_command(ctx: click.Context, fmt: str, graph: str | None, view: str | None, output: str | None) -> None:
    """Serialise the published store in an RDF format, streaming (or a framed JSON-LD view)."""
    from .export.dumps import check_graph, write_dump
    from .export.formats import dump_format
    from .export.jsonld import load_context
    from .export.views import framed_view_bytes

    settings = _settings(ctx)
    store, _ = open_published(settings, in_memory=False)
    if view is not None:
        if graph is not None:
            raise click.UsageError("--view and --graph cannot be combined: a view reads the union of the graphs")
        data = framed_view_bytes(store, view, load_context(settings.ontology_path))
        _write_output(output, lambda out: out.write(data))
        return
    chosen = dump_format(fmt)
    check_graph(store, graph)  # before any output file is created
    _write_output(output, lambda out: write_dump(store, out, chosen, graph=graph, ontology_dir=settings.ontology_path))


def _description_command(kind: str) -> Any:
    from .export.formats import DESCRIPTION_FORMATS

    @click.option("--format", "fmt", type=click.Choice(list(DESCRIPTION_FORMATS)), default="turtle", show_default=True)
    @click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
    @click.pass_context
    def command(ctx: click.Context, fmt: str, output: str | None) -> None:
        from .export import dcat, void
        from .export.identifiers import ServiceUrls

        settings = _settings(ctx)
        store, publication = open_published(settings, in_memory=False)
        describe = dcat.catalog_graph if kind == "catalog" else void.void_graph
        graph = describe(store, publication, ServiceUrls(settings.base_url))
        data = graph.serialize(format=DESCRIPTION_FORMATS[fmt][0], encoding="utf-8")
        _write_output(output, lambda out: out.write(data))

    return command


main.command(name="catalog", help=(
    "The DCAT-AP 3.0.1 description of the catalogue, the dataset, its distributions and the SPARQL endpoint.\n\n"
    "Addresses (download and endpoint URLs) come from THCM_BASE_URL."))(_description_command("catalog"))
main.command(name="void", help=(
    "The VoID description of the published store, computed from the data: counts, class and property "
    "partitions, linksets, endpoint and dumps.\n\nAddresses come from THCM_BASE_URL."))(_description_command("void"))


@main.command(name="s3-profile")
@click.option("--format", "fmt", type=click.Choice(["jsonld", "csv"]), default="jsonld", show_default=True)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
@click.pass_context
def s3_profile(ctx: click.Context, fmt: str, output: str | None) -> None:
    """The region's S3 profile: NUTS DEG, fields of specialisation with NACE/NABS codes and S3
    policy objectives, platform and network memberships, key figures with unit and period."""
    from .export import s3
    from .export.jsonld import load_context

    settings = _settings(ctx)
    store, _ = open_published(settings, in_memory=False)
    profile = s3.collect(store)
    if fmt == "csv":
        data = s3.to_csv(profile).encode("utf-8")
    else:
        document = s3.to_jsonld(profile, load_context(settings.ontology_path))
        data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    _write_output(output, lambda out: out.write(data))


@main.command()
@click.option("--dir", "directory", default="dist", show_default=True, metavar="DIR",
              help="Folder to write into (relative to the working directory).")
@click.pass_context
def dumps(ctx: click.Context, directory: str) -> None:
    """Write every dump format, .gz variants, the views, S3 profile, catalog.ttl, void.ttl and SHA256SUMS."""
    from pathlib import Path

    from .export.dist import write_dist
    from .export.identifiers import ServiceUrls

    settings = _settings(ctx)
    store, publication = open_published(settings, in_memory=False)
    files = write_dist(store, publication, Path(directory), ServiceUrls(settings.base_url), settings.ontology_path)
    table = Table("file", "bytes", "sha256", title=f"build {publication.build_id} → {directory}/")
    for f in files:
        table.add_row(f.name, str(f.size), f.sha256[:16] + "…")
    out.print(table)
    out.print(f"{len(files)} files and SHA256SUMS; {store.count()} quads in {len(store.named_graphs())} named graphs")
# -- analysis (issue 6) ---------------------------------------------------------------------------


def _analysed(ctx: click.Context) -> Any:
    from .analysis import analyse, load_ecosystem

    store, publication = open_published(_settings(ctx), in_memory=True)
    return analyse(load_ecosystem(store)), publication


@main.command()
@click.option("-q", "--quiet", is_flag=True, help="Print only the new build id.")
@click.pass_context
def analyse(ctx: click.Context, quiet: bool) -> None:
    """Run the cross-cluster hub analysis and publish it as a new build.

    The current build is copied, its graph/analysis replaced by the new results (scores,
    explanations, and a prov:Activity with parameters, software versions, input build id and
    time), validated and switched in atomically: re-running replaces, never duplicates.
    """
    from .analysis import analysis_step
    from .build import republish

    publication = republish(_settings(ctx), analysis_step(), name="analysis", on_stage=(lambda _: None) if quiet else _stage)
    if quiet:
        out.print(publication.build_id)
        return
    record = publication.manifest["analysis"]
    out.print(f"analysed build {record['input_build_id']}: {record['actors']} actors, {record['hubs']} cross-cluster hubs, "
              f"{record['triples']} triples in {record['graph']} (run {compact(record['run'])}, {record['seconds']} s)")
    out.print(f"published build {publication.build_id}")


@main.command()
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many hubs to show.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--field", "field_name", help="Only hubs that reach this field (IRI or label).")
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False),
              help="Also draw the actor–field network and the field bridge map (FILE.png or FILE.svg).")
@click.pass_context
def hubs(ctx: click.Context, top: int, fmt: str, field_name: str | None, plot_file: str | None) -> None:
    """The top cross-cluster hubs of the current build, each with its explanation.

    A hub is an actor linked to at least two fields; the score combines betweenness, PageRank,
    participation coefficient, Gould–Fernandez brokerage and Burt's constraint (docs/analysis.md).
    """
    import csv
    from pathlib import Path

    from .analysis import resolve_field

    result, publication = _analysed(ctx)
    eco = result.ecosystem
    field = resolve_field(eco, field_name) if field_name else None
    found = result.hubs(top, field)
    if plot_file:
        from .analysis.plot import plot_hubs

        plot_hubs(result, Path(plot_file), top=top)
        err.print(f"wrote {plot_file}")
    rows = [h.as_dict(eco) for h in found]
    if fmt == "json":
        out.print_json(json.dumps({"build_id": publication.build_id, "field": field, "communities_vs_fields": result.comparison,
                                   "hubs": rows}, default=str))
        return
    if fmt == "csv":
        columns = ["rank", "actor", "label", "score", "fields", "degree", "weighted_degree", "betweenness", "pagerank",
                   "participation", "constraint", "effective_size", "community", "explanation"]
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns + [f"brokerage_{r}" for r in rows[0]["brokerage"]] if rows else columns)
        for row in rows:
            writer.writerow([row[c] for c in columns] + list(row["brokerage"].values()))
        return
    table = Table("#", "actor", "score", "fields", "betweenness", "PageRank", "particip.", "constraint", "cross-brokerage",
                  title=f"cross-cluster hubs, build {publication.build_id}" + (f", field {eco.field_label(field)}" if field else ""))
    for h in found:
        cross = sum(v for k, v in h.brokerage.items() if k != "coordinator")
        table.add_row(str(h.rank), escape(h.label), f"{h.score:.1f}", str(h.fields), f"{h.betweenness:.3f}",
                      f"{h.pagerank:.3f}", f"{h.participation:.2f}", f"{h.constraint:.2f}", str(cross))
    out.print(table)
    for h, row in zip(found, rows, strict=True):
        lines = row["explanation"].splitlines()
        out.print(f"[bold]{h.rank}. {escape(h.label)}[/] {escape(lines[0])}", markup=True)
        for line in lines[1:]:
            out.print(f"   · {escape(line)}", markup=True)
    c = result.comparison
    out.print(f"{len(found)} hubs shown; Louvain communities vs declared fields on {c['actors']} actors: "
              f"NMI {c['nmi']:.2f}, ARI {c['ari']:.2f} ({c['communities']} communities, {c['fields']} fields)")


@main.command()
@click.argument("field_a")
@click.argument("field_b")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def bridges(ctx: click.Context, field_a: str, field_b: str, fmt: str) -> None:
    """Who connects FIELD_A and FIELD_B (IRIs or labels), and what removing each connector does.

    Shows the actors linked to both fields, the shortest bridging paths, a minimum set of
    actors whose removal disconnects the fields, and for each connector the connection left
    after removing it.
    """
    from .analysis import bridges as find_bridges
    from .analysis import load_ecosystem, report_as_dict

    store, publication = open_published(_settings(ctx), in_memory=True)
    eco = load_ecosystem(store)
    report = find_bridges(eco, field_a, field_b)
    if fmt == "json":
        out.print_json(json.dumps({"build_id": publication.build_id, **report_as_dict(report, eco)}))
        return
    name = eco.actor_label
    out.print(f"[bold]{escape(eco.field_label(report.field_a))}[/] ↔ [bold]{escape(eco.field_label(report.field_b))}[/]", markup=True)
    if not report.connected:
        out.print("not connected: no actor or chain of actors links these fields")
        return
    out.print(f"distance {report.distance} hops, vertex connectivity {report.connectivity}")
    out.print("linked to both: " + (", ".join(map(name, report.direct)) or "none"))
    out.print("minimal connectors (removing them disconnects the fields): " + (", ".join(map(name, report.minimal_connectors)) or "none"))
    paths = Table("shortest bridging paths (actors between the fields)")
    for path in report.paths:
        paths.add_row(escape(" → ".join(map(name, path))))
    out.print(paths)
    removal = Table("remove", "still connected", "distance", "shortest paths", "connectivity", title="what if one connector is removed")
    for r in report.removals:
        removal.add_row(escape(name(r.actor)), "yes" if r.connected else "[red]no[/]", str(r.distance or "–"),
                        str(r.shortest_paths), str(r.connectivity))
    out.print(removal)


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

    from .synth import generate

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
