"""A reconciliation as flat findings: one row per thing to look at, for CSV and mail.

Pure module: takes a :class:`Reconciliation`, returns rows of text or a narrower
:class:`Reconciliation`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal

from oms_cli.payments.reconcile import Reconciliation

#: the columns of ``oms payments reconcile --csv``
COLUMNS = ("category", "order_ref", "transaction_id", "currency", "expected", "actual", "difference", "detail")


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
    return {
        "category": category,
        "order_ref": order_ref,
        "transaction_id": transaction_id,
        "currency": currency or "",
        "expected": _text(expected),
        "actual": _text(actual),
        "difference": _text(difference),
        "detail": detail,
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
    )
