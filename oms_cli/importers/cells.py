"""Reading one cell of an export: text, money, quantities, dates, countries, currencies.

Each reader returns plain values or raises :class:`CellError` naming the
column and the value; the importer adds the file and line it is reading.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from oms_cli.core.limits import MAX_AMOUNT, MAX_UNITS
from oms_cli.importers.countries import country_code

UTC = UTC


class CellError(ValueError):
    """A cell whose value cannot be used; the importer turns it into ``file:line: Column message``."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"{column} {message}")
        self.column = column
        self.message = message


def text(value: str) -> str | None:
    """The cell's text without surrounding blanks, or None when empty."""
    value = value.strip()
    return value or None


def required_text(value: str, column: str) -> str:
    """The cell's text; an error when it is empty."""
    value = value.strip()
    if not value:
        raise CellError(column, "is empty")
    return value


def sku(value: str) -> str:
    """A line's SKU; empty for a custom item the channel gives none (the export still
    imports: release holds the order, reason ``no_sku``, until the line has one)."""
    return value.strip()


_MONEY = re.compile(
    r"""^\s*(?P<neg>[-−])?\s*
    (?:[A-Za-z]{1,3}\s*)?            # a currency code or prefix: USD, US, AU, C
    (?:[^\w\s.,'\-−]{1,3}\s*)?       # a currency symbol: $ £ € ¥
    (?P<neg2>[-−])?\s*
    (?P<number>\d[\d.,'\s]*?)
    \s*(?:[^\w\s.,'\-−]{1,3})?       # a symbol written after the amount: 12,50 €
    \s*(?:[A-Za-z]{3})?\s*$""",
    re.VERBOSE,
)


def _loose_money(value: str, column: str) -> Decimal:
    match = _MONEY.match(value)
    if not match:
        raise CellError(column, f"{value!r} is not an amount of money")
    number = re.sub(r"[\s'\u00a0]", "", match["number"])
    if "," in number and "." in number:
        # Whichever separator comes last is the decimal point.
        if number.rfind(",") > number.rfind("."):
            number = number.replace(".", "").replace(",", ".")
        else:
            number = number.replace(",", "")
    elif "," in number:
        head, _, tail = number.rpartition(",")
        number = (
            f"{head.replace(',', '')}.{tail}" if number.count(",") == 1 and len(tail) != 3 else number.replace(",", "")
        )
    elif number.count(".") > 1:
        number = number.replace(".", "")
    try:
        amount = Decimal(number)
    except InvalidOperation:
        raise CellError(column, f"{value!r} is not an amount of money") from None
    if abs(amount) >= MAX_AMOUNT:
        raise CellError(column, f"{value!r} is too large")
    return -amount if (match["neg"] or match["neg2"]) else amount


#: cell text -> its amount, for plain amounts already seen: an export repeats the same
#: prices and totals (0.00, 4.95, 19.99) thousands of times. Decimals are immutable.
_SEEN_MONEY: dict[str, Decimal] = {}
_SEEN_MONEY_MAX = 20_000


def money(value: str, column: str) -> Decimal | None:
    """An amount as an exact Decimal (currency symbols and thousands separators dropped), None when empty."""
    seen = _SEEN_MONEY.get(value)
    if seen is not None:
        return seen
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        if not value.strip():
            return None
        return _loose_money(value, column)
    if not amount.is_finite():
        raise CellError(column, f"{value!r} is not an amount of money")
    if abs(amount) >= MAX_AMOUNT:
        raise CellError(column, f"{value!r} is too large")
    if len(_SEEN_MONEY) >= _SEEN_MONEY_MAX:
        _SEEN_MONEY.clear()
    _SEEN_MONEY[value] = amount
    return amount


def quantity(value: str, column: str) -> int:
    """A line quantity: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        if not value.strip():
            raise CellError(column, "is empty") from None
        raise CellError(column, f"{value!r} is not a whole number") from None
    if number < 1:
        raise CellError(column, f"{value!r} must be at least 1")
    if number > MAX_UNITS:
        raise CellError(column, f"{value!r} is too large")
    return number


def currency(value: str, column: str) -> str | None:
    """An ISO 4217 currency code in upper case, None when empty."""
    code = value.strip().upper()
    if not code:
        return None
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise CellError(column, f"{value!r} is not a three-letter currency code")
    return code


def country(value: str, column: str) -> str | None:
    """The ISO alpha-2 code for a country name or code, None when empty."""
    if not value or not value.strip():
        return None
    code = country_code(value)
    if code is None:
        raise CellError(column, f"{value!r} is not a country oms knows (write its English name or ISO code)")
    return code


def country_if_known(value: str) -> str | None:
    """The ISO alpha-2 code for a country name or code; None when empty or unknown.

    For the billing address, which only invoices print: an odd spelling there is no
    reason to refuse the order (the ship-to country is checked strictly)."""
    if not value or not value.strip():
        return None
    return country_code(value)


def postal_code(value: str) -> str | None:
    """A postal code without the leading apostrophe spreadsheets add to keep leading zeros."""
    value = value.strip().lstrip("'").strip()
    return value or None


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _bad_date(value: str, column: str, example: str) -> CellError:
    return CellError(column, f"{value!r} is not a date (expected e.g. {example})")


def timestamp(value: str, column: str) -> datetime:
    """An ISO 8601 date and time (``2026-11-20 09:50:26 +0200``, ``…T…Z``) as aware UTC; no offset means UTC."""
    stripped = value.strip()
    try:
        return _utc(datetime.fromisoformat(stripped))
    except ValueError:
        pass
    if stripped.endswith((" UTC", " GMT")):
        try:
            return _utc(datetime.fromisoformat(stripped[:-4]))
        except ValueError:
            pass
    if not stripped:
        raise CellError(column, "is empty")
    raise _bad_date(value, column, "2026-11-20 14:05:00 +0100")


def optional_timestamp(value: str, column: str) -> datetime | None:
    """Like :func:`timestamp`, None when the cell is empty."""
    return timestamp(value, column) if value.strip() else None


def us_date(value: str, column: str) -> datetime:
    """A US-style ``MM/DD/YY`` or ``MM/DD/YYYY`` date (Etsy) as midnight UTC."""
    parts = value.strip().split("/")
    try:
        month, day, year = (int(part) for part in parts)
        if len(parts[2]) == 2:
            year += 2000
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        if not value.strip():
            raise CellError(column, "is empty") from None
        raise _bad_date(value, column, "11/21/26") from None


#: Time zone abbreviations eBay and others append to times.
_ZONES = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "PST": -8,
    "PDT": -7,
    "MST": -7,
    "MDT": -6,
    "CST": -6,
    "CDT": -5,
    "EST": -5,
    "EDT": -4,
    "AEST": 10,
    "AEDT": 11,
}
_DAY_FORMATS = ("%b-%d-%y", "%b-%d-%Y", "%d-%b-%y", "%d-%b-%Y", "%b %d, %Y", "%d %b %Y", "%Y-%m-%d", "%m/%d/%Y")
_TIME_FORMATS = ("", " %H:%M:%S", " %H:%M")


def named_zone_date(value: str, column: str) -> datetime:
    """A date like ``Nov-21-26``, ``Nov 21, 2026 10:15:02 PST`` or ISO (eBay) as aware UTC."""
    stripped = value.strip()
    if not stripped:
        raise CellError(column, "is empty")
    offset = 0
    head, _, last = stripped.rpartition(" ")
    if head and last.upper() in _ZONES:
        offset = _ZONES[last.upper()]
        stripped = head.strip()
    for day_format in _DAY_FORMATS:
        for time_format in _TIME_FORMATS:
            try:
                moment = datetime.strptime(stripped, day_format + time_format)
            except ValueError:
                continue
            return (moment - timedelta(hours=offset)).replace(tzinfo=UTC)
    try:
        return timestamp(value, column)
    except CellError:
        raise _bad_date(value, column, "Nov-21-26") from None
