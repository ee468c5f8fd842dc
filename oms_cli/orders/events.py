"""Writing order events: every status change, and noteworthy actions, with time and command."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.engine import Connection

from oms_cli.orders.lifecycle import check_transition
from oms_cli.store.models import OrderEventRow, OrderRow
from oms_cli.store.types import utcnow

_events = OrderEventRow.__table__
_orders = OrderRow.__table__


def record_event(
    conn: Connection,
    order_id: int,
    *,
    command: str,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
    kind: str = "status",
    at: datetime | None = None,
) -> None:
    """Append one event row for an order."""
    conn.execute(
        insert(_events).values(
            order_id=order_id,
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            at=at or utcnow(),
            command=command,
            note=note,
        )
    )


def transition(
    conn: Connection,
    order_id: int,
    ref: str,
    current: str,
    target: str,
    *,
    command: str,
    note: str | None = None,
    at: datetime | None = None,
    **changes: object,
) -> None:
    """Move an order to ``target`` (checked against the lifecycle) and record the event."""
    check_transition(ref, current, target)
    now = at or utcnow()
    res = conn.execute(
        update(_orders)
        .where(_orders.c.id == order_id, _orders.c.status == current)
        .values(status=target, updated_at=now, **changes)
    )
    if res.rowcount != 1:
        from oms_cli.core.errors import Refused

        raise Refused(f"{ref}: changed by another process meanwhile; run the command again")
    record_event(conn, order_id, command=command, from_status=current, to_status=target, note=note, at=now)
