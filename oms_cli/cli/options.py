"""Parsing of option values shared by several commands (dates, money)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import typer

from oms_cli.core.limits import MAX_AMOUNT

_REL = re.compile(r"^(\d+)\s*([hdw])$")


def parse_when(value: str | None, option: str = "--since") -> datetime | None:
    """`2026-11-20`, `2026-11-20T14:00`, `2026-11-20T14:00+01:00`, or relative `3d`, `12h`, `2w` (ago)."""
    if value is None:
        return None
    v = value.strip()
    m = _REL.match(v)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        delta = {"h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}[unit]
        return datetime.now(UTC) - delta
    if v == "today":
        return datetime.combine(date.today(), datetime.min.time(), tzinfo=UTC)
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not a date (use YYYY-MM-DD, an ISO time, or 3d / 12h / 2w)", param_hint=option
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def parse_money(value: str, option: str, *, allow_negative: bool = False) -> Decimal:
    """A money amount such as `12.50` as an exact Decimal (not negative unless allowed)."""
    try:
        d = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        raise typer.BadParameter(f"'{value}' is not an amount", param_hint=option) from None
    if not d.is_finite():
        raise typer.BadParameter(f"'{value}' is not an amount", param_hint=option)
    if d < 0 and not allow_negative:
        raise typer.BadParameter(f"'{value}' is negative", param_hint=option)
    if abs(d) >= MAX_AMOUNT:
        raise typer.BadParameter(f"'{value}' is too large", param_hint=option)
    return d
