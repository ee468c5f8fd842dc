"""Shopify Payments' transactions export and Amazon's settlement report read and
reconciled against the example orders, in a real store."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from returns.fixtures import ship, store_digest, table_counts

from oms_cli.payments.parsers import read_payment_file

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "reconcile_data"
SHOPIFY = DATA / "shopify_payments.csv"
AMAZON = DATA / "amazon_settlement.txt"
A, B, C = "amazon:113-4827191-2736201", "amazon:114-2203918-7781043", "amazon:112-9936720-4455210"


def test_shopify_payments_rows_become_records() -> None:
    fmt, records = read_payment_file(SHOPIFY, SHOPIFY.read_bytes())
    assert fmt == "shopify_payments"
    first = records[0]
    assert (first.kind, first.gross, first.fee, first.net, first.currency) == (
        "charge",
        Decimal("52.45"),
        Decimal("1.82"),
        Decimal("50.63"),
        "USD",
    )
    assert first.order_ref_hint == "shopify:1041" and first.payout_id == "81234567"
    # 09:12:44 at -05:00 is 14:12:44 UTC
    assert first.at.isoformat() == "2026-11-20T14:12:44+00:00"
    refund = records[4]
    assert (refund.kind, refund.gross, refund.payout_id) == ("refund", Decimal("-31.00"), None)
    assert len({r.transaction_id for r in records}) == len(records)


def test_amazon_settlement_groups_an_orders_amounts_into_one_charge() -> None:
    fmt, records = read_payment_file(AMAZON, AMAZON.read_bytes())
    assert fmt == "amazon_settlement"
    by_hint = {(r.order_ref_hint, r.kind): r for r in records}
    charge = by_hint[(A, "charge")]
    # price, shipping and tax; Amazon keeps its fees and the tax it withheld
    assert (charge.gross, charge.fee, charge.net) == (Decimal("32.08"), Decimal("7.35"), Decimal("24.73"))
    refund = by_hint[(B, "refund")]
    assert (refund.gross, refund.fee, refund.net) == (Decimal("-19.99"), Decimal("-2.40"), Decimal("-17.59"))
    fee = by_hint[(None, "fee")]
    assert (fee.gross, fee.net, fee.description) == (Decimal("-9.99"), Decimal("-9.99"), "Subscription Fee")
    deposit = by_hint[(None, "payout")]
    assert (deposit.gross, deposit.payout_id, deposit.at.isoformat()) == (
        Decimal("-22.64"),
        "11223344556",
        "2026-12-05T08:00:00+00:00",
    )
    # every amount moved is in the deposit
    assert sum(r.net for r in records if r.kind != "payout") == -deposit.net
    assert {r.payout_id for r in records} == {"11223344556"}


@pytest.fixture
def shipped(oms: Any, store: Any) -> Any:
    examples = ROOT / "examples"
    for args in (
        ("import", examples / "shopify_orders.csv", examples / "amazon_unshipped.txt"),
        ("products", "import", examples / "products.csv"),
        ("stock", "count", examples / "stock.csv"),
    ):
        r = oms(*args)
        assert r.exit_code == 0, r.stderr
    ship(store, ["shopify:1041", "shopify:1042", "shopify:1044", "shopify:1045", "shopify:1046", A, B, C])
    return store


def test_both_reconciled_with_the_orders(oms: Any, shipped: Any, db_path: Path) -> None:
    r = oms("--json", "payments", "import", SHOPIFY, AMAZON)
    assert r.exit_code == 0, r.stderr
    assert {Path(f["file"]).name: f["format"] for f in r.json()["files"]} == {
        "shopify_payments.csv": "shopify_payments",
        "amazon_settlement.txt": "amazon_settlement",
    }
    counts, digest = table_counts(db_path), store_digest(db_path)
    assert oms("payments", "import", SHOPIFY, AMAZON).exit_code == 0
    assert (table_counts(db_path), store_digest(db_path)) == (counts, digest)

    r = oms("--json", "payments", "reconcile")
    assert r.exit_code == 9
    out = r.json()
    matched = {m["order_ref"] for m in out["matches"]}
    assert {"shopify:1041", "shopify:1042", A, B} <= matched
    assert {(m["order_ref"], m["difference"]) for m in out["amount_mismatches"]} == {("shopify:1044", "-2.00")}
    assert {(u["order_ref"], u["reason"]) for u in out["unpaid_shipped"]} == {
        ("shopify:1046", "no Shopify Payments payment found"),
        (C, "no Amazon settlement payment found"),
    }
    assert {(u["order_ref"], u["difference"]) for u in out["unrecorded_refunds"]} == {
        ("shopify:1045", "31.00"),
        (B, "19.99"),
    }
    assert {p["order_ref_hint"] for p in out["unmatched_payments"]} == {"shopify:9999", "amazon:999-0000000-0000001"}
    payouts = {(p["source"], p["payout_id"]): p for p in out["payouts"]}
    amazon = payouts[("amazon_settlement", "11223344556")]
    assert (amazon["net"], amazon["paid_out"], amazon["difference"]) == ("22.64", "22.64", "0.00")


def test_a_settlement_without_its_summary_row_is_refused_naming_the_file(
    oms: Any, shipped: Any, db_path: Path, tmp_path: Path
) -> None:
    lines = AMAZON.read_text().splitlines()
    bad = tmp_path / "settlement.txt"
    bad.write_text("\n".join([lines[0], *lines[2:]]) + "\n")
    r = oms("payments", "import", bad)
    assert r.exit_code == 3
    assert "settlement.txt:2: total-amount no summary row" in r.stderr
    assert table_counts(db_path)["payments"] == 0
