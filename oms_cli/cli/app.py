"""The `oms` root command: global options and the command groups.

Each command module under ``oms_cli.cli`` imports only Typer at import time and exposes
``register(app)``; services are imported inside the command functions so that
``oms --help`` stays fast (no SQLAlchemy, SQLModel or reportlab).
"""

from __future__ import annotations

import importlib
from typing import Annotated, Optional

import typer

from oms_cli import __version__
from oms_cli.cli import context

app = typer.Typer(
    name="oms",
    help=(
        "Order fulfilment for small online shops: import orders from every channel, "
        "release them to the floor, pick, pack, label, ship, and measure.\n\n"
        "Example: oms import shopify.csv amazon.txt && oms release --all && oms pick plan --method batch"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: command modules, in the order their groups appear in `oms --help`
COMMAND_MODULES = (
    "demo",
    "importing",
    "orders",
    "products",
    "stock",
    "release",
    "queue",
    "picking",
    "packing",
    "documents",
    "shipping",
    "notify",
    "aftercare",
    "returns",
    "payments",
    "report",
    "config",
    "db",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"oms {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[Optional[str], typer.Option("--db", envvar="OMS_DB", help="Store: a SQLite file path or an SQLAlchemy URL [default: ~/.local/share/oms/oms.db].")] = None,
    config: Annotated[Optional[str], typer.Option("--config", envvar="OMS_CONFIG", help="Config file [default: ./oms.yaml, then ~/.config/oms/oms.yaml].")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No messages on stderr, only errors.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors inline.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Order fulfilment for small online shops."""
    context.reset(db=db, config_path=config, json=json_, quiet=quiet, debug=debug)


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"oms_cli.cli.{_name}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"oms_cli.cli.{_name}":
            raise
        continue
    _module.register(app)
