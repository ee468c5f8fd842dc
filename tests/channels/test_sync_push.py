"""Tracking handed back through the channels' APIs, exactly once per package."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from channels.conftest import add_shopify, add_woo
from channels.helpers import pack, query

UPS = "1Z5R89390357567127"


def _ship(oms, ref: str, number: str = UPS, carrier: str = "ups", package: int | None = None) -> None:  # type: ignore[no-untyped-def]
    args = ["ship", ref, "--carrier", carrier, "--tracking", number] + (["--package", str(package)] if package else [])
    r = oms(*args)
    assert r.exit_code == 0, r.stderr


def _creates(fake) -> int:  # type: ignore[no-untyped-def]
    return sum("fulfillmentCreate(" in body for _, _, body in fake.requests)


def test_shopify_fulfilment_created_exactly_once_under_429_5xx_and_a_lost_answer(
    oms, shopify, fast_config, db_path
) -> None:  # type: ignore[no-untyped-def]
    add_shopify(oms, shopify)
    assert oms("sync").exit_code == 0
    pack(db_path, "shopify:1001")
    _ship(oms, "shopify:1001")
    shopify.faults += [
        {"match": "fulfillmentCreate", "status": 429, "headers": {"Retry-After": "1"}},  # not done: sent again
        {"match": "fulfillmentCreate", "status": 503},  # may be done: asked before sending again
        {"match": "fulfillmentCreate", "drop": True},  # done, the answer lost
    ]
    r = oms("--json", "sync")
    assert r.exit_code == 0, r.stderr
    assert r.json()["connections"][0]["pushed"] == 1
    assert len(shopify.fulfilments) == 1
    (f,) = shopify.fulfilments
    assert f["order"] == 1001 and f["tracking"]["number"] == UPS and f["tracking"]["company"] == "UPS"
    assert _creates(shopify) == 3  # 429, 503, the lost one; then the check found it
    assert oms("sync").exit_code == 0
    assert len(shopify.fulfilments) == 1 and _creates(shopify) == 3  # never again
    shown = oms("--json", "orders", "show", "shopify:1001").json()["channel_updates"]
    assert [(u["connection"], u["status"], u["tracking"], u["channel_ref"]) for u in shown] == [
        ("shop", "accepted", UPS, f["id"])
    ]
    assert shown[0]["accepted_at"] and shown[0]["attempts"] == 3
    text = oms("orders", "show", "shopify:1001").stdout
    assert "told to the channel" in text and "accepted" in text and f["id"] in text


def test_a_permanent_refusal_is_kept_with_the_channels_message_and_health_reports_it(
    oms, shopify, fast_config, db_path
) -> None:  # type: ignore[no-untyped-def]
    add_shopify(oms, shopify)
    assert oms("sync").exit_code == 0
    pack(db_path, "shopify:1002")
    _ship(oms, "shopify:1002")
    shopify.fulfilments.append({"id": "gid://shopify/Fulfillment/1", "order": 1002, "tracking": {"number": "OTHER"}})
    r = oms("--json", "sync")
    assert r.json()["connections"][0]["push_failed"] == 1
    (row,) = query(db_path, "SELECT status, last_error FROM channel_pushes")
    assert row[0] == "failed" and "no open fulfillment order" in row[1]
    h = oms("--json", "health")  # at once, not hours later
    assert h.exit_code == 9
    (finding,) = [f for f in h.json()["findings"] if f["check"] == "push_failed"]
    assert "shopify:1002" in finding["message"] and "no open fulfillment order" in finding["message"]


def test_tracking_not_accepted_hours_after_shipping_needs_attention(oms, shopify, fast_config, db_path) -> None:  # type: ignore[no-untyped-def]
    add_shopify(oms, shopify)
    assert oms("sync").exit_code == 0
    pack(db_path, "shopify:1003")
    _ship(oms, "shopify:1003")
    assert oms("health", "--quiet").exit_code == 0  # just shipped: not late yet
    hours_ago = lambda h: (datetime.now(UTC) - timedelta(hours=h)).strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: E731
    query(db_path, "UPDATE channel_connections SET created_at = ?", hours_ago(3))
    query(db_path, "UPDATE packages SET shipped_at = ?", hours_ago(2))  # tracking_alert_hours is 1
    h = oms("health")
    assert h.exit_code == 9
    assert "shop: tracking_not_accepted: shopify:1003 package 1" in h.stdout
    assert oms("sync").exit_code == 0
    assert oms("health", "--quiet").exit_code == 0


def test_woocommerce_completed_with_one_tracking_note_per_package(oms, woo, fast_config, db_path) -> None:  # type: ignore[no-untyped-def]
    add_woo(oms, woo)
    assert oms("sync").exit_code == 0
    pack(db_path, "woocommerce:201", packages=2)
    _ship(oms, "woocommerce:201", "PKG-ONE", carrier="acme", package=1)
    _ship(oms, "woocommerce:201", "PKG-TWO", carrier="acme", package=2)
    woo.faults += [
        {"match": "POST /wp-json/wc/v3/orders/901/notes", "drop": True},  # note added, answer lost
        {"match": "PUT /wp-json/wc/v3/orders/901", "status": 500},
    ]
    r = oms("--json", "sync")
    assert r.exit_code == 0, r.stderr
    assert r.json()["connections"][0]["pushed"] == 2
    notes = [n["note"] for n in woo.notes[901]]
    assert len(notes) == 2
    assert any("Package 1 of 2" in n and "PKG-ONE" in n for n in notes)
    assert any("Package 2 of 2" in n and "PKG-TWO" in n for n in notes)
    assert woo.orders[201]["status"] == "completed"
    assert oms("sync").exit_code == 0
    assert len(woo.notes[901]) == 2
