"""Order batching: capacities, the priority rule, oversize orders, and savings against FCFS."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.core.errors import ConfigError
from oms_cli.picking.batching import (
    BatchOrder,
    BatchPlan,
    CartCapacity,
    batch_orders,
    fcfs_batches,
    savings_batches,
)
from oms_cli.picking.routing import route_length
from oms_cli.warehouse.layout import Layout, Location

LAYOUT = Layout()


def random_orders(rng: random.Random, count: int, ranks: int = 1, heavy: bool = False) -> list[BatchOrder]:
    """Orders of 1-5 lines at random locations, in queue order."""
    orders = []
    for number in range(count):
        lines = rng.randint(1, 5)
        locations = tuple(Location(rng.randint(1, 12), rng.randint(1, 20)) for _ in range(lines))
        items = sum(rng.choice([1, 1, 1, 2, 3]) for _ in range(lines)) + (rng.choice([0, 0, 30]) if heavy else 0)
        orders.append(BatchOrder(f"#{number}", rng.randrange(ranks), locations, items, rng.randint(100, 4000)))
    return orders


def check_plan(plan: BatchPlan, orders: list[BatchOrder], capacity: CartCapacity) -> None:
    """Every order in exactly one cart, carts within capacity unless oversize, distances exact."""
    by_ref = {o.ref: o for o in orders}
    placed = [ref for batch in plan.batches for ref in batch.refs]
    assert sorted(placed) == sorted(by_ref)
    for batch in plan.batches:
        members = [by_ref[ref] for ref in batch.refs]
        assert batch.items == sum(o.items for o in members)
        assert batch.weight_g == sum(o.weight_g for o in members)
        if batch.oversize:
            assert len(members) == 1
            assert not capacity.holds(1, members[0].items, members[0].weight_g)
        else:
            assert capacity.holds(len(members), batch.items, batch.weight_g)
        assert batch.distance_m == route_length(LAYOUT, [loc for o in members for loc in o.locations])
        # Totes go to the most urgent, then oldest, orders first.
        assert list(batch.refs) == sorted(batch.refs, key=lambda r: (by_ref[r].priority_rank, orders.index(by_ref[r])))
    assert plan.distance_m == pytest.approx(sum(b.distance_m for b in plan.batches))
    assert sorted(plan.oversize) == sorted(b.refs[0] for b in plan.batches if b.oversize)


def check_priority_rule(plan: BatchPlan, orders: list[BatchOrder]) -> None:
    """A more urgent order is always in an earlier cart than a less urgent one; carts never mix classes."""
    rank = {o.ref: o.priority_rank for o in orders}
    cart_of = {ref: i for i, batch in enumerate(plan.batches) for ref in batch.refs}
    for batch in plan.batches:
        assert len({rank[ref] for ref in batch.refs}) == 1
    for a in orders:
        for b in orders:
            if a.priority_rank < b.priority_rank:
                assert cart_of[a.ref] < cart_of[b.ref]


capacities = st.builds(
    CartCapacity,
    orders=st.integers(1, 6),
    items=st.integers(3, 20),
    weight_g=st.one_of(st.none(), st.integers(2000, 12000)),
)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10_000), count=st.integers(0, 40), ranks=st.integers(1, 3), capacity=capacities)
def test_savings_respects_capacity_priority_and_places_every_order(
    seed: int, count: int, ranks: int, capacity: CartCapacity
) -> None:
    orders = random_orders(random.Random(seed), count, ranks, heavy=True)
    plan = savings_batches(LAYOUT, orders, capacity, time_limit_s=0.2)
    check_plan(plan, orders, capacity)
    check_priority_rule(plan, orders)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10_000), count=st.integers(0, 40), ranks=st.integers(1, 3), capacity=capacities)
def test_fcfs_respects_capacity_priority_and_places_every_order(
    seed: int, count: int, ranks: int, capacity: CartCapacity
) -> None:
    orders = random_orders(random.Random(seed), count, ranks, heavy=True)
    plan = fcfs_batches(LAYOUT, orders, capacity)
    check_plan(plan, orders, capacity)
    check_priority_rule(plan, orders)


def test_fcfs_fills_carts_in_queue_order() -> None:
    orders = [BatchOrder(f"#{n}", 0, (Location(n % 12 + 1, 1),), items) for n, items in enumerate([3, 3, 3, 5, 1, 1])]
    plan = fcfs_batches(LAYOUT, orders, CartCapacity(orders=3, items=10))
    assert [b.refs for b in plan.batches] == [("#0", "#1", "#2"), ("#3", "#4", "#5")]
    plan = fcfs_batches(LAYOUT, orders, CartCapacity(orders=8, items=10))
    assert [b.refs for b in plan.batches] == [("#0", "#1", "#2"), ("#3", "#4", "#5")]


def test_urgent_orders_are_batched_first_even_when_queued_last() -> None:
    orders = [BatchOrder(f"#{n}", 1, (Location(12, 20),), 1) for n in range(6)]
    orders += [BatchOrder("#rush-1", 0, (Location(12, 19),), 1), BatchOrder("#rush-2", 0, (Location(1, 1),), 1)]
    for plan in (
        savings_batches(LAYOUT, orders, CartCapacity(4, 25)),
        fcfs_batches(LAYOUT, orders, CartCapacity(4, 25)),
    ):
        assert plan.batches[0].refs == ("#rush-1", "#rush-2")
        assert plan.batches[0].priority_rank == 0
        check_priority_rule(plan, orders)


def test_an_order_bigger_than_a_cart_gets_a_cart_of_its_own() -> None:
    orders = [
        BatchOrder("#1", 0, (Location(3, 3),), 2),
        BatchOrder("#big", 0, (Location(3, 4), Location(5, 5)), 40),
        BatchOrder("#heavy", 0, (Location(3, 5),), 1, weight_g=30_000),
        BatchOrder("#2", 0, (Location(3, 6),), 2),
    ]
    capacity = CartCapacity(orders=8, items=25, weight_g=20_000)
    for plan in (savings_batches(LAYOUT, orders, capacity), fcfs_batches(LAYOUT, orders, capacity)):
        check_plan(plan, orders, capacity)
        assert sorted(plan.oversize) == ["#big", "#heavy"]
        assert {b.refs for b in plan.batches if not b.oversize} == {("#1", "#2")}


def test_orders_sharing_aisles_share_carts() -> None:
    """Two clusters of orders, queued alternately: savings keeps each cluster in its own cart."""
    near = [BatchOrder(f"near-{n}", 0, (Location(1, n + 1), Location(2, n + 2)), 1) for n in range(4)]
    far = [BatchOrder(f"far-{n}", 0, (Location(12, n + 10), Location(11, n + 12)), 1) for n in range(4)]
    orders = [o for pair in zip(near, far) for o in pair]
    plan = savings_batches(LAYOUT, orders, CartCapacity(orders=4, items=25))
    assert sorted(sorted(b.refs) for b in plan.batches) == [sorted(o.ref for o in far), sorted(o.ref for o in near)]
    assert plan.distance_m < fcfs_batches(LAYOUT, orders, CartCapacity(orders=4, items=25)).distance_m


@pytest.mark.parametrize("count", [60, 400])  # all pairs, and near neighbours only
def test_savings_walks_much_less_than_fcfs(count: int) -> None:
    orders = random_orders(random.Random(count), count)
    capacity = CartCapacity(orders=8, items=25)
    savings = savings_batches(LAYOUT, orders, capacity, time_limit_s=1.0)
    fcfs = fcfs_batches(LAYOUT, orders, capacity)
    check_plan(savings, orders, capacity)
    assert savings.distance_m < 0.8 * fcfs.distance_m


def test_local_search_only_improves_on_the_savings_carts() -> None:
    orders = random_orders(random.Random(5), 150)
    capacity = CartCapacity(orders=8, items=25)
    assert (
        savings_batches(LAYOUT, orders, capacity, time_limit_s=1.0).distance_m
        <= savings_batches(LAYOUT, orders, capacity, time_limit_s=0.0).distance_m
    )


def test_batch_orders_dispatches_and_rejects_unknown_methods() -> None:
    orders = random_orders(random.Random(1), 10)
    capacity = CartCapacity()
    assert batch_orders(LAYOUT, orders, capacity, method="fcfs") == fcfs_batches(LAYOUT, orders, capacity)
    assert batch_orders(LAYOUT, orders, capacity, method="savings").batches
    with pytest.raises(ValueError, match="unknown batching method"):
        batch_orders(LAYOUT, orders, capacity, method="nearest")  # type: ignore[arg-type]


def test_location_codes_are_accepted_and_duplicates_refused() -> None:
    orders = [BatchOrder("#1", 0, ("A03-B12", "a3-b12-l2"), 2), BatchOrder("#2", 0, ("A04-B01",), 1)]
    plan = savings_batches(LAYOUT, orders, CartCapacity())
    assert plan.batches[0].refs == ("#1", "#2")
    with pytest.raises(ValueError, match="listed twice"):
        savings_batches(LAYOUT, orders + [orders[0]], CartCapacity())


def test_cart_capacity_from_config() -> None:
    assert CartCapacity.from_config({"orders": 8, "items": 25, "weight_g": None}) == CartCapacity(8, 25, None)
    assert CartCapacity.from_config(None) == CartCapacity()
    with pytest.raises(ConfigError, match="picking.cart: unknown key 'totes'"):
        CartCapacity.from_config({"totes": 8})
    with pytest.raises(ConfigError, match="cart.items must be a whole number of at least 1"):
        CartCapacity.from_config({"items": 0})
    with pytest.raises(ConfigError, match="cart.weight_g must be a whole number"):
        CartCapacity.from_config({"weight_g": 2.5})
