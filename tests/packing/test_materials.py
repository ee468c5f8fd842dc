"""Packaging materials chosen by item attributes, and their config checks (``packing.materials``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oms_cli.core.config import DEFAULTS
from oms_cli.core.errors import ConfigError
from oms_cli.packing.materials import (
    ItemAttributes,
    Material,
    MaterialRule,
    MaterialUse,
    choose_materials,
    material_uses,
    materials_cost,
    materials_from_config,
)

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
        ({"wrap": {"cost": "1", "colour": "red"}}, "packing.materials.wrap: unknown key 'colour'"),
        ({"wrap": {"unit": "sheet"}}, "packing.materials.wrap.cost: is missing"),
        ({"wrap": {"cost": "-1"}}, "packing.materials.wrap.cost: must not be negative"),
        ({"wrap": {"cost": "cheap"}}, "packing.materials.wrap.cost: must be an amount"),
        ({"wrap": {"cost": "1", "per": "parcel"}}, "packing.materials.wrap.per: must be"),
        ({"wrap": {"cost": "1", "quantity": 0}}, "packing.materials.wrap.quantity: must be a whole number"),
        ({"wrap": {"cost": "1", "when": {"heavy": True}}}, "packing.materials.wrap.when: unknown condition 'heavy'"),
        (
            {"wrap": {"cost": "1", "when": {"fragile": "yes"}}},
            "packing.materials.wrap.when.fragile: must be true or false",
        ),
        (
            {"wrap": {"cost": "1", "when": {"packaging_class": 3}}},
            "packing.materials.wrap.when.packaging_class: must be",
        ),
        ({"wrap": {"cost": "1", "rules": []}}, "packing.materials.wrap.rules: must be a non-empty list"),
        (
            {"wrap": {"cost": "1", "rules": [{"per": "unit", "cost": 2}]}},
            "packing.materials.wrap.rules[0]: unknown key 'cost'",
        ),
        ({"wrap": {"cost": "1", "per": "unit", "rules": [{"per": "unit"}]}}, "either rules or when/per/quantity"),
        ({"wrap": "bubble"}, "packing.materials.wrap: must be a mapping"),
    ],
)
def test_bad_config_raises_config_errors_naming_the_material(config: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        materials_from_config(config)
    assert message in exc.value.message


def test_config_must_be_a_mapping_or_a_list() -> None:
    with pytest.raises(ConfigError):
        materials_from_config(["bubble_wrap"])
    with pytest.raises(ConfigError):
        materials_from_config("bubble_wrap")
    assert materials_from_config(None) == []


# ---------------------------------------------------------------- packing.materials as a list, as in the config


def test_the_default_config_means_one_sheet_per_fragile_unit_and_one_fill_per_package() -> None:
    wrap, fill = materials_from_config(DEFAULTS["packing"]["materials"])
    assert wrap == Material("bubble wrap", Decimal("0.20"), "each", (MaterialRule(fragile=True, per="unit"),), 0)
    assert fill == Material("paper fill", Decimal("0.05"), "each", (MaterialRule(per="package"),), 0)


def test_per_item_is_per_unit_and_per_package_is_the_default() -> None:
    listed = materials_from_config(
        [
            {"name": "wrap", "cost": "0.40", "when": {"fragile": True}, "per": "item"},
            {"name": "fill", "cost": "0.10"},
        ]
    )
    mapped = materials_from_config(
        {"wrap": {"cost": "0.40", "when": {"fragile": True}, "per": "unit"}, "fill": {"cost": "0.10"}}
    )
    assert listed == mapped
    assert [rule.per for m in listed for rule in m.rules] == ["unit", "package"]


def test_materials_follow_product_attributes_with_cost_and_weight() -> None:
    materials = materials_from_config(
        [
            {"name": "bubble wrap", "cost": "0.20", "when": {"fragile": True}, "per": "item", "weight_g": 5},
            {"name": "bottle sleeve", "cost": "0.30", "when": {"packaging_class": ["liquid"]}, "per": "item"},
            {"name": "this way up", "cost": "0", "when": {"keep_upright": True}, "per": "package"},
            {"name": "paper fill", "cost": "0.05", "when": {}, "per": "package"},
        ]
    )
    items = [
        ItemAttributes("vase", fragile=True),
        ItemAttributes("oil", fragile=True, keep_upright=True, packaging_class="liquid"),
        ItemAttributes("sock"),
    ]
    uses = {m.name: m for m in material_uses(items, materials)}
    assert uses["bubble wrap"] == MaterialUse("bubble wrap", 2, Decimal("0.40"), 10)
    assert uses["bubble wrap"].to_json() == {"name": "bubble wrap", "quantity": 2, "cost": "0.40", "weight_g": 10}
    assert uses["bottle sleeve"].quantity == 1
    assert uses["this way up"].quantity == 1
    assert uses["paper fill"].quantity == 1
    assert [m.name for m in material_uses([ItemAttributes("sock")], materials)] == ["paper fill"]


def test_every_rule_form_works_in_the_list_too() -> None:
    (divider,) = materials_from_config(
        [
            {
                "name": "glass divider",
                "cost": "0.80",
                "unit": "piece",
                "rules": [
                    {"when": {"packaging_class": "glass"}, "per": "item"},
                    {"when": {"packaging_class": "ceramic"}, "per": "line", "quantity": 2},
                ],
            },
        ]
    )
    items = [ItemAttributes("glass", 4, packaging_class="glass"), ItemAttributes("plate", 3, packaging_class="ceramic")]
    assert material_uses(items, [divider]) == [MaterialUse("glass divider", 4 + 2, Decimal("4.80"), 0)]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            [{"name": "bubble wrap", "cost": "0.20", "per": "parcel"}],
            "packing.materials[0] (bubble wrap).per: must be 'item' (or 'unit'), 'line' or 'package', not 'parcel'",
        ),
        ([{"cost": "0.20"}], "packing.materials[0].name: every material needs a name"),
        ([{"name": "x"}], "packing.materials[0] (x).cost: is missing"),
        (
            [{"name": "x", "cost": "1", "weight_g": -5}],
            "packing.materials[0] (x).weight_g: must be a whole number of grams",
        ),
        (
            [{"name": "x", "cost": "1", "when": {"keep_upright": "yes"}}],
            "packing.materials[0] (x).when.keep_upright: must be true or false",
        ),
        (
            [{"name": "x", "cost": "1", "when": {"colour": "red"}}],
            "packing.materials[0] (x).when: unknown condition 'colour'",
        ),
        (
            [{"name": "x", "cost": "1", "rules": [{"per": "item", "colour": 1}]}],
            "packing.materials[0] (x).rules[0]: unknown key 'colour'",
        ),
        (
            [{"name": "x", "cost": "1"}, {"name": "y", "cost": "1", "size": 2}],
            "packing.materials[1] (y): unknown key 'size'",
        ),
        (["bubble wrap"], "packing.materials[0]: must be a mapping"),
        ("bubble wrap", "packing.materials: must be a list"),
    ],
)
def test_bad_list_config_names_the_key(config: object, message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        materials_from_config(config)
    assert message in exc.value.message
