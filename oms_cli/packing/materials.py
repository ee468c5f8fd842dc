"""Packaging materials (bubble wrap, void fill, dividers …) a parcel needs, by item attributes.

``packing.materials`` in the config is a list of materials, each with its name,
its cost per unit of use and when it is called for::

    materials:
      - {name: bubble wrap, cost: "0.20", unit: sheet, when: {fragile: true}, per: item, weight_g: 5}
      - {name: paper fill, cost: "0.05", per: package}
      - name: glass divider
        cost: "0.80"
        rules:
          - {when: {packaging_class: glass}, per: unit}
          - {when: {packaging_class: [ceramic, porcelain]}, per: line, quantity: 2}

The same materials may also be given as a mapping of name to material
(``bubble wrap: {cost: "0.20", when: {fragile: true}, per: unit}``).

``when`` tests ``fragile``, ``keep_upright`` (true or false) and
``packaging_class`` (one class or a list); a rule with no ``when`` applies to
every item. ``per`` counts the material per matching unit (``unit``, also
spelled ``item``), per matching line (``line``: one product of the package,
however many units of it), or once per package when any item matches
(``package``, the default); ``quantity`` multiplies it. A
material's quantities from all its rules add up. ``weight_g`` (per unit of
use) is added to the package's expected weight.

Pure module: plain data in, plain data out; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from oms_cli.core.errors import ConfigError

Per = Literal["unit", "line", "package"]

#: how ``per`` may be spelled in the config, and what each spelling means
PER_SPELLINGS: Mapping[str, Per] = {"unit": "unit", "item": "unit", "line": "line", "package": "package"}

#: item attributes a rule's ``when`` may test
CONDITIONS = ("fragile", "keep_upright", "packaging_class")

_RULE_KEYS = ("when", "per", "quantity")
_MATERIAL_KEYS = ("cost", "unit", "weight_g", "rules", *_RULE_KEYS)


@dataclass(frozen=True)
class ItemAttributes:
    """What the materials rules look at for one order line (or one product) going into the package."""

    ref: str
    quantity: int = 1
    fragile: bool = False
    packaging_class: str | None = None
    keep_upright: bool = False


@dataclass(frozen=True)
class MaterialRule:
    """When a material is called for (item attributes) and how much of it."""

    fragile: bool | None = None
    keep_upright: bool | None = None
    packaging_classes: frozenset[str] = frozenset()
    per: Per = "package"
    quantity: int = 1

    def matches(self, item: ItemAttributes) -> bool:
        """Whether ``item`` has the attributes this rule asks for."""
        if self.fragile is not None and item.fragile != self.fragile:
            return False
        if self.keep_upright is not None and item.keep_upright != self.keep_upright:
            return False
        if self.packaging_classes and item.packaging_class not in self.packaging_classes:
            return False
        return True


@dataclass(frozen=True)
class Material:
    """A packaging material, its cost and weight per unit of use (e.g. per sheet) and the rules that call for it."""

    name: str
    cost: Decimal
    unit: str = "each"
    rules: tuple[MaterialRule, ...] = ()
    weight_g: int = 0


@dataclass(frozen=True)
class MaterialUse:
    """How much of one material a package takes, what it costs and weighs."""

    name: str
    quantity: int
    cost: Decimal
    weight_g: int

    def to_json(self) -> dict[str, Any]:
        """JSON-ready plain data (cost as a decimal string)."""
        return {"name": self.name, "quantity": self.quantity, "cost": format(self.cost, "f"), "weight_g": self.weight_g}


# ---------------------------------------------------------------- config


def _whole(value: Any) -> int | None:
    """A whole number of at least 0 from YAML (an int, or a string or float that is whole), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if not isinstance(value, (float, str, Decimal)):
        return None
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not d.is_finite() or d != d.to_integral_value() or d < 0:
        return None
    return int(d)


def _cost(where: str, value: Any) -> Decimal:
    wrong = ConfigError(f"{where}.cost: must be an amount such as 0.20, not {value!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise wrong
    try:
        # via str() so that a YAML float 0.4 becomes exactly 0.40, never 0.4000000000000000222
        cost = Decimal(str(value).strip())
    except InvalidOperation:
        raise wrong from None
    if not cost.is_finite():
        raise wrong
    if cost < 0:
        raise ConfigError(f"{where}.cost: must not be negative, not {value!r}")
    return cost


def _unknown_keys(where: str, entry: Mapping[str, Any], known: Sequence[str]) -> None:
    unknown = [str(k) for k in entry if k not in known]
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}'", hint=f"known keys: {', '.join(known)}")


def _rule(where: str, entry: Mapping[str, Any]) -> MaterialRule:
    """One rule (``when``, ``per``, ``quantity``) of the material at ``where``."""
    when = entry.get("when") or {}
    if not isinstance(when, Mapping):
        raise ConfigError(f"{where}.when: must be a mapping such as {{fragile: true}}, not {when!r}")
    for cond in when:
        if cond not in CONDITIONS:
            raise ConfigError(
                f"{where}.when: unknown condition '{cond}'", hint=f"known conditions: {', '.join(CONDITIONS)}"
            )
    flags: dict[str, bool | None] = {}
    for cond in ("fragile", "keep_upright"):
        value = when.get(cond)
        if value is not None and not isinstance(value, bool):
            raise ConfigError(f"{where}.when.{cond}: must be true or false, not {value!r}")
        flags[cond] = value
    classes = when.get("packaging_class")
    if classes is None:
        class_set: frozenset[str] = frozenset()
    elif isinstance(classes, str):
        class_set = frozenset([classes])
    elif isinstance(classes, Sequence) and classes and all(isinstance(c, str) for c in classes):
        class_set = frozenset(classes)
    else:
        raise ConfigError(f"{where}.when.packaging_class: must be a class name or a list of them, not {classes!r}")
    spelled = entry.get("per", "package")
    per = PER_SPELLINGS.get(spelled) if isinstance(spelled, str) else None
    if per is None:
        raise ConfigError(f"{where}.per: must be 'item' (or 'unit'), 'line' or 'package', not {spelled!r}")
    quantity = _whole(entry.get("quantity", 1))
    if not quantity:
        raise ConfigError(f"{where}.quantity: must be a whole number of at least 1, not {entry.get('quantity')!r}")
    return MaterialRule(flags["fragile"], flags["keep_upright"], class_set, per, quantity)


def _material(where: str, name: str, entry: Mapping[str, Any]) -> Material:
    """The material ``name`` from its config entry (without the name key), checked; ``where`` names it in errors."""
    _unknown_keys(where, entry, _MATERIAL_KEYS)
    if "cost" not in entry:
        raise ConfigError(f"{where}.cost: is missing", hint='give what one unit of it costs, such as cost: "0.20"')
    cost = _cost(where, entry["cost"])
    unit = entry.get("unit", "each")
    if not isinstance(unit, str) or not unit.strip():
        raise ConfigError(f"{where}.unit: must be a word such as 'sheet', not {unit!r}")
    weight = _whole(entry.get("weight_g", 0))
    if weight is None:
        raise ConfigError(f"{where}.weight_g: must be a whole number of grams, not {entry.get('weight_g')!r}")
    if "rules" in entry:
        if any(k in entry for k in _RULE_KEYS):
            raise ConfigError(f"{where}: give either rules or when/per/quantity, not both")
        rules = entry["rules"]
        if not isinstance(rules, Sequence) or isinstance(rules, str) or not rules:
            raise ConfigError(f"{where}.rules: must be a non-empty list of rules (when, per, quantity)")
        parsed = []
        for j, rule in enumerate(rules):
            at = f"{where}.rules[{j}]"
            if not isinstance(rule, Mapping):
                raise ConfigError(f"{at}: must be a mapping with when, per and quantity, not {rule!r}")
            _unknown_keys(at, rule, _RULE_KEYS)
            parsed.append(_rule(at, rule))
        material_rules = tuple(parsed)
    else:
        material_rules = (_rule(where, entry),)
    return Material(name, cost, unit.strip(), material_rules, weight)


def materials_from_config(config: Any, key: str = "packing.materials") -> list[Material]:
    """Validate ``packing.materials`` (a list of materials with a name, or a mapping of name to material), in config order.

    Raises ConfigError naming the key, e.g. ``packing.materials[0] (bubble wrap).per``.
    """
    if config is None:
        return []
    materials: list[Material] = []
    if isinstance(config, Mapping):
        for raw_name, entry in config.items():
            name = str(raw_name).strip()
            where = f"{key}.{name}"
            if not isinstance(entry, Mapping):
                raise ConfigError(f"{where}: must be a mapping with cost, when and per, not {entry!r}")
            materials.append(_material(where, name, entry))
        return materials
    if not isinstance(config, Sequence) or isinstance(config, str):
        raise ConfigError(
            f"{key}: must be a list of materials, not {config!r}", hint="see docs/packing.md for a material entry"
        )
    for i, entry in enumerate(config):
        where = f"{key}[{i}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: must be a mapping with name, cost, when and per, not {entry!r}")
        given = entry.get("name")
        named = given.strip() if isinstance(given, str) else ""
        if named:
            where = f"{key}[{i}] ({named})"
        _unknown_keys(where, entry, ("name", *_MATERIAL_KEYS))
        if not named:
            raise ConfigError(f"{where}.name: every material needs a name")
        materials.append(_material(where, named, {k: v for k, v in entry.items() if k != "name"}))
    return materials


# ---------------------------------------------------------------- choosing


def _attributes(item: ItemAttributes | Mapping[str, Any]) -> ItemAttributes:
    if isinstance(item, ItemAttributes):
        return item
    return ItemAttributes(
        ref=str(item.get("ref", "")),
        quantity=int(item.get("quantity", 1)),
        fragile=bool(item.get("fragile", False)),
        packaging_class=item.get("packaging_class"),
        keep_upright=bool(item.get("keep_upright", False)),
    )


def _materials(config: Sequence[Material] | Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> list[Material]:
    if isinstance(config, Mapping) or not all(isinstance(m, Material) for m in config):
        return materials_from_config(config)
    return list(config)  # type: ignore[arg-type]


def choose_materials(
    items_with_attributes: Sequence[ItemAttributes | Mapping[str, Any]],
    materials_config: Sequence[Material] | Sequence[Mapping[str, Any]] | Mapping[str, Any],
) -> list[tuple[Material, int]]:
    """The materials one package needs and how many of each, in config order (unused ones left out)."""
    items = [_attributes(i) for i in items_with_attributes]
    chosen = []
    for material in _materials(materials_config):
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


def material_uses(
    items_with_attributes: Sequence[ItemAttributes | Mapping[str, Any]],
    materials_config: Sequence[Material] | Sequence[Mapping[str, Any]] | Mapping[str, Any],
) -> list[MaterialUse]:
    """The materials one package takes, each with its quantity, total cost and total weight, in config order."""
    return [
        MaterialUse(material.name, quantity, material.cost * quantity, material.weight_g * quantity)
        for material, quantity in choose_materials(items_with_attributes, materials_config)
    ]
