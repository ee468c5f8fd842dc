"""Dimensional weight: the built-in carrier rules and rules from config."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oms_cli.core.errors import ConfigError
from oms_cli.packing.dimweight import (
    FEDEX,
    METRIC,
    UPS,
    USPS,
    billable_weight,
    billable_weight_g,
    rule_from_config,
    rules_from_config,
)

INCH = 25.4
CUBE_12 = (305, 305, 305)  # 12.01 in: rounds to 12 in, 1,728 in³
BOX_13 = (330, 305, 305)  # 13 x 12 x 12 in = 1,872 in³


def test_ups_uses_166_up_to_one_cubic_foot_and_139_above() -> None:
    small = billable_weight(CUBE_12, 1000, UPS)
    assert (small.unit, small.actual, small.dimensional, small.billable) == ("lb", 3, 11, 11)  # 1728/166 = 10.4
    assert small.billable_g == 4990  # 11 lb = 4,989.5 g, rounded up
    large = billable_weight(BOX_13, 1000, UPS)
    assert large.dimensional == 14  # 1872/139 = 13.5


def test_fedex_uses_139_for_every_size() -> None:
    assert billable_weight(CUBE_12, 1000, FEDEX).dimensional == 13  # 1728/139 = 12.4


def test_usps_bills_actual_weight_up_to_one_cubic_foot() -> None:
    small = billable_weight(CUBE_12, 1000, USPS)
    assert small.dimensional is None
    assert small.billable == 3
    assert billable_weight(BOX_13, 1000, USPS).dimensional == 12  # 1872/166 = 11.3


def test_metric_default_is_5000_cm3_per_kg() -> None:
    assert billable_weight_g((400, 300, 200), 1200, METRIC) == 5000  # 24,000 cm³ / 5,000 = 4.8 kg
    assert billable_weight_g((400, 300, 200), 6200, METRIC) == 7000  # actual weight rounds up too


def test_each_dimension_is_rounded_to_the_nearest_inch() -> None:
    rule = rule_from_config({"units": "in/lb", "divisor": 1})
    assert billable_weight((317, 25, 25), 0, rule).dimensional == 12  # 12.48 in -> 12
    assert billable_weight((318, 25, 25), 0, rule).dimensional == 13  # 12.52 in -> 13
    exact = rule_from_config({"units": "in/lb", "divisor": 1, "round_dimensions": "none", "weight_step": "0.01"})
    assert billable_weight((254, 25, 25), 0, exact).dimensional == Decimal("9.69")  # 10 x 0.984 x 0.984 = 9.6875


def test_weight_step_rounds_up_to_half_kilos() -> None:
    rule = rule_from_config({"like": "metric", "weight_step": 0.5})
    assert rule.weight_step == Decimal("0.5")
    assert billable_weight_g((400, 300, 200), 0, rule) == 5000  # 4.8 -> 5.0
    assert billable_weight_g((400, 300, 180), 0, rule) == 4500  # 4.32 -> 4.5


def test_no_rule_means_actual_weight() -> None:
    assert billable_weight_g((1000, 1000, 1000), 1234, None) == 1234


def test_outer_size_may_be_any_sequence() -> None:
    assert billable_weight_g([400, 300, 200], 1200, METRIC) == billable_weight_g((400, 300, 200), 1200, METRIC)


def test_a_config_rule_can_start_from_a_built_in_one() -> None:
    rule = rule_from_config({"like": "ups", "divisor": 150}, name="ups-retail")
    assert (rule.name, rule.divisor, rule.threshold, rule.small_parcel_divisor) == ("ups-retail", 150, 1728, 166)
    rules = rules_from_config({"dhl": "metric", "acme": {"units": "cm/kg", "divisor": 4000}})
    assert rules["dhl"].divisor == 5000 and rules["dhl"].name == "dhl"
    assert rules["acme"].divisor == 4000
    assert set(rules) >= {"ups", "fedex", "usps", "metric"}


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"like": "ups", "divsor": 139}, "unknown key 'divsor'"),
        ({"units": "cm/kg"}, "divisor is missing"),
        ({"divisor": 5000}, "units is missing"),
        ({"units": "in/kg", "divisor": 139}, "units must be"),
        ({"like": "dhl"}, "not a built-in rule"),
        ({"like": "ups", "divisor": 0}, "divisor must be a positive number"),
        ({"like": "ups", "divisor": "lots"}, "divisor must be a positive number"),
        ({"like": "ups", "divisor": True}, "divisor must be a positive number"),
        ({"like": "metric", "weight_step": -1}, "weight_step must be a positive number"),
        ({"like": "metric", "round_dimensions": "down"}, "round_dimensions must be"),
        ({"like": "fedex", "small_parcel_divisor": 166}, "needs a threshold"),
    ],
)
def test_bad_rules_raise_config_errors_naming_the_rule(mapping: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        rule_from_config(mapping, name="mine")
    assert "'mine'" in raised.value.message


def test_bad_rule_sets_raise_config_errors() -> None:
    with pytest.raises(ConfigError, match="'acme'"):
        rules_from_config({"acme": ["not", "a", "rule"]})
    with pytest.raises(ConfigError):
        rules_from_config(["ups"])  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="not a built-in rule"):
        rules_from_config({"acme": "nope"})
