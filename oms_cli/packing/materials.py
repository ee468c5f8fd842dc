"""Packaging materials (bubble wrap, void fill, dividers …) a parcel needs, by item attributes.

Configured as a mapping of material name to its cost and the rules that call
for it, e.g.::

    bubble_wrap:
      cost: "0.40"
      unit: sheet
      when: {fragile: true}
      per: unit            # one per fragile unit
    void_fill:
      cost: "0.10"
      per: package         # one scoop per parcel, whatever is in it
    glass_divider:
      cost: "0.80"
      rules:
        - when: {packaging_class: glass}
          per: unit
        - when: {packaging_class: [ceramic, porcelain]}
          per: line
          quantity: 2

A rule with no ``when`` applies to every item. ``per`` counts the material
per matching unit, per matching order line, or once per package when any item
matches. A material's quantities from all its rules add up.

Pure module: plain data in, plain data out; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from oms_cli.core.errors import ConfigError

Per = Literal["unit", "line", "package"]

_MATERIAL_KEYS = ("cost", "unit", "rules", "when", "per", "quantity")
_RULE_KEYS = ("when", "per", "quantity")
_WHEN_KEYS = ("fragile", "packaging_class")


@dataclass(frozen=True)
class MaterialRule:
    """When a material is called for (item attributes) and how much of it."""

    fragile: bool | None = None
    packaging_classes: frozenset[str] = frozenset()
    per: Per = "unit"
    quantity: int = 1

    def matches(self, item: ItemAttributes) -> bool:
        """Whether ``item`` has the attributes this rule asks for."""
        if self.fragile is not None and item.fragile != self.fragile:
            return False
        if self.packaging_classes and item.packaging_class not in self.packaging_classes:
            return False
        return True


@dataclass(frozen=True)
class Material:
    """A packaging material, its cost per unit of use (e.g. per sheet) and the rules that call for it."""

    name: str
    cost: Decimal
    unit: str = "each"
    rules: tuple[MaterialRule, ...] = ()


@dataclass(frozen=True)
class ItemAttributes:
    """What the materials rules look at for one order line going into the package."""

    ref: str
    quantity: int = 1
    fragile: bool = False
    packaging_class: str | None = None


def _where(name: str, rule: int | None) -> str:
    return f"packaging material '{name}'" + (f" rule {rule}" if rule is not None else "")


def _cost(name: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ConfigError(f"packaging material '{name}': cost must be an amount such as \"0.40\", not {value!r}")
    try:
        # via str() so that a YAML float 0.4 becomes exactly 0.40, never 0.4000000000000000222
        cost = Decimal(str(value).strip())
    except InvalidOperation:
        raise ConfigError(f"packaging material '{name}': cost must be an amount such as \"0.40\", not {value!r}") from None
    if not cost.is_finite() or cost < 0:
        raise ConfigError(f"packaging material '{name}': cost must not be negative, not {value!r}")
    return cost


def _rule(name: str, index: int | None, entry: Mapping[str, Any]) -> MaterialRule:
    where = _where(name, index)
    keys = _RULE_KEYS if index is not None else _MATERIAL_KEYS
    for key in entry:
        if key not in keys:
            raise ConfigError(f"{where}: unknown key '{key}'", hint=f"known keys: {', '.join(keys)}")
    when = entry.get("when") or {}
    if not isinstance(when, Mapping):
        raise ConfigError(f"{where}: when must be a mapping such as {{fragile: true}}, not {when!r}")
    for key in when:
        if key not in _WHEN_KEYS:
            raise ConfigError(f"{where}: unknown attribute '{key}' in when", hint=f"known attributes: {', '.join(_WHEN_KEYS)}")
    fragile = when.get("fragile")
    if fragile is not None and not isinstance(fragile, bool):
        raise ConfigError(f"{where}: when.fragile must be true or false, not {fragile!r}")
    classes = when.get("packaging_class")
    if classes is None:
        class_set: frozenset[str] = frozenset()
    elif isinstance(classes, str):
        class_set = frozenset([classes])
    elif isinstance(classes, Sequence) and classes and all(isinstance(c, str) for c in classes):
        class_set = frozenset(classes)
    else:
        raise ConfigError(f"{where}: when.packaging_class must be a class name or a list of names, not {classes!r}")
    per = entry.get("per", "unit")
    if per not in ("unit", "line", "package"):
        raise ConfigError(f"{where}: per must be 'unit', 'line' or 'package', not {per!r}")
    quantity = entry.get("quantity", 1)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ConfigError(f"{where}: quantity must be a whole number of at least 1, not {quantity!r}")
    return MaterialRule(fragile, class_set, per, quantity)


def materials_from_config(mapping: Mapping[str, Any]) -> list[Material]:
    """Validate a ``name: {cost, unit, when/per/quantity or rules}`` mapping into materials, in config order."""
    if not isinstance(mapping, Mapping):
        raise ConfigError(f"packaging materials must be a mapping of name to material, not {type(mapping).__name__}")
    materials = []
    for raw_name, entry in mapping.items():
        name = str(raw_name)
        if not isinstance(entry, Mapping):
            raise ConfigError(f"packaging material '{name}' must be a mapping, not {entry!r}")
        for key in entry:
            if key not in _MATERIAL_KEYS:
                raise ConfigError(
                    f"packaging material '{name}': unknown key '{key}'", hint=f"known keys: {', '.join(_MATERIAL_KEYS)}"
                )
        if "cost" not in entry:
            raise ConfigError(f"packaging material '{name}': cost is missing")
        unit = entry.get("unit", "each")
        if not isinstance(unit, str) or not unit.strip():
            raise ConfigError(f"packaging material '{name}': unit must be a word such as 'sheet', not {unit!r}")
        if "rules" in entry:
            if any(k in entry for k in ("when", "per", "quantity")):
                raise ConfigError(f"packaging material '{name}': give either rules or when/per/quantity, not both")
            rules = entry["rules"]
            if not isinstance(rules, Sequence) or isinstance(rules, str) or not rules:
                raise ConfigError(f"packaging material '{name}': rules must be a non-empty list")
            parsed = []
            for n, rule in enumerate(rules, start=1):
                if not isinstance(rule, Mapping):
                    raise ConfigError(f"{_where(name, n)} must be a mapping, not {rule!r}")
                parsed.append(_rule(name, n, rule))
            material_rules = tuple(parsed)
        else:
            material_rules = (_rule(name, None, {k: v for k, v in entry.items() if k in ("when", "per", "quantity")}),)
        materials.append(Material(name, _cost(name, entry["cost"]), unit.strip(), material_rules))
    return materials


def _attributes(item: ItemAttributes | Mapping[str, Any]) -> ItemAttributes:
    if isinstance(item, ItemAttributes):
        return item
    return ItemAttributes(
        ref=str(item.get("ref", "")),
        quantity=int(item.get("quantity", 1)),
        fragile=bool(item.get("fragile", False)),
        packaging_class=item.get("packaging_class"),
    )


def choose_materials(
    items_with_attributes: Sequence[ItemAttributes | Mapping[str, Any]],
    materials_config: Sequence[Material] | Mapping[str, Any],
) -> list[tuple[Material, int]]:
    """The materials one package needs and how many of each, in config order (unused ones left out)."""
    materials = (
        materials_from_config(materials_config) if isinstance(materials_config, Mapping) else list(materials_config)
    )
    items = [_attributes(i) for i in items_with_attributes]
    chosen = []
    for material in materials:
        total = 0
        for rule in material.rules:
            matching = [i for i in items if i.quantity > 0 and rule.matches(i)]
            if rule.per == "unit":
                total += rule.quantity * sum(i.quantity for i in matching)
            elif rule.per == "line":
                total += rule.quantity * len(matching)
            elif matching:
                total += rule.quantity
        if total:
            chosen.append((material, total))
    return chosen


def materials_cost(chosen: Sequence[tuple[Material, int]]) -> Decimal:
    """What the chosen materials cost together."""
    return sum((material.cost * quantity for material, quantity in chosen), Decimal(0))
