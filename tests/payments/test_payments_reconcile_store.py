"""`oms payments import` and `oms payments reconcile` against a real store: sample
exports in each processor's layout (Stripe balance report, Stripe payments export,
PayPal US and a European PayPal file with decimal commas and DD/MM dates) reconciled
with the demo orders, every category covered, then put right by hand."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from returns.fixtures import load_demo, ship, store_digest, table_counts

DATA = Path(__file__).resolve().parent / "reconcile_data"
FILES = [DATA / n for n in ("stripe_balance.csv", "stripe_payments.csv", "paypal_us.csv", "paypal_eu.csv")]
SHIPPED = (
    "woocommerce:2150",
    "woocommerce:2151",
    "woocommerce:2152",
    "woocommerce:2153",
    "woocommerce:2154",
    "shopify:1043",
    "shopify:1050",
)


@pytest.fixture
def shop(oms: Any, store: Any) -> Any:
    """The demo orders with seven shipped: paid by Stripe, PayPal, cash on delivery, bank deposit or not yet."""
    load_demo(oms)
    ship(store, SHIPPED)
    return store


def reconciled(oms: Any, *args: str) -> tuple[int, dict[str, Any]]:
    r = oms("--json", "payments", "reconcile", *args)
    return r.exit_code, r.json()


def test_import_reports_per_file_and_reimporting_changes_nothing(oms, shop, db_path) -> None:
    r = oms("--json", "payments", "import", *FILES)
    assert r.exit_code == 0, r.stderr
    got = {Path(f["file"]).name: (f["format"], f["new"], f["updated"], f["unchanged"]) for f in r.json()["files"]}
    assert got == {
        "stripe_balance.csv": ("stripe_balance", 6, 0, 0),
        # three charges and two refunded totals (the failed charge is kept, and ignored when reconciling)
        "stripe_payments.csv": ("stripe_payments", 5, 0, 0),
        "paypal_us.csv": ("paypal", 3, 0, 0),
        "paypal_eu.csv": ("paypal", 4, 0, 0),
    }
    counts, digest = table_counts(db_path), store_digest(db_path)
    r = oms("payments", "import", *FILES)
    assert r.exit_code == 0
    assert "paypal_eu.csv (paypal): 0 new, 0 updated, 4 unchanged" in r.stderr
    assert table_counts(db_path) == counts
    assert store_digest(db_path) == digest


def test_the_european_paypal_file_is_read_with_decimal_commas_and_day_first_dates(oms, shop) -> None:
    assert oms("payments", "import", DATA / "paypal_eu.csv").exit_code == 0
    rows = {p["transaction_id"]: p for p in oms("--json", "payments", "list", "--source", "paypal").json()}
    whole = rows["3EU00000AA000003C"]
    assert (whole["gross"], whole["fee"], whole["net"], whole["currency"]) == ("1250.00", "43.90", "1206.10", "EUR")
    # 24/11/2026 09:12 CET is 08:12 UTC on the 24th of November.
    assert rows["3EU02154AA000001A"]["at"] == "2026-11-24T08:12:00Z"
    assert rows["3EU00000AA000004D"]["kind"] == "payout"


def test_every_category_is_found_and_the_exit_code_asks_for_attention(oms, shop) -> None:
    assert oms("payments", "import", *FILES).exit_code == 0
    code, out = reconciled(oms)
    assert code == 9
    assert out["needs_attention"] is True

    unpaid = {o["order_ref"]: o["reason"] for o in out["unpaid_shipped"]}
    assert unpaid == {"woocommerce:2153": "no Stripe payment found", "shopify:1050": "payment status is pending"}
    assert [(o["order_ref"], o["total"], o["received"]) for o in out["cod_awaiting_cash"]] == [
        ("woocommerce:2151", "64.50", "0.00")
    ]

    unmatched = {p["transaction_id"]: p for p in out["unmatched_payments"]}
    assert set(unmatched) == {"ch_TGIFT", "1PP00000AA000002B", "3EU00000AA000003C"}
    assert unmatched["3EU00000AA000003C"]["amount"] == "1250.00"
    assert "reference '9999' matches no order" in unmatched["3EU00000AA000003C"]["reason"]

    assert [(m["order_ref"], m["order_total"], m["paid"], m["difference"]) for m in out["amount_mismatches"]] == [
        ("shopify:1043", "77.50", "75.00", "-2.50")
    ]
    # 2150's refund is counted once: the payments export's refunded total gives way to the real refund.
    refunds = {r["order_ref"]: (r["processor_refunded"], r["recorded_refunded"]) for r in out["unrecorded_refunds"]}
    assert refunds == {
        "woocommerce:2150": ("10.00", "0.00"),
        "woocommerce:2154": ("10.00", "0.00"),
        "woocommerce:2155": ("29.90", "0.00"),
    }

    how = {m["order_ref"]: m["matched_by"] for m in out["matches"] if m["kind"] == "charge"}
    assert how == {
        "woocommerce:2150": "reference",
        "woocommerce:2152": "amount_email_date",
        "woocommerce:2155": "reference",
        "shopify:1043": "reference",
        "woocommerce:2154": "reference",
    }
    payouts = {(p["source"], p["payout_id"], p["currency"]): p for p in out["payouts"]}
    stripe = payouts[("stripe_balance", "po_T1", "EUR")]
    assert (
        stripe["transactions"],
        stripe["gross"],
        stripe["fees"],
        stripe["net"],
        stripe["paid_out"],
        stripe["difference"],
    ) == (5, "114.80", "2.62", "112.18", "112.18", "0.00")
    assert payouts[("paypal", "3EU00000AA000004D", "EUR")]["paid_out"] == "1288.45"
    assert payouts[("paypal", None, "EUR")]["net"] == "1288.45"
    assert out["ignored"] == 1  # the declined card


def test_putting_things_right_by_hand_clears_them(oms, shop) -> None:
    assert oms("payments", "import", *FILES).exit_code == 0
    assert oms("payments", "record", "woocommerce:2151", "64.50", "--method", "cash").exit_code == 0
    assert oms("payments", "record", "shopify:1043", "2.50", "--method", "bank_transfer").exit_code == 0
    assert oms("payments", "refund", "woocommerce:2155", "29.90", "--note", "cancelled").exit_code == 0
    assert oms("payments", "refund", "woocommerce:2154", "10.00", "--note", "goodwill").exit_code == 0
    # 2150's partial refund was for a returned mug: recorded by closing the return.
    assert (
        oms("returns", "open", "woocommerce:2150", "--lines", "MUG-SPK-BLU:1", "--reason", "changed_mind").exit_code
        == 0
    )
    assert oms("returns", "receive", "RMA-000001", "--condition", "resellable").exit_code == 0
    assert oms("returns", "close", "RMA-000001", "--refund", "10.00").exit_code == 0

    code, out = reconciled(oms)
    assert code == 9  # the unpaid orders and payments with no order remain
    assert out["cod_awaiting_cash"] == []
    assert out["amount_mismatches"] == []
    assert out["unrecorded_refunds"] == []
    assert {o["order_ref"] for o in out["unpaid_shipped"]} == {"woocommerce:2153", "shopify:1050"}
    # Money recorded by hand is in no processor's payout.
    assert {p["source"] for p in out["payouts"]} == {"stripe_balance", "stripe_payments", "paypal"}


def test_csv_has_one_row_per_finding(oms, shop) -> None:
    assert oms("payments", "import", *FILES).exit_code == 0
    r = oms("payments", "reconcile", "--csv")
    assert r.exit_code == 9
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == [
        "category",
        "order_ref",
        "transaction_id",
        "currency",
        "expected",
        "actual",
        "difference",
        "detail",
        "finding",
    ]
    by_category: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_category.setdefault(row["category"], []).append(row)
    assert {k: len(v) for k, v in by_category.items() if k != "payout"} == {
        "unpaid_shipped": 2,
        "cod_awaiting_cash": 1,
        "unmatched_payment": 3,
        "amount_mismatch": 1,
        "unrecorded_refund": 3,
    }
    [mismatch] = by_category["amount_mismatch"]
    assert (
        mismatch["order_ref"],
        mismatch["transaction_id"],
        mismatch["currency"],
        mismatch["expected"],
        mismatch["actual"],
        mismatch["difference"],
    ) == ("shopify:1043", "1PP01043AA000001A", "USD", "77.50", "75.00", "-2.50")
    assert any(row["transaction_id"] == "po_T1" and row["difference"] == "0.00" for row in by_category["payout"])


def test_tables_for_people(oms, shop) -> None:
    assert oms("payments", "import", *FILES).exit_code == 0
    r = oms("payments", "reconcile")
    assert r.exit_code == 9
    for title in (
        "Shipped but not paid",
        "Cash on delivery",
        "Payments with no order",
        "Amounts that differ",
        "Refunds not recorded",
        "Fees and net per payout",
    ):
        assert title in r.stdout
    assert (
        "needs attention: 2 shipped but not paid, 3 payments with no order, 1 amounts that differ, 3 refunds not recorded"
        in r.stderr
    )


def test_since_leaves_out_older_orders_and_payments(oms, shop) -> None:
    assert oms("payments", "import", *FILES).exit_code == 0
    code, out = reconciled(oms, "--since", "2026-11-24")
    assert code == 9
    assert {o["order_ref"] for o in out["unpaid_shipped"]} == {"shopify:1050"}
    assert out["cod_awaiting_cash"] == []
    assert out["amount_mismatches"] == []  # shopify:1043 was placed on the 21st
    # The donation came in at 00:05 UTC on the 24th; the gift card on the 22nd is left out.
    assert {p["transaction_id"] for p in out["unmatched_payments"]} == {"1PP00000AA000002B", "3EU00000AA000003C"}
    # 2150 is older, but its refund on the 24th is recent: still tied to it, still reported.
    assert {r["order_ref"] for r in out["unrecorded_refunds"]} == {
        "woocommerce:2150",
        "woocommerce:2154",
        "woocommerce:2155",
    }
    # po_T1 was paid out on the 25th; the PayPal withdrawals on the 26th and 27th.
    assert {p["payout_id"] for p in out["payouts"] if p["paid_out_at"]} == {
        "po_T1",
        "1PP00000AA000003C",
        "3EU00000AA000004D",
    }
    code, out = reconciled(oms, "--since", "2026-11-26")
    assert {p["payout_id"] for p in out["payouts"] if p["paid_out_at"]} == {"1PP00000AA000003C", "3EU00000AA000004D"}
    assert out["unpaid_shipped"] == [] and out["unmatched_payments"] == []


def test_all_accounted_for_exits_zero_and_an_unpaid_shipment_exits_nine(oms, store, db_path, tmp_path) -> None:
    load_demo(oms)
    ship(store, ["woocommerce:2150"])
    clean = tmp_path / "balance.csv"
    lines = (DATA / "stripe_balance.csv").read_text(encoding="utf-8").splitlines()
    # 2150's charge and a fee on the 24th: the file covers the 20th to the 24th.
    clean.write_text("\n".join([lines[0], lines[1], lines[4]]) + "\n", encoding="utf-8")
    assert oms("payments", "import", clean).exit_code == 0
    r = oms("payments", "reconcile")
    assert r.exit_code == 0, r.stdout
    assert "every payment accounted for (1 payments matched to orders)" in r.stderr
    ship(store, ["woocommerce:2153"])
    r = oms("payments", "reconcile", "--csv")
    assert r.exit_code == 9
    [unpaid] = [row for row in csv.DictReader(io.StringIO(r.stdout)) if row["category"] == "unpaid_shipped"]
    assert unpaid == {
        "category": "unpaid_shipped",
        "order_ref": "woocommerce:2153",
        "transaction_id": "",
        "currency": "EUR",
        "expected": "46.40",
        "actual": "0",
        "difference": "-46.40",
        "detail": "no Stripe payment found (shipped, payment paid, stripe)",
        "finding": "unpaid_shipped:woocommerce:2153",
    }
