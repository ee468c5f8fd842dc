"""Money as integer minor units (cents) in the store, Decimal everywhere else."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 minor units, for the currencies whose minor unit is not two digits: the one
# table both the store (integer minor units) and printed documents use.
_EXPONENT = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
    "CLF": 4,
    "UYW": 4,
}


_ONE = Decimal(1)


def exponent(currency: str | None) -> int:
    """Number of decimal places of the currency's minor unit."""
    return _EXPONENT.get((currency or "").upper(), 2)


def to_minor(amount: Decimal | None, currency: str | None) -> int | None:
    """Decimal amount -> integer minor units, rounded half up."""
    return minor_units(amount, exponent(currency))


#: (amount, exponent) -> minor units, for amounts already converted: an import converts
#: the same few prices and totals over and over.
_SEEN: dict[tuple[Decimal, int], int] = {}
_SEEN_MAX = 20_000


def minor_units(amount: Decimal | None, exp: int) -> int | None:
    """Decimal amount -> integer units of 10**-exp, rounded half up (the fast path of to_minor)."""
    if amount is None:
        return None
    key = (amount, exp)
    seen = _SEEN.get(key)
    if seen is not None:
        return seen
    scaled = amount.scaleb(exp)
    if scaled == scaled.to_integral_value():
        minor = int(scaled)
    else:
        minor = int(scaled.quantize(_ONE, rounding=ROUND_HALF_UP))
    if len(_SEEN) >= _SEEN_MAX:
        _SEEN.clear()
    _SEEN[key] = minor
    return minor


def from_minor(minor: int | None, currency: str | None) -> Decimal | None:
    """Integer minor units -> Decimal amount with the currency's decimal places."""
    if minor is None:
        return None
    e = exponent(currency)
    return (Decimal(minor) / (Decimal(10) ** e)).quantize(Decimal(1).scaleb(-e))


def format_money(minor: int | None, currency: str | None) -> str:
    """Human text such as ``12.50 EUR``."""
    if minor is None:
        return "-"
    return f"{from_minor(minor, currency)} {currency or ''}".strip()
