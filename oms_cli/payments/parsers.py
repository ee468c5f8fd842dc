"""Payment processor exports read into plain records, for reconciling what was paid.

Formats (detected from the header row, columns matched by name, unknown columns
ignored): Stripe's itemised "balance change from activity" report, Stripe's payments
export (unified payments CSV), PayPal's activity download, Shopify Payments' payout
transactions export and Amazon's settlement report (flat file V2). Numbers and dates
follow the file's locale (``1,234.56`` or ``1.234,56``; MM/DD/YYYY or DD/MM/YYYY),
decided from the file's own content or from ``date_order``. See ``docs/payments.md``.

Pure module: takes the file's bytes, returns records; no database, no Typer/Rich.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any, Literal

from oms_cli.core.csvrows import numbered_rows
from oms_cli.core.errors import BadInput, record_error

__all__ = [
    "FORMATS",
    "KINDS",
    "Kind",
    "PaymentRecord",
    "detect_format",
    "read_payment_file",
]

Kind = Literal["charge", "refund", "payout", "fee", "adjustment", "other"]
KINDS: tuple[Kind, ...] = ("charge", "refund", "payout", "fee", "adjustment", "other")


@dataclass(frozen=True)
class PaymentRecord:
    """One money movement at a payment processor, in the processor's currency.

    ``gross`` is signed as the processor shows it (money in positive, refunds and
    payouts negative); ``fee`` is what the processor kept (negative when a fee was
    given back); ``net`` is ``gross - fee``. ``fee``/``net`` are None when the file
    gives them only in another currency.
    """

    source: str  # "stripe_balance" | "stripe_payments" | "paypal"
    transaction_id: str
    kind: Kind
    at: datetime  # aware, UTC
    currency: str  # ISO 4217, upper case
    gross: Decimal
    fee: Decimal | None
    net: Decimal | None
    email: str | None
    order_ref_hint: str | None  # order reference found in metadata, invoice number or description
    description: str | None
    payout_id: str | None
    related_txn: str | None  # the original payment of a refund, dispute, reversal …
    line: int = 0  # line in the file where the record starts
    processor_type: str = ""  # the processor's own category or type text
    status: str = ""  # the processor's status text, when it has one


# --- header detection ---------------------------------------------------------------

STRIPE_BALANCE = "stripe_balance"
STRIPE_PAYMENTS = "stripe_payments"
PAYPAL = "paypal"
SHOPIFY_PAYMENTS = "shopify_payments"
AMAZON_SETTLEMENT = "amazon_settlement"

# German PayPal downloads name the same columns in German; map them onto the English names.
_PAYPAL_GERMAN = {
    "datum": "date",
    "uhrzeit": "time",
    "zeitzone": "timezone",
    "name": "name",
    "typ": "type",
    "status": "status",
    "währung": "currency",
    "brutto": "gross",
    "gebühr": "fee",
    "netto": "net",
    "absender e-mail-adresse": "from email address",
    "empfänger e-mail-adresse": "to email address",
    "transaktionscode": "transaction id",
    "rechnungsnummer": "invoice number",
    "zugehöriger transaktionscode": "reference txn id",
    "zollnummer": "custom number",
    "artikelbezeichnung": "item title",
    "betreff": "subject",
    "hinweis": "note",
    "auswirkung auf guthaben": "balance impact",
}

_REQUIRED = {
    STRIPE_BALANCE: ("balance_transaction_id", "created_utc", "currency", "gross", "net", "reporting_category"),
    STRIPE_PAYMENTS: ("id", "created date (utc)", "amount", "currency"),
    PAYPAL: ("date", "time", "timezone", "type", "currency", "gross", "transaction id"),
    SHOPIFY_PAYMENTS: ("transaction date", "type", "order", "amount", "fee", "net", "currency"),
    AMAZON_SETTLEMENT: (
        "settlement-id",
        "deposit-date",
        "total-amount",
        "currency",
        "transaction-type",
        "order-id",
        "amount-type",
        "amount-description",
        "amount",
        "posted-date",
    ),
}

#: The formats this module reads, with a one-line description each.
FORMATS = {
    STRIPE_BALANCE: "Stripe itemised balance change from activity report",
    STRIPE_PAYMENTS: "Stripe payments export (unified payments CSV)",
    PAYPAL: "PayPal activity download",
    SHOPIFY_PAYMENTS: "Shopify Payments payout transactions export",
    AMAZON_SETTLEMENT: "Amazon settlement report (flat file V2)",
}


def _header_key(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').split()).lower()


def detect_format(header: Sequence[str]) -> str | None:
    """The format a header row belongs to (``stripe_balance``, ``stripe_payments``,
    ``paypal``), or None."""
    keys = {_PAYPAL_GERMAN.get(k, k) for k in map(_header_key, header)}
    if {"balance_transaction_id", "reporting_category"} <= keys:
        return STRIPE_BALANCE
    if {"id", "amount", "currency"} <= keys and ({"created date (utc)", "created (utc)"} & keys):
        return STRIPE_PAYMENTS
    if {"date", "gross", "transaction id"} <= keys:
        return PAYPAL
    if {"transaction date", "type", "order", "payout id", "amount", "net"} <= keys:
        return SHOPIFY_PAYMENTS
    if {"settlement-id", "transaction-type", "amount-type", "amount"} <= keys:
        return AMAZON_SETTLEMENT
    return None


# --- numbers ------------------------------------------------------------------------

_MONEY_NOISE = re.compile(r"[\s\u00a0\u202f'’$€£¥]|[A-Z]{3}$|^[A-Z]{3}")
_GROUPED_THOUSANDS = re.compile(r"^\d{1,3}([.,' \u00a0\u202f]\d{3})*$")


def _decimal_mark_evidence(text: str) -> str | None:
    """'.' or ',' if this one value proves the decimal mark, else None."""
    value = _MONEY_NOISE.sub("", text.strip()).lstrip("+-(").rstrip(")")
    if "." in value and "," in value:
        return "." if value.rfind(".") > value.rfind(",") else ","
    for mark in (".", ","):
        if value.count(mark) == 1:
            whole, frac = value.split(mark)
            if frac.isdigit() and len(frac) != 3:
                return mark
            if frac.isdigit() and len(frac) == 3 and (whole in ("", "0", "-0")):
                return mark  # "0,125" can only be a decimal
        elif value.count(mark) > 1:
            return "," if mark == "." else "."  # repeated mark: thousands separator
    return None


def _parse_amount(text: str, decimal_mark: str) -> Decimal:
    """A money cell as Decimal; raises ValueError when it is not an amount."""
    value = _MONEY_NOISE.sub("", text.strip())
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    if value.endswith("-"):  # some locales write the sign last
        negative, value = True, value[:-1]
    if value.startswith("-"):
        negative, value = not negative, value[1:]
    elif value.startswith("+"):
        value = value[1:]
    if not value or not value[0].isdigit() and not value.startswith(decimal_mark):
        raise ValueError(text)
    thousands = "," if decimal_mark == "." else "."
    whole, _, frac = value.partition(decimal_mark)
    if thousands in whole:
        if not _GROUPED_THOUSANDS.match(whole):
            raise ValueError(text)
        whole = whole.replace(thousands, "")
    if not whole:
        whole = "0"
    if not whole.isdigit() or (frac and not frac.isdigit()) or decimal_mark in frac:
        raise ValueError(text)
    try:
        amount = Decimal(f"{whole}.{frac}" if frac else whole)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the digit checks
        raise ValueError(text) from exc
    return -amount if negative else amount


# --- dates --------------------------------------------------------------------------

_TZ_ABBREVIATIONS = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 1,
    "WEST": 1,
    "IST": 5.5,
    "CET": 1,
    "CEST": 2,
    "MEZ": 1,
    "MESZ": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "PST": -8,
    "PDT": -7,
    "MST": -7,
    "MDT": -6,
    "CST": -6,
    "CDT": -5,
    "EST": -5,
    "EDT": -4,
    "AST": -4,
    "ADT": -3,
    "NST": -3.5,
    "NDT": -2.5,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "AEST": 10,
    "AEDT": 11,
    "ACST": 9.5,
    "ACDT": 10.5,
    "AWST": 8,
    "NZST": 12,
    "NZDT": 13,
    "JST": 9,
    "HKT": 8,
    "SGT": 8,
}
# Zones whose PayPal accounts write month-first dates; day-first elsewhere.
_MONTH_FIRST_ZONES = {"PST", "PDT", "MST", "MDT", "CST", "CDT", "EST", "EDT", "AKST", "AKDT", "HST"}
_DAY_FIRST_ZONES = set(_TZ_ABBREVIATIONS) - _MONTH_FIRST_ZONES - {"UTC", "Z", "AST", "ADT", "NST", "NDT"}
_OFFSET = re.compile(r"^(?:GMT|UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})$")

DATE_ORDERS = ("DMY", "MDY", "YMD")


def _zone(name: str) -> timezone | None:
    text = name.strip()
    if text.upper() in _TZ_ABBREVIATIONS:
        return timezone(timedelta(hours=_TZ_ABBREVIATIONS[text.upper()]))
    match = _OFFSET.match(text.upper())
    if match:
        sign = -1 if match.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0)))
    return None


def _zone_at(name: str, local: datetime) -> datetime | None:
    fixed = _zone(name)
    if fixed is not None:
        return local.replace(tzinfo=fixed)
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover
        return None
    try:
        return local.replace(tzinfo=ZoneInfo(name.strip()))
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _date_order_evidence(text: str) -> str | None:
    match = _NUMERIC_DATE.match(text.strip())
    if not match:
        return None
    first, sep, second = match.group(1), match.group(2), match.group(3)
    if len(first) == 4:
        return "YMD"
    if int(first) > 12 and int(second) <= 12:
        return "DMY"
    if int(second) > 12 and int(first) <= 12:
        return "MDY"
    if sep == ".":
        return "DMY"  # 07.10.2025 is written only day first
    return None


def _parse_date(text: str, order: str) -> tuple[int, int, int]:
    match = _NUMERIC_DATE.match(text.strip())
    if not match:
        raise ValueError(text)
    a, b, c = int(match.group(1)), int(match.group(3)), int(match.group(4))
    if order == "YMD":
        year, month, day = a, b, c
    elif order == "DMY":
        day, month, year = a, b, c
    else:
        month, day, year = a, b, c
    if year < 100:
        year += 2000
    datetime(year, month, day)  # raises ValueError for 31/02 and friends
    return year, month, day


def _parse_time(text: str) -> tuple[int, int, int]:
    value = text.strip().upper()
    shift = 0
    if value.endswith(("AM", "PM")):
        # 12-hour clock: 12:05 AM is five past midnight.
        shift = 12 if value.endswith("PM") else 0
        value = value[:-2].strip()
        hour_text = value.split(":")[0]
        if not hour_text.isdigit() or not 1 <= int(hour_text) <= 12:
            raise ValueError(text)
        if int(hour_text) == 12:
            shift -= 12
    parts = value.split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    hour, minute = int(parts[0]) + shift, int(parts[1])
    second = int(parts[2]) if len(parts) == 3 else 0
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(text)
    return hour, minute, second


def _parse_utc(text: str) -> datetime:
    """Stripe's UTC timestamps: ``2025-10-07 09:50:26``, ``2025-10-07 09:50`` or ISO 8601."""
    value = text.strip().replace("T", " ")
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


# --- order references in free text -------------------------------------------------

_REF_IN_TEXT = (
    re.compile(r"\b([a-z][a-z0-9_]*:[A-Za-z0-9][A-Za-z0-9-]*)\b(?!//)"),  # shopify:1001
    re.compile(r"(#\s?[A-Za-z0-9][A-Za-z0-9-]*)"),  # #1001
    re.compile(
        r"\b(?:order|bestellung|commande|pedido|ordine)\b\s*(?:no\.?|nr\.?|number|num(?:ber)?|id)?\s*[:#]?\s*"
        r"([A-Za-z0-9-]*\d[A-Za-z0-9-]*)",
        re.IGNORECASE,
    ),
)


def _ref_from_text(text: str | None) -> str | None:
    if not text:
        return None
    for pattern in _REF_IN_TEXT:
        match = pattern.search(text)
        if match:
            return match.group(1).replace("# ", "#")
    return None


# --- reading ------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older PayPal and Excel-saved files come in the Windows code page.
        return data.decode("cp1252", errors="replace")


def _table(name: str, text: str) -> tuple[str, int, list[str], Iterator[_Row]]:
    """Find the header row (in the first lines, any of , ; tab) and yield data rows."""
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        last_line = 0
        for _ in range(10):
            try:
                header = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise record_error(name, reader.line_num, None, f"is not valid CSV ({exc})") from exc
            header_line, last_line = last_line + 1, reader.line_num
            fmt = detect_format(header)
            if fmt is None:
                continue
            keys = [_PAYPAL_GERMAN.get(k, k) if fmt == PAYPAL else k for k in map(_header_key, header)]
            return fmt, header_line, keys, _data_rows(name, reader, keys)
    raise BadInput(
        f"{name}: not a payment file oms can read (expected a " + ", ".join(FORMATS.values()) + ")",
        hint="Download the file again from the processor's dashboard as CSV.",
    )


def _data_rows(name: str, reader: Any, keys: list[str]) -> Iterator[_Row]:
    for start, cells in numbered_rows(reader, name):
        yield _Row(start, dict(zip(keys, cells)))


def _money_columns(fmt: str) -> tuple[str, ...]:
    return {
        STRIPE_BALANCE: ("gross", "fee", "net"),
        STRIPE_PAYMENTS: ("amount", "amount refunded", "fee", "converted amount"),
        PAYPAL: ("gross", "fee", "net"),
        SHOPIFY_PAYMENTS: ("amount", "fee", "net"),
        AMAZON_SETTLEMENT: ("amount", "total-amount"),
    }[fmt]


def _decide_decimal_mark(fmt: str, rows: list[_Row]) -> str:
    votes: dict[str, int] = {}
    for row in rows:
        for column in _money_columns(fmt):
            mark = _decimal_mark_evidence(row.get(column))
            if mark:
                votes.setdefault(mark, row.line)
    # With no proof either way ("12", "1,234") the file is read with a decimal point.
    if len(votes) <= 1:
        return next(iter(votes), ".")
    return "," if votes[","] < votes["."] else "."


def _decide_date_order(name: str, rows: list[_Row], decimal_mark: str, date_order: str | None) -> str:
    if date_order:
        return date_order
    found: dict[str, int] = {}
    for row in rows:
        order = _date_order_evidence(row.get("date"))
        if order:
            found.setdefault(order, row.line)
    if len(found) > 1:
        first, second = sorted(found.items(), key=lambda kv: kv[1])[:2]
        raise record_error(
            name,
            second[1],
            "Date",
            f"is written {second[0]} but line {first[1]} is {first[0]}; pass the date order explicitly",
        )
    if found:
        return next(iter(found))
    zones = {row.get("timezone").upper() for row in rows}
    if zones and zones <= _MONTH_FIRST_ZONES:
        return "MDY"
    if decimal_mark == "," or (zones and zones <= _DAY_FIRST_ZONES):
        return "DMY"
    if not rows:
        return "MDY"
    raise record_error(
        name,
        rows[0].line,
        "Date",
        f"{rows[0].get('date')!r} could be day-first or month-first; pass date_order='DMY' or 'MDY'",
    )


class _Reader:
    """Column access for one file with its locale decided, raising located errors."""

    def __init__(self, name: str, decimal_mark: str, date_order: str) -> None:
        self.name = name
        self.decimal_mark = decimal_mark
        self.date_order = date_order

    def error(self, row: _Row, column: str, message: str) -> BadInput:
        return record_error(self.name, row.line, column, message)

    def text(self, row: _Row, column: str, label: str, *, required: bool = False) -> str:
        value = row.get(column)
        if required and not value:
            raise self.error(row, label, "is empty")
        return value

    def amount(self, row: _Row, column: str, label: str, *, required: bool = False) -> Decimal | None:
        value = row.get(column)
        if not value:
            if required:
                raise self.error(row, label, "is empty")
            return None
        try:
            return _parse_amount(value, self.decimal_mark)
        except ValueError:
            mark = "decimal point" if self.decimal_mark == "." else "decimal comma"
            raise self.error(row, label, f"{value!r} is not an amount (file read with a {mark})") from None

    def utc(self, row: _Row, column: str, label: str) -> datetime:
        value = self.text(row, column, label, required=True)
        try:
            return _parse_utc(value)
        except ValueError:
            raise self.error(row, label, f"{value!r} is not a date and time") from None

    def local(self, row: _Row) -> datetime:
        date_text = self.text(row, "date", "Date", required=True)
        time_text = self.text(row, "time", "Time") or "00:00:00"
        zone_text = self.text(row, "timezone", "TimeZone", required=True)
        try:
            year, month, day = _parse_date(date_text, self.date_order)
        except ValueError:
            shape = {"DMY": "DD/MM/YYYY", "MDY": "MM/DD/YYYY", "YMD": "YYYY-MM-DD"}[self.date_order]
            raise self.error(row, "Date", f"{date_text!r} is not a {shape} date") from None
        try:
            hour, minute, second = _parse_time(time_text)
        except ValueError:
            raise self.error(row, "Time", f"{time_text!r} is not a time") from None
        when = _zone_at(zone_text, datetime(year, month, day, hour, minute, second))
        if when is None:
            raise self.error(row, "TimeZone", f"{zone_text!r} is not a time zone oms knows")
        return when.astimezone(UTC)

    def currency(self, row: _Row, column: str, label: str) -> str:
        value = self.text(row, column, label, required=True).upper()
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise self.error(row, label, f"{value!r} is not a currency code")
        return value

    def fee_and_net(
        self, row: _Row, gross: Decimal, fee_cell: Decimal | None, net: Decimal | None, fee_is_negative: bool
    ) -> tuple[Decimal, Decimal]:
        fee = -(fee_cell or Decimal(0)) if fee_is_negative else (fee_cell or Decimal(0))
        if net is None:
            return fee, gross - fee
        if gross - fee != net:
            raise self.error(row, "Net", f"{net} is not gross {gross} less fee {fee}")
        return fee, net


# --- per-format record builders --------------------------------------------------------

_STRIPE_KINDS: dict[str, Kind] = {
    "charge": "charge",
    "payment": "charge",
    "refund": "refund",
    "payment_refund": "refund",
    "payout": "payout",
    "payout_reversal": "payout",
    "fee": "fee",
    "stripe_fee": "fee",
    "network_cost": "fee",
    "tax": "fee",
    "dispute": "adjustment",
    "dispute_reversal": "adjustment",
    "refund_failure": "adjustment",
    "partial_capture_reversal": "adjustment",
    "other_adjustment": "adjustment",
    "risk_reserved_funds": "adjustment",
    "payment_failure_refund": "adjustment",
    "payment_reversal": "adjustment",
}
_METADATA_ORDER_KEY = re.compile(r"order|invoice|reference|ref\b", re.IGNORECASE)


def _metadata_hint(cells: Mapping[str, str], key_of: Callable[[str], str | None]) -> str | None:
    for column, value in cells.items():
        key = key_of(column)
        if key and value.strip() and _METADATA_ORDER_KEY.search(key):
            return value.strip()
    return None


def _balance_metadata_key(column: str) -> str | None:
    match = re.fullmatch(r"(?:payment_)?metadata\[(.+)\]", column)
    return match.group(1) if match else None


def _payments_metadata_key(column: str) -> str | None:
    match = re.fullmatch(r"(.+) \(metadata\)", column)
    return match.group(1) if match else None


def _stripe_balance(reader: _Reader, rows: list[_Row]) -> list[PaymentRecord]:
    records = []
    for row in rows:
        category = reader.text(row, "reporting_category", "reporting_category", required=True).lower()
        gross = reader.amount(row, "gross", "gross", required=True)
        assert gross is not None
        fee, net = reader.fee_and_net(
            row, gross, reader.amount(row, "fee", "fee"), reader.amount(row, "net", "net"), fee_is_negative=False
        )
        source_id = row.get("source_id")
        charge_id = row.get("charge_id") or None
        description = row.get("description") or None
        payout = row.get("automatic_payout_id") or None
        if category == "payout" and payout is None:
            payout = source_id or None
        records.append(
            PaymentRecord(
                source=STRIPE_BALANCE,
                transaction_id=source_id
                or reader.text(row, "balance_transaction_id", "balance_transaction_id", required=True),
                kind=_STRIPE_KINDS.get(category, "other"),
                at=reader.utc(row, "created_utc", "created_utc"),
                currency=reader.currency(row, "currency", "currency"),
                gross=gross,
                fee=fee,
                net=net,
                email=row.get("customer_email") or None,
                order_ref_hint=(
                    _metadata_hint(row.cells, _balance_metadata_key)
                    or row.get("order_id")
                    or _ref_from_text(description)
                ),
                description=description,
                payout_id=payout,
                related_txn=charge_id if charge_id and charge_id != source_id else None,
                line=row.line,
                processor_type=category,
            )
        )
    return records


def _stripe_payments(reader: _Reader, rows: list[_Row]) -> list[PaymentRecord]:
    records = []
    for row in rows:
        charge_id = reader.text(row, "id", "id", required=True)
        created = "created date (utc)" if "created date (utc)" in row.cells else "created (utc)"
        at = reader.utc(row, created, "Created date (UTC)")
        currency = reader.currency(row, "currency", "Currency")
        amount = reader.amount(row, "amount", "Amount", required=True)
        assert amount is not None
        refunded = reader.amount(row, "amount refunded", "Amount Refunded") or Decimal(0)
        status = row.get("status")
        captured = row.get("captured").lower()
        converted_currency = row.get("converted currency").upper()
        fee: Decimal | None = reader.amount(row, "fee", "Fee") or Decimal(0)
        net: Decimal | None = amount - fee if fee is not None else None
        if converted_currency and converted_currency != currency:
            # Stripe reports the fee in the settlement currency only.
            fee = net = None
        description = row.get("description") or None
        hint = (
            _metadata_hint(row.cells, _payments_metadata_key)
            or _ref_from_text(description)
            or _ref_from_text(row.get("seller message"))
        )
        failed = status.lower() in {"failed", "canceled", "cancelled", "uncaptured", "blocked"} or captured == "false"
        charge = PaymentRecord(
            source=STRIPE_PAYMENTS,
            transaction_id=charge_id,
            kind="other" if failed else "charge",
            at=at,
            currency=currency,
            gross=amount,
            fee=fee,
            net=net,
            email=row.get("customer email") or row.get("receipt email") or None,
            order_ref_hint=hint,
            description=description,
            payout_id=None,
            related_txn=None,
            line=row.line,
            processor_type="payment",
            status=status,
        )
        records.append(charge)
        if refunded and not failed:
            # The export carries only the refunded total, not the refunds themselves.
            records.append(
                replace(
                    charge,
                    transaction_id=f"{charge_id}:refunded",
                    kind="refund",
                    gross=-refunded,
                    fee=Decimal(0),
                    net=-refunded,
                    related_txn=charge_id,
                    processor_type="amount_refunded",
                )
            )
    return records


def _paypal_kind(type_text: str, impact: str, gross: Decimal, status: str) -> Kind:
    text = type_text.lower()
    if impact.lower() == "memo" or status.lower() in {"denied", "failed", "canceled", "cancelled", "voided"}:
        return "other"
    if "fee" in text or "gebühr" in text:
        return "fee"
    if "refund" in text or "rückzahlung" in text or "erstattung" in text:
        return "refund"
    if any(word in text for word in ("withdraw", "transfer to bank", "payout to bank", "bank account", "abbuchung")):
        return "payout"
    if any(word in text for word in ("chargeback", "reversal", "dispute", "hold", "adjustment", "rückbuchung")):
        return "adjustment"
    if "conversion" in text or "authori" in text:
        return "other"
    if ("payment" in text or "zahlung" in text) and gross > 0:
        return "charge"
    return "other"


def _paypal(reader: _Reader, rows: list[_Row]) -> list[PaymentRecord]:
    records = []
    for row in rows:
        gross = reader.amount(row, "gross", "Gross", required=True)
        assert gross is not None
        fee, net = reader.fee_and_net(
            row, gross, reader.amount(row, "fee", "Fee"), reader.amount(row, "net", "Net"), fee_is_negative=True
        )
        type_text = reader.text(row, "type", "Type", required=True)
        status = row.get("status")
        kind = _paypal_kind(type_text, row.get("balance impact"), gross, status)
        counterpart = row.get("from email address") if gross > 0 else row.get("to email address")
        description = row.get("item title") or row.get("subject") or row.get("note") or None
        hint = (
            row.get("invoice number")
            or row.get("custom number")
            or _ref_from_text(row.get("item title"))
            or _ref_from_text(row.get("subject"))
            or _ref_from_text(row.get("note"))
            or None
        )
        transaction_id = reader.text(row, "transaction id", "Transaction ID", required=True)
        records.append(
            PaymentRecord(
                source=PAYPAL,
                transaction_id=transaction_id,
                kind=kind,
                at=reader.local(row),
                currency=reader.currency(row, "currency", "Currency"),
                gross=gross,
                fee=fee,
                net=net,
                email=counterpart or None,
                order_ref_hint=hint,
                description=description,
                payout_id=transaction_id if kind == "payout" else None,
                related_txn=row.get("reference txn id") or None,
                line=row.line,
                processor_type=type_text,
                status=status,
            )
        )
    return records


_SHOPIFY_KINDS: dict[str, Kind] = {
    "charge": "charge",
    "refund": "refund",
    "payout": "payout",
    "payout_failure": "payout",
    "payout_cancellation": "payout",
    "dispute": "adjustment",
    "chargeback": "adjustment",
    "reserve": "adjustment",
    "adjustment": "adjustment",
    "credit": "adjustment",
    "debit": "adjustment",
    "application_fee_refund": "adjustment",
    "shipping_label": "fee",
    "fee": "fee",
}
# Shopify writes its times as "2026-11-20 14:02:11 -0500"; ISO 8601 wants the offset
# written on, and Python before 3.12 wants it with a colon.
_SHOPIFY_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2})?)\s*(?:([+-])(\d{2}):?(\d{2})|(UTC|Z))?$")


def _shopify_time(reader: _Reader, row: _Row, column: str, label: str) -> datetime:
    value = reader.text(row, column, label, required=True)
    match = _SHOPIFY_TIME.match(value)
    if not match:
        raise reader.error(row, label, f"{value!r} is not a date and time")
    day, clock, sign, hours, minutes, _utc = match.groups()
    offset = f"{sign}{hours}:{minutes}" if sign else "+00:00"
    try:
        return datetime.fromisoformat(f"{day} {clock}{offset}").astimezone(UTC)
    except ValueError:
        raise reader.error(row, label, f"{value!r} is not a date and time") from None


def _shopify_payments(reader: _Reader, rows: list[_Row]) -> list[PaymentRecord]:
    """Shopify Payments' transactions export (Finance > Payouts > Export): one row per
    charge, refund, dispute, reserve or adjustment; the order is its name (#1001)."""
    records = []
    seen: dict[str, int] = {}
    for row in rows:
        type_text = reader.text(row, "type", "Type", required=True).lower()
        gross = reader.amount(row, "amount", "Amount", required=True)
        assert gross is not None
        fee, net = reader.fee_and_net(
            row, gross, reader.amount(row, "fee", "Fee"), reader.amount(row, "net", "Net"), fee_is_negative=False
        )
        at = _shopify_time(reader, row, "transaction date", "Transaction Date")
        order = row.get("order")
        number = order.lstrip("#").strip()
        # The export has no transaction id: the order, the type and the time name one.
        base = f"{number or 'none'}:{type_text}:{at.strftime('%Y%m%dT%H%M%S')}"
        seen[base] = seen.get(base, 0) + 1
        transaction_id = base if seen[base] == 1 else f"{base}:{seen[base]}"
        records.append(
            PaymentRecord(
                source=SHOPIFY_PAYMENTS,
                transaction_id=transaction_id,
                kind=_SHOPIFY_KINDS.get(type_text, "other"),
                at=at,
                currency=reader.currency(row, "currency", "Currency"),
                gross=gross,
                fee=fee,
                net=net,
                email=None,
                order_ref_hint=f"shopify:{number}" if number else None,
                description=" ".join(v for v in (row.get("card brand"), row.get("payment method name")) if v) or None,
                payout_id=row.get("payout id") or None,
                related_txn=None,
                line=row.line,
                processor_type=type_text,
                status=row.get("payout status"),
            )
        )
    return records


_AMAZON_TIME = re.compile(
    r"^(?:(\d{4})-(\d{2})-(\d{2})|(\d{2})\.(\d{2})\.(\d{4}))"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(?:UTC|GMT|Z|([+-])(\d{2}):?(\d{2}))?$"
)


def _amazon_time(reader: _Reader, row: _Row, column: str, label: str) -> datetime:
    """Settlement times: ``2026-11-20 08:13:56 UTC`` (US), ``20.11.2026 08:13:56 UTC`` (EU)
    or a date alone."""
    value = reader.text(row, column, label, required=True)
    match = _AMAZON_TIME.match(value)
    if not match:
        raise reader.error(row, label, f"{value!r} is not a date and time")
    y1, m1, d1, d2, m2, y2, hh, mm, ss, sign, oh, om = match.groups()
    try:
        when = datetime(int(y1 or y2), int(m1 or m2), int(d1 or d2), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        raise reader.error(row, label, f"{value!r} is not a date and time") from None
    zone = UTC
    if sign:
        delta = timedelta(hours=int(oh), minutes=int(om))
        zone = timezone(delta if sign == "+" else -delta)
    return when.replace(tzinfo=zone).astimezone(UTC)


def _amazon_settlement(reader: _Reader, rows: list[_Row]) -> list[PaymentRecord]:
    """Amazon's settlement report: a summary row (the deposit) and one row per amount
    of each order, refund or fee. An order's rows become one charge (item price,
    shipping and tax, less promotions; Amazon's fees and the tax it withheld as the
    fee), a refund's one refund, the deposit one payout."""
    summary = next((r for r in rows if r.get("total-amount") and not r.get("transaction-type")), None)
    if summary is None:
        line = rows[0].line if rows else 2
        raise record_error(reader.name, line, "total-amount", "no summary row (the deposit) in the file")
    settlement = reader.text(summary, "settlement-id", "settlement-id", required=True)
    currency = reader.currency(summary, "currency", "currency")
    total = reader.amount(summary, "total-amount", "total-amount", required=True)
    assert total is not None
    deposit_at = _amazon_time(reader, summary, "deposit-date", "deposit-date")

    groups: dict[tuple[str, str, str], list[_Row]] = {}
    for row in rows:
        if row is summary:
            continue
        kind_text = reader.text(row, "transaction-type", "transaction-type", required=True)
        order_id = row.get("order-id")
        occasion = (
            row.get("shipment-id") or row.get("adjustment-id") or row.get("posted-date-time") or row.get("posted-date")
        )
        groups.setdefault((kind_text, order_id, occasion), []).append(row)

    records = [
        PaymentRecord(
            source=AMAZON_SETTLEMENT,
            transaction_id=f"settlement:{settlement}",
            kind="payout",
            at=deposit_at,
            currency=currency,
            gross=-total,
            fee=Decimal(0),
            net=-total,
            email=None,
            order_ref_hint=None,
            description=f"Amazon settlement {settlement}",
            payout_id=settlement,
            related_txn=None,
            line=summary.line,
            processor_type="deposit",
        )
    ]
    for (kind_text, order_id, occasion), group in groups.items():
        first = group[0]
        money = Decimal(0)
        kept = Decimal(0)
        for row in group:
            amount = reader.amount(row, "amount", "amount", required=True)
            assert amount is not None
            amount_type = row.get("amount-type").lower()
            if amount_type in ("itemfees", "itemwithheldtax") or "fee" in amount_type:
                kept -= amount
            else:
                money += amount
        lowered = kind_text.lower()
        if order_id and lowered == "order":
            kind: Kind = "charge"
        elif order_id and lowered in ("refund", "chargeback refund", "a-to-z guarantee claim"):
            kind = "refund" if lowered == "refund" else "adjustment"
        else:
            kind = "fee"
        if kind == "fee":
            # A fee with no order (subscription, storage, advertising): all of it is the fee.
            money, kept = money - kept, Decimal(0)
        at = _amazon_time(
            reader, first, "posted-date-time" if first.get("posted-date-time") else "posted-date", "posted-date"
        )
        records.append(
            PaymentRecord(
                source=AMAZON_SETTLEMENT,
                transaction_id=f"{settlement}:{lowered}:{order_id or '-'}:{occasion or first.line}",
                kind=kind,
                at=at,
                currency=currency,
                gross=money,
                fee=kept,
                net=money - kept,
                email=None,
                order_ref_hint=f"amazon:{order_id}" if order_id else None,
                description=first.get("amount-description") if kind == "fee" else None,
                payout_id=settlement,
                related_txn=None,
                line=first.line,
                processor_type=kind_text,
            )
        )
    return records


_BUILDERS: dict[str, Callable[[_Reader, list[_Row]], list[PaymentRecord]]] = {
    STRIPE_BALANCE: _stripe_balance,
    STRIPE_PAYMENTS: _stripe_payments,
    PAYPAL: _paypal,
    SHOPIFY_PAYMENTS: _shopify_payments,
    AMAZON_SETTLEMENT: _amazon_settlement,
}


def read_payment_file(
    path_or_name: str | PurePath, data: bytes, date_order: str | None = None
) -> tuple[str, list[PaymentRecord]]:
    """Read a payment processor export: returns the detected format and its records.

    ``date_order`` ("DMY", "MDY" or "YMD") settles day-first against month-first
    dates when the file itself cannot; it wins over what the file suggests.
    Bad input raises ``BadInput`` as ``file:line: Column message``.
    """
    name = PurePath(path_or_name).name if str(path_or_name) else "payments file"
    if date_order is not None:
        date_order = date_order.strip().upper().replace("/", "").replace("-", "")
        date_order = {"DDMMYYYY": "DMY", "MMDDYYYY": "MDY", "YYYYMMDD": "YMD"}.get(date_order, date_order)
        if date_order not in DATE_ORDERS:
            raise BadInput(f"{name}: date order must be one of DMY, MDY, YMD")
    text = _decode(data)
    if not text.strip():
        raise BadInput(f"{name}: file is empty")
    fmt, header_line, keys, body = _table(name, text)
    missing = [column for column in _REQUIRED[fmt] if column not in keys]
    if fmt == STRIPE_PAYMENTS and "created date (utc)" in missing and "created (utc)" in keys:
        missing.remove("created date (utc)")
    if missing:
        raise record_error(name, header_line, None, f"{FORMATS[fmt]} lacks column(s): {', '.join(missing)}")
    rows = list(body)
    decimal_mark = _decide_decimal_mark(fmt, rows)
    order = _decide_date_order(name, rows, decimal_mark, date_order) if fmt == PAYPAL else "YMD"
    return fmt, _BUILDERS[fmt](_Reader(name, decimal_mark, order), rows)
