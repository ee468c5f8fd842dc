"""Every figure of the fulfilment report, defined once.

Each figure is a function here whose docstring says exactly what it counts and which
time puts a record in the report period. The figures are computed from plain data:
order timelines (one per order, the first time it reached each status) and small
fact records that SQL aggregates produce (``oms_cli.metrics.facts``). The JSON, CSV,
table and PDF outputs all read the one report these functions build, so they cannot
disagree.

The period rule in one sentence: a record belongs to the period ``[since, until)``
by the time of the thing counted -- an order counts as *placed* by ``placed_at``, as
*shipped* by its first event to ``shipped``, a step by the time it ended, a pick list
by its completion, a scan, a parcel, a rating, a return, a message by their own time.

Pure module: no database, no I/O.
"""

from __future__ import annotations

import inspect
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any, NamedTuple, TypeVar

from oms_cli.metrics import stats
from oms_cli.metrics.periods import Bucket

# --- the registry: one entry per figure, carrying its docstring ---------------------------


@dataclass(frozen=True)
class Metric:
    """One figure of the report: where it appears, its unit and what it counts."""

    section: str
    figure: str
    unit: str
    doc: str
    #: whether the figure is an estimate that few orders make misleading (rates,
    #: medians, averages); plain counts are never marked
    sampled: bool = False


METRICS: dict[tuple[str, str], Metric] = {}

F = TypeVar("F", bound=Callable[..., Any])


def metric(
    section: str, figure: str, unit: str, *, sampled: bool = False, also: Sequence[tuple[str, str]] = ()
) -> Callable[[F], F]:
    """Register the decorated function as the one definition of a figure (and of the
    same figure shown in other sections, ``also``)."""

    def register(fn: F) -> F:
        doc = inspect.getdoc(fn) or ""
        if not doc:
            raise ValueError(f"metric {section}.{figure} has no docstring")
        for sec, fig in ((section, figure), *also):
            METRICS[(sec, fig)] = Metric(sec, fig, unit, doc, sampled)
        return fn

    return register


def describe(section: str, figure: str, unit: str, doc: str, *, sampled: bool = False) -> None:
    """Register a figure that is a plain field of a fact record (no computation of its own)."""
    METRICS[(section, figure)] = Metric(section, figure, unit, doc, sampled)


# --- the period ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The half-open interval ``[since, until)`` in naive UTC (``since`` None: from the start)."""

    since: datetime | None
    until: datetime

    def members(self, times: Sequence[datetime | None]) -> list[int]:
        """Positions of the times that fall inside the window (None never does)."""
        lo, hi = self.since or datetime.min, self.until
        return [i for i, at in enumerate(times) if at is not None and lo <= at < hi]


# --- order timelines ---------------------------------------------------------------------

#: the steps an order goes through, each (name, from milestone, to milestone)
STEPS: tuple[tuple[str, str, str], ...] = (
    ("release", "placed", "released"),
    ("pick", "released", "picked"),
    ("pack", "picked", "packed"),
    ("ship", "packed", "shipped"),
    ("deliver", "shipped", "delivered"),
)
STEP_NAMES = tuple(name for name, _, _ in STEPS)
#: the steps the shop does itself; delivery is the carrier's
IN_HOUSE_STEPS = ("release", "pick", "pack", "ship")


class OrderTimeline(NamedTuple):
    """When one order first reached each milestone (naive UTC; None if never)."""

    order_id: int
    ref: str
    channel: str
    service_level: str
    placed: datetime
    ship_by: datetime | None = None
    released: datetime | None = None
    picked: datetime | None = None
    packed: datetime | None = None
    shipped: datetime | None = None
    delivered: datetime | None = None
    cancelled: datetime | None = None


class Timelines:
    """Many order timelines held column by column: a report walks 100,000 orders once
    per figure, and a list per milestone is several times faster to walk than objects."""

    def __init__(self, timelines: Sequence[OrderTimeline]) -> None:
        columns = list(zip(*timelines)) if timelines else [() for _ in OrderTimeline._fields]
        self._set(columns)

    @classmethod
    def from_columns(cls, columns: Sequence[Sequence[Any]]) -> Timelines:
        """Timelines from one sequence per field of :class:`OrderTimeline`, in its order."""
        if len(columns) != len(OrderTimeline._fields):
            raise ValueError(f"expected {len(OrderTimeline._fields)} columns, got {len(columns)}")
        o = cls.__new__(cls)
        o._set(columns)
        return o

    def _set(self, columns: Sequence[Sequence[Any]]) -> None:
        self._members: dict[tuple[str, Window], list[int]] = {}
        self.size = len(columns[0])
        self.order_id: Sequence[int] = columns[0]
        self.ref: Sequence[str] = columns[1]
        self.channel: Sequence[str] = columns[2]
        self.service_level: Sequence[str] = columns[3]
        self.placed: Sequence[datetime] = columns[4]
        self.ship_by: Sequence[datetime | None] = columns[5]
        self.released: Sequence[datetime | None] = columns[6]
        self.picked: Sequence[datetime | None] = columns[7]
        self.packed: Sequence[datetime | None] = columns[8]
        self.shipped: Sequence[datetime | None] = columns[9]
        self.delivered: Sequence[datetime | None] = columns[10]
        self.cancelled: Sequence[datetime | None] = columns[11]

    def column(self, milestone: str) -> Sequence[datetime | None]:
        """The times of one milestone (``placed``, ``released``, … ``cancelled``)."""
        col: Sequence[datetime | None] = getattr(self, milestone)
        return col

    def members(self, milestone: str, w: Window) -> list[int]:
        """Positions of the orders whose ``milestone`` falls in the window (computed once
        per window: several figures count by the same milestone). Do not modify."""
        key = (milestone, w)
        if key not in self._members:
            self._members[key] = w.members(self.column(milestone))
        return self._members[key]

    def tally(self, positions: Iterable[int], key: str) -> Counter[str]:
        """How many of the orders at ``positions`` have each value of ``key`` (channel, service_level)."""
        return Counter(map(getattr(self, key).__getitem__, positions))


# --- volume -----------------------------------------------------------------------------


@metric("volume", "placed", "orders", also=[("series", "placed")])
def placed(o: Timelines, w: Window) -> list[int]:
    """Orders placed in the period, counted by ``orders.placed_at``."""
    return o.members("placed", w)


@metric("volume", "released", "orders")
def released(o: Timelines, w: Window) -> list[int]:
    """Orders released to the floor in the period: the time of the order's first event
    to status ``ready`` is in the period (a re-release after a hold is not counted again)."""
    return o.members("released", w)


@metric("volume", "shipped", "orders", also=[("series", "shipped"), ("promises", "shipped"), ("returns", "shipped")])
def shipped(o: Timelines, w: Window) -> list[int]:
    """Orders shipped in the period: the time of the order's first event to status
    ``shipped`` is in the period."""
    return o.members("shipped", w)


@metric("volume", "delivered", "orders")
def delivered(o: Timelines, w: Window) -> list[int]:
    """Orders delivered in the period: the time of the order's first event to status
    ``delivered`` is in the period."""
    return o.members("delivered", w)


@metric("volume", "cancelled", "orders")
def cancelled(o: Timelines, w: Window) -> list[int]:
    """Orders cancelled in the period: the time of the order's event to status
    ``cancelled`` is in the period."""
    return o.members("cancelled", w)


#: each volume figure, and the milestone whose time puts an order in a period (the
#: series buckets orders by the same time)
VOLUME_FIGURES: dict[str, Callable[[Timelines, Window], list[int]]] = {
    "placed": placed,
    "released": released,
    "shipped": shipped,
    "delivered": delivered,
    "cancelled": cancelled,
}


def volume(o: Timelines, w: Window) -> dict[str, Any]:
    """The volume figures, in all and per channel (channels sorted by name)."""
    members = {name: figure(o, w) for name, figure in VOLUME_FIGURES.items()}
    per_channel = {name: o.tally(ids, "channel") for name, ids in members.items()}
    channels = sorted(set().union(*per_channel.values())) if per_channel else []
    return {
        "all": {name: len(ids) for name, ids in members.items()},
        "by_channel": [{"channel": c, **{name: per_channel[name][c] for name in members}} for c in channels],
    }


# --- time in each step --------------------------------------------------------------------


@metric("steps", "orders", "orders")
def step_durations(o: Timelines, w: Window, step: str) -> list[float]:
    """Time in one step, in seconds, of each order whose step ended in the period
    (``steps.orders`` counts them). A step runs from the first time the order reached its start milestone to the first
    time it reached its end milestone (``placed`` is ``orders.placed_at``, ``released``
    the first event to ``ready``, then the first events to ``picked``, ``packed``,
    ``shipped``, ``delivered``). Orders that never reached the start, or whose end is
    recorded before the start, are left out."""
    start_ms, end_ms = next((a, b) for name, a, b in STEPS if name == step)
    lo, hi = w.since or datetime.min, w.until
    # One pass over both columns (no positions): this runs over every order five times.
    return [
        (end - start).total_seconds()
        for start, end in zip(o.column(start_ms), o.column(end_ms))
        if end is not None and lo <= end < hi and start is not None and end >= start
    ]


@metric("steps", "median_s", "seconds", sampled=True)
def step_median(durations: Sequence[float]) -> float | None:
    """The median time in the step over the orders whose step ended in the period:
    the nearest-rank 50th percentile (for an even count, the lower middle value), in
    whole seconds."""
    return stats.median(durations)


@metric("steps", "p90_s", "seconds", sampled=True)
def step_p90(durations: Sequence[float]) -> float | None:
    """The 90th percentile of time in the step (nearest rank: nine in ten of the orders
    whose step ended in the period took no longer), in whole seconds."""
    return stats.nearest_rank(durations, 90)


@metric("steps", "share", "ratio", sampled=True)
def step_shares(totals: dict[str, float]) -> dict[str, float | None]:
    """The step's share of all time in steps: the sum of its durations over the sum of
    the durations of every step, each over the orders whose step ended in the period."""
    return stats.shares(totals)


@metric("bottleneck", "step", "step", sampled=True)
def bottleneck_step(totals: dict[str, float]) -> str | None:
    """The bottleneck: the step with the largest share of all time in steps (delivery
    included); the earlier step on a tie; none when no step ended in the period."""
    return stats.bottleneck(totals)


@metric("bottleneck", "in_house_step", "step", sampled=True)
def in_house_bottleneck_step(totals: dict[str, float]) -> str | None:
    """The bottleneck among the steps the shop does itself (release, pick, pack, ship):
    the one with the largest total time, since delivery time is the carrier's."""
    return stats.bottleneck(totals, among=IN_HOUSE_STEPS)


def steps(o: Timelines, w: Window, min_orders: int) -> dict[str, Any]:
    """Median, 90th percentile, share and order count of each step, and the bottlenecks."""
    durations = {name: step_durations(o, w, name) for name in STEP_NAMES}
    for values in durations.values():
        # Sorted once here, the percentiles' own sorts are a linear pass over a sorted run.
        values.sort()
    totals = {name: float(sum(values)) for name, values in durations.items()}
    share = step_shares(totals)
    rows = []
    for name, start_ms, end_ms in STEPS:
        values = durations[name]
        rows.append(
            {
                "step": name,
                "from": start_ms,
                "to": end_ms,
                "orders": len(values),
                "median_s": _seconds(step_median(values)),
                "p90_s": _seconds(step_p90(values)),
                "share": share[name],
                "low_sample": stats.is_low_sample(len(values), min_orders),
            }
        )
    # The bottleneck compares every step, so it is only as sound as the best-measured one.
    basis = max(len(v) for v in durations.values())
    return {
        "steps": rows,
        "bottleneck": {
            "step": bottleneck_step(totals),
            "in_house_step": in_house_bottleneck_step(totals),
            "low_sample": stats.is_low_sample(basis, min_orders),
        },
    }


def _seconds(value: float | None) -> int | None:
    # Durations are reported to the whole second; sub-second precision is noise here.
    return None if value is None else int(round(value))


# --- promises -----------------------------------------------------------------------------


@metric("promises", "with_promise", "orders", also=[("series", "with_promise")])
def with_promise(o: Timelines, shipped_ids: Sequence[int]) -> list[int]:
    """Orders shipped in the period that had a ship-by time (``orders.ship_by``); the
    on-time rate is over these."""
    ship_by = o.ship_by
    return [i for i in shipped_ids if ship_by[i] is not None]


@metric("promises", "on_time", "orders", also=[("series", "on_time")])
def on_time(o: Timelines, promised_ids: Sequence[int]) -> list[int]:
    """Orders shipped in the period on time: the first event to ``shipped`` is at or
    before ``ship_by``."""
    shipped_, ship_by = o.shipped, o.ship_by
    return [i for i in promised_ids if shipped_[i] <= ship_by[i]]  # type: ignore[operator]


@metric("promises", "on_time_rate", "ratio", sampled=True, also=[("series", "on_time_rate")])
def on_time_rate(on_time_count: int, with_promise_count: int) -> float | None:
    """On-time ship rate: orders shipped on time over orders shipped in the period with
    a ship-by time. Orders not yet shipped are not in it (see ``overdue_now``)."""
    return stats.rate(on_time_count, with_promise_count)


describe(
    "promises",
    "overdue_now",
    "orders",
    "Orders overdue now: not yet shipped (status new, on_hold, ready, picking, picked or packed) "
    "with a ship-by time before the moment the report was made. Not limited to the period.",
)

#: service levels whose late orders are listed one by one
LISTED_WHEN_LATE = ("expedited", "next_day")


def promises(
    o: Timelines, w: Window, levels: Sequence[str], overdue: dict[str, int], min_orders: int
) -> dict[str, Any]:
    """The on-time figures in all and per service level (``levels`` first, then any
    other level met), with the overdue counts of the store now."""
    sent = shipped(o, w)
    promised = with_promise(o, sent)
    kept = on_time(o, promised)
    per = {
        name: o.tally(ids, "service_level")
        for name, ids in (("shipped", sent), ("with_promise", promised), ("on_time", kept))
    }
    others = sorted((set(per["shipped"]) | set(overdue)) - set(levels))

    def row(n_shipped: int, n_promised: int, n_kept: int, n_overdue: int) -> dict[str, Any]:
        return {
            "shipped": n_shipped,
            "with_promise": n_promised,
            "on_time": n_kept,
            "on_time_rate": on_time_rate(n_kept, n_promised),
            "overdue_now": n_overdue,
            "low_sample": stats.is_low_sample(n_promised, min_orders),
        }

    return {
        "all": row(len(sent), len(promised), len(kept), sum(overdue.values())),
        "by_service_level": [
            {
                "service_level": level,
                **row(per["shipped"][level], per["with_promise"][level], per["on_time"][level], overdue.get(level, 0)),
            }
            for level in [*levels, *others]
        ],
    }


@metric("late", "late_s", "seconds")
def late_orders(o: Timelines, w: Window) -> list[dict[str, Any]]:
    """Expedited and next-day orders shipped in the period after their ship-by time, one
    by one, earliest ship-by first; ``late_s`` is how long after ship-by the order's
    first event to ``shipped`` came."""
    promised = with_promise(o, shipped(o, w))
    kept = set(on_time(o, promised))
    late = [i for i in promised if i not in kept and o.service_level[i] in LISTED_WHEN_LATE]
    late.sort(key=lambda i: (o.ship_by[i], o.ref[i]))
    return [
        {
            "ref": o.ref[i],
            "service_level": o.service_level[i],
            "ship_by": o.ship_by[i],
            "shipped_at": o.shipped[i],
            "late_s": _seconds((o.shipped[i] - o.ship_by[i]).total_seconds()),  # type: ignore[operator]
        }
        for i in late
    ]


describe("late", "service_level", "text", "The late order's service level.")
describe("late", "ship_by", "time", "The late order's ship-by time (UTC).")
describe("late", "shipped_at", "time", "The time of the late order's first event to shipped (UTC).")


# --- picking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PickListFacts:
    """One pick list done in the period, with the sums of its allocations."""

    picker: str | None
    claimed_at: datetime | None
    completed_at: datetime
    distance_m: float
    lines: int  # allocations with picked_qty > 0
    units: int  # sum of picked_qty
    allocations: int
    short_lines: int  # allocations with short_qty > 0
    short_units: int


describe(
    "picking",
    "lists",
    "count",
    "Pick lists done (status done) whose completed_at is in the period. Picking covers every channel: a list serves orders of several.",
)
describe("picking", "orders", "orders", "Distinct orders with an allocation on those lists.")
describe(
    "picking",
    "lines",
    "count",
    "Pick lines picked on those lists: allocations (an order line's share of a stop) with picked_qty > 0.",
)
describe("picking", "units", "count", "Units picked on those lists: the sum of picked_qty of their allocations.")
describe("picking", "short_lines", "count", "Short picks on those lists: allocations with short_qty > 0.")


@metric("picking", "picker_hours", "hours")
def picker_hours(lists: Sequence[PickListFacts]) -> float:
    """Picker-hours: the sum over the lists done in the period of completed_at minus
    claimed_at, in hours (lists never claimed are left out)."""
    return (
        sum(
            (pl.completed_at - pl.claimed_at).total_seconds()
            for pl in lists
            if pl.claimed_at is not None and pl.completed_at >= pl.claimed_at
        )
        / 3600
    )


def _timed(lists: Sequence[PickListFacts]) -> list[PickListFacts]:
    return [pl for pl in lists if pl.claimed_at is not None and pl.completed_at >= pl.claimed_at]


@metric("picking", "lines_per_picker_hour", "per_hour", sampled=True)
def lines_per_picker_hour(lists: Sequence[PickListFacts]) -> float | None:
    """Pick lines picked per picker-hour, over the claimed lists done in the period
    (lines on lists with no claim time are not counted, as their time is unknown)."""
    timed = _timed(lists)
    return stats.rate(sum(pl.lines for pl in timed), picker_hours(timed))


@metric("picking", "units_per_picker_hour", "per_hour", sampled=True)
def units_per_picker_hour(lists: Sequence[PickListFacts]) -> float | None:
    """Units picked per picker-hour, over the claimed lists done in the period."""
    timed = _timed(lists)
    return stats.rate(sum(pl.units for pl in timed), picker_hours(timed))


@metric("picking", "distance_per_line_m", "m", sampled=True)
def distance_per_line(lists: Sequence[PickListFacts]) -> float | None:
    """Walking distance per pick line: the planned route length (``pick_lists.distance_m``)
    of the lists done in the period over the pick lines picked on them."""
    return stats.rate(sum(pl.distance_m for pl in lists), sum(pl.lines for pl in lists))


@metric("picking", "short_rate", "ratio", sampled=True)
def short_rate(lists: Sequence[PickListFacts]) -> float | None:
    """Share of allocations on the lists done in the period that were short
    (short_qty > 0)."""
    return stats.rate(sum(pl.short_lines for pl in lists), sum(pl.allocations for pl in lists))


def picking(lists: Sequence[PickListFacts], orders: int, min_orders: int) -> dict[str, Any]:
    """The picking figures of a set of done pick lists."""
    return {
        "lists": len(lists),
        "orders": orders,
        "lines": sum(pl.lines for pl in lists),
        "units": sum(pl.units for pl in lists),
        "picker_hours": picker_hours(lists),
        "lines_per_picker_hour": lines_per_picker_hour(lists),
        "units_per_picker_hour": units_per_picker_hour(lists),
        "distance_per_line_m": distance_per_line(lists),
        "short_lines": sum(pl.short_lines for pl in lists),
        "short_rate": short_rate(lists),
        "low_sample": stats.is_low_sample(orders, min_orders),
    }


# --- packing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyFacts:
    """Pack-verification scans in the period by result, and wrong-item returns."""

    orders: int = 0  # distinct orders with an ok scan
    ok: int = 0
    wrong: int = 0
    extra: int = 0
    unknown: int = 0
    wrong_item_returns: int = 0


describe("packing", "orders", "orders", "Orders verified: distinct orders with an ok verification scan in the period.")
describe("packing", "items_verified", "count", "Items verified: scans in the period with result ok.")
describe("packing", "wrong", "count", "Scans in the period with result wrong (an item the order does not need).")
describe("packing", "extra", "count", "Scans in the period with result extra (more of an item than the order needs).")
describe("packing", "unknown", "count", "Scans in the period of a code no product has (not counted as mismatches).")
describe("packing", "wrong_item_returns", "count", "Returns opened in the period with reason wrong_item.")


@metric("packing", "mismatches_per_1000", "per_1000", sampled=True)
def mismatches_per_1000(v: VerifyFacts) -> float | None:
    """Verify mismatches per 1,000 items: scans with result wrong or extra per 1,000
    items verified (scans with result ok), all in the period."""
    return stats.per_thousand(v.wrong + v.extra, v.ok)


@metric("packing", "accuracy", "ratio", sampled=True)
def accuracy(v: VerifyFacts) -> float | None:
    """Accuracy: 1 - (verify mismatches + wrong-item returns) / items verified, with
    mismatches the wrong and extra scans in the period, wrong-item returns the returns
    opened in the period with reason wrong_item, items verified the ok scans in the
    period; never below 0."""
    r = stats.rate(v.wrong + v.extra + v.wrong_item_returns, v.ok)
    return None if r is None else max(0.0, 1 - r)


def packing(v: VerifyFacts, min_orders: int) -> dict[str, Any]:
    """The packing figures."""
    return {
        "orders": v.orders,
        "items_verified": v.ok,
        "wrong": v.wrong,
        "extra": v.extra,
        "unknown": v.unknown,
        "mismatches_per_1000": mismatches_per_1000(v),
        "wrong_item_returns": v.wrong_item_returns,
        "accuracy": accuracy(v),
        "low_sample": stats.is_low_sample(v.orders, min_orders),
    }


# --- packaging ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BoxFacts:
    """Packages of one box packed in the period."""

    box: str
    packages: int
    fill_sum: float  # sum of fill_pct over packages that have one
    fill_count: int


@dataclass(frozen=True)
class WeightFacts:
    """Weights of the packages packed in the period that have a billable weight."""

    orders: int = 0  # distinct orders with a package packed in the period
    packages: int = 0  # packages with billable_weight_g
    actual_g: int = 0
    billable_g: int = 0
    dim_weighted: int = 0  # packages billed above their actual weight
    extra_g: int = 0


describe("boxes", "packages", "count", "Packages packed in the period (packages.packed_at) in each box, and in all.")


@metric("boxes", "share", "ratio")
def box_share(packages: int, all_packages: int) -> float | None:
    """The box's share of the packages packed in the period."""
    return stats.rate(packages, all_packages)


@metric("boxes", "mean_fill_pct", "pct", sampled=True)
def mean_fill(fill_sum: float, fill_count: int) -> float | None:
    """Mean fill: the average fill_pct (percent of the box volume the items take) of the
    packages packed in the period that have one."""
    return stats.rate(fill_sum, fill_count)


describe(
    "weight",
    "orders",
    "orders",
    "Distinct orders with a package packed in the period (the basis of the weight figures).",
)
describe("weight", "packages", "count", "Packages packed in the period with a billable weight recorded.")
describe(
    "weight",
    "actual_kg",
    "kg",
    "Their actual weight: measured_weight_g when weighed, else the computed weight_g; summed, in kg.",
)
describe(
    "weight",
    "billable_kg",
    "kg",
    "Their billable weight (billable_weight_g, the larger of actual and dimensional weight), summed, in kg.",
)
describe(
    "weight",
    "dim_weighted",
    "count",
    "Of those packages, how many were billed above their actual weight (dimensional weight applied).",
)
describe(
    "weight",
    "extra_billable_kg",
    "kg",
    "What dimensional weight cost: billable minus actual weight, summed over the dim-weighted packages, in kg.",
)


@metric("weight", "extra_billable_share", "ratio", sampled=True)
def extra_billable_share(w: WeightFacts) -> float | None:
    """Extra weight billed because of dimensional weight, as a share of the actual
    weight of the packages packed in the period that have a billable weight."""
    return stats.rate(w.extra_g, w.actual_g)


def packaging(boxes: Sequence[BoxFacts], w: WeightFacts, min_orders: int) -> dict[str, Any]:
    """Box usage and fill, and billable against actual weight."""
    total = sum(b.packages for b in boxes)
    rows = [
        {
            "box": b.box,
            "packages": b.packages,
            "share": box_share(b.packages, total),
            "mean_fill_pct": mean_fill(b.fill_sum, b.fill_count),
            "low_sample": stats.is_low_sample(b.packages, min_orders),
        }
        for b in sorted(boxes, key=lambda b: (-b.packages, b.box))
    ]
    fill_sum = sum(b.fill_sum for b in boxes)
    fill_count = sum(b.fill_count for b in boxes)
    return {
        "boxes": rows,
        "all": {
            "packages": total,
            "share": box_share(total, total),
            "mean_fill_pct": mean_fill(fill_sum, fill_count),
            "low_sample": stats.is_low_sample(w.orders, min_orders),
        },
        "weight": {
            "orders": w.orders,
            "packages": w.packages,
            "actual_kg": w.actual_g / 1000,
            "billable_kg": w.billable_g / 1000,
            "dim_weighted": w.dim_weighted,
            "extra_billable_kg": w.extra_g / 1000,
            "extra_billable_share": extra_billable_share(w),
            "low_sample": stats.is_low_sample(w.orders, min_orders),
        },
    }


# --- shipping cost ----------------------------------------------------------------------


@dataclass(frozen=True)
class ShippingCostFacts:
    """Orders of one currency whose first parcel shipped in the period, and their sums."""

    currency: str | None
    orders: int
    cost_minor: int  # sum of packages.cost_minor of all their parcels
    charged_minor: int  # sum of orders.shipping_minor (none recorded counts as 0)


describe(
    "shipping_cost",
    "orders",
    "orders",
    "Orders whose first parcel shipped in the period (MIN(packages.shipped_at)) with a cost on every parcel, per currency.",
)


def _per_order(total_minor: int, orders: int, exponent: int) -> Decimal | None:
    if not orders:
        return None
    scale = Decimal(10) ** exponent
    return (Decimal(total_minor) / scale / orders).quantize(Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_UP)


@metric("shipping_cost", "cost_per_order", "money", sampled=True)
def cost_per_order(s: ShippingCostFacts, exponent: int) -> Decimal | None:
    """Shipping cost paid per order: the sum of packages.cost_minor over all parcels of
    those orders, over the number of orders (rounded half up to the currency's minor unit)."""
    return _per_order(s.cost_minor, s.orders, exponent)


@metric("shipping_cost", "charged_per_order", "money", sampled=True)
def charged_per_order(s: ShippingCostFacts, exponent: int) -> Decimal | None:
    """Shipping charged per order: the sum of orders.shipping_minor of those orders (none
    recorded counts as 0, i.e. free shipping), over the number of orders."""
    return _per_order(s.charged_minor, s.orders, exponent)


@metric("shipping_cost", "margin_per_order", "money", sampled=True)
def margin_per_order(s: ShippingCostFacts, exponent: int) -> Decimal | None:
    """Shipping charged minus shipping cost, per order (negative: shipping loses money)."""
    return _per_order(s.charged_minor - s.cost_minor, s.orders, exponent)


@dataclass(frozen=True)
class DimWeightCostFacts:
    """Packages of one currency packed in the period whose booked service the rate cards price."""

    currency: str | None
    packages: int
    lost_minor: int  # sum over them of (price at the billable weight - price at the actual weight)


describe(
    "dim_weight_cost",
    "packages",
    "count",
    "Packages packed in the period whose carrier service (booked at pack time or given to oms ship) "
    "the rate cards (oms rates import) price, in this currency.",
)


@metric("dim_weight_cost", "lost", "money")
def dim_weight_lost(s: DimWeightCostFacts, exponent: int) -> Decimal:
    """Money lost to dimensional weight: over those packages, the booked service's price at the
    billable weight minus its price at the actual weight (measured if weighed)."""
    return (Decimal(s.lost_minor) / (Decimal(10) ** exponent)).quantize(Decimal(1).scaleb(-exponent))


@metric("dim_weight_cost", "lost_per_package", "money", sampled=True)
def dim_weight_lost_per_package(s: DimWeightCostFacts, exponent: int) -> Decimal | None:
    """Money lost to dimensional weight per package: lost over the number of those packages."""
    return _per_order(s.lost_minor, s.packages, exponent)


# --- after delivery -----------------------------------------------------------------------


describe("feedback", "responses", "count", "Ratings (feedback rows) given in the period (feedback.at).")
describe("ratings", "responses", "count", "Ratings given in the period with this number of stars.")


@metric("feedback", "average", "rating", sampled=True)
def average_rating(distribution: dict[int, int]) -> float | None:
    """Average rating (1-5) of the ratings given in the period: the sum of stars over
    the number of ratings."""
    return stats.rate(sum(stars * n for stars, n in distribution.items()), sum(distribution.values()))


@metric("ratings", "share", "ratio", sampled=True)
def rating_share(count: int, responses: int) -> float | None:
    """Share of the ratings given in the period that have this number of stars."""
    return stats.rate(count, responses)


describe(
    "problems", "open_now", "count", "Problems open now (status open), whenever opened; not limited to the period."
)
describe("problems", "opened", "count", "Problems opened in the period (problems.opened_at).")

describe("returns", "returned", "orders", "Of those, orders with at least one return (opened at any time).")


@metric("returns", "rate", "ratio", sampled=True)
def returns_rate(returned: int, shipped: int) -> float | None:
    """Returns rate: of the orders shipped in the period, the share with at least one
    return (so a recent period's rate still grows as returns come in)."""
    return stats.rate(returned, shipped)


describe("return_reasons", "returns", "count", "Returns opened in the period (returns.opened_at) with this reason.")

# --- notifications ------------------------------------------------------------------------

describe("notifications", "sent", "count", "Customer messages created in the period (outbox.created_at) now sent.")
describe("notifications", "failed", "count", "Customer messages created in the period that failed for good.")
describe(
    "notifications",
    "queued",
    "count",
    "Customer messages created in the period not yet sent (queued, or being sent now).",
)


# --- the series ---------------------------------------------------------------------------


def series(o: Timelines, w: Window, buckets: Sequence[Bucket], min_orders: int) -> list[dict[str, Any]]:
    """Placed, shipped and on-time figures per bucket, each by the same definition as
    the whole-period figure, bucketed by the same time (placed by placed_at, the rest by
    the first event to shipped)."""
    # Bucket bounds in naive UTC, as the timelines are, so a bisect finds the bucket.
    starts = [b.start.replace(tzinfo=None) for b in buckets]

    def per_bucket(ids: Iterable[int], times: Sequence[datetime | None]) -> Counter[int]:
        # Bucket n holds the times from starts[n] on: bisect_right gives n + 1.
        return Counter(map(partial(bisect_right, starts), map(times.__getitem__, ids)))

    sent = shipped(o, w)
    promised = with_promise(o, sent)
    counts = {
        "placed": per_bucket(placed(o, w), o.placed),
        "shipped": per_bucket(sent, o.shipped),
        "with_promise": per_bucket(promised, o.shipped),
        "on_time": per_bucket(on_time(o, promised), o.shipped),
    }
    rows = []
    for n, b in enumerate(buckets):
        c = {name: counter[n + 1] for name, counter in counts.items()}
        rows.append(
            {
                "period": b.label,
                "start": b.start,
                **c,
                "on_time_rate": on_time_rate(c["on_time"], c["with_promise"]),
                "low_sample": stats.is_low_sample(c["with_promise"], min_orders),
            }
        )
    return rows
