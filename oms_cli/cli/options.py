"""Options shared by every command (``--json``) and parsing of option values shared by
several commands (dates, money)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Annotated, Any

import typer

from oms_cli.cli.context import state
from oms_cli.core.limits import MAX_AMOUNT

JSON_HELP = "Machine-readable JSON on stdout (the same as oms --json CMD)."

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


def _ask_for_json(value: bool) -> None:
    if value:
        state().json = True


@lru_cache(maxsize=1)
def _json_option() -> Any:
    """The one ``--json`` option, declared through Typer like any other parameter."""
    import typer.main

    holder = typer.Typer()

    @holder.command()
    def one(json_: Annotated[bool, typer.Option("--json", help=JSON_HELP, callback=_ask_for_json)] = False) -> None:
        pass

    option = typer.main.get_command(holder).params[0]
    # The option acts through the invocation's state, like the global flag; command
    # functions read state().json and take no parameter for it.
    option.expose_value = False
    return option


def add_json_option(command: Any) -> None:
    """Give a command, and every command under it, the ``--json`` option: ``oms CMD --json``
    then means what ``oms --json CMD`` means, for every command alike."""
    if not any("--json" in p.opts for p in command.params):
        command.params.append(_json_option())
    for sub in getattr(command, "commands", {}).values():
        add_json_option(sub)
