"""`oms channels …`, `oms health` and how secrets are kept out of everything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from channels.conftest import add_shopify, add_woo
from channels.fakes import T0, ShopifyFake, WooFake
from channels.helpers import query

from tests import storedb


def test_add_list_show_test_remove(oms, shopify, fast_config, db_path) -> None:  # type: ignore[no-untyped-def]
    add_shopify(oms, shopify)
    listed = oms("--json", "channels", "list").json()
    assert [(c["name"], c["kind"], c["secrets"]) for c in listed] == [
        ("shop", "shopify", {"access_token": "env:SHOP_TOKEN"})
    ]
    shown = oms("channels", "show", "shop")
    assert shown.exit_code == 0 and "access_token: read from env:SHOP_TOKEN" in shown.stdout
    t = oms("channels", "test", "shop")
    assert t.exit_code == 0 and "Test Shop" in t.stderr
    assert (
        oms(
            "channels", "add", "shop", "--kind", "shopify", "--url", shopify.url, "--secret", "access_token=env:X"
        ).exit_code
        == 5
    )
    assert oms("channels", "remove", "shop").exit_code == 0
    assert oms("channels", "show", "shop").exit_code == 4
    assert oms("sync", "shop").exit_code == 4


def test_add_refuses_a_secret_value_and_asks_for_what_is_missing(oms, shopify, db_path) -> None:  # type: ignore[no-untyped-def]
    r = oms(
        "channels",
        "add",
        "shop",
        "--kind",
        "shopify",
        "--url",
        shopify.url,
        "--secret",
        f"access_token={ShopifyFake.token}",
    )
    assert r.exit_code == 2 and "environment variable" in r.stderr
    assert ShopifyFake.token not in r.stderr
    r = oms("channels", "add", "woo", "--kind", "woocommerce", "--url", "http://x", "--secret", "consumer_key=env:K")
    assert r.exit_code == 2 and "consumer_secret" in r.stderr
    assert oms("channels", "add", "x", "--kind", "myspace", "--url", "http://x", "--secret", "a=env:B").exit_code == 2
    assert query(db_path, "SELECT count(*) FROM channel_connections") == [(0,)]


def test_secrets_never_reach_the_store_messages_or_config_show(
    oms, shopify, woo, fast_config, db_path, oms_home, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    add_shopify(oms, shopify)
    add_woo(oms, woo)
    outputs = [oms("sync"), oms("--json", "channels", "list"), oms("channels", "show", "woo"), oms("config", "show")]
    monkeypatch.setenv("WC_SECRET", "cs_wrong_secret_value_42")  # refused: the error names no value
    refused = oms("sync", "woo")
    assert refused.exit_code == 7 and "credentials refused" in refused.stderr
    monkeypatch.delenv("SHOP_TOKEN")
    unset = oms("sync", "shop")
    assert unset.exit_code == 3 and "SHOP_TOKEN" in unset.stderr and "not set" in unset.stderr
    outputs += [refused, unset, oms("--json", "health")]
    values = [ShopifyFake.token, WooFake.key, WooFake.secret, "cs_wrong_secret_value_42"]
    for r in outputs:
        for v in values:
            assert v not in r.stdout and v not in r.stderr
    stored = storedb.all_rows_text(db_path)
    for v in values:
        assert v not in stored
    files = [p for p in oms_home.rglob("*") if p.is_file()]
    if not storedb.POSTGRESQL:
        files += [Path(db_path), Path(str(db_path) + "-wal")]
    for f in files:
        if f.exists() and f.suffix not in (".py",):
            data = f.read_bytes()
            for v in values:
                assert v.encode() not in data, f


def test_health_finds_missing_order_numbers_and_stale_connections(oms, shopify, fast_config, db_path) -> None:  # type: ignore[no-untyped-def]
    del shopify.orders[1003]
    shopify.add(1009, T0 + timedelta(minutes=30))
    add_shopify(oms, shopify)
    assert oms("sync").exit_code == 0
    h = oms("--json", "health")
    assert h.exit_code == 9
    (gap,) = h.json()["findings"]
    assert gap["check"] == "order_gap" and "1003, 1006, 1007, 1008" in gap["message"]
    shopify.add(1003, T0)
    for n in (1006, 1007, 1008):
        shopify.add(n, T0)
    query(db_path, "UPDATE channel_connections SET cursor = NULL")  # a full pass again
    assert oms("sync").exit_code == 0
    assert oms("health", "--quiet").exit_code == 0
    two_hours_ago = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S.%f")
    query(db_path, "UPDATE channel_connections SET last_synced_at = ?", two_hours_ago)
    h = oms("health")
    assert h.exit_code == 9 and "shop: stale_sync: last synced 2 h ago; expected every 15 min" in h.stdout


def test_released_orders_changed_at_the_channel_raise_a_problem_instead(oms, woo, fast_config, db_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    add_woo(oms, woo)
    assert oms("sync").exit_code == 0
    query(db_path, "UPDATE orders SET status = 'picking' WHERE ref IN ('woocommerce:201', 'woocommerce:202')")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    woo.orders[201].update(status="cancelled", date_modified_gmt=now)
    woo.orders[202]["shipping"]["address_1"] = "Elsewhere 5"
    woo.orders[202]["date_modified_gmt"] = now
    r = oms("sync")
    assert r.exit_code == 0
    assert "problem opened: woocommerce:201: cancelled at the channel after release" in r.stderr
    assert "problem opened: woocommerce:202: address changed at the channel after release" in r.stderr
    assert query(db_path, "SELECT status, ship_address1 FROM orders WHERE ref = 'woocommerce:202'") == [
        ("picking", "Hauptstr. 1")
    ]
    assert query(db_path, "SELECT count(*) FROM problems WHERE source = 'channel' AND status = 'open'") == [(2,)]
    query(db_path, "UPDATE channel_connections SET cursor = NULL")
    assert oms("sync").exit_code == 0  # seen again: no second problem
    assert query(db_path, "SELECT count(*) FROM problems") == [(2,)]
