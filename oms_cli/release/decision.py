"""The release gate for one order, given plain facts: is it paid (or COD where allowed),
is the address complete, is every SKU known and located, can its stock be reserved?

The answer is either a hold (a reason code and a detail a person can act on) or a
release with the stock to reserve per line and location (primary location first), the
free items and tags the thank-you rules add, and, in split mode, what goes to a backorder.

Pure module: no database, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from oms_cli.core.errors import ConfigError
from oms_cli.release.addresses import address_problems, check_required
from oms_cli.release.thank_you import Rule, RuleOutcome, evaluate, parse_rules

#: payment statuses that count as paid
PAID = frozenset({"paid", "partially_refunded"})
#: hold reasons a person sets: `oms release --all` leaves these orders alone
PERSON_HOLDS = frozenset({"manual", "high_risk", "other"})
PARTIAL_CHOICES = ("hold", "split")

LineKey = int | str  # an order line id, or "rule:<name>" for a free item a rule adds


@dataclass(frozen=True)
class LineFacts:
    """One line to fill: its key, SKU and quantity."""

    key: LineKey
    sku: str
    quantity: int
    name: str | None = None


@dataclass
class OrderFacts:
    """What the gate needs to know about one order."""

    ref: str
    payment_status: str
    payment_method: str | None
    ship_to: Mapping[str, Any]
    lines: Sequence[LineFacts]
    rule_facts: Mapping[str, Any] | Callable[[], Mapping[str, Any]] = field(
        default_factory=dict
    )  # or a function, worked out only for orders that pass
    applied_rules: set[str] = field(default_factory=set)
    is_backorder: bool = False


@dataclass(frozen=True)
class Gate:
    """The shop's release policy, from the ``release:`` and ``import:`` config sections."""

    allow_cod: bool = True
    cod_methods: frozenset[str] = frozenset({"cod", "cash on delivery", "cash on delivery (cod)"})
    partial: str = "hold"
    address_required: tuple[str, ...] = ("name", "address1", "city", "postal_code", "country")
    rules: tuple[Rule, ...] = ()

    @classmethod
    def from_config(cls, release: Mapping[str, Any], cod_methods: Sequence[str] = ()) -> Gate:
        """Build from the config; ConfigError names a bad value."""
        partial = str(release.get("partial_stock", "hold"))
        if partial not in PARTIAL_CHOICES:
            raise ConfigError(f"release.partial_stock: '{partial}' is not one of {', '.join(PARTIAL_CHOICES)}")
        allow = release.get("allow_cod", True)
        if not isinstance(allow, bool):
            raise ConfigError(f"release.allow_cod: '{allow}' is not true or false")
        return cls(
            allow_cod=allow,
            cod_methods=frozenset(str(m).strip().lower() for m in cod_methods) or cls.cod_methods,
            partial=partial,
            address_required=check_required(list(release.get("address_required") or [])),
            rules=tuple(parse_rules(release.get("thank_you"))),
        )


@dataclass(frozen=True)
class Catalog:
    """The products the gate may reserve: known SKUs and their locations, primary first."""

    skus: frozenset[str]
    locations: Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Allocation:
    """Reserve ``quantity`` of ``sku`` at ``location`` for line ``line``."""

    line: LineKey
    sku: str
    location: str
    quantity: int


@dataclass
class Decision:
    """The gate's answer for one order."""

    ref: str
    release: bool
    reason: str | None = None
    detail: str | None = None
    allocations: list[Allocation] = field(default_factory=list)
    outcomes: list[RuleOutcome] = field(default_factory=list)
    backorder: dict[LineKey, int] = field(default_factory=dict)  # line -> quantity moving to the backorder


def payment_problem(status: str, method: str | None, gate: Gate) -> tuple[str, str] | None:
    """(reason, detail) when payment stops the order, else None."""
    s = (status or "pending").lower()
    if s in PAID:
        return None
    is_cod = s == "cod" or (s == "pending" and (method or "").strip().lower() in gate.cod_methods)
    if is_cod:
        return None if gate.allow_cod else ("cod_not_allowed", "cash on delivery is not allowed (release.allow_cod)")
    return ("awaiting_payment", f"payment is {s}")


def pick_locations(sku: str, catalog: Catalog, stock: Mapping[str, Mapping[str, tuple[int, int]]]) -> list[str]:
    """Where a SKU may be reserved from: its own locations (primary first), then any other shelf holding it."""
    own = list(catalog.locations.get(sku, ()))
    others = sorted(loc for loc, (on_hand, _r) in stock.get(sku, {}).items() if loc and loc not in own and on_hand > 0)
    return own + others


def allocate(
    lines: Sequence[LineFacts], free: dict[str, list[list[Any]]]
) -> tuple[list[Allocation], dict[LineKey, int]]:
    """Take stock for each line from its SKU's locations in order; returns allocations and what is missing per line.

    ``free`` maps SKU -> [[location, available], …] and is consumed as stock is taken,
    so lines sharing a SKU share its stock. Never takes more than is available.
    """
    allocations: list[Allocation] = []
    missing: dict[LineKey, int] = {}
    for line in lines:
        need = line.quantity
        for slot in free.get(line.sku, []):
            if need == 0:
                break
            take = min(need, slot[1])
            if take > 0:
                allocations.append(Allocation(line.key, line.sku, slot[0], take))
                slot[1] -= take
                need -= take
        if need:
            missing[line.key] = need
    return allocations, missing


def decide(
    order: OrderFacts, gate: Gate, catalog: Catalog, stock: Mapping[str, Mapping[str, tuple[int, int]]]
) -> Decision:
    """Release or hold one order; see the module docstring."""
    problems: list[tuple[str, str]] = []
    pay = payment_problem(order.payment_status, order.payment_method, gate)
    if pay:
        problems.append(pay)
    addr = address_problems(order.ship_to, gate.address_required)
    if addr:
        problems.append(("incorrect_address", "; ".join(addr)))
    no_sku = [ln for ln in order.lines if not ln.sku]
    if no_sku:
        named = ", ".join(f"{ln.name!r}" if ln.name else "a line with no name" for ln in no_sku)
        problems.append(("no_sku", f"no SKU for {named}: give it one at the channel and import again"))
    skus = list(dict.fromkeys(ln.sku for ln in order.lines if ln.sku))
    unknown = [s for s in skus if s not in catalog.skus]
    if unknown:
        problems.append(("unknown_sku", "not in the catalog: " + ", ".join(unknown)))
    where = {s: pick_locations(s, catalog, stock) for s in skus if s in catalog.skus}
    unlocated = [s for s, locs in where.items() if not locs]
    if unlocated:
        problems.append(("no_location", "no location for " + ", ".join(unlocated)))

    free: dict[str, list[list[Any]]] = {
        sku: [
            [loc, max(0, stock.get(sku, {}).get(loc, (0, 0))[0] - stock.get(sku, {}).get(loc, (0, 0))[1])]
            for loc in locs
        ]
        for sku, locs in where.items()
    }
    fillable = [ln for ln in order.lines if where.get(ln.sku)]
    allocations, missing = allocate(fillable, free)
    if missing:
        by_sku: dict[str, int] = {}
        for ln in fillable:
            by_sku[ln.sku] = by_sku.get(ln.sku, 0) + ln.quantity
        short_skus = list(dict.fromkeys(ln.sku for ln in fillable if ln.key in missing))
        available = {s: sum(max(0, on - res) for on, res in stock.get(s, {}).values()) for s in short_skus}
        text = "; ".join(f"{s} needs {by_sku[s]}, {available[s]} available" for s in short_skus)
        if gate.partial == "hold" or problems or not allocations:
            problems.append(("out_of_stock", text))
    if problems:
        return Decision(order.ref, False, problems[0][0], "; ".join(t for _, t in problems))

    outcomes: list[RuleOutcome] = []
    if gate.rules and not order.is_backorder:
        facts = order.rule_facts() if callable(order.rule_facts) else order.rule_facts
        outcomes = evaluate(gate.rules, facts, order.applied_rules)
    for o in outcomes:
        if not o.add_sku:
            continue
        if o.add_sku not in catalog.skus:
            o.skipped = f"{o.add_sku} is not in the catalog"
            continue
        if o.add_sku not in free:
            free[o.add_sku] = [
                [
                    loc,
                    max(0, stock.get(o.add_sku, {}).get(loc, (0, 0))[0] - stock.get(o.add_sku, {}).get(loc, (0, 0))[1]),
                ]
                for loc in pick_locations(o.add_sku, catalog, stock)
            ]
        if not free[o.add_sku]:
            o.skipped = f"{o.add_sku} has no location"
            continue
        have = sum(slot[1] for slot in free[o.add_sku])
        if have < o.quantity:
            # A thank-you gift never holds up what the buyer paid for.
            o.skipped = f"{o.add_sku} out of stock ({have} available)"
            continue
        extra, _ = allocate([LineFacts(f"rule:{o.rule}", o.add_sku, o.quantity)], free)
        allocations.extend(extra)
    return Decision(order.ref, True, allocations=allocations, outcomes=outcomes, backorder=dict(missing))
