"""Reading the files shipping runs on: shipment lists (order, carrier, tracking…) and
carriers' delivery reports (tracking, delivered at, status), and checking the
tracking numbers in them.

Pure module: takes the file's text and its name (for messages), returns plain rows
or raises :class:`BadInput` naming ``file:line: column``. No database, no Typer/Rich.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation

from oms_cli.carriers.tracking import TrackingCheck, carrier_name, carriers, known_carrier, normalize_number, validate
from oms_cli.core.errors import BadInput

__all__ = [
    "DeliveryLine",
    "ShipLine",
    "check_tracking",
    "is_delivered_status",
    "parse_cost",
    "parse_time",
    "read_delivery_report",
    "read_ship_list",
]

#: column -> the header spellings it is recognised by (compared after _header())
SHIP_COLUMNS: dict[str, tuple[str, ...]] = {
    "order": ("order", "ref", "order ref", "order id", "order number", "order no", "reference", "order name"),
    "carrier": ("carrier", "carrier code", "courier", "tracking company", "shipping carrier"),
    "tracking": ("tracking", "tracking number", "tracking no", "tracking id", "tracking code", "awb"),
    "package": ("package", "package no", "package number", "parcel", "parcel no", "box"),
    "service": ("service", "ship method", "shipping method", "shipping service", "service level"),
    "cost": ("cost", "shipping cost", "postage", "label cost", "charge", "price"),
}
SHIP_ORDER = ("order", "carrier", "tracking", "package", "service", "cost")

DELIVERY_COLUMNS: dict[str, tuple[str, ...]] = {
    "tracking": SHIP_COLUMNS["tracking"],
    "delivered_at": (
        "delivered at",
        "delivered",
        "delivered on",
        "delivery date",
        "delivery time",
        "delivery date time",
        "date",
        "time",
        "timestamp",
        "event time",
        "date time",
    ),
    "status": ("status", "delivery status", "event", "event status", "state"),
}
DELIVERY_ORDER = ("tracking", "delivered_at", "status")

# Report lines saying a parcel did *not* arrive, though they mention delivery.
_NOT_DELIVERED = re.compile(r"undeliver|not\s+deliver|attempt|fail|exception|return|refus|delay|out\s+for", re.I)
_DELIVERED = re.compile(r"deliver|^dlv?$|^ok$|^pod$", re.I)
_HEADER_CHARS = re.compile(r"[^a-z0-9]+")
_MAX_ERRORS = 20


@dataclass(frozen=True)
class ShipLine:
    """One row of a shipment list: which order (and parcel) left with which number."""

    line: int
    order: str
    carrier: str
    tracking: str  # normalised
    package_no: int | None
    service: str | None
    cost: Decimal | None
    warning: str | None  # e.g. "carrier 'royal mail' is not known; number not checked"


@dataclass(frozen=True)
class DeliveryLine:
    """One row of a carrier's delivery report."""

    line: int
    tracking: str  # normalised
    delivered_at: datetime | None  # UTC; None only for a parcel that did not arrive
    status: str | None
    delivered: bool  # False when the status says the parcel did not arrive


def _header(cell: str) -> str:
    return _HEADER_CHARS.sub(" ", cell.strip().lstrip("\ufeff").lower()).strip()


def _dialect(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    return max(("\t", ";", ","), key=first.count) if any(c in first for c in "\t;,") else ","


def _table(
    text: str, file: str, columns: dict[str, tuple[str, ...]], order: tuple[str, ...], required: tuple[str, ...]
) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """Column positions and the data rows (with their line numbers) of a CSV text."""
    rows = list(csv.reader(io.StringIO(text), delimiter=_dialect(text)))
    numbered = [(i, r) for i, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise BadInput(f"{file}: the file is empty")
    first_line, first = numbered[0]
    names = [_header(c) for c in first]
    found: dict[str, int] = {}
    for col, spellings in columns.items():
        for pos, name in enumerate(names):
            if name in spellings and pos not in found.values():
                found[col] = pos
                break
    if found:
        data = numbered[1:]
    else:
        # No header row: the columns are in the documented order.
        found = {col: pos for pos, col in enumerate(order)}
        data = numbered
    missing = [c for c in required if c not in found]
    if missing:
        raise BadInput(f"{file}:{first_line}: no {', '.join(missing)} column", hint="columns: " + ", ".join(order))
    return found, data


def _cell(row: list[str], pos: int | None) -> str:
    return row[pos].strip() if pos is not None and pos < len(row) else ""


def _raise_all(file: str, errors: list[str]) -> None:
    if not errors:
        return
    more = f"\n(and {len(errors) - _MAX_ERRORS} more)" if len(errors) > _MAX_ERRORS else ""
    raise BadInput(
        "\n".join(errors[:_MAX_ERRORS]) + more,
        hint=f"{len(errors)} bad row{'s' if len(errors) != 1 else ''}; nothing was changed",
    )


def _examples(code: str) -> str:
    carrier = carriers().get(code)
    if carrier is None:
        return ""
    samples = [normalize_number(f.valid_samples[0]) for f in carrier.formats if f.valid_samples][:3]
    return (
        "; expected "
        + " or ".join(f.name for f in carrier.formats[:4])
        + (f" numbers such as {', '.join(samples)}" if samples else "")
    )


def check_tracking(carrier: str, number: str) -> TrackingCheck:
    """Check a tracking number for a carrier; :class:`BadInput` naming the carrier and
    the expected format when a known carrier's number is invalid."""
    check = validate(carrier, number)
    if not check.valid:
        raise BadInput(
            f"tracking number {check.normalized or repr(number)} is not a valid {carrier_name(carrier)} number: "
            f"{check.reason}{_examples(check.carrier)}"
        )
    return check


def parse_cost(text: str) -> Decimal:
    """A shipping cost such as ``7.45``, ``$7.45``, ``7.45 EUR`` or ``7,45`` as an exact,
    non-negative Decimal."""
    cleaned = re.sub(r"[^\d.,-]", "", text)
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned) if re.search(r"\d", cleaned) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValueError(f"{text.strip()!r} is not an amount")
    if value < 0:
        raise ValueError(f"{text.strip()!r} is negative")
    return value


_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")
_EU_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_time(text: str, local: tzinfo = UTC, now: datetime | None = None) -> datetime:
    """A delivery time as UTC: ISO 8601 (``2026-11-20``, ``2026-11-20 14:03``,
    ``2026-11-20T14:03:00+01:00``), US ``11/20/2026 2:03 PM`` or ``20.11.2026 14:03``.

    Times without an offset are in ``local``; a date alone means the start of that
    day there. Times more than an hour ahead, and dates after today, are refused.
    """
    value = text.strip()
    now = now or datetime.now(UTC)
    parsed: datetime | None = None
    date_only = False
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if len(value) == 10:
            parsed, date_only = datetime.combine(parsed.date(), time(0, 0)), True
    except ValueError:
        m = _US_DATE.match(value) or _EU_DATE.match(value)
        if m:
            a, b, year = int(m[1]), int(m[2]), int(m[3])
            month, day = (a, b) if "/" in value else (b, a)
            date_only = not m[4]
            hour = int(m[4]) if m[4] else 0
            minute = int(m[5]) if m[5] else 0
            second = int(m[6]) if m[6] else 0
            ampm = m[7].lower() if m.re is _US_DATE and m[7] else None
            if ampm == "pm" and hour < 12:
                hour += 12
            elif ampm == "am" and hour == 12:
                hour = 0
            try:
                parsed = datetime(year, month, day, hour, minute, second)
            except ValueError:
                parsed = None
    if parsed is None:
        raise ValueError(f"{text!r} is not a date or time (use 2026-11-20 or 2026-11-20 14:03)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local)
    if date_only and parsed.date() > now.astimezone(local).date():
        raise ValueError(f"{text!r} is in the future")
    parsed = parsed.astimezone(UTC)
    if not date_only and parsed > now + timedelta(hours=1):
        raise ValueError(f"{text!r} is in the future")
    return parsed


def is_delivered_status(status: str | None) -> bool:
    """Whether a report's status means the parcel arrived (an empty status does)."""
    if not status or not status.strip():
        return True
    return bool(_DELIVERED.search(status.strip())) and not _NOT_DELIVERED.search(status)


def read_ship_list(text: str, file: str, default_carrier: str | None = None) -> list[ShipLine]:
    """Every row of a shipment list, checked as a whole: one bad row refuses the file."""
    cols, data = _table(
        text,
        file,
        SHIP_COLUMNS,
        SHIP_ORDER,
        ("order", "tracking") if default_carrier else ("order", "carrier", "tracking"),
    )
    out: list[ShipLine] = []
    errors: list[str] = []
    for line, row in data:

        def err(column: str, message: str) -> None:
            errors.append(f"{file}:{line}: {column} {message}")  # noqa: B023 - called only within this iteration

        order = _cell(row, cols.get("order"))
        carrier = _cell(row, cols.get("carrier")) or (default_carrier or "")
        number = _cell(row, cols.get("tracking"))
        if not order:
            err("order", "is empty")
        if not carrier:
            err("carrier", "is empty")
        if not normalize_number(number):
            err("tracking", "is empty")
        warning = None
        if carrier and normalize_number(number):
            check = validate(carrier, number)
            if not check.valid:
                err(
                    "tracking",
                    f"{check.normalized} is not a valid {carrier_name(carrier)} number: {check.reason}{_examples(check.carrier)}",
                )
            elif not known_carrier(carrier):
                warning = check.reason
        package_text = _cell(row, cols.get("package"))
        package_no = None
        if package_text:
            if package_text.isdigit() and int(package_text) > 0:
                package_no = int(package_text)
            else:
                err("package", f"{package_text!r} is not a package number (1, 2, …)")
        cost = None
        cost_text = _cell(row, cols.get("cost"))
        if cost_text:
            try:
                cost = parse_cost(cost_text)
            except ValueError as exc:
                err("cost", str(exc))
        out.append(
            ShipLine(
                line,
                order,
                carrier,
                normalize_number(number),
                package_no,
                _cell(row, cols.get("service")) or None,
                cost,
                warning,
            )
        )
    _raise_all(file, errors)
    if not out:
        raise BadInput(f"{file}: no shipments in the file")
    return out


def read_delivery_report(text: str, file: str, local: tzinfo = UTC, now: datetime | None = None) -> list[DeliveryLine]:
    """Every row of a delivery report, checked as a whole: one bad row refuses the file."""
    cols, data = _table(text, file, DELIVERY_COLUMNS, DELIVERY_ORDER, ("tracking", "delivered_at"))
    out: list[DeliveryLine] = []
    errors: list[str] = []
    for line, row in data:
        number = normalize_number(_cell(row, cols.get("tracking")))
        when_text = _cell(row, cols.get("delivered_at"))
        status = _cell(row, cols.get("status")) or None
        if not number:
            errors.append(f"{file}:{line}: tracking is empty")
            continue
        delivered = is_delivered_status(status)
        when = None
        if not when_text:
            if delivered:
                errors.append(f"{file}:{line}: delivered_at is empty")
                continue
        else:
            try:
                when = parse_time(when_text, local, now)
            except ValueError as exc:
                errors.append(f"{file}:{line}: delivered_at {exc}")
                continue
        out.append(DeliveryLine(line, number, when, status, delivered))
    _raise_all(file, errors)
    return out
