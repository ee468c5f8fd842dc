"""Rendering results: JSON on stdout for scripts, Rich tables on stdout for people,
messages on stderr. The one place output is formatted."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from oms_cli.cli.context import no_color, state


def _default(o: Any) -> Any:
    if isinstance(o, datetime):
        if o.tzinfo is None:
            o = o.replace(tzinfo=UTC)
        return o.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(o, date):
        return o.isoformat()
    if isinstance(o, Decimal):
        return format(o, "f")
    if isinstance(o, Enum):
        return o.value
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if is_dataclass(o) and not isinstance(o, type):
        return _dataclass_json(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _dataclass_json(o: Any) -> dict[str, Any]:
    """A result's fields as JSON keys, in declaration order. Field metadata shapes the
    JSON: ``{"json": False}`` is for the terminal only; ``{"inline": True}`` (an object)
    gives its keys to the result itself; ``{"key": "from"}`` names the key;
    ``{"optional": True}`` leaves the key out while the value is None."""
    data: dict[str, Any] = {}
    for f in fields(o):
        if not f.metadata.get("json", True):
            continue
        value = getattr(o, f.name)
        if value is None and f.metadata.get("optional"):
            continue
        if f.metadata.get("inline"):
            inner = _default(value)
            data.update(inner)
        else:
            data[f.metadata.get("key", f.name)] = value
    return data


def to_json(obj: Any, indent: int | None = 2) -> str:
    """JSON text for any result: dataclasses field by field, datetimes as UTC ISO 8601,
    Decimals as exact strings, enums as their value."""
    return json.dumps(obj, default=_default, ensure_ascii=False, indent=indent)


def emit_json(obj: Any) -> None:
    """Print a result as JSON on stdout."""
    sys.stdout.write(to_json(obj) + "\n")
    sys.stdout.flush()


@lru_cache(maxsize=2)
def _console(stderr: bool) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped output is read by scripts and pagers: never wrap it at 80 columns.
    width = None if is_tty(stream) else 4000
    return Console(stderr=stderr, no_color=no_color(), highlight=False, soft_wrap=stderr, width=width)


def out() -> Any:
    """The Rich console on stdout."""
    return _console(False)


def err() -> Any:
    """The Rich console on stderr."""
    return _console(True)


def info(message: str) -> None:
    """A message for the person at the terminal (stderr; silenced by --quiet)."""
    if not state().quiet:
        err().print(message, markup=False, highlight=False)


def success(message: str) -> None:
    """A short confirmation on stderr (silenced by --quiet)."""
    if not state().quiet:
        err().print(f"[green]✓[/green] {_escape(message)}")


def warn(message: str) -> None:
    """A warning on stderr (shown even with --quiet)."""
    err().print(f"[yellow]warning:[/yellow] {_escape(message)}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    styles: Sequence[str | None] | None = None,
    caption: str | None = None,
) -> None:
    """Print a Rich table on stdout."""
    from rich.table import Table

    t = Table(title=title, caption=caption, show_lines=False, header_style="bold")
    for col in columns:
        t.add_column(col, overflow="fold")
    for i, row in enumerate(rows):
        style = styles[i] if styles and i < len(styles) else None
        t.add_row(*[_cell(v) for v in row], style=style)
    out().print(t)


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    if isinstance(v, bool):
        return "yes" if v else ""
    if hasattr(v, "__rich__") or hasattr(v, "__rich_console__"):
        return v
    return str(v)


def no_color_env() -> bool:
    """Whether NO_COLOR asks for plain output (no colour, no animation)."""
    return no_color()


def is_tty(stream: Any = None) -> bool:
    """Whether the stream (stderr by default) is a terminal."""
    s = stream or sys.stderr
    try:
        return bool(s.isatty())
    except (AttributeError, ValueError):
        return False
