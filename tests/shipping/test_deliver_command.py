"""`oms deliver`: one order, or a carrier's delivery report; the feedback request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from shipping.fixtures import FEDEX_1, UPS_1, UPS_2, UPS_3, make_order, store_digest

from tests import storedb


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    con = storedb.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def backdate_shipping(db: Path, days: int = 5) -> None:
    """Pretend the parcels left some days ago, so deliveries "today" come after."""
    when = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S.000000")
    con = storedb.connect(db)
    con.execute("UPDATE packages SET shipped_at = ? WHERE shipped_at IS NOT NULL", (when,))
    con.commit()
    con.close()


def shipped(oms, store, ref: str = "shopify:1001", tracking: str = UPS_1, **kw) -> None:  # type: ignore[no-untyped-def]
    make_order(store, ref, **kw)
    assert oms("ship", ref, "-c", "ups", "-t", tracking).exit_code == 0
    backdate_shipping(store.given)


def test_deliver_marks_the_order_and_queues_the_feedback_request(oms, store, db_path: Path) -> None:
    shipped(oms, store)
    at = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)
    r = oms("--json", "deliver", "shopify:1001", "--at", at.isoformat())
    assert r.exit_code == 0, r.stderr
    assert r.json()["status"] == "delivered"
    assert query(db_path, "SELECT status FROM orders") == [("delivered",)]
    stamp = at.strftime("%Y-%m-%d %H:%M:%S.000000")
    assert query(db_path, "SELECT delivered_at FROM packages") == [(stamp,)]
    assert query(db_path, "SELECT from_status, command, at FROM order_events WHERE to_status = 'delivered'") == [
        ("shipped", "deliver", stamp)
    ]
    due = (at + timedelta(hours=48)).strftime("%Y-%m-%d %H:%M:%S.000000")
    assert query(db_path, "SELECT key, kind, due_at, status FROM outbox WHERE kind != 'shipped'") == [
        ("delivered_feedback_request:shopify:1001", "delivered_feedback_request", due, "queued")
    ]


def test_deliver_twice_changes_nothing(oms, store, db_path: Path) -> None:
    shipped(oms, store)
    assert oms("deliver", "shopify:1001").exit_code == 0
    before = store_digest(db_path)
    r = oms("deliver", "shopify:1001")
    assert r.exit_code == 0
    assert "already delivered" in r.stderr
    assert store_digest(db_path) == before


def test_an_order_not_shipped_is_refused(oms, store, db_path: Path) -> None:
    make_order(store)
    before = store_digest(db_path)
    r = oms("deliver", "shopify:1001")
    assert r.exit_code == 5
    assert "packed, not shipped" in r.stderr
    assert store_digest(db_path) == before


def test_bad_and_future_times_are_bad_input(oms, store, db_path: Path) -> None:
    shipped(oms, store)
    before = store_digest(db_path)
    r = oms("deliver", "shopify:1001", "--at", "yesterday-ish")
    assert r.exit_code == 3 and "--at" in r.stderr and "not a date" in r.stderr
    r = oms("deliver", "shopify:1001", "--at", (datetime.now(UTC) + timedelta(days=2)).date().isoformat())
    assert r.exit_code == 3 and "future" in r.stderr
    r = oms("deliver", "shopify:1001", "--at", "2001-01-01")
    assert r.exit_code == 3 and "before the order shipped" in r.stderr
    assert store_digest(db_path) == before


def test_delivery_report_with_unknown_numbers(oms, store, db_path: Path, tmp_path: Path) -> None:
    shipped(oms, store, "shopify:1001", UPS_1)
    shipped(oms, store, "shopify:1002", UPS_2)
    make_order(store, "shopify:1003")
    oms("ship", "shopify:1003", "-c", "fedex", "-t", FEDEX_1)
    backdate_shipping(db_path)
    today = datetime.now(UTC).date() - timedelta(days=1)
    report = tmp_path / "ups-deliveries.csv"
    report.write_text(
        "Tracking Number,Delivery Date,Status\n"
        f"{UPS_1},{today.strftime('%m/%d/%Y')} 10:15 AM,Delivered\n"
        f"1Z 879E 9303 4683 4440,{today.isoformat()} 11:00,DELIVERED\n"
        f"{FEDEX_1},,In transit\n"
        "1Z999AA10123456784,2026-01-01,Delivered\n",
        encoding="utf-8",
    )
    r = oms("--json", "deliver", "--from-csv", report)
    assert r.exit_code == 6, r.stderr
    data = r.json()
    assert [(row["line"], row["result"]) for row in data["rows"]] == [
        (2, "delivered"),
        (3, "delivered"),
        (4, "not delivered"),
        (5, "unknown"),
    ]
    assert data["unknown"] == ["1Z999AA10123456784"]
    assert dict(query(db_path, "SELECT ref, status FROM orders")) == {
        "shopify:1001": "delivered",
        "shopify:1002": "delivered",
        "shopify:1003": "shipped",
    }
    assert query(db_path, "SELECT delivered_at FROM packages WHERE tracking = ?", UPS_1) == [
        (f"{today.isoformat()} 10:15:00.000000",)
    ]
    assert len(query(db_path, "SELECT * FROM outbox WHERE kind = 'delivered_feedback_request'")) == 2
    r = oms("deliver", "--from-csv", report)
    assert r.exit_code == 6
    assert "1 tracking number not found: 1Z999AA10123456784" in r.stderr
    assert len(query(db_path, "SELECT * FROM outbox WHERE kind = 'delivered_feedback_request'")) == 2


def test_a_bad_row_refuses_the_report(oms, store, db_path: Path, tmp_path: Path) -> None:
    shipped(oms, store)
    report = tmp_path / "deliveries.csv"
    report.write_text(f"tracking,delivered_at\n{UPS_1},2026-13-45\n", encoding="utf-8")
    before = store_digest(db_path)
    r = oms("deliver", "--from-csv", report)
    assert r.exit_code == 3
    assert f"{report}:2: delivered_at '2026-13-45' is not a date" in r.stderr
    assert store_digest(db_path) == before


def test_each_package_of_an_order_is_delivered_on_its_own(oms, store, db_path: Path, tmp_path: Path) -> None:
    make_order(store, packages=2)
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1, "-p", "1")
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_3, "-p", "2")
    backdate_shipping(db_path)
    today = datetime.now(UTC).date().isoformat()
    first = tmp_path / "d1.csv"
    first.write_text(f"{UPS_1},{today}\n", encoding="utf-8")
    r = oms("--json", "deliver", "--from-csv", first)
    assert r.exit_code == 0 and r.json()["rows"][0]["result"] == "package delivered"
    assert query(db_path, "SELECT status FROM orders") == [("shipped",)]
    second = tmp_path / "d2.csv"
    second.write_text(f"{UPS_3},{today}\n", encoding="utf-8")
    assert oms("deliver", "--from-csv", second).exit_code == 0
    assert query(db_path, "SELECT status FROM orders") == [("delivered",)]


def test_deliver_needs_a_reference_or_a_file(oms, tmp_path: Path) -> None:
    assert oms("deliver").exit_code == 2
    f = tmp_path / "d.csv"
    f.write_text(f"{UPS_1},2026-01-01\n", encoding="utf-8")
    assert oms("deliver", "shopify:1001", "--from-csv", f).exit_code == 2
