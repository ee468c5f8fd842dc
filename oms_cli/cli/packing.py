"""`oms pack …` and `oms boxes …`: the packing bench.

`oms pack REF` shows the plan for an order (boxes, materials, layer by layer);
`oms pack verify REF` checks every unit by scanner and records the packages;
`oms boxes pack FILE` answers "which box?" for items without an order;
`oms boxes list` shows the standard boxes.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from oms_cli.cli.context import state
from oms_cli.cli.groups import ActionGroup
from oms_cli.orders.lifecycle import Status

if TYPE_CHECKING:
    from oms_cli.packing.service import OrderPlan, VerifyStart
    from oms_cli.packing.verify import Event, VerifySession


pack_app = typer.Typer(
    cls=ActionGroup,
    invoke_without_command=True,
    no_args_is_help=False,
    help="Pack picked orders: show the plan (oms pack REF), verify by scanner and record the packages (oms pack verify REF).",
)
boxes_app = typer.Typer(
    help="Standard boxes: list them with how many are on hand, count and receive them, or pack items from a CSV file.",
    no_args_is_help=True,
)

REF_HELP = "The order: channel:external_id, or the external id when unambiguous."


def register(app: typer.Typer) -> None:
    """Add the `pack` and `boxes` groups."""
    app.add_typer(pack_app, name="pack")
    app.add_typer(boxes_app, name="boxes")


# ---------------------------------------------------------------- oms pack REF


@pack_app.callback()
def pack_cmd(
    ctx: typer.Context,
    ref: Annotated[str | None, typer.Argument(help=REF_HELP, metavar="REF", show_default=False)] = None,
    drawing: Annotated[bool, typer.Option("--drawing/--no-drawing", help="Draw each layer of each box.")] = True,
) -> None:
    """Show how to pack an order: the box(es), the materials and, layer by layer, where each item goes.

    Changes nothing. For a packed order it shows the packages as they were recorded.

    Example: oms pack shopify:1001
    """
    if ctx.invoked_subcommand is not None:
        return
    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode, UsageError
    from oms_cli.packing.service import plan_order

    if not ref:
        typer.echo(ctx.get_help(), err=True)
        raise UsageError("give the order REF: oms pack REF, or oms pack verify REF")
    st = state()
    plan = plan_order(st.store, st.config, ref)
    if st.json:
        render.emit_json(plan.to_json())
    else:
        _show_instruction(plan.notes, plan.instruction_state)
        if plan.status != Status.PICKED and not plan.recorded:
            render.warn(f"{plan.ref} is {plan.status}, not picked yet: this is how it would be packed")
        _print_plan(plan, drawing=drawing)
    if plan.unpacked:
        for u in plan.unpacked:
            render.warn(f"{u['ref']} cannot be packed: {u['reason']}")
        raise typer.Exit(int(ExitCode.PARTIAL))


def _show_instruction(notes: str | None, instruction_state: str) -> None:
    """The buyer's special instruction, loud, before anything goes in a box."""
    from oms_cli.cli import render

    if not notes and instruction_state != "pending":
        return
    con = render.err()
    from rich.markup import escape

    flag = (
        "[bold red]NOT YET ACKNOWLEDGED[/bold red] (oms orders ack)"
        if instruction_state == "pending"
        else f"[green]{instruction_state}[/green]"
    )
    con.print(f"[bold reverse] SPECIAL INSTRUCTION [/bold reverse] {flag}")
    con.print(f"[bold]  {escape(notes or '(see the order)')}[/bold]")


def _grams(g: int) -> str:
    return f"{g / 1000:.2f} kg" if g >= 1000 else f"{g} g"


def _materials_text(materials: list[Any]) -> str:
    return ", ".join(f"{m.name} x{m.quantity}" for m in materials) or "none"


def _print_plan(plan: OrderPlan, *, drawing: bool) -> None:
    from oms_cli.cli import render
    from oms_cli.packing.layers import layer_drawings

    con = render.out()
    n = len(plan.packages)
    head = "packed" if plan.recorded else "plan"
    con.print(
        f"[bold]{plan.ref}[/bold]  {plan.status}  {head}: {n} package{'s' if n != 1 else ''}  carrier {plan.carrier or '-'}",
        highlight=False,
    )
    rule = f" ({plan.carrier})" if plan.carrier else ""
    for no, pkg in enumerate(plan.packages, start=1):
        b = pkg.box
        con.print(
            f"\n[bold]package {no} of {n}: box {b.ref}[/bold]  outer {b.outer_length}x{b.outer_width}x{b.outer_height} mm, "
            f"inner {b.inner_length}x{b.inner_width}x{b.inner_height} mm",
            highlight=False,
        )
        fill = f", fill {pkg.fill_pct:g}%" if pkg.fill_pct is not None else ""
        con.print(
            f"  expected weight {_grams(pkg.weight_g)}, billable {_grams(pkg.billable_weight_g)}{rule}{fill}",
            highlight=False,
        )
        con.print(f"  materials: {_materials_text(pkg.materials)}", highlight=False, markup=False)
        if drawing:
            for text in layer_drawings(b, pkg.units):
                con.print(text, highlight=False, markup=False)
    if n > 1:
        con.print(f"\nall packages: expected weight {_grams(plan.expected_weight_g)}", highlight=False)
    if plan.proven_best:
        con.print("\nbest box: proved (no better box holds these items)", highlight=False)
    elif plan.one_box_ruled_out:
        con.print("\nno single box holds these items (proved)", highlight=False)


# ---------------------------------------------------------------- oms pack verify REF


def _parse_weights(texts: list[str] | None) -> list[int]:
    from oms_cli.catalog.units import parse_measure

    weights: list[int] = []
    for text in texts or []:
        try:
            grams = parse_measure(text, "weight", "g")
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--weight") from None
        if grams <= 0:
            raise typer.BadParameter(f"'{text}' must be more than 0", param_hint="--weight")
        weights.append(grams)
    return weights


@pack_app.command("verify")
def verify_cmd(
    ref: Annotated[str, typer.Argument(help=REF_HELP, metavar="REF", show_default=False)],
    weight: Annotated[
        list[str] | None,
        typer.Option(
            "--weight",
            "-w",
            help="What the scale says: 1230, 1.23kg, 2.7lb; once per package, or once for all of them.",
        ),
    ] = None,
    strict_weight: Annotated[
        bool,
        typer.Option(
            "--strict-weight", help="Do not pack when the weight is off by more than packing.weight_tolerance_pct."
        ),
    ] = False,
    all_: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Trust the pick: take every unit as verified without scanning (bypasses the scanner check; records no scans).",
        ),
    ] = False,
) -> None:
    """Verify every unit of a picked order by scanner, then record its packages and mark it packed.

    Reads one scan per line from standard input (a product barcode, or a SKU typed by
    hand; 'qty N CODE', 'undo', 'done'). A wrong item, one too many or an unknown code
    is refused with the terminal bell and recorded. When every unit is verified the
    order becomes packed with its packages (box, dimensions, weights, materials, SSCC);
    if units are missing at the end (done or end of input) they are listed and the
    order stays picked (exit 5). Running it on a packed order changes nothing.

    Example: printf '0614141000012\\n0614141000029\\n' | oms pack verify shopify:1001 --weight 1.2kg
    """
    from oms_cli.cli import render
    from oms_cli.packing.boxstock import low_threshold
    from oms_cli.packing.service import begin_verify, check_weight_count, finish_verify, record_scans
    from oms_cli.packing.verify import VerifySession

    st = state()
    weights = _parse_weights(weight)
    low = low_threshold(st.config)  # a bad setting is said before anything is scanned or written
    start = begin_verify(st.store, st.config, ref)
    if start.already_packed:
        if st.json:
            render.emit_json({"order": start.ref, "status": start.status, "changed": False})
        else:
            render.info(f"{start.ref} is already {start.status}: nothing to do")
        return
    assert start.plan is not None
    # a wrong count of weights is a typing error: say so before anyone starts scanning
    check_weight_count(start.plan, weights)
    _show_instruction(start.plan.notes, start.plan.instruction_state)
    _announce(start)
    session = VerifySession(start.lines, start.barcodes, start.skus)
    if all_:
        session.verify_all()
        render.warn(f"--all: {session.units} units taken as verified without scanning (the pick is trusted)")
    else:
        try:
            _scan_loop(session)
        except KeyboardInterrupt:
            # Stopped mid-way: keep what was scanned (it counts in the accuracy figures);
            # the order stays picked, and a new run starts its scans afresh.
            kept = record_scans(st.store, start.ref, session.scans)
            render.err().print(
                f"\nstopped: {kept} scan{'s' if kept != 1 else ''} kept; {start.ref} stays picked"
                f" (run `oms pack verify {start.ref}` again)",
                markup=False,
                highlight=False,
            )
            raise
        if not session.complete:
            for m in session.missing:
                render.err().print(
                    f"[bold red]MISSING[/bold red] {m.quantity} x {m.sku}" + (f" ({m.name})" if m.name else ""),
                    markup=True,
                    highlight=False,
                )
    from oms_cli.rates.service import choose_for_packing

    outcome = finish_verify(
        st.store,
        st.config,
        start.ref,
        session.scans,
        trust_pick=all_,
        weights_g=weights,
        strict_weight=strict_weight,
        shown_boxes=[p.box.ref for p in start.plan.packages],
        choose_service=choose_for_packing,
    )
    for check in outcome.weights:
        if check.flagged:
            render.warn(f"WEIGHT FLAGGED: {check.describe()}: check the contents")
    if outcome.boxes_left:
        for ref, left in sorted(outcome.boxes_left.items()):
            if left < 0:
                render.warn(
                    f"box {ref}: {left} on hand: more were packed than were counted (`oms boxes count {ref} N` puts it right)"
                )
            elif left <= low:
                render.warn(f"box {ref}: {left} left (`oms boxes receive {ref} N` when more arrive)")
    if st.json:
        render.emit_json(outcome.to_json())
        return
    if not outcome.changed:
        render.info(f"{outcome.ref} is already {outcome.status}: nothing to do")
        return
    render.table(
        None,
        ["package", "box", "outer mm", "weight", "scale", "billable", "materials", "SSCC"],
        [
            [
                p["package_no"],
                p["box"],
                f"{p['length_mm']}x{p['width_mm']}x{p['height_mm']}",
                _grams(p["weight_g"]),
                _grams(p["measured_weight_g"]) if p["measured_weight_g"] else "",
                _grams(p["billable_weight_g"]),
                ", ".join(f"{m['name']} x{m['quantity']}" for m in p["materials"]),
                p["sscc"],
            ]
            for p in outcome.packages
        ],
    )
    n = len(outcome.packages)
    render.success(f"{outcome.ref} packed: {n} package{'s' if n != 1 else ''}")
    if outcome.service is not None:
        q = outcome.service
        render.info(
            f"ship with {q['carrier']} {q['service']}: {q['price']} {q['currency']}, delivery {q['delivery'] or '-'} "
            "(the cheapest service that keeps the promise)"
        )
    elif outcome.rated:
        render.warn(f"{outcome.ref}: no carrier service keeps the promise (see oms rates quote {outcome.ref})")


def _announce(start: VerifyStart) -> None:
    """What goes in the box, and in which box, before the first scan."""
    from oms_cli.cli import render

    plan = start.plan
    assert plan is not None
    boxes = ", ".join(f"{p.box.ref} ({_materials_text(p.materials)})" for p in plan.packages)
    units = sum(ln.quantity for ln in plan.lines)
    render.info(
        f"{plan.ref}: {units} unit{'s' if units != 1 else ''} to verify; box{'es' if len(plan.packages) > 1 else ''}: {boxes}"
    )
    for ln in plan.lines:
        render.info(
            f"  {ln.quantity} x {ln.sku}" + (f"  {ln.name}" if ln.name else "") + ("  (free)" if ln.free else "")
        )


def _scan_loop(session: VerifySession) -> None:
    """Feed standard input to the session line by line until it is finished or input ends."""
    from oms_cli.cli import render

    interactive = render.is_tty(sys.stdin)
    _say([e for e in session.feed("")])
    while not session.finished:
        if interactive:
            render.err().print("scan> ", end="", markup=False, highlight=False)
        line = sys.stdin.readline() if sys.stdin is not None else ""  # no standard input: as at its end
        if not line:
            _say(session.feed("done"))
            break
        _say(session.feed(line))


def _say(events: list[Event]) -> None:
    from oms_cli.cli import render

    con = render.err()
    for e in events:
        if e.bell:
            # the terminal bell: a packer looking at the box, not the screen, still hears it
            sys.stderr.write("\a")
            sys.stderr.flush()
        if e.level == "error":
            con.print(f"[bold red]{_escape(e.message)}[/bold red]")
        elif e.level == "warn":
            con.print(f"[yellow]{_escape(e.message)}[/yellow]")
        elif not state().quiet:
            if e.level == "ok":
                con.print(f"[green]✓[/green] {_escape(e.message)}")
            else:
                con.print(e.message, markup=False, highlight=False)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


# ---------------------------------------------------------------- oms boxes …


@boxes_app.command("list")
def boxes_list_cmd() -> None:
    """List the standard boxes of the config (packing.boxes), smallest first, with how many are on hand.

    A box is counted once `oms boxes count` or `receive` has counted it, or when the
    config gives it a stock; packing counts it down. LOW marks packing.box_low_stock or fewer.

    Example: oms boxes list
    """
    from oms_cli.cli import render
    from oms_cli.packing.service import box_list

    st = state()
    boxes = box_list(st.store, st.config)
    if st.json:
        render.emit_json(boxes)
        return
    render.table(
        None,
        ["box", "inner mm", "outer mm", "empty", "max gross", "cost", "on hand"],
        [
            [
                b["box"],
                "x".join(map(str, b["inner"])),
                "x".join(map(str, b["outer"])),
                _grams(b["empty_weight_g"]),
                _grams(b["max_weight_g"]),
                b["cost"],
                "not counted" if b["stock"] is None else f"{b['stock']}" + ("  LOW" if b["low"] else ""),
            ]
            for b in boxes
        ],
        styles=["yellow" if b["low"] else None for b in boxes],
    )


@boxes_app.command("count")
def boxes_count_cmd(
    box: Annotated[str, typer.Argument(help="The box ref of packing.boxes (any case).", show_default=False)],
    quantity: Annotated[int, typer.Argument(help="How many are on the shelf.", show_default=False)],
) -> None:
    """Set how many of a box are on hand, after counting them (safe to run again).

    Example: oms boxes count M 120
    """
    from oms_cli.cli import render
    from oms_cli.packing.boxstock import count
    from oms_cli.packing.service import catalogue

    st = state()
    result = count(st.store, catalogue(st.config), box, quantity)
    if st.json:
        render.emit_json(result)
        return
    was = "not counted" if result["was"] is None else str(result["was"])
    render.success(f"box {result['box']}: {result['on_hand']} on hand (was {was})")


@boxes_app.command("receive")
def boxes_receive_cmd(
    box: Annotated[str, typer.Argument(help="The box ref of packing.boxes (any case).", show_default=False)],
    quantity: Annotated[int, typer.Argument(help="How many arrived.", show_default=False)],
    note: Annotated[str | None, typer.Option("--note", help="E.g. the supplier's delivery note.")] = None,
) -> None:
    """Add a delivery of boxes to what is on hand.

    Example: oms boxes receive M 200 --note "Raja delivery 4471"
    """
    from oms_cli.cli import render
    from oms_cli.packing.boxstock import receive
    from oms_cli.packing.service import catalogue

    st = state()
    result = receive(st.store, catalogue(st.config), box, quantity, note=note)
    if st.json:
        render.emit_json(result)
        return
    render.success(f"box {result['box']}: {result['received']} received, {result['on_hand']} on hand")


@boxes_app.command("moves")
def boxes_moves_cmd(
    box: Annotated[str | None, typer.Argument(help="Only this box.", show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many, newest first (0: all).")] = 50,
) -> None:
    """The latest changes to the boxes on hand: counts, deliveries, packages packed.

    Example: oms boxes moves M --limit 20
    """
    from oms_cli.cli import render
    from oms_cli.packing.boxstock import moves

    st = state()
    rows = moves(st.store, box, limit=limit or None)
    if st.json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["at", "box", "change", "reason", "order", "note"],
        [[r["at"], r["box"], f"{r['quantity']:+d}", r["reason"], r["order"] or "", r["note"] or ""] for r in rows],
    )


@boxes_app.command("pack")
def boxes_pack_cmd(
    file: Annotated[
        str,
        typer.Argument(
            help="CSV of items: ref, length, width, height, weight[, quantity, keep_flat, order] (mm and g unless a cell says 12cm, 1.2kg).",
            show_default=False,
        ),
    ],
    boxes: Annotated[
        str | None,
        typer.Option(
            "--boxes",
            metavar="FILE",
            help="Use this box catalogue CSV instead of packing.boxes: box_ref, inner_length/width/height, outer_length/width/height, empty_weight, max_weight, cost[, stock].",
        ),
    ] = None,
    carrier: Annotated[
        str | None,
        typer.Option(
            "--carrier",
            help="Price billable weight by this carrier's dimensional-weight rule [default: packing.carrier].",
        ),
    ] = None,
    objective: Annotated[
        str | None, typer.Option("--objective", help="billable_weight or cost [default: packing.objective].")
    ] = None,
    drawing: Annotated[bool, typer.Option("--drawing/--no-drawing", help="Draw each layer of each box.")] = False,
) -> None:
    """Choose boxes for items in a CSV file, without any order: each order of the file is packed on its own.

    With --json, one {order, packages, unpacked} object per order as a JSON list.
    Exits 6 when some item fits no box (listed under unpacked).

    Example: oms boxes pack items.csv --boxes my_boxes.csv --json
    """
    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode
    from oms_cli.packing.service import plan_file

    st = state()
    plan = plan_file(st.config, file, boxes_path=boxes, carrier=carrier, objective=objective)
    if st.json:
        render.emit_json(plan.to_json())
    else:
        rows = []
        for order, result in plan.orders:
            for no, p in enumerate(result.packages, start=1):
                rows.append(
                    [
                        order or "",
                        no,
                        p.box.ref,
                        len(p.placements),
                        _grams(p.weight_g),
                        _grams(p.billable_weight_g),
                        f"{p.fill_pct:g}%",
                    ]
                )
        render.table(None, ["order", "package", "box", "items", "weight", "billable", "fill"], rows)
        if drawing:
            _draw_file_plan(plan.orders)
    for order, result in plan.orders:
        for u in result.unpacked:
            render.warn(f"{'order ' + order + ': ' if order else ''}{u.ref} cannot be packed: {u.reason}")
    if plan.unpacked:
        raise typer.Exit(int(ExitCode.PARTIAL))


def _draw_file_plan(orders: list[Any]) -> None:
    from oms_cli.cli import render
    from oms_cli.packing.layers import layer_drawings

    con = render.out()
    for order, result in orders:
        for no, p in enumerate(result.packages, start=1):
            con.print(
                f"\n{'order ' + order + ', ' if order else ''}package {no}: box {p.box.ref}",
                markup=False,
                highlight=False,
            )
            for text in layer_drawings(p.box, p.placements):
                con.print(text, markup=False, highlight=False)
