"""`oms import`: write channel orders into the store, one transaction per file.

Idempotent: an order already stored is updated only when the source changed and it
has not gone past release; otherwise it is left alone and counted. A bad record
anywhere in a file rolls the whole file back (the importers raise ``BadInput``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from oms_cli.core.gcpause import collector_paused
from oms_cli.orders.events import EVENT_COLUMNS, record_event
from oms_cli.orders.lifecycle import IMPORT_MUTABLE, MILESTONE_COLUMN
from oms_cli.orders.records import LINE_COLUMNS, ORDER_COLUMNS, line_values, order_values
from oms_cli.store.bulk import BulkInserter
from oms_cli.store.engine import Store
from oms_cli.store.models import OrderEventRow, OrderLineRow, OrderRow, ReservationRow
from oms_cli.store.types import utcnow

orders_t = OrderRow.__table__
lines_t = OrderLineRow.__table__
events_t = OrderEventRow.__table__
reservations_t = ReservationRow.__table__

CHUNK = 2000
#: the orders-row values before source_hash (the fingerprinted part; timestamps come after)
_HASHED = ORDER_COLUMNS.index("source_hash")


@dataclass
class FileReport:
    """What one import unit (a file, or Etsy's pair) did."""

    file: str
    channel: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    cancelled: int = 0
    #: orders cancelled at the channel after they were released here: someone must act
    cancelled_after_release: list[str] = field(default_factory=list)
    #: held orders whose lines changed at the channel after they had been on the floor: left as they were
    lines_changed_on_floor: list[str] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run."""


def source_hash(order_row: tuple[Any, ...], line_rows: list[tuple[Any, ...]]) -> str:
    """A fingerprint of an order as it would be stored, to tell changed from unchanged re-imports.

    Taken over the store values (money already in minor units), which are flat tuples of
    plain values and so cheap to fingerprint, rather than over the nested source dict.
    """
    return hashlib.blake2b(repr((order_row, line_rows)).encode("utf-8"), digest_size=16).hexdigest()


def fingerprint(order: dict[str, Any]) -> str:
    """The source fingerprint an import stores for a canonical order dict."""
    return source_hash(order_values(order, None, None)[:_HASHED], line_values(0, order))


def _chunks(orders: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    buf: list[dict[str, Any]] = []
    for o in orders:
        buf.append(o)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def _write_chunk(conn: Connection, chunk: list[dict[str, Any]], report: FileReport, inserters: dict[str, BulkInserter]) -> None:
    now = utcnow()
    # The same order may appear twice in one export (overlapping pages): last one wins.
    by_ref: dict[str, dict[str, Any]] = {}
    for o in chunk:
        by_ref[o["ref"]] = o
    refs = list(by_ref)
    existing: dict[str, Any] = {}
    for start in range(0, len(refs), 900):
        part = refs[start : start + 900]
        for row in conn.execute(
            select(orders_t.c.id, orders_t.c.ref, orders_t.c.status, orders_t.c.source_hash).where(orders_t.c.ref.in_(part))
        ):
            existing[row.ref] = row

    # (order, its orders-row values, its line values with order id 0) of the orders to insert
    new_orders: list[tuple[dict[str, Any], tuple[Any, ...], list[tuple[Any, ...]]]] = []
    for ref, order in by_ref.items():
        values = order_values(order, None, now)
        lines = line_values(0, order)
        h = source_hash(values[:_HASHED], lines)
        old = existing.get(ref)
        if old is None:
            new_orders.append((order, values[:_HASHED] + (h,) + values[_HASHED + 1 :], lines))
            continue
        if old.source_hash == h:
            report.unchanged += 1
            continue
        if old.status not in IMPORT_MUTABLE:
            if order.get("status") == "cancelled" and old.status not in ("cancelled", "shipped", "delivered", "returned"):
                report.cancelled_after_release.append(ref)
            report.skipped += 1
            continue
        _update_order(conn, old, order, h, now, report)

    if not new_orders:
        return
    inserters["orders"].insert([values for _, values, _ in new_orders])
    ids: dict[str, int] = {}
    new_refs = [o["ref"] for o, _, _ in new_orders]
    for start in range(0, len(new_refs), 900):
        part = new_refs[start : start + 900]
        for row in conn.execute(select(orders_t.c.id, orders_t.c.ref).where(orders_t.c.ref.in_(part))):
            ids[row.ref] = row.id
    line_rows: list[tuple[Any, ...]] = []
    event_rows: list[tuple[Any, ...]] = []
    milestones: dict[str, list[int]] = {}
    for o, _, lines in new_orders:
        oid = ids[o["ref"]]
        line_rows.extend((oid,) + ln[1:] for ln in lines)
        status = o.get("status") or "new"
        event_rows.append((oid, "status", None, status, now, "import", None))
        if status in MILESTONE_COLUMN:
            milestones.setdefault(MILESTONE_COLUMN[status], []).append(oid)
        if status == "cancelled":
            report.cancelled += 1
    inserters["lines"].insert(line_rows)
    inserters["events"].insert(event_rows)
    for col, oids in milestones.items():  # an order that arrives already cancelled (or beyond)
        for start in range(0, len(oids), 900):
            conn.execute(update(orders_t).where(orders_t.c.id.in_(oids[start : start + 900])).values({col: now}))
    report.new += len(new_orders)


def _update_order(conn: Connection, old: Any, order: dict[str, Any], h: str, now: Any, report: FileReport) -> None:
    """Bring a new or held order up to date with a newer export.

    Lines are replaced only while nothing on the floor refers to them (no active
    reservation, no pick allocation, no line added by a thank-you rule); otherwise the
    order keeps its lines and is reported, so a person decides. A cancellation at the
    channel always goes through: the order is cancelled and its stock given back.
    """
    from oms_cli.orders.events import transition
    from oms_cli.orders.service import _unassign_picks, free_reservations
    from oms_cli.store.models import PickAllocationRow

    allocs_t = PickAllocationRow.__table__
    values = dict(zip(ORDER_COLUMNS, order_values(order, h, now)))
    for keep in ("ref", "imported_at", "status", "instruction_state"):
        values.pop(keep)
    if order.get("status") == "cancelled":
        conn.execute(update(orders_t).where(orders_t.c.id == old.id).values(**values))
        transition(conn, old.id, old.ref, old.status, "cancelled", command="import", note="cancelled at the channel", at=now,
                   hold_reason=None, hold_note=None)
        free_reservations(conn, old.id, "import")
        _unassign_picks(conn, old.id)
        report.cancelled += 1
        report.updated += 1
        return
    new_lines = line_values(old.id, order)
    stored = conn.execute(
        select(*[lines_t.c[c] for c in LINE_COLUMNS], lines_t.c.added_by_rule).where(lines_t.c.order_id == old.id).order_by(lines_t.c.line_no)
    ).all()
    lines_changed = [tuple(r)[: len(LINE_COLUMNS)] for r in stored] != new_lines
    if lines_changed:
        on_floor = (
            any(r.added_by_rule for r in stored)
            or conn.execute(select(reservations_t.c.id).where(reservations_t.c.order_id == old.id, reservations_t.c.state != "released").limit(1)).first()
            or conn.execute(select(allocs_t.c.id).where(allocs_t.c.order_id == old.id).limit(1)).first()
        )
        if on_floor:
            report.skipped += 1
            report.lines_changed_on_floor.append(old.ref)
            return
        conn.execute(delete(reservations_t).where(reservations_t.c.order_id == old.id))
        conn.execute(delete(lines_t).where(lines_t.c.order_id == old.id))
        conn.execute(lines_t.insert(), [dict(zip(LINE_COLUMNS, r)) for r in new_lines])
    conn.execute(update(orders_t).where(orders_t.c.id == old.id).values(**values))
    record_event(conn, old.id, command="import", kind="note", note="updated from a newer export", at=now)
    report.updated += 1


def import_files(
    store: Store,
    paths: list[str],
    channel: str,
    settings: Any,
    *,
    dry_run: bool = False,
    stdin: Any = None,
    progress: Callable[[str, int, int], None] | None = None,
    stop_on_error: bool = False,
) -> list[FileReport]:
    """Import each file (or Etsy pair) in its own transaction; return a report per unit.

    A unit with a bad record is rolled back whole and its report carries the error;
    the other units still import (the CLI turns that into the partial-success exit code).
    """
    from oms_cli.importers import plan_units

    units = plan_units(paths, channel, stdin=stdin)
    reports: list[FileReport] = []
    with collector_paused():  # about a tenth of the run time on a large export
        for unit in units:
            reports.append(_import_unit(store, unit, settings, dry_run=dry_run, progress=progress,
                                        stop_on_error=stop_on_error or len(units) == 1))
    return reports


def _import_unit(store: Store, unit: Any, settings: Any, *, dry_run: bool, progress: Callable[[str, int, int], None] | None,
                 stop_on_error: bool) -> FileReport:
    """Import one file (or Etsy pair) in one transaction; a bad record rolls it back whole."""
    from oms_cli.core.errors import BadInput
    from oms_cli.importers import read_unit

    report = FileReport(file=unit.name, channel=unit.channel)
    total = getattr(unit, "size", 0) or 0
    cb = (lambda n: progress(unit.name, n, total)) if progress else None
    try:
        with store.connect(write=True) as conn:
            inserters = {
                "orders": BulkInserter(conn, orders_t, ORDER_COLUMNS),
                "lines": BulkInserter(conn, lines_t, LINE_COLUMNS),
                "events": BulkInserter(conn, events_t, EVENT_COLUMNS),
            }
            for chunk in _chunks(read_unit(unit, settings, progress=cb), CHUNK):
                _write_chunk(conn, chunk, report, inserters)
            if dry_run:
                raise _Rollback()
    except _Rollback:
        pass
    except BadInput as exc:
        if stop_on_error:
            raise
        report = FileReport(file=unit.name, channel=unit.channel, error=exc.message)
    return report
