"""Pure parts: money recorded by hand in reconciliation, flat findings for CSV, the
--since narrowing, and amounts typed by the shop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from oms_cli.core.errors import UsageError
from oms_cli.payments.amounts import minor_units, parse_amount
from oms_cli.payments.findings import COLUMNS, finding_rows, since
from oms_cli.payments.parsers import PaymentRecord
from oms_cli.payments.reconcile import MANUAL, OrderRecord, reconcile

UTC = UTC
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def order(
    ref: str,
    total: str,
    *,
    placed: datetime = T0,
    status: str = "shipped",
    method: str | None = "stripe",
    payment_status: str = "paid",
    currency: str = "EUR",
) -> OrderRecord:
    return OrderRecord(
        ref=ref,
        external_id=ref.split(":")[1],
        channel=ref.split(":")[0],
        total=Decimal(total),
        currency=currency,
        email=None,
        placed_at=placed,
        status=status,
        payment_status=payment_status,
        payment_method=method,
    )


def payment(
    txn: str,
    gross: str,
    *,
    at: datetime = T0,
    source: str = "stripe_balance",
    kind: str = "charge",
    hint: str | None = None,
    payout: str | None = None,
    fee: str = "0",
) -> PaymentRecord:
    g, f = Decimal(gross), Decimal(fee)
    return PaymentRecord(
        source=source,
        transaction_id=txn,
        kind=kind,
        at=at,
        currency="EUR",
        gross=g,
        fee=f,
        net=g - f,
        email=None,
        order_ref_hint=hint,
        description=None,
        payout_id=payout,
        related_txn=None,
    )


def test_money_recorded_by_hand_does_not_widen_the_processors_period() -> None:
    late = T0 + timedelta(days=10)
    orders = [
        order("shop:1", "20.00"),
        order("shop:2", "30.00", placed=late),
        order("shop:3", "5.00", method="cod", payment_status="cod", placed=late),
    ]
    payments = [
        payment("ch_1", "20.00", hint="shop:1", payout="po_1", fee="0.50"),
        payment("cash:shop:3:1", "5.00", at=late + timedelta(days=1), source=MANUAL, hint="shop:3"),
    ]
    result = reconcile(orders, payments)
    # shop:2 was placed after the Stripe file ends: the file cannot speak for it, and the
    # cash recorded later does not make it.
    assert result.unpaid_shipped == []
    assert [(m.order_ref, m.matched_by) for m in result.matches] == [("shop:1", "reference"), ("shop:3", "reference")]
    assert [(p.source, p.payout_id, p.net) for p in result.payouts] == [("stripe_balance", "po_1", Decimal("19.50"))]
    assert not result.needs_attention


def test_every_finding_is_one_row_with_the_same_columns() -> None:
    orders = [
        order("shop:1", "20.00"),
        order("shop:2", "30.00"),
        order("shop:3", "15.00", method="cod", payment_status="cod"),
    ]
    payments = [
        payment("ch_1", "18.00", hint="shop:1"),
        payment("ch_9", "99.00", hint="nobody"),
        payment("ch_2", "1.00", at=T0 + timedelta(days=1)),
    ]
    rows = list(finding_rows(reconcile(orders, payments)))
    assert all(list(r) == list(COLUMNS) for r in rows)
    cats = [r["category"] for r in rows]
    assert cats == [
        "unpaid_shipped",
        "cod_awaiting_cash",
        "unmatched_payment",
        "unmatched_payment",
        "amount_mismatch",
        "payout",
    ]
    mismatch = rows[4]
    assert (mismatch["order_ref"], mismatch["expected"], mismatch["actual"], mismatch["difference"]) == (
        "shop:1",
        "20.00",
        "18.00",
        "-2.00",
    )


def test_since_keeps_recent_orders_and_money_but_matches_over_all_history() -> None:
    old, new = T0, T0 + timedelta(days=5)
    orders = [order("shop:1", "20.00", placed=old), order("shop:2", "30.00", placed=new)]
    payments = [
        payment("ch_1", "20.00", hint="shop:1", at=old),
        payment("re_1", "-20.00", kind="refund", hint="shop:1", at=new),
        payment("ch_x", "7.00", at=old),
    ]
    full = reconcile(orders, payments)
    records = {p.transaction_id: p.at for p in payments}
    narrowed = since(full, new, {o.ref: o.placed_at for o in orders}, records)
    assert [u.order_ref for u in narrowed.unpaid_shipped] == ["shop:2"]  # recent, and no Stripe payment for it
    assert [r.order_ref for r in narrowed.unrecorded_refunds] == ["shop:1"]  # an old order, refunded recently
    assert narrowed.unmatched_payments == []  # ch_x is older
    assert [u.transaction_id for u in full.unmatched_payments] == ["ch_x"]
    assert narrowed.needs_attention


@pytest.mark.parametrize(
    ("text", "amount"), [("12.50", "12.50"), ("12,50", "12.50"), ("1,234.50", "1234.50"), (" 7 ", "7")]
)
def test_amounts_typed_by_the_shop(text: str, amount: str) -> None:
    assert parse_amount(text, "AMOUNT") == Decimal(amount)


def test_amounts_must_fit_the_currency() -> None:
    assert minor_units(Decimal("12.5"), "EUR", "--refund") == 1250
    assert minor_units(Decimal("1200"), "JPY", "--refund") == 1200
    with pytest.raises(UsageError, match="more decimals than JPY allows"):
        minor_units(Decimal("12.5"), "JPY", "--refund")
    with pytest.raises(UsageError, match="must be more than 0"):
        minor_units(Decimal("0"), "EUR", "--refund")
    with pytest.raises(UsageError, match="is not an amount"):
        parse_amount("NaN", "AMOUNT")
