"""`oms release`: move imported orders to the floor, or on hold with a reason.

Candidates are processed in queue order (overdue, next day, expedited, oldest) so fast
orders get scarce stock first. Orders go through in chunks, each chunk one write
transaction (BEGIN IMMEDIATE serialises writers on SQLite; on PostgreSQL the stock rows
are locked as they are read): the stock is re-read inside it, every
order is decided whole against what is left, and the chunk's rows are then written
with one statement per kind. So two runs at once can never reserve more than is on the
shelf, an interrupted run leaves whole orders only, and when a chunk fails each of its
orders is retried in a transaction of its own so that one bad order does not stop the rest.

Status changes go through ``oms_cli.orders.events.transition_many``: checked against the
lifecycle, applied only if the order is still in the status it was read in, recorded as
event rows, one statement per kind for the whole chunk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from oms_cli.core.config import Config
from oms_cli.core.errors import OmsError, StoreBusy
from oms_cli.core.money import from_minor
from oms_cli.orders.events import StatusChange, record_event, transition_many
from oms_cli.orders.floor import free_reservations
from oms_cli.orders.lifecycle import MILESTONE_COLUMN, ON_FLOOR, RELEASABLE, Status, check_transition, refusal
from oms_cli.orders.records import SHIP_TO_COLUMNS
from oms_cli.orders.service import lines_of, resolve_ref
from oms_cli.release.decision import PERSON_HOLDS, Catalog, Decision, Gate, LineFacts, OrderFacts, decide
from oms_cli.release.priority import queue_key
from oms_cli.release.schedule import Schedule
from oms_cli.release.thank_you import fields_used
from oms_cli.stock.ledger import CHUNK, product_locations, reserve_many, stock_levels
from oms_cli.store.bulk import BulkInserter
from oms_cli.store.engine import Store
from oms_cli.store.tables import inserted_id
from oms_cli.store.tables import order_events as events_t
from oms_cli.store.tables import order_lines as lines_t
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import products as products_t
from oms_cli.store.tables import reservations as reservations_t
from oms_cli.store.types import utcnow

#: the event notes that mark a rule as applied, and an order as a backorder of another
RULE_NOTE = re.compile(r"^thank-you rule '(?P<name>.+)' (?:applied|matched)")
BACKORDER_NOTE = "backorder of "
THANK_YOU_NOTE = "thank-you note: "
_BO_SUFFIX = re.compile(r"-BO\d+$")
#: hold reasons whose clock starts again at release: the buyer had not paid yet
_PAYMENT_HOLDS = ("awaiting_payment", "cod_not_allowed")


@dataclass
class ReleaseReport:
    """What one `oms release` run did."""

    released: list[dict[str, Any]] = field(default_factory=list)
    held: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)  # named orders that are not new or on hold
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "released": self.released,
            "held": self.held,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": self.errors,
        }


@dataclass
class _Context:
    gate: Gate
    schedule: Schedule
    catalog: Catalog
    names: dict[str, str | None]
    rule_skus: list[str]
    command: str
    now: datetime
    by_ref: bool


def policy(config: Config) -> tuple[Gate, Schedule]:
    """The release gate and the ship-by calendar from the config (ConfigError when they are wrong)."""
    gate = Gate.from_config(config.section("release"), config.get("import.cod_methods") or ())
    return gate, Schedule.from_config(config.section("schedule"))


def clock_start(row: Any, now: datetime) -> datetime:
    """When an order's handling clock starts: when it was placed, or now for one that waited for payment."""
    if row.status == Status.ON_HOLD and row.hold_reason in _PAYMENT_HOLDS:
        return max(now, row.placed_at)
    return row.placed_at


def release_orders(
    store: Store,
    config: Config,
    *,
    refs: Sequence[str] | None = None,
    command: str = "release",
    now: datetime | None = None,
    chunk: int = 500,
) -> ReleaseReport:
    """Run the release gate over the named orders, or every candidate when ``refs`` is None.

    Orders held by a person (manual, high_risk, other) are only released when named.
    """
    gate, schedule = policy(config)
    now = now or utcnow()
    report = ReleaseReport()
    by_ref = refs is not None
    with store.connect(write=False) as conn:
        if by_ref:
            rows = []
            seen: set[int] = set()
            for ref in refs or []:
                row = resolve_ref(conn, ref)
                if row.id in seen:
                    continue
                seen.add(row.id)
                if row.status not in RELEASABLE:
                    report.skipped.append({"ref": row.ref, "status": row.status, "why": _why_not(row.status)})
                    continue
                rows.append(row)
        else:
            rows = list(
                conn.execute(
                    select(orders_t).where(
                        orders_t.c.status.in_(sorted(RELEASABLE)),
                        or_(orders_t.c.hold_reason.is_(None), orders_t.c.hold_reason.not_in(sorted(PERSON_HOLDS))),
                    )
                )
            )
        ids = [r.id for r in rows]
        lines = lines_of(conn, ids)
        names = {r.sku: r.name for r in conn.execute(select(products_t.c.sku, products_t.c.name))}
        catalog = Catalog(frozenset(names), product_locations(conn))
        applied, backorders = _rule_marks(conn, ids)
        customer_orders = _customer_orders(conn, rows) if "customer_orders" in fields_used(gate.rules) else {}
    ctx = _Context(
        gate, schedule, catalog, names, sorted({r.add_sku for r in gate.rules if r.add_sku}), command, now, by_ref
    )
    deadline = {r.id: schedule.ship_by(clock_start(r, now), r.service_level) for r in rows}
    rows.sort(key=lambda r: queue_key(deadline[r.id], r.service_level, r.placed_at, r.id, now))
    work = [
        _Candidate(
            r,
            lines[r.id],
            applied.get(r.id, set()),
            r.id in backorders,
            customer_orders.get((r.customer_email or "").lower()),
            deadline[r.id],
        )
        for r in rows
    ]
    for start in range(0, len(work), max(1, chunk)):
        _run_chunk(store, ctx, work[start : start + max(1, chunk)], report)
    return report


@dataclass
class _Candidate:
    seen: Any  # the order row as read before the write transaction
    lines: list[Any]
    applied: set[str]
    is_backorder: bool
    customer_orders: int | None
    ship_by: datetime | None = None  # worked out for the queue order; None when the order changed since


def _run_chunk(store: Store, ctx: _Context, chunk: list[_Candidate], report: ReleaseReport) -> None:
    """Release a chunk of orders in one write transaction; if it fails, retry each order in its own.

    Each order's writes are decided whole before any is made, so a chunk commits whole
    orders only, and a failing order is found and reported alone without holding up the rest.
    """
    part = ReleaseReport()
    try:
        with store.connect() as conn:
            _release_chunk(conn, ctx, chunk, part)
    except StoreBusy:
        raise
    except Exception as exc:  # noqa: BLE001 - isolate the order at fault, report it, go on
        if len(chunk) > 1:
            for one in chunk:
                _run_chunk(store, ctx, [one], report)
            return
        message = exc.message if isinstance(exc, OmsError) else f"{type(exc).__name__}: {exc}"
        report.errors.append({"ref": chunk[0].seen.ref, "error": message})
        return
    report.released.extend(part.released)
    report.held.extend(part.held)
    report.unchanged += part.unchanged


@dataclass
class _Writes:
    """Rows a chunk writes, gathered so that each kind goes to the store in one statement."""

    changes: list[StatusChange] = field(default_factory=list)  # orders released or put on hold
    hold_notes: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    reservations: list[dict[str, Any]] = field(default_factory=list)
    gifts: list[dict[str, Any]] = field(default_factory=list)

    def event(
        self,
        order_id: int,
        at: datetime,
        command: str,
        note: str | None,
        *,
        kind: str = "note",
        from_status: str | None = None,
        to_status: str | None = None,
    ) -> None:
        """Queue one order event row."""
        self.events.append(
            {
                "order_id": order_id,
                "kind": kind,
                "from_status": from_status,
                "to_status": to_status,
                "at": at,
                "command": command,
                "note": note,
            }
        )


def _release_chunk(conn: Connection, ctx: _Context, chunk: list[_Candidate], part: ReleaseReport) -> None:
    ids = [c.seen.id for c in chunk]
    version = {
        r.id: r
        for r in conn.execute(
            # locked (PostgreSQL): a second run at once waits here, then sees what this one did
            select(orders_t.c.id, orders_t.c.status, orders_t.c.hold_reason, orders_t.c.updated_at)
            .where(orders_t.c.id.in_(ids))
            .order_by(orders_t.c.id)
            .with_for_update()
        )
    }
    todo: list[tuple[Any, _Candidate, list[Any]]] = []
    for c in chunk:
        now_row = version.get(c.seen.id)
        # Another run (or a person) may have moved the order since the candidates were read.
        if (
            now_row is None
            or now_row.status not in RELEASABLE
            or (not ctx.by_ref and now_row.status == Status.ON_HOLD and now_row.hold_reason in PERSON_HOLDS)
        ):
            part.unchanged += 1
            continue
        if now_row.updated_at == c.seen.updated_at and now_row.status == c.seen.status:
            row, lines = c.seen, c.lines
        else:
            row = conn.execute(select(orders_t).where(orders_t.c.id == c.seen.id)).one()
            lines = lines_of(conn, [row.id])[row.id]
            c.ship_by = None
        todo.append((row, c, lines))
    if not todo:
        return
    # Active reservations of an order going round again are given back first, so the
    # order competes for stock afresh instead of counting its own stock as taken.
    for oid in _with_active_reservations(conn, [row.id for row, _, _ in todo]):
        free_reservations(conn, oid)
    skus = {ln.sku for _, _, lines in todo for ln in lines} | set(ctx.rule_skus)
    # Read inside the write transaction, the rows locked: no other writer can take this
    # stock until we commit (on SQLite the write lock, on PostgreSQL the row locks).
    stock = {sku: dict(levels) for sku, levels in stock_levels(conn, skus, lock=True).items()}
    w = _Writes()
    for row, c, lines in todo:
        facts = OrderFacts(
            ref=row.ref,
            payment_status=row.payment_status,
            payment_method=row.payment_method,
            ship_to={k: getattr(row, col) for k, col in SHIP_TO_COLUMNS.items()},
            lines=[LineFacts(ln.id, ln.sku, ln.quantity, ln.name) for ln in lines],
            rule_facts=partial(rule_facts, row, lines, c.customer_orders),
            applied_rules=c.applied,
            is_backorder=c.is_backorder,
        )
        d = decide(facts, ctx.gate, ctx.catalog, stock)
        if d.release:
            for a in d.allocations:
                on_hand, reserved = stock[a.sku][a.location]
                stock[a.sku][a.location] = (on_hand, reserved + a.quantity)
            _plan_release(conn, ctx, row, lines, d, w, part, c.ship_by)
        else:
            _plan_hold(ctx, row, d, w, part)
    _write(conn, ctx, w)


def _plan_hold(ctx: _Context, row: Any, d: Decision, w: _Writes, part: ReleaseReport) -> None:
    changed = not (row.status == Status.ON_HOLD and row.hold_reason == d.reason)
    if changed:
        w.changes.append(
            StatusChange(
                row.id,
                row.ref,
                row.status,
                Status.ON_HOLD,
                f"{d.reason}: {d.detail}",
                {"hold_reason": d.reason, "hold_note": d.detail},
            )
        )
    else:
        part.unchanged += 1
        if row.hold_note != d.detail:
            # Same reason, newer figures (e.g. how many are available): keep the note current, no event.
            w.hold_notes.append({"b_id": row.id, "hold_note": d.detail})
    part.held.append(
        {
            "ref": row.ref,
            "reason": d.reason,
            "detail": d.detail,
            "changed": changed,
            "instruction": row.instruction_state,
        }
    )


def _plan_release(
    conn: Connection,
    ctx: _Context,
    row: Any,
    lines: list[Any],
    d: Decision,
    w: _Writes,
    part: ReleaseReport,
    ship_by: datetime | None,
) -> None:
    check_transition(row.ref, row.status, Status.READY)
    now = ctx.now
    next_no = max((ln.line_no for ln in lines), default=0)
    tags = list(row.tags or [])
    thank_you: list[dict[str, Any]] = []
    gift_line: dict[str, int] = {}
    for o in d.outcomes:
        for t in o.tags:
            if t not in tags:
                tags.append(t)
        if o.add_sku and not o.skipped:
            next_no += 1
            gift_line[f"rule:{o.rule}"] = next_no
            w.gifts.append(
                {
                    "order_id": row.id,
                    "line_no": next_no,
                    "sku": o.add_sku,
                    "name": ctx.names.get(o.add_sku),
                    "quantity": o.quantity,
                    "unit_price_minor": 0,
                    "free": True,
                    "added_by_rule": o.rule,
                }
            )
        thank_you.append(
            {
                "rule": o.rule,
                "added": f"{o.add_sku} x{o.quantity}" if o.add_sku and not o.skipped else None,
                "tags": o.tags,
                "note": o.note,
                "skipped": o.skipped,
            }
        )
    backorder_ref = _split(conn, ctx, row, lines, d) if d.backorder else None
    for a in d.allocations:
        # A gift line has no id yet: it is resolved from (order, line number) once inserted.
        w.reservations.append(
            {
                "order_id": row.id,
                "order_line_id": a.line if isinstance(a.line, int) else None,
                "gift_line_no": gift_line.get(a.line) if isinstance(a.line, str) else None,
                "sku": a.sku,
                "location": a.location,
                "quantity": a.quantity,
                "created_at": now,
            }
        )
    ship_by = ship_by or ctx.schedule.ship_by(clock_start(row, now), row.service_level)
    note = f"released; ship by {ship_by:%Y-%m-%d %H:%M} UTC" + (
        f"; rest on backorder {backorder_ref}" if backorder_ref else ""
    )
    w.changes.append(
        StatusChange(
            row.id,
            row.ref,
            row.status,
            Status.READY,
            note,
            {"ship_by": ship_by, "hold_reason": None, "hold_note": None, "tags": tags},
        )
    )
    for o in d.outcomes:
        did = []
        if o.add_sku:
            did.append(
                f"{o.add_sku} not added: {o.skipped}" if o.skipped else f"added {o.add_sku} x{o.quantity} (free)"
            )
        if o.tags:
            did.append("tagged " + ", ".join(o.tags))
        if o.note:
            did.append("packing note")
        w.event(row.id, now, ctx.command, f"thank-you rule '{o.rule}' applied: " + "; ".join(did))
        if o.note:
            w.event(row.id, now, ctx.command, THANK_YOU_NOTE + o.note)
    part.released.append(
        {
            "ref": row.ref,
            "service_level": row.service_level,
            "ship_by": ship_by,
            "units": sum(a.quantity for a in d.allocations),
            "backorder": backorder_ref,
            "thank_you": thank_you,
            "instruction": row.instruction_state,
        }
    )


def _write(conn: Connection, ctx: _Context, w: _Writes) -> None:
    """Make a chunk's writes, each kind in one statement, checking every row landed."""
    if w.gifts:
        _insert(conn, lines_t, w.gifts)
        gift_orders = sorted({g["order_id"] for g in w.gifts})
        ids: dict[tuple[int, int], int] = {}
        for start in range(0, len(gift_orders), CHUNK):
            for r in conn.execute(
                select(lines_t.c.id, lines_t.c.order_id, lines_t.c.line_no).where(
                    lines_t.c.order_id.in_(gift_orders[start : start + CHUNK]), lines_t.c.free.is_(True)
                )
            ):
                ids[(r.order_id, r.line_no)] = r.id
        for res in w.reservations:
            if res["order_line_id"] is None:
                res["order_line_id"] = ids[(res["order_id"], res["gift_line_no"])]
    reserve_many(conn, w.reservations)
    transition_many(conn, w.changes, command=ctx.command, at=ctx.now)
    if w.hold_notes:
        conn.execute(
            update(orders_t).where(orders_t.c.id == bindparam("b_id")).values(hold_note=bindparam("hold_note")),
            w.hold_notes,
        )
    if w.events:
        _insert(conn, events_t, w.events)


def _insert(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert rows (dicts with the same keys) with one executemany through the store's bulk path."""
    columns = list(rows[0])
    BulkInserter(conn, table, columns).insert([tuple(r[c] for c in columns) for r in rows])


def _why_not(status: str) -> str:
    if status == Status.READY:
        return "already released"
    if status in ON_FLOOR:
        return f"already on the floor ({status})"
    return refusal(status, RELEASABLE, "released")


def _rule_marks(conn: Connection, ids: list[int]) -> tuple[dict[int, set[str]], set[int]]:
    applied: dict[int, set[str]] = {}
    backorders: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        q = select(events_t.c.order_id, events_t.c.note).where(
            events_t.c.order_id.in_(ids[start : start + CHUNK]),
            events_t.c.kind == "note",
            or_(events_t.c.note.like("thank-you rule %"), events_t.c.note.like(BACKORDER_NOTE + "%")),
        )
        for r in conn.execute(q):
            m = RULE_NOTE.match(r.note)
            if m:
                applied.setdefault(r.order_id, set()).add(m["name"])
            elif r.note.startswith(BACKORDER_NOTE):
                backorders.add(r.order_id)
    return applied, backorders


def _customer_orders(conn: Connection, rows: list[Any]) -> dict[str, int]:
    emails = sorted({(r.customer_email or "").lower() for r in rows if r.customer_email})
    out: dict[str, int] = {}
    for start in range(0, len(emails), CHUNK):
        q = (
            select(func.lower(orders_t.c.customer_email), func.count())
            .where(
                func.lower(orders_t.c.customer_email).in_(emails[start : start + CHUNK]),
                orders_t.c.status != Status.CANCELLED,
            )
            .group_by(func.lower(orders_t.c.customer_email))
        )
        out.update({e: int(n) for e, n in conn.execute(q)})
    return out


def _with_active_reservations(conn: Connection, ids: list[int]) -> set[int]:
    out: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        out.update(
            conn.execute(
                select(reservations_t.c.order_id)
                .where(reservations_t.c.order_id.in_(ids[start : start + CHUNK]), reservations_t.c.state == "active")
                .distinct()
            ).scalars()
        )
    return out


def rule_facts(row: Any, lines: Sequence[Any], customer_orders: int | None) -> dict[str, Any]:
    """The figures thank-you rules may look at, for one order (free lines not counted)."""
    paid = [ln for ln in lines if not ln.free]
    return {
        "units": sum(ln.quantity for ln in paid),
        "lines": len(paid),
        "total": from_minor(row.total_minor, row.currency),
        "subtotal": from_minor(row.subtotal_minor, row.currency),
        "customer_orders": customer_orders,
        "country": row.ship_country,
        "channel": row.channel,
        "service_level": row.service_level,
        "currency": row.currency,
        "payment": row.payment_status,
        "tags": list(row.tags or []),
        "skus": [ln.sku for ln in paid],
    }


def _split(conn: Connection, ctx: _Context, row: Any, lines: list[Any], d: Decision) -> str:
    """Move what cannot be reserved now to a new backorder order, on hold out_of_stock."""
    base_ref = _BO_SUFFIX.sub("", row.ref)
    base_ext = _BO_SUFFIX.sub("", row.external_id)
    taken = conn.execute(select(orders_t.c.ref).where(orders_t.c.ref.like(base_ref + "-BO%"))).scalars().all()
    n = 1 + max((int(m.group(0)[3:]) for r in taken if (m := _BO_SUFFIX.search(r))), default=0)
    bo_ref, bo_ext = f"{base_ref}-BO{n}", f"{base_ext}-BO{n}"
    copy = {c.name: getattr(row, c.name) for c in orders_t.columns if c.name != "id"}
    moved = [(ln, d.backorder[ln.id]) for ln in lines if d.backorder.get(ln.id)]
    detail = "; ".join(f"{ln.sku} x{q}" for ln, q in moved)
    copy.update(
        ref=bo_ref,
        external_id=bo_ext,
        status=Status.ON_HOLD,
        ship_by=None,
        hold_reason="out_of_stock",
        hold_note=f"backorder: {detail}",
        source_hash=None,
        imported_at=ctx.now,
        updated_at=ctx.now,
        subtotal_minor=None,
        shipping_minor=None,
        tax_minor=None,
        discount_minor=None,
        total_minor=None,
        # a new order: it has reached none of the original's milestones
        **{column: None for column in MILESTONE_COLUMN.values()},
    )
    bo_id = inserted_id(conn.execute(insert(orders_t).values(**copy)))
    for i, (ln, qty) in enumerate(moved, start=1):
        if qty == ln.quantity:
            conn.execute(update(lines_t).where(lines_t.c.id == ln.id).values(order_id=bo_id, line_no=i))
        else:
            conn.execute(update(lines_t).where(lines_t.c.id == ln.id).values(quantity=ln.quantity - qty))
            conn.execute(
                insert(lines_t).values(
                    order_id=bo_id,
                    line_no=i,
                    line_id=ln.line_id,
                    sku=ln.sku,
                    name=ln.name,
                    quantity=qty,
                    unit_price_minor=ln.unit_price_minor,
                    free=ln.free,
                    added_by_rule=ln.added_by_rule,
                )
            )
    record_event(
        conn,
        bo_id,
        command=ctx.command,
        from_status=None,
        to_status=Status.ON_HOLD,
        at=ctx.now,
        note=f"out_of_stock: backorder: {detail}",
    )
    record_event(conn, bo_id, command=ctx.command, kind="note", at=ctx.now, note=f"{BACKORDER_NOTE}{row.ref}: {detail}")
    record_event(
        conn, row.id, command=ctx.command, kind="note", at=ctx.now, note=f"split: {detail} moved to backorder {bo_ref}"
    )
    return bo_ref
