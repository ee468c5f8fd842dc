"""Amounts typed by the shop (refunds, cash received) turned into exact minor units.

Pure module: no database, no Typer/Rich.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from oms_cli.core.errors import UsageError
from oms_cli.core.limits import MAX_AMOUNT
from oms_cli.core.money import exponent, format_money, to_minor


def parse_amount(text: str, what: str) -> Decimal:
    """``12.50`` (or ``12,50``) as an exact Decimal; ``what`` names the value in errors."""
    value = text.strip()
    # A lone comma is a decimal comma (12,50); with both marks the comma groups thousands.
    value = value.replace(",", "") if "." in value else value.replace(",", ".")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise UsageError(f"{what}: '{text}' is not an amount", hint="write it like 12.50") from None
    if not amount.is_finite():
        raise UsageError(f"{what}: '{text}' is not an amount", hint="write it like 12.50")
    if abs(amount) >= MAX_AMOUNT:
        raise UsageError(f"{what}: '{text}' is too large")
    return amount


def minor_units(amount: Decimal, currency: str | None, what: str) -> int:
    """A positive amount in the currency's minor units; refuses fractions of a cent and amounts of zero or less."""
    if amount <= 0:
        raise UsageError(f"{what}: {amount} must be more than 0")
    minor = to_minor(amount, currency)
    assert minor is not None
    # 12.505 EUR cannot be paid or refunded: say so instead of rounding silently.
    if Decimal(minor) != amount * (Decimal(10) ** exponent(currency)):
        raise UsageError(
            f"{what}: {amount} has more decimals than {currency or 'the currency'} allows",
            hint=f"e.g. {format_money(minor, currency)}",
        )
    return minor
