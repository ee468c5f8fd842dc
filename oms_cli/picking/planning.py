"""Pick plans for the four picking methods: single, batch, zone and wave.

Each planner takes orders in queue order (``PickOrder``) and returns a
``PickPlan``: pick lists whose stops are in exact shortest walking order, with
every order line allocated to exactly one stop of exactly one list, and a
consolidation sheet for the methods that split an order across zone lists.

Pure module: plain data in, plain data out; the picking service stores plans
and the CLI prints them (``plan_document`` gives the JSON shape).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from oms_cli.core.errors import BadInput, ConfigError, UsageError
from oms_cli.picking.batching import (
    BatchingMethod,
    BatchOrder,
    CartCapacity,
    batch_orders,
)
from oms_cli.picking.routing import location_code_order_route, optimal_route
from oms_cli.warehouse.layout import Layout, Location, parse_location, zone_of

PickMethod = Literal["single", "batch", "zone", "wave"]
METHODS: tuple[PickMethod, ...] = ("single", "batch", "zone", "wave")
DEFAULT_CAPACITY = CartCapacity()


@dataclass(frozen=True)
class PickLine:
    """One order line to pick: SKU, where it is stored, how many, and the line's key in the order."""

    sku: str
    location_code: str
    quantity: int
    line_key: str


@dataclass(frozen=True)
class PickOrder:
    """An order ready to pick, with its urgency (lower rank = more urgent) and carrier cut-off."""

    ref: str
    priority_rank: int
    lines: Sequence[PickLine]
    weight_g: int = 0
    cutoff: datetime | None = None


@dataclass(frozen=True)
class Picker:
    """A person who picks, and the zones they work (empty: any zone)."""

    name: str
    zones: tuple[str, ...] = ()


class Allocation(NamedTuple):
    """How much of a stop goes to which order line, and into which tote on the cart."""

    ref: str
    line_key: str
    quantity: int
    tote: int


@dataclass
class Stop:
    """One stop on a pick list: a location, a SKU, the total to take, and how it splits over orders."""

    location: str
    sku: str
    quantity: int
    allocations: list[Allocation]


@dataclass
class PlannedList:
    """One pick list: the orders it serves, stops in walking order, and its route length."""

    zone: str | None
    picker: str | None
    orders: list[str]
    stops: list[Stop]
    distance_m: float
    code_order_distance_m: float  # the same stops walked in location-code order, for comparison
    wave: int | None = None
    batch: int = 1  # the cart; zone lists of one cart share it and its tote numbers
    oversize: bool = False  # one order too big for a cart, given a list of its own


class ConsolidationPart(NamedTuple):
    """One zone list's share of an order: the zone, the list's number in the plan (1-based) and the tote."""

    zone: str | None
    list_no: int
    tote: int


@dataclass
class Consolidation:
    """What the packing station brings together for one order."""

    ref: str
    wave: int | None
    parts: list[ConsolidationPart]


@dataclass
class PickPlan:
    """A whole picking run: lists, total distance, consolidation sheet and the orders left for later."""

    method: PickMethod
    lists: list[PlannedList]
    distance_m: float
    code_order_distance_m: float
    consolidation: list[Consolidation] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # beyond max_orders: always the least urgent
    oversize: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Line:
    line: PickLine
    location: Location


@dataclass(frozen=True)
class _Order:
    index: int
    order: PickOrder
    lines: tuple[_Line, ...]
    items: int
    cutoff: datetime | None  # in UTC


def _checked(layout: Layout, orders: Sequence[PickOrder]) -> list[_Order]:
    """Validate orders and parse their locations once, raising BadInput naming the order, line and field."""
    checked: list[_Order] = []
    refs: set[str] = set()
    for index, order in enumerate(orders):
        where = f"order {order.ref}"
        if order.ref in refs:
            raise BadInput(f"{where}: listed twice in one picking run")
        refs.add(order.ref)
        if not order.lines:
            raise BadInput(f"{where}: has no lines to pick")
        if isinstance(order.priority_rank, bool) or not isinstance(order.priority_rank, int):
            raise BadInput(f"{where}: priority_rank must be a whole number (got {order.priority_rank!r})")
        if isinstance(order.weight_g, bool) or not isinstance(order.weight_g, int) or order.weight_g < 0:
            raise BadInput(f"{where}: weight_g must be a whole number of grams, 0 or more (got {order.weight_g!r})")
        cutoff = order.cutoff
        if cutoff is not None:
            if not isinstance(cutoff, datetime) or cutoff.tzinfo is None or cutoff.utcoffset() is None:
                raise BadInput(f"{where}: cutoff must be a timezone-aware date and time (got {cutoff!r})")
            cutoff = cutoff.astimezone(UTC)
        keys: set[str] = set()
        lines: list[_Line] = []
        for line in order.lines:
            at = f"{where}, line {line.line_key}"
            if line.line_key in keys:
                raise BadInput(f"{at}: line_key listed twice")
            keys.add(line.line_key)
            if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or line.quantity < 1:
                raise BadInput(f"{at}: quantity must be a whole number of at least 1 (got {line.quantity!r})")
            try:
                location = parse_location(line.location_code, layout)
            except ValueError as err:
                raise BadInput(f"{at}: {err}") from None
            lines.append(_Line(line, location))
        checked.append(_Order(index, order, tuple(lines), sum(x.line.quantity for x in lines), cutoff))
    return checked


def _pickers(layout: Layout, pickers: Sequence[Picker | tuple[str, Sequence[str]]] | None) -> list[Picker]:
    result: list[Picker] = []
    for entry in pickers or ():
        picker = entry if isinstance(entry, Picker) else Picker(entry[0], tuple(entry[1] or ()))
        for zone in picker.zones:
            if zone not in layout.zones:
                known = ", ".join(layout.zones) or "(no zones configured)"
                raise ConfigError(
                    f"picking.pickers: picker {picker.name!r} works zone {zone!r}, which is not a zone",
                    hint=f"zones in warehouse.zones: {known}",
                )
        result.append(picker)
    return result


def _picker_for(zone: str | None, pickers: list[Picker]) -> str | None:
    """The one picker who can take a list, or None to leave it for ``pick next`` to claim."""
    if zone is None:
        eligible = pickers
    else:
        eligible = [p for p in pickers if not p.zones or zone in p.zones]
    return eligible[0].name if len(eligible) == 1 else None


def _select(orders: list[_Order], max_orders: int | None, *, by_cutoff: bool) -> tuple[list[_Order], list[str]]:
    """The orders to plan now: the most urgent ``max_orders`` (queue order kept); the rest are left out."""
    if max_orders is not None and (isinstance(max_orders, bool) or not isinstance(max_orders, int) or max_orders < 1):
        raise UsageError(f"max_orders must be a whole number of at least 1 (got {max_orders!r})")
    if max_orders is None or max_orders >= len(orders):
        return orders, []
    far_future = datetime.max.replace(tzinfo=UTC)

    def urgency(o: _Order) -> tuple[Any, ...]:
        rank = (o.order.priority_rank, o.index)
        return ((o.cutoff or far_future), *rank) if by_cutoff else rank

    chosen = sorted(orders, key=urgency)[:max_orders]
    keep = {o.index for o in chosen}
    return [o for o in orders if o.index in keep], [o.order.ref for o in orders if o.index not in keep]


def _build_list(
    layout: Layout,
    cart: Sequence[_Order],
    *,
    zone: str | None,
    zoned: bool,
    wave: int | None,
    batch: int,
    oversize: bool,
) -> PlannedList | None:
    """One list from a cart's orders (tote = position in the cart), keeping only ``zone``'s locations when zoned."""
    merged: dict[tuple[str, str], Stop] = {}
    locations: dict[str, Location] = {}
    orders: list[str] = []
    for tote, order in enumerate(cart, start=1):
        mine = [x for x in order.lines if not zoned or zone_of(layout, x.location) == zone]
        if mine:
            orders.append(order.order.ref)
        for x in mine:
            locations[x.location.code] = x.location
            key = (x.location.code, x.line.sku)
            stop = merged.get(key)
            if stop is None:
                stop = merged[key] = Stop(x.location.code, x.line.sku, 0, [])
            stop.quantity += x.line.quantity
            stop.allocations.append(Allocation(order.order.ref, x.line.line_key, x.line.quantity, tote))
    if not merged:
        return None
    route = optimal_route(layout, list(locations.values()))
    position = {code: i for i, code in enumerate(route.stops)}
    stops = sorted(merged.values(), key=lambda s: (position[s.location], s.sku))
    return PlannedList(
        zone=zone,
        picker=None,
        orders=orders,
        stops=stops,
        distance_m=route.length_m,
        code_order_distance_m=location_code_order_route(layout, list(locations.values())).length_m,
        wave=wave,
        batch=batch,
        oversize=oversize,
    )


def _carts(
    layout: Layout,
    orders: list[_Order],
    capacity: CartCapacity,
    batching: BatchingMethod,
    time_limit_s: float,
) -> list[tuple[list[_Order], bool]]:
    """Batch orders into carts (each cart's orders most urgent first) with the chosen batching method."""
    if not orders:
        return []
    by_ref = {o.order.ref: o for o in orders}
    plan = batch_orders(
        layout,
        [
            BatchOrder(
                o.order.ref, o.order.priority_rank, tuple(x.location for x in o.lines), o.items, o.order.weight_g
            )
            for o in orders
        ],
        capacity,
        method=batching,
        time_limit_s=time_limit_s,
    )
    return [([by_ref[ref] for ref in batch.refs], batch.oversize) for batch in plan.batches]


def _zones_in_order(layout: Layout) -> list[str | None]:
    # Unzoned aisles (if any) make a last list of their own.
    zones: list[str | None] = list(layout.zones)
    covered = {a for aisles in layout.zones.values() for a in aisles}
    if len(covered) < layout.aisles:
        zones.append(None)
    return zones


def _assemble(
    method: PickMethod,
    layout: Layout,
    carts: Sequence[tuple[list[_Order], bool, int | None]],
    *,
    zoned: bool,
    pickers: list[Picker],
    left_out: list[str],
) -> PickPlan:
    lists: list[PlannedList] = []
    consolidation: dict[str, Consolidation] = {}
    zones = _zones_in_order(layout) if zoned else [None]
    for batch, (cart, oversize, wave) in enumerate(carts, start=1):
        for zone in zones:
            planned = _build_list(layout, cart, zone=zone, zoned=zoned, wave=wave, batch=batch, oversize=oversize)
            if planned is None:
                continue
            planned.picker = _picker_for(zone, pickers)
            lists.append(planned)
            if zoned:
                totes = {o.order.ref: tote for tote, o in enumerate(cart, start=1)}
                for ref in planned.orders:
                    entry = consolidation.setdefault(ref, Consolidation(ref, wave, []))
                    entry.parts.append(ConsolidationPart(zone, len(lists), totes[ref]))
    oversize_refs = [cart[0].order.ref for cart, oversize, _ in carts if oversize]
    return PickPlan(
        method=method,
        lists=lists,
        distance_m=sum(x.distance_m for x in lists),
        code_order_distance_m=sum(x.code_order_distance_m for x in lists),
        consolidation=list(consolidation.values()),
        left_out=left_out,
        oversize=oversize_refs,
    )


def _check_options(batching: str, time_limit_s: float) -> None:
    if batching not in ("savings", "fcfs"):
        raise UsageError(f"batching must be savings or fcfs (got {batching!r})")
    if isinstance(time_limit_s, bool) or not isinstance(time_limit_s, (int, float)) or time_limit_s < 0:
        raise UsageError(f"time_limit_s must be a number of seconds, 0 or more (got {time_limit_s!r})")


def plan_single(
    layout: Layout,
    orders: Sequence[PickOrder],
    *,
    pickers: Sequence[Picker | tuple[str, Sequence[str]]] | None = None,
    max_orders: int | None = None,
) -> PickPlan:
    """One list per order, stops in shortest walking order; the most urgent orders first."""
    chosen, left_out = _select(_checked(layout, orders), max_orders, by_cutoff=False)
    chosen.sort(key=lambda o: (o.order.priority_rank, o.index))
    return _assemble(
        "single",
        layout,
        [([o], False, None) for o in chosen],
        zoned=False,
        pickers=_pickers(layout, pickers),
        left_out=left_out,
    )


def plan_batch(
    layout: Layout,
    orders: Sequence[PickOrder],
    capacity: CartCapacity = DEFAULT_CAPACITY,
    *,
    batching: BatchingMethod = "savings",
    time_limit_s: float = 2.0,
    pickers: Sequence[Picker | tuple[str, Sequence[str]]] | None = None,
    max_orders: int | None = None,
) -> PickPlan:
    """Orders batched into carts, one list per cart; each order of a cart gets a tote number 1..n."""
    _check_options(batching, time_limit_s)
    chosen, left_out = _select(_checked(layout, orders), max_orders, by_cutoff=False)
    carts = [(cart, oversize, None) for cart, oversize in _carts(layout, chosen, capacity, batching, time_limit_s)]
    return _assemble("batch", layout, carts, zoned=False, pickers=_pickers(layout, pickers), left_out=left_out)


def plan_zone(
    layout: Layout,
    orders: Sequence[PickOrder],
    capacity: CartCapacity = DEFAULT_CAPACITY,
    *,
    batching: BatchingMethod = "savings",
    time_limit_s: float = 2.0,
    pickers: Sequence[Picker | tuple[str, Sequence[str]]] | None = None,
    max_orders: int | None = None,
) -> PickPlan:
    """Orders batched into carts, and each cart split into one list per zone; totes are consolidated at packing."""
    if not layout.zones:
        raise ConfigError(
            "zone picking needs zones", hint="set warehouse.zones, e.g. {front: [1, 2, 3], back: [4, 5, 6]}"
        )
    _check_options(batching, time_limit_s)
    chosen, left_out = _select(_checked(layout, orders), max_orders, by_cutoff=False)
    carts = [(cart, oversize, None) for cart, oversize in _carts(layout, chosen, capacity, batching, time_limit_s)]
    return _assemble("zone", layout, carts, zoned=True, pickers=_pickers(layout, pickers), left_out=left_out)


def plan_wave(
    layout: Layout,
    orders: Sequence[PickOrder],
    capacity: CartCapacity = DEFAULT_CAPACITY,
    *,
    batching: BatchingMethod = "savings",
    time_limit_s: float = 2.0,
    pickers: Sequence[Picker | tuple[str, Sequence[str]]] | None = None,
    max_orders: int | None = None,
) -> PickPlan:
    """Orders grouped into waves by carrier cut-off (earliest first, none last), each wave batched into carts and split by zone."""
    _check_options(batching, time_limit_s)
    chosen, left_out = _select(_checked(layout, orders), max_orders, by_cutoff=True)
    waves: dict[datetime | None, list[_Order]] = {}
    for order in chosen:
        waves.setdefault(order.cutoff, []).append(order)
    timed = sorted(c for c in waves if c is not None)
    sequence = timed + ([None] if None in waves else [])
    carts: list[tuple[list[_Order], bool, int | None]] = []
    for number, cutoff in enumerate(sequence, start=1):
        wave = waves[cutoff]
        # Each wave gets its share of the time limit, by size.
        share = time_limit_s * len(wave) / max(1, len(chosen))
        carts += [(cart, oversize, number) for cart, oversize in _carts(layout, wave, capacity, batching, share)]
    return _assemble(
        "wave", layout, carts, zoned=bool(layout.zones), pickers=_pickers(layout, pickers), left_out=left_out
    )


def plan_picking(
    method: PickMethod,
    layout: Layout,
    orders: Sequence[PickOrder],
    capacity: CartCapacity = DEFAULT_CAPACITY,
    *,
    batching: BatchingMethod = "savings",
    time_limit_s: float = 2.0,
    pickers: Sequence[Picker | tuple[str, Sequence[str]]] | None = None,
    max_orders: int | None = None,
) -> PickPlan:
    """Plan a picking run with the named method (single, batch, zone or wave)."""
    if method == "single":
        return plan_single(layout, orders, pickers=pickers, max_orders=max_orders)
    planners = {"batch": plan_batch, "zone": plan_zone, "wave": plan_wave}
    if method not in planners:
        raise UsageError(f"picking method must be one of {', '.join(METHODS)} (got {method!r})")
    return planners[method](
        layout, orders, capacity, batching=batching, time_limit_s=time_limit_s, pickers=pickers, max_orders=max_orders
    )


def plan_document(
    plan: PickPlan, run: int | str | None = None, list_ids: Sequence[int | str] | None = None
) -> dict[str, Any]:
    """The JSON shape ``oms pick`` prints: run, method, lists with stops and per-order totes, distances."""
    ids = list(list_ids) if list_ids is not None else list(range(1, len(plan.lists) + 1))
    if len(ids) != len(plan.lists):
        raise ValueError("list_ids must name every list of the plan")
    lists = []
    for list_id, planned in zip(ids, plan.lists):
        stops = []
        for stop in planned.stops:
            per_order: dict[tuple[str, int], int] = {}
            for alloc in stop.allocations:
                per_order[(alloc.ref, alloc.tote)] = per_order.get((alloc.ref, alloc.tote), 0) + alloc.quantity
            stops.append(
                {
                    "location": stop.location,
                    "sku": stop.sku,
                    "quantity": stop.quantity,
                    "orders": [{"ref": ref, "quantity": qty, "tote": tote} for (ref, tote), qty in per_order.items()],
                }
            )
        lists.append(
            {
                "list": list_id,
                "picker": planned.picker,
                "zone": planned.zone,
                "wave": planned.wave,
                "orders": list(planned.orders),
                "stops": stops,
                "distance_m": round(planned.distance_m, 3),
            }
        )
    by_position = dict(enumerate(ids, start=1))
    return {
        "run": run,
        "method": plan.method,
        "lists": lists,
        "distance_m": round(plan.distance_m, 3),
        "consolidation": [
            {
                "ref": entry.ref,
                "wave": entry.wave,
                "totes": [{"zone": p.zone, "list": by_position[p.list_no], "tote": p.tote} for p in entry.parts],
            }
            for entry in plan.consolidation
        ],
        "left_out": list(plan.left_out),
    }
