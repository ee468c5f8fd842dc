"""The import's fast path: the three things that make a large import fast, and nothing else.

1. A large file is read and staged in a forked child while this process writes the
   store (``oms_cli.core.forked``): on two cores the two halves of the work overlap.
   The child dies with this process, even on ``kill -9``.
2. The bind processors that stage values for the driver are memoised per value (a
   chunk repeats the same flags and empty tag lists).
3. Python's cyclic garbage collector is paused for the run: an import builds
   hundreds of thousands of short-lived rows without cycles, which it would only
   rescan (about a tenth of the run time).

None of them changes what is stored. With ``OMS_IMPORT_FAST=0`` in the environment
an import does without all three (one process, plain processors, the collector on);
``tests/orders/test_fast_import.py`` imports generated exports both ways and compares
the stores.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect

from oms_cli.core.forked import InChild, can_fork
from oms_cli.core.gcpause import collector_paused
from oms_cli.orders.staging import StagedOrder, Writers, stage
from oms_cli.store.bulk import RowProcessor, row_processor

#: the environment variable that turns the fast path off ("0")
SWITCH = "OMS_IMPORT_FAST"

#: A unit at least this large is staged in a forked child while this process writes
#: the store (about 5,000 Shopify orders; a smaller file is done before a second
#: process would have started).
FORK_MIN_BYTES = 4_000_000


def enabled() -> bool:
    """True unless ``OMS_IMPORT_FAST=0``."""
    return os.environ.get(SWITCH, "1").strip() != "0"


@contextmanager
def import_run() -> Iterator[None]:
    """Around a whole import: the cyclic collector paused (restored afterwards)."""
    if not enabled():
        yield
        return
    with collector_paused():
        yield


def processor(table: Table, columns: Sequence[str], dialect: Dialect) -> RowProcessor | None:
    """The bind processing of a row of these columns (``oms_cli.store.bulk.row_processor``),
    memoised per value."""
    return row_processor(table, columns, dialect, _memoised if enabled() else None)


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    cache: dict[Any, Any] = {None: None}

    def run(value: Any) -> Any:
        key = tuple(value) if type(value) is list else value
        try:
            return cache[key]
        except KeyError:
            if len(cache) > 10_000:  # a column of distinct values (order times): keep memory flat
                cache.clear()
                cache[None] = None
            out = cache[key] = process(value)
            return out
        except TypeError:  # unhashable: no memo
            return process(value)

    return run


@contextmanager
def staged_chunks(
    unit: Any, settings: Any, writers: Writers, progress: Callable[[int], None] | None
) -> Iterator[Iterable[list[StagedOrder]]]:
    """The unit's orders as chunks of staged orders: staged here, or for a large file in a
    forked child while this process writes (enter this before opening the write
    transaction: the child must not inherit it)."""
    from oms_cli.importers import read_unit

    if not enabled() or (getattr(unit, "size", 0) or 0) < FORK_MIN_BYTES or not can_fork():
        yield stage(read_unit(unit, settings, progress=progress), writers)
        return

    def produce() -> Iterator[tuple[list[tuple[Any, ...]], int]]:
        done = [0]

        def note(n: int) -> None:
            done[0] = n

        for chunk in stage(read_unit(unit, settings, progress=note), writers):
            # plain tuples: they cross the pipe by marshal, several times cheaper than pickle
            yield [tuple(order) for order in chunk], done[0]

    def relay(child: InChild[tuple[list[tuple[Any, ...]], int]]) -> Iterator[list[StagedOrder]]:
        make = StagedOrder._make
        for chunk, done in child:
            if progress is not None and done:
                progress(done)
            yield [make(order) for order in chunk]

    with InChild(produce) as child:
        yield relay(child)
