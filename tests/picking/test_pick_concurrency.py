"""Real processes at once: pickers claiming lists, and two planners, never share work."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from tests.picking.store_fixtures import Floor, Product, ean13, floor, order  # noqa: F401


def shop(floor: Floor, orders: int) -> None:
    floor.catalog([Product(f"P{n}", (f"A{n % 12 + 1:02d}-B{n % 20 + 1:02d}-L1",), ean13(n)) for n in range(12)])
    floor.stock_everything(100)
    floor.import_orders([order(str(i), [(f"P{i % 12}", 1), (f"P{(i * 5) % 12}", 1)]) for i in range(orders)])
    floor.release()


def finish(procs: list[Any]) -> list[tuple[int, str, str]]:
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        out.append((p.returncode, stdout, stderr))
    return out


def test_pickers_asking_at_once_never_get_the_same_list(floor: Floor, oms_proc: Any) -> None:
    shop(floor, orders=3)
    floor.run("pick", "plan", "--method", "single")
    assert len(floor.query("SELECT id FROM pick_lists WHERE status = 'open'")) == 3
    procs = [oms_proc("--json", "pick", "next", "--picker", f"picker{n}") for n in range(5)]
    results = finish(procs)
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    claimed = [json.loads(out)["list"] for _, out, _ in results]
    got = [c for c in claimed if c is not None]
    assert sorted(got) == sorted(set(got)) and len(got) == 3
    assert claimed.count(None) == 2
    rows = floor.query("SELECT id, status, picker FROM pick_lists ORDER BY id")
    assert all(r.status == "claimed" for r in rows)
    assert {r.id: r.picker for r in rows} == {
        json.loads(out)["list"]: json.loads(out)["picker"] for _, out, _ in results if json.loads(out)["list"]
    }


def test_two_planners_at_once_plan_each_order_once(floor: Floor, oms_proc: Any) -> None:
    shop(floor, orders=20)
    procs = [oms_proc("--json", "pick", "plan", "--method", method) for method in ("batch", "zone")]
    results = finish(procs)
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    planned = Counter(ref for _, out, _ in results for x in json.loads(out)["lists"] for ref in set(x["orders"]))
    # Zone lists repeat an order per zone; count each order once per run.
    per_run = Counter()
    for _, out, _ in results:
        for ref in {r for x in json.loads(out)["lists"] for r in x["orders"]}:
            per_run[ref] += 1
    assert len(per_run) == 20 and set(per_run.values()) == {1}
    assert set(planned) == set(per_run)
    lines = floor.query("SELECT order_line_id, SUM(quantity) FROM pick_allocations GROUP BY order_line_id")
    assert len(lines) == 40 and {r[1] for r in lines} == {1}
    assert set(floor.statuses().values()) == {"picking"}


def test_planning_leaves_the_store_free_and_notices_what_changed_meanwhile(
    floor: Floor, oms_proc: Any, db_path: Any
) -> None:
    """The planner reads, then plans with no lock held: another process can write in the
    meantime (here: hold an order), and the run stored afterwards is planned on what the
    store holds when it is written, not on what it held when it was read."""
    import os
    import signal

    from tests import storedb

    shop(floor, orders=300)
    proc = oms_proc("--json", "pick", "plan", "--method", "batch")
    assert proc.stderr is not None
    line = proc.stderr.readline()  # the planner has read the orders and starts planning
    assert line.startswith("planning 300 orders"), line
    os.kill(proc.pid, signal.SIGSTOP)  # hold it there, however fast it plans
    con = storedb.connect(db_path, timeout=0, autocommit=True)
    try:
        if con.is_postgresql:  # would fail at once if the planner held a lock on the order
            con.execute("SET lock_timeout = '100ms'")
            con.execute("BEGIN")
        else:
            con.execute("BEGIN IMMEDIATE")  # would fail at once if the planner held the write lock
        assert proc.poll() is None
        con.execute("UPDATE orders SET status = 'on_hold', hold_reason = 'manual' WHERE ref = 'shop:7'")
        con.execute(
            "INSERT INTO order_events (order_id, kind, from_status, to_status, at, command) "
            "SELECT id, 'status', 'ready', 'on_hold', '2026-11-26 10:00:00.000000', 'orders hold' FROM orders WHERE ref = 'shop:7'"
        )
        con.execute("COMMIT")
    finally:
        con.close()
        os.kill(proc.pid, signal.SIGCONT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    doc = json.loads(stdout)
    planned = {ref for x in doc["lists"] for ref in x["orders"]}
    assert "shop:7" not in planned and len(planned) == doc["orders_planned"] == 299
    assert floor.status("shop:7") == "on_hold"
    assert Counter(floor.statuses().values()) == {"picking": 299, "on_hold": 1}
    lines = floor.query("SELECT a.order_line_id, SUM(a.quantity) FROM pick_allocations a GROUP BY a.order_line_id")
    assert len(lines) == 598 and {r[1] for r in lines} == {1}
