"""Lengths and weights in the units shops write them, turned into whole millimetres and grams.

Pure module: no database, no I/O.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from oms_cli.core.limits import MAX_UNITS

#: millimetres in one unit of length
LENGTH_UNITS: dict[str, Decimal] = {"mm": Decimal(1), "cm": Decimal(10), "m": Decimal(1000), "in": Decimal("25.4")}
#: grams in one unit of weight (the pound and ounce are the international avoirdupois ones)
WEIGHT_UNITS: dict[str, Decimal] = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "lb": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
}

_ALIASES = {
    "millimetre": "mm",
    "millimeter": "mm",
    "millimetres": "mm",
    "millimeters": "mm",
    "centimetre": "cm",
    "centimeter": "cm",
    "centimetres": "cm",
    "centimeters": "cm",
    "metre": "m",
    "meter": "m",
    "metres": "m",
    "meters": "m",
    "inch": "in",
    "inches": "in",
    '"': "in",
    "gram": "g",
    "grams": "g",
    "gr": "g",
    "kilogram": "kg",
    "kilograms": "kg",
    "kgs": "kg",
    "pound": "lb",
    "pounds": "lb",
    "lbs": "lb",
    "ounce": "oz",
    "ounces": "oz",
}

_MEASURE = re.compile(r"^\s*(?P<number>[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)\s*(?P<unit>[A-Za-z\"]*)\s*$")


def unit_name(unit: str) -> str:
    """The short name of a unit (``inches`` -> ``in``); unknown names come back lower-cased."""
    u = unit.strip().lower()
    return _ALIASES.get(u, u)


def kind_of(unit: str) -> str | None:
    """``length`` or ``weight`` for a known unit, else None."""
    u = unit_name(unit)
    if u in LENGTH_UNITS:
        return "length"
    if u in WEIGHT_UNITS:
        return "weight"
    return None


def _factor(kind: str, unit: str) -> Decimal:
    table = LENGTH_UNITS if kind == "length" else WEIGHT_UNITS
    u = unit_name(unit)
    if u not in table:
        raise ValueError(f"unit '{unit}' is not a unit of {kind} (use one of {', '.join(table)})")
    return table[u]


def convert(value: Decimal, kind: str, unit: str) -> int:
    """A length in ``unit`` -> whole millimetres, or a weight -> whole grams (rounded half up)."""
    if value < 0:
        raise ValueError(f"{value} is negative")
    converted = int((value * _factor(kind, unit)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if converted > MAX_UNITS:
        raise ValueError(f"{value} {unit} is too large")
    return converted


def parse_measure(text: str, kind: str, default_unit: str, *, allow_suffix: bool = True) -> int:
    """Read ``12``, ``12.5cm``, ``1,2 kg`` or ``3 oz`` as whole mm / g; a bare number is in ``default_unit``.

    Raises ValueError with a short reason the caller puts next to the file, line and column.
    """
    m = _MEASURE.match(text)
    if not m:
        raise ValueError(
            f"'{text.strip()}' is not a {kind} (a number, optionally with a unit such as {'cm' if kind == 'length' else 'kg'})"
        )
    unit = m["unit"]
    if unit and not allow_suffix:
        raise ValueError(
            f"'{text.strip()}' carries a unit, but the column already says {default_unit}: give a plain number"
        )
    try:
        number = Decimal(m["number"].replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise ValueError(f"'{text.strip()}' is not a number") from None
    return convert(number, kind, unit or default_unit)
