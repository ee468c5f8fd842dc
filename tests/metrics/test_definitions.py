"""The figure definitions on hand-built data, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from oms_cli.metrics import definitions as d
from oms_cli.metrics.periods import buckets

T0 = datetime(2024, 3, 4)  # naive UTC, as the timelines are


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def order(
    n: int,
    placed: float,
    level: str = "standard",
    channel: str = "web",
    ship_by: float | None = None,
    **milestones: float,
) -> d.OrderTimeline:
    return d.OrderTimeline(
        n,
        f"{channel}:{n}",
        channel,
        level,
        h(placed),
        None if ship_by is None else h(ship_by),
        **{k: h(v) for k, v in milestones.items()},
    )


WEEK = d.Window(h(0), h(168))


def test_window_is_half_open() -> None:
    assert WEEK.members([h(-1), h(0), h(167.9), h(168), None]) == [1, 2]
    assert d.Window(None, h(1)).members([h(-1000), h(1)]) == [0]


def test_volume_counts_each_order_by_its_own_milestone() -> None:
    o = d.Timelines(
        [
            order(1, 0, channel="a", released=1, shipped=5),
            order(2, -10, channel="b", released=-9, shipped=2, delivered=30),
            order(3, 20, channel="a", cancelled=21),
            order(4, 170, channel="b", released=171),
        ]
    )
    v = d.volume(o, WEEK)
    assert v["all"] == {"placed": 2, "released": 1, "shipped": 2, "delivered": 1, "cancelled": 1}
    assert v["by_channel"] == [
        {"channel": "a", "placed": 2, "released": 1, "shipped": 1, "delivered": 0, "cancelled": 1},
        {"channel": "b", "placed": 0, "released": 0, "shipped": 1, "delivered": 1, "cancelled": 0},
    ]


def test_volume_of_no_orders() -> None:
    assert d.volume(d.Timelines([]), WEEK) == {
        "all": {"placed": 0, "released": 0, "shipped": 0, "delivered": 0, "cancelled": 0},
        "by_channel": [],
    }


def test_step_durations_need_both_ends_in_order() -> None:
    o = d.Timelines(
        [
            order(1, 0, released=2, picked=5),
            order(2, 0, picked=3),  # never released: no pick step
            order(3, 0, released=10, picked=9),  # picked recorded before release: left out
            order(4, -50, released=-40, picked=1),  # started before the week, ended in it: counted
            order(5, 100, released=150, picked=200),  # ended after the week
        ]
    )
    assert d.step_durations(o, WEEK, "pick") == [3 * 3600, 41 * 3600]
    assert d.step_durations(o, WEEK, "release") == [2 * 3600, 10 * 3600, 50 * 3600]


def test_steps_medians_shares_and_bottlenecks() -> None:
    o = d.Timelines(
        [order(i, 0, released=1, picked=1 + i, packed=2 + i, shipped=3 + i, delivered=100) for i in range(1, 5)]
    )
    s = d.steps(o, WEEK, min_orders=5)
    rows = {r["step"]: r for r in s["steps"]}
    assert (rows["pick"]["median_s"], rows["pick"]["p90_s"]) == (2 * 3600, 4 * 3600)  # picks of 1 2 3 4 h
    assert rows["deliver"]["median_s"] == 94 * 3600  # the lower middle of 93 94 95 96 h
    assert sum(r["share"] for r in s["steps"]) == pytest.approx(1)
    assert s["bottleneck"] == {"step": "deliver", "in_house_step": "pick", "low_sample": True}


def test_promises_per_service_level_and_the_late_list() -> None:
    o = d.Timelines(
        [
            order(1, 0, "standard", ship_by=48, shipped=10),
            order(2, 0, "expedited", ship_by=24, shipped=30),
            order(3, 0, "next_day", ship_by=10, shipped=10),  # at ship-by exactly: on time
            order(4, 0, "freight", ship_by=20, shipped=21),  # a level oms does not know yet
            order(5, 0, "next_day", ship_by=5, shipped=8),
            order(6, 0, "standard", shipped=3),  # no promise
        ]
    )
    p = d.promises(o, WEEK, ("standard", "expedited", "next_day"), {"standard": 2}, min_orders=2)
    assert p["all"] == {
        "shipped": 6,
        "with_promise": 5,
        "on_time": 2,
        "on_time_rate": 0.4,
        "overdue_now": 2,
        "low_sample": False,
    }
    assert [(x["service_level"], x["with_promise"], x["on_time"], x["low_sample"]) for x in p["by_service_level"]] == [
        ("standard", 1, 1, True),
        ("expedited", 1, 0, True),
        ("next_day", 2, 1, False),
        ("freight", 1, 0, True),
    ]
    late = d.late_orders(o, WEEK)
    assert [(x["ref"], x["late_s"]) for x in late] == [
        ("web:5", 3 * 3600),
        ("web:2", 6 * 3600),
    ]  # earliest ship-by first


def test_series_buckets_by_the_same_times() -> None:
    o = d.Timelines(
        [
            order(1, 1, ship_by=30, shipped=20),
            order(2, 23, ship_by=30, shipped=40),
            order(3, 25, ship_by=50, shipped=49),
            order(4, 200, shipped=201),  # after the window: in no bucket
        ]
    )
    bs = buckets(h(0).replace(tzinfo=UTC), h(72).replace(tzinfo=UTC), "day", UTC)
    s = d.series(o, d.Window(h(0), h(72)), bs, min_orders=1)
    assert [
        (x["period"], x["placed"], x["shipped"], x["with_promise"], x["on_time"], x["on_time_rate"]) for x in s
    ] == [
        ("2024-03-04", 2, 1, 1, 1, 1.0),
        ("2024-03-05", 1, 1, 1, 0, 0.0),
        ("2024-03-06", 0, 1, 1, 1, 1.0),
    ]


def pick_list(
    picker: str | None,
    claimed: float | None,
    completed: float,
    distance: float,
    lines: int,
    units: int,
    allocations: int,
    short: int,
) -> d.PickListFacts:
    return d.PickListFacts(
        picker, None if claimed is None else h(claimed), h(completed), distance, lines, units, allocations, short, short
    )


def test_picking_rates_use_only_lists_with_a_known_time() -> None:
    lists = [
        pick_list("ana", 0, 0.5, 100, 10, 20, 11, 1),
        pick_list("ana", 1, 2, 50, 5, 5, 5, 0),
        pick_list(None, None, 3, 30, 4, 4, 4, 2),  # never claimed: no time known
        pick_list("ben", 5, 4, 10, 1, 1, 1, 0),  # completed before claimed: no time either
    ]
    p = d.picking(lists, orders=7, min_orders=5)
    assert p["picker_hours"] == 1.5
    assert p["lines_per_picker_hour"] == pytest.approx(15 / 1.5)
    assert p["units_per_picker_hour"] == pytest.approx(25 / 1.5)
    assert p["distance_per_line_m"] == pytest.approx(190 / 20)
    assert (p["lines"], p["units"], p["short_lines"], p["lists"]) == (20, 30, 3, 4)
    assert p["short_rate"] == pytest.approx(3 / 21)
    assert d.picking([], orders=0, min_orders=5)["lines_per_picker_hour"] is None


def test_packing_accuracy() -> None:
    v = d.VerifyFacts(orders=10, ok=1000, wrong=2, extra=1, unknown=4, wrong_item_returns=3)
    assert d.mismatches_per_1000(v) == pytest.approx(3.0)
    assert d.accuracy(v) == pytest.approx(1 - 6 / 1000)
    assert d.accuracy(d.VerifyFacts(ok=2, wrong=5)) == 0.0  # never below nothing
    assert d.accuracy(d.VerifyFacts()) is None


def test_packaging() -> None:
    boxes = [d.BoxFacts("S", 3, 120.0, 2), d.BoxFacts("M", 1, 0.0, 0)]
    w = d.WeightFacts(orders=4, packages=4, actual_g=4000, billable_g=5000, dim_weighted=2, extra_g=1000)
    p = d.packaging(boxes, w, min_orders=5)
    assert p["all"] == {"packages": 4, "share": 1.0, "mean_fill_pct": 60.0, "low_sample": True}
    assert [(b["box"], b["share"], b["mean_fill_pct"]) for b in p["boxes"]] == [("S", 0.75, 60.0), ("M", 0.25, None)]
    assert p["weight"]["extra_billable_share"] == 0.25 and p["weight"]["billable_kg"] == 5.0


@pytest.mark.parametrize(
    ("exponent", "cost", "charged", "orders", "expected"),
    [
        (2, 1001, 1500, 2, (Decimal("5.01"), Decimal("7.50"), Decimal("2.50"))),  # 5.005 rounds half up
        (0, 1001, 1500, 2, (Decimal("501"), Decimal("750"), Decimal("250"))),  # JPY has no minor unit
        (2, 300, 0, 3, (Decimal("1.00"), Decimal("0.00"), Decimal("-1.00"))),
    ],
)
def test_shipping_cost_per_order(
    exponent: int, cost: int, charged: int, orders: int, expected: tuple[Decimal, ...]
) -> None:
    s = d.ShippingCostFacts("X", orders, cost, charged)
    assert (
        d.cost_per_order(s, exponent),
        d.charged_per_order(s, exponent),
        d.margin_per_order(s, exponent),
    ) == expected


def test_ratings_and_returns() -> None:
    assert d.average_rating({5: 2, 4: 1, 2: 1}) == 4.0
    assert d.average_rating({}) is None
    assert d.returns_rate(1, 4) == 0.25 and d.returns_rate(0, 0) is None


def test_a_metric_without_a_docstring_is_refused() -> None:
    with pytest.raises(ValueError):

        @d.metric("test", "undocumented", "count")
        def undocumented() -> int:
            return 0

    assert ("test", "undocumented") not in d.METRICS
