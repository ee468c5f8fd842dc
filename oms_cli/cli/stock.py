"""`oms stock …`: quantities on hand, reserved and available, and the ledger behind them."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from oms_cli.cli.context import state

if TYPE_CHECKING:
    from oms_cli.stock.service import Shortfall

stock_app = typer.Typer(
    help="Stock on hand per SKU and location: receive, adjust, count, list; every change is a ledger row.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the `stock` group."""
    app.add_typer(stock_app, name="stock")


def _short_warning(short: list[Shortfall]) -> None:
    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode

    if not short:
        return
    for s in short:
        render.warn(
            f"{s.sku} at {s.location}: {s.reserved} reserved but {s.on_hand} on hand; orders {', '.join(s.orders) or '-'} cannot all be filled from here"
        )
    raise typer.Exit(int(ExitCode.ATTENTION))


@stock_app.command("receive")
def receive_cmd(
    sku: Annotated[str, typer.Argument(help="SKU received.")],
    qty: Annotated[int, typer.Argument(help="Units received.")],
    location: Annotated[
        str | None, typer.Option("--location", "-l", help="Where it goes [default: the SKU's primary location].")
    ] = None,
    ref: Annotated[
        str | None, typer.Option("--ref", help="Delivery or PO number: a second run with the same ref books nothing.")
    ] = None,
) -> None:
    """Book received goods into stock (a `receive` row in the ledger).

    Example: oms stock receive MUG-BLUE 24 --location A03-B12-L2 --ref PO-1042
    """
    from oms_cli.cli import render
    from oms_cli.stock.service import receive

    st = state()
    res = receive(st.store, st.config, sku, qty, location=location, ref=ref)
    if st.json:
        render.emit_json(res)
    elif res.changed:
        render.success(f"{sku}: +{qty} at {res.location}, {res.on_hand} on hand, {res.available} available")
    else:
        render.info(f"{sku}: {ref} was already received ({res.quantity} at {res.location}); nothing booked")


@stock_app.command(
    "adjust", context_settings={"ignore_unknown_options": True}
)  # so that -2 is a quantity, not an option
def adjust_cmd(
    sku: Annotated[str, typer.Argument(help="SKU to correct.")],
    qty: Annotated[int, typer.Argument(help="Signed change, e.g. -2 or 3.")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why: damaged, lost, found, sample, …")],
    location: Annotated[
        str | None,
        typer.Option("--location", "-l", help="Which location [default: where the SKU is, else its primary]."),
    ] = None,
    ref: Annotated[
        str | None,
        typer.Option("--ref", help="A reference: a second run with the same ref and reason changes nothing."),
    ] = None,
) -> None:
    """Correct stock on hand by a signed quantity with a reason (a ledger row).

    Exit code 9 when the shelf now holds less than is reserved for orders.

    Example: oms stock adjust MUG-BLUE -2 --reason damaged
    """
    from oms_cli.cli import render
    from oms_cli.stock.service import adjust

    st = state()
    res = adjust(st.store, st.config, sku, qty, reason, location=location, ref=ref)
    if st.json:
        render.emit_json(res)
    elif res.changed:
        render.success(f"{sku}: {qty:+d} at {res.location} ({reason}), {res.on_hand} on hand")
    else:
        render.info(f"{sku}: {ref} was already booked; nothing changed")
    _short_warning(res.short)


@stock_app.command("count")
def count_cmd(
    file: Annotated[
        str,
        typer.Argument(help="Count CSV with columns sku, location (optional), quantity ('-' reads standard input)."),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the differences, change nothing.")] = False,
) -> None:
    """Set quantities on hand from a cycle count; each difference is a `count` row in the ledger.

    SKUs and locations not in the file are left alone. Running the same file again changes
    nothing. Exit code 9 when a shelf now holds less than is reserved for orders.

    Example: oms stock count examples/stock.csv
    """
    import io

    from oms_cli.catalog.csvfile import CatalogFileError
    from oms_cli.cli import render
    from oms_cli.cli.products import file_problems
    from oms_cli.stock.service import count

    st = state()
    stream = io.StringIO(sys.stdin.read(), newline="") if file == "-" else None
    try:
        res = count(st.store, st.config, "<stdin>" if file == "-" else file, dry_run=dry_run, stream=stream)
    except CatalogFileError as exc:
        file_problems(exc)
    if st.json:
        render.emit_json(res)
    else:
        if res.changes:
            render.table(
                None,
                ["sku", "location", "was", "now", "change"],
                [[c.sku, c.location, c.was, c.now, f"{c.delta:+d}"] for c in res.changes],
            )
        verb = "would change" if dry_run else "changed"
        render.info(f"{res.file}: {res.counted} counted, {verb} {res.changed}, {res.unchanged} already right")
    _short_warning(res.short)


@stock_app.command("list")
def list_cmd(
    low: Annotated[
        bool, typer.Option("--low", help="Only SKUs at or below their low-stock threshold (available units).")
    ] = False,
    sku: Annotated[str | None, typer.Option("--sku", help="Only this SKU.")] = None,
) -> None:
    """List stock per SKU: on hand, reserved, available, and where.

    The low-stock threshold is the product's own (products set --low-stock) or
    release.low_stock_threshold.

    Example: oms stock list --low
    """
    from oms_cli.cli import render
    from oms_cli.stock.service import list_stock

    st = state()
    rows = list_stock(st.store, st.config, low=low, sku=sku)
    if st.json:
        render.emit_json(rows)
        return
    if not rows:
        render.info("no SKU is low on stock" if low else "no products; load them with `oms products import FILE`")
        return
    render.table(
        None,
        ["sku", "name", "on hand", "reserved", "available", "low at", "locations"],
        [
            [
                r.sku,
                r.name,
                r.on_hand,
                r.reserved,
                r.available,
                r.low_stock,
                ", ".join(f"{x.location}:{x.on_hand}" for x in r.locations),
            ]
            for r in rows
        ],
        styles=["red" if r.available <= 0 else ("yellow" if r.low else None) for r in rows],
    )


@stock_app.command("moves")
def moves_cmd(
    sku: Annotated[str | None, typer.Argument(help="Only this SKU.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many (0 = all).")] = 50,
) -> None:
    """Show the stock ledger, newest first: what, how many, why, when, which order.

    Example: oms stock moves MUG-BLUE
    """
    from oms_cli.cli import render
    from oms_cli.stock.service import movements

    st = state()
    rows = movements(st.store, sku, limit=limit or None)
    if st.json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["at", "sku", "location", "qty", "why", "order", "command", "note"],
        [[m.at, m.sku, m.location, f"{m.quantity:+d}", m.reason, m.order, m.command, m.note] for m in rows],
    )


@stock_app.command("check")
def check_cmd() -> None:
    """Check that stock on hand equals the sum of its ledger and reserved equals the reservations.

    Exit code 9 when they disagree.

    Example: oms stock check
    """
    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode
    from oms_cli.stock.service import check

    st = state()
    result = check(st.store)
    bad = result.mismatches
    if st.json:
        render.emit_json(result)
    elif bad:
        render.table(
            "stock disagrees with its ledger",
            ["sku", "location", "on hand", "ledger sum", "reserved", "reservations"],
            [[b.sku, b.location, b.on_hand, b.ledger, b.reserved, b.reservations] for b in bad],
            styles=["red"] * len(bad),
        )
    else:
        render.success("stock agrees with its ledger and reservations")
    if bad:
        raise typer.Exit(int(ExitCode.ATTENTION))
