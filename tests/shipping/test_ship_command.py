"""`oms ship REF`: tracking per package, every refusal, stock leaving, the shipped message."""

from __future__ import annotations

from pathlib import Path

from shipping.fixtures import UPS_1, UPS_2, UPS_3, make_order, store_digest

from tests import storedb


def rows(db: Path, sql: str, *params: object) -> list[storedb.Row]:
    con = storedb.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_ship_records_the_package_moves_stock_and_queues_the_message(oms, store, db_path: Path) -> None:
    order_id = make_order(store)
    r = oms(
        "ship",
        "shopify:1001",
        "--carrier",
        "UPS",
        "--tracking",
        "1Z 5R8 939 0357 5671 27",
        "--service",
        "Ground",
        "--cost",
        "7.45",
    )
    assert r.exit_code == 0, r.stderr
    assert "shipped with UPS 1Z5R89390357567127" in r.stderr
    assert r.stdout == ""
    (order,) = rows(db_path, "SELECT status FROM orders WHERE id = ?", order_id)
    assert order["status"] == "shipped"
    (pkg,) = rows(db_path, "SELECT * FROM packages WHERE order_id = ?", order_id)
    assert (pkg["carrier"], pkg["service"], pkg["tracking"], pkg["cost_minor"]) == ("ups", "Ground", UPS_1, 745)
    assert pkg["shipped_at"] is not None
    events = rows(db_path, "SELECT * FROM order_events WHERE order_id = ? AND to_status = 'shipped'", order_id)
    assert [(e["from_status"], e["command"]) for e in events] == [("packed", "ship")]
    assert UPS_1 in events[0]["note"]
    assert {r["state"] for r in rows(db_path, "SELECT state FROM reservations WHERE order_id = ?", order_id)} == {
        "shipped"
    }
    stock = {s["sku"]: (s["on_hand"], s["reserved"]) for s in rows(db_path, "SELECT * FROM stock")}
    assert stock == {"MUG-1": (9, 0), "TEE-M": (8, 0)}
    moves = {
        (m["sku"], m["location"], m["quantity"], m["reason"])
        for m in rows(db_path, "SELECT * FROM stock_movements WHERE order_id = ?", order_id)
    }
    assert moves == {("MUG-1", "A-01-01", -1, "ship"), ("TEE-M", "A-01-01", -2, "ship")}
    (msg,) = rows(db_path, "SELECT * FROM outbox")
    assert (msg["key"], msg["kind"], msg["to_addr"], msg["status"]) == (
        "shipped:shopify:1001",
        "shipped",
        "ada@example.com",
        "queued",
    )
    link = f"https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums={UPS_1}"
    assert link in msg["body_text"]
    assert link.replace("&", "&amp;") in msg["body_html"]
    assert "1001" in msg["subject"] and "Ada" in msg["body_text"]


def test_shipping_again_with_the_same_number_changes_nothing(oms, store, db_path: Path) -> None:
    make_order(store)
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1).exit_code == 0
    before = store_digest(db_path)
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    assert r.exit_code == 0
    assert "nothing to do" in r.stderr
    assert store_digest(db_path) == before


def test_a_different_number_is_refused_without_replace(oms, store, db_path: Path) -> None:
    make_order(store)
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    before = store_digest(db_path)
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_2)
    assert r.exit_code == 5
    assert "already shipped with UPS " + UPS_1 in r.stderr
    assert "--replace" in r.stderr
    assert store_digest(db_path) == before


def test_replace_corrects_the_number_and_the_waiting_message(oms, store, db_path: Path) -> None:
    make_order(store)
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_2, "--replace")
    assert r.exit_code == 0, r.stderr
    assert "corrected" in r.stderr
    assert rows(db_path, "SELECT tracking FROM packages")[0]["tracking"] == UPS_2
    (msg,) = rows(db_path, "SELECT * FROM outbox")
    assert UPS_2 in msg["body_text"] and UPS_1 not in msg["body_text"]
    notes = [e["note"] for e in rows(db_path, "SELECT note FROM order_events WHERE kind = 'note'")]
    assert any(UPS_1 in n and UPS_2 in n for n in notes)


def test_replace_after_the_message_went_out_queues_a_correction(oms, store, db_path: Path) -> None:
    make_order(store)
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    con = storedb.connect(db_path)
    con.execute("UPDATE outbox SET status = 'sent', sent_at = '2026-01-01 00:00:00.000000'")
    con.commit()
    con.close()
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_2, "--replace").exit_code == 0
    msgs = rows(db_path, "SELECT * FROM outbox ORDER BY id")
    assert [m["key"] for m in msgs] == ["shipped:shopify:1001", f"shipped:shopify:1001:{UPS_2}"]
    assert UPS_1 in msgs[0]["body_text"]
    assert "Corrected" in msgs[1]["subject"] and UPS_2 in msgs[1]["body_text"]


def test_an_order_that_is_not_packed_is_refused(oms, store, db_path: Path) -> None:
    make_order(store, status="picked")
    before = store_digest(db_path)
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    assert r.exit_code == 5
    assert "shopify:1001 is picked, not packed" in r.stderr
    assert store_digest(db_path) == before


def test_an_unacknowledged_special_instruction_is_refused(oms, store, db_path: Path) -> None:
    make_order(store, notes="Please gift wrap, it's a present")
    before = store_digest(db_path)
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    assert r.exit_code == 5
    assert 'special instruction is not acknowledged yet ("Please gift wrap, it\'s a present")' in r.stderr
    assert "oms orders ack shopify:1001 --done" in r.stderr and "--reply" in r.stderr
    assert store_digest(db_path) == before


def test_an_acknowledged_instruction_ships(oms, store, db_path: Path) -> None:
    make_order(store, notes="Please gift wrap")
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1).exit_code == 5
    assert oms("orders", "ack", "shopify:1001", "--done").exit_code == 0
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1).exit_code == 0


def test_an_invalid_number_for_a_known_carrier_is_bad_input(oms, store, db_path: Path) -> None:
    make_order(store)
    before = store_digest(db_path)
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", "1Z5R89390357567128")
    assert r.exit_code == 3
    assert "not a valid UPS number" in r.stderr
    assert "check digit" in r.stderr and "expected" in r.stderr
    assert store_digest(db_path) == before


def test_an_unknown_carrier_ships_with_a_warning(oms, store, db_path: Path) -> None:
    make_order(store)
    r = oms("ship", "shopify:1001", "-c", "Royal Mail", "-t", "rb123456785gb")
    assert r.exit_code == 0
    assert "warning" in r.stderr and "not known" in r.stderr
    (pkg,) = rows(db_path, "SELECT carrier, tracking FROM packages")
    assert (pkg["carrier"], pkg["tracking"]) == ("Royal Mail", "RB123456785GB")


def test_several_packages_ship_the_order_when_all_have_tracking(oms, store, db_path: Path) -> None:
    order_id = make_order(store, packages=2)
    before = store_digest(db_path)
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    assert r.exit_code == 2
    assert "2 packages" in r.stderr and "--package" in r.stderr
    assert store_digest(db_path) == before
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1, "--package", "1")
    assert r.exit_code == 0
    assert "waiting for package 2" in r.stderr
    assert rows(db_path, "SELECT status FROM orders")[0]["status"] == "packed"
    assert rows(db_path, "SELECT count(*) AS n FROM outbox")[0]["n"] == 0
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1, "--package", "1").exit_code == 0  # the same again
    r = oms("--json", "ship", "shopify:1001", "-c", "ups", "-t", UPS_3, "--package", "2")
    assert r.exit_code == 0
    assert r.json()["status"] == "shipped"
    assert rows(db_path, "SELECT status FROM orders")[0]["status"] == "shipped"
    (msg,) = rows(db_path, "SELECT body_text FROM outbox")
    assert UPS_1 in msg["body_text"] and UPS_3 in msg["body_text"] and "Parcel 2 of 2" in msg["body_text"]
    assert len(rows(db_path, "SELECT * FROM stock_movements WHERE order_id = ?", order_id)) == 2


def test_a_package_that_does_not_exist_is_not_found(oms, store, db_path: Path) -> None:
    make_order(store, packages=2)
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1, "--package", "3")
    assert r.exit_code == 4
    assert "no package 3" in r.stderr


def test_an_unknown_order_is_not_found(oms, store) -> None:
    r = oms("ship", "shopify:404", "-c", "ups", "-t", UPS_1)
    assert r.exit_code == 4
    assert "no such order" in r.stderr


def test_a_delivered_order_keeps_its_number(oms, store, db_path: Path) -> None:
    make_order(store)
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    oms("deliver", "shopify:1001")
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1).exit_code == 0
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_2, "--replace")
    assert r.exit_code == 5
    assert "already delivered" in r.stderr


def test_json_result(oms, store) -> None:
    make_order(store)
    r = oms("--json", "ship", "shopify:1001", "--carrier", "ups", "--tracking", UPS_1)
    assert r.exit_code == 0
    data = r.json()
    assert data["ref"] == "shopify:1001" and data["status"] == "shipped" and data["tracking"] == UPS_1
    assert data["tracking_url"].endswith(UPS_1)
    assert data["message"]["key"] == "shipped:shopify:1001" and data["message"]["queued"] is True


def test_no_email_means_no_message_but_the_order_ships(oms, store, db_path: Path) -> None:
    make_order(store, email=None)
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    assert r.exit_code == 0
    assert "no usable customer e-mail address" in r.stderr
    assert rows(db_path, "SELECT count(*) AS n FROM outbox")[0]["n"] == 0


def test_carrier_defaults_from_config_and_is_required_otherwise(oms, store, config_file) -> None:
    make_order(store)
    r = oms("ship", "shopify:1001", "-t", UPS_1)
    assert r.exit_code == 2 and "--carrier" in r.stderr
    config_file({"shipping": {"default_carrier": "ups"}})
    assert oms("ship", "shopify:1001", "-t", UPS_1).exit_code == 0


def test_tracking_links_follow_config_overrides(oms, store, config_file, db_path: Path) -> None:
    config_file({"shipping": {"tracking_urls": {"ups": "https://track.example/ups/{number}"}}})
    make_order(store)
    r = oms("--json", "ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    assert r.json()["tracking_url"] == f"https://track.example/ups/{UPS_1}"
    assert f"https://track.example/ups/{UPS_1}" in rows(db_path, "SELECT body_text FROM outbox")[0]["body_text"]


def test_ship_without_arguments_is_a_usage_error(oms) -> None:
    r = oms("ship")
    assert r.exit_code == 2
    assert "--from-csv" in r.stderr


def test_ship_help_lists_the_export_subcommand(oms) -> None:
    r = oms("ship", "--help")
    assert r.exit_code == 0
    assert "export" in r.stdout and "--tracking" in r.stdout
    r = oms("ship", "export", "--help")
    assert r.exit_code == 0 and "--channel" in r.stdout


def test_options_may_come_before_the_reference(oms, store) -> None:
    make_order(store)
    assert oms("ship", "--carrier", "ups", "--tracking", UPS_1, "shopify:1001").exit_code == 0
