"""Turning an export's canonical orders into the values an import writes, with no store.

The import is two jobs of about equal size: this one (read the file, convert each
order to its orders-row and order_lines values, fingerprint it) and writing the store
(``oms_cli.orders.importing``). For a large file this one runs in a forked child (see
``oms_cli.core.forked``), so on two cores the two overlap. Nothing here imports
SQLAlchemy or touches a database.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from oms_cli.core.forked import InChild, can_fork
from oms_cli.orders.records import ORDER_COLUMNS, line_values, order_values

CHUNK = 250
#: the orders-row values before source_hash (the fingerprinted part; timestamps come after)
HASHED = ORDER_COLUMNS.index("source_hash")

#: One order ready for the store: its ref, its orders-row values up to and including
#: source_hash (the rest are the import's timestamps) and its order_lines values with
#: order id 0, each run through its column's bind processor when the import gives
#: them (see :class:`Writers`). On SQLite that leaves only str, int, None, tuples and
#: lists, so a chunk crosses to another process by marshal, several times cheaper
#: than pickle.
Staged = tuple[str, tuple[Any, ...], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Writers:
    """The bind processing of the store an import writes to, for the orders-row values up
    to source_hash and the order_lines values (``oms_cli.store.bulk.row_processor``;
    None where no column needs one)."""

    order_row: Callable[[Any], tuple[Any, ...]] | None = None
    line_row: Callable[[Any], tuple[Any, ...]] | None = None


#: A unit at least this large is staged in a forked child while this process writes
#: the store (about 5,000 Shopify orders; a smaller file is done before a second
#: process would have started).
FORK_MIN_BYTES = 4_000_000


def source_hash(order_row: tuple[Any, ...], line_rows: list[tuple[Any, ...]]) -> str:
    """A fingerprint of an order as it would be stored, to tell changed from unchanged re-imports.

    Taken over the orders-row values before source_hash and the line values, flat
    tuples of plain values, which marshal's format 2 writes the same way every time
    (it has no back-references) and several times faster than ``repr``. Raises
    ValueError for a value marshal cannot write (see :func:`staged`).
    """
    return hashlib.blake2b(marshal.dumps((order_row, line_rows), 2), digest_size=16).hexdigest()


def _plain(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v.isoformat() if isinstance(v, (datetime, date)) else v for v in values)


def staged(order: dict[str, Any], writers: Writers = Writers()) -> Staged:
    """One canonical order dict as it is staged for the store (``writers``: the store's
    bind processing, see :func:`oms_cli.orders.importing.writers_for`).

    The fingerprint is over the values as the driver is given them (on SQLite: text,
    numbers and None). Where a driver takes other objects (a datetime, a JSON
    wrapper), it is over the values before processing, times as ISO 8601 text.
    """
    plain_values = values = order_values(order, None, None)[:HASHED]
    plain_lines = lines = line_values(0, order)
    if writers.order_row is not None:
        values = writers.order_row(values)
    if writers.line_row is not None:
        lines = list(map(writers.line_row, lines))
    try:
        h = source_hash(values, lines)
    except ValueError:
        h = source_hash(_plain(plain_values), [_plain(ln) for ln in plain_lines])
    return order["ref"], values + (h,), lines


def fingerprint(order: dict[str, Any], writers: Writers = Writers()) -> str:
    """The source fingerprint an import into a store with these ``writers`` stores for a
    canonical order dict."""
    return staged(order, writers)[1][HASHED]


def stage(orders: Iterable[dict[str, Any]], writers: Writers = Writers(), size: int = CHUNK) -> Iterator[list[Staged]]:
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


@contextmanager
def staged_chunks(
    unit: Any, settings: Any, writers: Writers, progress: Callable[[int], None] | None
) -> Iterator[Iterable[list[Staged]]]:
    """The unit's orders as chunks of staged orders: staged here, or for a large file in a
    forked child while this process writes (enter this before opening the write
    transaction: the child must not inherit it)."""
    from oms_cli.importers import read_unit

    if (getattr(unit, "size", 0) or 0) < FORK_MIN_BYTES or not can_fork():
        yield stage(read_unit(unit, settings, progress=progress), writers)
        return

    def produce() -> Iterator[tuple[list[Staged], int]]:
        done = [0]

        def note(n: int) -> None:
            done[0] = n

        for chunk in stage(read_unit(unit, settings, progress=note), writers):
            yield chunk, done[0]

    def relay(child: InChild[tuple[list[Staged], int]]) -> Iterator[list[Staged]]:
        for chunk, done in child:
            if progress is not None and done:
                progress(done)
            yield chunk

    with InChild(produce) as child:
        yield relay(child)
