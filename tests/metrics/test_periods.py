"""Report periods: buckets by day, week and month in the shop's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from oms_cli.metrics.periods import auto_by, buckets, label_of

UTC = UTC


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_days_cover_the_period_without_gaps() -> None:
    b = buckets(at(2024, 3, 4, 12), at(2024, 3, 7), "day", UTC)
    assert [x.label for x in b] == ["2024-03-04", "2024-03-05", "2024-03-06"]
    assert b[0].start == at(2024, 3, 4) and b[-1].end == at(2024, 3, 7)
    assert all(x.end == y.start for x, y in zip(b, b[1:]))


def test_until_is_excluded() -> None:
    # until at midnight: the day it starts is not in the period
    assert [x.label for x in buckets(at(2024, 3, 4), at(2024, 3, 5), "day", UTC)] == ["2024-03-04"]
    assert buckets(at(2024, 3, 5), at(2024, 3, 5), "day", UTC) == []


def test_iso_weeks_across_a_new_year() -> None:
    b = buckets(at(2024, 12, 25), at(2025, 1, 8), "week", UTC)
    assert [x.label for x in b] == ["2024-W52", "2025-W01", "2025-W02"]
    assert b[1].start == at(2024, 12, 30)  # ISO week 1 of 2025 starts on a Monday in 2024


def test_months_of_different_lengths() -> None:
    b = buckets(at(2024, 1, 31), at(2024, 4, 1), "month", UTC)
    assert [(x.label, x.start, x.end) for x in b] == [
        ("2024-01", at(2024, 1, 1), at(2024, 2, 1)),
        ("2024-02", at(2024, 2, 1), at(2024, 3, 1)),
        ("2024-03", at(2024, 3, 1), at(2024, 4, 1)),
    ]


def test_days_follow_the_shops_clock_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Clocks go forward on 2024-03-31: that day is 23 hours long.
    b = buckets(at(2024, 3, 30, 12), at(2024, 4, 1, 12), "day", berlin)
    assert [x.label for x in b] == ["2024-03-30", "2024-03-31", "2024-04-01"]
    assert b[1].start == at(2024, 3, 30, 23) and b[1].end - b[1].start == timedelta(hours=23)
    # 23:30 UTC on the 30th is already the 31st in Berlin.
    assert label_of(at(2024, 3, 30, 23, 30), "day", berlin) == "2024-03-31"
    assert label_of(datetime(2024, 3, 30, 23, 30), "day", berlin) == "2024-03-31"  # naive means UTC


def test_auto_by_picks_a_readable_bucket() -> None:
    assert auto_by(at(2024, 3, 1), at(2024, 3, 31)) == "day"
    assert auto_by(at(2024, 1, 1), at(2024, 5, 1)) == "week"
    assert auto_by(at(2023, 1, 1), at(2024, 5, 1)) == "month"


def test_unknown_bucket_size() -> None:
    with pytest.raises(ValueError):
        buckets(at(2024, 1, 1), at(2024, 2, 1), "year", UTC)
