"""The ``thcm`` group: settings, consoles, and our exceptions turned into messages and exit codes."""

from __future__ import annotations

import sys
import traceback
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from .. import __version__
from ..config import Settings, load_settings
from ..errors import InputError, StoreError, ThcmError, ValidationFailed

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


def settings_of(ctx: click.Context, **overrides: Any) -> Settings:
    """The settings read at start-up, with the command's own options (those given) on top."""
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


def stage(message: str) -> None:
    """Print one line of progress to stderr."""
    err.print(f"[dim]·[/] {escape(message)}", markup=True)
