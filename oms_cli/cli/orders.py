"""`oms orders …`: see and steer orders."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from oms_cli.cli.context import state
from oms_cli.orders.lifecycle import Status

orders_app = typer.Typer(
    help="See and steer orders: list, show, export, hold, release, cancel, tag, acknowledge instructions.",
    no_args_is_help=True,
)

STATUS_STYLE: dict[str, str] = {
    Status.ON_HOLD: "yellow",
    Status.CANCELLED: "dim",
    Status.SHIPPED: "green",
    Status.DELIVERED: "green",
}


def register(app: typer.Typer) -> None:
    """Add the `orders` group."""
    app.add_typer(orders_app, name="orders")


@orders_app.command("list")
def list_cmd(
    status: Annotated[
        list[str] | None, typer.Option("--status", "-s", help="Only these statuses (repeatable).")
    ] = None,
    channel: Annotated[
        list[str] | None, typer.Option("--channel", "-c", help="Only these channels (repeatable).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Placed on or after (YYYY-MM-DD, ISO time, or 3d/12h).")
    ] = None,
    search: Annotated[str | None, typer.Option("--search", help="Text in name, email, ref or SKU.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many (0 = all).")] = 50,
) -> None:
    """List orders, newest first; instructions needing attention are flagged with !.

    Example: oms orders list --status on_hold --search smith
    """
    from oms_cli.cli import render
    from oms_cli.cli.options import parse_when
    from oms_cli.core.money import format_money
    from oms_cli.orders.service import OrderFilter, list_orders

    st = state()
    rows = list_orders(
        st.store,
        OrderFilter(status=status, channel=channel, since=parse_when(since), search=search, limit=limit or None),
    )
    if st.json:
        render.emit_json(rows)
        return
    if not rows:
        render.info("no orders match")
        return
    styles = []
    table_rows = []
    for r in rows:
        flag = "!" if r.instruction == "pending" else ("✓" if r.instruction in ("done", "replied") else "")
        styles.append("bold red" if r.instruction == "pending" else STATUS_STYLE.get(r.status))
        table_rows.append(
            [
                flag,
                r.ref,
                r.placed_at,
                r.status + (f" ({r.hold_reason})" if r.hold_reason else ""),
                r.payment,
                r.service_level,
                r.customer,
                r.country,
                r.units,
                format_money(r.total_minor, r.currency),
                r.ship_by,
            ]
        )
    render.table(
        None,
        ["!", "ref", "placed", "status", "payment", "service", "customer", "to", "units", "total", "ship by"],
        table_rows,
        styles=styles,
        caption="! = special instruction not yet acknowledged (oms orders ack)"
        if any(r.instruction == "pending" for r in rows)
        else None,
    )


@orders_app.command("show")
def show_cmd(
    ref: Annotated[str, typer.Argument(help="channel:external_id, or the external id when unambiguous.")],
) -> None:
    """Show one order: address, lines, instruction and its history.

    Example: oms orders show shopify:1001
    """
    from dataclasses import replace

    from oms_cli.channels.push import pushes_of
    from oms_cli.cli import render
    from oms_cli.orders.service import show_order

    st = state()
    detail = show_order(st.store, ref)
    # what the channels were told is the channels' record; it joins the order's view here
    detail = replace(detail, channel_updates=pushes_of(st.store, detail.order.ref))
    told = detail.channel_updates
    if st.json:
        render.emit_json(detail)
        return
    o = detail.order.model_dump()  # its times are ISO text here: the header takes them from the model
    con = render.out()
    con.print(
        f"[bold]{o['ref']}[/bold]  {o['status']}  placed {render._cell(detail.order.placed_at)}  {o['service_level']}"
        + (f"  ship by {render._cell(detail.order.ship_by)}" if detail.order.ship_by else "")
    )
    if o["hold_reason"]:
        con.print(f"[yellow]on hold: {o['hold_reason']}[/yellow] {render._escape(detail.hold_note or '')}")
    c, s = o["customer"], o["ship_to"]
    con.print(f"customer: {render._escape(c['name'] or '')} <{c['email'] or ''}> {c['phone'] or ''}")
    for label, address in (("ship to:  ", s), ("bill to:  ", o.get("bill_to"))):
        if address:
            parts = (
                address[k]
                for k in (
                    "name",
                    "company",
                    "address1",
                    "address2",
                    "address3",
                    "city",
                    "province",
                    "postal_code",
                    "country",
                )
            )
            con.print(label + render._escape(", ".join(x for x in parts if x)))
    con.print(f"payment:  {o['payment']['status']} {o['payment']['method'] or ''}   tags: {', '.join(o['tags'])}")
    if o["notes"]:
        state_txt = {
            "pending": "[bold red]NOT YET ACKNOWLEDGED[/bold red]",
            "done": "[green]will be fulfilled[/green]",
            "replied": "[green]answered[/green]",
        }.get(detail.instruction_state, "")
        con.print(f"[bold]special instruction[/bold] {state_txt}: {render._escape(o['notes'])}")
        if detail.instruction_reply:
            con.print(f"  reply: {render._escape(detail.instruction_reply)}")
    render.table(
        None,
        ["sku", "name", "qty", "unit price"],
        [
            [
                ln["sku"],
                ln["name"] + (" (free)" if ln["free"] else "") if ln["name"] else ("(free)" if ln["free"] else ""),
                ln["quantity"],
                ln["unit_price"],
            ]
            for ln in o["lines"]
        ],
    )
    render.table(
        "history",
        ["at", "from", "to", "command", "note"],
        [[e.at, e.from_status, e.to_status if e.kind == "status" else "·", e.command, e.note] for e in detail.events],
    )
    if told:
        render.table(
            "told to the channel",
            ["connection", "package", "tracking", "status", "when", "tries", "channel's id / message"],
            [
                [
                    t["connection"],
                    t["package"],
                    t["tracking"],
                    t["status"]
                    if t["status"] != "queued"
                    else f"queued, next try {render._cell(t['next_attempt_at'])}",
                    t["accepted_at"] or t["last_attempt_at"] or t["queued_at"],
                    t["attempts"],
                    t["channel_ref"] if t["status"] == "accepted" else (t["error"] or ""),
                ]
                for t in told
            ],
        )


@orders_app.command("export")
def export_cmd(
    format_: Annotated[
        str, typer.Option("--format", "-f", help="jsonl (canonical, re-importable) or csv (one row per line).")
    ] = "jsonl",
    status: Annotated[list[str] | None, typer.Option("--status", "-s")] = None,
    channel: Annotated[list[str] | None, typer.Option("--channel", "-c")] = None,
    since: Annotated[str | None, typer.Option("--since")] = None,
    out: Annotated[str, typer.Option("--out", "-o", help="File to write; '-' for stdout.")] = "-",
) -> None:
    """Export orders as JSON Lines (re-importable with `oms import --channel jsonl`) or CSV.

    JSON Lines carry each order's own data in the canonical shape; its state in this store
    (ship-by, acknowledged instructions, history) is not part of it.

    Example: oms orders export --format jsonl --status shipped > shipped.jsonl
    """
    import csv
    import sys

    from oms_cli.cli.options import parse_when
    from oms_cli.core.errors import UsageError
    from oms_cli.importers.model import Order
    from oms_cli.orders.service import OrderFilter, iter_export

    if format_ not in ("jsonl", "csv"):
        raise UsageError(f"unknown export format '{format_}'", hint="jsonl or csv")
    f = OrderFilter(status=status, channel=channel, since=parse_when(since))
    stream = sys.stdout if out == "-" else open(out, "w", encoding="utf-8", newline="")
    try:
        if format_ == "jsonl":
            for o in iter_export(state().store, f):
                stream.write(Order.model_validate(o).model_dump_json() + "\n")
        else:
            w = csv.writer(stream)
            w.writerow(
                [
                    "ref",
                    "channel",
                    "external_id",
                    "placed_at",
                    "status",
                    "payment_status",
                    "customer_name",
                    "customer_email",
                    "ship_name",
                    "ship_address1",
                    "ship_address2",
                    "ship_city",
                    "ship_province",
                    "ship_postal_code",
                    "ship_country",
                    "service_level",
                    "currency",
                    "total",
                    "sku",
                    "name",
                    "quantity",
                    "unit_price",
                    "free",
                    "notes",
                ]
            )
            for o in iter_export(state().store, f):
                m = Order.model_validate(o).model_dump(mode="json")
                for ln in m["lines"]:
                    s = m["ship_to"]
                    w.writerow(
                        [
                            m["ref"],
                            m["channel"],
                            m["external_id"],
                            m["placed_at"],
                            m["status"],
                            m["payment"]["status"],
                            m["customer"]["name"],
                            m["customer"]["email"],
                            s["name"],
                            s["address1"],
                            s["address2"],
                            s["city"],
                            s["province"],
                            s["postal_code"],
                            s["country"],
                            m["service_level"],
                            m["currency"],
                            m["totals"]["total"],
                            ln["sku"],
                            ln["name"],
                            ln["quantity"],
                            ln["unit_price"],
                            ln["free"],
                            m["notes"],
                        ]
                    )
    finally:
        if stream is not sys.stdout:
            stream.close()


@orders_app.command("hold")
def hold_cmd(
    ref: Annotated[str, typer.Argument(help="Order reference.")],
    reason: Annotated[
        str,
        typer.Option("--reason", "-r", help="awaiting_payment, out_of_stock, incorrect_address, high_risk, other, …"),
    ],
    note: Annotated[str | None, typer.Option("--note", help="Free text kept with the hold.")] = None,
) -> None:
    """Put an order on hold with a reason code (frees its reserved stock).

    Example: oms orders hold shopify:1001 --reason incorrect_address --note "no house number"
    """
    from oms_cli.orders.service import hold_order

    res = hold_order(state().store, ref, reason, note)
    _done(res, f"{res.ref} on hold ({reason})" if res.changed else f"{res.ref} already on hold ({reason})")


@orders_app.command("release")
def release_cmd(ref: Annotated[str, typer.Argument(help="Order reference.")]) -> None:
    """Release one order to the floor: checks payment, stock and address like `oms release`.

    Example: oms orders release shopify:1001
    """
    from oms_cli.cli.release import release_refs

    release_refs([ref], command="orders release")


def _sku_quantities(values: list[str] | None, option: str) -> list[tuple[str, int]]:
    from oms_cli.core.errors import UsageError

    out = []
    for value in values or []:
        sku, sep, qty = value.rpartition("=")
        if not sep or not sku.strip() or not qty.strip().isdigit():
            raise UsageError(f"{option} {value!r}: write SKU=QUANTITY, e.g. {option} MUG-BLU=2")
        out.append((sku.strip(), int(qty)))
    return out


@orders_app.command("edit")
def edit_cmd(
    ref: Annotated[str, typer.Argument(help="Order reference.")],
    name: Annotated[str | None, typer.Option("--name", help="Ship-to name.")] = None,
    company: Annotated[str | None, typer.Option("--company", help="Ship-to company.")] = None,
    address1: Annotated[str | None, typer.Option("--address1", help="Street and number.")] = None,
    address2: Annotated[str | None, typer.Option("--address2", help='Second address line ("" clears it).')] = None,
    address3: Annotated[str | None, typer.Option("--address3", help="Third address line.")] = None,
    city: Annotated[str | None, typer.Option("--city", help="City.")] = None,
    province: Annotated[str | None, typer.Option("--province", help="State, province or region.")] = None,
    postcode: Annotated[str | None, typer.Option("--postcode", help="Postal code.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Country name or ISO code (DE, Germany).")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Ship-to phone.")] = None,
    service: Annotated[str | None, typer.Option("--service", help="standard, expedited or next_day.")] = None,
    note: Annotated[
        str | None, typer.Option("--note", help='The order\'s notes (special instructions); "" clears them.')
    ] = None,
    set_line: Annotated[
        list[str] | None, typer.Option("--set-line", help="SKU=QTY: new quantity of a line; 0 removes it.")
    ] = None,
    add_line: Annotated[list[str] | None, typer.Option("--add-line", help="SKU=QTY: a new line.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; change nothing.")] = False,
) -> None:
    """Correct an order not yet picked: ship-to address, service level, notes, lines.

    Checked as an import checks an order, done in one transaction and kept as an
    `edited` event (oms orders show). Lines change only before release (hold a
    released order first); a released order's ship-by follows a new service level.

    Example: oms orders edit shopify:1044 --address2 "Apt 4" --postcode 10115 --set-line MUG-BLU=2
    """
    from oms_cli.cli import render
    from oms_cli.orders.editing import OrderEdit, edit_order
    from oms_cli.release.service import clock_start, policy

    st = state()
    given = {
        "name": name,
        "company": company,
        "address1": address1,
        "address2": address2,
        "address3": address3,
        "city": city,
        "province": province,
        "postal_code": postcode,
        "country": country,
        "phone": phone,
    }
    sets = _sku_quantities(set_line, "--set-line")
    edit = OrderEdit(
        ship_to={k: v for k, v in given.items() if v is not None},
        service_level=service,
        notes=note,
        set_quantities=dict(sets),
        add_lines=tuple(_sku_quantities(add_line, "--add-line")),
    )

    def reschedule(row: Any, level: str) -> Any:
        from oms_cli.store.types import utcnow

        _gate, schedule = policy(st.config)
        return schedule.ship_by(clock_start(row, utcnow()), level)

    result = edit_order(st.store, ref, edit, dry_run=dry_run, reschedule=reschedule)
    for warning in result.warnings:
        render.warn(f"{result.ref}: {warning}")
    if st.json:
        render.emit_json(result)
        return
    if not result.changes:
        render.info(f"{result.ref}: nothing changed (the order already reads so)")
        return
    render.table(
        f"{result.ref} ({result.status})",
        ["field", "was", "now"],
        [[c.field, c.before, c.after] for c in result.changes],
    )
    if result.ship_by is not None:
        render.info(f"{result.ref}: ship by {result.ship_by:%Y-%m-%d %H:%M} UTC for the new service level")
    if dry_run:
        render.info(f"{result.ref}: dry run, nothing changed")
    else:
        render.success(f"{result.ref} edited ({len(result.changes)} change(s))")


@orders_app.command("cancel")
def cancel_cmd(
    ref: Annotated[str, typer.Argument(help="Order reference.")],
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Cancel an order that has not shipped; reserved stock goes back to available.

    Example: oms orders cancel amazon:113-4000012-1000084
    """
    from oms_cli.orders.service import cancel_order

    res = cancel_order(state().store, ref, note)
    _done(res, f"{res.ref} cancelled" if res.changed else f"{res.ref} was already cancelled")


@orders_app.command("tag")
def tag_cmd(
    ref: Annotated[str, typer.Argument(help="Order reference.")],
    tags: Annotated[list[str], typer.Argument(help="Tags to add.")],
    remove: Annotated[bool, typer.Option("--remove", help="Remove these tags instead.")] = False,
) -> None:
    """Add tags to an order (or remove them with --remove).

    Example: oms orders tag shopify:1001 vip gift
    """
    from oms_cli.orders.service import tag_order

    res = tag_order(state().store, ref, tags, remove=remove)
    _done(res, f"{res.ref} tags: {', '.join(res.tags) or '(none)'}")


def _done(result: object, message: str) -> None:
    from oms_cli.cli import render

    if state().json:
        render.emit_json(result)
    else:
        render.success(message)


@orders_app.command("ack")
def ack_cmd(
    ref: Annotated[str, typer.Argument(help="Order reference.")],
    done: Annotated[bool, typer.Option("--done", help="The instruction will be followed.")] = False,
    reply: Annotated[str | None, typer.Option("--reply", help="An answer to the buyer (sent by `oms notify`).")] = None,
) -> None:
    """Acknowledge a buyer's special instruction: --done (will be followed) or --reply "…" (answer them).

    An order with an unacknowledged instruction can be picked but not marked shipped.

    Example: oms orders ack shopify:1001 --done
    """
    from oms_cli.release.instructions import acknowledge

    res = acknowledge(state().store, ref, done=done, reply=reply)
    what = "will be followed" if res.instruction_state == "done" else "answered"
    _done(res, f"{res.ref}: instruction {what}" if res.changed else f"{res.ref}: instruction was already {what}")
