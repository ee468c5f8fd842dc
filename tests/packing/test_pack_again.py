"""An order held after packing and picked again is packed again; its old packages go."""

from __future__ import annotations

from oms_cli.orders.events import transition
from oms_cli.orders.service import resolve_ref
from tests import storedb
from tests.packing.store_fixtures import examples_db, examples_store, pick  # noqa: F401 - fixtures


def _packages(db) -> list[tuple]:  # type: ignore[no-untyped-def]
    con = storedb.connect(db)
    try:
        return con.execute(
            "SELECT p.package_no, p.sscc FROM packages p JOIN orders o ON o.id = p.order_id WHERE o.ref = 'shopify:1041' ORDER BY p.package_no"
        ).fetchall()
    finally:
        con.close()


def test_packing_again_after_a_hold_replaces_the_earlier_packages(oms, examples_store, db_path) -> None:
    pick(examples_store, "shopify:1041")
    assert oms("pack", "verify", "shopify:1041", "--all").exit_code == 0
    first = _packages(db_path)
    assert first
    assert oms("orders", "hold", "shopify:1041", "--reason", "manual").exit_code == 0
    with examples_store.connect(write=True) as conn:  # released and picked again, as the floor would
        row = resolve_ref(conn, "shopify:1041")
        for current, target in (("on_hold", "ready"), ("ready", "picking"), ("picking", "picked")):
            transition(conn, row.id, row.ref, current, target, command="test")
    r = oms("pack", "verify", "shopify:1041", "--all")
    assert r.exit_code == 0, r.stderr
    second = _packages(db_path)
    assert len(second) == len(first)
    assert {s for _, s in second}.isdisjoint({s for _, s in first})  # new SSCCs, never reused
    events = oms("--json", "orders", "show", "shopify:1041").json()["events"]
    assert any("packed again" in (e["note"] or "") for e in events)
    assert oms("--json", "orders", "show", "shopify:1041").json()["status"] == "packed"
