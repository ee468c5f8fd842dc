"""Ship-by deadlines from the shop's calendar: handling days per service level, the daily
carrier cut-off, working days and holidays.

An order placed on a working day before the cut-off can leave that day; later, or on a
day off, its clock starts on the next working day. Each handling day then moves the
deadline one working day on. The deadline is the cut-off time of that day.

Pure module: no database, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from oms_cli.core.errors import ConfigError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LONG_NAMES = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
#: used for a service level the config leaves out
DEFAULT_HANDLING_DAYS = {"standard": 2, "expedited": 1, "next_day": 0}


def shop_timezone(name: str | None) -> ZoneInfo | timezone:
    """The shop's time zone (``schedule.timezone``); an unknown name is a config error, never a silent UTC."""
    if not name or str(name).upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"schedule.timezone: unknown time zone '{name}'",
            hint="an IANA name such as Europe/Berlin or America/New_York",
        ) from None


@dataclass(frozen=True)
class Schedule:
    """When the shop works and how long each service level may take to leave."""

    timezone: str = "UTC"
    cutoff: time = time(15, 0)
    working_days: frozenset[int] = frozenset(range(5))  # Monday = 0
    holidays: frozenset[date] = frozenset()
    handling_days: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_HANDLING_DAYS))

    @property
    def tz(self) -> tzinfo:
        """The shop's time zone."""
        return shop_timezone(self.timezone)

    @classmethod
    def from_config(cls, section: Mapping[str, Any]) -> Schedule:
        """Build from the ``schedule:`` config section; ConfigError names the bad key and value."""
        tz_name = str(section.get("timezone") or "UTC")
        shop_timezone(tz_name)
        cutoff = _parse_cutoff(section.get("cutoff", "15:00"))
        days: set[int] = set()
        for d in section.get("working_days") or []:
            key = str(d).strip().lower()
            if key[:3] in DAY_NAMES and (len(key) == 3 or key in _LONG_NAMES):
                days.add(DAY_NAMES.index(key[:3]))
            else:
                raise ConfigError(
                    f"schedule.working_days: '{d}' is not a day of the week", hint="mon, tue, wed, thu, fri, sat, sun"
                )
        if not days:
            raise ConfigError("schedule.working_days: at least one working day is needed")
        holidays: set[date] = set()
        for h in section.get("holidays") or []:
            if isinstance(h, datetime):
                holidays.add(h.date())
            elif isinstance(h, date):
                holidays.add(h)
            else:
                try:
                    holidays.add(date.fromisoformat(str(h).strip()))
                except ValueError:
                    raise ConfigError(
                        f"schedule.holidays: '{h}' is not a date", hint="write dates as YYYY-MM-DD"
                    ) from None
        handling = dict(DEFAULT_HANDLING_DAYS)
        for level, n in (section.get("handling_days") or {}).items():
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise ConfigError(f"schedule.handling_days.{level}: '{n}' is not a whole number of days (0 or more)")
            handling[str(level)] = n
        return cls(tz_name, cutoff, frozenset(days), frozenset(holidays), handling)

    def is_working_day(self, day: date) -> bool:
        """Whether parcels leave on this day."""
        return day.weekday() in self.working_days and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        d = day + timedelta(days=1)
        # Holidays are a finite list and at least one weekday works, so this ends.
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def ship_by(self, start: datetime, service_level: str) -> datetime:
        """The deadline (UTC) by which an order whose clock starts at ``start`` must leave."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        local = start.astimezone(self.tz)
        day = local.date()
        if not self.is_working_day(day) or local.timetz().replace(tzinfo=None) >= self.cutoff:
            day = self.next_working_day(day)
        for _ in range(self.handling_days.get(service_level, self.handling_days.get("standard", 2))):
            day = self.next_working_day(day)
        return datetime.combine(day, self.cutoff, tzinfo=self.tz).astimezone(UTC)


def _parse_cutoff(value: Any) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML reads an unquoted 15:00 as a base-60 integer (900): take it as minutes.
        if 0 <= value < 24 * 60:
            return time(value // 60, value % 60)
    text = str(value).strip()
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(
            f"schedule.cutoff: '{value}' is not a time of day", hint="write it as HH:MM, e.g. '15:00'"
        ) from None
