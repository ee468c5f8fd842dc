"""Report periods and their buckets (day, week, month) in the shop's own time zone.

A report covers the half-open interval ``[since, until)``. Its series splits that
interval into calendar buckets of the shop's time zone (``schedule.timezone``): a
"day" is the shop's day, a week runs Monday to Sunday (ISO weeks, labelled
``2026-W47``), a month is labelled ``2026-11``.

Pure module: plain data in, plain data out; no database, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

BY_CHOICES = ("day", "week", "month")


@dataclass(frozen=True)
class Bucket:
    """One bucket of the series: its label and its UTC bounds ``[start, end)``."""

    label: str
    start: datetime
    end: datetime


def auto_by(since: datetime, until: datetime) -> str:
    """The bucket size a person would pick for a period: days up to a month, weeks up
    to half a year, months beyond."""
    span = until - since
    if span <= timedelta(days=31):
        return "day"
    if span <= timedelta(weeks=26):
        return "week"
    return "month"


def _local(at: datetime, tz: tzinfo) -> datetime:
    # The store hands out naive UTC for speed on large reports; make it aware first.
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(tz)


def _start_of(day: date, by: str) -> date:
    if by == "day":
        return day
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown bucket size {by!r}; one of {', '.join(BY_CHOICES)}")


def _next(start: date, by: str) -> date:
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(weeks=1)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _label(start: date, by: str) -> str:
    if by == "day":
        return start.isoformat()
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


def label_of(at: datetime, by: str, tz: tzinfo) -> str:
    """The label of the bucket holding the instant ``at`` (naive means UTC)."""
    return _label(_start_of(_local(at, tz).date(), by), by)


def _utc_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def buckets(since: datetime, until: datetime, by: str, tz: tzinfo) -> list[Bucket]:
    """Every bucket overlapping ``[since, until)``, in order, with no gaps (empty
    buckets included, so a chart's time axis stays even)."""
    if until <= since:
        return []
    first = _start_of(_local(since, tz).date(), by)
    last = _local(until - timedelta(microseconds=1), tz).date()
    out: list[Bucket] = []
    start = first
    while start <= last:
        end = _next(start, by)
        out.append(Bucket(_label(start, by), _utc_midnight(start, tz), _utc_midnight(end, tz)))
        start = end
    return out
