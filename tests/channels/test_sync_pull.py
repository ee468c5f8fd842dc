"""`oms sync` pulling from Shopify and WooCommerce fakes: idempotency, pages that change,
throttling, failures, malformed pages, and the same upsert as a file import."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from channels.conftest import add_shopify, add_woo
from channels.fakes import T0
from channels.helpers import query

from tests.conftest import table_counts


def _now() -> str:
    """A change at the channel happens now (after the last pass)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _orders(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(query(db, "SELECT ref, ship_name FROM orders"))


@pytest.mark.parametrize("kind", ["shopify", "woocommerce"])
def test_sync_twice_stores_each_order_once_and_the_second_finds_nothing_new(
    oms, shopify, woo, fast_config, db_path, kind
) -> None:  # type: ignore[no-untyped-def]
    add_shopify(oms, shopify) if kind == "shopify" else add_woo(oms, woo)
    first = oms("--json", "sync")
    assert first.exit_code == 0, first.stderr
    (c,) = first.json()["connections"]
    assert (c["new"], c["pages"], c["complete"]) == (5, 2, True)  # five orders, three a page
    second = oms("--json", "sync")
    assert second.exit_code == 0, second.stderr
    (c,) = second.json()["connections"]
    assert (c["new"], c["updated"]) == (0, 0)
    assert len(_orders(db_path)) == 5
    assert query(db_path, "SELECT count(*) FROM order_events WHERE command = 'import'") == [(5,)]


def test_an_order_changed_at_the_channel_is_updated_and_a_cancellation_arrives(oms, woo, fast_config, db_path) -> None:  # type: ignore[no-untyped-def]
    add_woo(oms, woo)
    assert oms("sync").exit_code == 0
    woo.orders[202]["shipping"]["address_1"] = "Neue Str. 9"
    woo.orders[202]["date_modified_gmt"] = _now()
    woo.orders[203]["status"] = "cancelled"
    woo.orders[203]["date_modified_gmt"] = _now()
    r = oms("--json", "sync")
    (c,) = r.json()["connections"]
    assert (c["new"], c["updated"], c["cancelled"]) == (0, 2, 1)
    assert query(db_path, "SELECT ship_address1 FROM orders WHERE ref = 'woocommerce:202'") == [("Neue Str. 9",)]
    assert query(db_path, "SELECT status FROM orders WHERE ref = 'woocommerce:203'") == [("cancelled",)]


def test_a_file_import_and_a_sync_of_the_same_order_are_one_order(oms, shopify, fast_config, db_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    export = tmp_path / "orders_export.csv"
    export.write_text(
        "Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Created at,Lineitem quantity,Lineitem name,"
        "Lineitem price,Lineitem sku,Shipping Name,Shipping Address1,Shipping City,Shipping Zip,Shipping Province,Shipping Country\n"
        "#1001,buyer1001@example.com,paid,USD,20.00,4.95,0.00,24.95,2026-11-02 08:56:00 +0000,2,Mug,10.00,MUG-1,"
        "Buyer 1001,1 Main St,Springfield,62701,IL,US\n",
        encoding="utf-8",
    )
    assert oms("import", str(export)).exit_code == 0
    add_shopify(oms, shopify)
    r = oms("--json", "sync")
    (c,) = r.json()["connections"]
    assert c["new"] == 4 and c["new"] + c["updated"] + c["unchanged"] == 5
    assert len(_orders(db_path)) == 5
    assert query(db_path, "SELECT count(*) FROM orders WHERE external_id = '1001'") == [(1,)]


def test_a_page_that_changes_between_calls_misses_nothing_by_the_next_pass(oms, woo, fast_config, db_path) -> None:  # type: ignore[no-untyped-def]
    """Between page 1 and page 2 the oldest order changes: the pages shift under the sync,
    so it skips one order in this pass; the next pass (since the start of this one) gets it."""
    add_woo(oms, woo)

    def touch(page: int) -> None:
        if page == 1:
            o = woo.orders[201]
            o["shipping"]["city"] = "Hamburg"
            o["date_modified_gmt"] = _now()

    woo.before_page = touch
    assert oms("sync").exit_code == 0
    woo.before_page = None
    assert oms("sync").exit_code == 0
    assert sorted(_orders(db_path)) == [f"woocommerce:{n}" for n in range(201, 206)]
    assert query(db_path, "SELECT ship_city FROM orders WHERE ref = 'woocommerce:201'") == [("Hamburg",)]


def test_throttling_429_and_5xx_are_waited_out(oms, shopify, woo, fast_config, db_path) -> None:  # type: ignore[no-untyped-def]
    add_shopify(oms, shopify)
    add_woo(oms, woo)
    shopify.throttle = 2  # THROTTLED answers: waited by the reported cost ((252 - 232) / 100 s)
    woo.faults += [
        {"match": "GET /wp-json/wc/v3/orders", "status": 429, "headers": {"Retry-After": "1"}},
        {"match": "GET /wp-json/wc/v3/orders", "status": 503, "body": "<html>Service Unavailable</html>"},
    ]
    r = oms("--json", "sync")
    assert r.exit_code == 0, r.stderr
    by = {c["connection"]: c for c in r.json()["connections"]}
    assert by["shop"]["new"] == 5 and by["woo"]["new"] == 5
    assert by["woo"]["waited_s"] >= 1.0  # the Retry-After was honoured
    assert by["shop"]["waited_s"] >= 0.1


def test_a_channel_that_stays_down_fails_the_sync_with_one_line_and_health_says_so(
    oms, shopify, woo, fast_config, db_path
) -> None:  # type: ignore[no-untyped-def]
    add_shopify(oms, shopify)
    add_woo(oms, woo)
    woo.faults += [{"match": "GET /wp-json/wc/v3/orders", "status": 502, "body": "Bad Gateway"}] * 4
    r = oms("sync")
    assert r.exit_code == 6  # one connection synced, the other failed
    failed = [ln for ln in r.stderr.splitlines() if "sync failed" in ln]
    assert len(failed) == 1
    assert "connection 'woo'" in failed[0] and "GET /wp-json/wc/v3/orders page 1" in failed[0]
    assert "502 Bad Gateway (after 4 tries)" in failed[0]
    h = oms("--json", "health")
    assert h.exit_code == 9
    checks = {(f["subject"], f["check"]) for f in h.json()["findings"]}
    assert ("woo", "sync_failed") in checks and ("woo", "stale_sync") in checks
    assert not any(s == "shop" for s, _ in checks)
    assert oms("sync", "woo").exit_code == 0  # the channel is back
    assert oms("health", "--quiet").exit_code == 0
    assert oms("health", "--quiet").stdout == ""


def test_unreachable_channel_exits_7(oms, fast_config, db_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from shipping.fixtures import free_port

    monkeypatch.setenv("SHOP_TOKEN", "x" * 20)
    port = free_port()
    r = oms(
        "channels",
        "add",
        "shop",
        "--kind",
        "shopify",
        "--url",
        f"http://127.0.0.1:{port}",
        "--secret",
        "access_token=env:SHOP_TOKEN",
    )
    assert r.exit_code == 0
    r = oms("sync")
    assert r.exit_code == 7
    assert "connection 'shop'" in r.stderr and "cannot reach the channel" in r.stderr


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda o: o["line_items"][0].update(quantity="two"), "line_items[0].quantity"),
        (lambda o: o["shipping"].update(country="Narnia"), "shipping.country"),
        (lambda o: o.pop("date_created_gmt"), "date_created_gmt"),
    ],
)
def test_a_malformed_page_is_refused_whole_and_the_cursor_stays(oms, woo, fast_config, db_path, change, field) -> None:  # type: ignore[no-untyped-def]
    add_woo(oms, woo)
    change(woo.orders[205])  # on page 2 (three orders a page)
    before = table_counts(db_path)
    r = oms("sync")
    assert r.exit_code == 3
    (line,) = [ln for ln in r.stderr.splitlines() if "sync failed" in ln]
    # the second page: asked for as the changes after the first page's latest
    assert "connection 'woo'" in line and "GET /wp-json/wc/v3/orders page 1 modified after 2026-11-02T09:02:59" in line
    assert "order 205" in line and field in line
    # page 1 went in with its cursor; nothing of page 2 (orders 204 and 205) did
    assert sorted(_orders(db_path)) == ["woocommerce:201", "woocommerce:202", "woocommerce:203"]
    cursor = json.loads(query(db_path, "SELECT cursor FROM channel_connections")[0][0])
    assert cursor["page"] == "2026-11-02T09:02:59|1"
    assert table_counts(db_path)["orders"] == before["orders"] + 3
    again = oms("sync")  # still malformed: refused again, cursor still there
    assert again.exit_code == 3
    assert json.loads(query(db_path, "SELECT cursor FROM channel_connections")[0][0]) == cursor
    woo.add(205, T0 + timedelta(minutes=5))  # the channel fixes it
    assert oms("sync").exit_code == 0
    assert len(_orders(db_path)) == 5


def test_an_answer_that_is_not_json_is_refused_naming_the_endpoint(oms, shopify, fast_config, db_path) -> None:  # type: ignore[no-untyped-def]
    add_shopify(oms, shopify)
    shopify.faults.append({"match": "orders(", "status": 200, "body": "<html>maintenance</html>"})
    before = table_counts(db_path)
    r = oms("sync")
    assert r.exit_code == 3
    (line,) = [ln for ln in r.stderr.splitlines() if "sync failed" in ln]
    assert "connection 'shop'" in line and "POST /admin/api/2024-10/graphql.json" in line and "not JSON" in line
    assert table_counts(db_path)["orders"] == before["orders"]
    assert query(db_path, "SELECT cursor FROM channel_connections") == [(None,)]
