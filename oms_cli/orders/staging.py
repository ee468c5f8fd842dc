"""Turning an export's canonical orders into what an import writes, with no store.

The import is two jobs of about equal size: this one (convert each order to its
orders-row and order_lines values, fingerprint it) and writing the store
(``oms_cli.orders.importing``). For a large file this one runs in a second process
(``oms_cli.orders.fast_import``). Nothing here imports SQLAlchemy or touches a
database.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from oms_cli.orders.records import line_source_values, order_source_values

CHUNK = 250

#: Written before every fingerprint this version takes. A stored fingerprint without it
#: is from before November 2026's change (see :func:`legacy_fingerprint`).
FINGERPRINT_PREFIX = "v2:"


class StagedOrder(NamedTuple):
    """One order of an export, ready for the store."""

    ref: str
    #: the status the export gives it (new or cancelled)
    status: str
    #: of the canonical values (:func:`fingerprint`), to tell a changed order from an unchanged one
    fingerprint: str
    #: the values of ``records.ORDER_SOURCE_COLUMNS``, as the store's driver is given them
    row: tuple[Any, ...]
    #: the values of ``records.LINE_SOURCE_COLUMNS`` of each line, as the driver is given them
    lines: list[tuple[Any, ...]]


@dataclass(frozen=True)
class Writers:
    """The store's bind processing (``oms_cli.store.bulk.row_processor``) for the
    ``ORDER_SOURCE_COLUMNS`` and the ``LINE_SOURCE_COLUMNS``; None where no column needs one."""

    order_row: Callable[[Any], tuple[Any, ...]] | None = None
    line_row: Callable[[Any], tuple[Any, ...]] | None = None


def _instant(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    raise TypeError(f"no canonical text for {type(value).__name__}")


# JSON: its text for str, int, bool, None and lists is fixed by the format (ensure_ascii
# leaves no choice of escapes), so the fingerprint changes only when oms changes what
# it stores, never with a Python, SQLAlchemy or driver upgrade.
_canonical_text = json.JSONEncoder(
    ensure_ascii=True, separators=(",", ":"), allow_nan=False, check_circular=False, default=_instant
).encode


def fingerprint_of(row: tuple[Any, ...], lines: list[tuple[Any, ...]]) -> str:
    """The fingerprint of an order's source values (``order_source_values`` and
    ``line_source_values``, before any bind processing)."""
    text = _canonical_text((row, lines))
    return FINGERPRINT_PREFIX + hashlib.blake2b(text.encode("ascii"), digest_size=16).hexdigest()


def fingerprint(order: dict[str, Any]) -> str:
    """The source fingerprint an import stores for a canonical order dict: a BLAKE2b
    digest of the JSON text of its orders-row and line values (money in minor units,
    times as ISO 8601 UTC), independent of the store and its driver."""
    return fingerprint_of(order_source_values(order), line_source_values(order))


def legacy_fingerprint(order: StagedOrder) -> str | None:
    """The fingerprint the import stored before FINGERPRINT_PREFIX (over the driver's
    values, with order id 0 on each line), for recognising an unchanged order in an
    older store; None where that form cannot be computed here (a driver given objects)."""
    try:
        data = marshal.dumps((order.row, [(0, *line) for line in order.lines]), 2)
    except ValueError:
        return None
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def staged(order: dict[str, Any], writers: Writers = Writers()) -> StagedOrder:
    """One canonical order dict as it is staged for the store (``writers``: the store's
    bind processing, see :func:`oms_cli.orders.importing.writers_for`)."""
    row = order_source_values(order)
    lines = line_source_values(order)
    h = fingerprint_of(row, lines)
    if writers.order_row is not None:
        row = writers.order_row(row)
    if writers.line_row is not None:
        lines = list(map(writers.line_row, lines))
    return StagedOrder(order["ref"], order.get("status") or "new", h, row, lines)


def stage(
    orders: Iterable[dict[str, Any]], writers: Writers = Writers(), size: int = CHUNK
) -> Iterator[list[StagedOrder]]:
    """Canonical orders -> chunks of staged orders.

    The same order may appear twice in one chunk (overlapping pages of an export): the
    last one wins. (Across chunks, the second is an update of the first.)
    """
    buf: dict[str, dict[str, Any]] = {}
    for o in orders:
        buf[o["ref"]] = o
        if len(buf) >= size:
            yield [staged(o, writers) for o in buf.values()]
            buf = {}
    if buf:
        yield [staged(o, writers) for o in buf.values()]
