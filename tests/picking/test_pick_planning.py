"""Pick plans: every line picked once, zones kept apart, waves by cut-off, consolidation, pickers."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.core.errors import BadInput, ConfigError, UsageError
from oms_cli.picking.batching import CartCapacity
from oms_cli.picking.planning import (
    METHODS,
    Picker,
    PickLine,
    PickOrder,
    PickPlan,
    plan_batch,
    plan_document,
    plan_picking,
    plan_single,
    plan_wave,
    plan_zone,
)
from oms_cli.picking.routing import location_code_order_route, optimal_route, tour_length
from oms_cli.warehouse.layout import Layout, parse_location, zone_of

ZONES = {"front": [1, 2, 3, 4], "middle": [5, 6, 7, 8], "back": [9, 10, 11, 12]}
LAYOUT = Layout.from_config({"zones": ZONES})
PLAIN = Layout()
NOON = datetime(2025, 3, 3, 12, tzinfo=UTC)
CUTOFFS = [None, NOON, NOON + timedelta(hours=3), NOON.astimezone(timezone(timedelta(hours=1)))]


def random_orders(rng: random.Random, count: int, ranks: int = 2) -> list[PickOrder]:
    """Orders of 1-5 lines from a small catalogue (so lines share locations and SKUs), in queue order."""
    catalogue = [
        (f"SKU-{n:03d}", f"A{rng.randint(1, 12)}-B{rng.randint(1, 20)}-L{rng.randint(1, 3)}") for n in range(25)
    ]
    orders = []
    for number in range(count):
        lines = []
        for key in range(rng.randint(1, 5)):
            sku, location = rng.choice(catalogue)
            lines.append(PickLine(sku, location, rng.choice([1, 1, 2, 3, 9]), f"{key + 1}"))
        orders.append(
            PickOrder(f"#{1000 + number}", rng.randrange(ranks), lines, rng.randint(0, 3000), rng.choice(CUTOFFS))
        )
    return orders


def check_every_line_once(plan: PickPlan, orders: list[PickOrder]) -> None:
    """Every input line appears in exactly one list, at its own location and SKU, with its quantity."""
    expected = {(o.ref, line.line_key): line for o in orders for line in o.lines if o.ref not in plan.left_out}
    seen: Counter[tuple[str, str]] = Counter()
    for planned in plan.lists:
        keys = [(stop.location, stop.sku) for stop in planned.stops]
        assert len(keys) == len(set(keys)), "same location and SKU must be one stop"
        for stop in planned.stops:
            assert stop.quantity == sum(a.quantity for a in stop.allocations)
            for alloc in stop.allocations:
                line = expected[(alloc.ref, alloc.line_key)]
                seen[(alloc.ref, alloc.line_key)] += 1
                assert alloc.quantity == line.quantity
                assert stop.sku == line.sku
                assert stop.location == parse_location(line.location_code, LAYOUT).code
                assert alloc.ref in planned.orders
    assert set(seen) == set(expected)
    assert set(seen.values()) <= {1}


def check_routes(plan: PickPlan) -> None:
    """Stops are in exact shortest walking order and the distances add up."""
    for planned in plan.lists:
        locations = list(dict.fromkeys(stop.location for stop in planned.stops))
        assert tour_length(LAYOUT, locations) == planned.distance_m == optimal_route(LAYOUT, locations).length_m
        assert planned.code_order_distance_m == location_code_order_route(LAYOUT, locations).length_m
        assert planned.distance_m <= planned.code_order_distance_m
    assert plan.distance_m == pytest.approx(sum(x.distance_m for x in plan.lists))


def check_totes(plan: PickPlan, capacity: CartCapacity) -> None:
    """Totes number a cart's orders 1..n, the same in every zone list of that cart."""
    tote_of: dict[int, dict[str, int]] = defaultdict(dict)
    for planned in plan.lists:
        for stop in planned.stops:
            for alloc in stop.allocations:
                assert tote_of[planned.batch].setdefault(alloc.ref, alloc.tote) == alloc.tote
    for totes in tote_of.values():
        assert sorted(totes.values()) == list(range(1, len(totes) + 1))
        if plan.method != "single":
            assert len(totes) <= capacity.orders


def check_consolidation(plan: PickPlan) -> None:
    """Each order's consolidation parts are exactly the zone lists holding its lines, with its tote."""
    holding: dict[str, set[tuple[str | None, int, int]]] = defaultdict(set)
    for number, planned in enumerate(plan.lists, start=1):
        for stop in planned.stops:
            for alloc in stop.allocations:
                holding[alloc.ref].add((planned.zone, number, alloc.tote))
    assert {entry.ref for entry in plan.consolidation} == set(holding)
    for entry in plan.consolidation:
        assert {tuple(part) for part in entry.parts} == holding[entry.ref]
        assert len({part.zone for part in entry.parts}) == len(entry.parts)
        assert all(plan.lists[part.list_no - 1].wave == entry.wave for part in entry.parts)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    count=st.integers(1, 30),
    method=st.sampled_from(METHODS),
    cart=st.integers(1, 6),
)
def test_every_line_in_exactly_one_list_in_walking_order(seed: int, count: int, method: str, cart: int) -> None:
    orders = random_orders(random.Random(seed), count)
    capacity = CartCapacity(orders=cart, items=12)
    plan = plan_picking(method, LAYOUT, orders, capacity, time_limit_s=0.1)  # type: ignore[arg-type]
    assert plan.method == method
    check_every_line_once(plan, orders)
    check_routes(plan)
    check_totes(plan, capacity)
    if method in ("zone", "wave"):
        check_consolidation(plan)
        for planned in plan.lists:
            assert planned.zone is not None
            for stop in planned.stops:
                assert zone_of(LAYOUT, parse_location(stop.location, LAYOUT)) == planned.zone
    else:
        assert plan.consolidation == []
        assert all(planned.zone is None for planned in plan.lists)
    for planned in plan.lists:
        # Single-order lists need no cart; carts hold what they can unless an order alone is too big.
        if method != "single" and not planned.oversize:
            items = sum(a.quantity for stop in planned.stops for a in stop.allocations)
            assert len(planned.orders) <= capacity.orders and items <= capacity.items


def test_single_gives_each_order_its_own_list_most_urgent_first() -> None:
    orders = random_orders(random.Random(4), 12, ranks=3)
    plan = plan_single(LAYOUT, orders)
    assert [x.orders for x in plan.lists] == [
        [o.ref] for o in sorted(orders, key=lambda o: (o.priority_rank, orders.index(o)))
    ]
    assert all(a.tote == 1 for x in plan.lists for s in x.stops for a in s.allocations)


def test_batch_lists_hold_carts_with_totes_in_urgency_order() -> None:
    orders = random_orders(random.Random(8), 40, ranks=2)
    plan = plan_batch(LAYOUT, orders, CartCapacity(orders=5, items=30), time_limit_s=0.3)
    rank = {o.ref: o.priority_rank for o in orders}
    ranks_by_list = [{rank[r] for r in x.orders} for x in plan.lists]
    assert all(len(r) == 1 for r in ranks_by_list)
    assert [min(r) for r in ranks_by_list] == sorted(min(r) for r in ranks_by_list)
    assert plan_batch(LAYOUT, orders, CartCapacity(orders=5, items=30), batching="fcfs").distance_m > plan.distance_m


def test_stops_merge_same_location_and_sku_across_orders() -> None:
    orders = [
        PickOrder("#1", 0, [PickLine("MUG", "A3-B12-L2", 2, "a"), PickLine("TEA", "A03-B12-L2", 1, "b")]),
        PickOrder("#2", 0, [PickLine("MUG", "a03-b12-l2", 1, "a")]),
    ]
    plan = plan_batch(LAYOUT, orders)
    [planned] = plan.lists
    mug = next(s for s in planned.stops if s.sku == "MUG")
    assert (mug.location, mug.quantity) == ("A03-B12-L2", 3)
    assert [tuple(a) for a in mug.allocations] == [("#1", "a", 2, 1), ("#2", "a", 1, 2)]
    assert [s.sku for s in planned.stops] == ["MUG", "TEA"]


def test_zone_lists_hold_only_their_zone_and_consolidate() -> None:
    orders = [
        PickOrder("#1", 0, [PickLine("A", "A02-B05", 1, "1"), PickLine("B", "A10-B05", 1, "2")]),
        PickOrder("#2", 0, [PickLine("C", "A06-B05", 1, "1")]),
    ]
    plan = plan_zone(LAYOUT, orders)
    assert [(x.zone, x.orders) for x in plan.lists] == [("front", ["#1"]), ("middle", ["#2"]), ("back", ["#1"])]
    check_consolidation(plan)
    assert [(c.ref, [(p.zone, p.list_no, p.tote) for p in c.parts]) for c in plan.consolidation] == [
        ("#1", [("front", 1, 1), ("back", 3, 1)]),
        ("#2", [("middle", 2, 2)]),
    ]


def test_locations_outside_every_zone_get_a_list_of_their_own() -> None:
    layout = Layout.from_config({"zones": {"front": [1, 2, 3]}})
    orders = [PickOrder("#1", 0, [PickLine("A", "A02-B05", 1, "1"), PickLine("B", "A10-B05", 1, "2")])]
    plan = plan_zone(layout, orders)
    assert [(x.zone, [s.location for s in x.stops]) for x in plan.lists] == [
        ("front", ["A02-B05"]),
        (None, ["A10-B05"]),
    ]


def test_zone_picking_needs_zones() -> None:
    with pytest.raises(ConfigError, match="zone picking needs zones"):
        plan_zone(PLAIN, random_orders(random.Random(1), 3))


def test_waves_follow_cutoffs_earliest_first_and_none_last() -> None:
    orders = random_orders(random.Random(11), 40)
    plan = plan_wave(LAYOUT, orders, CartCapacity(orders=4, items=30), time_limit_s=0.2)
    check_every_line_once(plan, orders)
    check_consolidation(plan)
    cutoff = {o.ref: o.cutoff for o in orders}
    waves: dict[int, set[datetime | None]] = defaultdict(set)
    for planned in plan.lists:
        for ref in planned.orders:
            waves[planned.wave].add(cutoff[ref])  # type: ignore[index]
    assert all(len(c) == 1 for c in waves.values())
    order = [next(iter(waves[w])) for w in sorted(waves)]
    timed = [c for c in order if c is not None]
    assert timed == sorted(timed) and len(set(timed)) == len(timed)
    assert order[-1] is None
    # 13:00 at +01:00 is noon UTC: the same wave as noon UTC.
    assert len(waves) == 3
    assert [x.wave for x in plan.lists] == sorted(x.wave for x in plan.lists)  # type: ignore[type-var]


def test_wave_without_zones_is_batch_picking_per_wave() -> None:
    orders = random_orders(random.Random(12), 20)
    plan = plan_wave(PLAIN, orders, time_limit_s=0.1)
    assert all(x.zone is None for x in plan.lists)
    assert plan.consolidation == []
    check_every_line_once(plan, orders)


def test_max_orders_leaves_out_only_the_least_urgent() -> None:
    orders = random_orders(random.Random(6), 20, ranks=3)
    for method in ("single", "batch", "zone"):
        plan = plan_picking(method, LAYOUT, orders, max_orders=7, time_limit_s=0.1)  # type: ignore[arg-type]
        planned = {ref for x in plan.lists for ref in x.orders}
        assert len(planned) == 7 and set(plan.left_out) == {o.ref for o in orders} - planned
        urgency = {o.ref: (o.priority_rank, i) for i, o in enumerate(orders)}
        assert max(urgency[r] for r in planned) < min(urgency[r] for r in plan.left_out)
    wave = plan_wave(LAYOUT, orders, max_orders=7, time_limit_s=0.1)
    far = datetime.max.replace(tzinfo=UTC)
    urgency_w = {o.ref: (o.cutoff or far, o.priority_rank, i) for i, o in enumerate(orders)}
    planned = {ref for x in wave.lists for ref in x.orders}
    assert max(urgency_w[r] for r in planned) < min(urgency_w[r] for r in wave.left_out)


def test_pickers_take_zone_lists_when_they_are_the_only_one_for_the_zone() -> None:
    orders = [
        PickOrder(
            "#1", 0, [PickLine(s, loc, 1, s) for s, loc in (("A", "A01-B01"), ("B", "A05-B01"), ("C", "A09-B01"))]
        )
    ]
    pickers = [Picker("ann", ("front",)), Picker("bob", ("front", "middle")), ("cem", ["back"])]
    plan = plan_zone(LAYOUT, orders, pickers=pickers)
    assert [(x.zone, x.picker) for x in plan.lists] == [("front", None), ("middle", "bob"), ("back", "cem")]
    assert plan_batch(LAYOUT, orders, pickers=[("dee", [])]).lists[0].picker == "dee"
    assert plan_batch(LAYOUT, orders, pickers=[("dee", []), ("eve", [])]).lists[0].picker is None
    with pytest.raises(ConfigError, match="picker 'ann' works zone 'attic'"):
        plan_zone(LAYOUT, orders, pickers=[("ann", ["attic"])])


def test_an_order_too_big_for_a_cart_is_planned_on_its_own() -> None:
    big = PickOrder("#big", 0, [PickLine("BOLT", "A04-B04", 40, "1")])
    small = [PickOrder(f"#{n}", 0, [PickLine("NUT", f"A04-B0{n}", 1, "1")]) for n in range(1, 4)]
    plan = plan_batch(LAYOUT, [*small, big], CartCapacity(orders=8, items=25))
    assert plan.oversize == ["#big"]
    assert [(x.orders, x.oversize) for x in plan.lists if x.oversize] == [(["#big"], True)]
    check_every_line_once(plan, [*small, big])


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (PickOrder("#1", 0, [PickLine("A", "Z9", 1, "1")]), "order #1, line 1: location 'Z9' is not of the form"),
        (PickOrder("#1", 0, [PickLine("A", "A13-B1", 1, "1")]), "aisle 13 is outside the warehouse"),
        (PickOrder("#1", 0, [PickLine("A", "A1-B1", 0, "1")]), "order #1, line 1: quantity must be a whole number"),
        (PickOrder("#1", 0, [PickLine("A", "A1-B1", 1, "1"), PickLine("B", "A1-B2", 1, "1")]), "line_key listed twice"),
        (PickOrder("#1", 0, []), "order #1: has no lines to pick"),
        (
            PickOrder("#1", 0, [PickLine("A", "A1-B1", 1, "1")], cutoff=datetime(2025, 1, 1)),
            "cutoff must be a timezone-aware",
        ),
        (PickOrder("#1", 0, [PickLine("A", "A1-B1", 1, "1")], weight_g=-1), "weight_g must be a whole number"),
    ],
)
def test_bad_orders_are_refused_naming_order_line_and_field(order: PickOrder, message: str) -> None:
    for method in METHODS:
        with pytest.raises(BadInput, match=message.replace("(", r"\(")):
            plan_picking(method, LAYOUT, [order])  # type: ignore[arg-type]


def test_bad_options_are_usage_errors() -> None:
    orders = random_orders(random.Random(2), 3)
    with pytest.raises(BadInput, match="listed twice"):
        plan_single(LAYOUT, orders + orders[:1])
    with pytest.raises(UsageError, match="max_orders"):
        plan_single(LAYOUT, orders, max_orders=0)
    with pytest.raises(UsageError, match="batching must be savings or fcfs"):
        plan_batch(LAYOUT, orders, batching="nearest")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="picking method must be one of"):
        plan_picking("cluster", LAYOUT, orders)  # type: ignore[arg-type]


def test_plan_document_has_the_documented_shape() -> None:
    orders = [
        PickOrder("#1", 0, [PickLine("MUG", "A3-B12-L2", 2, "a"), PickLine("MUG", "A3-B12-L2", 1, "b")]),
        PickOrder("#2", 0, [PickLine("TEA", "A10-B01", 1, "a")]),
    ]
    plan = plan_zone(LAYOUT, orders, pickers=[("ann", ["front"])])
    document = plan_document(plan, run=42, list_ids=[7, 8])
    assert json.loads(json.dumps(document)) == document
    assert document == {
        "run": 42,
        "method": "zone",
        "lists": [
            {
                "list": 7,
                "picker": "ann",
                "zone": "front",
                "wave": None,
                "orders": ["#1"],
                "stops": [
                    {
                        "location": "A03-B12-L2",
                        "sku": "MUG",
                        "quantity": 3,
                        "orders": [{"ref": "#1", "quantity": 3, "tote": 1}],
                    }
                ],
                "distance_m": 38.0,
            },
            {
                "list": 8,
                "picker": None,
                "zone": "back",
                "wave": None,
                "orders": ["#2"],
                "stops": [
                    {
                        "location": "A10-B01",
                        "sku": "TEA",
                        "quantity": 1,
                        "orders": [{"ref": "#2", "quantity": 1, "tote": 2}],
                    }
                ],
                "distance_m": 58.0,
            },
        ],
        "distance_m": 96.0,
        "consolidation": [
            {"ref": "#1", "wave": None, "totes": [{"zone": "front", "list": 7, "tote": 1}]},
            {"ref": "#2", "wave": None, "totes": [{"zone": "back", "list": 8, "tote": 2}]},
        ],
        "left_out": [],
    }


def test_pure_modules_pull_in_no_cli_database_or_pdf_libraries() -> None:
    code = (
        "import sys, oms_cli.picking.planning, oms_cli.picking.batching, oms_cli.picking.routing;"
        "print(sorted(m for m in ('typer','rich','sqlalchemy','sqlmodel','reportlab') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
