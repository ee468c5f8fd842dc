"""`oms release`: move imported orders to the floor, or on hold with a reason.

Candidates are processed in queue order (overdue, next day, expedited, oldest) so fast
orders get scarce stock first. Each order is its own transaction: the stock it needs is
re-read inside the write lock (BEGIN IMMEDIATE serialises writers), so two runs at once
can never reserve more than is on the shelf, and one bad order does not stop the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Connection

from oms_cli.core.config import Config
from oms_cli.core.errors import OmsError, StoreBusy
from oms_cli.core.money import from_minor
from oms_cli.orders.events import record_event, transition
from oms_cli.orders.records import SHIP_TO_COLUMNS
from oms_cli.orders.service import free_reservations, lines_of, resolve_ref
from oms_cli.release.decision import PERSON_HOLDS, Catalog, Decision, Gate, LineFacts, OrderFacts, decide
from oms_cli.release.priority import queue_key
from oms_cli.release.schedule import Schedule
from oms_cli.release.thank_you import fields_used
from oms_cli.stock.ledger import CHUNK, product_locations, reserve, stock_levels
from oms_cli.store.engine import Store
from oms_cli.store.models import OrderEventRow, OrderLineRow, OrderRow, ProductRow, ReservationRow
from oms_cli.store.types import utcnow

orders_t = OrderRow.__table__
lines_t = OrderLineRow.__table__
events_t = OrderEventRow.__table__
products_t = ProductRow.__table__
reservations_t = ReservationRow.__table__

CANDIDATE_STATUSES = ("new", "on_hold")
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
        return {"released": self.released, "held": self.held, "unchanged": self.unchanged, "skipped": self.skipped, "errors": self.errors}


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
    if row.status == "on_hold" and row.hold_reason in _PAYMENT_HOLDS:
        return max(now, row.placed_at)
    return row.placed_at


def release_orders(
    store: Store,
    config: Config,
    *,
    refs: Sequence[str] | None = None,
    command: str = "release",
    now: datetime | None = None,
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
                if row.status not in CANDIDATE_STATUSES:
                    report.skipped.append({"ref": row.ref, "status": row.status, "why": _why_not(row.status)})
                    continue
                rows.append(row)
        else:
            rows = conn.execute(
                select(orders_t).where(
                    orders_t.c.status.in_(CANDIDATE_STATUSES),
                    or_(orders_t.c.hold_reason.is_(None), orders_t.c.hold_reason.not_in(sorted(PERSON_HOLDS))),
                )
            ).all()
        ids = [r.id for r in rows]
        lines = lines_of(conn, ids)
        names = {r.sku: r.name for r in conn.execute(select(products_t.c.sku, products_t.c.name))}
        catalog = Catalog(frozenset(names), product_locations(conn))
        applied, backorders = _rule_marks(conn, ids)
        customer_orders = _customer_orders(conn, rows) if "customer_orders" in fields_used(gate.rules) else {}
        holding = _with_active_reservations(conn, ids)
    ctx = _Context(gate, schedule, catalog, names, sorted({r.add_sku for r in gate.rules if r.add_sku}), command, now, by_ref)
    deadline = {r.id: schedule.ship_by(clock_start(r, now), r.service_level) for r in rows}
    rows.sort(key=lambda r: queue_key(deadline[r.id], r.service_level, r.placed_at, r.id, now))
    for row in rows:
        try:
            with store.connect() as conn:
                _release_one(conn, ctx, row, lines[row.id], applied.get(row.id, set()), row.id in backorders,
                             customer_orders.get((row.customer_email or "").lower()), row.id in holding, report)
        except StoreBusy:
            raise
        except OmsError as exc:
            report.errors.append({"ref": row.ref, "error": exc.message})
    return report


def _why_not(status: str) -> str:
    if status == "ready":
        return "already released"
    if status in ("picking", "picked", "packed"):
        return f"already on the floor ({status})"
    return f"{status}: only new or on-hold orders can be released"


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
            .where(func.lower(orders_t.c.customer_email).in_(emails[start : start + CHUNK]), orders_t.c.status != "cancelled")
            .group_by(func.lower(orders_t.c.customer_email))
        )
        out.update({e: int(n) for e, n in conn.execute(q)})
    return out


def _with_active_reservations(conn: Connection, ids: list[int]) -> set[int]:
    out: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        out.update(conn.execute(
            select(reservations_t.c.order_id).where(reservations_t.c.order_id.in_(ids[start : start + CHUNK]), reservations_t.c.state == "active").distinct()
        ).scalars())
    return out


def rule_facts(row: Any, lines: Sequence[Any], customer_orders: int | None) -> dict[str, Any]:
    """The figures thank-you rules may look at, for one order (free lines not counted)."""
    paid = [ln for ln in lines if not ln.free]
    payment = row.payment_status
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
        "payment": payment,
        "tags": list(row.tags or []),
        "skus": [ln.sku for ln in paid],
    }


def _release_one(
    conn: Connection, ctx: _Context, seen: Any, lines: list[Any], applied: set[str], is_backorder: bool,
    customer_orders: int | None, holding: bool, report: ReleaseReport,
) -> None:
    row = conn.execute(select(orders_t).where(orders_t.c.id == seen.id)).first()
    # Another run (or a person) may have moved the order since the candidates were read.
    if row is None or row.status not in CANDIDATE_STATUSES or (
        not ctx.by_ref and row.status == "on_hold" and row.hold_reason in PERSON_HOLDS
    ):
        report.unchanged += 1
        return
    if row.updated_at != seen.updated_at:
        lines = lines_of(conn, [row.id])[row.id]
        holding = holding or _with_active_reservations(conn, [row.id]) != set()
    facts = OrderFacts(
        ref=row.ref,
        payment_status=row.payment_status,
        payment_method=row.payment_method,
        ship_to={k: getattr(row, col) for k, col in SHIP_TO_COLUMNS.items()},
        lines=[LineFacts(ln.id, ln.sku, ln.quantity) for ln in lines],
        rule_facts=rule_facts(row, lines, customer_orders) if ctx.gate.rules else {},
        applied_rules=applied,
        is_backorder=is_backorder,
    )
    # Active reservations of an order going round again are given back first, so the
    # order competes for stock afresh instead of counting its own stock as taken.
    if holding:
        free_reservations(conn, row.id, ctx.command)
    stock = stock_levels(conn, {ln.sku for ln in lines} | set(ctx.rule_skus))
    decision = decide(facts, ctx.gate, ctx.catalog, stock)
    if decision.release:
        _write_release(conn, ctx, row, lines, decision, report)
    else:
        _write_hold(conn, ctx, row, decision, report)


def _write_hold(conn: Connection, ctx: _Context, row: Any, d: Decision, report: ReleaseReport) -> None:
    changed = not (row.status == "on_hold" and row.hold_reason == d.reason)
    if changed:
        transition(conn, row.id, row.ref, row.status, "on_hold", command=ctx.command, note=f"{d.reason}: {d.detail}",
                   at=ctx.now, hold_reason=d.reason, hold_note=d.detail)
    else:
        report.unchanged += 1
        if row.hold_note != d.detail:
            # Same reason, newer figures (e.g. how many are available): keep the note current, no event.
            conn.execute(update(orders_t).where(orders_t.c.id == row.id).values(hold_note=d.detail))
    report.held.append({"ref": row.ref, "reason": d.reason, "detail": d.detail, "changed": changed, "instruction": row.instruction_state})


def _write_release(conn: Connection, ctx: _Context, row: Any, lines: list[Any], d: Decision, report: ReleaseReport) -> None:
    now = ctx.now
    line_ids: dict[Any, int] = {}
    next_no = max((ln.line_no for ln in lines), default=0)
    tags = list(row.tags or [])
    thank_you: list[dict[str, Any]] = []
    for o in d.outcomes:
        for t in o.tags:
            if t not in tags:
                tags.append(t)
        if o.add_sku and not o.skipped:
            next_no += 1
            res = conn.execute(insert(lines_t).values(
                order_id=row.id, line_no=next_no, sku=o.add_sku, name=ctx.names.get(o.add_sku), quantity=o.quantity,
                unit_price_minor=0, free=True, added_by_rule=o.rule,
            ))
            line_ids[f"rule:{o.rule}"] = int(res.inserted_primary_key[0])
        thank_you.append({"rule": o.rule, "added": f"{o.add_sku} x{o.quantity}" if o.add_sku and not o.skipped else None,
                          "tags": o.tags, "note": o.note, "skipped": o.skipped})
    backorder_ref = _split(conn, ctx, row, lines, d) if d.backorder else None
    reserve(conn, [(line_ids.get(a.line, a.line), a.sku, a.location, a.quantity) for a in d.allocations], row.id, at=now)
    ship_by = ctx.schedule.ship_by(clock_start(row, now), row.service_level)
    note = f"released; ship by {ship_by:%Y-%m-%d %H:%M} UTC" + (f"; rest on backorder {backorder_ref}" if backorder_ref else "")
    extra = {"tags": tags} if tags != list(row.tags or []) else {}
    transition(conn, row.id, row.ref, row.status, "ready", command=ctx.command, note=note, at=now,
               ship_by=ship_by, hold_reason=None, hold_note=None, **extra)
    for o in d.outcomes:
        did = []
        if o.add_sku:
            did.append(f"{o.add_sku} not added: {o.skipped}" if o.skipped else f"added {o.add_sku} x{o.quantity} (free)")
        if o.tags:
            did.append("tagged " + ", ".join(o.tags))
        if o.note:
            did.append("packing note")
        record_event(conn, row.id, command=ctx.command, kind="note", at=now, note=f"thank-you rule '{o.rule}' applied: " + "; ".join(did))
        if o.note:
            record_event(conn, row.id, command=ctx.command, kind="note", at=now, note=THANK_YOU_NOTE + o.note)
    report.released.append({
        "ref": row.ref, "service_level": row.service_level, "ship_by": ship_by,
        "units": sum(a.quantity for a in d.allocations), "backorder": backorder_ref, "thank_you": thank_you,
        "instruction": row.instruction_state,
    })


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
        ref=bo_ref, external_id=bo_ext, status="on_hold", ship_by=None, hold_reason="out_of_stock",
        hold_note=f"backorder: {detail}", source_hash=None, imported_at=ctx.now, updated_at=ctx.now,
        subtotal_minor=None, shipping_minor=None, tax_minor=None, discount_minor=None, total_minor=None,
    )
    bo_id = int(conn.execute(insert(orders_t).values(**copy)).inserted_primary_key[0])
    for i, (ln, qty) in enumerate(moved, start=1):
        if qty == ln.quantity:
            conn.execute(update(lines_t).where(lines_t.c.id == ln.id).values(order_id=bo_id, line_no=i))
        else:
            conn.execute(update(lines_t).where(lines_t.c.id == ln.id).values(quantity=ln.quantity - qty))
            conn.execute(insert(lines_t).values(
                order_id=bo_id, line_no=i, line_id=ln.line_id, sku=ln.sku, name=ln.name, quantity=qty,
                unit_price_minor=ln.unit_price_minor, free=ln.free, added_by_rule=ln.added_by_rule,
            ))
    record_event(conn, bo_id, command=ctx.command, from_status=None, to_status="on_hold", at=ctx.now, note=f"out_of_stock: backorder: {detail}")
    record_event(conn, bo_id, command=ctx.command, kind="note", at=ctx.now, note=f"{BACKORDER_NOTE}{row.ref}: {detail}")
    record_event(conn, row.id, command=ctx.command, kind="note", at=ctx.now, note=f"split: {detail} moved to backorder {bo_ref}")
    return bo_ref


__all__ = ["release_orders", "ReleaseReport", "policy", "rule_facts", "clock_start"]
