"""`oms demo` walks the whole process on the bundled data and leaves its results behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests import storedb


def test_demo_walks_every_step(tmp_path) -> None:
    work = tmp_path / "demo"
    # on PostgreSQL the demo runs in the test's database (oms demo --db URL)
    store = os.environ["OMS_DB"] if storedb.POSTGRESQL else str(work / "oms.db")
    extra = ["--db", store] if storedb.POSTGRESQL else []
    r = subprocess.run(
        [sys.executable, "-m", "oms_cli", "demo", "--dir", str(work), *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    for step in (
        "1. import",
        "2. catalog",
        "3. pick",
        "4. pack",
        "5. documents",
        "6. ship",
        "7. delivered",
        "8. the fulfilment report",
    ):
        assert step in r.stderr
    for name in (
        "labels.pdf",
        "labels.zpl",
        "slips.pdf",
        "invoices.pdf",
        "picklist.pdf",
        "report.pdf",
        "report.csv",
        "amazon-confirmations.txt",
        "shopify-fulfilments.csv",
    ):
        assert (work / name).stat().st_size > 0, name
    assert any(p.name.endswith(".eml") and "shipped" in p.name for p in (work / "outbox").iterdir())
    con = storedb.connect(store)
    try:
        statuses = dict(con.execute("SELECT status, count(*) FROM orders GROUP BY status").fetchall())
        returns = con.execute("SELECT count(*) FROM returns").fetchone()[0]
        payments = con.execute("SELECT count(*) FROM payments").fetchone()[0]
        milestones = _milestones_against_events(con)
    finally:
        con.close()
    assert statuses.get("delivered", 0) + statuses.get("returned", 0) >= 1
    assert statuses.get("shipped", 0) >= 1 and statuses.get("ready", 0) >= 1 and statuses.get("on_hold", 0) >= 1
    assert returns >= 1 and payments >= 1
    # every order's first-time columns agree with its event log, order by order
    stored, from_events = milestones
    assert any(any(t) for t in stored.values()) and stored == from_events
    # the store it leaves is an ordinary store the other commands read
    again = subprocess.run(
        [sys.executable, "-m", "oms_cli", "--json", "--db", store, "orders", "list", "-n", "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(json.loads(again.stdout)) == sum(statuses.values())


def _milestones_against_events(con: storedb.Db) -> tuple[dict, dict]:
    """Each order's milestone columns, and the same times derived from its status events."""
    from oms_cli.orders.lifecycle import MILESTONE_COLUMN

    cols = list(MILESTONE_COLUMN.values())
    stored = {row[0]: row[1:] for row in con.execute(f"SELECT id, {', '.join(cols)} FROM orders")}
    derived = ", ".join(
        f"(SELECT min(at) FROM order_events e WHERE e.order_id = o.id AND e.kind = 'status' AND e.to_status = '{status}')"
        for status in MILESTONE_COLUMN
    )
    from_events = {row[0]: row[1:] for row in con.execute(f"SELECT id, {derived} FROM orders o")}
    return stored, from_events


def test_demo_refuses_a_folder_that_already_holds_a_store(oms, tmp_path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "oms.db").write_bytes(b"")
    r = oms("demo", "--dir", tmp_path / "d")
    assert r.exit_code == 5
    assert "already holds a store" in r.stderr


@pytest.mark.postgresql_only
def test_demo_refuses_a_database_that_holds_orders(oms, tmp_path, db_path) -> None:
    from tests.picking.store_fixtures import order

    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(order("1", [("P1", 1)])) + "\n", encoding="utf-8")
    assert oms("import", "--channel", "jsonl", path).exit_code == 0
    before = storedb.store_digest(db_path)
    r = oms("demo", "--dir", tmp_path / "d", "--db", db_path)
    assert r.exit_code == 5, r.stderr
    assert "already holds 1 orders" in r.stderr and "@127.0.0.1" in r.stderr
    assert storedb.store_digest(db_path) == before
