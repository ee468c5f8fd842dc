"""What to work on first: overdue orders, then next-day, then expedited, then the oldest.

Pure module: no database, no I/O.
"""

from __future__ import annotations

from datetime import datetime

#: service level -> rank (lower goes first)
LEVEL_RANK = {"next_day": 0, "expedited": 1, "standard": 2}
#: levels the buyer paid extra for: a late one is a broken promise
FAST_LEVELS = frozenset({"next_day", "expedited"})


def is_overdue(ship_by: datetime | None, now: datetime) -> bool:
    """Whether the ship-by deadline has passed."""
    return ship_by is not None and ship_by < now


def queue_key(
    ship_by: datetime | None, service_level: str, placed_at: datetime, order_id: int, now: datetime
) -> tuple[int, int, datetime, int]:
    """Sort key of the work queue: overdue first, then next_day, expedited, then oldest placed."""
    return (0 if is_overdue(ship_by, now) else 1, LEVEL_RANK.get(service_level, len(LEVEL_RANK)), placed_at, order_id)


def is_late_promise(service_level: str, ship_by: datetime | None, now: datetime) -> bool:
    """A paid fast delivery whose deadline has passed."""
    return service_level in FAST_LEVELS and is_overdue(ship_by, now)
