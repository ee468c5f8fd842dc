"""`oms queue`: the released orders to work on now, most urgent first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from oms_cli.orders.lifecycle import ON_FLOOR, WAITING, Status, check_statuses
from oms_cli.orders.service import lines_t, orders_t
from oms_cli.release.priority import is_late_promise, is_overdue, queue_key
from oms_cli.store.engine import Store
from oms_cli.store.types import utcnow


@dataclass(frozen=True)
class QueuedOrder:
    """One order of the work queue, at its rank."""

    rank: int
    ref: str
    status: str
    service_level: str
    placed_at: datetime
    ship_by: datetime | None
    overdue: bool
    #: an expedited or next-day order past its ship-by time
    late_promise: bool
    instruction: str
    units: int
    customer: str | None
    country: str | None
    tags: list[str]


@dataclass(frozen=True)
class WorkQueue:
    """`oms queue`: the orders on the floor in queue order, with the counts that matter."""

    as_of: datetime
    total: int
    overdue: int
    late_promises: int
    instructions_pending: int
    #: orders not yet released, and orders on hold (not in the queue)
    new: int
    on_hold: int
    orders: list[QueuedOrder]


def work_queue(
    store: Store, *, now: datetime | None = None, limit: int | None = None, status: list[str] | None = None
) -> WorkQueue:
    """Orders on the floor in queue order, with counts of overdue and late paid-fast orders."""
    check_statuses(status)
    now = now or utcnow()
    statuses = status or sorted(ON_FLOOR)
    units = (
        select(func.coalesce(func.sum(lines_t.c.quantity), 0))
        .where(lines_t.c.order_id == orders_t.c.id)
        .scalar_subquery()
    )
    with store.connect(write=False) as conn:
        rows = conn.execute(select(orders_t, units.label("units")).where(orders_t.c.status.in_(statuses))).all()
        waiting: dict[str, int] = dict(
            conn.execute(
                select(orders_t.c.status, func.count())
                .where(orders_t.c.status.in_(sorted(WAITING)))
                .group_by(orders_t.c.status)
            ).all()
        )
    rows = sorted(rows, key=lambda r: queue_key(r.ship_by, r.service_level, r.placed_at, r.id, now))
    items = [
        QueuedOrder(
            rank=rank,
            ref=r.ref,
            status=r.status,
            service_level=r.service_level,
            placed_at=r.placed_at,
            ship_by=r.ship_by,
            overdue=is_overdue(r.ship_by, now),
            late_promise=is_late_promise(r.service_level, r.ship_by, now),
            instruction=r.instruction_state,
            units=int(r.units),
            customer=r.customer_name,
            country=r.ship_country,
            tags=list(r.tags or []),
        )
        for rank, r in enumerate(rows, start=1)
    ]
    return WorkQueue(
        as_of=now,
        total=len(items),
        overdue=sum(1 for i in items if i.overdue),
        late_promises=sum(1 for i in items if i.late_promise),
        instructions_pending=sum(1 for i in items if i.instruction == "pending"),
        new=int(waiting.get(Status.NEW, 0)),
        on_hold=int(waiting.get(Status.ON_HOLD, 0)),
        orders=items[:limit] if limit else items,
    )
