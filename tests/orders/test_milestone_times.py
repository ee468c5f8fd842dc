"""Orders keep the first time they reached each milestone status, written with the event."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from oms_cli.orders.events import StatusChange, transition, transition_many
from oms_cli.orders.lifecycle import MILESTONE_COLUMN
from oms_cli.store import tables
from tests import storedb
from tests.conftest import EXAMPLES

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _times(store, ref: str) -> dict[str, datetime | None]:  # type: ignore[no-untyped-def]
    t = tables.orders
    with store.connect(write=False) as conn:
        row = conn.execute(select(*[t.c[c] for c in MILESTONE_COLUMN.values()]).where(t.c.ref == ref)).one()
    return dict(zip(MILESTONE_COLUMN.values(), row))


def _id(store, ref: str) -> int:  # type: ignore[no-untyped-def]
    t = tables.orders
    with store.connect(write=False) as conn:
        return int(conn.execute(select(t.c.id).where(t.c.ref == ref)).scalar_one())


def test_a_status_reached_again_keeps_its_first_time(oms, store) -> None:
    assert oms("import", EXAMPLES / "shopify_orders.csv").exit_code == 0
    oid = _id(store, "shopify:1041")
    assert set(_times(store, "shopify:1041").values()) == {None}
    steps = [("new", "ready"), ("ready", "on_hold"), ("on_hold", "ready"), ("ready", "picking"), ("picking", "ready")]
    with store.connect(write=True) as conn:
        for n, (current, target) in enumerate(steps):
            transition(conn, oid, "shopify:1041", current, target, command="test", at=T0 + timedelta(hours=n))
    times = _times(store, "shopify:1041")
    assert times["released_at"] == T0  # the first release, not the later ones
    assert times["picked_at"] is None and times["cancelled_at"] is None


def test_bulk_moves_set_each_orders_time(oms, store) -> None:
    assert oms("import", EXAMPLES / "shopify_orders.csv").exit_code == 0
    refs = ["shopify:1041", "shopify:1042"]
    ids = [_id(store, r) for r in refs]
    with store.connect(write=True) as conn:
        transition_many(
            conn, [StatusChange(oid, r, "new", "ready") for oid, r in zip(ids, refs)], command="test", at=T0
        )
        transition_many(
            conn, [StatusChange(ids[0], refs[0], "ready", "cancelled")], command="test", at=T0 + timedelta(days=1)
        )
    assert _times(store, refs[0])["released_at"] == T0 and _times(store, refs[0])["cancelled_at"] == T0 + timedelta(
        days=1
    )
    assert _times(store, refs[1])["released_at"] == T0 and _times(store, refs[1])["cancelled_at"] is None


def test_commands_and_imports_write_the_time_with_the_event(oms, store, db_path, tmp_path) -> None:
    assert oms("import", EXAMPLES / "shopify_orders.csv").exit_code == 0
    assert oms("orders", "cancel", "shopify:1041").exit_code == 0
    # an order that arrives already cancelled at the channel
    exported = oms("--json", "orders", "export", "--format", "jsonl").stdout.splitlines()
    order = json.loads(exported[1])
    order.update(ref="csv:late-1", channel="csv", external_id="late-1", status="cancelled")
    (tmp_path / "late.jsonl").write_text(json.dumps(order) + "\n")
    assert oms("import", tmp_path / "late.jsonl").exit_code == 0
    con = storedb.connect(db_path)
    try:
        rows = con.execute(
            "SELECT o.ref, o.cancelled_at, e.at FROM orders o JOIN order_events e ON e.order_id = o.id "
            "WHERE e.kind = 'status' AND e.to_status = 'cancelled'"
        ).fetchall()
    finally:
        con.close()
    # 1048 is cancelled in the example export itself
    assert sorted(r[0] for r in rows) == ["csv:late-1", "shopify:1041", "shopify:1048"]
    assert all(stored == at for _, stored, at in rows)
