"""`oms report` over the fixed history of conftest.py: every figure checked against a
value worked out by hand from the history's table, then empty periods, a period with
one order, the channel filter, the low-sample marks and the bad-input cases."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tests.conftest import store_digest
from tests.metrics.conftest import WEEK

H = 3600


def approx(x: float | Fraction) -> object:
    """A float figure compared with an exact hand-computed fraction."""
    return pytest.approx(float(x), rel=1e-12)


@pytest.fixture
def week(history, oms):  # type: ignore[no-untyped-def]
    """The report of the fixed history's week, as JSON."""
    r = oms("--json", "report", *WEEK, "--by", "day")
    assert r.exit_code == 0, r.stderr
    return r.json()


def test_period(week) -> None:  # type: ignore[no-untyped-def]
    p = week["period"]
    assert (p["since"], p["until"], p["by"], p["channel"], p["timezone"]) == (
        "2024-03-04T00:00:00Z",
        "2024-03-11T00:00:00Z",
        "day",
        None,
        "UTC",
    )
    assert week["min_orders"] == 5


def test_volume(week) -> None:  # type: ignore[no-untyped-def]
    # placed O1 O2 O3 O4 O5 O7 O9; released (first ready) O1 O2 O3 O4 O7 O9 (O9's second
    # ready is not counted again; O6's was before the week, O8's after); shipped O1 O2 O3
    # O6 O7 O9; delivered O1 O2 O3 O6 (O7 after the week); cancelled O5.
    assert week["volume"]["all"] == {"placed": 7, "released": 6, "shipped": 6, "delivered": 4, "cancelled": 1}
    assert week["volume"]["by_channel"] == [
        {"channel": "amazon", "placed": 2, "released": 2, "shipped": 1, "delivered": 1, "cancelled": 0},
        {"channel": "ebay", "placed": 1, "released": 1, "shipped": 1, "delivered": 0, "cancelled": 0},
        {"channel": "etsy", "placed": 1, "released": 0, "shipped": 0, "delivered": 0, "cancelled": 1},
        {"channel": "shopify", "placed": 3, "released": 3, "shipped": 4, "delivered": 3, "cancelled": 0},
    ]


def test_time_in_each_step(week) -> None:  # type: ignore[no-untyped-def]
    steps = {s["step"]: s for s in week["steps"]}
    assert [s["step"] for s in week["steps"]] == ["release", "pick", "pack", "ship", "deliver"]
    # release: 2 2 4 1 1 1 h; pick: 2 6 1 3 1 6 h; pack: 1 h six times;
    # ship: 5 20 4 65 1 1 h (O6 packed before the week, shipped in it); deliver: 24 24 48 24 h.
    expected = {
        "release": (6, 1, 4, 11),
        "pick": (6, 2, 6, 19),
        "pack": (6, 1, 1, 6),
        "ship": (6, 4, 65, 96),
        "deliver": (4, 24, 48, 120),
    }
    total = sum(t for *_, t in expected.values())
    for name, (n, median_h, p90_h, total_h) in expected.items():
        s = steps[name]
        assert (s["orders"], s["median_s"], s["p90_s"]) == (n, median_h * H, p90_h * H), name
        assert s["share"] == approx(Fraction(total_h, total)), name
        assert s["low_sample"] is (n < 5), name
    assert week["bottleneck"] == {"step": "deliver", "in_house_step": "ship", "low_sample": False}


def test_promises(week) -> None:  # type: ignore[no-untyped-def]
    # shipped in the week with a ship-by: O1 O2 O3 O6 O9 (O7 has none); on time O1 O3 O9.
    # overdue now: O4 (packed) and O8 (ready), both standard, ship-by long past.
    assert week["promises"]["all"] == {
        "shipped": 6,
        "with_promise": 5,
        "on_time": 3,
        "on_time_rate": 0.6,
        "overdue_now": 2,
        "low_sample": False,
    }
    levels = {x["service_level"]: x for x in week["promises"]["by_service_level"]}
    assert [x["service_level"] for x in week["promises"]["by_service_level"]] == ["standard", "expedited", "next_day"]
    std = levels["standard"]
    assert (std["shipped"], std["with_promise"], std["on_time"], std["overdue_now"], std["low_sample"]) == (
        4,
        3,
        2,
        2,
        True,
    )
    assert std["on_time_rate"] == approx(Fraction(2, 3))
    assert levels["expedited"] == {
        "service_level": "expedited",
        "shipped": 1,
        "with_promise": 1,
        "on_time": 0,
        "on_time_rate": 0.0,
        "overdue_now": 0,
        "low_sample": True,
    }
    assert levels["next_day"] == {
        "service_level": "next_day",
        "shipped": 1,
        "with_promise": 1,
        "on_time": 1,
        "on_time_rate": 1.0,
        "overdue_now": 0,
        "low_sample": True,
    }
    # O6 was late too, but it is standard: only expedited and next-day are listed.
    assert week["late"] == [
        {
            "ref": "shopify:2",
            "service_level": "expedited",
            "ship_by": "2024-03-05T01:00:00Z",
            "shipped_at": "2024-03-05T06:00:00Z",
            "late_s": 5 * H,
        }
    ]


def test_picking(week) -> None:  # type: ignore[no-untyped-def]
    p = week["picking"]
    assert p["all_channels"] is True
    a = p["all"]
    # Lists done in the week: 1 (ana, 1 h), 2 (ben, 2 h), 5 (cara, never claimed).
    assert (a["lists"], a["orders"], a["lines"], a["units"], a["short_lines"]) == (3, 6, 6, 11, 2)
    assert a["picker_hours"] == approx(3)
    assert a["lines_per_picker_hour"] == approx(Fraction(5, 3))  # list 5's line has no time
    assert a["units_per_picker_hour"] == approx(Fraction(10, 3))
    assert a["distance_per_line_m"] == approx(30)  # (60 + 90 + 30) m / 6 lines
    assert a["short_rate"] == approx(Fraction(2, 7))
    assert a["low_sample"] is False
    pickers = {x["picker"]: x for x in p["by_picker"]}
    assert list(pickers) == ["ana", "ben", "cara"]
    ana, ben, cara = pickers["ana"], pickers["ben"], pickers["cara"]
    assert (
        ana["lists"],
        ana["orders"],
        ana["lines"],
        ana["units"],
        ana["picker_hours"],
        ana["lines_per_picker_hour"],
        ana["distance_per_line_m"],
    ) == (1, 3, 3, 5, 1, 3, 20)
    assert ana["short_rate"] == approx(Fraction(1, 3)) and ana["low_sample"] is True
    assert (
        ben["lists"],
        ben["orders"],
        ben["lines"],
        ben["units"],
        ben["picker_hours"],
        ben["lines_per_picker_hour"],
        ben["units_per_picker_hour"],
        ben["distance_per_line_m"],
    ) == (1, 3, 2, 5, 2, 1, 2.5, 45)
    assert (
        cara["picker_hours"],
        cara["lines_per_picker_hour"],
        cara["units_per_picker_hour"],
        cara["distance_per_line_m"],
        cara["short_rate"],
    ) == (0, None, None, 30, 0)


def test_packing(week) -> None:  # type: ignore[no-untyped-def]
    k = week["packing"]
    assert (
        k["orders"],
        k["items_verified"],
        k["wrong"],
        k["extra"],
        k["unknown"],
        k["wrong_item_returns"],
        k["low_sample"],
    ) == (4, 9, 1, 1, 1, 1, True)
    assert k["mismatches_per_1000"] == approx(Fraction(2000, 9))
    assert k["accuracy"] == approx(1 - Fraction(3, 9))


def test_packaging(week) -> None:  # type: ignore[no-untyped-def]
    pk = week["packaging"]
    assert pk["all"] == {"packages": 7, "share": 1.0, "mean_fill_pct": 57.5, "low_sample": False}
    assert [(b["box"], b["packages"], b["mean_fill_pct"], b["low_sample"]) for b in pk["boxes"]] == [
        ("M", 3, 60.0, True),
        ("S", 3, 60.0, True),
        ("L", 1, 45.0, True),
    ]
    assert [b["share"] for b in pk["boxes"]] == [approx(Fraction(3, 7)), approx(Fraction(3, 7)), approx(Fraction(1, 7))]
    w = pk["weight"]
    assert (w["orders"], w["packages"], w["dim_weighted"], w["low_sample"]) == (6, 6, 3, False)
    assert (w["actual_kg"], w["billable_kg"], w["extra_billable_kg"]) == (approx(4.53), approx(5.36), approx(0.83))
    assert w["extra_billable_share"] == approx(Fraction(830, 4530))


def test_shipping_cost(week) -> None:  # type: ignore[no-untyped-def]
    # EUR: O1 4.50, O2 5.20 + 3.80, O3 8.90, O6 7.00 paid; 4.95 + 6.95 + 0 + 3.95 charged.
    # O9's parcel has no cost, so O9 is left out; O7 is the one GBP order.
    assert week["shipping_cost"] == [
        {
            "currency": "EUR",
            "orders": 4,
            "cost_per_order": "7.35",
            "charged_per_order": "3.96",
            "margin_per_order": "-3.39",
            "low_sample": True,
        },
        {
            "currency": "GBP",
            "orders": 1,
            "cost_per_order": "6.00",
            "charged_per_order": "5.00",
            "margin_per_order": "-1.00",
            "low_sample": True,
        },
    ]


def test_after_delivery_and_notifications(week) -> None:  # type: ignore[no-untyped-def]
    assert week["feedback"] == {"responses": 4, "average": 4.0, "low_sample": True}
    assert [(r["stars"], r["responses"], r["share"]) for r in week["ratings"]] == [
        (5, 2, 0.5),
        (4, 1, 0.25),
        (3, 0, 0.0),
        (2, 1, 0.25),
        (1, 0, 0.0),
    ]
    assert week["problems"] == {"open_now": 2, "opened": 2}
    assert week["returns"] == {"shipped": 6, "returned": 3, "rate": 0.5, "low_sample": False}
    assert week["return_reasons"] == [
        {"reason": "damaged_in_transit", "returns": 1},
        {"reason": "wrong_item", "returns": 1},
    ]
    assert week["notifications"] == {"sent": 2, "failed": 1, "queued": 2}


def test_series_by_day(week) -> None:  # type: ignore[no-untyped-def]
    s = week["series"]
    assert [x["period"] for x in s] == [f"2024-03-{d:02d}" for d in range(4, 11)]
    assert [x["start"] for x in s] == [f"2024-03-{d:02d}T00:00:00Z" for d in range(4, 11)]
    assert [x["placed"] for x in s] == [3, 2, 1, 0, 1, 0, 0]
    assert [x["shipped"] for x in s] == [3, 1, 1, 0, 1, 0, 0]
    assert [x["with_promise"] for x in s] == [3, 1, 1, 0, 0, 0, 0]
    assert [x["on_time"] for x in s] == [2, 0, 1, 0, 0, 0, 0]
    assert [x["on_time_rate"] for x in s] == [approx(Fraction(2, 3)), 0.0, 1.0, None, None, None, None]
    assert all(x["low_sample"] for x in s)
    # The series adds up to the whole period.
    assert sum(x["placed"] for x in s) == week["volume"]["all"]["placed"]
    assert sum(x["shipped"] for x in s) == week["volume"]["all"]["shipped"]


def test_series_by_week_in_the_shops_time_zone(history, oms, config_file) -> None:  # type: ignore[no-untyped-def]
    # In New York the week starts five hours after T0: O1 O2 O3 (placed 0-2 h UTC) fall
    # in the shop's previous week.
    config_file({"schedule": {"timezone": "America/New_York"}})
    r = oms("--json", "report", *WEEK, "--by", "week")
    assert r.exit_code == 0, r.stderr
    s = r.json()["series"]
    assert [(x["period"], x["start"], x["placed"]) for x in s] == [
        ("2024-W09", "2024-02-26T05:00:00Z", 3),
        ("2024-W10", "2024-03-04T05:00:00Z", 4),
    ]


def test_channel_filter(history, oms) -> None:  # type: ignore[no-untyped-def]
    r = oms("--json", "report", *WEEK, "--channel", "amazon")
    assert r.exit_code == 0, r.stderr
    j = r.json()
    assert j["period"]["channel"] == "amazon"
    assert j["volume"]["all"] == {"placed": 2, "released": 2, "shipped": 1, "delivered": 1, "cancelled": 0}
    assert [c["channel"] for c in j["volume"]["by_channel"]] == ["amazon"]
    assert {s["step"]: s["orders"] for s in j["steps"]} == {"release": 2, "pick": 2, "pack": 2, "ship": 1, "deliver": 1}
    assert j["promises"]["all"]["on_time_rate"] == 1.0 and j["promises"]["all"]["overdue_now"] == 1
    assert (j["packing"]["items_verified"], j["packing"]["extra"], j["packing"]["wrong_item_returns"]) == (1, 1, 0)
    assert j["problems"] == {"open_now": 0, "opened": 0}
    assert j["shipping_cost"] == [
        {
            "currency": "EUR",
            "orders": 1,
            "cost_per_order": "8.90",
            "charged_per_order": "0.00",
            "margin_per_order": "-8.90",
            "low_sample": True,
        }
    ]
    # Pick lists serve several channels, so picking is the whole floor's.
    assert j["picking"]["all"]["lists"] == 3


def test_empty_period(history, oms) -> None:  # type: ignore[no-untyped-def]
    r = oms("--json", "report", "--since", "2023-01-02", "--until", "2023-01-09")
    assert r.exit_code == 0, r.stderr
    j = r.json()
    assert j["volume"] == {
        "all": {"placed": 0, "released": 0, "shipped": 0, "delivered": 0, "cancelled": 0},
        "by_channel": [],
    }
    for s in j["steps"]:
        assert (s["orders"], s["median_s"], s["p90_s"], s["share"], s["low_sample"]) == (0, None, None, None, True)
    assert j["bottleneck"] == {"step": None, "in_house_step": None, "low_sample": True}
    assert j["promises"]["all"] == {
        "shipped": 0,
        "with_promise": 0,
        "on_time": 0,
        "on_time_rate": None,
        "overdue_now": 2,
        "low_sample": True,
    }
    assert j["late"] == [] and j["shipping_cost"] == [] and j["return_reasons"] == []
    assert j["picking"]["all"]["lines_per_picker_hour"] is None and j["picking"]["by_picker"] == []
    assert j["packing"]["accuracy"] is None and j["packaging"]["all"]["mean_fill_pct"] is None
    assert j["feedback"]["average"] is None and j["returns"]["rate"] is None
    assert [x["placed"] for x in j["series"]] == [0] * 7 and all(x["on_time_rate"] is None for x in j["series"])
    # An empty period still prints every table, a CSV and a PDF.
    table = oms("report", "--since", "2023-01-02", "--until", "2023-01-09")
    assert table.exit_code == 0 and "Volume" in table.stdout
    csv = oms("report", "--since", "2023-01-02", "--until", "2023-01-09", "--csv")
    assert csv.exit_code == 0 and "volume,all,placed,0,orders," in csv.stdout
    pdf = oms("report", "--since", "2023-01-02", "--until", "2023-01-09", "--pdf", "empty.pdf")
    assert pdf.exit_code == 0, pdf.stderr


def test_empty_store(oms) -> None:  # type: ignore[no-untyped-def]
    r = oms("--json", "report")
    assert r.exit_code == 0, r.stderr
    j = r.json()
    assert j["period"]["since"] is None and j["series"] == [] and j["volume"]["all"]["placed"] == 0
    assert oms("report").exit_code == 0


def test_a_period_with_one_order(history, oms) -> None:  # type: ignore[no-untyped-def]
    # 99 h to 106 h holds only O7: placed 100, ready 101, picked 102, packed 103, shipped 104.
    r = oms("--json", "report", "--since", "2024-03-08T03:00", "--until", "2024-03-08T10:00")
    assert r.exit_code == 0, r.stderr
    j = r.json()
    assert j["volume"]["all"] == {"placed": 1, "released": 1, "shipped": 1, "delivered": 0, "cancelled": 0}
    assert [(s["step"], s["orders"], s["median_s"], s["p90_s"], s["share"]) for s in j["steps"]] == [
        ("release", 1, H, H, 0.25),
        ("pick", 1, H, H, 0.25),
        ("pack", 1, H, H, 0.25),
        ("ship", 1, H, H, 0.25),
        ("deliver", 0, None, None, 0.0),
    ]
    assert all(s["low_sample"] for s in j["steps"])
    # Four equal steps: the earliest one is named.
    assert j["bottleneck"] == {"step": "release", "in_house_step": "release", "low_sample": True}
    assert j["promises"]["all"]["with_promise"] == 0 and j["promises"]["all"]["on_time_rate"] is None
    assert [(b["box"], b["packages"]) for b in j["packaging"]["boxes"]] == [("M", 1)]
    assert j["shipping_cost"] == [
        {
            "currency": "GBP",
            "orders": 1,
            "cost_per_order": "6.00",
            "charged_per_order": "5.00",
            "margin_per_order": "-1.00",
            "low_sample": True,
        }
    ]
    assert [x["period"] for x in j["series"]] == ["2024-03-08"]  # a 7-hour period is one day


def test_min_orders_moves_the_low_sample_mark(history, oms, config_file) -> None:  # type: ignore[no-untyped-def]
    config_file({"report": {"min_orders": 2}})
    j = oms("--json", "report", *WEEK).json()
    assert j["min_orders"] == 2
    assert {s["step"]: s["low_sample"] for s in j["steps"]}["deliver"] is False
    levels = {x["service_level"]: x["low_sample"] for x in j["promises"]["by_service_level"]}
    assert levels == {"standard": False, "expedited": True, "next_day": True}
    table = oms("report", *WEEK).stdout
    assert "fewer than 2 orders" in table


def test_report_changes_nothing(history, oms, db_path) -> None:  # type: ignore[no-untyped-def]
    before = store_digest(db_path)
    assert oms("report", *WEEK).exit_code == 0
    assert store_digest(db_path) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "2024-03-11", "--until", "2024-03-04"), "--since"),
        (("--by", "year"), "--by"),
        (("--since", "last tuesday"), "--since"),
        (("--json", "--csv"), "--csv"),
        (("--pdf", "no/such/dir/report.pdf"), "no/such/dir/report.pdf"),
    ],
)
def test_bad_options_are_usage_errors(history, oms, args, message) -> None:  # type: ignore[no-untyped-def]
    r = oms("report", *args)
    assert r.exit_code == 2
    assert message in r.stderr
    assert r.stdout == ""


def test_global_json_with_csv_is_a_usage_error(history, oms) -> None:  # type: ignore[no-untyped-def]
    r = oms("--json", "report", "--csv")
    assert r.exit_code == 2 and "--csv" in r.stderr and r.stdout == ""


def test_unknown_time_zone_is_a_config_error(history, oms, config_file) -> None:  # type: ignore[no-untyped-def]
    config_file({"schedule": {"timezone": "Mars/Olympus"}})
    r = oms("report", *WEEK)
    assert r.exit_code == 3
    assert "schedule.timezone" in r.stderr and "Mars/Olympus" in r.stderr
