"""Payments service: import processor exports, record cash and refunds by hand, and
reconcile what was paid against the orders. Owns its transactions.

Imported rows are keyed by (source, transaction id), so importing a file again changes
nothing. Reading files and matching payments are the pure modules ``parsers`` and
``reconcile``; this module moves their records in and out of the store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from oms_cli.core.errors import BadInput, NotFound, Refused, UsageError
from oms_cli.core.files import read_input_bytes
from oms_cli.core.money import format_money, from_minor, to_minor
from oms_cli.orders.events import record_event
from oms_cli.orders.service import resolve_ref
from oms_cli.payments import findings
from oms_cli.payments.amounts import minor_units
from oms_cli.payments.parsers import PaymentRecord, read_payment_file
from oms_cli.payments.reconcile import MANUAL, OrderRecord, Reconciliation, reconcile
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import payment_acks as acks_t
from oms_cli.store.tables import payments as payments_t
from oms_cli.store.tables import refunds as refunds_t
from oms_cli.store.types import utcnow

if TYPE_CHECKING:
    from oms_cli.store.engine import Store


ZERO = Decimal(0)
#: columns an import compares to tell an unchanged row from an updated one
COMPARED = (
    "kind",
    "at",
    "currency",
    "gross_minor",
    "fee_minor",
    "net_minor",
    "email",
    "order_ref_hint",
    "description",
    "payout_id",
    "related_txn",
)
CHUNK = 500
# The Stripe payments export gives refunds only as a total per charge; the parser
# names that record "<charge id>:refunded" (see docs/payments.md).
REFUNDED_TOTAL_SUFFIX = ":refunded"


@dataclass
class PaymentFileReport:
    """What importing one payment file did."""

    file: str
    format: str | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0  # rows repeating a transaction id already read from the same file
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        return asdict(self)


def row_values(record: PaymentRecord) -> dict[str, Any]:
    """The payments-table values of one parsed record (amounts in minor units)."""
    gross = to_minor(record.gross, record.currency)
    assert gross is not None
    # The table has no room for "fee unknown" (a Stripe charge settled in another
    # currency): such a row keeps fee 0 and net = gross.
    fee = (to_minor(record.fee, record.currency) or 0) if record.fee is not None else 0
    net = to_minor(record.net, record.currency) if record.net is not None else gross - fee
    return {
        "source": record.source,
        "transaction_id": record.transaction_id,
        "kind": record.kind,
        "at": record.at,
        "currency": record.currency,
        "gross_minor": gross,
        "fee_minor": fee,
        "net_minor": net,
        "email": record.email,
        "order_ref_hint": record.order_ref_hint,
        "description": record.description,
        "payout_id": record.payout_id,
        "related_txn": record.related_txn,
    }


def import_payment_file(
    store: Store, path: str, *, date_order: str | None = None, now: datetime | None = None
) -> PaymentFileReport:
    """Import one processor export in one transaction: new rows added, changed rows
    updated, the rest left alone. Bad input raises ``BadInput`` and changes nothing."""
    data = read_input_bytes(path, "payment file")
    fmt, records = read_payment_file(path, data, date_order=date_order)
    report = PaymentFileReport(file=path, format=fmt)
    wanted: dict[str, dict[str, Any]] = {}
    for record in records:
        if record.transaction_id in wanted:
            report.duplicates += 1
            continue
        wanted[record.transaction_id] = row_values(record)
    at = now or utcnow()
    with store.connect() as conn:
        ids = list(wanted)
        stored: dict[str, Any] = {}
        for start in range(0, len(ids), CHUNK):
            for row in conn.execute(
                select(payments_t).where(
                    payments_t.c.source == fmt, payments_t.c.transaction_id.in_(ids[start : start + CHUNK])
                )
            ):
                stored[row.transaction_id] = row
        new_rows = []
        for txn, values in wanted.items():
            old = stored.get(txn)
            if old is None:
                new_rows.append(values | {"imported_at": at})
            elif any(getattr(old, column) != values[column] for column in COMPARED):
                # A later export can say more (a refund grew, a payout was assigned).
                conn.execute(
                    update(payments_t).where(payments_t.c.id == old.id).values({c: values[c] for c in COMPARED})
                )
                report.updated += 1
            else:
                report.unchanged += 1
        for start in range(0, len(new_rows), CHUNK):
            conn.execute(insert(payments_t), new_rows[start : start + CHUNK])
        report.new = len(new_rows)
    return report


def import_payment_files(store: Store, paths: list[str], *, date_order: str | None = None) -> list[PaymentFileReport]:
    """Import payment files, each in its own transaction; a bad file is reported and the
    others still imported (with a single file, its error is raised)."""
    reports = []
    for path in paths:
        try:
            reports.append(import_payment_file(store, path, date_order=date_order))
        except BadInput as exc:
            if len(paths) == 1:
                raise
            reports.append(PaymentFileReport(file=path, error=exc.message))
    return reports


# --- money recorded by hand -------------------------------------------------------------


def _currency(order: Any, given: str | None) -> str:
    currency = (given or order.currency or "").strip().upper()
    if not currency:
        raise UsageError(f"{order.ref} has no currency", hint="give it with --currency EUR")
    if order.currency and currency != order.currency.upper():
        raise UsageError(f"{order.ref} is in {order.currency}, not {currency}")
    return currency


def record_payment(
    store: Store,
    ref: str,
    amount: Decimal,
    *,
    method: str = "cash",
    currency: str | None = None,
    at: datetime | None = None,
    note: str | None = None,
    again: bool = False,
) -> dict[str, Any]:
    """Record money received by hand for an order (cash on delivery, a bank transfer).

    The same amount for the same order is refused unless ``again``: cash counted twice
    would hide a shortfall.
    """
    how = method.strip().lower()
    if not how or any(c.isspace() or c == ":" for c in how):
        raise UsageError(f"--method '{method}' must be one word, e.g. cash or bank_transfer")
    when = at or utcnow()
    with store.connect() as conn:
        order = resolve_ref(conn, ref)
        cur = _currency(order, currency)
        minor = minor_units(amount, cur, "AMOUNT")
        earlier = conn.execute(
            select(payments_t)
            .where(payments_t.c.source == MANUAL, payments_t.c.order_id == order.id)
            .order_by(payments_t.c.id)
        ).all()
        same = [p for p in earlier if p.gross_minor == minor]
        if same and not again:
            first = same[0]
            raise Refused(
                f"{order.ref}: {format_money(minor, cur)} was already recorded ({first.method}, {first.at:%Y-%m-%d}, {first.transaction_id})",
                hint="if a second payment of the same amount came in, add --again",
            )
        serial = len(earlier) + 1
        taken = {p.transaction_id for p in earlier}
        while f"{how}:{order.ref}:{serial}" in taken:
            serial += 1
        txn = f"{how}:{order.ref}:{serial}"
        conn.execute(
            insert(payments_t).values(
                source=MANUAL,
                transaction_id=txn,
                kind="charge",
                method=how,
                at=when,
                currency=cur,
                gross_minor=minor,
                fee_minor=0,
                net_minor=minor,
                email=order.customer_email,
                order_ref_hint=order.ref,
                order_id=order.id,
                description=note or f"{how} recorded by hand",
                payout_id=None,
                related_txn=None,
                imported_at=utcnow(),
            )
        )
        record_event(
            conn,
            order.id,
            command="payments record",
            kind="note",
            note=f"payment recorded: {format_money(minor, cur)} {how}" + (f"; {note}" if note else ""),
        )
        received = sum(p.gross_minor for p in earlier) + minor
        return {
            "order_ref": order.ref,
            "transaction_id": txn,
            "method": how,
            "amount": from_minor(minor, cur),
            "currency": cur,
            "at": when,
            "received": from_minor(received, cur),
            "total": from_minor(order.total_minor, cur),
        }


def record_refund(
    store: Store,
    ref: str,
    amount: Decimal,
    *,
    note: str | None = None,
    at: datetime | None = None,
    again: bool = False,
) -> dict[str, Any]:
    """Record a refund the shop gave outside a return (a cancelled order, a goodwill gesture).

    The same amount for the same order is refused unless ``again``; more than the order's
    total less its refunds so far is refused.
    """
    when = at or utcnow()
    with store.connect() as conn:
        order = resolve_ref(conn, ref)
        cur = order.currency
        minor = minor_units(amount, cur, "AMOUNT")
        earlier = conn.execute(select(refunds_t).where(refunds_t.c.order_id == order.id).order_by(refunds_t.c.id)).all()
        same = [r for r in earlier if r.amount_minor == minor]
        if same and not again:
            raise Refused(
                f"{order.ref}: a refund of {format_money(minor, cur)} was already recorded on {same[0].at:%Y-%m-%d}",
                hint="if a second refund of the same amount was given, add --again",
            )
        refunded = sum(r.amount_minor for r in earlier)
        if order.total_minor is not None and refunded + minor > order.total_minor:
            raise Refused(
                f"{order.ref}: refunds would come to {format_money(refunded + minor, cur)}, more than the total of {format_money(order.total_minor, cur)}"
            )
        conn.execute(
            insert(refunds_t).values(order_id=order.id, return_id=None, amount_minor=minor, at=when, note=note)
        )
        record_event(
            conn,
            order.id,
            command="payments refund",
            kind="note",
            note=f"refund recorded: {format_money(minor, cur)}" + (f"; {note}" if note else ""),
        )
        return {
            "order_ref": order.ref,
            "amount": from_minor(minor, cur),
            "currency": cur,
            "at": when,
            "refunded": from_minor(refunded + minor, cur),
        }


# --- reconciliation -----------------------------------------------------------------------


def _amount(minor: int, currency: str | None) -> Decimal:
    amount = from_minor(minor, currency)
    assert amount is not None
    return amount


def payment_record(row: Any) -> PaymentRecord:
    """A stored payment as the plain record reconciliation takes."""
    cur = row.currency
    refunded_total = row.source == "stripe_payments" and row.transaction_id.endswith(REFUNDED_TOTAL_SUFFIX)
    return PaymentRecord(
        source=row.source,
        transaction_id=row.transaction_id,
        kind=row.kind,
        at=row.at,
        currency=cur,
        gross=_amount(row.gross_minor, cur),
        fee=_amount(row.fee_minor, cur),
        net=_amount(row.net_minor, cur),
        email=row.email,
        order_ref_hint=row.order_ref_hint,
        description=row.description,
        payout_id=row.payout_id,
        related_txn=row.related_txn,
        processor_type="amount_refunded" if refunded_total else (row.method or ""),
    )


def _sums(conn: Connection, column: Any, key: Any, *where: Any) -> dict[int, int]:
    return {int(r[0]): int(r[1]) for r in conn.execute(select(key, func.sum(column)).where(*where).group_by(key))}


def load_for_reconciliation(conn: Connection) -> tuple[list[OrderRecord], list[PaymentRecord]]:
    """Every order (with its recorded refunds and cash) and every payment, as plain records."""
    refunded = _sums(conn, refunds_t.c.amount_minor, refunds_t.c.order_id)
    cash = _sums(
        conn,
        payments_t.c.gross_minor,
        payments_t.c.order_id,
        payments_t.c.source == MANUAL,
        payments_t.c.method == "cash",
        payments_t.c.order_id.is_not(None),
    )
    orders = [
        OrderRecord(
            ref=o.ref,
            external_id=o.external_id,
            channel=o.channel,
            # Some channels (Amazon's order report) carry no prices: such an order counts as 0.
            total=_amount(o.total_minor or 0, o.currency),
            currency=o.currency,
            email=o.customer_email,
            placed_at=o.placed_at,
            status=o.status,
            payment_status=o.payment_status,
            payment_method=o.payment_method,
            refunded_total=_amount(refunded.get(o.id, 0), o.currency),
            cash_received=_amount(cash.get(o.id, 0), o.currency),
            priced=o.total_minor is not None,
        )
        for o in conn.execute(select(orders_t).order_by(orders_t.c.id))
    ]
    payments = [payment_record(r) for r in conn.execute(select(payments_t).order_by(payments_t.c.at, payments_t.c.id))]
    return orders, payments


def reconcile_store(
    store: Store,
    *,
    since: datetime | None = None,
    window: timedelta = timedelta(days=3),
    tolerance: Decimal = ZERO,
) -> Reconciliation:
    """Match the stored payments to the orders and report what needs the owner's eye;
    with ``since``, only orders placed and money moved since then are reported."""
    with store.connect(write=False) as conn:
        orders, payments = load_for_reconciliation(conn)
        acks = _acknowledgements(conn)
    result = findings.acknowledge(reconcile(orders, payments, window=window, tolerance=tolerance), acks)
    if since is None:
        return result
    return findings.since(
        result, since, {o.ref: o.placed_at for o in orders}, {p.transaction_id: p.at for p in payments}
    )


def _acknowledgements(conn: Connection) -> dict[str, findings.Acknowledgement]:
    return {
        r.finding: findings.Acknowledgement(r.finding, r.signature, r.note, r.acknowledged_at)
        for r in conn.execute(select(acks_t))
    }


@dataclass(frozen=True)
class AckResult:
    """What ``oms payments ack`` recorded (or, with ``removed``, took back)."""

    finding: str
    category: str
    note: str
    acknowledged_at: datetime | None
    removed: bool = False


def acknowledge_finding(
    store: Store,
    finding: str,
    note: str,
    *,
    window: timedelta = timedelta(days=3),
    tolerance: Decimal = ZERO,
    now: datetime | None = None,
) -> AckResult:
    """Record the owner's explanation of one open finding, so reconcile stops counting it
    as needing attention while it stays as it is. Acknowledging it again replaces the note."""
    note = note.strip()
    if not note:
        raise UsageError("--note must say why the finding is explained")
    at = now or utcnow()
    with store.connect(write=True) as conn:
        orders, payments = load_for_reconciliation(conn)
        result = reconcile(orders, payments, window=window, tolerance=tolerance)
        current = {key: (category, item) for key, category, item in findings.open_findings(result)}
        if finding not in current:
            raise NotFound(
                f"no open finding {finding}",
                hint="oms payments reconcile --csv lists each finding's key in its finding column",
            )
        category, item = current[finding]
        values = {"signature": findings.finding_signature(item), "note": note, "acknowledged_at": at}
        updated = conn.execute(update(acks_t).where(acks_t.c.finding == finding).values(**values)).rowcount
        if not updated:
            conn.execute(insert(acks_t).values(finding=finding, **values))
    return AckResult(finding, category, note, at)


def withdraw_acknowledgement(store: Store, finding: str) -> AckResult:
    """Take back an acknowledgement: the finding needs attention again."""
    with store.connect(write=True) as conn:
        row = conn.execute(select(acks_t).where(acks_t.c.finding == finding)).first()
        if row is None:
            raise NotFound(f"no acknowledgement of {finding}", hint="oms payments reconcile lists the acknowledged")
        conn.execute(acks_t.delete().where(acks_t.c.finding == finding))
    return AckResult(finding, finding.split(":", 1)[0], row.note, row.acknowledged_at, removed=True)


def list_payments(
    store: Store, *, since: datetime | None = None, source: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Stored payments, newest first."""
    q = select(payments_t, orders_t.c.ref.label("order_ref")).outerjoin(
        orders_t, orders_t.c.id == payments_t.c.order_id
    )
    if since is not None:
        q = q.where(payments_t.c.at >= since)
    if source:
        q = q.where(payments_t.c.source == source)
    q = q.order_by(payments_t.c.at.desc(), payments_t.c.id.desc())
    if limit:
        q = q.limit(limit)
    out = []
    with store.connect(write=False) as conn:
        for r in conn.execute(q):
            out.append(
                {
                    "source": r.source,
                    "transaction_id": r.transaction_id,
                    "kind": r.kind,
                    "method": r.method,
                    "at": r.at,
                    "currency": r.currency,
                    "gross": from_minor(r.gross_minor, r.currency),
                    "fee": from_minor(r.fee_minor, r.currency),
                    "net": from_minor(r.net_minor, r.currency),
                    "email": r.email,
                    "order_ref_hint": r.order_ref_hint,
                    "order_ref": r.order_ref,
                    "description": r.description,
                    "payout_id": r.payout_id,
                }
            )
    return out
