"""Stock movements and reservations inside a caller's transaction.

Every change of the quantity on hand goes through :func:`move`, which appends a ledger
row and updates the ``stock`` cache in the same transaction. Reservations change only
``reserved``: stock held for an order is still on the shelf.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from oms_cli.store.bulk import BulkInserter
from oms_cli.store.tables import product_locations as locations_t
from oms_cli.store.tables import reservations as reservations_t
from oms_cli.store.tables import stock as stock_t
from oms_cli.store.tables import stock_movements as moves_t
from oms_cli.store.types import utcnow

#: how many values one IN (…) list may carry (SQLite's limit is 999 on old builds)
CHUNK = 500


def move(
    conn: Connection,
    sku: str,
    location: str,
    quantity: int,
    reason: str,
    *,
    command: str,
    note: str | None = None,
    order_id: int | None = None,
    at: datetime | None = None,
) -> int:
    """Append one ledger row and update the cached quantity on hand; returns the new on hand."""
    conn.execute(
        insert(moves_t).values(
            sku=sku,
            location=location,
            quantity=quantity,
            reason=reason,
            note=note,
            at=at or utcnow(),
            order_id=order_id,
            command=command,
        )
    )
    res = conn.execute(
        update(stock_t)
        .where(stock_t.c.sku == sku, stock_t.c.location == location)
        .values(on_hand=stock_t.c.on_hand + quantity)
    )
    if res.rowcount == 0:
        conn.execute(insert(stock_t).values(sku=sku, location=location, on_hand=quantity, reserved=0))
    return int(
        conn.execute(select(stock_t.c.on_hand).where(stock_t.c.sku == sku, stock_t.c.location == location)).scalar_one()
    )


def stock_levels(conn: Connection, skus: Iterable[str], lock: bool = False) -> dict[str, dict[str, tuple[int, int]]]:
    """SKU -> location -> (on hand, reserved), read in the caller's transaction.

    ``lock`` holds the rows to the end of the transaction (PostgreSQL; SQLite's write
    lock holds them anyway), taken in SKU order so two lockers never deadlock: a
    second release waits and then decides on what the first left.
    """
    out: dict[str, dict[str, tuple[int, int]]] = {}
    wanted = sorted(set(skus))
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start : start + CHUNK]
        q = (
            select(stock_t.c.sku, stock_t.c.location, stock_t.c.on_hand, stock_t.c.reserved)
            .where(stock_t.c.sku.in_(part))
            .order_by(stock_t.c.sku, stock_t.c.location)
        )
        for r in conn.execute(q.with_for_update() if lock else q):
            out.setdefault(r.sku, {})[r.location] = (int(r.on_hand), int(r.reserved))
    return out


def product_locations(conn: Connection, skus: Iterable[str] | None = None) -> dict[str, list[str]]:
    """SKU -> its location codes, primary first (all products when ``skus`` is None)."""
    out: dict[str, list[str]] = {}
    q = select(locations_t.c.sku, locations_t.c.location).order_by(
        locations_t.c.sku, locations_t.c.position, locations_t.c.id
    )
    if skus is None:
        for r in conn.execute(q):
            out.setdefault(r.sku, []).append(r.location)
        return out
    wanted = sorted(set(skus))
    for start in range(0, len(wanted), CHUNK):
        for r in conn.execute(q.where(locations_t.c.sku.in_(wanted[start : start + CHUNK]))):
            out.setdefault(r.sku, []).append(r.location)
    return out


def reserve_many(conn: Connection, reservations: Sequence[Mapping[str, Any]]) -> None:
    """Hold stock for order lines, never beyond what is free at each location.

    Each reservation is a mapping with order_id, order_line_id, sku, location, quantity
    and created_at. ``reserved`` goes up by the total per SKU and location in one
    statement that only applies while that much is still free; if any location falls
    short (which the caller's own read inside the same write transaction rules out),
    the error rolls the caller's transaction back rather than let available stock go
    below zero.
    """
    if not reservations:
        return
    totals: dict[tuple[str, str], int] = {}
    for r in reservations:
        key = (r["sku"], r["location"])
        totals[key] = totals.get(key, 0) + int(r["quantity"])
    params = [{"b_sku": sku, "b_location": loc, "b_qty": q} for (sku, loc), q in totals.items()]
    res = conn.execute(
        update(stock_t)
        .where(
            stock_t.c.sku == bindparam("b_sku"),
            stock_t.c.location == bindparam("b_location"),
            stock_t.c.on_hand - stock_t.c.reserved >= bindparam("b_qty"),
        )
        .values(reserved=stock_t.c.reserved + bindparam("b_qty")),
        params,
    )
    if res.rowcount != len(params):
        raise RuntimeError("stock changed under the reservations; nothing was reserved")
    columns = ("order_id", "order_line_id", "sku", "location", "quantity", "state", "created_at")
    BulkInserter(conn, reservations_t, columns).insert(
        [
            (r["order_id"], r["order_line_id"], r["sku"], r["location"], r["quantity"], "active", r["created_at"])
            for r in reservations
        ]
    )


def add_location(conn: Connection, sku: str, location: str) -> bool:
    """Record that a SKU is (also) stored at a location, after its existing ones; True when new."""
    known = conn.execute(select(locations_t.c.location, locations_t.c.position).where(locations_t.c.sku == sku)).all()
    if any(r.location == location for r in known):
        return False
    position = max((r.position for r in known), default=-1) + 1
    conn.execute(insert(locations_t).values(sku=sku, location=location, position=position))
    return True
