"""Column types that keep the store portable between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

_SAMPLE = datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=timezone(timedelta(hours=-5)))


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp: stored as naive UTC, returned with tzinfo=UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def bind_processor(self, dialect: Any) -> Callable[[Any], Any] | None:
        """On SQLite, the text SQLAlchemy's DATETIME stores, written in one step: a large
        import binds one timestamp per order, and the generic two-step processor costs
        more than the SQLite insert of the value. Used only where it writes exactly what
        the generic processor writes (checked here on a sample, and by a test on many)."""
        generic = super().bind_processor(dialect)
        if dialect.name != "sqlite" or generic is None:
            return generic
        utc = UTC

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            return value.astimezone(utc).replace(tzinfo=None).isoformat(" ", "microseconds")

        return process if process(_SAMPLE) == generic(_SAMPLE) else generic

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)
