"""Corrections and mistakes at the shipping desk: --replace keeps what it is not told,
a number on two orders is refused, a negative or absurd cost is refused."""

from __future__ import annotations

from shipping.fixtures import UPS_1, UPS_2, make_order, store_digest

from tests import storedb


def _package(db, ref: str) -> tuple:  # type: ignore[no-untyped-def]
    con = storedb.connect(db)
    try:
        return con.execute(
            "SELECT p.carrier, p.service, p.tracking, p.cost_minor FROM packages p JOIN orders o ON o.id = p.order_id WHERE o.ref = ?",
            (ref,),
        ).fetchone()
    finally:
        con.close()


def test_replace_changes_only_the_number(oms, store, db_path) -> None:
    make_order(store, "shopify:1001")
    assert (
        oms(
            "ship", "shopify:1001", "--carrier", "ups", "--tracking", UPS_1, "--service", "Ground", "--cost", "7.45"
        ).exit_code
        == 0
    )
    r = oms("ship", "shopify:1001", "--carrier", "ups", "--tracking", UPS_2, "--replace")
    assert r.exit_code == 0, r.stderr
    assert _package(db_path, "shopify:1001") == ("ups", "Ground", UPS_2, 745)


def test_one_tracking_number_on_two_orders_is_refused(oms, store, db_path) -> None:
    make_order(store, "shopify:1001")
    make_order(store, "shopify:1002")
    assert oms("ship", "shopify:1001", "--carrier", "ups", "--tracking", UPS_1).exit_code == 0
    before = store_digest(db_path)
    r = oms("ship", "shopify:1002", "--carrier", "ups", "--tracking", UPS_1)
    assert r.exit_code == 5
    assert "already on shopify:1001" in r.stderr
    assert store_digest(db_path) == before


def test_negative_or_absurd_cost_is_a_usage_error(oms, store, db_path) -> None:
    make_order(store, "shopify:1001")
    before = store_digest(db_path)
    for cost in ("-5", "99999999999999999999999"):
        r = oms("ship", "shopify:1001", "--carrier", "ups", "--tracking", UPS_1, f"--cost={cost}")
        assert r.exit_code == 2, (cost, r.stderr)
        assert "--cost" in r.stderr
    assert store_digest(db_path) == before
