"""Commands that read the published build: ``query``, ``serve``, ``stats``, ``settings``."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.table import Table

from ..config import describe_settings
from ..errors import InputError
from ..store import RDF_FORMATS, RESULT_FORMATS, SelectResult, open_published
from ..terms import compact, show
from .app import err, main, out, settings_of

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
    store, _ = open_published(settings_of(ctx), in_memory=False)
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

    from ..store import current_publication, open_remote, remote_publication

    settings = settings_of(ctx, host=host, port=port)
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
    from ..stats import collect

    store, publication = open_published(settings_of(ctx), in_memory=False)
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
