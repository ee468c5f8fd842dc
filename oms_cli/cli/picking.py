"""`oms pick …`: plan pick runs, hand lists to pickers, confirm picks by scanning."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from oms_cli.cli.context import state
from oms_cli.orders.lifecycle import Status

pick_app = typer.Typer(
    help="Pick released orders: plan runs of pick lists with the shortest walking routes, hand lists to pickers, confirm picks by scanning.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the `pick` group."""
    app.add_typer(pick_app, name="pick")


@pick_app.command("plan")
def plan_cmd(
    refs: Annotated[
        list[str] | None, typer.Argument(help="Only these ready orders [default: every ready order].")
    ] = None,
    method: Annotated[str, typer.Option("--method", "-m", help="single | batch | zone | wave.")] = "batch",
    max_orders: Annotated[
        int | None, typer.Option("--max-orders", "-n", help="Plan at most this many orders, the most urgent first.")
    ] = None,
    cart_orders: Annotated[
        int | None, typer.Option("--cart-orders", help="Orders (totes) per cart [default: picking.cart.orders].")
    ] = None,
    cart_items: Annotated[
        int | None, typer.Option("--cart-items", help="Items per cart [default: picking.cart.items].")
    ] = None,
    wave_cutoff: Annotated[
        str | None,
        typer.Option(
            "--wave-cutoff",
            help="Wave only: plan just the orders that must leave by then (HH:MM today, or an ISO time).",
        ),
    ] = None,
    batching: Annotated[
        str | None,
        typer.Option(
            "--batching", help="savings or fcfs (first come, first served, for comparison) [default: picking.batching]."
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the lists; write nothing.")] = False,
) -> None:
    """Plan a pick run: turn ready orders into pick lists walked by the shortest route; orders move to picking.

    Orders are taken in queue order (overdue, next day, expedited, oldest). single: one list
    per order; batch: carts of several orders, one tote each; zone: each cart split into one
    list per zone; wave: orders grouped by carrier cut-off, then as zone. An order with a line
    that has no location goes on hold (no_location) instead; that is a normal outcome (exit 0).

    Example: oms pick plan --method batch --cart-orders 6
    """
    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode, Refused
    from oms_cli.picking.service import PlanRequest, plan_run

    st = state()

    def planning(n: int) -> None:
        if n >= 200:  # a run that takes a noticeable while: say what is going on
            render.info(f"planning {n:,} orders ({method})…")

    doc = plan_run(
        st.store,
        st.config,
        PlanRequest(
            method=method,
            refs=list(refs) if refs else None,
            max_orders=max_orders,
            cart_orders=cart_orders,
            cart_items=cart_items,
            wave_cutoff=wave_cutoff,
            batching=batching,
            dry_run=dry_run,
        ),
        on_planning=planning,
    )
    if st.json:
        render.emit_json(doc)
    else:
        _render_plan(doc)
    refused = [s for s in doc["skipped"] if s["status"] != Status.PICKING]
    if refused:
        if refs is not None and len(refs) == 1 and len(refused) == 1:
            raise Refused(
                f"{refused[0]['ref']} is {refused[0]['why']}", hint="see `oms queue` for the orders ready to pick"
            )
        raise typer.Exit(int(ExitCode.REFUSED))


def _totes_cell(orders: list[dict[str, Any]], pending: set[str]) -> str:
    return ", ".join(f"tote {o['tote']} x{o['quantity']}" + (" !" if o["ref"] in pending else "") for o in orders)


def _route_line(distance: float, code_order: float) -> str:
    return f"route {distance:.1f} m (sorted by location code: {code_order:.1f} m)"


def _render_plan(doc: dict[str, Any]) -> None:
    from oms_cli.cli import render

    pending = set(doc["instructions"])
    for h in doc["held"]:
        render.warn(f"{h['ref']} {'would go' if doc['dry_run'] else 'goes'} on hold ({h['reason']}): {h['detail']}")
    for s in doc["skipped"]:
        (render.info if s["status"] == Status.PICKING else render.warn)(f"{s['ref']} is {s['why']}")
    if not doc["lists"]:
        if doc["after_cutoff"]:
            render.info(
                f"nothing to plan: none of the {len(doc['after_cutoff'])} ready orders is due by the wave cut-off"
            )
        elif doc["held"] or doc["skipped"]:
            render.info("nothing to plan: no other ready orders")
        else:
            render.info("nothing to plan: no ready orders")
        return
    if len(doc["lists"]) > DETAILED_LISTS:
        _render_summary(doc)
    else:
        for entry in doc["lists"]:
            _render_planned_list(entry, pending)
    if doc["consolidation"]:
        rows = []
        for c in doc["consolidation"]:
            parts = " + ".join(f"list {p['list']} ({p['zone'] or 'no zone'}) tote {p['tote']}" for p in c["totes"])
            rows.append([c["wave"], c["ref"] + (" !" if c["ref"] in pending else ""), len(c["totes"]), parts])
        render.table("consolidation sheet (packing station)", ["wave", "order", "totes", "from"], rows)
    if pending:
        render.info(
            "! = special instruction not yet acknowledged: "
            + "; ".join(f"{ref}: {note}" for ref, note in sorted(pending_notes(doc).items()))
        )
    what = "dry run, nothing written: " if doc["dry_run"] else f"run {doc['run']}: "
    render.info(
        what
        + f"{len(doc['lists'])} list{'s' if len(doc['lists']) != 1 else ''}, {doc['orders_planned']} orders ({doc['method']}"
        + (f", {doc['batching']} batching" if doc["batching"] else "")
        + "), "
        + _route_line(doc["distance_m"], doc["code_order_distance_m"]).replace("route", "walking", 1)
    )
    if doc["left_out"]:
        render.info(
            f"{len(doc['left_out'])} less urgent order{'s' if len(doc['left_out']) != 1 else ''} left for the next run (--max-orders)"
        )
    if doc["after_cutoff"]:
        render.info(
            f"{len(doc['after_cutoff'])} order{'s' if len(doc['after_cutoff']) != 1 else ''} due after the wave cut-off left for a later wave"
        )


#: a run of more lists than this is shown one line per list (`oms pick show LIST` has the stops)
DETAILED_LISTS = 20


def _where(pick_list: dict[str, Any]) -> list[str]:
    """A pick list's wave, zone and picker, for its title (those it has)."""
    bits = []
    if pick_list["wave"] is not None:
        bits.append(f"wave {pick_list['wave']}")
    if pick_list["zone"] is not None:
        bits.append(f"zone {pick_list['zone']}")
    if pick_list["picker"]:
        bits.append(f"picker {pick_list['picker']}")
    return bits


def _render_planned_list(entry: dict[str, Any], pending: set[str]) -> None:
    """One list of a new run: its stops as a table, its totes and its route."""
    from oms_cli.cli import render

    con = render.out()
    bits = [f"list {entry['list']}", *_where(entry)]
    bits.append(f"{len(entry['orders'])} order{'s' if len(entry['orders']) != 1 else ''}")
    rows = [
        [i, s["location"], s["sku"], s["quantity"], _totes_cell(s["orders"], pending)]
        for i, s in enumerate(entry["stops"], start=1)
    ]
    render.table(" · ".join(bits), ["#", "location", "sku", "qty", "totes"], rows)
    totes: dict[int, str] = {}
    for s in entry["stops"]:
        for o in s["orders"]:
            totes.setdefault(o["tote"], o["ref"])
    con.print(
        "totes: " + ", ".join(f"{t} = {ref}" + (" !" if ref in pending else "") for t, ref in sorted(totes.items())),
        markup=False,
        highlight=False,
    )
    con.print(_route_line(entry["distance_m"], entry["code_order_distance_m"]), markup=False, highlight=False)
    con.print("")


def _render_summary(doc: dict[str, Any]) -> None:
    from oms_cli.cli import render

    rows = []
    for entry in doc["lists"]:
        units = sum(s["quantity"] for s in entry["stops"])
        rows.append(
            [
                entry["list"],
                entry["wave"] if entry["wave"] is not None else "",
                entry["zone"] or "",
                entry["picker"] or "",
                len(entry["orders"]),
                len(entry["stops"]),
                units,
                f"{entry['distance_m']:,.0f} m",
            ]
        )
    render.table(
        f"{len(rows)} pick lists (`oms pick show LIST` prints one with its stops)",
        ["list", "wave", "zone", "picker", "orders", "stops", "units", "walk"],
        rows,
    )


def pending_notes(doc: dict[str, Any]) -> dict[str, str]:
    """Refs with an unacknowledged instruction -> the instruction text."""
    return {
        ref: " / ".join(part.strip() for part in (note or "").splitlines() if part.strip())
        for ref, note in doc["instructions"].items()
    }


@pick_app.command("lists")
def lists_cmd(
    open_: Annotated[bool, typer.Option("--open", help="Only lists not yet done (open or being picked).")] = False,
    run: Annotated[int | None, typer.Option("--run", help="Only the lists of this run.")] = None,
) -> None:
    """List pick lists: status, picker, zone, orders, units picked and left, route length.

    Example: oms pick lists --open
    """
    from oms_cli.cli import render
    from oms_cli.picking.service import ListStatus, list_lists

    st = state()
    rows = list_lists(st.store, open_only=open_, run=run)
    if st.json:
        render.emit_json(rows)
        return
    if not rows:
        render.info("no open pick lists" if open_ else "no pick lists yet (oms pick plan)")
        return
    style = {ListStatus.DONE: "dim", ListStatus.CLAIMED: "bold"}
    render.table(
        None,
        ["list", "run", "method", "wave", "zone", "picker", "status", "orders", "stops", "picked", "left", "route m"],
        [
            [
                r["list"],
                r["run"],
                r["method"],
                r["wave"],
                r["zone"],
                r["picker"],
                r["status"],
                r["orders"],
                r["stops"],
                f"{r['picked']}/{r['units']}",
                r["remaining"],
                f"{r['distance_m']:.1f}",
            ]
            for r in rows
        ],
        styles=[style.get(r["status"]) for r in rows],
    )


@pick_app.command("show")
def show_cmd(list_id: Annotated[int, typer.Argument(metavar="LIST", help="Pick list number.")]) -> None:
    """Show one pick list: stops in walking order, which tote each order's units go in, special instructions (!).

    Example: oms pick show 12
    """
    from oms_cli.cli import render
    from oms_cli.picking.service import show_list

    st = state()
    view = show_list(st.store, list_id)
    if st.json:
        render.emit_json(view)
        return
    _render_list(view)


def _render_list(view: dict[str, Any]) -> None:
    from oms_cli.cli import render

    con = render.out()
    pending = {t["ref"] for t in view["totes"] if t["instruction"] == "pending"}
    bits = [f"list {view['list']}", f"run {view['run']} ({view['method']})", view["status"], *_where(view)]
    rows, styles = [], []
    for i, s in enumerate(view["stops"], start=1):
        rows.append(
            [
                i,
                s["location"],
                s["sku"],
                s["name"],
                s["quantity"],
                s["picked"],
                s["remaining"],
                _totes_cell(s["orders"], pending),
            ]
        )
        styles.append("dim" if s["remaining"] == 0 else None)
    render.table(
        " · ".join(bits), ["#", "location", "sku", "product", "qty", "picked", "left", "totes"], rows, styles=styles
    )
    tote_rows, tote_styles = [], []
    for t in view["totes"]:
        others = ", ".join(f"list {o['list']} ({o['zone'] or 'no zone'}) tote {o['tote']}" for o in t["other_lists"])
        tote_rows.append(
            [t["tote"], "!" if t["instruction"] == "pending" else "", t["ref"], t["status"], t["notes"] or "", others]
        )
        tote_styles.append(
            "bold red" if t["instruction"] == "pending" else (None if t["status"] == Status.PICKING else "dim")
        )
    render.table(
        None,
        ["tote", "!", "order", "status", "special instruction", "also on"],
        tote_rows,
        styles=tote_styles,
        caption="! = special instruction not yet acknowledged: read it before packing" if pending else None,
    )
    con.print(_route_line(view["distance_m"], view["code_order_distance_m"]), markup=False, highlight=False)
    render.info(f"{view['picked']} of {view['units']} units picked, {view['remaining']} left")


@pick_app.command("next")
def next_cmd(
    picker: Annotated[
        str, typer.Option("--picker", "-p", help="Who is picking (a name from picking.pickers, or anyone).")
    ],
) -> None:
    """Claim the next open pick list for a picker (or give back the one they have not finished).

    Two pickers asking at once never get the same list. When nothing is open for the
    picker the exit code is still 0 (JSON: "list": null), so scripts can poll.

    Example: oms pick next --picker ann
    """
    from oms_cli.cli import render
    from oms_cli.picking.service import claim_next

    st = state()
    res = claim_next(st.store, st.config, picker)
    if st.json:
        render.emit_json(res)
        return
    if res["list"] is None:
        zones = f" (zones {', '.join(res['zones'])})" if res["zones"] else ""
        render.info(f"no open pick list for {res['picker']}{zones}")
        return
    _render_list(res)
    if res["resumed"]:
        render.info(
            f"{res['picker']}: list {res['list']} is still yours; finish it with `oms pick confirm {res['list']}`"
        )
    else:
        render.success(f"list {res['list']} is yours, {res['picker']}: oms pick confirm {res['list']}")


@pick_app.command("confirm")
def confirm_cmd(
    list_id: Annotated[int, typer.Argument(metavar="LIST", help="Pick list number.")],
    all_: Annotated[
        bool, typer.Option("--all", help="Confirm every unit left as picked, without scanning (for scripts).")
    ] = False,
    picker: Annotated[
        str | None, typer.Option("--picker", "-p", help="Who is picking (recorded when the list is still open).")
    ] = None,
) -> None:
    """Confirm picks by scanning: reads location and product barcodes from standard input, one per line.

    Scan a location to go there and a product barcode (or type the SKU) per unit taken;
    a wrong product is refused with a bell. Type 'short N' when N units are missing at the
    current stop (their order goes on hold, out_of_stock, and its stock is released),
    'skip' to come back to a stop later, 'done' (or end of input) to stop; every scan is
    saved at once, so run it again to carry on. An order is picked when all its units are.

    Example: oms pick confirm 12 --picker ann
    """
    from oms_cli.cli import render
    from oms_cli.picking.service import confirm_all, show_list

    st = state()
    if all_:
        res = confirm_all(st.store, list_id, picker=picker)
        if st.json:
            render.emit_json(res)
        elif res["already_done"]:
            render.info(f"list {list_id} is already done")
        else:
            render.success(
                f"list {list_id}: {res['units']} unit{'s' if res['units'] != 1 else ''} confirmed, list {res['status']}"
            )
            for ref in res["orders_picked"]:
                render.info(f"order {ref} is complete: picked")
        return
    log = _scan_loop(list_id, picker)
    if st.json:
        render.emit_json({**show_list(st.store, list_id), "events": log})


def _scan_loop(list_id: int, picker: str | None) -> list[dict[str, Any]]:
    """Read scans line by line until 'done', end of input or nothing is left; return every event."""
    from oms_cli.cli import render
    from oms_cli.picking.service import ListStatus, scan, start_confirm

    st = state()
    start = start_confirm(st.store, list_id, picker=picker)
    if start["remaining"] == 0:
        render.info(
            f"list {list_id} is already done"
            if start["status"] == ListStatus.DONE
            else f"nothing left to pick on list {list_id}"
        )
        return []
    render.info(
        f"list {list_id}: {start['remaining']} unit{'s' if start['remaining'] != 1 else ''} to pick; 'help' lists the words"
    )
    render.info(start["prompt"])
    cursor = start["cursor"]
    log: list[dict[str, Any]] = []
    interactive = render.is_tty(sys.stdin)
    while True:
        if interactive:
            render.err().print("scan> ", end="", markup=False, highlight=False)
        line = sys.stdin.readline() if sys.stdin is not None else ""  # no standard input: as at its end
        if line == "":
            left = scan(st.store, list_id, "done", cursor=cursor)
            _show_events(left["events"])
            log += left["events"]
            break
        result = scan(st.store, list_id, line.rstrip("\r\n"), cursor=cursor)
        cursor = result["cursor"]
        _show_events(result["events"])
        log += result["events"]
        if result["finished"] or result["remaining"] == 0:
            break
    return log


def _show_events(events: list[dict[str, Any]]) -> None:
    from oms_cli.cli import render

    for e in events:
        if e["level"] == "error":
            # A wrong scan must be heard and seen at the shelf.
            sys.stderr.write("\a")
            sys.stderr.flush()
            render.err().print(f"[bold red]{render._escape(e['message'])}[/bold red]")
        elif e["level"] == "warn":
            render.err().print(f"[yellow]{render._escape(e['message'])}[/yellow]")
        elif e["level"] == "ok":
            render.success(e["message"])
        else:
            render.info(e["message"])
