"""UTCDateTime writes the same text on SQLite by its fast path as SQLAlchemy's own processor."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import DateTime
from sqlalchemy.dialects import postgresql, sqlite

from oms_cli.store.types import UTCDateTime

SQLITE = sqlite.dialect()
GENERIC = UTCDateTime().dialect_impl(SQLITE)
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


def _generic(value: datetime) -> str:
    """What the two-step TypeDecorator processing writes: to naive UTC, then SQLite's DATETIME."""
    naive = GENERIC.process_bind_param(value, SQLITE)
    proc = DateTime().dialect_impl(SQLITE).bind_processor(SQLITE)
    assert proc is not None
    return str(proc(naive))


@given(st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9999, 12, 30), timezones=OFFSETS))
def test_fast_sqlite_text_equals_the_generic_text(value: datetime) -> None:
    fast = UTCDateTime()._cached_bind_processor(SQLITE)
    assert fast is not None
    assert fast(value) == _generic(value)


def test_none_and_naive_values() -> None:
    fast = UTCDateTime()._cached_bind_processor(SQLITE)
    assert fast is not None and fast(None) is None
    with pytest.raises(ValueError, match="naive datetime"):
        fast(datetime(2026, 11, 26, 9, 0))


def test_other_dialects_keep_the_generic_processor() -> None:
    d = postgresql.dialect()
    processor = UTCDateTime()._cached_bind_processor(d)
    aware = datetime(2026, 11, 26, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    value = processor(aware) if processor else UTCDateTime().process_bind_param(aware, d)
    assert value == datetime(2026, 11, 26, 8, 0)
