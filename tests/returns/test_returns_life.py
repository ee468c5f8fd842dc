"""A return's whole life through the `oms returns` commands against a real store:
open (number, message), receive (restock through the ledger), close (refund), and the
order's status and history along the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from returns.fixtures import ledger_mismatches, on_hand, store_digest, table_counts

from tests import storedb


def rows(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    con = storedb.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def order_status(db: Path, ref: str) -> str:
    return rows(db, "SELECT status FROM orders WHERE ref = ?", ref)[0][0]


def notes(db: Path, ref: str) -> list[str]:
    return [
        r[0]
        for r in rows(
            db,
            "SELECT e.note FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.ref = ? AND e.kind = 'note' ORDER BY e.id",
            ref,
        )
    ]


def test_a_return_from_opening_to_refund(oms, shop, db_path) -> None:
    before = on_hand(shop, "MUG-SPK-BLU")["A01-B03-L1"]

    r = oms(
        "returns", "open", "shopify:1041", "--lines", "MUG-SPK-BLU:1", "--reason", "doesnt_fit", "--note", "too small"
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "RMA-000001\n"
    assert "RMA-000001 opened for shopify:1041" in r.stderr
    assert rows(db_path, "SELECT rma, status, reason, note FROM returns") == [
        ("RMA-000001", "open", "doesnt_fit", "too small")
    ]
    assert rows(db_path, "SELECT sku, quantity, received_qty, condition FROM return_lines") == [
        ("MUG-SPK-BLU", 1, 0, None)
    ]
    assert rows(db_path, "SELECT value FROM counters WHERE name = 'rma'") == [(1,)]

    # The return instructions wait in the outbox, addressed to the customer.
    [(key, kind, to, subject, body)] = rows(db_path, "SELECT key, kind, to_addr, subject, body_text FROM outbox")
    assert (key, kind, to) == ("return_instructions:RMA-000001", "return_instructions", "olivia.bennett@example.com")
    assert "RMA-000001" in subject
    assert "Return within 30 days" in body and "Speckled stoneware mug - Blue" in body

    r = oms("returns", "receive", "RMA-000001", "--condition", "resellable")
    assert r.exit_code == 0, r.stderr
    assert "back in stock at A01-B03-L1" in r.stderr
    assert on_hand(shop, "MUG-SPK-BLU")["A01-B03-L1"] == before + 1
    assert rows(
        db_path, "SELECT sku, location, quantity, reason, note FROM stock_movements WHERE reason = 'return'"
    ) == [("MUG-SPK-BLU", "A01-B03-L1", 1, "return", "RMA-000001")]
    assert rows(db_path, "SELECT status, received_at IS NOT NULL FROM returns") == [("received", 1)]
    # One mug of three items came back: a partial return, noted on the order.
    assert order_status(db_path, "shopify:1041") == "shipped"
    assert "partial return: 1 of 3 items back" in notes(db_path, "shopify:1041")

    r = oms("returns", "close", "RMA-000001", "--refund", "18.00")
    assert r.exit_code == 0, r.stderr
    assert "refund 18.00 USD" in r.stderr
    assert rows(db_path, "SELECT amount_minor, return_id IS NOT NULL FROM refunds") == [(1800, 1)]
    assert rows(db_path, "SELECT status, refund_minor, closed_at IS NOT NULL FROM returns") == [("closed", 1800, 1)]
    assert notes(db_path, "shopify:1041")[-1] == "RMA-000001 closed, refunded 18.00 USD"
    assert ledger_mismatches(shop) == []

    r = oms("--json", "returns", "list")
    [listed] = r.json()
    assert (
        listed["rma"],
        listed["status"],
        listed["refund"],
        listed["refund_minor"],
        listed["currency"],
        listed["received_units"],
    ) == ("RMA-000001", "closed", "18.00", 1800, "USD", 1)
    assert oms("--json", "returns", "list", "--open").json() == []
    r = oms("returns", "show", "rma-000001")
    assert r.exit_code == 0
    assert "RMA-000001  closed  order shopify:1041 (shipped)  reason doesnt_fit" in r.stdout
    assert "note: too small" in r.stdout and "resellable" in r.stdout
    assert oms("--json", "returns", "show", "1").json()["lines"] == [
        {"sku": "MUG-SPK-BLU", "quantity": 1, "received": 1, "condition": "resellable"}
    ]


def test_the_order_is_returned_when_its_last_item_is_received(oms, shop, db_path) -> None:
    assert oms("returns", "open", "shopify:1041", "--lines", "MUG-SPK-BLU:1", "--reason", "changed_mind").exit_code == 0
    assert oms("returns", "receive", "RMA-000001", "--condition", "resellable").exit_code == 0
    assert order_status(db_path, "shopify:1041") == "shipped"

    # Without --lines: everything not yet on a return (one mug, the coasters).
    r = oms("--json", "returns", "open", "shopify:1041", "--reason", "changed_mind")
    assert r.exit_code == 0, r.stderr
    assert {(ln["sku"], ln["quantity"]) for ln in r.json()["lines"]} == {("MUG-SPK-BLU", 1), ("COASTER-SET4", 1)}
    r = oms("--json", "returns", "receive", "RMA-000002", "--condition", "resellable")
    assert r.exit_code == 0, r.stderr
    assert r.json()["order_returned"] is True
    assert order_status(db_path, "shopify:1041") == "returned"
    assert rows(
        db_path, "SELECT from_status, to_status, command, note FROM order_events WHERE to_status = 'returned'"
    ) == [("shipped", "returned", "returns receive", "all items back (RMA-000002)")]
    # Nothing is left to return.
    r = oms("returns", "open", "shopify:1041", "--reason", "changed_mind", "--again")
    assert r.exit_code == 5
    assert "returned" in r.stderr
    assert ledger_mismatches(shop) == []


def test_a_delivered_order_can_be_returned_and_a_new_one_cannot(oms, shop, db_path) -> None:
    from returns.fixtures import ship

    ship(shop, ["shopify:1042"], deliver=True)
    assert oms("returns", "open", "shopify:1042", "--reason", "defective").exit_code == 0
    digest = store_digest(db_path)
    r = oms("returns", "open", "shopify:1044", "--reason", "defective")
    assert r.exit_code == 5
    assert "shopify:1044 is new: only shipped or delivered orders can be returned" in r.stderr
    assert store_digest(db_path) == digest


def test_mixed_conditions_are_received_in_turns(oms, shop, db_path) -> None:
    before = on_hand(shop, "MUG-SPK-BLU")["A01-B03-L1"]
    assert (
        oms("returns", "open", "shopify:1045", "--lines", "MUG-SPK-BLU:3", "--reason", "damaged_in_transit").exit_code
        == 0
    )
    r = oms("returns", "receive", "RMA-000001", "--condition", "resellable", "--lines", "MUG-SPK-BLU:1")
    assert r.exit_code == 0, r.stderr
    assert "still awaited: 2" in r.stderr
    assert rows(db_path, "SELECT status FROM returns") == [("open",)]
    r = oms("returns", "receive", "RMA-000001", "--condition", "damaged", "--lines", "MUG-SPK-BLU:1")
    assert r.exit_code == 0, r.stderr
    r = oms("returns", "receive", "RMA-000001", "--condition", "missing")
    assert r.exit_code == 0, r.stderr
    assert sorted(rows(db_path, "SELECT sku, quantity, received_qty, condition FROM return_lines")) == [
        ("MUG-SPK-BLU", 1, 1, "damaged"),
        ("MUG-SPK-BLU", 1, 1, "missing"),
        ("MUG-SPK-BLU", 1, 1, "resellable"),
    ]
    assert rows(db_path, "SELECT status FROM returns") == [("received",)]
    # Only the resellable mug went back on the shelf.
    assert on_hand(shop, "MUG-SPK-BLU")["A01-B03-L1"] == before + 1
    assert ledger_mismatches(shop) == []
    # The missing mug never came back, so it may be returned again.
    r = oms("--json", "returns", "open", "shopify:1045", "--lines", "MUG-SPK-BLU:4", "--reason", "damaged_in_transit")
    assert r.exit_code == 0, r.stderr
    r = oms("returns", "open", "shopify:1045", "--lines", "MUG-SPK-BLU:1", "--reason", "damaged_in_transit", "--again")
    assert r.exit_code == 5
    assert "MUG-SPK-BLU: cannot return 1, only 0 of 6 shipped may still come back" in r.stderr


def test_receiving_more_than_was_returned_is_refused(oms, shop, db_path) -> None:
    assert oms("returns", "open", "shopify:1045", "--lines", "MUG-SPK-GRN:2", "--reason", "doesnt_fit").exit_code == 0
    digest = store_digest(db_path)
    r = oms("returns", "receive", "RMA-000001", "--condition", "resellable", "--lines", "MUG-SPK-GRN:3")
    assert r.exit_code == 5
    assert r.stderr.startswith(
        "oms: error: RMA-000001: MUG-SPK-GRN: cannot receive 3, only 2 of 2 returned are still awaited"
    )
    assert store_digest(db_path) == digest
    assert (
        oms("returns", "receive", "RMA-000001", "--condition", "resellable", "--lines", "MUG-SPK-GRN:2").exit_code == 0
    )
    digest = store_digest(db_path)
    r = oms("returns", "receive", "RMA-000001", "--condition", "resellable", "--lines", "MUG-SPK-GRN:1")
    assert r.exit_code == 5
    assert "only 0 of 2 returned are still awaited" in r.stderr
    assert store_digest(db_path) == digest
    r = oms("returns", "receive", "RMA-000001", "--condition", "resellable", "--lines", "MUG-SPK-BLU:1")
    assert r.exit_code == 4
    assert "MUG-SPK-BLU is not on this return" in r.stderr
    assert store_digest(db_path) == digest


def test_returning_more_than_was_shipped_is_refused_naming_the_sku(oms, shop, db_path) -> None:
    digest = store_digest(db_path)
    r = oms("returns", "open", "shopify:1041", "--lines", "MUG-SPK-BLU:3", "--reason", "doesnt_fit")
    assert r.exit_code == 5
    assert r.stderr.startswith(
        "oms: error: shopify:1041: MUG-SPK-BLU: cannot return 3, only 2 of 2 shipped may still come back"
    )
    r = oms("returns", "open", "shopify:1041", "--lines", "THROW-KNIT:1", "--reason", "doesnt_fit")
    assert r.exit_code == 4
    assert "THROW-KNIT is not on this order" in r.stderr
    assert store_digest(db_path) == digest


def test_bad_command_lines_change_nothing(oms, shop, db_path) -> None:
    digest = store_digest(db_path)
    r = oms("returns", "open", "shopify:1041", "--reason", "too_ugly")
    assert r.exit_code == 2
    assert "unknown return reason 'too_ugly'" in r.stderr
    assert "wrong_item, damaged_in_transit, doesnt_fit, changed_mind, defective, other" in r.stderr
    r = oms("returns", "open", "shopify:1041", "--reason", "doesnt_fit", "--lines", "MUG-SPK-BLU")
    assert r.exit_code == 2
    assert "--lines 'MUG-SPK-BLU' is not SKU:QTY" in r.stderr
    r = oms("returns", "open", "shopify:9999", "--reason", "doesnt_fit")
    assert r.exit_code == 4
    assert oms("returns", "receive", "RMA-000009", "--condition", "resellable").exit_code == 4
    assert store_digest(db_path) == digest
    assert oms("returns", "open", "shopify:1041", "--reason", "doesnt_fit").exit_code == 0
    digest = store_digest(db_path)
    r = oms("returns", "receive", "RMA-000001", "--condition", "broken")
    assert r.exit_code == 2
    assert "resellable, damaged, missing" in r.stderr
    r = oms("returns", "close", "RMA-000001", "--refund", "12.345")
    assert r.exit_code == 2
    assert "--refund: 12.345 has more decimals than USD allows" in r.stderr
    r = oms("returns", "close", "RMA-000001", "--refund", "lots")
    assert r.exit_code == 2
    r = oms("returns", "close", "RMA-000001", "--refund", "52.46")
    assert r.exit_code == 5
    assert "more than the 52.45 USD left of shopify:1041's total" in r.stderr
    assert store_digest(db_path) == digest


def test_every_command_is_safe_to_run_twice(oms, shop, db_path) -> None:
    first = oms("returns", "open", "shopify:1041", "--lines", "MUG-SPK-BLU:1", "--reason", "doesnt_fit")
    assert first.exit_code == 0
    digest = store_digest(db_path)
    again = oms("returns", "open", "shopify:1041", "--lines", "MUG-SPK-BLU:1", "--reason", "doesnt_fit")
    assert again.exit_code == 0
    assert again.stdout == "RMA-000001\n"
    assert "already open" in again.stderr
    assert store_digest(db_path) == digest

    assert oms("returns", "receive", "RMA-000001", "--condition", "resellable").exit_code == 0
    digest = store_digest(db_path)
    r = oms("returns", "receive", "RMA-000001", "--condition", "resellable")
    assert r.exit_code == 0
    assert "nothing left to receive" in r.stderr
    assert store_digest(db_path) == digest

    assert oms("returns", "close", "RMA-000001", "--refund", "18.00").exit_code == 0
    digest = store_digest(db_path)
    r = oms("returns", "close", "RMA-000001", "--refund", "18.00")
    assert r.exit_code == 0
    assert "already closed" in r.stderr
    r = oms("returns", "close", "RMA-000001", "--refund", "none")
    assert r.exit_code == 5
    assert "RMA-000001 was already closed with a refund of 18.00 USD" in r.stderr
    assert oms("returns", "receive", "RMA-000001", "--condition", "resellable").exit_code == 5
    assert store_digest(db_path) == digest

    # "Everything" asked twice opens one return; --again is needed for an identical second one.
    assert oms("returns", "open", "woocommerce:2150", "--reason", "changed_mind").exit_code == 0
    digest = store_digest(db_path)
    r = oms("returns", "open", "woocommerce:2150", "--reason", "changed_mind")
    assert r.exit_code == 0 and r.stdout == "RMA-000002\n"
    assert store_digest(db_path) == digest
    assert table_counts(db_path)["outbox"] == 2


def test_closing_without_refund_and_close_before_receipt(oms, shop, db_path) -> None:
    assert (
        oms("returns", "open", "woocommerce:2153", "--lines", "VASE-BUD-WHT:1", "--reason", "changed_mind").exit_code
        == 0
    )
    r = oms("returns", "close", "RMA-000001", "--refund", "none")
    assert r.exit_code == 0, r.stderr
    assert "closed, no refund" in r.stderr
    assert "1 item(s) of RMA-000001 never arrived" in r.stderr
    assert table_counts(db_path)["refunds"] == 0
    # Units never received on a closed return are with the customer again.
    assert (
        oms("returns", "open", "woocommerce:2153", "--lines", "VASE-BUD-WHT:2", "--reason", "changed_mind").exit_code
        == 0
    )


def test_a_wrong_item_return_opens_a_problem(oms, shop, db_path) -> None:
    r = oms("--json", "returns", "open", "woocommerce:2150", "--lines", "CANDLE-SEA:1", "--reason", "wrong_item")
    assert r.exit_code == 0, r.stderr
    assert r.json()["problem_id"] is not None
    assert rows(db_path, "SELECT source, description, status FROM problems") == [
        ("return", "return RMA-000001 (wrong_item): CANDLE-SEA x1", "open")
    ]
    assert oms("returns", "open", "shopify:1041", "--reason", "doesnt_fit").exit_code == 0
    assert table_counts(db_path)["problems"] == 1


def test_restock_location_can_be_given_and_is_checked(oms, shop, db_path) -> None:
    assert oms("returns", "open", "shopify:1041", "--lines", "COASTER-SET4:1", "--reason", "doesnt_fit").exit_code == 0
    digest = store_digest(db_path)
    r = oms("returns", "receive", "RMA-000001", "--condition", "resellable", "--location", "nowhere")
    assert r.exit_code == 2
    assert "--location" in r.stderr
    assert store_digest(db_path) == digest
    r = oms("returns", "receive", "RMA-000001", "--condition", "resellable", "--location", "A11-B02-L1")
    assert r.exit_code == 0, r.stderr
    assert on_hand(shop, "COASTER-SET4")["A11-B02-L1"] == 1
    assert ledger_mismatches(shop) == []
    assert oms("stock", "check").exit_code == 0
