"""Money as printed on invoices: the currency's symbol and its number of minor digits.

The minor digits come from the store's own table (:func:`oms_cli.core.money.exponent`).

Pure module; amounts are ``Decimal`` and are rounded half-up to the currency's
minor unit only for printing.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from oms_cli.core.money import exponent

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


def format_money(amount: Decimal, currency: str | None) -> str:
    """``amount`` in ``currency``, e.g. ``$1,234.50``, ``¥1,235``, ``1,234.500 KWD``."""
    code = (currency or "").upper()
    digits = exponent(code)
    rounded = Decimal(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    number = f"{abs(rounded):,.{digits}f}"
    symbol = _SYMBOLS.get(code)
    if symbol is not None:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number} {code}".rstrip()
