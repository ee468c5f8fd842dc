"""Taking an order off the floor: on hold or cancelled, with its stock given back and
its picks called off, in the caller's transaction.

Hold, cancel, a cancellation arriving with an import and the pick-list steps that hold
an order (no location, short on the shelf) all do it through :func:`take_off_floor`, so
an order never leaves the floor with stock still reserved or units left on a list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from oms_cli.orders.events import transition
from oms_cli.orders.lifecycle import OFF_FLOOR, Status
from oms_cli.store.tables import pick_allocations as allocs_t
from oms_cli.store.tables import reservations as reservations_t
from oms_cli.store.tables import stock as stock_t


def take_off_floor(
    conn: Connection,
    order: Any,
    to_status: Status,
    *,
    command: str,
    reason: str | None = None,
    detail: str | None = None,
    note: str | None = None,
    at: datetime | None = None,
    **changes: object,
) -> int:
    """Move ``order`` (a row with ``id``, ``ref`` and ``status``) to on hold or cancelled,
    give back its reserved stock and close what is left of it on pick lists.

    A hold needs its ``reason`` (a hold reason code) and may give a ``detail``, kept as
    the hold note; the event's note is ``reason: detail`` unless ``note`` is given.
    ``changes`` are further orders columns to set with the move. Returns the units freed.
    """
    if to_status not in OFF_FLOOR:
        raise ValueError(f"an order leaves the floor for {' or '.join(sorted(OFF_FLOOR))}, not {to_status}")
    if to_status == Status.ON_HOLD:
        if reason is None:
            raise ValueError("a hold needs its reason")
        changes = {"hold_reason": reason, "hold_note": detail, **changes}
        if note is None:
            note = reason + (f": {detail}" if detail else "")
    transition(conn, order.id, order.ref, order.status, to_status, command=command, note=note, at=at, **changes)
    freed = free_reservations(conn, order.id)
    unassign_picks(conn, order.id)
    return freed


def free_reservations(conn: Connection, order_id: int) -> int:
    """Give back an order's active reservations to available stock; returns units freed."""
    rows = conn.execute(
        select(reservations_t).where(reservations_t.c.order_id == order_id, reservations_t.c.state == "active")
    ).all()
    freed = 0
    for r in rows:
        conn.execute(
            update(stock_t)
            .where(stock_t.c.sku == r.sku, stock_t.c.location == r.location)
            .values(reserved=stock_t.c.reserved - r.quantity)
        )
        freed += r.quantity
    if rows:
        conn.execute(
            update(reservations_t)
            .where(reservations_t.c.order_id == order_id, reservations_t.c.state == "active")
            .values(state="released")
        )
    return freed


def unassign_picks(conn: Connection, order_id: int) -> None:
    """An order off the floor has nothing more to pick on any list: what is not picked
    of its allocations counts as short, so the lists can close without it."""
    conn.execute(
        update(allocs_t)
        .where(allocs_t.c.order_id == order_id, allocs_t.c.picked_qty + allocs_t.c.short_qty < allocs_t.c.quantity)
        .values(short_qty=allocs_t.c.quantity - allocs_t.c.picked_qty)
    )
