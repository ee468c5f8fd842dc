"""Thank-you rules: data in the config that add a free item, tags or a packing note to
orders worth thanking, evaluated when an order is released.

    release:
      thank_you:
        - name: vip
          when: "units >= 10 or total >= 200.00"
          add_sku: THANKYOU-CARD      # added free, reserves stock like any line
          quantity: 1
          tag: vip
          note: "Hand-written thank-you card, please"

``when`` is one condition or several joined by ``and`` / ``or`` (``and`` binds tighter),
or a list of conditions that must all hold. A condition is ``FIELD OP VALUE``.

Pure module: no database, no I/O.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from oms_cli.core.errors import ConfigError

#: field -> its kind: number (units, counts), money (in the order's currency), text, or list
FIELDS: dict[str, str] = {
    "units": "number",  # units ordered (free lines not counted)
    "lines": "number",  # order lines (free lines not counted)
    "total": "money",
    "subtotal": "money",
    "customer_orders": "number",  # orders in the store with the buyer's email, this one included
    "country": "text",
    "channel": "text",
    "service_level": "text",
    "currency": "text",
    "payment": "text",  # paid, cod, …
    "tags": "list",
    "skus": "list",
}
OPERATORS: dict[str, frozenset[str]] = {
    "number": frozenset({">=", "<=", ">", "<", "==", "!="}),
    "money": frozenset({">=", "<=", ">", "<", "==", "!="}),
    "text": frozenset({"==", "!=", "in", "not in"}),
    "list": frozenset({"contains", "not contains"}),
}
_COMPARE = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
ALL_OPERATORS = (">=", "<=", "==", "!=", ">", "<", "not contains", "contains", "not in", "in")
RULE_KEYS = ("name", "when", "add_sku", "quantity", "tag", "tags", "note")

_CONDITION = re.compile(
    r"^\s*(?P<field>[A-Za-z_]\w*)\s*(?P<op>[<>=!≥≤~]+|not\s+[A-Za-z_]\w*|[A-Za-z_]\w*)\s*(?P<value>.*?)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Condition:
    """``FIELD OP VALUE``, e.g. ``units >= 10``."""

    field: str
    op: str
    value: Any
    text: str

    def holds(self, facts: Mapping[str, Any]) -> bool:
        """Whether the order's facts satisfy this condition (a missing figure never does)."""
        have = facts.get(self.field)
        kind = FIELDS[self.field]
        if have is None:
            return self.op in ("!=", "not in", "not contains")
        if kind in ("number", "money"):
            # ints and Decimals compare exactly with the Decimal of the rule
            return bool(_COMPARE[self.op](have, self.value))
        if kind == "text":
            t = str(have).lower()
            if self.op == "==":
                return t == self.value
            if self.op == "!=":
                return t != self.value
            return (t in self.value) == (self.op == "in")
        items = {str(x).lower() for x in have}
        return (self.value in items) == (self.op == "contains")


@dataclass(frozen=True)
class Rule:
    """One thank-you rule: when it applies (any of the groups, each all of its conditions) and what it does."""

    name: str
    any_of: tuple[tuple[Condition, ...], ...]
    add_sku: str | None = None
    quantity: int = 1
    tags: tuple[str, ...] = ()
    note: str | None = None

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Whether the rule applies to an order with these facts."""
        return any(all(c.holds(facts) for c in group) for group in self.any_of)


@dataclass
class RuleOutcome:
    """What one rule does to one order."""

    rule: str
    add_sku: str | None = None
    quantity: int = 0
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    skipped: str | None = None  # why the free item was not added (unknown SKU, no stock)


def _where(index: int, name: str | None) -> str:
    return f"release.thank_you[{index}]" + (f" ({name})" if name else "")


def _value(field_name: str, op: str, raw: str, where: str, text: str) -> Any:
    kind = FIELDS[field_name]
    raw = raw.strip()
    if op in ("in", "not in"):
        inner = raw[1:-1] if raw.startswith("[") and raw.endswith("]") else raw
        return frozenset(p.strip().strip("'\"").lower() for p in inner.split(",") if p.strip())
    unquoted = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"" else raw
    if kind in ("number", "money"):
        try:
            number = Decimal(unquoted.replace(",", ""))
        except InvalidOperation:
            raise ConfigError(
                f"{where}: '{raw}' in '{text}' is not a number",
                hint=f"{field_name} is compared with a number, e.g. {field_name} >= 10",
            ) from None
        if kind == "number" and number != number.to_integral_value():
            raise ConfigError(f"{where}: '{raw}' in '{text}' is not a whole number")
        return number
    return unquoted.lower()


def parse_condition(text: str, where: str) -> Condition:
    """One ``FIELD OP VALUE`` condition; ConfigError names an unknown field or operator."""
    shown = text.strip()
    m = _CONDITION.match(text)
    if not m:
        raise ConfigError(
            f"{where}: '{shown}' is not a condition",
            hint="write FIELD OP VALUE, e.g. 'units >= 10' or 'country in [US, CA]'",
        )
    name = m["field"].lower()
    if name not in FIELDS:
        raise ConfigError(f"{where}: unknown field '{m['field']}' in '{shown}'", hint="fields: " + ", ".join(FIELDS))
    op = re.sub(r"\s+", " ", m["op"].lower())
    op = "==" if op == "=" else op
    if op not in ALL_OPERATORS:
        raise ConfigError(
            f"{where}: unknown operator '{m['op']}' in '{shown}'", hint="operators: " + ", ".join(ALL_OPERATORS)
        )
    kind = FIELDS[name]
    if op not in OPERATORS[kind]:
        raise ConfigError(
            f"{where}: operator '{op}' does not apply to {name} in '{shown}'",
            hint=f"{name} takes: " + ", ".join(o for o in ALL_OPERATORS if o in OPERATORS[kind]),
        )
    if not m["value"]:
        raise ConfigError(f"{where}: no value after '{op}' in '{shown}'")
    return Condition(name, op, _value(name, op, m["value"], where, shown), shown)


def _split_words(text: str, word: str) -> list[str]:
    return [p for p in re.split(rf"\s+{word}\s+", text, flags=re.IGNORECASE)]


def parse_when(when: Any, where: str) -> tuple[tuple[Condition, ...], ...]:
    """``when`` as any-of groups of all-of conditions."""
    if isinstance(when, str):
        if not when.strip():
            raise ConfigError(f"{where}: 'when' is empty")
        return tuple(
            tuple(parse_condition(c, where) for c in _split_words(group, "and")) for group in _split_words(when, "or")
        )
    if isinstance(when, list) and when and all(isinstance(c, str) for c in when):
        return (tuple(parse_condition(c, where) for c in when),)
    raise ConfigError(
        f"{where}: 'when' must be a condition such as 'units >= 10' (or a list of them, all of which must hold)"
    )


def parse_rules(data: Any) -> list[Rule]:
    """The ``release.thank_you`` list as rules; ConfigError names the rule and the unknown key, field or operator."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise ConfigError(
            "release.thank_you must be a list of rules", hint="each rule: name, when, and add_sku / tag / note"
        )
    rules: list[Rule] = []
    names: set[str] = set()
    for i, item in enumerate(data, start=1):
        if not isinstance(item, Mapping):
            raise ConfigError(f"{_where(i, None)} must be a mapping with name, when and what to do")
        name = item.get("name")
        where = _where(i, str(name) if name else None)
        for key in item:
            if key not in RULE_KEYS:
                raise ConfigError(f"{where}: unknown field '{key}'", hint="a rule has: " + ", ".join(RULE_KEYS))
        if not name or not isinstance(name, str):
            raise ConfigError(f"{where}: every rule needs a name (it is recorded on the orders it touches)")
        if name in names:
            raise ConfigError(f"{where}: another rule is already called '{name}'")
        names.add(name)
        if "when" not in item:
            raise ConfigError(f"{where}: no 'when' condition")
        any_of = parse_when(item["when"], where)
        add_sku = item.get("add_sku")
        if add_sku is not None and (not isinstance(add_sku, str) or not add_sku.strip()):
            raise ConfigError(f"{where}: add_sku must be a SKU")
        quantity = item.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ConfigError(f"{where}: quantity must be a whole number of at least 1")
        raw_tags = [item["tag"]] if "tag" in item else []
        raw_tags += item.get("tags") or []
        if not all(isinstance(t, str) and t.strip() for t in raw_tags):
            raise ConfigError(f"{where}: tags must be words")
        note = item.get("note")
        if note is not None and not isinstance(note, str):
            raise ConfigError(f"{where}: note must be text")
        if not add_sku and not raw_tags and not note:
            raise ConfigError(f"{where}: the rule does nothing", hint="give add_sku, tag or note")
        rules.append(
            Rule(name, any_of, add_sku.strip() if add_sku else None, quantity, tuple(t.strip() for t in raw_tags), note)
        )
    return rules


def fields_used(rules: Sequence[Rule]) -> set[str]:
    """The order facts the rules look at (some, like customer_orders, cost a query)."""
    return {c.field for r in rules for group in r.any_of for c in group}


def evaluate(rules: Sequence[Rule], facts: Mapping[str, Any], already_applied: set[str]) -> list[RuleOutcome]:
    """The outcomes of the rules that match and have not yet been applied to this order."""
    out = []
    for r in rules:
        if r.name in already_applied or not r.matches(facts):
            continue
        out.append(RuleOutcome(r.name, r.add_sku, r.quantity if r.add_sku else 0, list(r.tags), r.note))
    return out
