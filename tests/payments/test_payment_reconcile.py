"""Reconciliation of processor exports against orders: every category, on real-layout files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.payments.parsers import PaymentRecord, read_payment_file
from oms_cli.payments.reconcile import OrderRecord, order_record, reconcile

DATA = Path(__file__).parent / "data"
UTC = UTC


def _records(*names: str) -> list[PaymentRecord]:
    found: list[PaymentRecord] = []
    for name in names:
        found += read_payment_file(name, (DATA / name).read_bytes())[1]
    return found


def _order(
    ref: str,
    total: str,
    status: str,
    payment_status: str,
    method: str | None,
    email: str | None,
    day: int,
    *,
    refunded: str = "0",
    cash: str = "0",
    currency: str = "USD",
) -> dict[str, Any]:
    channel, external_id = ref.split(":", 1)
    return {
        "ref": ref,
        "external_id": external_id,
        "channel": channel,
        "total": total,
        "currency": currency,
        "email": email,
        "placed_at": f"2025-10-{day:02d}T12:00:00Z",
        "status": status,
        "payment_status": payment_status,
        "payment_method": method,
        "refunded_total": refunded,
        "cash_received": cash,
    }


US_ORDERS = [
    _order("shopify:1001", "59.90", "shipped", "paid", "Stripe", "ann@example.com", 6),
    _order("shopify:1002", "45.00", "shipped", "paid", "stripe", "bob@example.com", 6),
    _order("shopify:1003", "19.99", "delivered", "paid", "stripe", "carl@example.com", 7),
    _order("shopify:1004", "30.00", "shipped", "pending", "stripe", "dan@example.com", 7),
    _order("shopify:1005", "25.00", "shipped", "cod", "Cash on Delivery (COD)", "eli@example.com", 8),
    _order("shopify:1006", "25.00", "delivered", "cod", "Cash on Delivery (COD)", "fay@example.com", 8, cash="25.00"),
    _order("shopify:1007", "15.00", "new", "pending", "stripe", "gus@example.com", 9),
    _order("shopify:1008", "12.50", "delivered", "paid", "stripe", "eve@example.com", 11),
    _order("shopify:1009", "89.00", "shipped", "paid", "PayPal Express Checkout", "frank@example.com", 8),
    _order("woocommerce:5012", "1250.00", "shipped", "paid", "ppcp-gateway", "dana@example.com", 7, refunded="25.00"),
    _order("amazon:113-4000012-1000084", "33.00", "shipped", "paid", "Amazon", "x@marketplace.amazon.com", 8),
]


@pytest.fixture(scope="module")
def us() -> Any:
    return reconcile(US_ORDERS, _records("stripe_balance.csv", "paypal_us.csv"))


def test_matches_by_reference_refunded_payment_and_amount_email_date(us: Any) -> None:
    found = {(m.transaction_id, m.order_ref, m.matched_by) for m in us.matches}
    assert found == {
        ("ch_3Q1001", "shopify:1001", "reference"),  # payment_metadata[order_id] "#1001"
        ("ch_3Q1002", "shopify:1002", "reference"),  # description "Order #1002 from Demo Shop, …"
        ("ch_3Q1003", "shopify:1003", "amount_email_date"),  # no reference; e-mail differs only in case
        ("ch_3Q1008", "shopify:1008", "reference"),  # description "shopify:1008"
        ("5TY01234AB567890C", "woocommerce:5012", "reference"),  # invoice number "WC-5012"
        ("7KX09876CD543210E", "shopify:1009", "reference"),  # item title "Order #1009"
        ("re_3R1001", "shopify:1001", "refunded_payment"),
        ("9AB11111CD222222F", "woocommerce:5012", "refunded_payment"),
    }


def test_shipped_but_not_paid(us: Any) -> None:
    assert [(u.order_ref, u.reason, u.total) for u in us.unpaid_shipped] == [
        ("shopify:1004", "no Stripe payment found", Decimal("30.00")),
    ]


def test_cash_on_delivery_listed_apart_until_cash_is_recorded(us: Any) -> None:
    assert [(u.order_ref, u.received, u.reason) for u in us.cod_awaiting_cash] == [
        ("shopify:1005", Decimal("0"), "cash on delivery not yet recorded"),
    ]


def test_payments_with_no_order(us: Any) -> None:
    assert [(p.transaction_id, p.amount, p.reason) for p in us.unmatched_payments] == [
        ("ch_3Q2001", Decimal("75.00"), "no order has this amount and e-mail within the date window"),
    ]


def test_amounts_that_differ(us: Any) -> None:
    assert [(m.order_ref, m.order_total, m.paid, m.difference, m.note) for m in us.amount_mismatches] == [
        ("shopify:1002", Decimal("45.00"), Decimal("42.00"), Decimal("-3.00"), "paid less than the order total"),
    ]


def test_refunds_the_shop_has_not_recorded(us: Any) -> None:
    # woocommerce:5012's 25.00 refund is recorded; shopify:1001's 10.00 is not.
    assert [
        (r.order_ref, r.processor_refunded, r.recorded_refunded, r.difference, r.transaction_ids)
        for r in us.unrecorded_refunds
    ] == [
        ("shopify:1001", Decimal("10.00"), Decimal("0"), Decimal("10.00"), ("re_3R1001",)),
    ]


def test_fees_and_net_per_payout(us: Any) -> None:
    payouts = {(p.source, p.payout_id): p for p in us.payouts}
    stripe = payouts[("stripe_balance", "po_1QA")]
    assert (stripe.transactions, stripe.gross, stripe.fees, stripe.net, stripe.paid_out, stripe.difference) == (
        6,
        Decimal("184.89"),
        Decimal("6.92"),
        Decimal("177.97"),
        Decimal("177.97"),
        Decimal("0.00"),
    )
    assert stripe.paid_out_at == datetime(2025, 10, 10, tzinfo=UTC)
    pending = payouts[("stripe_balance", None)]
    assert (pending.transactions, pending.net, pending.paid_out) == (1, Decimal("11.84"), None)
    paypal = payouts[("paypal", None)]
    assert (paypal.transactions, paypal.gross, paypal.fees, paypal.net) == (
        3,
        Decimal("1314.00"),
        Decimal("38.70"),
        Decimal("1275.30"),
    )
    withdrawal = payouts[("paypal", "2WD33333MN444444P")]
    assert (withdrawal.paid_out, withdrawal.transactions, withdrawal.difference) == (Decimal("1275.30"), 0, None)


def test_attention_and_json(us: Any) -> None:
    assert us.needs_attention
    assert us.ignored == 1  # the PayPal authorisation (memo)
    data = us.to_json()
    json.dumps(data)  # plain JSON types only
    assert data["needs_attention"] is True
    assert data["counts"] == {
        "unpaid_shipped": 1,
        "cod_awaiting_cash": 1,
        "unmatched_payments": 1,
        "amount_mismatches": 1,
        "unrecorded_refunds": 1,
        "payouts": 4,
        "matches": 8,
        "acknowledged": 0,
        "ignored": 1,
    }
    assert data["unmatched_payments"][0]["at"] == "2025-10-07T11:30:00Z"
    assert data["amount_mismatches"][0]["difference"] == "-3.00"


def test_european_paypal_file() -> None:
    orders = [
        _order("shopify:1010", "1234.56", "delivered", "paid", "PayPal", "hanna@example.de", 3, currency="EUR"),
        _order("woocommerce:5020", "49.90", "cancelled", "refunded", "paypal", "ivo@example.hr", 13, currency="EUR"),
    ]
    result = reconcile(orders, _records("paypal_eu.csv"))
    assert {(m.transaction_id, m.order_ref) for m in result.matches} == {
        ("3EU00000AA000001A", "shopify:1010"),
        ("3EU00000AA000002B", "woocommerce:5020"),
        ("3EU00000AA000003C", "woocommerce:5020"),
    }
    assert result.amount_mismatches == []  # cancelled, but the money went back
    assert [(r.order_ref, r.difference, r.currency) for r in result.unrecorded_refunds] == [
        ("woocommerce:5020", Decimal("49.90"), "EUR"),
    ]
    payouts = {p.payout_id: p for p in result.payouts}
    assert payouts[None].fees == Decimal("36.30") and payouts[None].net == Decimal("1198.26")
    assert payouts["3EU00000AA000004D"].paid_out == Decimal("1198.26")
    assert result.needs_attention


def test_stripe_payments_export_clean_run() -> None:
    orders = [
        _order("shopify:1011", "80.00", "delivered", "paid", "stripe", "jo@example.com", 5),
        _order("shopify:1012", "30.00", "cancelled", "refunded", "stripe", "kim@example.com", 5, refunded="30.00"),
        _order(
            "shopify:1014",
            "100.00",
            "shipped",
            "partially_refunded",
            "stripe",
            "max@example.com",
            6,
            refunded="40.00",
            currency="EUR",
        ),
    ]
    records = _records("stripe_payments.csv")
    result = reconcile(orders, records + records)  # the same file twice counts once
    assert not result.needs_attention
    assert result.ignored == 1  # the declined card
    assert len(result.matches) == 5
    assert not (result.unmatched_payments or result.amount_mismatches or result.unrecorded_refunds)
    assert result.to_json()["needs_attention"] is False


def _record(txn: str, kind: str, gross: str, **extra: Any) -> PaymentRecord:
    values: dict[str, Any] = {
        "source": "stripe_balance",
        "transaction_id": txn,
        "kind": kind,
        "at": datetime(2025, 10, 6, 12, tzinfo=UTC),
        "currency": "USD",
        "gross": Decimal(gross),
        "fee": Decimal(0),
        "net": Decimal(gross),
        "email": None,
        "order_ref_hint": None,
        "description": None,
        "payout_id": None,
        "related_txn": None,
    }
    values.update(extra)
    return PaymentRecord(**values)


def test_payments_export_refund_total_gives_way_to_the_real_refunds() -> None:
    orders = [_order("shopify:1001", "59.90", "shipped", "paid", "stripe", "ann@example.com", 6)]
    records = [
        _record("ch_1", "charge", "59.90", order_ref_hint="#1001"),
        _record("re_1", "refund", "-10.00", related_txn="ch_1"),
        _record(
            "ch_1:refunded",
            "refund",
            "-10.00",
            related_txn="ch_1",
            processor_type="amount_refunded",
            source="stripe_payments",
        ),
    ]
    result = reconcile(orders, records)
    assert [r.processor_refunded for r in result.unrecorded_refunds] == [Decimal("10.00")]


def test_same_number_on_two_channels_is_settled_by_amount_then_email() -> None:
    orders = [
        _order("shopify:1001", "59.90", "shipped", "paid", "stripe", "ann@example.com", 6),
        _order("woocommerce:1001", "20.00", "shipped", "paid", "stripe", "zed@example.com", 6),
    ]
    result = reconcile(orders, [_record("ch_1", "charge", "20.00", order_ref_hint="#1001")])
    assert [(m.order_ref, m.matched_by) for m in result.matches] == [("woocommerce:1001", "reference")]

    same = [
        _order("shopify:1001", "20.00", "shipped", "paid", "stripe", "ann@example.com", 6),
        _order("woocommerce:1001", "20.00", "shipped", "paid", "stripe", "zed@example.com", 6),
    ]
    by_email = reconcile(same, [_record("ch_1", "charge", "20.00", order_ref_hint="1001", email="ZED@example.com")])
    assert [m.order_ref for m in by_email.matches] == ["woocommerce:1001"]
    neither = reconcile(same, [_record("ch_1", "charge", "20.00", order_ref_hint="1001")])
    assert neither.matches == []
    (unmatched,) = neither.unmatched_payments
    assert unmatched.reason.startswith("reference '1001' fits several orders: shopify:1001, woocommerce:1001")


def test_amount_fallback_respects_email_window_and_ties() -> None:
    orders = [_order("shopify:2001", "20.00", "shipped", "paid", "stripe", "b@example.com", 6)]
    other_person = reconcile(orders, [_record("ch_1", "charge", "20.00", email="a@example.com")])
    assert other_person.matches == [] and len(other_person.unmatched_payments) == 1
    no_email = reconcile(orders, [_record("ch_1", "charge", "20.00")])
    assert [m.matched_by for m in no_email.matches] == ["amount_date"]
    too_late = reconcile(orders, [_record("ch_1", "charge", "20.00", at=datetime(2025, 10, 10, 12, tzinfo=UTC))])
    assert too_late.matches == []
    wider = reconcile(
        orders,
        [_record("ch_1", "charge", "20.00", at=datetime(2025, 10, 10, 12, tzinfo=UTC))],
        window=timedelta(days=5),
    )
    assert len(wider.matches) == 1
    twins = orders + [_order("shopify:2002", "20.00", "shipped", "paid", "stripe", None, 6)]
    tied = reconcile(twins, [_record("ch_1", "charge", "20.00")])
    assert tied.unmatched_payments[0].reason == "several orders fit the amount and date: shopify:2001, shopify:2002"


def test_unknown_reference_falls_back_to_amount_and_says_why_when_it_fails() -> None:
    orders = [_order("shopify:1001", "59.90", "shipped", "paid", "stripe", "ann@example.com", 6)]
    found = reconcile(orders, [_record("ch_1", "charge", "59.90", order_ref_hint="#9999", email="ann@example.com")])
    assert [m.matched_by for m in found.matches] == ["amount_email_date"]
    lost = reconcile(orders, [_record("ch_1", "charge", "5.00", order_ref_hint="#9999")])
    assert lost.unmatched_payments[0].reason == (
        "reference '#9999' matches no order; no order has this amount and e-mail within the date window"
    )


def test_currency_mismatch_and_cancelled_order_keeping_money() -> None:
    orders = [
        _order("shopify:3001", "20.00", "shipped", "paid", "stripe", None, 6, currency="EUR"),
        _order("shopify:3002", "20.00", "cancelled", "paid", "stripe", None, 6),
    ]
    result = reconcile(
        orders,
        [
            _record("ch_1", "charge", "20.00", order_ref_hint="shopify:3001"),
            _record("ch_2", "charge", "20.00", order_ref_hint="shopify:3002"),
            _record("re_2", "refund", "-5.00", related_txn="ch_2"),
        ],
        tolerance=Decimal("0.01"),
    )
    notes = {m.order_ref: m.note for m in result.amount_mismatches}
    assert notes == {
        "shopify:3001": "paid in USD, order is in EUR",
        "shopify:3002": "order is cancelled but 15.00 was kept",
    }


def test_unpaid_outside_the_files_period_relies_on_the_payment_status() -> None:
    orders = [
        _order("shopify:4001", "10.00", "shipped", "paid", "stripe", None, 1),  # before the files: trusted
        _order("shopify:4002", "10.00", "shipped", "pending", "stripe", None, 1),
        _order("shopify:4003", "10.00", "delivered", "pending", None, None, 20),
        _order("shopify:4004", "10.00", "returned", "pending", "stripe", None, 20),
    ]
    result = reconcile(orders, [_record("ch_1", "charge", "99.00", at=datetime(2025, 10, 20, tzinfo=UTC))])
    assert [(u.order_ref, u.reason) for u in result.unpaid_shipped] == [
        ("shopify:4002", "payment status is pending"),
        ("shopify:4003", "payment status is pending"),
    ]


def test_order_record_from_dict() -> None:
    record = order_record({**US_ORDERS[0], "refunded_total": None, "placed_at": "2025-10-06T12:00:00", "extra": 1})
    assert record == OrderRecord(
        ref="shopify:1001",
        external_id="1001",
        channel="shopify",
        total=Decimal("59.90"),
        currency="USD",
        email="ann@example.com",
        placed_at=datetime(2025, 10, 6, 12, tzinfo=UTC),
        status="shipped",
        payment_status="paid",
        payment_method="Stripe",
        refunded_total=Decimal(0),
        cash_received=Decimal(0),
    )


@settings(max_examples=40, deadline=None)
@given(
    totals=st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=12),
    style=st.sampled_from(["#{n}", "{n}", "shopify:{n}", "Order #{n}", "WC-{n}"]),
)
def test_every_order_paid_in_full_with_its_reference_is_clean(totals: list[int], style: str) -> None:
    orders = [
        _order(f"shopify:{1000 + i}", str(Decimal(t) / 100), "shipped", "paid", "stripe", f"c{i}@example.com", 6)
        for i, t in enumerate(totals)
    ]
    payments = [
        _record(f"ch_{i}", "charge", str(Decimal(t) / 100), order_ref_hint=style.format(n=1000 + i))
        for i, t in enumerate(totals)
    ]
    result = reconcile(orders, payments)
    assert not result.needs_attention
    assert sorted(m.order_ref for m in result.matches) == sorted(o["ref"] for o in orders)
    assert all(m.matched_by == "reference" for m in result.matches)
