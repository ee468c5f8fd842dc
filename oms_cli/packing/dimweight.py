"""Carriers' dimensional-weight rules and the billable weight of a parcel.

Billable weight is the larger of the actual weight and the dimensional weight
(outer length x width x height / divisor). Carriers differ in the divisor, in a
volume threshold below which another divisor (or none) applies, in how they
round each dimension and in the weight step they round up to, so all of these
are configurable per carrier.

Pure module: plain data in, plain data out; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal

from oms_cli.core.errors import ConfigError

Units = Literal["in/lb", "cm/kg"]
DimensionRounding = Literal["nearest", "up", "none"]

#: Exact conversion factors (international inch and avoirdupois pound).
MM_PER_INCH = Decimal("25.4")
GRAMS_PER_POUND = Decimal("453.59237")


@dataclass(frozen=True)
class DimWeightRule:
    """How one carrier turns a parcel's size and weight into its billable weight.

    ``divisor`` is in in³/lb for ``units="in/lb"`` and cm³/kg for ``"cm/kg"``.
    At or below ``threshold`` (a volume in in³ or cm³) ``small_parcel_divisor``
    applies instead; when that is ``None`` such parcels are billed on actual
    weight alone. Each dimension is rounded to a whole inch/centimetre as
    ``round_dimensions`` says, and weights are rounded up to ``weight_step``
    (pounds or kilograms).
    """

    name: str
    units: Units
    divisor: Decimal
    threshold: Decimal | None = None
    small_parcel_divisor: Decimal | None = None
    round_dimensions: DimensionRounding = "nearest"
    weight_step: Decimal = Decimal(1)


@dataclass(frozen=True)
class BillableWeight:
    """A parcel's weights in the carrier's unit (lb or kg) and the billable weight in grams."""

    unit: Literal["lb", "kg"]
    actual: Decimal
    dimensional: Decimal | None
    billable: Decimal
    billable_g: int


# UPS daily rates use 139, and 166 for parcels of one cubic foot or less.
UPS = DimWeightRule("ups", "in/lb", Decimal(139), threshold=Decimal(1728), small_parcel_divisor=Decimal(166))
FEDEX = DimWeightRule("fedex", "in/lb", Decimal(139))
# USPS only charges dimensional weight on parcels over one cubic foot.
USPS = DimWeightRule("usps", "in/lb", Decimal(166), threshold=Decimal(1728), small_parcel_divisor=None)
METRIC = DimWeightRule("metric", "cm/kg", Decimal(5000))

#: The built-in rules by name; a config entry may start from one with ``like: ups``.
DEFAULT_RULES: dict[str, DimWeightRule] = {rule.name: rule for rule in (UPS, FEDEX, USPS, METRIC)}

_KEYS = ("like", "units", "divisor", "threshold", "small_parcel_divisor", "round_dimensions", "weight_step")


def _round_length(mm: int, unit_mm: Decimal, how: DimensionRounding) -> Decimal:
    value = Decimal(mm) / unit_mm
    if how == "nearest":
        return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if how == "up":
        return value.quantize(Decimal(1), rounding=ROUND_CEILING)
    return value


def _round_up(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).quantize(Decimal(1), rounding=ROUND_CEILING) * step


def billable_weight(outer_mm: tuple[int, int, int], actual_g: int, rule: DimWeightRule) -> BillableWeight:
    """Work out actual, dimensional and billable weight of a parcel under ``rule``."""
    if any(d < 0 for d in outer_mm) or actual_g < 0:
        raise ValueError("dimensions and weight must not be negative")
    metric = rule.units == "cm/kg"
    unit_mm = Decimal(10) if metric else MM_PER_INCH
    grams_per_unit = Decimal(1000) if metric else GRAMS_PER_POUND
    length, width, height = (_round_length(d, unit_mm, rule.round_dimensions) for d in outer_mm)
    volume = length * width * height
    divisor: Decimal | None = rule.divisor
    if rule.threshold is not None and volume <= rule.threshold:
        divisor = rule.small_parcel_divisor
    actual = _round_up(Decimal(actual_g) / grams_per_unit, rule.weight_step)
    dimensional = _round_up(volume / divisor, rule.weight_step) if divisor else None
    billable = max(actual, dimensional) if dimensional is not None else actual
    billable_g = int((billable * grams_per_unit).quantize(Decimal(1), rounding=ROUND_CEILING))
    return BillableWeight("kg" if metric else "lb", actual, dimensional, billable, billable_g)


def billable_weight_g(outer_mm: Sequence[int], actual_g: int, rule: DimWeightRule | None) -> int:
    """Billable weight in grams of a parcel (outer dimensions in mm); actual weight when ``rule`` is None."""
    if rule is None:
        return actual_g
    length, width, height = outer_mm
    return _billable_g((length, width, height), actual_g, rule)


@lru_cache(maxsize=16384)
def _billable_g(outer_mm: tuple[int, int, int], actual_g: int, rule: DimWeightRule) -> int:
    # cached: choosing boxes asks about the same few boxes and weights many times
    return billable_weight(outer_mm, actual_g, rule).billable_g


def _positive_decimal(name: str, key: str, value: Any, *, allow_none: bool = False) -> Decimal | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ConfigError(f"dimensional weight rule '{name}': {key} must be a positive number, not {value!r}")
    try:
        # str() first so that a YAML float such as 0.5 becomes exactly 0.5
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ConfigError(f"dimensional weight rule '{name}': {key} must be a positive number, not {value!r}") from None
    if not number.is_finite() or number <= 0:
        raise ConfigError(f"dimensional weight rule '{name}': {key} must be a positive number, not {value!r}")
    return number


def rule_from_config(mapping: Mapping[str, Any], *, name: str = "custom") -> DimWeightRule:
    """Build a rule from a config mapping, optionally starting from a built-in one (``like: ups``)."""
    if not isinstance(mapping, Mapping):
        raise ConfigError(f"dimensional weight rule '{name}' must be a mapping, not {type(mapping).__name__}")
    unknown = sorted(str(k) for k in mapping if k not in _KEYS)
    if unknown:
        raise ConfigError(
            f"dimensional weight rule '{name}': unknown key '{unknown[0]}'",
            hint=f"known keys: {', '.join(_KEYS)}",
        )
    like = mapping.get("like")
    if like is not None:
        if not isinstance(like, str) or like not in DEFAULT_RULES:
            raise ConfigError(
                f"dimensional weight rule '{name}': like '{like}' is not a built-in rule",
                hint=f"built-in rules: {', '.join(DEFAULT_RULES)}",
            )
        base: DimWeightRule | None = replace(DEFAULT_RULES[like], name=name)
    else:
        base = None
        for required in ("units", "divisor"):
            if required not in mapping:
                raise ConfigError(
                    f"dimensional weight rule '{name}': {required} is missing",
                    hint="give units and divisor, or start from a built-in rule with 'like: ups'",
                )
    units = mapping.get("units", base.units if base else None)
    if units not in ("in/lb", "cm/kg"):
        raise ConfigError(f"dimensional weight rule '{name}': units must be 'in/lb' or 'cm/kg', not {units!r}")
    rounding = mapping.get("round_dimensions", base.round_dimensions if base else "nearest")
    if rounding not in ("nearest", "up", "none"):
        raise ConfigError(
            f"dimensional weight rule '{name}': round_dimensions must be 'nearest', 'up' or 'none', not {rounding!r}"
        )
    divisor = (
        _positive_decimal(name, "divisor", mapping["divisor"])
        if "divisor" in mapping
        else (base.divisor if base else None)
    )
    threshold = (
        _positive_decimal(name, "threshold", mapping["threshold"], allow_none=True)
        if "threshold" in mapping
        else (base.threshold if base else None)
    )
    small = (
        _positive_decimal(name, "small_parcel_divisor", mapping["small_parcel_divisor"], allow_none=True)
        if "small_parcel_divisor" in mapping
        else (base.small_parcel_divisor if base else None)
    )
    step = (
        _positive_decimal(name, "weight_step", mapping["weight_step"])
        if "weight_step" in mapping
        else (base.weight_step if base else Decimal(1))
    )
    if small is not None and threshold is None:
        raise ConfigError(f"dimensional weight rule '{name}': small_parcel_divisor needs a threshold")
    assert divisor is not None and step is not None
    return DimWeightRule(name, units, divisor, threshold, small, rounding, step)


def rules_from_config(mapping: Mapping[str, Any]) -> dict[str, DimWeightRule]:
    """Build every carrier's rule from a ``carrier: rule`` mapping; a bare name (``dhl: metric``) copies a built-in rule."""
    if not isinstance(mapping, Mapping):
        raise ConfigError(
            f"dimensional weight rules must be a mapping of carrier to rule, not {type(mapping).__name__}"
        )
    rules: dict[str, DimWeightRule] = dict(DEFAULT_RULES)
    for carrier, entry in mapping.items():
        carrier_name = str(carrier)
        if isinstance(entry, str):
            rules[carrier_name] = rule_from_config({"like": entry}, name=carrier_name)
        else:
            rules[carrier_name] = rule_from_config(entry, name=carrier_name)
    return rules
