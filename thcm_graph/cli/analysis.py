"""Commands of the hub analysis: ``analyse``, ``hubs``, ``bridges``."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from ..store import open_published
from ..terms import compact
from .app import err, main, out, settings_of, stage


def _analysed(ctx: click.Context) -> Any:
    from ..analysis import analyse, load_ecosystem

    store, publication = open_published(settings_of(ctx), in_memory=True)
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
    from ..analysis import analysis_step
    from ..build import republish

    publication = republish(settings_of(ctx), analysis_step(), name="analysis", on_stage=(lambda _: None) if quiet else stage)
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

    from ..analysis import resolve_field

    result, publication = _analysed(ctx)
    eco = result.ecosystem
    field = resolve_field(eco, field_name) if field_name else None
    found = result.hubs(top, field)
    if plot_file:
        from ..analysis.plot import plot_hubs

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
    from ..analysis import bridges as find_bridges
    from ..analysis import load_ecosystem, report_as_dict

    store, publication = open_published(settings_of(ctx), in_memory=True)
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
