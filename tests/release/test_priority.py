"""Queue order: overdue first, then next_day, expedited, then oldest (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from oms_cli.release.priority import is_late_promise, queue_key

NOW = datetime(2025, 1, 8, 12, 0, tzinfo=UTC)


def test_queue_order() -> None:
    day = timedelta(days=1)
    orders = [
        # (name, ship_by, level, placed)
        ("old standard", NOW + day, "standard", NOW - 5 * day),
        ("new standard", NOW + day, "standard", NOW - day),
        ("expedited", NOW + day, "expedited", NOW - day),
        ("next day", NOW + day, "next_day", NOW),
        ("overdue standard", NOW - day, "standard", NOW - 3 * day),
        ("overdue expedited", NOW - timedelta(hours=1), "expedited", NOW - day),
        ("not yet released", None, "standard", NOW - 9 * day),
    ]
    ranked = sorted(orders, key=lambda o: queue_key(o[1], o[2], o[3], 0, NOW))
    assert [o[0] for o in ranked] == [
        "overdue expedited",
        "overdue standard",
        "next day",
        "expedited",
        "not yet released",
        "old standard",
        "new standard",
    ]


def test_late_promises_are_paid_fast_orders_past_their_deadline() -> None:
    past = NOW - timedelta(minutes=1)
    assert is_late_promise("expedited", past, NOW)
    assert is_late_promise("next_day", past, NOW)
    assert not is_late_promise("standard", past, NOW)
    assert not is_late_promise("expedited", NOW, NOW)
    assert not is_late_promise("expedited", None, NOW)
