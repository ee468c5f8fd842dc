"""JSON Lines: one order per line in the canonical shape (what ``oms orders --json`` prints).

Each line is validated with :class:`Order`; the first problem is reported as
``file:line: field message``. ``ref`` may be left out (it is ``<channel>:<external id>``)
but, when given, must agree with the channel and external id.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from oms_cli.core.errors import record_error
from oms_cli.importers.canonical import order_dict
from oms_cli.importers.model import Order, make_ref
from oms_cli.importers.sources import not_utf8

if TYPE_CHECKING:
    from oms_cli.importers import ImportSettings, ImportUnit

_PROGRESS_EVERY = 1024


def _first_problem(exc: ValidationError) -> tuple[str, str]:
    problem = exc.errors(include_url=False)[0]
    field = ".".join(str(part) for part in problem["loc"]) or "order"
    message = problem["msg"]
    message = message[:1].lower() + message[1:]
    if problem["type"] != "missing":
        shown = json.dumps(problem.get("input"), default=str, ensure_ascii=False)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        message = f"{shown}: {message}"
    return field, message


def read_orders(
    unit: ImportUnit, settings: ImportSettings, progress: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Stream orders from a JSON Lines file, validating each line as an Order."""
    source = unit.sources[0]
    name = source.name
    count = 0
    with source.open() as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream:
        try:
            for line_no, line in enumerate(stream, start=1):
                line = line.rstrip("\r\n")
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise record_error(
                        name, line_no, None, f"is not valid JSON ({exc.msg} at column {exc.colno})"
                    ) from None
                if not isinstance(data, dict):
                    raise record_error(name, line_no, None, "is not a JSON object (one order per line)")
                if (
                    "ref" not in data
                    and isinstance(data.get("channel"), str)
                    and isinstance(data.get("external_id"), str)
                ):
                    data["ref"] = make_ref(data["channel"], data["external_id"])
                try:
                    order = Order.model_validate(data)
                except ValidationError as exc:
                    field, message = _first_problem(exc)
                    raise record_error(name, line_no, field, message) from None
                expected = make_ref(order.channel, order.external_id)
                if order.ref != expected:
                    raise record_error(
                        name, line_no, "ref", f"{order.ref!r} should be {expected!r} (channel:external_id)"
                    )
                count += 1
                if progress is not None and not count % _PROGRESS_EVERY:
                    progress(raw.tell())
                yield order_dict(order)
        except UnicodeDecodeError:
            raise not_utf8(source) from None
    if count == 0:
        raise record_error(name, None, None, "has no orders")
    if progress is not None:
        progress(source.size)
