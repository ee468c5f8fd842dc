"""Two `oms release --all` processes at once never reserve more than is on the shelf."""

from __future__ import annotations

import json
import random
from pathlib import Path

from release_shop import add_orders, make_order

from tests import storedb


def test_two_release_runs_at_once_never_over_reserve(oms, shop, oms_proc, db_path: Path) -> None:
    # enough for most orders, so the two runs compete over releasing, not only over holding
    shop.receive("MUG", 1100)
    shop.receive("MUG", 300, "A02-B01")
    shop.receive("TEE", 270)
    rng = random.Random(3)
    orders = []
    for i in range(900):
        lines = [("MUG", rng.randint(1, 3))] + ([("TEE", rng.randint(1, 2))] if rng.random() < 0.4 else [])
        orders.append(
            make_order(
                f"c{i}",
                lines,
                level=rng.choice(["standard", "standard", "expedited", "next_day"]),
                placed=f"2030-01-{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00",
            )
        )
    add_orders(shop.store, orders)

    # Small chunks make the two runs take turns at the write lock many times.
    env = {"OMS_RELEASE_CHUNK": "20"}
    runs = [oms_proc("--json", "release", "--all", env=env), oms_proc("--json", "release", "--all", env=env)]
    outs = [p.communicate(timeout=120) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], [o[1][-2000:] for o in outs]
    reports = [json.loads(o[0]) for o in outs]
    assert all(r["errors"] == [] for r in reports)
    # every order was released by exactly one of the runs
    released_by = [{x["ref"] for x in r["released"]} for r in reports]
    assert not released_by[0] & released_by[1]

    con = storedb.connect(db_path)
    try:
        stock = {
            (s, loc): (on, res) for s, loc, on, res in con.execute("SELECT sku, location, on_hand, reserved FROM stock")
        }
        for (sku, loc), (on_hand, reserved) in stock.items():
            assert 0 <= reserved <= on_hand, (sku, loc, on_hand, reserved)
        held_units = dict(
            ((s, loc), q)
            for s, loc, q in con.execute(
                "SELECT sku, location, SUM(quantity) FROM reservations WHERE state = 'active' GROUP BY sku, location"
            )
        )
        assert {k: v[1] for k, v in stock.items() if v[1]} == held_units
        # each order decided once: released orders hold exactly their lines, the others hold nothing
        statuses = dict(con.execute("SELECT ref, status FROM orders"))
        assert set(statuses.values()) <= {"ready", "on_hold"}
        into_ready = dict(
            con.execute("SELECT order_id, COUNT(*) FROM order_events WHERE to_status = 'ready' GROUP BY order_id")
        )
        assert max(into_ready.values()) == 1
        per_line = con.execute(
            "SELECT o.status, l.quantity, COALESCE((SELECT SUM(r.quantity) FROM reservations r WHERE r.order_line_id = l.id AND r.state = 'active'), 0) "
            "FROM order_lines l JOIN orders o ON o.id = l.order_id"
        ).fetchall()
        for status, quantity, reserved in per_line:
            assert reserved == (quantity if status == "ready" else 0)
        # nothing held for want of stock could in fact have been filled from what is left
        available = {}
        for (sku, _loc), (on_hand, reserved) in stock.items():
            available[sku] = available.get(sku, 0) + on_hand - reserved
        short = con.execute(
            "SELECT o.id, l.sku, SUM(l.quantity) FROM orders o JOIN order_lines l ON l.order_id = o.id "
            "WHERE o.hold_reason = 'out_of_stock' GROUP BY o.id, l.sku"
        ).fetchall()
        needs: dict[int, dict[str, int]] = {}
        for oid, sku, q in short:
            needs.setdefault(oid, {})[sku] = q
        assert needs, "the test needs demand beyond the stock"
        for need in needs.values():
            assert any(q > available.get(sku, 0) for sku, q in need.items())
        released = sum(1 for s in statuses.values() if s == "ready")
        assert 100 < released < 900
    finally:
        con.close()
    assert oms("stock", "check").exit_code == 0
