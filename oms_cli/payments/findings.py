"""A reconciliation as flat findings: one row per thing to look at, for CSV and mail.

Every finding that needs attention has a key (``amount_mismatch:shopify:1044``,
``unmatched_payment:ch_3Nx…``) by which the owner acknowledges it once explained
(``oms payments ack``). An acknowledgement holds only while the finding stays as it
was: a difference that changes needs attention again.

Pure module: takes a :class:`Reconciliation`, returns rows of text or a narrower
:class:`Reconciliation`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from oms_cli.payments.reconcile import (
    AcknowledgedFinding,
    AmountMismatch,
    Reconciliation,
    UnmatchedPayment,
    UnpaidOrder,
    UnrecordedRefund,
)

#: the columns of ``oms payments reconcile --csv``
COLUMNS = (
    "category",
    "order_ref",
    "transaction_id",
    "currency",
    "expected",
    "actual",
    "difference",
    "detail",
    "finding",
)

#: Reconciliation attribute -> the category its findings carry (the ones needing attention)
ATTENTION_CATEGORIES = {
    "unpaid_shipped": "unpaid_shipped",
    "unmatched_payments": "unmatched_payment",
    "amount_mismatches": "amount_mismatch",
    "unrecorded_refunds": "unrecorded_refund",
}


@dataclass(frozen=True)
class Acknowledgement:
    """The owner's explanation of one finding, as the store keeps it."""

    finding: str
    signature: str  # the finding's amounts when acknowledged
    note: str
    acknowledged_at: datetime


def finding_key(category: str, item: Any) -> str:
    """The key naming one finding: its category and its order (or, for a payment with
    no order, its transaction id)."""
    return _key(category, item.transaction_id if isinstance(item, UnmatchedPayment) else item.order_ref)


def _key(category: str, ident: str) -> str:
    return f"{category}:{ident}"


def finding_signature(item: Any) -> str:
    """The amounts that make a finding what it is; a change re-opens an acknowledged one."""
    if isinstance(item, UnpaidOrder):
        parts: tuple[Any, ...] = (item.total, item.received, item.currency)
    elif isinstance(item, UnmatchedPayment):
        parts = (item.amount, item.currency)
    elif isinstance(item, (AmountMismatch, UnrecordedRefund)):
        parts = (item.difference, item.currency)
    else:
        raise TypeError(f"not a finding: {item!r}")
    return " ".join(format(p, "f") if isinstance(p, Decimal) else str(p or "") for p in parts)


def open_findings(result: Reconciliation) -> Iterator[tuple[str, str, Any]]:
    """Every finding that needs attention, as (key, category, finding)."""
    for attr, category in ATTENTION_CATEGORIES.items():
        for item in getattr(result, attr):
            yield finding_key(category, item), category, item


def acknowledge(result: Reconciliation, acks: Mapping[str, Acknowledgement]) -> Reconciliation:
    """``result`` without the findings acknowledged as they now stand; those are listed
    in ``acknowledged`` instead. An acknowledgement whose finding has changed, or is
    gone, hides nothing."""
    if not acks:
        return result
    kept: dict[str, list[Any]] = {attr: [] for attr in ATTENTION_CATEGORIES}
    explained = list(result.acknowledged)
    for attr, category in ATTENTION_CATEGORIES.items():
        for item in getattr(result, attr):
            key = finding_key(category, item)
            ack = acks.get(key)
            if ack is not None and ack.signature == finding_signature(item):
                explained.append(AcknowledgedFinding(key, category, ack.note, ack.acknowledged_at))
            else:
                kept[attr].append(item)
    return replace(
        result,
        acknowledged=explained,
        unpaid_shipped=kept["unpaid_shipped"],
        unmatched_payments=kept["unmatched_payments"],
        amount_mismatches=kept["amount_mismatches"],
        unrecorded_refunds=kept["unrecorded_refunds"],
    )


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def finding_rows(result: Reconciliation) -> Iterator[dict[str, str]]:
    """Every finding, category by category (payment matches are not findings)."""
    for o in result.unpaid_shipped:
        yield _row(
            "unpaid_shipped",
            o.order_ref,
            "",
            o.currency,
            o.total,
            o.received,
            o.received - o.total,
            f"{o.reason} ({o.status}, payment {o.payment_status}, {o.payment_method or 'no method'})",
        )
    for o in result.cod_awaiting_cash:
        yield _row(
            "cod_awaiting_cash",
            o.order_ref,
            "",
            o.currency,
            o.total,
            o.received,
            o.received - o.total,
            f"{o.reason} ({o.status})",
        )
    for p in result.unmatched_payments:
        at = p.at.strftime("%Y-%m-%d %H:%M")
        who = f", {p.email}" if p.email else ""
        what = f", {p.description}" if p.description else ""
        yield _row(
            "unmatched_payment",
            "",
            p.transaction_id,
            p.currency,
            None,
            p.amount,
            None,
            f"{p.kind} at {p.source} {at}{who}{what}: {p.reason}",
        )
    for m in result.amount_mismatches:
        yield _row(
            "amount_mismatch",
            m.order_ref,
            " ".join(m.transaction_ids),
            m.currency,
            m.order_total,
            m.paid,
            m.difference,
            m.note,
        )
    for r in result.unrecorded_refunds:
        yield _row(
            "unrecorded_refund",
            r.order_ref,
            " ".join(r.transaction_ids),
            r.currency,
            r.recorded_refunded,
            r.processor_refunded,
            r.difference,
            "given back at the processor, not recorded by the shop",
        )
    for s in result.payouts:
        if s.paid_out_at:
            when = f" paid out {s.paid_out_at:%Y-%m-%d}"
        else:
            when = " (its payout row is not in the files)" if s.payout_id else " not in any payout in the files"
        yield _row(
            "payout",
            "",
            s.payout_id or "",
            s.currency,
            s.net,
            s.paid_out,
            s.difference,
            f"{s.source}{when}: {s.transactions} transactions, gross {_text(s.gross)}, fees {_text(s.fees)}, net {_text(s.net)}",
        )


def _row(
    category: str,
    order_ref: str,
    transaction_id: str,
    currency: str | None,
    expected: Decimal | None,
    actual: Decimal | None,
    difference: Decimal | None,
    detail: str,
) -> dict[str, str]:
    ident = transaction_id if category == "unmatched_payment" else order_ref
    attention = category in ATTENTION_CATEGORIES.values()
    return {
        "category": category,
        "order_ref": order_ref,
        "transaction_id": transaction_id,
        "currency": currency or "",
        "expected": _text(expected),
        "actual": _text(actual),
        "difference": _text(difference),
        "detail": detail,
        "finding": _key(category, ident) if attention else "",
    }


def since(
    result: Reconciliation,
    start: datetime,
    placed_at: Mapping[str, datetime],
    paid_at: Mapping[str, datetime],
) -> Reconciliation:
    """Only what concerns orders placed, or money moved, on or after ``start``.

    Matching is done over the whole history first, so a refund today of an order from
    last month is still tied to it; this keeps what the owner asked to see.
    ``placed_at`` maps order refs to their time, ``paid_at`` transaction ids to theirs.
    """

    def order_new(ref: str) -> bool:
        when = placed_at.get(ref)
        return when is not None and when >= start

    def paid_new(txn: str) -> bool:
        when = paid_at.get(txn)
        return when is not None and when >= start

    return Reconciliation(
        matches=[m for m in result.matches if order_new(m.order_ref) or paid_new(m.transaction_id)],
        unpaid_shipped=[o for o in result.unpaid_shipped if order_new(o.order_ref)],
        cod_awaiting_cash=[o for o in result.cod_awaiting_cash if order_new(o.order_ref)],
        unmatched_payments=[p for p in result.unmatched_payments if p.at >= start],
        amount_mismatches=[
            m for m in result.amount_mismatches if order_new(m.order_ref) or any(map(paid_new, m.transaction_ids))
        ],
        unrecorded_refunds=[
            r for r in result.unrecorded_refunds if order_new(r.order_ref) or any(map(paid_new, r.transaction_ids))
        ],
        # Money not yet paid out is shown whatever its age: it is still owed.
        payouts=[s for s in result.payouts if s.paid_out_at is None or s.paid_out_at >= start],
        ignored=result.ignored,
        acknowledged=result.acknowledged,
    )
