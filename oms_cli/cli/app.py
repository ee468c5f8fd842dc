"""The `oms` root command: global options and the command groups.

Command modules are loaded lazily: `oms --help` lists the commands from the table below
without importing any of them, and `oms orders list` imports only the orders module.
Each command module imports only Typer at import time and exposes ``register(app)``;
services are imported inside the command functions, so no command start pays for
SQLAlchemy, SQLModel or reportlab before it needs them.
"""

from __future__ import annotations

import importlib
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from oms_cli import __version__
from oms_cli.cli import context

#: command name -> (modules that register it, one-line summary for `oms --help`), in help order.
#: A test checks each summary against the command's own help.
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "demo": (("demo",), "Walk the whole fulfilment process on the bundled example data, in a store of its own."),
    "import": (("importing",), "Import orders from channel exports (safe to run again: no duplicates)."),
    "orders": (
        ("orders",),
        "See and steer orders: list, show, export, hold, release, cancel, tag, acknowledge instructions.",
    ),
    "products": (("products",), "The catalog: import products from CSV, list, show and change them."),
    "stock": (
        ("stock",),
        "Stock on hand per SKU and location: receive, adjust, count, list; every change is a ledger row.",
    ),
    "release": (
        ("release",),
        "Release orders to the floor: reserve their stock and set a ship-by deadline, or hold them with a reason.",
    ),
    "queue": (("queue",), "Show the released orders to work on now: overdue first, then next-day, expedited, oldest."),
    "pick": (
        ("picking", "documents"),
        "Pick released orders: plan runs of pick lists with the shortest walking routes, hand lists to pickers, confirm picks by scanning.",
    ),
    "pack": (
        ("packing",),
        "Pack picked orders: show the plan (oms pack REF), verify by scanner and record the packages (oms pack verify REF).",
    ),
    "boxes": (
        ("packing",),
        "Standard boxes: list them with how many are on hand, count and receive them, or pack items from a CSV file.",
    ),
    "labels": (
        ("documents",),
        "Shipping labels: one per package, PDF (4x6, A6, 2-up A4/Letter) or ZPL for Zebra printers.",
    ),
    "slips": (
        ("documents",),
        "Packing slips: what is in the parcel, the buyer's instruction, the thank-you note and how to return.",
    ),
    "invoices": (
        ("documents",),
        "Invoices with sequential numbers, kept for reprints: prices, tax, shipping and totals.",
    ),
    "sync": (("channels",), "Pull new and changed orders from the channels' APIs and hand tracking back."),
    "channels": (
        ("channels",),
        "Channel connections (Shopify, WooCommerce, Etsy, eBay, Amazon): add, list, show, remove, test.",
    ),
    "ship": (
        ("shipping",),
        "Ship packed orders with their tracking numbers, and write the channels' shipping-confirmation files.",
    ),
    "deliver": (("shipping",), "Mark a shipped order delivered, or every parcel of a carrier's delivery report."),
    "notify": (
        ("notify",),
        "Customer messages: send the outbox over SMTP, list it, retry failures, preview templates.",
    ),
    "feedback": (("aftercare",), "Customer feedback: record ratings and comments, list them."),
    "problems": (("aftercare",), "Problems to resolve (from low ratings, complaints, returns): list and resolve."),
    "returns": (("returns",), "Returns (RMA): open, receive (restock), close with a refund, list."),
    "payments": (
        ("payments",),
        "Make sure every payment arrived: import Stripe/PayPal exports, record cash and refunds, reconcile.",
    ),
    "rates": (
        ("rates",),
        "Carrier rate cards: import rate tables and zone charts, quote what an order's parcels cost with each service.",
    ),
    "report": (("report",), "Measure fulfilment over a period and show where to improve."),
    "health": (
        ("channels",),
        "Say what needs attention: stale or failing syncs, missing orders, tracking not accepted, failing messages.",
    ),
    "config": (("config",), "Inspect the configuration."),
    "db": (("db",), "The local store: schema status and upgrades."),
}

#: settings every level of the command tree shares (plain help, -h, our own error handling)
_SETTINGS: dict[str, Any] = {
    "pretty_exceptions_enable": False,
    "add_completion": False,
    "rich_markup_mode": None,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}

_loaded: dict[tuple[str, ...], Any] = {}


def load_command(name: str) -> Any:
    """The Click command for one top-level name, importing only the modules it needs."""
    modules = COMMANDS[name][0]
    group = _loaded.get(modules)
    if group is None:
        import typer.main

        from oms_cli.cli.options import add_json_option

        holder = typer.Typer(**_SETTINGS)

        @holder.callback()
        def _holder() -> None:  # a callback makes Typer build a group even for one command
            pass

        for module in modules:
            importlib.import_module(f"oms_cli.cli.{module}").register(holder)
        built: Any = typer.main.get_command(holder)
        for command in built.commands.values():
            add_json_option(command)
        group = _loaded[modules] = built
    return group.commands.get(name)


class LazyGroup(TyperGroup):
    """The root group: lists commands from the table, loads a command's module on use."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in COMMANDS:
            return load_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, summary) for name, (_, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="oms",
    cls=LazyGroup,
    help=(
        "Order fulfilment for small online shops: import orders from every channel, "
        "release them to the floor, pick, pack, label, ship, and measure.\n\n"
        "Example: oms import shopify.csv amazon.txt && oms release --all && oms pick plan --method batch"
    ),
    no_args_is_help=True,
    **_SETTINGS,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"oms {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="OMS_DB",
            help="Store: a SQLite file path or an SQLAlchemy URL [default: ~/.local/share/oms/oms.db].",
        ),
    ] = None,
    config: Annotated[
        str | None,
        typer.Option(
            "--config", envvar="OMS_CONFIG", help="Config file [default: ./oms.yaml, then ~/.config/oms/oms.yaml]."
        ),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No messages on stderr, only errors.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors inline.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Order fulfilment for small online shops."""
    context.reset(db=db, config_path=config, json=json_, quiet=quiet, debug=debug)


def command_tree() -> Any:
    """The root Click group with every command loaded (for docs, completions and tests)."""
    import typer.main

    root_group = typer.main.get_command(app)
    assert isinstance(root_group, TyperGroup)  # an app with subcommands is built as a group
    for name in COMMANDS:
        root_group.add_command(load_command(name), name)
    return root_group
