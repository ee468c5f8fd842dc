"""The tracking outbox: one push per shipped package, delivered to its channel exactly once.

Like the e-mail outbox (``oms_cli.notify``): a push is claimed (``queued -> sending``,
``attempts + 1``) in a short transaction, sent outside any transaction, then marked
``accepted`` with the channel's id for it, back to ``queued`` with the next try
``channels.backoff_s * 2^(attempts-1)`` later (or when the channel's Retry-After says),
or ``failed`` with the channel's message after a permanent refusal or
``channels.push_max_attempts`` tries. Before trying again a push whose answer was never
seen, the client asks the channel whether the tracking is there already, so a lost
answer never makes a second fulfilment.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, func, insert, or_, select, update

from oms_cli.channels.base import AnswerLost, PushRefused, RetryLater, Shipment
from oms_cli.core.errors import OmsError, Unavailable
from oms_cli.store import tables
from oms_cli.store.types import utcnow

if TYPE_CHECKING:
    from oms_cli.channels.sync import ConnectionSync
    from oms_cli.core.config import Config
    from oms_cli.store.engine import Store

#: a push retry due within this many seconds is waited for in the same sync
_WAIT_IN_RUN_S = 10.0

pushes_t = tables.channel_pushes
channel_orders_t = tables.channel_orders
orders_t = tables.orders
packages_t = tables.packages
lines_t = tables.order_lines


def enqueue(store: Store, connection: Any, now: datetime) -> int:
    """Queue a push for every package shipped since the connection was added, of an order
    the connection pulled, that has none yet; returns how many were queued."""
    with store.connect(write=True) as conn:
        rows = conn.execute(
            select(packages_t.c.id, packages_t.c.order_id)
            .join(channel_orders_t, channel_orders_t.c.order_id == packages_t.c.order_id)
            .join(orders_t, orders_t.c.id == packages_t.c.order_id)
            .where(
                channel_orders_t.c.connection_id == connection.id,
                orders_t.c.status.in_(("shipped", "delivered")),
                packages_t.c.tracking.is_not(None),
                packages_t.c.shipped_at.is_not(None),
                packages_t.c.shipped_at >= connection.created_at,
                ~exists().where(
                    and_(pushes_t.c.connection_id == connection.id, pushes_t.c.package_id == packages_t.c.id)
                ),
            )
            .order_by(packages_t.c.id)
        ).all()
        for r in rows:
            conn.execute(
                insert(pushes_t).values(
                    connection_id=connection.id,
                    order_id=r.order_id,
                    package_id=r.id,
                    status="queued",
                    attempts=0,
                    created_at=now,
                )
            )
    return len(rows)


def _claim(store: Store, connection_id: int, worker: str, now: datetime, stale_s: float, limit: int) -> list[Any]:
    with store.connect(write=True) as conn:
        rows = conn.execute(
            select(pushes_t)
            .where(
                pushes_t.c.connection_id == connection_id,
                or_(
                    and_(
                        pushes_t.c.status == "queued",
                        or_(pushes_t.c.next_attempt_at.is_(None), pushes_t.c.next_attempt_at <= now),
                    ),
                    and_(pushes_t.c.status == "sending", pushes_t.c.claimed_at < now - timedelta(seconds=stale_s)),
                ),
            )
            .order_by(pushes_t.c.id)
            .limit(limit)
        ).all()
        claimed = []
        for row in rows:
            res = conn.execute(
                update(pushes_t)
                .where(pushes_t.c.id == row.id, pushes_t.c.status == row.status, pushes_t.c.attempts == row.attempts)
                .values(
                    status="sending", claimed_by=worker, claimed_at=now, attempts=row.attempts + 1, last_attempt_at=now
                )
            )
            if res.rowcount == 1:
                claimed.append(row)
    return claimed


def _shipment(store: Store, config: Config, push_row: Any) -> Shipment:
    from oms_cli.carriers.tracking import carrier_name, tracking_url

    with store.connect(write=False) as conn:
        order = conn.execute(select(orders_t).where(orders_t.c.id == push_row.order_id)).one()
        link = conn.execute(
            select(channel_orders_t).where(
                channel_orders_t.c.connection_id == push_row.connection_id,
                channel_orders_t.c.order_id == push_row.order_id,
            )
        ).one()
        package = conn.execute(select(packages_t).where(packages_t.c.id == push_row.package_id)).one()
        count = conn.execute(
            select(func.count()).select_from(packages_t).where(packages_t.c.order_id == push_row.order_id)
        ).scalar_one()
        others_waiting = conn.execute(
            select(func.count())
            .select_from(pushes_t)
            .where(
                pushes_t.c.connection_id == push_row.connection_id,
                pushes_t.c.order_id == push_row.order_id,
                pushes_t.c.id != push_row.id,
                pushes_t.c.status != "accepted",
            )
        ).scalar_one()
        pushed_packages = conn.execute(
            select(func.count())
            .select_from(pushes_t)
            .where(pushes_t.c.connection_id == push_row.connection_id, pushes_t.c.order_id == push_row.order_id)
        ).scalar_one()
        lines = conn.execute(
            select(lines_t.c.sku, lines_t.c.quantity, lines_t.c.line_id)
            .where(lines_t.c.order_id == push_row.order_id)
            .order_by(lines_t.c.line_no)
        ).all()
    overrides = config.get("shipping.tracking_urls") or {}
    carrier = package.carrier or "other"
    return Shipment(
        ref=order.ref,
        external_id=order.external_id,
        remote_id=link.remote_id,
        data=dict(link.data or {}),
        package_no=package.package_no,
        packages=int(count),
        carrier=carrier,
        carrier_name=carrier_name(carrier),
        service=package.service,
        tracking=package.tracking,
        tracking_url=tracking_url(carrier, package.tracking, overrides),
        shipped_at=package.shipped_at,
        lines=[{"sku": ln.sku, "quantity": ln.quantity, "line_id": ln.line_id} for ln in lines],
        last=others_waiting == 0 and pushed_packages >= count,
    )


def _finish(store: Store, push_id: int, worker: str, values: dict[str, Any]) -> None:
    with store.connect(write=True) as conn:
        conn.execute(
            update(pushes_t)
            .where(pushes_t.c.id == push_id, pushes_t.c.status == "sending", pushes_t.c.claimed_by == worker)
            .values(claimed_by=None, **values)
        )


def deliver(store: Store, config: Config, connection: Any, client: Any, worker: str, result: ConnectionSync) -> None:
    """Queue the connection's new pushes and send those due; counts go to ``result``.
    Raises Unavailable when the channel stops answering (the rest stay queued)."""
    section = config.section("channels")
    backoff = float(section.get("backoff_s", 1.0))
    max_attempts = int(section.get("push_max_attempts", 10))
    stale_s = float(section.get("lease_s", 600))
    max_wait = float(section.get("max_wait_s", 60.0))
    waited = 0.0
    enqueue(store, connection, utcnow())
    while True:
        batch = _claim(store, connection.id, worker, utcnow(), stale_s, 10)
        if not batch:
            # a retry due within a few seconds is waited for here rather than left to the next sync
            soon = _next_due(store, connection.id)
            wait = (soon - utcnow()).total_seconds() if soon is not None else None
            if wait is None or wait > _WAIT_IN_RUN_S or waited + wait > max_wait:
                result.push_retry = _queued(store, connection.id)
                return
            waited += max(wait, 0.0)
            time.sleep(max(wait, 0.0))
            continue
        for row in batch:
            attempts = row.attempts + 1
            try:
                shipment = _shipment(store, config, row)
                told = client.already_told(shipment) if attempts > 1 else None
                remote = told if told is not None else client.push(shipment)
            except PushRefused as exc:
                _finish(store, row.id, worker, {"status": "failed", "last_error": exc.message[:500]})
                result.push_failed += 1
                continue
            except RetryLater as exc:
                _finish(
                    store,
                    row.id,
                    worker,
                    {
                        "status": "queued",
                        "last_error": exc.message[:500],
                        "next_attempt_at": utcnow() + timedelta(seconds=exc.retry_after_s),
                    },
                )
                result.push_retry += 1
                continue
            except AnswerLost as exc:
                result.push_failed += _try_again_or_fail(store, row.id, worker, exc, attempts, max_attempts, backoff)
                continue
            except OmsError as exc:
                give_up = _try_again_or_fail(store, row.id, worker, exc, attempts, max_attempts, backoff)
                if give_up:
                    result.push_failed += 1
                else:
                    result.push_retry += 1
                if isinstance(exc, Unavailable):
                    _give_back(store, worker, [r.id for r in batch if r.id != row.id and r.id > row.id])
                    raise
                continue
            _finish(
                store,
                row.id,
                worker,
                {"status": "accepted", "accepted_at": utcnow(), "remote_ref": remote or None, "last_error": None},
            )
            result.pushed += 1


def _try_again_or_fail(
    store: Store, push_id: int, worker: str, exc: OmsError, attempts: int, max_attempts: int, backoff: float
) -> bool:
    """Put a push back for another try after ``backoff * 2^(attempts-1)`` seconds, or mark
    it failed once it has had ``max_attempts``; returns whether it failed."""
    give_up = attempts >= max_attempts
    _finish(
        store,
        push_id,
        worker,
        {
            "status": "failed" if give_up else "queued",
            "last_error": exc.message[:500],
            "next_attempt_at": None if give_up else utcnow() + timedelta(seconds=backoff * 2 ** (attempts - 1)),
        },
    )
    return give_up


def _next_due(store: Store, connection_id: int) -> datetime | None:
    with store.connect(write=False) as conn:
        return conn.execute(
            select(func.min(pushes_t.c.next_attempt_at)).where(
                pushes_t.c.connection_id == connection_id, pushes_t.c.status == "queued"
            )
        ).scalar()


def _queued(store: Store, connection_id: int) -> int:
    with store.connect(write=False) as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(pushes_t)
                .where(pushes_t.c.connection_id == connection_id, pushes_t.c.status.in_(("queued", "sending")))
            ).scalar_one()
        )


def _give_back(store: Store, worker: str, ids: list[int]) -> None:
    """Claimed pushes not tried (the channel stopped answering): back to the queue, the attempt uncounted."""
    if not ids:
        return
    with store.connect(write=True) as conn:
        conn.execute(
            update(pushes_t)
            .where(pushes_t.c.id.in_(ids), pushes_t.c.status == "sending", pushes_t.c.claimed_by == worker)
            .values(status="queued", attempts=pushes_t.c.attempts - 1, claimed_by=None, claimed_at=None)
        )


def pushes_of(store: Store, ref: str) -> list[dict[str, Any]]:
    """What each channel has been told about an order's packages, and when (nothing for
    an order no connection pulled)."""
    connections_t = tables.channel_connections
    with store.connect(write=False) as conn:
        rows = conn.execute(
            select(pushes_t, connections_t.c.name.label("connection"), packages_t.c.package_no, packages_t.c.tracking)
            .join(connections_t, connections_t.c.id == pushes_t.c.connection_id)
            .join(packages_t, packages_t.c.id == pushes_t.c.package_id)
            .join(orders_t, orders_t.c.id == pushes_t.c.order_id)
            .where(orders_t.c.ref == ref)
            .order_by(pushes_t.c.id)
        ).all()
    return [
        {
            "connection": r.connection,
            "package": r.package_no,
            "tracking": r.tracking,
            "status": r.status,
            "attempts": r.attempts,
            "queued_at": r.created_at,
            "last_attempt_at": r.last_attempt_at,
            "accepted_at": r.accepted_at,
            "next_attempt_at": r.next_attempt_at if r.status == "queued" else None,
            "channel_ref": r.remote_ref,
            "error": r.last_error,
        }
        for r in rows
    ]
