"""Ship-by deadlines across the cut-off, weekends, holidays and time zones (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timezone

import pytest
import yaml

from oms_cli.core.config import DEFAULTS
from oms_cli.core.errors import ConfigError
from oms_cli.release.schedule import Schedule

UTC = UTC
DEFAULT = Schedule.from_config(DEFAULTS["schedule"])  # Mon–Fri, 15:00 UTC; standard 2, expedited 1, next_day 0


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if "+" not in text else datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("placed", "level", "ship_by"),
    [
        # Monday 6 January 2025
        ("2025-01-06 10:00", "next_day", "2025-01-06 15:00"),  # before the cut-off: leaves today
        ("2025-01-06 14:59", "next_day", "2025-01-06 15:00"),
        ("2025-01-06 15:00", "next_day", "2025-01-07 15:00"),  # at the cut-off: tomorrow
        ("2025-01-06 16:00", "next_day", "2025-01-07 15:00"),
        ("2025-01-06 10:00", "expedited", "2025-01-07 15:00"),
        ("2025-01-06 10:00", "standard", "2025-01-08 15:00"),
        ("2025-01-06 16:00", "standard", "2025-01-09 15:00"),
        # Friday after the cut-off, and the weekend, start on Monday
        ("2025-01-10 16:00", "next_day", "2025-01-13 15:00"),
        ("2025-01-10 16:00", "standard", "2025-01-15 15:00"),
        ("2025-01-11 09:00", "next_day", "2025-01-13 15:00"),
        ("2025-01-12 23:59", "expedited", "2025-01-14 15:00"),
        ("2025-01-09 10:00", "standard", "2025-01-13 15:00"),  # Thursday + 2 working days crosses the weekend
    ],
)
def test_cutoff_and_weekend(placed: str, level: str, ship_by: str) -> None:
    assert DEFAULT.ship_by(at(placed), level) == at(ship_by)


def test_holidays_are_skipped() -> None:
    s = Schedule.from_config(DEFAULTS["schedule"] | {"holidays": ["2025-12-25", "2025-12-26", "2026-01-01"]})
    # Wednesday 24 Dec after the cut-off: 25, 26 are holidays, 27–28 the weekend; the clock starts Monday 29.
    assert s.ship_by(at("2025-12-24 16:00"), "next_day") == at("2025-12-29 15:00")
    assert s.ship_by(at("2025-12-24 16:00"), "expedited") == at("2025-12-30 15:00")
    assert s.ship_by(at("2025-12-24 16:00"), "standard") == at("2025-12-31 15:00")
    # Tuesday 30 Dec after the cut-off: the clock starts on the 31st; 1 January is a holiday.
    assert s.ship_by(at("2025-12-30 16:00"), "expedited") == at("2026-01-02 15:00")
    assert s.ship_by(at("2025-12-30 16:00"), "standard") == at("2026-01-05 15:00")
    assert s.ship_by(at("2025-12-24 10:00"), "standard") == at("2025-12-30 15:00")


def test_the_cutoff_is_in_the_shops_time_zone_across_a_clock_change() -> None:
    s = Schedule.from_config(DEFAULTS["schedule"] | {"timezone": "Europe/Berlin"})
    # Friday 28 March 2025, 14:30 in Berlin (CET, UTC+1): before the cut-off.
    assert s.ship_by(at("2025-03-28 13:30"), "next_day") == at("2025-03-28 14:00")
    # 15:30 in Berlin: after it; Monday 31 March is summer time (UTC+2).
    assert s.ship_by(at("2025-03-28 14:30"), "next_day") == at("2025-03-31 13:00")


def test_saturday_as_a_working_day_and_missing_levels_fall_back() -> None:
    s = Schedule.from_config(
        {
            "working_days": ["Monday", "tue", "wed", "thu", "fri", "sat"],
            "cutoff": "12:30",
            "handling_days": {"standard": 3},
        }
    )
    assert s.ship_by(at("2025-01-10 13:00"), "next_day") == at("2025-01-11 12:30")
    assert s.ship_by(at("2025-01-10 13:00"), "standard") == at("2025-01-15 12:30")
    assert s.ship_by(at("2025-01-10 13:00"), "expedited") == at("2025-01-13 12:30")


def test_an_unquoted_yaml_time_is_read_as_a_time() -> None:
    section = yaml.safe_load("cutoff: 15:00\nworking_days: [mon]\n")
    assert section["cutoff"] == 900  # YAML 1.1 reads 15:00 as base 60
    assert Schedule.from_config(section).cutoff.hour == 15


@pytest.mark.parametrize(
    ("section", "fragment"),
    [
        ({"cutoff": "3pm"}, "schedule.cutoff: '3pm' is not a time of day"),
        ({"working_days": ["mon", "funday"]}, "schedule.working_days: 'funday' is not a day of the week"),
        ({"working_days": []}, "at least one working day"),
        ({"holidays": ["25/12/2025"]}, "schedule.holidays: '25/12/2025' is not a date"),
        ({"handling_days": {"standard": -1}}, "schedule.handling_days.standard"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_schedule_config(section: dict, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        Schedule.from_config(DEFAULTS["schedule"] | section)
