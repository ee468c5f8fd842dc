"""One currency table: the store's minor units and the printed documents agree, per ISO 4217."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from oms_cli.core.money import exponent, format_money, from_minor, to_minor
from oms_cli.documents.money import format_money as print_money

# The currencies on which the store and the documents disagreed before they shared one
# table, with their ISO 4217 minor units.
ONCE_DISAGREED = {
    "BIF": 0,
    "DJF": 0,
    "GNF": 0,
    "IQD": 3,
    "KMF": 0,
    "LYD": 3,
    "PYG": 0,
    "RWF": 0,
    "UYI": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
}


def _decimals(text: str) -> int:
    number = text.split()[0] if text[0].isdigit() else text
    return len(number.split(".")[1]) if "." in number else 0


@pytest.mark.parametrize(("currency", "digits"), sorted(ONCE_DISAGREED.items()))
def test_store_and_documents_use_the_iso_minor_unit(currency: str, digits: int) -> None:
    assert exponent(currency) == digits
    minor = to_minor(Decimal("1234.5678"), currency)
    assert minor == int((Decimal("1234.5678") * 10**digits).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    stored = from_minor(minor, currency)
    printed = print_money(Decimal("1234.5678"), currency)
    assert _decimals(format_money(minor, currency)) == digits
    assert _decimals(printed) == digits
    assert printed == f"{stored:,} {currency}"


@pytest.mark.parametrize(
    ("currency", "digits"),
    [("XOF", 0), ("XAF", 0), ("JPY", 0), ("KRW", 0), ("BHD", 3), ("KWD", 3), ("TND", 3), ("CLF", 4), ("EUR", 2)],
)
def test_exponent_follows_iso_4217(currency: str, digits: int) -> None:
    assert exponent(currency) == exponent(currency.lower()) == digits


def test_xof_prints_no_decimals_and_iqd_keeps_its_third() -> None:
    assert print_money(Decimal("1500"), "XOF") == "1,500 XOF"
    assert print_money(Decimal("12.345"), "IQD") == "12.345 IQD"
    assert format_money(12345, "IQD") == "12.345 IQD"
