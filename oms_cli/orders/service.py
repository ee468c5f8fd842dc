"""Order commands' service: find, list, export and steer orders. Owns its transactions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.engine import Connection

from oms_cli.core.errors import BadInput, NotFound, UsageError
from oms_cli.core.money import from_minor
from oms_cli.orders.events import record_event
from oms_cli.orders.floor import take_off_floor
from oms_cli.orders.lifecycle import HOLD_REASONS, OPEN, Status, check_statuses, require_status
from oms_cli.orders.records import order_to_canonical
from oms_cli.store.engine import Store
from oms_cli.store.tables import order_events
from oms_cli.store.tables import order_lines as lines_t
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.types import utcnow

if TYPE_CHECKING:
    from oms_cli.importers.model import Order


@dataclass(frozen=True)
class OrderSummary:
    """One order as `oms orders list` shows it."""

    ref: str
    channel: str
    placed_at: datetime
    status: str
    payment: str | None
    customer: str | None
    country: str | None
    service_level: str
    units: int
    total_minor: int | None
    currency: str | None
    instruction: str
    hold_reason: str | None
    ship_by: datetime | None
    tags: list[str]
    #: the total in the currency's major unit, exactly (from total_minor)
    total: Decimal | None


@dataclass(frozen=True)
class OrderEvent:
    """One entry of an order's history."""

    at: datetime
    kind: str
    from_status: str | None = field(metadata={"key": "from"})
    to_status: str | None = field(metadata={"key": "to"})
    command: str | None
    note: str | None


@dataclass(frozen=True)
class OrderDetail:
    """One order as `oms orders show` shows it: the canonical order, its history and
    instruction; in JSON the order's own keys come first."""

    order: Order = field(metadata={"inline": True})
    events: list[OrderEvent]
    instruction_state: str
    instruction_reply: str | None = field(metadata={"json": False})
    hold_note: str | None = field(metadata={"json": False})
    #: what each channel connection was told about the order's packages (filled by the CLI
    #: from the channels' record)
    channel_updates: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class OrderChange:
    """What hold or cancel did to an order (``changed`` false: it was so already)."""

    ref: str
    status: str
    changed: bool
    #: reserved units given back to available stock
    units_freed: int = 0


@dataclass(frozen=True)
class TagChange:
    """An order's tags after `oms orders tag`."""

    ref: str
    tags: list[str]
    changed: bool


def resolve_ref(conn: Connection, ref: str) -> Any:
    """The order row for REF: ``channel:external_id``, or the external id alone when unambiguous."""
    ref = ref.strip()
    row = conn.execute(select(orders_t).where(orders_t.c.ref == ref)).first()
    if row is not None:
        return row
    candidates = conn.execute(
        select(orders_t).where(or_(orders_t.c.external_id == ref, orders_t.c.external_id == ref.lstrip("#")))
    ).all()
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        refs = ", ".join(c.ref for c in candidates)
        raise UsageError(f"{ref}: ambiguous order reference ({refs})", hint="give it as channel:external_id")
    raise NotFound(f"{ref}: no such order", hint="see `oms orders list`")


def lines_of(conn: Connection, order_ids: list[int]) -> dict[int, list[Any]]:
    """Lines per order id."""
    out: dict[int, list[Any]] = {i: [] for i in order_ids}
    for start in range(0, len(order_ids), 500):
        chunk = order_ids[start : start + 500]
        for ln in conn.execute(
            select(lines_t).where(lines_t.c.order_id.in_(chunk)).order_by(lines_t.c.order_id, lines_t.c.line_no)
        ):
            out[ln.order_id].append(ln)
    return out


def canonical(conn: Connection, row: Any) -> dict[str, Any]:
    """The canonical dict of one order row."""
    return order_to_canonical(row, lines_of(conn, [row.id])[row.id])


@dataclass
class OrderFilter:
    """Filters of `oms orders list` and `oms orders export`."""

    status: list[str] | None = None
    channel: list[str] | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str | None = None
    limit: int | None = None
    refs: list[str] | None = None

    def __post_init__(self) -> None:
        check_statuses(self.status)


def _where(f: OrderFilter) -> list[Any]:
    conds: list[Any] = []
    if f.status:
        conds.append(orders_t.c.status.in_(f.status))
    if f.channel:
        conds.append(orders_t.c.channel.in_(f.channel))
    if f.since:
        conds.append(orders_t.c.placed_at >= f.since)
    if f.until:
        conds.append(orders_t.c.placed_at < f.until)
    if f.refs:
        conds.append(orders_t.c.ref.in_(f.refs))
    if f.search:
        like = f"%{f.search.lower()}%"
        conds.append(
            or_(
                func.lower(orders_t.c.ref).like(like),
                func.lower(orders_t.c.customer_name).like(like),
                func.lower(orders_t.c.customer_email).like(like),
                func.lower(orders_t.c.ship_name).like(like),
                exists().where(and_(lines_t.c.order_id == orders_t.c.id, func.lower(lines_t.c.sku).like(like))),
            )
        )
    return conds


def list_orders(store: Store, f: OrderFilter) -> list[OrderSummary]:
    """Orders matching the filter, newest first."""
    q = (
        select(
            orders_t,
            select(func.coalesce(func.sum(lines_t.c.quantity), 0))
            .where(lines_t.c.order_id == orders_t.c.id)
            .scalar_subquery()
            .label("units"),
        )
        .where(*_where(f))
        .order_by(orders_t.c.placed_at.desc(), orders_t.c.id.desc())
    )
    if f.limit:
        q = q.limit(f.limit)
    with store.connect(write=False) as conn:
        return [
            OrderSummary(
                ref=r.ref,
                channel=r.channel,
                placed_at=r.placed_at,
                status=r.status,
                payment=r.payment_status,
                customer=r.customer_name,
                country=r.ship_country,
                service_level=r.service_level,
                units=int(r.units),
                total_minor=r.total_minor,
                currency=r.currency,
                instruction=r.instruction_state,
                hold_reason=r.hold_reason,
                ship_by=r.ship_by,
                tags=list(r.tags or []),
                total=from_minor(r.total_minor, r.currency),
            )
            for r in conn.execute(q)
        ]


def show_order(store: Store, ref: str) -> OrderDetail:
    """One order in canonical shape, plus its events and instruction state."""
    from oms_cli.importers.model import Order

    ev = order_events
    with store.connect(write=False) as conn:
        row = resolve_ref(conn, ref)
        order = canonical(conn, row)
        events = [
            OrderEvent(e.at, e.kind, e.from_status, e.to_status, e.command, e.note)
            for e in conn.execute(select(ev).where(ev.c.order_id == row.id).order_by(ev.c.at, ev.c.id))
        ]
    return OrderDetail(
        order=Order.model_validate(order),
        events=events,
        instruction_state=row.instruction_state,
        instruction_reply=row.instruction_reply,
        hold_note=row.hold_note,
    )


def iter_export(store: Store, f: OrderFilter, chunk: int = 1000) -> Iterator[dict[str, Any]]:
    """Stream matching orders in canonical shape, oldest first."""
    with store.connect(write=False) as conn:
        last_id = 0
        while True:
            rows = conn.execute(
                select(orders_t).where(orders_t.c.id > last_id, *_where(f)).order_by(orders_t.c.id).limit(chunk)
            ).all()
            if not rows:
                return
            lines = lines_of(conn, [r.id for r in rows])
            for r in rows:
                yield order_to_canonical(r, lines[r.id])
            last_id = rows[-1].id


def hold_order(
    store: Store, ref: str, reason: str, note: str | None = None, command: str = "orders hold"
) -> OrderChange:
    """Put an order on hold with a reason code; frees its reserved stock."""
    if reason not in HOLD_REASONS:
        raise UsageError(f"unknown hold reason '{reason}'", hint="one of: " + ", ".join(HOLD_REASONS))
    with store.connect() as conn:
        row = resolve_ref(conn, ref)
        if row.status == Status.ON_HOLD and row.hold_reason == reason:
            return OrderChange(row.ref, Status.ON_HOLD, changed=False)
        if row.status == Status.ON_HOLD:
            conn.execute(
                update(orders_t)
                .where(orders_t.c.id == row.id)
                .values(hold_reason=reason, hold_note=note, updated_at=utcnow())
            )
            record_event(conn, row.id, command=command, kind="note", note=f"hold reason {row.hold_reason} -> {reason}")
            return OrderChange(row.ref, Status.ON_HOLD, changed=True)
        freed = take_off_floor(conn, row, Status.ON_HOLD, command=command, reason=reason, detail=note)
        return OrderChange(row.ref, Status.ON_HOLD, changed=True, units_freed=freed)


def cancel_order(store: Store, ref: str, note: str | None = None) -> OrderChange:
    """Cancel an order that has not shipped; frees its reservations. Safe to repeat."""
    with store.connect() as conn:
        row = resolve_ref(conn, ref)
        if row.status == Status.CANCELLED:
            return OrderChange(row.ref, Status.CANCELLED, changed=False)
        require_status(row, OPEN, "cancelled", hint="open a return with `oms returns open`")
        freed = take_off_floor(conn, row, Status.CANCELLED, command="orders cancel", note=note)
        return OrderChange(row.ref, Status.CANCELLED, changed=True, units_freed=freed)


def tag_order(store: Store, ref: str, tags: list[str], remove: bool = False) -> TagChange:
    """Add (or remove) tags on an order."""
    clean = [t.strip() for t in tags if t.strip()]
    if not clean:
        raise BadInput("no tag given")
    with store.connect() as conn:
        row = resolve_ref(conn, ref)
        current = list(row.tags or [])
        new = [t for t in current if t not in clean] if remove else current + [t for t in clean if t not in current]
        own = list(row.own_tags or [])
        own = [t for t in own if t not in clean] if remove else own + [t for t in clean if t not in own]
        if new != current or own != list(row.own_tags or []):
            conn.execute(
                update(orders_t).where(orders_t.c.id == row.id).values(tags=new, own_tags=own, updated_at=utcnow())
            )
            record_event(
                conn,
                row.id,
                command="orders tag",
                kind="note",
                note=("untagged " if remove else "tagged ") + ", ".join(clean),
            )
        return TagChange(row.ref, new, changed=new != current)
