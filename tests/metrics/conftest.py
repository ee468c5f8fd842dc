"""A small fixed history with known timestamps, written straight into the test's store.

Nine orders over the week of Monday 2024-03-04 (``T0``); the report figures of that
week are worked out by hand in test_report.py from the table below. Hours are
counted from T0 (negative: before the week).

| order | channel | level     | placed | ship_by | ready     | picked | packed | shipped | delivered | status    |
|-------|---------|-----------|--------|---------|-----------|--------|--------|---------|-----------|-----------|
| O1    | shopify | standard  | 0      | 48      | 2         | 4      | 5      | 10      | 34        | delivered |
| O2    | shopify | expedited | 1      | 25      | 3         | 9      | 10     | 30      | 54        | delivered |
| O3    | amazon  | next_day  | 2      | 14      | 6 (hold 3)| 7      | 8      | 12      | 60        | delivered |
| O4    | amazon  | standard  | 24     | 72      | 25        | 28     | 29     | -       | -         | packed    |
| O5    | etsy    | standard  | 30     | 78      | cancelled at 31                                   | cancelled |
| O6    | shopify | standard  | -72    | -24     | -70       | -60    | -59    | 6       | 30        | delivered |
| O7    | ebay    | standard  | 100    | none    | 101       | 102    | 103    | 104     | 200       | delivered |
| O8    | shopify | standard  | 170    | 218     | 171       | -      | -      | -       | -         | ready     |
| O9    | shopify | standard  | 48     | 96      | 49, again 53 | 55  | 56     | 57      | -         | shipped   |
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

T0 = datetime(2024, 3, 4, tzinfo=UTC)


def h(hours: float) -> datetime:
    """T0 plus ``hours``."""
    return T0 + timedelta(hours=hours)


ORDERS: list[dict[str, Any]] = [
    # id, channel, level, placed, ship_by (hours), status, currency, shipping charged
    dict(
        id=1,
        channel="shopify",
        service_level="standard",
        placed=0,
        ship_by=48,
        status="delivered",
        currency="EUR",
        shipping=495,
    ),
    dict(
        id=2,
        channel="shopify",
        service_level="expedited",
        placed=1,
        ship_by=25,
        status="delivered",
        currency="EUR",
        shipping=695,
    ),
    dict(
        id=3,
        channel="amazon",
        service_level="next_day",
        placed=2,
        ship_by=14,
        status="delivered",
        currency="EUR",
        shipping=None,
    ),
    dict(
        id=4,
        channel="amazon",
        service_level="standard",
        placed=24,
        ship_by=72,
        status="packed",
        currency="EUR",
        shipping=395,
    ),
    dict(
        id=5,
        channel="etsy",
        service_level="standard",
        placed=30,
        ship_by=78,
        status="cancelled",
        currency="EUR",
        shipping=0,
    ),
    dict(
        id=6,
        channel="shopify",
        service_level="standard",
        placed=-72,
        ship_by=-24,
        status="delivered",
        currency="EUR",
        shipping=395,
    ),
    dict(
        id=7,
        channel="ebay",
        service_level="standard",
        placed=100,
        ship_by=None,
        status="delivered",
        currency="GBP",
        shipping=500,
    ),
    dict(
        id=8,
        channel="shopify",
        service_level="standard",
        placed=170,
        ship_by=218,
        status="ready",
        currency="EUR",
        shipping=495,
    ),
    dict(
        id=9,
        channel="shopify",
        service_level="standard",
        placed=48,
        ship_by=96,
        status="shipped",
        currency="EUR",
        shipping=495,
    ),
]

#: (order, from, to, hours); every order also gets "new" one minute after it was placed
TRANSITIONS: list[tuple[int, str | None, str, float]] = [
    (1, "new", "ready", 2),
    (1, "ready", "picking", 3),
    (1, "picking", "picked", 4),
    (1, "picked", "packed", 5),
    (1, "packed", "shipped", 10),
    (1, "shipped", "delivered", 34),
    (2, "new", "ready", 3),
    (2, "ready", "picking", 8),
    (2, "picking", "picked", 9),
    (2, "picked", "packed", 10),
    (2, "packed", "shipped", 30),
    (2, "shipped", "delivered", 54),
    (3, "new", "on_hold", 3),
    (3, "on_hold", "ready", 6),
    (3, "ready", "picking", 6.5),
    (3, "picking", "picked", 7),
    (3, "picked", "packed", 8),
    (3, "packed", "shipped", 12),
    (3, "shipped", "delivered", 60),
    (4, "new", "ready", 25),
    (4, "ready", "picking", 26),
    (4, "picking", "picked", 28),
    (4, "picked", "packed", 29),
    (5, "new", "cancelled", 31),
    (6, "new", "ready", -70),
    (6, "ready", "picking", -62),
    (6, "picking", "picked", -60),
    (6, "picked", "packed", -59),
    (6, "packed", "shipped", 6),
    (6, "shipped", "delivered", 30),
    (7, "new", "ready", 101),
    (7, "ready", "picking", 101.5),
    (7, "picking", "picked", 102),
    (7, "picked", "packed", 103),
    (7, "packed", "shipped", 104),
    (7, "shipped", "delivered", 200),
    (8, "new", "ready", 171),
    (9, "new", "ready", 49),
    (9, "ready", "picking", 50),
    (9, "picking", "on_hold", 51),
    (9, "on_hold", "ready", 53),
    (9, "ready", "picking", 54),
    (9, "picking", "picked", 55),
    (9, "picked", "packed", 56),
    (9, "packed", "shipped", 57),
]

#: pick lists: id, picker, status, claimed, completed (hours), distance, allocations (order, qty, picked, short)
PICK_LISTS: list[tuple[int, str, str, float | None, float | None, float, list[tuple[int, int, int, int]]]] = [
    (1, "ana", "done", 3, 4, 60.0, [(1, 2, 2, 0), (3, 1, 1, 0), (2, 3, 2, 1)]),
    (2, "ben", "done", 26, 28, 90.0, [(4, 1, 1, 0), (9, 4, 4, 0), (7, 2, 0, 2)]),
    (3, "ana", "done", -62, -60, 40.0, [(6, 1, 1, 0)]),
    (4, "ben", "claimed", 100, None, 50.0, [(8, 1, 0, 0)]),
    (5, "cara", "done", None, 110, 30.0, [(7, 1, 1, 0)]),
]

#: verification scans: order, result, hours, how many
SCANS: list[tuple[int, str, float, int]] = [
    (1, "ok", 5, 3),
    (2, "ok", 10, 3),
    (2, "wrong", 10, 1),
    (3, "ok", 8, 1),
    (3, "extra", 8, 1),
    (9, "ok", 56, 2),
    (9, "unknown", 56, 1),
    (6, "ok", -59, 1),
]

#: packages: order, box, packed, weight, measured, billable, fill, cost, shipped (hours)
PACKAGES: list[tuple[int, str, float, int, int | None, int | None, float | None, int | None, float | None]] = [
    (1, "S", 5, 500, 520, 600, 40.0, 450, 10),
    (2, "M", 10, 800, None, 800, 60.0, 520, 30),
    (2, "S", 10, 300, 310, 310, None, 380, 31),
    (3, "M", 8, 1000, 1000, 1500, 50.0, 890, 12),
    (6, "L", -59, 2000, 2000, 2500, 30.0, 700, 6),
    (9, "S", 56, 400, None, None, 80.0, None, 57),
    (7, "M", 103, 600, 650, 900, 70.0, 600, 104),
    (4, "L", 29, 1200, 1250, 1250, 45.0, None, None),
]

FEEDBACK = [(1, 5, 40), (2, 2, 60), (3, 4, 70), (6, 5, 35), (7, 3, 210)]
#: problems: order (or None), status, opened (hours)
PROBLEMS = [(2, "open", 61), (6, "resolved", 36), (None, "open", -100)]
#: returns: order, reason, opened (hours)
RETURNS = [(1, "wrong_item", 40), (3, "damaged_in_transit", 70), (6, "changed_mind", 200)]
#: outbox: order (or None), status, created (hours)
OUTBOX = [
    (1, "sent", 10),
    (2, "failed", 30),
    (3, "queued", 12),
    (9, "sending", 57),
    (6, "sent", -50),
    (None, "sent", 20),
]


def write_history(store: Any) -> None:
    """Write the fixed history above into ``store``."""
    from sqlalchemy import insert, update

    from oms_cli.orders.lifecycle import MILESTONE_COLUMN
    from oms_cli.store import tables

    with store.connect(write=True) as conn:
        for o in ORDERS:
            conn.execute(
                insert(tables.orders).values(
                    id=o["id"],
                    ref=f"{o['channel']}:{o['id']}",
                    channel=o["channel"],
                    external_id=str(o["id"]),
                    placed_at=h(o["placed"]),
                    status=o["status"],
                    payment_status="paid",
                    service_level=o["service_level"],
                    instruction_state="none",
                    tags=[],
                    currency=o["currency"],
                    shipping_minor=o["shipping"],
                    ship_by=None if o["ship_by"] is None else h(o["ship_by"]),
                )
            )
            conn.execute(
                insert(tables.order_lines).values(
                    id=o["id"], order_id=o["id"], line_no=1, sku="SKU-1", quantity=1, free=False
                )
            )
            conn.execute(
                insert(tables.order_events).values(
                    order_id=o["id"],
                    kind="status",
                    from_status=None,
                    to_status="new",
                    at=h(o["placed"]) + timedelta(minutes=1),
                    command="import",
                )
            )
            # Notes never count as status changes.
            conn.execute(
                insert(tables.order_events).values(
                    order_id=o["id"],
                    kind="note",
                    at=h(o["placed"]) + timedelta(minutes=2),
                    command="orders tag",
                    note="vip",
                )
            )
        for oid, frm, to, at in TRANSITIONS:
            conn.execute(
                insert(tables.order_events).values(
                    order_id=oid, kind="status", from_status=frm, to_status=to, at=h(at), command="test"
                )
            )
        # The orders' first-time columns, as orders.events keeps them with each event.
        first: dict[tuple[int, str], float] = {}
        for oid, _, to, at in TRANSITIONS:
            if to in MILESTONE_COLUMN:
                first[oid, to] = min(at, first.get((oid, to), at))
        for (oid, to), at in first.items():
            conn.execute(update(tables.orders).where(tables.orders.c.id == oid).values({MILESTONE_COLUMN[to]: h(at)}))
        conn.execute(insert(tables.pick_runs).values(id=1, created_at=h(-100), method="batch"))
        stop = 0
        for lid, picker, status, claimed, completed, distance, allocs in PICK_LISTS:
            conn.execute(
                insert(tables.pick_lists).values(
                    id=lid,
                    run_id=1,
                    picker=picker,
                    status=status,
                    distance_m=distance,
                    claimed_at=None if claimed is None else h(claimed),
                    completed_at=None if completed is None else h(completed),
                )
            )
            for oid, qty, picked, short in allocs:
                stop += 1
                conn.execute(
                    insert(tables.pick_stops).values(
                        id=stop, list_id=lid, seq=stop, location="A01-01", sku="SKU-1", quantity=qty
                    )
                )
                conn.execute(
                    insert(tables.pick_allocations).values(
                        stop_id=stop, order_id=oid, order_line_id=oid, quantity=qty, picked_qty=picked, short_qty=short
                    )
                )
        for oid, result, at, n in SCANS:
            for _ in range(n):
                conn.execute(
                    insert(tables.verify_scans).values(
                        order_id=oid, code="4006381333931", sku="SKU-1", result=result, at=h(at)
                    )
                )
        per_order: dict[int, int] = {}
        for oid, box, packed, weight, measured, billable, fill, cost, shipped in PACKAGES:
            per_order[oid] = per_order.get(oid, 0) + 1
            conn.execute(
                insert(tables.packages).values(
                    order_id=oid,
                    package_no=per_order[oid],
                    box=box,
                    length_mm=300,
                    width_mm=200,
                    height_mm=100,
                    weight_g=weight,
                    measured_weight_g=measured,
                    billable_weight_g=billable,
                    fill_pct=fill,
                    materials=[],
                    placements=[],
                    packed_at=h(packed),
                    cost_minor=cost,
                    shipped_at=None if shipped is None else h(shipped),
                )
            )
        for oid, rating, at in FEEDBACK:
            conn.execute(insert(tables.feedback).values(order_id=oid, rating=rating, at=h(at)))
        for problem_order, status, at in PROBLEMS:
            conn.execute(
                insert(tables.problems).values(
                    order_id=problem_order, source="manual", description="x", status=status, opened_at=h(at)
                )
            )
        for n, (oid, reason, at) in enumerate(RETURNS, start=1):
            conn.execute(insert(tables.returns).values(rma=f"RMA-{n}", order_id=oid, reason=reason, opened_at=h(at)))
        for n, (message_order, status, at) in enumerate(OUTBOX, start=1):
            conn.execute(
                insert(tables.outbox).values(
                    key=f"msg:{n}",
                    order_id=message_order,
                    kind="shipped",
                    to_addr="a@example.com",
                    subject="s",
                    body_text="b",
                    status=status,
                    created_at=h(at),
                    due_at=h(at),
                )
            )


@pytest.fixture
def history(store: Any) -> Any:
    """The test's store holding the fixed history."""
    write_history(store)
    return store


#: the week of the fixed history, as command-line options
WEEK = ("--since", "2024-03-04", "--until", "2024-03-11")
