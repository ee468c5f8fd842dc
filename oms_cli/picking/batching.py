"""Order batching: which orders share a pick cart so that the walking adds up to the least.

``savings_batches`` starts with one cart per order, merges carts in order of
the distance saved (Clarke & Wright savings on exact route lengths), then
improves the carts by moving and swapping orders between them until a time
limit.  ``fcfs_batches`` fills carts in queue order, the baseline.

Priority rule: orders are batched within their priority class (equal
``priority_rank``), classes taken from most to least urgent, and carts are
released in that order.  So a cart never mixes classes, and every order of a
more urgent class is in an earlier cart than every order of a less urgent one.
Within a class, carts are released in queue order of their oldest order.

Pure module: plain data in, plain data out.
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from oms_cli.core.errors import ConfigError
from oms_cli.picking.routing import RouteLengths
from oms_cli.warehouse.layout import UNITS_PER_M, Layout, Location, check_location, parse_location

BatchingMethod = Literal["savings", "fcfs"]

# Below this many orders in a priority class every pair of orders is a savings candidate.
_ALL_PAIRS_UP_TO = 120
# Otherwise each order is compared with this many neighbours on either side in each sort order.
_WINDOW = 12
# Neighbours per order kept for local search.
_KEEP = 16


@dataclass(frozen=True)
class CartCapacity:
    """What one pick cart holds: orders (one tote each), items and optionally weight in grams."""

    orders: int = 8
    items: int = 25
    weight_g: int | None = None

    def __post_init__(self) -> None:
        for name in ("orders", "items", "weight_g"):
            value = getattr(self, name)
            if name == "weight_g" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"cart.{name} must be a whole number of at least 1 (got {value!r})")

    @classmethod
    def from_config(cls, mapping: Mapping[str, Any] | None) -> CartCapacity:
        """Build the cart capacity from the ``picking.cart`` config section, raising ConfigError on bad values."""
        data = dict(mapping or {})
        known = ("orders", "items", "weight_g")
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            raise ConfigError(f"picking.cart: unknown key '{unknown[0]}'", hint=f"known keys here: {', '.join(known)}")
        try:
            return cls(**data)
        except ValueError as err:
            raise ConfigError(f"picking.{err}") from None

    def holds(self, orders: int, items: int, weight_g: int) -> bool:
        """Whether a cart with this many orders, items and grams is within capacity."""
        return orders <= self.orders and items <= self.items and (self.weight_g is None or weight_g <= self.weight_g)


@dataclass(frozen=True)
class BatchOrder:
    """An order as batching sees it: its reference, urgency, pick locations, item count and weight."""

    ref: str
    priority_rank: int
    locations: tuple[Location | str, ...]
    items: int
    weight_g: int = 0


@dataclass(frozen=True)
class Batch:
    """One cart: its orders (most urgent and oldest first) and the exact route length through their locations."""

    refs: tuple[str, ...]
    distance_m: float
    items: int
    weight_g: int
    priority_rank: int
    oversize: bool = False  # one order bigger than a cart, given a cart of its own


@dataclass(frozen=True)
class BatchPlan:
    """Carts in release order, total exact walking distance, and the orders too big for one cart."""

    batches: tuple[Batch, ...]
    distance_m: float
    oversize: tuple[str, ...] = field(default=())


@dataclass
class _Order:
    index: int  # queue position
    ref: str
    rank: int
    points: frozenset[int]
    items: int
    weight: int
    alone: int  # exact route length on its own, units


@dataclass
class _Cart:
    members: list[int]
    points: frozenset[int]
    items: int
    weight: int
    units: int
    stamp: int  # changes on every change of the cart, so stale savings are recognised


def _prepare(layout: Layout, orders: Sequence[BatchOrder], lengths: RouteLengths) -> list[_Order]:
    seen: set[str] = set()
    prepared: list[_Order] = []
    for index, order in enumerate(orders):
        if order.ref in seen:
            raise ValueError(f"order {order.ref!r} is listed twice")
        seen.add(order.ref)
        points = frozenset(
            lengths.point(check_location(loc, layout) if isinstance(loc, Location) else parse_location(loc, layout))
            for loc in order.locations
        )
        prepared.append(
            _Order(index, order.ref, order.priority_rank, points, order.items, order.weight_g, lengths.units(points))
        )
    return prepared


def _classes(prepared: list[_Order]) -> list[list[_Order]]:
    """Priority classes, most urgent first, each in queue order."""
    by_rank: dict[int, list[_Order]] = {}
    for order in prepared:
        by_rank.setdefault(order.rank, []).append(order)
    return [by_rank[rank] for rank in sorted(by_rank)]


def _oversize(order: _Order, capacity: CartCapacity) -> bool:
    return not capacity.holds(1, order.items, order.weight)


def _finish(carts: Iterable[tuple[list[_Order], bool]], lengths: RouteLengths) -> BatchPlan:
    """Carts as plain results: orders most urgent and oldest first, exact distances."""
    batches: list[Batch] = []
    total = 0
    oversize: list[str] = []
    for members, too_big in carts:
        members = sorted(members, key=lambda o: (o.rank, o.index))
        units = lengths.units(frozenset().union(*(o.points for o in members)))
        total += units
        batches.append(
            Batch(
                refs=tuple(o.ref for o in members),
                distance_m=units / UNITS_PER_M,
                items=sum(o.items for o in members),
                weight_g=sum(o.weight for o in members),
                priority_rank=members[0].rank,
                oversize=too_big,
            )
        )
        if too_big:
            oversize.append(members[0].ref)
    return BatchPlan(tuple(batches), total / UNITS_PER_M, tuple(oversize))


def fcfs_batches(layout: Layout, orders: Sequence[BatchOrder], capacity: CartCapacity) -> BatchPlan:
    """First come, first served: fill carts in queue order (most urgent class first) until the next order does not fit."""
    lengths = RouteLengths(layout)
    prepared = _prepare(layout, orders, lengths)
    carts: list[tuple[list[_Order], bool]] = []
    current: list[_Order] = []
    items = weight = 0
    for cls in _classes(prepared):
        for order in cls:
            if _oversize(order, capacity):
                carts.append(([order], True))
                continue
            if current and not capacity.holds(len(current) + 1, items + order.items, weight + order.weight):
                carts.append((current, False))
                current, items, weight = [], 0, 0
            current.append(order)
            items += order.items
            weight += order.weight
        # Carts never mix priority classes (the priority rule), so each class closes its last cart.
        if current:
            carts.append((current, False))
            current, items, weight = [], 0, 0
    return _finish(carts, lengths)


def _candidate_pairs(cls: list[_Order], stride: int) -> set[tuple[int, int]]:
    """Pairs of positions in ``cls`` worth a savings evaluation: all pairs when few, else near neighbours.

    Near means close in two orderings by aisle profile: the farthest aisle first (it sets
    most of a route's length), then either the aisles visited (far ones weigh most) or
    how deep into the aisles the picks lie.
    """
    n = len(cls)
    if n <= _ALL_PAIRS_UP_TO:
        return {(i, j) for i in range(n) for j in range(i + 1, n)}
    profiles = []
    for order in cls:
        aisles = {p // stride for p in order.points}
        mask = sum(1 << a for a in aisles)
        depth = sum(p % stride for p in order.points) / max(1, len(order.points))
        profiles.append((max(aisles, default=0), mask, depth, min(aisles, default=0)))
    orderings = [
        sorted(range(n), key=lambda i: (profiles[i][0], profiles[i][1])),
        sorted(range(n), key=lambda i: (profiles[i][0], profiles[i][2])),
        sorted(range(n), key=lambda i: (profiles[i][3], profiles[i][0], profiles[i][2])),
    ]
    pairs: set[tuple[int, int]] = set()
    for ordering in orderings:
        for position, i in enumerate(ordering):
            for j in ordering[position + 1 : position + 1 + _WINDOW]:
                pairs.add((i, j) if i < j else (j, i))
    return pairs


class _Carts:
    """The carts of one priority class while they are being improved."""

    def __init__(self, cls: list[_Order], capacity: CartCapacity, lengths: RouteLengths) -> None:
        self.orders = cls
        self.capacity = capacity
        self.lengths = lengths
        self.carts: dict[int, _Cart] = {}
        self.cart_of: list[int] = []
        self._stamp = 0
        # (cart stamp, order) -> the cart's points and length without that order; stamps never repeat.
        self._without: dict[tuple[int, int], tuple[frozenset[int], int]] = {}
        for position, order in enumerate(cls):
            self.carts[position] = _Cart([position], order.points, order.items, order.weight, order.alone, self._next())
            self.cart_of.append(position)

    def _next(self) -> int:
        self._stamp += 1
        return self._stamp

    def points_of(self, members: Iterable[int]) -> frozenset[int]:
        """The pick points of a set of orders (by position)."""
        return frozenset().union(*(self.orders[m].points for m in members))

    def without(self, cart: _Cart, member: int) -> tuple[frozenset[int], int]:
        """A cart's points and exact length with one of its orders taken out."""
        key = (cart.stamp, member)
        known = self._without.get(key)
        if known is None:
            if len(self._without) > 100_000:
                self._without.clear()
            points = self.points_of(m for m in cart.members if m != member)
            known = self._without[key] = (points, self.lengths.units(points))
        return known

    def merge_saving(self, a: _Cart, b: _Cart) -> int | None:
        """Distance saved by merging two carts, or None when they do not fit one cart."""
        if not self.capacity.holds(len(a.members) + len(b.members), a.items + b.items, a.weight + b.weight):
            return None
        return a.units + b.units - self.lengths.units(a.points | b.points)

    def merge(self, ka: int, kb: int) -> None:
        """Put cart kb's orders into cart ka."""
        a, b = self.carts[ka], self.carts.pop(kb)
        a.members.extend(b.members)
        a.points = a.points | b.points
        a.items += b.items
        a.weight += b.weight
        a.units = self.lengths.units(a.points)
        a.stamp = self._next()
        for m in b.members:
            self.cart_of[m] = ka

    def set_members(self, key: int, members: list[int]) -> None:
        """Replace a cart's orders (dropping the cart when it is left empty)."""
        if not members:
            del self.carts[key]
            return
        cart = self.carts[key]
        cart.members = members
        cart.points = self.points_of(members)
        cart.items = sum(self.orders[m].items for m in members)
        cart.weight = sum(self.orders[m].weight for m in members)
        cart.units = self.lengths.units(cart.points)
        cart.stamp = self._next()
        for m in members:
            self.cart_of[m] = key


def _savings(carts: _Carts, pairs: Iterable[tuple[int, int]]) -> None:
    """Clarke & Wright: merge the two carts with the largest saving while they fit, re-measuring merged carts lazily."""
    heap: list[tuple[int, int, int, int, int]] = []
    for i, j in pairs:
        a, b = carts.carts[carts.cart_of[i]], carts.carts[carts.cart_of[j]]
        saving = carts.merge_saving(a, b)
        if saving is not None and saving >= 0:
            heap.append((-saving, i, j, a.stamp, b.stamp))
    heapq.heapify(heap)
    measured: set[tuple[int, int]] = set()
    while heap:
        neg, i, j, stamp_i, stamp_j = heapq.heappop(heap)
        ka, kb = carts.cart_of[i], carts.cart_of[j]
        if ka == kb:
            continue
        a, b = carts.carts[ka], carts.carts[kb]
        if a.stamp == stamp_i and b.stamp == stamp_j:
            carts.merge(ka, kb)
            continue
        # One of the carts changed since this saving was measured: measure again (once per pair of carts).
        key = (a.stamp, b.stamp) if a.stamp < b.stamp else (b.stamp, a.stamp)
        if key in measured:
            continue
        measured.add(key)
        saving = carts.merge_saving(a, b)
        if saving is not None and saving >= 0:
            heapq.heappush(heap, (-saving, i, j, a.stamp, b.stamp))


def _local_search(carts: _Carts, neighbours: list[list[int]], deadline: float, rng: random.Random) -> None:
    """Move single orders to, and swap them with, orders in neighbouring carts while that shortens the walk.

    An order is looked at again only after its cart or a neighbour's cart changed, so
    the search stops by itself at a local optimum.
    """
    watchers: list[list[int]] = [[] for _ in carts.orders]
    for o, near in enumerate(neighbours):
        for p in near:
            watchers[p].append(o)
    pending = set(range(len(carts.orders)))
    checked = 0
    while pending:
        sequence = sorted(pending)
        rng.shuffle(sequence)
        pending.clear()
        for o in sequence:
            checked += 1
            if checked % 32 == 0 and time.perf_counter() >= deadline:
                return
            changed = _improve_order(carts, o, neighbours[o])
            for key in changed:
                cart = carts.carts.get(key)
                for m in cart.members if cart else ():
                    pending.add(m)
                    pending.update(watchers[m])


def _improve_order(carts: _Carts, o: int, near: list[int]) -> tuple[int, ...]:
    """Apply the best move or swap of order o with a neighbour's cart if it saves distance; return the carts changed."""
    orders, lengths = carts.orders, carts.lengths
    ka = carts.cart_of[o]
    a = carts.carts[ka]
    rest_a_points, rest_a_units = carts.without(a, o)
    order = orders[o]
    best = 0
    best_change: tuple[int, int, int | None] | None = None  # cart a, cart b, order of b swapped (None: a move)
    tried: set[int] = set()
    for p in near:
        kb = carts.cart_of[p]
        if kb == ka or kb in tried:
            continue
        tried.add(kb)
        b = carts.carts[kb]
        base = a.units + b.units
        # Move o into b.
        if carts.capacity.holds(len(b.members) + 1, b.items + order.items, b.weight + order.weight):
            delta = rest_a_units + lengths.units(b.points | order.points) - base
            if delta < best:
                best, best_change = delta, (ka, kb, None)
        # Swap o with each order of b.
        for q in b.members:
            other = orders[q]
            if not carts.capacity.holds(
                len(a.members), a.items - order.items + other.items, a.weight - order.weight + other.weight
            ) or not carts.capacity.holds(
                len(b.members), b.items - other.items + order.items, b.weight - other.weight + order.weight
            ):
                continue
            delta = lengths.units(rest_a_points | other.points) - base
            # b without q, plus o, walks at least as far as o alone and as b less q's own tour:
            # skip the exact length when even that bound gains nothing.
            if delta + max(b.units - other.alone, order.alone) >= best:
                continue
            delta += lengths.units(carts.without(b, q)[0] | order.points)
            if delta < best:
                best, best_change = delta, (ka, kb, q)
    if best_change is None:
        return ()
    ka, kb, swapped = best_change
    members_a = [m for m in carts.carts[ka].members if m != o]
    members_b = list(carts.carts[kb].members)
    if swapped is not None:
        members_a.append(swapped)
        members_b.remove(swapped)
    members_b.append(o)
    carts.set_members(kb, members_b)
    carts.set_members(ka, members_a)
    return (ka, kb)


def _neighbour_lists(carts: _Carts, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """For each order, its candidate partners with the largest pairwise savings first."""
    scored: list[list[tuple[int, int]]] = [[] for _ in carts.orders]
    orders, lengths = carts.orders, carts.lengths
    for i, j in pairs:
        saving = orders[i].alone + orders[j].alone - lengths.units(orders[i].points | orders[j].points)
        scored[i].append((-saving, j))
        scored[j].append((-saving, i))
    return [[j for _, j in sorted(near)[:_KEEP]] for near in scored]


def savings_batches(
    layout: Layout,
    orders: Sequence[BatchOrder],
    capacity: CartCapacity,
    *,
    time_limit_s: float = 2.0,
    seed: int = 0,
) -> BatchPlan:
    """Carts that keep total exact walking distance low: savings merges, then local search until the time limit.

    Orders are given in queue order.  The savings phase always completes; local search
    stops at ``time_limit_s`` after the start (or earlier, when no move or swap helps).
    """
    started = time.perf_counter()
    lengths = RouteLengths(layout)
    prepared = _prepare(layout, orders, lengths)
    stride = layout.bays + 1
    rng = random.Random(seed)
    built: list[tuple[_Carts, list[list[int]]]] = []
    oversize_by_class: list[list[_Order]] = []
    for cls in _classes(prepared):
        fitting = [o for o in cls if not _oversize(o, capacity)]
        oversize_by_class.append([o for o in cls if _oversize(o, capacity)])
        carts = _Carts(fitting, capacity, lengths)
        pairs = _candidate_pairs(fitting, stride)
        _savings(carts, pairs)
        built.append((carts, _neighbour_lists(carts, pairs)))
    # Share what is left of the time between classes by their size.
    remaining_orders = sum(len(c.orders) for c, _ in built)
    for carts, neighbours in built:
        now = time.perf_counter()
        left = max(0.0, started + time_limit_s - now)
        share = left * len(carts.orders) / remaining_orders if remaining_orders else 0.0
        remaining_orders -= len(carts.orders)
        if share > 0 and len(carts.carts) > 1:
            _local_search(carts, neighbours, now + share, rng)
    result: list[tuple[list[_Order], bool]] = []
    for (carts, _), too_big in zip(built, oversize_by_class):
        class_carts = [([carts.orders[m] for m in cart.members], False) for cart in carts.carts.values()]
        class_carts += [([o], True) for o in too_big]
        class_carts.sort(key=lambda cart: min(o.index for o in cart[0]))
        result.extend(class_carts)
    return _finish(result, lengths)


def batch_orders(
    layout: Layout,
    orders: Sequence[BatchOrder],
    capacity: CartCapacity,
    *,
    method: BatchingMethod = "savings",
    time_limit_s: float = 2.0,
) -> BatchPlan:
    """Batch orders into carts with the named method (``savings`` or ``fcfs``)."""
    if method == "fcfs":
        return fcfs_batches(layout, orders, capacity)
    if method == "savings":
        return savings_batches(layout, orders, capacity, time_limit_s=time_limit_s)
    raise ValueError(f"unknown batching method {method!r} (use savings or fcfs)")
