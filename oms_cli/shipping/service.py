"""Shipping an order (tracking per package), marking it delivered, and telling the
sales channels. Owns its transactions; queues the customer's messages in them.

Stock leaves the shelf when the order ships: the reservations made at release turn
``shipped``, and one ``ship`` movement per SKU and location (through the stock
ledger) takes the units off ``on_hand``, and off ``reserved``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from oms_cli.carriers.tracking import canonical_carrier, carrier_name, known_carrier, normalize_number, tracking_url
from oms_cli.core.errors import BadInput, NotFound, OmsError, Refused, StoreBusy, UsageError
from oms_cli.core.files import read_input_text
from oms_cli.core.money import to_minor
from oms_cli.orders.events import record_event, transition
from oms_cli.orders.lifecycle import ARRIVED, DELIVERABLE, GONE, SHIPPABLE, Status, require_status
from oms_cli.orders.service import resolve_ref
from oms_cli.release.instructions import check_can_ship
from oms_cli.release.schedule import shop_timezone
from oms_cli.shipping import carrier_files
from oms_cli.shipping.channel_export import WRITERS, ShipmentRow, ShippedItem
from oms_cli.stock.ledger import move
from oms_cli.store.tables import feedback as feedback_t
from oms_cli.store.tables import order_lines as lines_t
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import outbox as outbox_t
from oms_cli.store.tables import packages as packages_t
from oms_cli.store.tables import reservations as reservations_t
from oms_cli.store.tables import stock as stock_t
from oms_cli.store.types import utcnow

if TYPE_CHECKING:
    from oms_cli.core.config import Config
    from oms_cli.store.engine import Store


@dataclass(frozen=True)
class Shipment:
    """What `oms ship` was asked to record for one package."""

    ref: str
    carrier: str
    tracking: str
    service: str | None = None
    cost: Decimal | None = None
    package_no: int | None = None
    replace: bool = False


# --- ship ---------------------------------------------------------------------------


def _packages(conn: Connection, order_id: int) -> Sequence[Any]:
    return conn.execute(
        select(packages_t).where(packages_t.c.order_id == order_id).order_by(packages_t.c.package_no)
    ).all()


def _choose_package(ref: str, packages: Sequence[Any], package_no: int | None, number: str) -> Any:
    if package_no is not None:
        for p in packages:
            if p.package_no == package_no:
                return p
        numbers = ", ".join(str(p.package_no) for p in packages) or "none"
        raise NotFound(f"{ref} has no package {package_no} (its packages: {numbers})")
    for p in packages:
        if p.tracking == number:
            return p
    if len(packages) == 1:
        return packages[0]
    waiting = ", ".join(str(p.package_no) for p in packages if not p.tracking) or "none"
    raise UsageError(
        f"{ref} has {len(packages)} packages: say which one this tracking number is for with --package N",
        hint=f"packages without tracking yet: {waiting}",
    )


def _stock_leaves(conn: Connection, order_id: int, at: datetime, command: str) -> int:
    """Move the order's reserved units off the shelf; returns the units that left."""
    held = conn.execute(
        select(reservations_t).where(
            reservations_t.c.order_id == order_id, reservations_t.c.state.in_(("active", "picked"))
        )
    ).all()
    per_place: dict[tuple[str, str], int] = defaultdict(int)
    for r in held:
        per_place[(r.sku, r.location)] += r.quantity
    for (sku, location), qty in sorted(per_place.items()):
        move(conn, sku, location, -qty, "ship", command=command, order_id=order_id, at=at)
        # The units held since release leave with the parcel: no longer reserved either.
        conn.execute(
            update(stock_t)
            .where(stock_t.c.sku == sku, stock_t.c.location == location)
            .values(reserved=stock_t.c.reserved - qty)
        )
    if held:
        conn.execute(
            update(reservations_t).where(reservations_t.c.id.in_([r.id for r in held])).values(state="shipped")
        )
    return sum(per_place.values())


def _describe(carrier: str, number: str, service: str | None) -> str:
    return f"{carrier_name(carrier)}{' ' + service if service else ''} {number}"


def _queue_shipped(conn: Connection, config: Config, row: Any, replaced: bool = False) -> dict[str, Any]:
    """Queue the "on its way" message; after a corrected number, bring a message still
    waiting up to date, or queue a correction if the customer already has the old one."""
    from oms_cli.notify.outbox import queue_message, rerender_queued

    key = f"shipped:{row.ref}"
    existing = conn.execute(select(outbox_t.c.id).where(outbox_t.c.key == key)).first() if replaced else None
    if existing is not None:
        if rerender_queued(conn, existing.id, "shipped", {}, row.id, config):
            return {"key": key, "queued": True, "created": False, "updated": True, "skipped": None}
        numbers = "+".join(p.tracking for p in _packages(conn, row.id) if p.tracking)
        key = f"shipped:{row.ref}:{numbers}"
    queued = queue_message(
        conn, key=key, order_id=row.id, kind="shipped", context={"replaced": existing is not None}, config=config
    )
    return {"key": key, "queued": queued.id is not None, "created": queued.created, "skipped": queued.skipped}


def _stored_carrier(code: str) -> str:
    """Known carriers are kept by their code (ups); others as the shop wrote them
    (Royal Mail), since that name is all the channels will get."""
    return canonical_carrier(code) if known_carrier(code) else " ".join(code.split())


def _service_for(
    conn: Connection, config: Config, row: Any, package: Any, carrier: str, now: datetime
) -> tuple[str | None, int | None]:
    """The service (and its price) when ``oms ship`` names none: the one chosen at pack time for
    this carrier, else the carrier's cheapest that keeps the promise by the rate cards."""
    if package.service and package.carrier == carrier:
        return package.service, package.cost_minor
    from oms_cli.rates.quote import Parcel
    from oms_cli.rates.service import choose_service

    weight = package.measured_weight_g or package.weight_g
    parcel = Parcel((package.length_mm, package.width_mm, package.height_mm), weight)
    _, quote = choose_service(conn, config, row, [parcel], carrier=carrier, now=now)
    if quote is None:
        return None, None
    return quote.service, quote.prices[0] if quote.currency == row.currency else None


def _ship_in(conn: Connection, config: Config, s: Shipment, now: datetime, command: str) -> dict[str, Any]:
    """Record one package's tracking in the caller's transaction; ships the order when
    every package has tracking."""
    row = resolve_ref(conn, s.ref)
    ref = row.ref
    if row.status not in GONE:
        require_status(row, SHIPPABLE, "shipped", hint="pack it first with `oms pack`")
    if row.status == Status.PACKED:
        check_can_ship(ref, row.instruction_state, row.notes)
    packages = _packages(conn, row.id)
    if not packages:
        raise Refused(
            f"{ref} has no packages recorded, so there is nothing to put a tracking number on",
            hint="pack it with `oms pack`",
        )
    number = normalize_number(s.tracking)
    carrier = _stored_carrier(s.carrier)
    package = _choose_package(ref, packages, s.package_no, number)
    result: dict[str, Any] = {
        "ref": ref,
        "package_no": package.package_no,
        "packages": len(packages),
        "carrier": carrier,
        "carrier_name": carrier_name(carrier),
        "tracking": number,
        "tracking_url": tracking_url(carrier, number, config.get("shipping.tracking_urls") or {}),
        "changed": True,
        "replaced": False,
        "status": row.status,
        "outcome": "unchanged",
        "message": None,
    }
    if package.tracking == number:
        return result | {
            "changed": False,
            "carrier": package.carrier,
            "carrier_name": carrier_name(package.carrier or carrier),
        }
    other = conn.execute(
        select(orders_t.c.ref)
        .select_from(packages_t.join(orders_t, orders_t.c.id == packages_t.c.order_id))
        .where(packages_t.c.tracking == number, packages_t.c.carrier == carrier, packages_t.c.id != package.id)
        .limit(1)
    ).scalar()
    if other is not None:
        # One number is one parcel: a second use is a typo or a pasted number, and a
        # delivery report for it would deliver both orders.
        raise Refused(f"{ref}: tracking number {number} is already on {other}", hint="check the number on the label")
    service, cost_minor = s.service, to_minor(s.cost, row.currency) if s.cost is not None else None
    if service is None and not package.tracking:
        service, chosen_cost = _service_for(conn, config, row, package, carrier, now)
        if cost_minor is None:
            cost_minor = chosen_cost
    values = {
        "carrier": carrier,
        "service": service,
        "tracking": number,
        "cost_minor": cost_minor,
        "shipped_at": now,
    }
    result["service"] = service
    if package.tracking:
        if not s.replace:
            raise Refused(
                f"{ref} package {package.package_no} already shipped with {_describe(package.carrier or '', package.tracking, None)}",
                hint="to correct a wrong number, run the same command with --replace",
            )
        if row.status in ARRIVED:
            raise Refused(f"{ref} is already {row.status}; its tracking number can no longer be replaced")
        # A correction keeps the original ship time, and the service and cost unless given
        # anew: the parcel left when it left, on the service it was booked on.
        values.pop("shipped_at")
        if s.service is None:
            values.pop("service")
        if s.cost is None:
            values.pop("cost_minor")
        conn.execute(update(packages_t).where(packages_t.c.id == package.id).values(**values))
        record_event(
            conn,
            row.id,
            command=command,
            kind="note",
            note=f"package {package.package_no} tracking replaced: {package.tracking} -> {_describe(carrier, number, s.service)}",
        )
        result["replaced"] = True
        result["outcome"] = "replaced"
        if row.status == Status.SHIPPED:
            result["message"] = _queue_shipped(conn, config, row, replaced=True)
        return result
    conn.execute(update(packages_t).where(packages_t.c.id == package.id).values(**values))
    waiting = [p.package_no for p in packages if p.id != package.id and not p.tracking]
    if row.status != Status.PACKED or waiting:
        note = f"package {package.package_no} of {len(packages)} shipped: {_describe(carrier, number, service)}"
        record_event(conn, row.id, command=command, kind="note", note=note)
        return result | {"waiting_for_packages": waiting, "outcome": "package shipped"}
    note = "; ".join(_describe(p.carrier or "", p.tracking or "", p.service) for p in _packages(conn, row.id))
    transition(conn, row.id, ref, Status.PACKED, Status.SHIPPED, command=command, note=note, at=now)
    result["units_shipped"] = _stock_leaves(conn, row.id, now, command)
    result["status"] = Status.SHIPPED
    result["outcome"] = "shipped"
    result["message"] = _queue_shipped(conn, config, row)
    return result


def _tracking_warning(carrier: str, number: str) -> str | None:
    """Check the number (BadInput for a known carrier's bad number); a warning for an unknown carrier."""
    check = carrier_files.check_tracking(carrier, number)
    return None if known_carrier(carrier) else check.reason


def _carrier_or_default(carrier: str | None, config: Config) -> str:
    chosen = (carrier or config.get("shipping.default_carrier") or "").strip()
    if not chosen:
        raise UsageError(
            "no carrier given", hint="add --carrier CODE (ups, usps, fedex, dhl, …) or set shipping.default_carrier"
        )
    return chosen


def _notify_now(store: Store, config: Config, keys: list[str]) -> dict[str, Any] | None:
    """With ``notify.auto``, send the messages just queued (a failure leaves them queued)."""
    if not keys or not config.get("notify.auto"):
        return None
    from oms_cli.notify.service import send_due

    try:
        report = send_due(store, config, keys=keys)
    except OmsError as exc:
        if isinstance(exc, StoreBusy):
            raise
        return {"sent": 0, "error": exc.message}
    problems = report["failed"] + report["retry_later"]
    return {"sent": len(report["sent"]), "error": "; ".join(p["error"] for p in problems) or None}


def _message_keys(results: list[dict[str, Any]]) -> list[str]:
    return [r["message"]["key"] for r in results if r.get("message") and r["message"].get("queued")]


def ship_order(
    store: Store, config: Config, shipment: Shipment, *, now: datetime | None = None, command: str = "ship"
) -> dict[str, Any]:
    """Record the tracking of one package of an order; the order ships (stock leaves,
    the customer's "on its way" message is queued) once every package has tracking."""
    carrier = _carrier_or_default(shipment.carrier, config)
    warning = _tracking_warning(carrier, shipment.tracking)
    s = Shipment(
        shipment.ref,
        carrier,
        shipment.tracking,
        (shipment.service or "").strip() or None,
        shipment.cost,
        shipment.package_no,
        shipment.replace,
    )
    with store.connect(write=True) as conn:
        result = _ship_in(conn, config, s, now or utcnow(), command)
    result["warnings"] = [warning] if warning else []
    if result.get("message") and result["message"].get("skipped"):
        result["warnings"].append(f"no message to the customer: {result['message']['skipped']}")
    result["notified"] = _notify_now(store, config, _message_keys([result]))
    return result


def ship_from_file(store: Store, config: Config, path: Path, *, now: datetime | None = None) -> dict[str, Any]:
    """Ship every row of a shipment list (order, carrier, tracking, package, service,
    cost): the whole file is checked first, then each order is shipped in its own
    transaction; refused rows are reported, the rest done."""
    lines = carrier_files.read_ship_list(read_input_text(path), str(path), config.get("shipping.default_carrier"))
    rows: list[dict[str, Any]] = []
    for ln in lines:
        entry: dict[str, Any] = {
            "line": ln.line,
            "order": ln.order,
            "carrier": _stored_carrier(ln.carrier),
            "tracking": ln.tracking,
            "package_no": ln.package_no,
        }
        try:
            with store.connect(write=True) as conn:
                res = _ship_in(
                    conn,
                    config,
                    Shipment(ln.order, ln.carrier, ln.tracking, ln.service, ln.cost, ln.package_no),
                    now or utcnow(),
                    "ship --from-csv",
                )
        except StoreBusy:
            raise
        except OmsError as exc:
            entry |= {"result": "refused" if not isinstance(exc, NotFound) else "not found", "error": exc.message}
        else:
            entry |= {
                "ref": res["ref"],
                "result": res["outcome"],
                "status": res["status"],
                "package_no": res["package_no"],
                "message": res.get("message"),
            }
            if ln.warning:
                entry["warning"] = ln.warning
        rows.append(entry)
    notified = _notify_now(store, config, _message_keys(rows))
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["result"]] += 1
    return {
        "file": str(path),
        "rows": rows,
        "counts": dict(counts),
        "failed": counts["refused"] + counts["not found"],
        "notified": notified,
    }


# --- deliver ------------------------------------------------------------------------


def _local_zone(config: Config) -> tzinfo:
    return shop_timezone(config.get("schedule.timezone"))


def parse_delivery_time(text: str | None, config: Config, now: datetime | None = None) -> datetime | None:
    """``--at`` as UTC (times without an offset are in ``schedule.timezone``)."""
    if text is None:
        return None
    try:
        return carrier_files.parse_time(text, _local_zone(config), now)
    except ValueError as exc:
        raise BadInput(f"--at {exc}") from None


def _queue_feedback_request(conn: Connection, config: Config, row: Any, at: datetime) -> dict[str, Any]:
    from oms_cli.notify.outbox import queue_message

    key = f"delivered_feedback_request:{row.ref}"
    due = at + timedelta(hours=float(config.get("notify.feedback_delay_hours") or 0))
    if conn.execute(select(feedback_t.c.id).where(feedback_t.c.order_id == row.id).limit(1)).first() is not None:
        # The customer has said how it went already: asking again would be a second message for nothing.
        return {"key": key, "queued": False, "created": False, "due_at": due, "skipped": "feedback already given"}
    queued = queue_message(
        conn,
        key=key,
        order_id=row.id,
        kind="delivered_feedback_request",
        context={"delivered_at": at},
        due_at=due,
        config=config,
    )
    return {
        "key": key,
        "queued": queued.id is not None,
        "created": queued.created,
        "due_at": due,
        "skipped": queued.skipped,
    }


def _deliver_in(
    conn: Connection, config: Config, row: Any, at: datetime, command: str, tracking: str | None = None
) -> dict[str, Any]:
    """Mark packages (all, or the one with ``tracking``) delivered; the order is
    delivered, and its feedback request queued, once every package is."""
    ref = row.ref
    result: dict[str, Any] = {"ref": ref, "delivered_at": at, "changed": False, "status": row.status, "message": None}
    if row.status in ARRIVED:
        return result
    require_status(row, DELIVERABLE, "delivered")
    packages = _packages(conn, row.id)
    shipped = [p.shipped_at for p in packages if p.shipped_at]
    if shipped and at < min(shipped):
        if at < min(shipped) - timedelta(days=1):
            raise BadInput(
                f"{ref}: delivery time {at:%Y-%m-%d %H:%M} UTC is before the order shipped ({min(shipped):%Y-%m-%d %H:%M} UTC)"
            )
        # A date alone (midnight) or a carrier's clock a little behind ours: the parcel
        # cannot have arrived before it left, so it arrived when it left at the earliest.
        at = min(shipped)
        result["delivered_at"] = at
    cond = [packages_t.c.order_id == row.id, packages_t.c.delivered_at.is_(None)]
    if tracking is not None:
        cond.append(packages_t.c.tracking == tracking)
    changed = conn.execute(update(packages_t).where(*cond).values(delivered_at=at)).rowcount
    remaining = [p for p in _packages(conn, row.id) if p.delivered_at is None]
    if remaining:
        if changed:
            record_event(
                conn,
                row.id,
                command=command,
                kind="note",
                note=f"package with {tracking} delivered; waiting for {len(remaining)} more",
                at=at,
            )
        return result | {"changed": bool(changed), "waiting_for_packages": [p.package_no for p in remaining]}
    transition(conn, row.id, ref, Status.SHIPPED, Status.DELIVERED, command=command, at=at)
    return result | {
        "changed": True,
        "status": Status.DELIVERED,
        "message": _queue_feedback_request(conn, config, row, at),
    }


def deliver_order(
    store: Store, config: Config, ref: str, at: datetime | None = None, *, now: datetime | None = None
) -> dict[str, Any]:
    """Mark a shipped order delivered (at ``at``, else now) and queue its feedback
    request for ``notify.feedback_delay_hours`` later. Safe to repeat."""
    now = now or utcnow()
    if at is not None and at > now + timedelta(hours=1):
        raise BadInput(f"--at {at:%Y-%m-%d %H:%M} UTC is in the future")
    with store.connect(write=True) as conn:
        row = resolve_ref(conn, ref)
        result = _deliver_in(conn, config, row, at or now, "deliver")
    if result.get("message") and result["message"].get("skipped"):
        result["warnings"] = [f"no feedback request: {result['message']['skipped']}"]
    return result


def deliver_from_file(store: Store, config: Config, path: Path, *, now: datetime | None = None) -> dict[str, Any]:
    """Apply a carrier's delivery report (tracking, delivered at, status): parcels
    reported delivered mark their orders delivered; unknown numbers are listed."""
    now = now or utcnow()
    lines = carrier_files.read_delivery_report(read_input_text(path), str(path), _local_zone(config), now)
    rows: list[dict[str, Any]] = []
    for ln in lines:
        entry: dict[str, Any] = {
            "line": ln.line,
            "tracking": ln.tracking,
            "status": ln.status,
            "delivered_at": ln.delivered_at,
        }
        if not ln.delivered:
            rows.append(entry | {"result": "not delivered"})
            continue
        try:
            with store.connect(write=True) as conn:
                owners = conn.execute(
                    select(orders_t)
                    .where(orders_t.c.id.in_(select(packages_t.c.order_id).where(packages_t.c.tracking == ln.tracking)))
                    .order_by(orders_t.c.id)
                ).all()
                if not owners:
                    rows.append(entry | {"result": "unknown", "error": f"no package has tracking number {ln.tracking}"})
                    continue
                for owner in owners:
                    assert ln.delivered_at is not None
                    res = _deliver_in(conn, config, owner, ln.delivered_at, "deliver --from-csv", tracking=ln.tracking)
                    outcome = (
                        "delivered"
                        if res["status"] == Status.DELIVERED and res["changed"]
                        else ("package delivered" if res["changed"] else "unchanged")
                    )
                    rows.append(entry | {"ref": owner.ref, "result": outcome, "message": res.get("message")})
        except StoreBusy:
            raise
        except OmsError as exc:
            rows.append(entry | {"result": "refused", "error": exc.message})
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["result"]] += 1
    return {
        "file": str(path),
        "rows": rows,
        "counts": dict(counts),
        "unknown": [r["tracking"] for r in rows if r["result"] == "unknown"],
        "failed": counts["unknown"] + counts["refused"],
    }


# --- back to the channels -----------------------------------------------------------


def _unit_sku(ref: str, skus: set[str]) -> str | None:
    """The SKU a packed unit stands for: its ref is the SKU, or the SKU plus a unit suffix."""
    if ref in skus:
        return ref
    for sep in ("#", ":", "/", "@", "|"):
        head = ref.rsplit(sep, 1)[0]
        if head in skus:
            return head
    return None


def _items_by_package(order_lines: Sequence[Any], packages: Sequence[Any]) -> dict[int, list[ShippedItem]]:
    """Which lines travel in which package: read from the packing's placements when
    they name SKUs, else every line in the first package (the channels then confirm
    the rest of the parcels as extra tracking for the whole order)."""
    skus = {ln.sku for ln in order_lines}
    counted: dict[int, dict[str, int]] = {}
    for p in packages:
        units: dict[str, int] = defaultdict(int)
        for placed in p.placements or []:
            name = placed.get("sku") or placed.get("ref") if isinstance(placed, dict) else None
            sku = _unit_sku(str(name), skus) if name else None
            if sku is None:
                units.clear()
                break
            units[sku] += int(placed.get("quantity") or 1)
        if not units:
            counted = {}
            break
        counted[p.package_no] = dict(units)
    out: dict[int, list[ShippedItem]] = {p.package_no: [] for p in packages}
    if not counted or len(packages) == 1:
        first = min(out)
        out[first] = [ShippedItem(ln.quantity, ln.line_id, ln.sku) for ln in order_lines]
        return out
    left = {ln.id: ln.quantity for ln in order_lines}
    for package_no, units in counted.items():
        for sku, qty in units.items():
            for ln in order_lines:
                if ln.sku != sku or qty <= 0 or left[ln.id] <= 0:
                    continue
                take = min(qty, left[ln.id])
                out[package_no].append(ShippedItem(take, ln.line_id, ln.sku))
                left[ln.id] -= take
                qty -= take
    return out


def export_confirmations(
    store: Store, config: Config, channel: str, *, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    """The channel's shipping-confirmation upload file for the packages of its orders
    shipped in ``[since, until)``: text plus counts."""
    writer = WRITERS.get(channel)
    if writer is None:
        raise UsageError(
            f"no shipping-confirmation format for channel '{channel}'", hint="one of: " + ", ".join(sorted(WRITERS))
        )
    overrides = config.get("shipping.tracking_urls") or {}
    cond = [orders_t.c.channel == channel, packages_t.c.tracking.is_not(None), packages_t.c.shipped_at.is_not(None)]
    if since is not None:
        cond.append(packages_t.c.shipped_at >= since)
    if until is not None:
        cond.append(packages_t.c.shipped_at < until)
    shipments: list[ShipmentRow] = []
    with store.connect(write=False) as conn:
        order_ids = (
            conn.execute(
                select(packages_t.c.order_id)
                .join(orders_t, orders_t.c.id == packages_t.c.order_id)
                .where(*cond)
                .distinct()
            )
            .scalars()
            .all()
        )
        orders = (
            {o.id: o for o in conn.execute(select(orders_t).where(orders_t.c.id.in_(order_ids))).all()}
            if order_ids
            else {}
        )
        # The channel emails the customer only when oms does not: an order whose "on its
        # way" message oms has queued or sent is confirmed to the channel with Notify
        # Customer off, so the customer hears once (Shopify's file has the column).
        told_here = (
            set(
                conn.execute(
                    select(outbox_t.c.order_id).where(
                        outbox_t.c.order_id.in_(order_ids),
                        outbox_t.c.kind == "shipped",
                        outbox_t.c.status.in_(("queued", "sending", "sent")),
                    )
                ).scalars()
            )
            if order_ids
            else set()
        )
        for order_id in sorted(orders, key=lambda i: (orders[i].placed_at, i)):
            order = orders[order_id]
            all_packages = _packages(conn, order_id)
            lines = conn.execute(
                select(lines_t).where(lines_t.c.order_id == order_id).order_by(lines_t.c.line_no)
            ).all()
            items = _items_by_package(lines, all_packages)
            for p in all_packages:
                if (
                    not p.tracking
                    or p.shipped_at is None
                    or (since and p.shipped_at < since)
                    or (until and p.shipped_at >= until)
                ):
                    continue
                shipments.append(
                    ShipmentRow(
                        order_external_id=order.external_id,
                        items=tuple(items.get(p.package_no, [])),
                        ship_date=p.shipped_at.astimezone(_local_zone(config)).date(),
                        carrier_code=p.carrier or "",
                        carrier_name=carrier_name(p.carrier or ""),
                        tracking_number=p.tracking,
                        service=p.service,
                        tracking_url=tracking_url(p.carrier or "", p.tracking, overrides),
                        notify_customer=order_id not in told_here,
                    )
                )
    text = writer(shipments)
    return {
        "channel": channel,
        "text": text,
        "packages": len(shipments),
        "orders": len({s.order_external_id for s in shipments}),
    }
