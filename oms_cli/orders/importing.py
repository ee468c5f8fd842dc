"""`oms import`: write channel orders into the store, one transaction per file.

Idempotent: an order already stored is updated only when the source changed and it
has not gone past release; otherwise it is left alone and counted. A bad record
anywhere in a file rolls the whole file back (the importers raise ``BadInput``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.engine import Connection

from oms_cli.orders import fast_import
from oms_cli.orders.events import EVENT_COLUMNS, record_event
from oms_cli.orders.lifecycle import IMPORT_MUTABLE, MILESTONE_COLUMN, ON_FLOOR, Status
from oms_cli.orders.records import LINE_COLUMNS, LINE_SOURCE_COLUMNS, ORDER_COLUMNS, ORDER_SOURCE_COLUMNS
from oms_cli.orders.staging import FINGERPRINT_PREFIX, StagedOrder, Writers, legacy_fingerprint
from oms_cli.store.bulk import BulkInserter, execute_processed, process_value
from oms_cli.store.engine import Store
from oms_cli.store.locks import hold
from oms_cli.store.tables import order_events as events_t
from oms_cli.store.tables import order_lines as lines_t
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import pick_allocations as allocs_t
from oms_cli.store.tables import reservations as reservations_t
from oms_cli.store.types import utcnow

_SKU = LINE_SOURCE_COLUMNS.index("sku")  # in a staged line


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
    #: orders with a line that has no SKU (a custom item): release holds them until it has one
    without_sku: list[str] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run."""


def _write_chunk(
    conn: Connection, chunk: list[StagedOrder], report: FileReport, inserters: dict[str, BulkInserter]
) -> None:
    now = utcnow()
    existing: dict[str, Any] = {}
    for start in range(0, len(chunk), 900):
        part = [order.ref for order in chunk[start : start + 900]]
        for row in conn.execute(
            select(orders_t.c.id, orders_t.c.ref, orders_t.c.status, orders_t.c.source_hash, orders_t.c.own_tags).where(
                orders_t.c.ref.in_(part)
            )
        ):
            existing[row.ref] = row

    new_orders: list[StagedOrder] = []
    refingerprinted: list[dict[str, Any]] = []
    for item in chunk:
        old = existing.get(item.ref)
        if old is None:
            new_orders.append(item)
            continue
        if old.source_hash == item.fingerprint:
            report.unchanged += 1
            continue
        if _is_legacy(old.source_hash) and old.source_hash == legacy_fingerprint(item):
            # unchanged since an import by an older oms: it keeps this version's fingerprint
            refingerprinted.append({"b_id": old.id, "source_hash": item.fingerprint})
            report.unchanged += 1
            continue
        if old.status not in IMPORT_MUTABLE:
            if item.status == Status.CANCELLED and old.status in ON_FLOOR:
                report.cancelled_after_release.append(item.ref)
            report.skipped += 1
            continue
        _update_order(conn, old, item, now, report, inserters)
    if refingerprinted:
        conn.execute(
            update(orders_t).where(orders_t.c.id == bindparam("b_id")).values(source_hash=bindparam("source_hash")),
            refingerprinted,
        )

    if not new_orders:
        return
    stamps = _stamps(conn, now)
    before = conn.execute(select(func.max(orders_t.c.id))).scalar() or 0
    inserters["orders"].insert_processed([(*order.row, order.fingerprint, *stamps) for order in new_orders])
    # The new rows' ids: every row above the highest id before the insert, kept when its
    # ref is one of ours (on a server database other sessions may add rows too).
    # (Plain driver rows: an id and a ref need no conversion, and a large import reads
    # 100,000 of them.)
    wanted = {order.ref for order in new_orders}
    fresh = conn.execute(select(orders_t.c.id, orders_t.c.ref).where(orders_t.c.id > before)).cursor.fetchall()
    ids = {ref: oid for oid, ref in fresh if ref in wanted}
    at = process_value(events_t, "at", now, conn.dialect)
    line_rows: list[tuple[Any, ...]] = []
    event_rows: list[tuple[Any, ...]] = []
    milestones: dict[str, list[int]] = {}
    for order in new_orders:
        oid = ids[order.ref]
        line_rows.extend((oid, *line) for line in order.lines)
        status = order.status
        event_rows.append((oid, "status", None, status, at, "import", None))
        if status in MILESTONE_COLUMN:
            milestones.setdefault(MILESTONE_COLUMN[status], []).append(oid)
        if status == Status.CANCELLED:
            report.cancelled += 1
    inserters["lines"].insert_processed(line_rows)
    inserters["events"].insert_processed(event_rows)
    for col, oids in milestones.items():  # an order that arrives already cancelled (or beyond)
        for start in range(0, len(oids), 900):
            conn.execute(update(orders_t).where(orders_t.c.id.in_(oids[start : start + 900])).values({col: now}))
    report.new += len(new_orders)


def _stamps(conn: Connection, now: datetime) -> tuple[Any, Any]:
    """imported_at and updated_at, processed for the DBAPI like the staged values."""
    return (
        process_value(orders_t, "imported_at", now, conn.dialect),
        process_value(orders_t, "updated_at", now, conn.dialect),
    )


def _is_legacy(source_hash: str | None) -> bool:
    """True for a fingerprint stored by an oms from before FINGERPRINT_PREFIX."""
    return source_hash is not None and not source_hash.startswith(FINGERPRINT_PREFIX)


def writers_for(store: Store) -> Writers:
    """The bind processing of the store's dialect, for staging orders away from the
    connection."""
    dialect = store.engine.dialect
    return Writers(
        fast_import.processor(orders_t, ORDER_SOURCE_COLUMNS, dialect),
        fast_import.processor(lines_t, LINE_SOURCE_COLUMNS, dialect),
    )


def _plain_json(value: Any) -> Any:
    """A JSON column's value as the bind processing gave it, back as plain data (text on
    SQLite and psycopg2, a wrapper holding it as ``obj`` on psycopg)."""
    if isinstance(value, (str, bytes)):
        return json.loads(value)
    return getattr(value, "obj", value)


def _update_order(
    conn: Connection,
    old: Any,
    item: StagedOrder,
    now: datetime,
    report: FileReport,
    inserters: dict[str, BulkInserter],
) -> None:
    """Bring a new or held order up to date with a newer export (``item``: the order as
    staged, its values processed for the DBAPI).

    Lines are replaced only while nothing on the floor refers to them (no active
    reservation, no pick allocation, no line added by a thank-you rule); otherwise the
    order keeps its lines and is reported, so a person decides. A cancellation at the
    channel always goes through: the order is cancelled and its stock given back.
    """
    from oms_cli.orders.floor import take_off_floor

    values = dict(zip(ORDER_SOURCE_COLUMNS, item.row))
    values["source_hash"] = item.fingerprint
    values["updated_at"] = _stamps(conn, now)[1]
    cancelled = item.status == Status.CANCELLED
    for keep in ("ref", "status", "instruction_state"):
        values.pop(keep)
    # Tags given here (`oms orders tag`) stay: the channel's tags, then the shop's own.
    own = list(old.own_tags or [])
    export_tags = _plain_json(values["tags"])
    if any(t not in export_tags for t in own):
        values["tags"] = process_value(
            orders_t, "tags", export_tags + [t for t in own if t not in export_tags], conn.dialect
        )
    set_values = update(orders_t).where(orders_t.c.id == bindparam("b_id")).values({k: bindparam(k) for k in values})
    if cancelled:
        execute_processed(conn, set_values, {**values, "b_id": old.id})
        take_off_floor(
            conn,
            old,
            Status.CANCELLED,
            command="import",
            note="cancelled at the channel",
            at=now,
            hold_reason=None,
            hold_note=None,
        )
        report.cancelled += 1
        report.updated += 1
        return
    new_lines = [(old.id, *line) for line in item.lines]
    stored = conn.execute(
        select(*[lines_t.c[c] for c in LINE_COLUMNS], lines_t.c.added_by_rule)
        .where(lines_t.c.order_id == old.id)
        .order_by(lines_t.c.line_no)
    ).all()
    lines_changed = [tuple(r)[: len(LINE_COLUMNS)] for r in stored] != new_lines
    if lines_changed:
        on_floor = (
            any(r.added_by_rule for r in stored)
            or conn.execute(
                select(reservations_t.c.id)
                .where(reservations_t.c.order_id == old.id, reservations_t.c.state != "released")
                .limit(1)
            ).first()
            or conn.execute(select(allocs_t.c.id).where(allocs_t.c.order_id == old.id).limit(1)).first()
        )
        if on_floor:
            report.skipped += 1
            report.lines_changed_on_floor.append(old.ref)
            return
        conn.execute(delete(reservations_t).where(reservations_t.c.order_id == old.id))
        conn.execute(delete(lines_t).where(lines_t.c.order_id == old.id))
        inserters["lines"].insert_processed(new_lines)
    execute_processed(conn, set_values, {**values, "b_id": old.id})
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
    with fast_import.import_run():
        for unit in units:
            reports.append(
                _import_unit(
                    store,
                    unit,
                    settings,
                    dry_run=dry_run,
                    progress=progress,
                    stop_on_error=stop_on_error or len(units) == 1,
                )
            )
    return reports


def _import_unit(
    store: Store,
    unit: Any,
    settings: Any,
    *,
    dry_run: bool,
    progress: Callable[[str, int, int], None] | None,
    stop_on_error: bool,
) -> FileReport:
    """Import one file (or Etsy pair) in one transaction; a bad record rolls it back whole."""
    from oms_cli.core.errors import BadInput

    report = FileReport(file=unit.name, channel=unit.channel)
    total = getattr(unit, "size", 0) or 0
    cb = (lambda n: progress(unit.name, n, total)) if progress else None
    try:
        # The reading starts (in its own process, for a large file) before the write
        # transaction opens: the child must not inherit an open transaction.
        with (
            fast_import.staged_chunks(unit, settings, writers_for(store), cb) as chunks,
            store.connect(write=True) as conn,
        ):
            # On PostgreSQL two imports of the same file would both find its refs new and
            # the second would fail on the unique ref; one import at a time, as on SQLite.
            hold(conn, "oms import")
            inserters = {
                "orders": BulkInserter(conn, orders_t, ORDER_COLUMNS),
                "lines": BulkInserter(conn, lines_t, LINE_COLUMNS),
                "events": BulkInserter(conn, events_t, EVENT_COLUMNS),
            }
            for chunk in chunks:
                report.without_sku.extend(order.ref for order in chunk if any(not line[_SKU] for line in order.lines))
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


def write_orders(conn: Connection, orders: list[dict[str, Any]], writers: Writers, report: FileReport) -> None:
    """Write canonical order dicts in the caller's transaction with the same staging and
    upsert as a file import (``oms sync`` writes each page of a channel's API this way,
    so a file import and a sync of one order never make two)."""
    from oms_cli.orders.staging import stage

    inserters = {
        "orders": BulkInserter(conn, orders_t, ORDER_COLUMNS),
        "lines": BulkInserter(conn, lines_t, LINE_COLUMNS),
        "events": BulkInserter(conn, events_t, EVENT_COLUMNS),
    }
    for chunk in stage(orders, writers):
        _write_chunk(conn, chunk, report, inserters)
