"""Commands that write linked data out: ``export``, ``catalog``, ``void``, ``s3-profile``, ``dumps``."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.table import Table

from ..errors import InputError
from ..store import open_published
from .app import main, out, settings_of


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
    from ..export.formats import ALIASES, FORMATS

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
    from ..export.dumps import check_graph, write_dump
    from ..export.formats import dump_format
    from ..export.jsonld import load_context
    from ..export.views import framed_view_bytes

    settings = settings_of(ctx)
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
    from ..export.formats import DESCRIPTION_FORMATS

    @click.option("--format", "fmt", type=click.Choice(list(DESCRIPTION_FORMATS)), default="turtle", show_default=True)
    @click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
    @click.pass_context
    def command(ctx: click.Context, fmt: str, output: str | None) -> None:
        from ..export import dcat, void
        from ..export.identifiers import ServiceUrls

        settings = settings_of(ctx)
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
    from ..export import s3
    from ..export.jsonld import load_context

    settings = settings_of(ctx)
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

    from ..export.dist import write_dist
    from ..export.identifiers import ServiceUrls

    settings = settings_of(ctx)
    store, publication = open_published(settings, in_memory=False)
    files = write_dist(store, publication, Path(directory), ServiceUrls(settings.base_url), settings.ontology_path)
    table = Table("file", "bytes", "sha256", title=f"build {publication.build_id} → {directory}/")
    for f in files:
        table.add_row(f.name, str(f.size), f.sha256[:16] + "…")
    out.print(table)
    out.print(f"{len(files)} files and SHA256SUMS; {store.count()} quads in {len(store.named_graphs())} named graphs")
# -- analysis (issue 6) ---------------------------------------------------------------------------
