"""Money as printed on invoices: the currency's symbol and its number of minor digits.

Pure module; amounts are ``Decimal`` and are rounded half-up to the currency's
minor unit only for printing.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 minor units where they are not 2.
_MINOR_DIGITS = {
    "BHD": 3,
    "CLP": 0,
    "HUF": 2,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "OMR": 3,
    "TND": 3,
    "TWD": 2,
    "UGX": 0,
    "VND": 0,
}
_SYMBOLS = {
    "AUD": "A$",
    "CAD": "CA$",
    "CHF": "CHF ",
    "CNY": "CN¥",
    "CZK": "Kč ",
    "DKK": "kr ",
    "EUR": "€",
    "GBP": "£",
    "HKD": "HK$",
    "INR": "₹",
    "JPY": "¥",
    "KRW": "₩",
    "MXN": "MX$",
    "NOK": "kr ",
    "NZD": "NZ$",
    "PLN": "zł ",
    "SEK": "kr ",
    "SGD": "S$",
    "USD": "$",
}


def minor_digits(currency: str | None) -> int:
    """How many digits the currency's minor unit has (2 for most, 0 for JPY, 3 for KWD)."""
    return _MINOR_DIGITS.get((currency or "").upper(), 2)


def format_money(amount: Decimal, currency: str | None) -> str:
    """``amount`` in ``currency``, e.g. ``$1,234.50``, ``¥1,235``, ``1,234.500 KWD``."""
    code = (currency or "").upper()
    digits = minor_digits(code)
    rounded = Decimal(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    number = f"{abs(rounded):,.{digits}f}"
    symbol = _SYMBOLS.get(code)
    if symbol is not None:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number} {code}".rstrip()
