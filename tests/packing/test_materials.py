"""Packaging materials chosen by item attributes, and their config checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oms_cli.core.errors import ConfigError
from oms_cli.packing.materials import ItemAttributes, choose_materials, materials_cost, materials_from_config

CONFIG = {
    "bubble_wrap": {"cost": "0.40", "unit": "sheet", "when": {"fragile": True}, "per": "unit"},
    "void_fill": {"cost": 0.10, "unit": "scoop", "per": "package"},
    "glass_divider": {
        "cost": "0.80",
        "rules": [
            {"when": {"packaging_class": "glass"}, "per": "unit"},
            {"when": {"packaging_class": ["ceramic", "porcelain"]}, "per": "line", "quantity": 2},
        ],
    },
    "cold_pack": {"cost": "1.50", "when": {"packaging_class": "frozen"}, "per": "package"},
}


def test_materials_follow_the_rules() -> None:
    items: list[ItemAttributes | dict[str, object]] = [
        ItemAttributes("wine glass", quantity=4, fragile=True, packaging_class="glass"),
        {"ref": "plate", "quantity": 3, "fragile": True, "packaging_class": "ceramic"},
        ItemAttributes("tea towel", quantity=2),
    ]
    chosen = choose_materials(items, CONFIG)
    assert [(m.name, n) for m, n in chosen] == [("bubble_wrap", 7), ("void_fill", 1), ("glass_divider", 6)]
    # 7 x 0.40 + 1 x 0.10 + 6 x 0.80
    assert materials_cost(chosen) == Decimal("7.70")


def test_a_yaml_float_cost_becomes_an_exact_amount() -> None:
    (void_fill,) = [m for m in materials_from_config(CONFIG) if m.name == "void_fill"]
    assert void_fill.cost == Decimal("0.1")
    assert void_fill.unit == "scoop"


def test_nothing_fragile_needs_no_bubble_wrap() -> None:
    chosen = choose_materials([ItemAttributes("sock", quantity=5)], materials_from_config(CONFIG))
    assert [m.name for m, _ in chosen] == ["void_fill"]


def test_no_items_need_no_materials() -> None:
    assert choose_materials([], CONFIG) == []
    assert materials_cost([]) == Decimal(0)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"wrap": {"cost": "1", "colour": "red"}}, "'wrap': unknown key 'colour'"),
        ({"wrap": {"unit": "sheet"}}, "'wrap': cost is missing"),
        ({"wrap": {"cost": "-1"}}, "cost must not be negative"),
        ({"wrap": {"cost": "cheap"}}, "cost must be an amount"),
        ({"wrap": {"cost": "1", "per": "parcel"}}, "per must be"),
        ({"wrap": {"cost": "1", "quantity": 0}}, "quantity must be a whole number"),
        ({"wrap": {"cost": "1", "when": {"heavy": True}}}, "unknown attribute 'heavy'"),
        ({"wrap": {"cost": "1", "when": {"fragile": "yes"}}}, "when.fragile must be true or false"),
        ({"wrap": {"cost": "1", "when": {"packaging_class": 3}}}, "packaging_class must be"),
        ({"wrap": {"cost": "1", "rules": []}}, "rules must be a non-empty list"),
        ({"wrap": {"cost": "1", "rules": [{"per": "unit", "cost": 2}]}}, "'wrap' rule 1: unknown key 'cost'"),
        ({"wrap": {"cost": "1", "per": "unit", "rules": [{"per": "unit"}]}}, "either rules or when/per/quantity"),
        ({"wrap": "bubble"}, "'wrap' must be a mapping"),
    ],
)
def test_bad_config_raises_config_errors_naming_the_material(config: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        materials_from_config(config)


def test_config_must_be_a_mapping() -> None:
    with pytest.raises(ConfigError):
        materials_from_config(["bubble_wrap"])  # type: ignore[arg-type]
