"""`oms queue`: what to work on now."""

from __future__ import annotations

from typing import Annotated

import typer

from oms_cli.cli.context import state


def register(app: typer.Typer) -> None:
    """Add the `queue` command."""
    app.command("queue")(queue_cmd)


def queue_cmd(
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many (0 = all).")] = 50,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", "-s", help="Only these statuses (default: ready, picking, picked, packed)."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="As of this time instead of now (ISO time), e.g. to see what will be late at the cut-off."
        ),
    ] = None,
) -> None:
    """Show the released orders to work on now: overdue first, then next-day, expedited, oldest.

    Late paid-fast orders (expedited, next-day) are shown in red and counted; orders whose
    special instruction is not yet acknowledged are marked with !.

    Example: oms queue --limit 20
    """
    from oms_cli.cli import render
    from oms_cli.cli.options import parse_when
    from oms_cli.release.queue import work_queue

    st = state()
    q = work_queue(st.store, now=parse_when(at, "--at"), limit=limit or None, status=status)
    if st.json:
        render.emit_json(q)
        return
    if not q.orders:
        render.info("nothing to work on")
    else:
        rows, styles = [], []
        for o in q.orders:
            flag = "!" if o.instruction == "pending" else ""
            late = "LATE" if o.overdue else ""
            rows.append(
                [
                    o.rank,
                    flag,
                    o.ref,
                    o.status,
                    o.service_level,
                    o.placed_at,
                    o.ship_by,
                    late,
                    o.units,
                    o.customer,
                    o.country,
                ]
            )
            styles.append("bold red" if o.late_promise else ("red" if o.overdue else None))
        caption = []
        if q.late_promises:
            caption.append(f"{q.late_promises} paid fast deliver{'ies' if q.late_promises != 1 else 'y'} late (red)")
        if any(o.instruction == "pending" for o in q.orders):
            caption.append("! = special instruction to acknowledge (oms orders ack)")
        render.table(
            None,
            ["#", "!", "ref", "status", "service", "placed", "ship by", "", "units", "customer", "to"],
            rows,
            styles=styles,
            caption="; ".join(caption) or None,
        )
    if q.late_promises:
        n = q.late_promises
        render.warn(
            f"{n} expedited/next-day order{'s are' if n != 1 else ' is'} past {'their' if n != 1 else 'its'} ship-by time"
        )
    summary = f"{q.total} to work on, {q.overdue} overdue"
    if q.new or q.on_hold:
        summary += f"; {q.new} new not yet released (oms release --all), {q.on_hold} on hold"
    render.info(summary)
