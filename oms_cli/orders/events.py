"""Writing order events: every status change, and noteworthy actions, with time and command."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.engine import Connection

from oms_cli.core.errors import Refused
from oms_cli.orders.lifecycle import MILESTONE_COLUMN, check_transition
from oms_cli.store.bulk import BulkInserter
from oms_cli.store.tables import order_events as _events
from oms_cli.store.tables import orders as _orders
from oms_cli.store.types import utcnow

#: the order_events columns written for a status change, in this order
EVENT_COLUMNS = ("order_id", "kind", "from_status", "to_status", "at", "command", "note")


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


@dataclass(frozen=True)
class StatusChange:
    """One order's move to another status, with the other columns that change with it."""

    order_id: int
    ref: str
    current: str
    target: str
    note: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)


def transition_many(
    conn: Connection, changes: Sequence[StatusChange], *, command: str, at: datetime | None = None
) -> None:
    """Move many orders at once: each checked against the lifecycle, applied only if the
    order is still in the status it was read in, and recorded as an event row.

    One UPDATE per shape of change and one INSERT for the events, so bulk commands
    (release, pick plan) pay per statement, not per order. A move to a milestone
    status (lifecycle.MILESTONE_STATUS) also sets the order's ``<milestone>_at``
    column to the event's time, unless it reached that status before.
    """
    if not changes:
        return
    now = at or utcnow()
    for c in changes:
        check_transition(c.ref, c.current, c.target)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for c in changes:
        params = {"b_id": c.order_id, "b_current": c.current, "status": c.target, "updated_at": now, **c.values}
        if c.target in MILESTONE_COLUMN:
            params[MILESTONE_COLUMN[c.target]] = now
        groups.setdefault(tuple(sorted(params)), []).append(params)
    first_time = set(MILESTONE_COLUMN.values())
    for keys, rows in groups.items():
        values = {
            k: func.coalesce(_orders.c[k], bindparam(k, type_=_orders.c[k].type)) if k in first_time else bindparam(k)
            for k in keys
            if not k.startswith("b_")
        }
        stmt = (
            update(_orders)
            .where(_orders.c.id == bindparam("b_id"), _orders.c.status == bindparam("b_current"))
            .values(**values)
        )
        res = conn.execute(stmt, rows) if len(rows) > 1 else conn.execute(stmt, rows[0])
        if res.rowcount != len(rows):
            refs = ", ".join(c.ref for c in changes[:3]) + (" …" if len(changes) > 3 else "")
            raise Refused(f"{refs}: changed by another process meanwhile; run the command again")
    BulkInserter(conn, _events, EVENT_COLUMNS).insert(
        [(c.order_id, "status", c.current, c.target, now, command, c.note) for c in changes]
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
    """Move one order to ``target`` (checked against the lifecycle) and record the event."""
    transition_many(conn, [StatusChange(order_id, ref, current, target, note, changes)], command=command, at=at)
