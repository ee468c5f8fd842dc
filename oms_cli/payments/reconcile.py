"""Match what the payment processors say was paid against the shop's orders.

Each payment is tied to an order by the order reference it carries (metadata,
invoice number, description), by the payment it refunds, or failing those by
amount + e-mail + date. The result lists what needs the owner's eye: orders shipped
but not paid (cash-on-delivery orders apart), payments with no order, amounts that
differ, refunds the shop has not recorded, and fees and net per payout.
Rules are described in ``docs/payments.md``.

Pure module: plain records in, plain records out; no database, no Typer/Rich.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from oms_cli.orders.lifecycle import Status
from oms_cli.payments.parsers import PaymentRecord

__all__ = [
    "AcknowledgedFinding",
    "AmountMismatch",
    "OrderRecord",
    "PaymentMatch",
    "PayoutSummary",
    "Reconciliation",
    "UnmatchedPayment",
    "UnpaidOrder",
    "UnrecordedRefund",
    "order_record",
    "reconcile",
]

ZERO = Decimal(0)
#: the order has gone out and not come back
SHIPPED = frozenset({Status.SHIPPED, Status.DELIVERED})
# Payment statuses under which the channel says the money has arrived.
PAID_STATUSES = frozenset({"paid", "partially_refunded", "refunded"})
_COD_METHOD = re.compile(r"\bcod\b|cash[ _-]?on[ _-]?delivery|nachnahme|contra ?reembolso", re.IGNORECASE)
# Which order payment methods each processor's files should account for.
_PROCESSOR_METHODS = {
    "stripe": re.compile(r"stripe", re.IGNORECASE),
    "paypal": re.compile(r"paypal|ppcp|ppec", re.IGNORECASE),
    "shopify_payments": re.compile(r"shopify[ _-]?payments", re.IGNORECASE),
}
# A marketplace's settlement accounts for every order of its channel, whatever the method.
_SETTLEMENT_CHANNELS = {"amazon_settlement": "amazon"}
_PROCESSOR_NAMES = {
    "stripe": "Stripe",
    "paypal": "PayPal",
    "shopify_payments": "Shopify Payments",
    "amazon_settlement": "Amazon settlement",
}
#: source of payments the shop recorded by hand (cash on delivery, bank transfers)
MANUAL = "manual"


@dataclass(frozen=True)
class OrderRecord:
    """What reconciliation needs to know about one order."""

    ref: str  # shopify:1001
    external_id: str  # 1001, #1001, 113-4000012-1000084
    channel: str
    total: Decimal
    currency: str | None
    email: str | None
    placed_at: datetime
    status: str  # new … shipped, delivered, cancelled, returned
    payment_status: str  # paid, pending, cod, refunded, partially_refunded, voided
    payment_method: str | None = None
    refunded_total: Decimal = ZERO  # refunds the shop has recorded
    cash_received: Decimal = ZERO  # cash recorded for cash-on-delivery orders
    priced: bool = True  # False when the channel gave no prices (Amazon's order report)


@dataclass(frozen=True)
class PaymentMatch:
    """One payment tied to one order, and how the tie was made."""

    order_ref: str
    transaction_id: str
    source: str
    kind: str
    amount: Decimal
    currency: str
    matched_by: str  # reference | refunded_payment | amount_email_date | amount_date


@dataclass(frozen=True)
class UnpaidOrder:
    """A shipped or delivered order with no money seen for it."""

    order_ref: str
    status: str
    payment_status: str
    payment_method: str | None
    total: Decimal
    received: Decimal
    currency: str | None
    reason: str


@dataclass(frozen=True)
class UnmatchedPayment:
    """A payment, refund or dispute the processor shows with no order to tie it to."""

    transaction_id: str
    source: str
    kind: str
    at: datetime
    amount: Decimal
    currency: str
    email: str | None
    order_ref_hint: str | None
    description: str | None
    reason: str


@dataclass(frozen=True)
class AmountMismatch:
    """An order whose payments do not add up to its total."""

    order_ref: str
    order_total: Decimal
    paid: Decimal
    difference: Decimal  # paid - order_total
    currency: str | None
    transaction_ids: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class UnrecordedRefund:
    """Money the processor gave back (refunds, disputes) beyond what the shop recorded."""

    order_ref: str
    processor_refunded: Decimal
    recorded_refunded: Decimal
    difference: Decimal
    currency: str | None
    transaction_ids: tuple[str, ...]


@dataclass(frozen=True)
class PayoutSummary:
    """Gross, fees and net of the transactions in one payout (``payout_id`` None:
    transactions not in any payout listed in the files)."""

    payout_id: str | None
    source: str
    currency: str
    paid_out_at: datetime | None
    transactions: int
    gross: Decimal
    fees: Decimal
    net: Decimal
    paid_out: Decimal | None  # the payout's own amount, when the file has its row
    difference: Decimal | None  # paid_out - net, when both are known


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


@dataclass(frozen=True)
class AcknowledgedFinding:
    """A finding the owner has explained, with the note given and when."""

    finding: str  # the finding's key, e.g. amount_mismatch:shopify:1044
    category: str
    note: str
    acknowledged_at: datetime


@dataclass
class Reconciliation:
    """Everything reconciliation found, by category."""

    matches: list[PaymentMatch] = field(default_factory=list)
    unpaid_shipped: list[UnpaidOrder] = field(default_factory=list)
    cod_awaiting_cash: list[UnpaidOrder] = field(default_factory=list)
    unmatched_payments: list[UnmatchedPayment] = field(default_factory=list)
    amount_mismatches: list[AmountMismatch] = field(default_factory=list)
    unrecorded_refunds: list[UnrecordedRefund] = field(default_factory=list)
    payouts: list[PayoutSummary] = field(default_factory=list)
    ignored: int = 0  # records that move no order money (authorisations, failed charges …)
    #: findings the owner has explained (``oms payments ack``); they need no attention
    acknowledged: list[AcknowledgedFinding] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        """Whether anything needs the owner's attention (cash-on-delivery orders
        waiting for their cash do not count: that is the normal course)."""
        return bool(self.unpaid_shipped or self.unmatched_payments or self.amount_mismatches or self.unrecorded_refunds)

    def to_json(self) -> dict[str, Any]:
        """The result as JSON-ready data: amounts as strings, times as ISO 8601 UTC."""
        categories = (
            "unpaid_shipped",
            "cod_awaiting_cash",
            "unmatched_payments",
            "amount_mismatches",
            "unrecorded_refunds",
            "payouts",
            "matches",
            "acknowledged",
        )
        return {
            "needs_attention": self.needs_attention,
            "counts": {name: len(getattr(self, name)) for name in categories} | {"ignored": self.ignored},
            **{name: _plain(getattr(self, name)) for name in categories},
            "ignored": self.ignored,
        }


def order_record(data: Mapping[str, Any]) -> OrderRecord:
    """Build an :class:`OrderRecord` from a plain dict (amounts as text or numbers,
    ``placed_at`` as ISO 8601 text or datetime)."""
    raw = dict(data)
    for name in ("total", "refunded_total", "cash_received"):
        if name in raw and raw[name] is not None and not isinstance(raw[name], Decimal):
            raw[name] = Decimal(str(raw[name]))
        elif name in raw and raw[name] is None:
            raw[name] = ZERO
    placed = raw.get("placed_at")
    if isinstance(placed, str):
        placed = datetime.fromisoformat(placed.replace("Z", "+00:00"))
    if isinstance(placed, datetime) and placed.tzinfo is None:
        placed = placed.replace(tzinfo=UTC)
    raw["placed_at"] = placed
    known = {f.name for f in fields(OrderRecord)}
    return OrderRecord(**{k: v for k, v in raw.items() if k in known})


# --- finding the order a payment belongs to -------------------------------------------


def _number(text: str) -> str | None:
    """The trailing number of a reference: ``#1001`` -> 1001, ``WC-5012`` -> 5012."""
    match = re.search(r"(\d+)\s*$", text)
    return match.group(1).lstrip("0") or "0" if match else None


def _same_currency(order: OrderRecord, payment: PaymentRecord) -> bool:
    return order.currency is None or order.currency.upper() == payment.currency


def _email(text: str | None) -> str | None:
    return text.strip().lower() if text and text.strip() else None


class _OrderIndex:
    def __init__(self, orders: list[OrderRecord]) -> None:
        self.by_ref: dict[str, OrderRecord] = {}
        self.by_id: dict[str, list[OrderRecord]] = defaultdict(list)
        self.by_number: dict[str, list[OrderRecord]] = defaultdict(list)
        for order in orders:
            self.by_ref[order.ref.strip().lower()] = order
            self.by_id[order.external_id.strip().lstrip("#").lower()].append(order)
            number = _number(order.external_id)
            if number:
                self.by_number[number].append(order)

    def for_hint(self, hint: str, payment: PaymentRecord) -> list[OrderRecord]:
        text = hint.strip()
        if text.lower() in self.by_ref:
            return [self.by_ref[text.lower()]]
        found = self.by_id.get(text.lstrip("#").strip().lower())
        if not found:
            number = _number(text)
            found = self.by_number.get(number, []) if number else []
        if len(found) > 1:
            # The same number on two channels: let amount, currency and e-mail decide.
            narrowed = [o for o in found if _same_currency(o, payment) and o.total == abs(payment.gross)]
            found = narrowed or found
            email = _email(payment.email)
            if len(found) > 1 and email:
                found = [o for o in found if _email(o.email) == email] or found
        return list(found)


def _fallback(
    payment: PaymentRecord,
    by_total: list[OrderRecord],
    totals: list[Decimal],
    taken: Container[str],
    window: timedelta,
    tolerance: Decimal,
) -> tuple[OrderRecord | None, str, str]:
    """Amount + e-mail + date: (order, matched_by, reason when no order).

    ``by_total`` is the orders sorted by total and ``totals`` their totals, so only
    orders of about the payment's amount are looked at.
    """
    low = bisect_left(totals, payment.gross - tolerance)
    high = bisect_right(totals, payment.gross + tolerance)
    candidates = [
        o
        for o in by_total[low:high]
        if o.ref not in taken and _same_currency(o, payment) and abs(o.placed_at - payment.at) <= window
    ]
    email = _email(payment.email)
    with_email = [o for o in candidates if email and _email(o.email) == email]
    # An order with a different e-mail is someone else's order of the same amount.
    without = [o for o in candidates if not email or not _email(o.email)]
    pool, how = (with_email, "amount_email_date") if with_email else (without, "amount_date")
    if not pool:
        return None, "", "no order has this amount and e-mail within the date window"
    pool.sort(key=lambda o: abs(o.placed_at - payment.at))
    if len(pool) > 1 and abs(pool[0].placed_at - payment.at) == abs(pool[1].placed_at - payment.at):
        refs = ", ".join(o.ref for o in pool)
        return None, "", f"several orders fit the amount and date: {refs}"
    return pool[0], how, ""


def _is_cod(order: OrderRecord) -> bool:
    return order.payment_status == "cod" or bool(order.payment_method and _COD_METHOD.search(order.payment_method))


def _dedupe(payments: Iterable[PaymentRecord]) -> list[PaymentRecord]:
    seen: set[str] = set()
    unique = []
    for payment in payments:
        if payment.transaction_id in seen:
            continue
        seen.add(payment.transaction_id)
        unique.append(payment)
    # A payments export knows only the refunded total; drop it where the real refunds are known.
    refunded = {p.related_txn for p in unique if p.kind == "refund" and p.processor_type != "amount_refunded"}
    return [p for p in unique if not (p.processor_type == "amount_refunded" and p.related_txn in refunded)]


def _processor(source: str) -> str:
    return "stripe" if source.startswith("stripe") else source


def reconcile(
    orders: Iterable[OrderRecord | Mapping[str, Any]],
    payments: Iterable[PaymentRecord],
    *,
    window: timedelta = timedelta(days=3),
    tolerance: Decimal = Decimal("0.00"),
) -> Reconciliation:
    """Tie payments to orders and report what does not add up (see ``docs/payments.md``).

    ``window`` bounds how far a payment may be from the order's time to match on
    amount and e-mail; ``tolerance`` is the amount difference still counted as equal.
    """
    order_list = [o if isinstance(o, OrderRecord) else order_record(o) for o in orders]
    records = _dedupe(payments)
    index = _OrderIndex(order_list)
    result = Reconciliation()
    order_of: dict[str, OrderRecord] = {}  # transaction id -> order
    money: dict[str, list[PaymentRecord]] = defaultdict(list)  # order ref -> its payments
    unresolved: list[tuple[PaymentRecord, str]] = []

    def tie(payment: PaymentRecord, order: OrderRecord, how: str) -> None:
        order_of[payment.transaction_id] = order
        money[order.ref].append(payment)
        result.matches.append(
            PaymentMatch(
                order.ref, payment.transaction_id, payment.source, payment.kind, payment.gross, payment.currency, how
            )
        )

    def by_hint(payment: PaymentRecord) -> tuple[OrderRecord | None, str]:
        if not payment.order_ref_hint:
            return None, "carries no order reference"
        found = index.for_hint(payment.order_ref_hint, payment)
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, f"reference {payment.order_ref_hint!r} fits several orders: {', '.join(o.ref for o in found)}"
        return None, f"reference {payment.order_ref_hint!r} matches no order"

    charges = [p for p in records if p.kind == "charge"]
    givebacks = [p for p in records if p.kind in ("refund", "adjustment")]
    result.ignored = sum(1 for p in records if p.kind == "other")

    # References first, for every charge, so the amount fallback never takes an
    # order another payment names outright.
    pending: list[tuple[PaymentRecord, str]] = []
    for payment in charges:
        order, reason = by_hint(payment)
        if order is not None:
            tie(payment, order, "reference")
        else:
            pending.append((payment, reason))
    by_total = sorted(order_list, key=lambda o: o.total)
    totals = [o.total for o in by_total]
    for payment, reason in pending:
        order, how, why = _fallback(payment, by_total, totals, money.keys(), window, tolerance)
        if order is not None:
            tie(payment, order, how)
        else:
            unresolved.append((payment, f"{reason}; {why}" if payment.order_ref_hint else why))

    for payment in givebacks:
        original = order_of.get(payment.related_txn or "")
        if original is not None:
            tie(payment, original, "refunded_payment")
            continue
        order, reason = by_hint(payment)
        if order is not None:
            tie(payment, order, "reference")
        else:
            unresolved.append((payment, reason))

    for payment, reason in unresolved:
        result.unmatched_payments.append(
            UnmatchedPayment(
                payment.transaction_id,
                payment.source,
                payment.kind,
                payment.at,
                payment.gross,
                payment.currency,
                payment.email,
                payment.order_ref_hint,
                payment.description,
                reason,
            )
        )

    _check_orders(result, order_list, money, records, window, tolerance)
    result.payouts = _payouts(records)
    return result


def _check_orders(
    result: Reconciliation,
    orders: list[OrderRecord],
    money: Mapping[str, list[PaymentRecord]],
    records: list[PaymentRecord],
    window: timedelta,
    tolerance: Decimal,
) -> None:
    # Money recorded by hand is matched like any payment, but it says nothing about
    # which period the processors' files cover.
    from_files = [p for p in records if p.source != MANUAL]
    processors = {_processor(p.source) for p in from_files}
    times = [p.at for p in from_files]
    period = (min(times) - window, max(times)) if times else None
    for order in orders:
        mine = money.get(order.ref, [])
        charges = [p for p in mine if p.kind == "charge"]
        paid = sum((p.gross for p in charges if _same_currency(order, p)), ZERO)
        other_currency = [p for p in charges if not _same_currency(order, p)]
        given_back = -sum((p.gross for p in mine if p.kind != "charge" and _same_currency(order, p)), ZERO)

        if order.status in SHIPPED and not charges:
            if _is_cod(order):
                if order.cash_received < order.total - tolerance:
                    result.cod_awaiting_cash.append(
                        UnpaidOrder(
                            order.ref,
                            order.status,
                            order.payment_status,
                            order.payment_method,
                            order.total,
                            order.cash_received,
                            order.currency,
                            "cash on delivery not yet recorded",
                        )
                    )
            else:
                method = order.payment_method or ""
                covered = [
                    _PROCESSOR_NAMES[name]
                    for name in sorted(processors)
                    if (name in _PROCESSOR_METHODS and _PROCESSOR_METHODS[name].search(method))
                    or _SETTLEMENT_CHANNELS.get(name) == order.channel
                ]
                in_period = period is not None and period[0] <= order.placed_at <= period[1]
                if covered and in_period:
                    reason = f"no {' or '.join(covered)} payment found"
                elif order.payment_status not in PAID_STATUSES:
                    reason = f"payment status is {order.payment_status}"
                else:
                    reason = ""
                if reason:
                    result.unpaid_shipped.append(
                        UnpaidOrder(
                            order.ref,
                            order.status,
                            order.payment_status,
                            order.payment_method,
                            order.total,
                            ZERO,
                            order.currency,
                            reason,
                        )
                    )

        if charges:
            ids = tuple(p.transaction_id for p in charges)
            if other_currency:
                currencies = ", ".join(sorted({p.currency for p in other_currency}))
                result.amount_mismatches.append(
                    AmountMismatch(
                        order.ref,
                        order.total,
                        paid,
                        paid - order.total,
                        order.currency,
                        ids,
                        f"paid in {currencies}, order is in {order.currency}",
                    )
                )
            elif order.status == Status.CANCELLED and paid - given_back > tolerance:
                result.amount_mismatches.append(
                    AmountMismatch(
                        order.ref,
                        order.total,
                        paid,
                        paid - order.total,
                        order.currency,
                        ids,
                        f"order is cancelled but {paid - given_back} was kept",
                    )
                )
            elif order.status != Status.CANCELLED and order.priced and abs(paid - order.total) > tolerance:
                # An order the channel gave no prices for has only the settlement's word on
                # what was paid: nothing to compare it with.
                note = "paid less than the order total" if paid < order.total else "paid more than the order total"
                result.amount_mismatches.append(
                    AmountMismatch(order.ref, order.total, paid, paid - order.total, order.currency, ids, note)
                )

        if given_back - order.refunded_total > tolerance:
            result.unrecorded_refunds.append(
                UnrecordedRefund(
                    order.ref,
                    given_back,
                    order.refunded_total,
                    given_back - order.refunded_total,
                    order.currency,
                    tuple(p.transaction_id for p in mine if p.kind != "charge"),
                )
            )


def _payouts(records: list[PaymentRecord]) -> list[PayoutSummary]:
    groups: dict[tuple[str, str | None, str], list[PaymentRecord]] = defaultdict(list)
    payout_rows: dict[tuple[str, str | None, str], PaymentRecord] = {}
    for p in records:
        if p.kind == "other" or p.source == MANUAL:
            continue  # cash and transfers recorded by hand are in no processor's payout
        key = (p.source, p.payout_id, p.currency)
        if p.kind == "payout":
            payout_rows[key] = p
        else:
            groups[key].append(p)
    summaries = []
    for key in sorted(set(groups) | set(payout_rows), key=lambda k: (k[0], k[1] is None, k[1] or "", k[2])):
        members = groups.get(key, [])
        row = payout_rows.get(key)
        known_fees = [p.fee for p in members if p.fee is not None]
        net = sum((p.net for p in members if p.net is not None), ZERO)
        paid_out = -row.gross if row is not None else None
        summaries.append(
            PayoutSummary(
                payout_id=key[1],
                source=key[0],
                currency=key[2],
                paid_out_at=row.at if row is not None else None,
                transactions=len(members),
                gross=sum((p.gross for p in members), ZERO),
                fees=sum(known_fees, ZERO),
                net=net,
                paid_out=paid_out,
                difference=paid_out - net if paid_out is not None and members else None,
            )
        )
    return summaries
