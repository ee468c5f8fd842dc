"""Returns (RMA): open, receive, close and list. Owns its transactions.

Opening gives the next return number and queues the return instructions (with a
return label when ``returns.label`` is on). Receiving checks units in by condition and
puts resellable ones back on the shelf through the stock ledger; the order becomes
``returned`` the moment its last item is received back. Closing records the refund.
Rules: ``docs/returns.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from oms_cli.core.errors import BadInput, ConfigError, NotFound, Refused, UsageError
from oms_cli.core.money import format_money, from_minor
from oms_cli.orders.events import record_event, transition
from oms_cli.orders.lifecycle import OPEN, RETURNABLE, Status, require_status
from oms_cli.orders.service import resolve_ref
from oms_cli.returns.plan import (
    CAME_BACK,
    CONDITIONS,
    OrderLineState,
    Receipt,
    ReturnLineState,
    ReturnUnits,
    all_items_back,
    allocate_return,
    parse_line_specs,
    plan_receipt,
    rma_number,
    units_back,
)
from oms_cli.store import counters
from oms_cli.store.counters import next_number
from oms_cli.store.tables import inserted_id
from oms_cli.store.tables import order_lines as lines_t
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import products as products_t
from oms_cli.store.tables import refunds as refunds_t
from oms_cli.store.tables import return_lines as return_lines_t
from oms_cli.store.tables import returns as returns_t
from oms_cli.store.tables import stock_movements as moves_t
from oms_cli.store.types import utcnow

if TYPE_CHECKING:
    from oms_cli.core.config import Config
    from oms_cli.store.engine import Store


@dataclass(frozen=True)
class ReturnLine:
    """One line of a return: what was taken back, and what has been checked in."""

    sku: str
    quantity: int
    received: int
    #: resellable, damaged or missing; None while awaited
    condition: str | None


@dataclass(frozen=True)
class ReturnView:
    """One return as `oms returns show` and `list` give it."""

    rma: str
    order_ref: str
    order_status: str
    status: str
    reason: str
    note: str | None
    opened_at: datetime
    received_at: datetime | None
    closed_at: datetime | None
    units: int
    received_units: int
    awaited_units: int
    lines: list[ReturnLine]
    currency: str | None
    refund_minor: int | None
    #: the refund in the currency's major unit, exactly (from refund_minor)
    refund: Decimal | None
    refunded_minor: int


@dataclass(frozen=True)
class QueuedNotice:
    """The return instructions queued for the customer (``created`` false: queued before)."""

    key: str
    queued: bool
    created: bool
    skipped: str | None


@dataclass(frozen=True)
class ReturnOpened:
    """What `oms returns open` did (``changed`` false: the same return was open already)."""

    ret: ReturnView = field(metadata={"inline": True})
    changed: bool
    problem_id: int | None = None
    message: QueuedNotice | None = None
    label_path: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Restocked:
    """Units of a SKU put back on a shelf by a receipt."""

    sku: str
    location: str
    quantity: int


@dataclass(frozen=True)
class ReturnReceived:
    """What `oms returns receive` checked in, and whether the order is now returned."""

    ret: ReturnView = field(metadata={"inline": True})
    changed: bool
    restocked: list[Restocked]
    order_returned: bool


@dataclass(frozen=True)
class ReturnClosed:
    """A closed return (``changed`` false: it was closed so already)."""

    ret: ReturnView = field(metadata={"inline": True})
    changed: bool


def reasons(config: Config) -> list[str]:
    """The return reason codes the shop uses (``returns.reasons``)."""
    return [str(r) for r in (config.get("returns.reasons") or [])]


def _items_text(units: list[tuple[str, int]]) -> str:
    return ", ".join(f"{sku} x{qty}" for sku, qty in units)


# --- reading -----------------------------------------------------------------------


def line_states(conn: Connection, order_id: int) -> list[OrderLineState]:
    """Every line of an order with its units back and expected on returns."""
    back: dict[int, int] = defaultdict(int)
    expected: dict[int, int] = defaultdict(int)
    q = (
        select(
            return_lines_t.c.order_line_id, return_lines_t.c.quantity, return_lines_t.c.condition, returns_t.c.status
        )
        .join(returns_t, returns_t.c.id == return_lines_t.c.return_id)
        .where(returns_t.c.order_id == order_id)
    )
    for r in conn.execute(q):
        if r.order_line_id is None:
            continue
        if r.condition in CAME_BACK:
            back[r.order_line_id] += r.quantity
        elif r.condition is None and r.status != "closed":
            expected[r.order_line_id] += r.quantity
    rows = conn.execute(
        select(lines_t).where(lines_t.c.order_id == order_id).order_by(lines_t.c.line_no, lines_t.c.id)
    ).all()
    return [
        OrderLineState(
            ln.id, ln.sku, ln.quantity, back[ln.id], expected[ln.id], added_by_shop=ln.added_by_rule is not None
        )
        for ln in rows
    ]


def _find(conn: Connection, rma: str) -> Any:
    text = rma.strip().upper()
    row = conn.execute(select(returns_t).where(returns_t.c.rma == text)).first()
    if row is None and text.isdigit():
        row = conn.execute(select(returns_t).where(returns_t.c.rma == rma_number(int(text)))).first()
    if row is None:
        raise NotFound(f"{rma}: no such return", hint="see `oms returns list`")
    return row


def _order(conn: Connection, order_id: int) -> Any:
    return conn.execute(select(orders_t).where(orders_t.c.id == order_id)).one()


def _return_lines(conn: Connection, return_id: int) -> Sequence[Any]:
    return conn.execute(
        select(return_lines_t).where(return_lines_t.c.return_id == return_id).order_by(return_lines_t.c.id)
    ).all()


def _describe(conn: Connection, ret: Any, order: Any | None = None) -> ReturnView:
    order = order if order is not None else _order(conn, ret.order_id)
    lines = _return_lines(conn, ret.id)
    refunded = conn.execute(
        select(func.coalesce(func.sum(refunds_t.c.amount_minor), 0)).where(refunds_t.c.return_id == ret.id)
    ).scalar_one()
    units = sum(ln.quantity for ln in lines)
    received = sum(ln.received_qty for ln in lines if ln.condition is not None)
    return ReturnView(
        rma=ret.rma,
        order_ref=order.ref,
        order_status=order.status,
        status=ret.status,
        reason=ret.reason,
        note=ret.note,
        opened_at=ret.opened_at,
        received_at=ret.received_at,
        closed_at=ret.closed_at,
        units=units,
        received_units=received,
        awaited_units=units - received,
        lines=[ReturnLine(ln.sku, ln.quantity, ln.received_qty, ln.condition) for ln in lines],
        currency=order.currency,
        refund_minor=ret.refund_minor,
        refund=from_minor(ret.refund_minor, order.currency),
        refunded_minor=int(refunded),
    )


def list_returns(store: Store, *, open_only: bool = False) -> list[ReturnView]:
    """Returns, newest first; ``open_only`` leaves out closed ones."""
    q = select(returns_t).order_by(returns_t.c.opened_at.desc(), returns_t.c.id.desc())
    if open_only:
        q = q.where(returns_t.c.status != "closed")
    with store.connect(write=False) as conn:
        return [_describe(conn, r) for r in conn.execute(q).all()]


def show_return(store: Store, rma: str) -> ReturnView:
    """One return with its lines, conditions and refund."""
    with store.connect(write=False) as conn:
        return _describe(conn, _find(conn, rma))


# --- opening -------------------------------------------------------------------------


def _repeat_of(conn: Connection, order_id: int, reason: str, wanted: dict[str, int] | None, nothing_left: bool) -> Any:
    """An open return this call repeats (same order and reason, nothing received yet, same lines)."""
    candidates = conn.execute(
        select(returns_t)
        .where(returns_t.c.order_id == order_id, returns_t.c.reason == reason, returns_t.c.status == "open")
        .order_by(returns_t.c.id.desc())
    ).all()
    for ret in candidates:
        lines = _return_lines(conn, ret.id)
        if any(ln.condition is not None for ln in lines):
            continue
        if wanted is None:
            # "Everything" asked again once everything is on a return: the same return.
            if nothing_left:
                return ret
            continue
        have: dict[str, int] = defaultdict(int)
        for ln in lines:
            have[ln.sku] += ln.quantity
        if dict(have) == wanted:
            return ret
    return None


def open_return(
    store: Store,
    config: Config,
    ref: str,
    *,
    reason: str,
    lines: list[str] | None = None,
    note: str | None = None,
    again: bool = False,
    now: datetime | None = None,
) -> ReturnOpened:
    """Open a return for a shipped or delivered order and queue the return instructions.

    ``lines`` are ``SKU:QTY`` (default: everything not yet returned). Running the same
    call again while the return is open gives the same return (unless ``again``).
    """
    known = reasons(config)
    if reason not in known:
        raise UsageError(f"unknown return reason '{reason}'", hint="one of: " + ", ".join(known))
    wanted = parse_line_specs(lines) if lines else None
    at = now or utcnow()
    with store.connect() as conn:
        order = resolve_ref(conn, ref)
        require_status(
            order,
            RETURNABLE,
            "returned",
            hint=dict.fromkeys(OPEN, "cancel an order that has not shipped with `oms orders cancel`"),
        )
        states = line_states(conn, order.id)
        nothing_left = not any(s.returnable for s in states if not s.added_by_shop)
        repeat = None if again else _repeat_of(conn, order.id, reason, wanted, nothing_left)
        if repeat is not None:
            return ReturnOpened(_describe(conn, repeat, order), changed=False)
        taken = allocate_return(states, wanted, order.ref)
        if not taken:
            raise Refused(f"{order.ref}: every item is already on a return or back", hint="see `oms returns list`")
        rma = rma_number(next_number(conn, counters.RMA))
        return_id = inserted_id(
            conn.execute(
                insert(returns_t).values(
                    rma=rma, order_id=order.id, reason=reason, note=note, status="open", opened_at=at
                )
            )
        )
        conn.execute(
            insert(return_lines_t),
            [
                {
                    "return_id": return_id,
                    "order_line_id": u.order_line_id,
                    "sku": u.sku,
                    "quantity": u.quantity,
                    "received_qty": 0,
                    "condition": None,
                }
                for u in taken
            ],
        )
        per_sku = _per_sku(taken)
        record_event(
            conn,
            order.id,
            command="returns open",
            kind="note",
            at=at,
            note=f"return {rma} opened ({reason}): {_items_text(per_sku)}" + (f"; {note}" if note else ""),
        )
        problem_id = None
        if reason in (config.get("returns.problem_reasons") or []):
            from oms_cli.aftercare.service import open_problem

            problem_id = open_problem(
                conn,
                order_id=order.id,
                source="return",
                now=at,
                description=f"return {rma} ({reason}): {_items_text(per_sku)}" + (f": {note}" if note else ""),
            )
        warnings: list[str] = []
        label_path = _label(conn, config, order, rma, warnings)
        message = _queue_instructions(conn, config, order, rma, taken, label_path)
        ret = conn.execute(select(returns_t).where(returns_t.c.id == return_id)).one()
        if message.skipped:
            warnings.append(f"no message queued: {message.skipped}")
        return ReturnOpened(
            _describe(conn, ret, order),
            changed=True,
            problem_id=problem_id,
            message=message,
            label_path=str(label_path) if label_path else None,
            warnings=warnings,
        )


def _per_sku(units: list[ReturnUnits]) -> list[tuple[str, int]]:
    total: dict[str, int] = {}
    for u in units:
        total[u.sku] = total.get(u.sku, 0) + u.quantity
    return list(total.items())


def _label(conn: Connection, config: Config, order: Any, rma: str, warnings: list[str]) -> Any:
    """The return label's path when ``returns.label`` is on (None when off or not printable)."""
    if not config.get("returns.label"):
        return None
    from oms_cli.documents.gs1 import shop_sscc
    from oms_cli.returns.label import write_return_label

    shop = config.section("shop")
    try:
        sscc = shop_sscc(shop, next_number(conn, counters.SSCC))
        return write_return_label(conn, order, rma, shop, sscc=sscc, dpi=int(config.get("documents.dpi") or 203))
    except ConfigError as exc:  # the GS1 settings in shop.* are wrong
        warnings.append(f"no return label: {exc}")
    except BadInput as exc:
        # A return must not wait on a label: the instructions go out, the shop is told.
        warnings.append(f"no return label: {exc.message}")
    return None


def _queue_instructions(
    conn: Connection, config: Config, order: Any, rma: str, taken: list[ReturnUnits], label_path: Any
) -> QueuedNotice:
    """Queue the return instructions (idempotent by the key ``return_instructions:<RMA>``)."""
    from oms_cli.notify.outbox import queue_message

    names = {
        ln.id: ln.name
        for ln in conn.execute(select(lines_t.c.id, lines_t.c.name).where(lines_t.c.order_id == order.id))
    }
    context: dict[str, Any] = {
        "rma": rma,
        "return_items": [{"sku": u.sku, "name": names.get(u.order_line_id), "quantity": u.quantity} for u in taken],
        "return_instructions": config.get("shop.return_instructions"),
    }
    if label_path is not None:
        context["label_path"] = str(label_path)
    key = f"return_instructions:{rma}"
    queued = queue_message(conn, key=key, order_id=order.id, kind="return_instructions", context=context, config=config)
    return QueuedNotice(key, queued=queued.id is not None, created=queued.created, skipped=queued.skipped)


# --- receiving -----------------------------------------------------------------------


def _restock_location(conn: Connection, sku: str, order_id: int, given: str | None, rma: str) -> str:
    """Where resellable units go: --location, else the SKU's primary location, else where they left from."""
    from oms_cli.stock.ledger import product_locations

    if given:
        return given
    primary = product_locations(conn, [sku]).get(sku)
    if primary:
        return primary[0]
    left_from = conn.execute(
        select(moves_t.c.location)
        .where(moves_t.c.order_id == order_id, moves_t.c.sku == sku, moves_t.c.quantity < 0)
        .order_by(moves_t.c.id.desc())
    ).first()
    if left_from is not None:
        return str(left_from.location)
    raise Refused(
        f"{rma}: {sku} has no location to go back to",
        hint=f"say where it goes: oms returns receive {rma} --condition resellable --location A01-B01",
    )


def _check_location(config: Config, location: str | None) -> str | None:
    if location is None:
        return None
    from oms_cli.catalog.service import location_checker

    try:
        return location_checker(config)(location)
    except ValueError as exc:
        raise UsageError(f"--location: {exc}") from None


def receive_return(
    store: Store,
    config: Config,
    rma: str,
    *,
    condition: str,
    lines: list[str] | None = None,
    location: str | None = None,
    now: datetime | None = None,
) -> ReturnReceived:
    """Check returned units in: resellable ones go back on the shelf (a ``return`` row in
    the stock ledger), damaged and missing ones are recorded. ``lines`` (``SKU:QTY``)
    receive part; by default everything still awaited. Never restocks a unit twice."""
    if condition not in CONDITIONS:
        raise UsageError(f"unknown condition '{condition}'", hint="one of: " + ", ".join(CONDITIONS))
    wanted = parse_line_specs(lines) if lines else None
    place = _check_location(config, location)
    at = now or utcnow()
    with store.connect() as conn:
        ret = _find(conn, rma)
        if ret.status == "closed":
            raise Refused(
                f"{ret.rma} is closed; nothing more can be received on it", hint="open a new return for more items"
            )
        order = _order(conn, ret.order_id)
        states = [ReturnLineState(ln.id, ln.sku, ln.quantity, ln.condition) for ln in _return_lines(conn, ret.id)]
        receipts = plan_receipt(states, wanted, ret.rma)
        if not receipts:
            return ReturnReceived(_describe(conn, ret, order), changed=False, restocked=[], order_returned=False)
        restocked = _check_in(conn, config, ret, order, receipts, condition, place)
        awaited = conn.execute(
            select(func.count())
            .select_from(return_lines_t)
            .where(return_lines_t.c.return_id == ret.id, return_lines_t.c.condition.is_(None))
        ).scalar_one()
        if awaited == 0:
            conn.execute(update(returns_t).where(returns_t.c.id == ret.id).values(status="received", received_at=at))
        checked = _items_text(_per_sku([ReturnUnits(0, r.sku, r.quantity) for r in receipts]))
        where = (
            "; restocked " + ", ".join(f"{r.sku} x{r.quantity} at {r.location}" for r in restocked) if restocked else ""
        )
        record_event(
            conn,
            order.id,
            command="returns receive",
            kind="note",
            at=at,
            note=f"{ret.rma} received {condition}: {checked}{where}",
        )
        returned = _mark_order(conn, order, ret.rma, at)
        ret = conn.execute(select(returns_t).where(returns_t.c.id == ret.id)).one()
        return ReturnReceived(
            _describe(conn, ret, _order(conn, order.id)), changed=True, restocked=restocked, order_returned=returned
        )


def _check_in(
    conn: Connection, config: Config, ret: Any, order: Any, receipts: list[Receipt], condition: str, place: str | None
) -> list[Restocked]:
    """Write the receipts on the return lines and restock resellable units; returns what was restocked."""
    from oms_cli.stock.ledger import add_location, move

    restocked: dict[tuple[str, str], int] = {}
    for rc in receipts:
        if rc.whole:
            conn.execute(
                update(return_lines_t)
                .where(return_lines_t.c.id == rc.return_line_id)
                .values(received_qty=rc.quantity, condition=condition)
            )
        else:
            # One condition per line: the checked-in part becomes a line of its own,
            # the rest stays awaited on the original line.
            line = conn.execute(select(return_lines_t).where(return_lines_t.c.id == rc.return_line_id)).one()
            conn.execute(
                update(return_lines_t)
                .where(return_lines_t.c.id == line.id)
                .values(quantity=line.quantity - rc.quantity)
            )
            conn.execute(
                insert(return_lines_t).values(
                    return_id=ret.id,
                    order_line_id=line.order_line_id,
                    sku=line.sku,
                    quantity=rc.quantity,
                    received_qty=rc.quantity,
                    condition=condition,
                )
            )
        if condition == "resellable":
            loc = _restock_location(conn, rc.sku, order.id, place, ret.rma)
            restocked[(rc.sku, loc)] = restocked.get((rc.sku, loc), 0) + rc.quantity
    for (sku, loc), qty in restocked.items():
        if _is_product(conn, sku):
            # product_locations names catalog products only; the ledger takes any SKU.
            add_location(conn, sku, loc)
        move(conn, sku, loc, qty, "return", command="returns receive", note=ret.rma, order_id=order.id)
    return [Restocked(sku, loc, qty) for (sku, loc), qty in restocked.items()]


def _is_product(conn: Connection, sku: str) -> bool:
    return conn.execute(select(products_t.c.sku).where(products_t.c.sku == sku)).first() is not None


def _mark_order(conn: Connection, order: Any, rma: str, at: datetime) -> bool:
    """Move the order to ``returned`` once all its items are back, else note the partial return."""
    states = line_states(conn, order.id)
    if all_items_back(states):
        if order.status in RETURNABLE:
            transition(
                conn,
                order.id,
                order.ref,
                order.status,
                Status.RETURNED,
                command="returns receive",
                note=f"all items back ({rma})",
                at=at,
            )
            return True
        return False
    back, shipped = units_back(states)
    if back:
        record_event(
            conn,
            order.id,
            command="returns receive",
            kind="note",
            at=at,
            note=f"partial return: {back} of {shipped} items back",
        )
    return False


# --- closing -------------------------------------------------------------------------


def close_return(
    store: Store,
    rma: str,
    *,
    refund: Decimal | None,
    note: str | None = None,
    now: datetime | None = None,
) -> ReturnClosed:
    """Close a return, recording the refund (``refund`` None: closed without one).

    Closing again with the same refund changes nothing; with a different one it is refused.
    """
    from oms_cli.payments.amounts import minor_units

    at = now or utcnow()
    with store.connect() as conn:
        ret = _find(conn, rma)
        order = _order(conn, ret.order_id)
        amount = minor_units(refund, order.currency, "--refund") if refund is not None else None
        if ret.status == "closed":
            if ret.refund_minor == amount:
                return ReturnClosed(_describe(conn, ret, order), changed=False)
            was = (
                f"with a refund of {format_money(ret.refund_minor, order.currency)}"
                if ret.refund_minor is not None
                else "without a refund"
            )
            raise Refused(
                f"{ret.rma} was already closed {was}", hint="record a further refund with `oms payments refund`"
            )
        if amount is not None and order.total_minor is not None:
            refunded = conn.execute(
                select(func.coalesce(func.sum(refunds_t.c.amount_minor), 0)).where(refunds_t.c.order_id == order.id)
            ).scalar_one()
            if amount > order.total_minor - int(refunded):
                raise Refused(
                    f"{ret.rma}: a refund of {format_money(amount, order.currency)} is more than the {format_money(order.total_minor - int(refunded), order.currency)} "
                    f"left of {order.ref}'s total",
                )
        if amount is not None:
            conn.execute(
                insert(refunds_t).values(
                    order_id=order.id, return_id=ret.id, amount_minor=amount, at=at, note=note or f"return {ret.rma}"
                )
            )
        conn.execute(
            update(returns_t).where(returns_t.c.id == ret.id).values(status="closed", closed_at=at, refund_minor=amount)
        )
        text = f"refunded {format_money(amount, order.currency)}" if amount is not None else "no refund"
        record_event(
            conn,
            order.id,
            command="returns close",
            kind="note",
            at=at,
            note=f"{ret.rma} closed, {text}" + (f"; {note}" if note else ""),
        )
        ret = conn.execute(select(returns_t).where(returns_t.c.id == ret.id)).one()
        return ReturnClosed(_describe(conn, ret, order), changed=True)
