"""The packing bench's catalogue: standard boxes, packaging materials (checked by
:mod:`oms_cli.packing.materials`) and the carrier's dimensional-weight rule from the
config, plus the two CSV files `oms boxes pack` reads (items to pack, and optionally
another box catalogue).

Every problem names where it is: a config key (``packing.boxes[2].inner``) or a file,
line and column (``items.csv:4: weight '1,2kg' …``).

Pure module: config mappings and CSV text in, plain dataclasses out; no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from oms_cli.catalog.units import parse_measure
from oms_cli.core.csvrows import csv_header, numbered_rows
from oms_cli.core.errors import ConfigError, record_error
from oms_cli.packing.dimweight import DimWeightRule, rules_from_config
from oms_cli.packing.engine import Box, Item, Objective
from oms_cli.packing.materials import Material, materials_from_config


@dataclass(frozen=True)
class Catalogue:
    """Everything the packing bench needs from the config."""

    boxes: list[Box]
    materials: list[Material]
    objective: Objective
    carrier: str | None
    dim_rule: DimWeightRule | None
    weight_tolerance_pct: Decimal


@dataclass
class PlanningOrder:
    """The items of one order in an items CSV (``order`` is None when the file has no order column)."""

    order: str | None
    items: list[Item] = field(default_factory=list)


# ---------------------------------------------------------------- config


def _whole(value: Any, *, positive: bool) -> int | None:
    """A whole number from YAML (int, or a string/float that is whole), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, (float, str, Decimal)):
        try:
            d = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        if not d.is_finite() or d != d.to_integral_value():
            return None
        number = int(d)
    else:
        return None
    if number < 0 or (positive and number == 0):
        return None
    return number


def _money(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        # str() first so a YAML float such as 0.45 becomes exactly 0.45
        d = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() and d >= 0 else None


def _dims(value: Any) -> tuple[int, int, int] | None:
    if not isinstance(value, (list, tuple)) or len(value) != 3:
        return None
    out = [_whole(v, positive=True) for v in value]
    if any(v is None for v in out):
        return None
    return (out[0], out[1], out[2])  # type: ignore[return-value]


_BOX_KEYS = ("ref", "inner", "outer", "empty_weight_g", "max_weight_g", "cost", "stock")


def boxes_from_config(entries: Any, key: str = "packing.boxes") -> list[Box]:
    """The standard boxes of the config (``packing.boxes``), checked; raises ConfigError naming the entry and key."""
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{key}: must be a non-empty list of boxes", hint="see docs/packing.md for a box entry")
    boxes: list[Box] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"{key}[{i}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: must be a mapping with ref, inner, outer, empty_weight_g, max_weight_g, cost")
        unknown = sorted(str(k) for k in entry if k not in _BOX_KEYS)
        if unknown:
            raise ConfigError(f"{where}: unknown key '{unknown[0]}'", hint=f"known keys: {', '.join(_BOX_KEYS)}")
        ref = entry.get("ref")
        if not isinstance(ref, (str, int)) or isinstance(ref, bool) or not str(ref).strip():
            raise ConfigError(f"{where}.ref: every box needs a name (ref)")
        ref = str(ref).strip()
        where = f"{key}[{i}] ({ref})"
        if ref.casefold() in seen:
            raise ConfigError(
                f"{where}.ref: the name '{ref}' is used twice (box names are told apart without regard to case)"
            )
        seen.add(ref.casefold())
        inner, outer = _dims(entry.get("inner")), _dims(entry.get("outer"))
        if inner is None:
            raise ConfigError(
                f"{where}.inner: must be [length, width, height] in positive whole millimetres, not {entry.get('inner')!r}"
            )
        if outer is None:
            raise ConfigError(
                f"{where}.outer: must be [length, width, height] in positive whole millimetres, not {entry.get('outer')!r}"
            )
        if any(o < n for o, n in zip(outer, inner)):
            raise ConfigError(
                f"{where}.outer: {list(outer)} is smaller than inner {list(inner)} somewhere (outer is measured along the same sides)"
            )
        empty = _whole(entry.get("empty_weight_g"), positive=False)
        if empty is None:
            raise ConfigError(
                f"{where}.empty_weight_g: must be a whole number of grams, not {entry.get('empty_weight_g')!r}"
            )
        most = _whole(entry.get("max_weight_g"), positive=True)
        if most is None or most <= empty:
            raise ConfigError(
                f"{where}.max_weight_g: must be whole grams above the empty weight ({empty} g), not {entry.get('max_weight_g')!r}"
            )
        cost = _money(entry.get("cost", 0))
        if cost is None:
            raise ConfigError(f"{where}.cost: must be an amount such as 0.45, not {entry.get('cost')!r}")
        stock = entry.get("stock")
        if stock is not None:
            stock = _whole(stock, positive=False)
            if stock is None:
                raise ConfigError(
                    f"{where}.stock: must be a whole number of boxes on hand (or left out), not {entry.get('stock')!r}"
                )
        boxes.append(Box(ref, *inner, *outer, empty, most, cost, stock))
    return boxes


def dim_rule_from_config(carrier: Any, dim_weight: Any) -> DimWeightRule | None:
    """The carrier's dimensional-weight rule (``packing.carrier`` in ``packing.dim_weight`` or built in); None: actual weight only."""
    if carrier is None or (isinstance(carrier, str) and carrier.strip().lower() in ("", "none")):
        return None
    rules = rules_from_config(dim_weight or {})
    name = str(carrier).strip()
    if name not in rules:
        raise ConfigError(
            f"packing.carrier: no dimensional-weight rule for '{name}'",
            hint=f"known: {', '.join(sorted(rules))}; add one under packing.dim_weight, or set packing.carrier: none",
        )
    return rules[name]


def catalogue_from_config(packing: Mapping[str, Any]) -> Catalogue:
    """The packing catalogue from the ``packing`` config section."""
    objective = packing.get("objective", "billable_weight")
    if objective not in ("billable_weight", "cost"):
        raise ConfigError(f"packing.objective: must be 'billable_weight' or 'cost', not {objective!r}")
    tolerance = _money(packing.get("weight_tolerance_pct", 10))
    if tolerance is None:
        raise ConfigError(
            f"packing.weight_tolerance_pct: must be a percentage such as 10, not {packing.get('weight_tolerance_pct')!r}"
        )
    carrier = packing.get("carrier")
    return Catalogue(
        boxes=boxes_from_config(packing.get("boxes")),
        materials=materials_from_config(packing.get("materials")),
        objective=objective,
        carrier=None if carrier is None else str(carrier),
        dim_rule=dim_rule_from_config(carrier, packing.get("dim_weight")),
        weight_tolerance_pct=tolerance,
    )


# ---------------------------------------------------------------- CSV files


def _header(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lstrip("\ufeff").lower())


_TRUE = {"1", "y", "yes", "true", "x", "t", "on"}
_FALSE = {"", "0", "n", "no", "false", "f", "off", "-"}


def _columns(
    headers: list[str], file: str, required: Sequence[str], optional: Sequence[str], aliases: Mapping[str, str]
) -> dict[str, int]:
    """Column name -> index; unknown, repeated or missing columns are an error on line 1."""
    found: dict[str, int] = {}
    for i, raw in enumerate(headers):
        h = _header(raw)
        if not h:
            continue
        name = aliases.get(h, h)
        if name not in required and name not in optional:
            known = ", ".join([*required, *optional])
            raise record_error(file, 1, raw.strip(), f"is not a known column (known: {known})")
        if name in found:
            raise record_error(file, 1, raw.strip(), "appears twice")
        found[name] = i
    missing = [c for c in required if c not in found]
    if missing:
        raise record_error(file, 1, None, f"no '{missing[0]}' column in the header (needed: {', '.join(required)})")
    return found


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _measure(file: str, line: int, column: str, text: str, kind: str, *, positive: bool) -> int:
    if not text:
        raise record_error(file, line, column, "is empty")
    try:
        value = parse_measure(text, kind, "mm" if kind == "length" else "g")
    except ValueError as exc:
        raise record_error(file, line, column, str(exc)) from None
    if positive and value <= 0:
        raise record_error(file, line, column, f"'{text}' must be more than 0")
    return value


ITEM_COLUMNS = ("ref", "length", "width", "height", "weight")
ITEM_OPTIONAL = ("quantity", "keep_flat", "order")
_ITEM_ALIASES = {
    "sku": "ref",
    "item": "ref",
    "qty": "quantity",
    "depth": "length",
    "order_ref": "order",
    "weight_g": "weight",
    "length_mm": "length",
    "width_mm": "width",
    "height_mm": "height",
}


def read_items(lines: Iterable[str], file: str) -> list[PlanningOrder]:
    """Parse an items CSV (``ref, length, width, height, weight[, quantity, keep_flat, order]``) into orders.

    Sizes are millimetres and weights grams unless a cell names its unit (``12cm``,
    ``1.2kg``). Each ``order`` is packed on its own, in the order the file first names
    it; without an order column the whole file is one order.
    """
    headers, reader = csv_header(lines, file)
    cols = _columns(headers, file, ITEM_COLUMNS, ITEM_OPTIONAL, _ITEM_ALIASES)
    names = {c: headers[i].strip() for c, i in cols.items()}
    orders: dict[str | None, PlanningOrder] = {}
    for line, row in numbered_rows(reader, file):
        ref = _cell(row, cols["ref"])
        if not ref:
            raise record_error(file, line, names["ref"], "is empty")
        length, width, height = (
            _measure(file, line, names[c], _cell(row, cols[c]), "length", positive=True)
            for c in ("length", "width", "height")
        )
        weight = _measure(file, line, names["weight"], _cell(row, cols["weight"]), "weight", positive=False)
        quantity = 1
        if "quantity" in cols:
            text = _cell(row, cols["quantity"])
            if not text.isdigit() or int(text) < 1:
                raise record_error(
                    file, line, names["quantity"], f"'{text}' is not a whole number of units (1 or more)"
                )
            quantity = int(text)
        keep_flat = False
        if "keep_flat" in cols:
            text = _cell(row, cols["keep_flat"]).lower()
            if text not in _TRUE and text not in _FALSE:
                raise record_error(file, line, names["keep_flat"], f"'{text}' is not yes or no")
            keep_flat = text in _TRUE
        order = _cell(row, cols["order"]) if "order" in cols else None
        if "order" in cols and not order:
            raise record_error(
                file, line, names["order"], "is empty (every row needs its order when the file has an order column)"
            )
        orders.setdefault(order, PlanningOrder(order)).items.append(
            Item(ref, length, width, height, weight, keep_flat=keep_flat, quantity=quantity)
        )
    if not orders:
        raise record_error(file, None, None, "has no items (only a header)")
    return list(orders.values())


BOX_COLUMNS = (
    "box_ref",
    "inner_length",
    "inner_width",
    "inner_height",
    "outer_length",
    "outer_width",
    "outer_height",
    "empty_weight",
    "max_weight",
    "cost",
)
BOX_OPTIONAL = ("stock",)
_BOX_ALIASES = {"box": "box_ref", "ref": "box_ref", "empty_weight_g": "empty_weight", "max_weight_g": "max_weight"}


def read_boxes(lines: Iterable[str], file: str) -> list[Box]:
    """Parse a box catalogue CSV (``box_ref, inner_…, outer_…, empty_weight, max_weight, cost[, stock]``)."""
    headers, reader = csv_header(lines, file)
    cols = _columns(headers, file, BOX_COLUMNS, BOX_OPTIONAL, _BOX_ALIASES)
    names = {c: headers[i].strip() for c, i in cols.items()}
    boxes: list[Box] = []
    first_line: dict[str, int] = {}
    for line, row in numbered_rows(reader, file):
        ref = _cell(row, cols["box_ref"])
        if not ref:
            raise record_error(file, line, names["box_ref"], "is empty")
        if ref in first_line:
            raise record_error(file, line, names["box_ref"], f"'{ref}' is already on line {first_line[ref]}")
        first_line[ref] = line
        size = {
            c: _measure(file, line, names[c], _cell(row, cols[c]), "length", positive=True) for c in BOX_COLUMNS[1:7]
        }
        for side in ("length", "width", "height"):
            if size[f"outer_{side}"] < size[f"inner_{side}"]:
                raise record_error(
                    file,
                    line,
                    names[f"outer_{side}"],
                    f"{size[f'outer_{side}']} mm is smaller than {names[f'inner_{side}']} ({size[f'inner_{side}']} mm)",
                )
        empty = _measure(file, line, names["empty_weight"], _cell(row, cols["empty_weight"]), "weight", positive=False)
        most = _measure(file, line, names["max_weight"], _cell(row, cols["max_weight"]), "weight", positive=True)
        if most <= empty:
            raise record_error(
                file, line, names["max_weight"], f"{most} g is not above {names['empty_weight']} ({empty} g)"
            )
        cost_text = _cell(row, cols["cost"])
        cost = _money(cost_text) if cost_text else None
        if cost is None:
            raise record_error(file, line, names["cost"], f"'{cost_text}' is not an amount such as 0.45")
        stock: int | None = None
        if "stock" in cols:
            text = _cell(row, cols["stock"])
            if text:
                if not text.isdigit():
                    raise record_error(file, line, names["stock"], f"'{text}' is not a whole number of boxes")
                stock = int(text)
        inner = size["inner_length"], size["inner_width"], size["inner_height"]
        outer = size["outer_length"], size["outer_width"], size["outer_height"]
        boxes.append(Box(ref, *inner, *outer, empty, most, cost, stock))
    if not boxes:
        raise record_error(file, None, None, "has no boxes (only a header)")
    return boxes
