"""`oms returns …`: returns (RMA) from opening to refund."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from oms_cli.cli.context import state

if TYPE_CHECKING:
    from oms_cli.returns.service import ReturnView

returns_app = typer.Typer(
    help="Returns (RMA): open, receive (restock), close with a refund, list.", no_args_is_help=True
)

LINES_HELP = "SKU:QTY (repeatable); default: everything not yet returned."


def register(app: typer.Typer) -> None:
    """Add the `returns` group."""
    app.add_typer(returns_app, name="returns")


@returns_app.command("open")
def open_cmd(
    ref: Annotated[str, typer.Argument(help="Order reference (channel:external_id).")],
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            "-r",
            help="Reason code from returns.reasons (wrong_item, damaged_in_transit, doesnt_fit, changed_mind, …).",
        ),
    ],
    lines: Annotated[list[str] | None, typer.Option("--lines", "-l", help=LINES_HELP)] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text kept with the return.")] = None,
    again: Annotated[
        bool, typer.Option("--again", help="Open a second return even if an identical one is still open.")
    ] = False,
) -> None:
    """Open a return for a shipped or delivered order: gives a return number and queues the return instructions.

    With returns.label on, a 4x6 return label (customer to shop) is attached to the message.
    Running the same command again while the return is open gives the same return.

    Example: oms returns open shopify:1041 --lines MUG-SPK-BLU:1 --reason doesnt_fit
    """
    from oms_cli.cli import render
    from oms_cli.returns.service import open_return

    st = state()
    res = open_return(st.store, st.config, ref, reason=reason, lines=lines, note=note, again=again)
    if st.json:
        render.emit_json(res)
        return
    ret = res.ret
    items = _items(ret)
    if res.changed:
        render.success(f"{ret.rma} opened for {ret.order_ref} ({ret.reason}): {items}")
        if res.message is not None and res.message.created:
            render.info("return instructions queued: send them with `oms notify send`")
        if res.label_path:
            render.info(f"return label: {res.label_path}")
        if res.problem_id:
            render.info(f"problem #{res.problem_id} opened for this return (see `oms problems list`)")
    else:
        render.success(f"{ret.rma} is already open for {ret.order_ref} ({ret.reason}): {items}")
    for w in res.warnings:
        render.warn(w)
    _print_rma(ret.rma)


@returns_app.command("receive")
def receive_cmd(
    rma: Annotated[str, typer.Argument(help="Return number, e.g. RMA-000001.")],
    condition: Annotated[
        str, typer.Option("--condition", "-c", help="resellable (back on the shelf), damaged or missing.")
    ],
    lines: Annotated[
        list[str] | None, typer.Option("--lines", "-l", help="SKU:QTY (repeatable); default: everything still awaited.")
    ] = None,
    location: Annotated[
        str | None, typer.Option("--location", help="Where resellable items go [default: the SKU's primary location].")
    ] = None,
) -> None:
    """Check returned items in: resellable ones go back into stock, damaged and missing ones are recorded.

    Call it once per condition when a parcel mixes them (with --lines). The order becomes
    `returned` when its last item is received back.

    Example: oms returns receive RMA-000001 --condition resellable
    """
    from oms_cli.cli import render
    from oms_cli.returns.service import receive_return

    st = state()
    res = receive_return(st.store, st.config, rma, condition=condition, lines=lines, location=location)
    if st.json:
        render.emit_json(res)
        return
    ret = res.ret
    if not res.changed:
        render.success(f"{ret.rma}: nothing left to receive ({ret.received_units} of {ret.units} checked in)")
        return
    render.success(f"{ret.rma}: received {ret.received_units} of {ret.units} ({condition})")
    for r in res.restocked:
        render.info(f"  {r.sku} x{r.quantity} back in stock at {r.location}")
    if res.order_returned:
        render.info(f"{ret.order_ref} is now returned: every item is back")
    elif ret.awaited_units:
        render.info(f"still awaited: {ret.awaited_units}")


@returns_app.command("close")
def close_cmd(
    rma: Annotated[str, typer.Argument(help="Return number, e.g. RMA-000001.")],
    refund: Annotated[
        str, typer.Option("--refund", help="Amount refunded, in the order's currency (e.g. 12.50), or 'none'.")
    ],
    note: Annotated[str | None, typer.Option("--note", help="Kept with the refund and on the order.")] = None,
) -> None:
    """Close a return and record its refund (or --refund none).

    Closing again with the same refund changes nothing; a different amount is refused.

    Example: oms returns close RMA-000001 --refund 18.00
    """
    from oms_cli.cli import render
    from oms_cli.payments.amounts import parse_amount
    from oms_cli.returns.service import close_return

    amount = None if refund.strip().lower() in ("none", "no", "0") else parse_amount(refund, "--refund")
    st = state()
    res = close_return(st.store, rma, refund=amount, note=note)
    if st.json:
        render.emit_json(res)
        return
    ret = res.ret
    what = f"refund {_refund(ret)}" if ret.refund_minor is not None else "no refund"
    render.success(f"{ret.rma} closed, {what}" if res.changed else f"{ret.rma} was already closed, {what}")
    if res.changed and ret.awaited_units:
        render.warn(f"{ret.awaited_units} item(s) of {ret.rma} never arrived")


@returns_app.command("list")
def list_cmd(
    open_: Annotated[bool, typer.Option("--open", help="Only returns not yet closed.")] = False,
) -> None:
    """List returns, newest first: order, reason, items, what came back and the refund.

    Example: oms returns list --open
    """
    from oms_cli.cli import render
    from oms_cli.returns.service import list_returns

    st = state()
    rows = list_returns(st.store, open_only=open_)
    if st.json:
        render.emit_json(rows)
        return
    if not rows:
        render.info("no returns" + (" open" if open_ else ""))
        return
    render.table(
        None,
        ["rma", "order", "opened", "status", "reason", "items", "received", "refund"],
        [
            [
                r.rma,
                r.order_ref,
                r.opened_at,
                r.status,
                r.reason,
                _items(r),
                f"{r.received_units}/{r.units}",
                _refund(r),
            ]
            for r in rows
        ],
    )


@returns_app.command("show")
def show_cmd(rma: Annotated[str, typer.Argument(help="Return number, e.g. RMA-000001.")]) -> None:
    """Show one return: its lines, their condition, and the refund.

    Example: oms returns show RMA-000001
    """
    from oms_cli.cli import render
    from oms_cli.returns.service import show_return

    st = state()
    r = show_return(st.store, rma)
    if st.json:
        render.emit_json(r)
        return
    con = render.out()
    esc = render._escape
    con.print(
        f"[bold]{esc(r.rma)}[/bold]  {r.status}  order {esc(r.order_ref)} ({r.order_status})  reason {esc(r.reason)}"
    )
    con.print(
        f"opened {render._cell(r.opened_at)}  received {render._cell(r.received_at) or '-'}  closed {render._cell(r.closed_at) or '-'}  refund {_refund(r) or '-'}",
        markup=False,
    )
    if r.note:
        con.print(f"note: {r.note}", markup=False)
    render.table(
        None,
        ["sku", "qty", "received", "condition"],
        [[ln.sku, ln.quantity, ln.received, ln.condition or "awaited"] for ln in r.lines],
    )


def _items(r: ReturnView) -> str:
    total: dict[str, int] = {}
    for ln in r.lines:
        total[ln.sku] = total.get(ln.sku, 0) + ln.quantity
    return ", ".join(f"{sku} x{qty}" for sku, qty in total.items())


def _refund(r: ReturnView) -> str | None:
    """The refund as the shop reads it (``18.00 USD``), or None when there is none."""
    from oms_cli.core.money import format_money

    return format_money(r.refund_minor, r.currency) if r.refund_minor is not None else None


def _print_rma(rma: str) -> None:
    """The return number alone on stdout, so scripts can capture it."""
    import sys

    sys.stdout.write(rma + "\n")
