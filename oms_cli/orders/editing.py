"""Editing an order before it is picked: ship-to address, service level, notes and lines.

An edit is checked the way an import checks an order (the canonical model, the country
by name or code), applied in one transaction and written down as an ``edited`` event
naming every field that changed, old and new. Lines change only while the order is not
yet released (new or on hold): a released order has stock reserved for its lines, so it
is held first. The address, the service level and the notes change until picking starts.

An edit leaves the order's import fingerprint alone, so a later import of the same
channel data leaves the edit in place; only a newer version of the order from the
channel replaces it, as for any order an import may still update.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from oms_cli.core.errors import BadInput, UsageError
from oms_cli.importers.countries import country_code
from oms_cli.importers.model import Order
from oms_cli.orders.events import record_event
from oms_cli.orders.lifecycle import WAITING, Status, StatusSet, require_status
from oms_cli.orders.records import SHIP_TO_COLUMNS, order_to_canonical
from oms_cli.orders.service import lines_of, resolve_ref
from oms_cli.store.engine import Store
from oms_cli.store.tables import order_lines as lines_t
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import products as products_t
from oms_cli.store.types import utcnow

#: statuses in which an order's address, service level and notes may still change
EDITABLE = StatusSet(WAITING | {Status.READY}, "orders not yet picked")
#: statuses in which its lines may still change (no stock reserved for them yet)
LINES_EDITABLE = WAITING


@dataclass(frozen=True)
class OrderEdit:
    """What to change; None (or empty) leaves a part as it is."""

    ship_to: Mapping[str, str | None] = field(default_factory=dict)  # canonical ship_to keys; "" clears
    service_level: str | None = None
    notes: str | None = None  # "" clears
    set_quantities: Mapping[str, int] = field(default_factory=dict)  # sku -> new quantity (0 removes the line)
    add_lines: tuple[tuple[str, int], ...] = ()  # (sku, quantity) of new lines

    def is_empty(self) -> bool:
        """Whether the edit changes nothing at all."""
        return not (
            self.ship_to
            or self.service_level is not None
            or self.notes is not None
            or self.set_quantities
            or self.add_lines
        )


@dataclass(frozen=True)
class FieldChange:
    """One field of the order, before and after the edit."""

    field: str  # ship_to.city, service_level, notes, line SKU-1
    before: Any
    after: Any


@dataclass(frozen=True)
class EditResult:
    """What ``oms orders edit`` changed (or, with ``dry_run``, would change)."""

    ref: str
    status: str
    changes: list[FieldChange]
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    ship_by: datetime | None = None  # the new ship-by time of a released order whose service changed


def _problem(ref: str, exc: ValidationError) -> BadInput:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "order"
    message = first["msg"][:1].lower() + first["msg"][1:]
    if first["type"] != "missing":
        message = f"{json.dumps(first.get('input'), default=str, ensure_ascii=False)}: {message}"
    return BadInput(f"{ref}: {where} {message}")


def apply_edit(order: dict[str, Any], edit: OrderEdit) -> tuple[dict[str, Any], list[FieldChange]]:
    """The canonical order with ``edit`` applied, checked as an import checks an order,
    and the fields that changed. Raises BadInput naming the order and the field."""
    ref = order["ref"]
    new = {**order, "ship_to": dict(order["ship_to"]), "lines": [dict(ln) for ln in order["lines"]]}
    for key, value in edit.ship_to.items():
        if key not in SHIP_TO_COLUMNS:
            raise UsageError(f"unknown address field {key}", hint="one of: " + ", ".join(SHIP_TO_COLUMNS))
        text = (value or "").strip() or None
        if key == "country" and text is not None:
            code = country_code(text)
            if code is None:
                raise BadInput(f"{ref}: ship_to.country {text!r} is not a country oms knows")
            text = code
        new["ship_to"][key] = text
    if edit.service_level is not None:
        new["service_level"] = edit.service_level.strip()
    if edit.notes is not None:
        new["notes"] = edit.notes.strip() or None

    by_sku = {ln["sku"]: ln for ln in new["lines"] if ln["sku"]}
    for sku, quantity in edit.set_quantities.items():
        if sku not in by_sku:
            raise BadInput(f"{ref}: line {sku} is not on the order", hint="add it with --add-line SKU=QTY")
        if quantity < 0:
            raise BadInput(f"{ref}: line {sku} quantity {quantity} must be 0 (remove) or more")
        by_sku[sku]["quantity"] = quantity
    new["lines"] = [ln for ln in new["lines"] if ln["quantity"] != 0]
    for sku, quantity in edit.add_lines:
        if sku in by_sku:
            raise BadInput(f"{ref}: line {sku} is already on the order", hint="change it with --set-line SKU=QTY")
        if quantity <= 0:
            raise BadInput(f"{ref}: line {sku} quantity {quantity} must be more than 0")
        new["lines"].append({"sku": sku, "name": None, "quantity": quantity, "unit_price": None, "line_id": None})
        by_sku[sku] = new["lines"][-1]
    if not new["lines"]:
        raise BadInput(f"{ref}: lines the order would have none left", hint="cancel it instead: oms orders cancel")
    try:
        Order.model_validate(new)
    except ValidationError as exc:
        raise _problem(ref, exc) from None

    changes = [
        FieldChange(f"ship_to.{key}", order["ship_to"].get(key), new["ship_to"].get(key))
        for key in SHIP_TO_COLUMNS
        if order["ship_to"].get(key) != new["ship_to"].get(key)
    ]
    for key in ("service_level", "notes"):
        if order.get(key) != new.get(key):
            changes.append(FieldChange(key, order.get(key), new.get(key)))
    before = {ln["sku"]: ln["quantity"] for ln in order["lines"] if ln["sku"]}
    after = {ln["sku"]: ln["quantity"] for ln in new["lines"] if ln["sku"]}
    for sku in [*before, *(s for s in after if s not in before)]:
        if before.get(sku) != after.get(sku):
            changes.append(FieldChange(f"line {sku}", before.get(sku), after.get(sku)))
    return new, changes


def _describe(changes: list[FieldChange]) -> str:
    def shown(value: Any) -> str:
        return "(none)" if value is None else str(value)

    return "edited: " + "; ".join(f"{c.field} {shown(c.before)} -> {shown(c.after)}" for c in changes)


def edit_order(
    store: Store,
    ref: str,
    edit: OrderEdit,
    *,
    dry_run: bool = False,
    reschedule: Callable[[Any, str], datetime] | None = None,
    now: datetime | None = None,
) -> EditResult:
    """Change an order not yet picked, in one transaction, with an ``edited`` event.

    ``reschedule(row, service_level)`` gives a released order its new ship-by time when
    its service level changes (the release schedule; the caller owns the config).
    """
    if edit.is_empty():
        raise UsageError("nothing to change", hint="give --address1, --city, --service, --note, --set-line …")
    at = now or utcnow()
    with store.connect(write=not dry_run) as conn:
        row = resolve_ref(conn, ref)
        require_status(
            row,
            EDITABLE,
            "edited",
            hint="an order being picked or later changes through its step (oms pick, oms returns …)",
        )
        if edit.set_quantities or edit.add_lines:
            require_status(
                row,
                LINES_EDITABLE,
                "given other lines",
                hint=f"a released order has stock reserved for its lines: oms orders hold {row.ref} --reason manual, "
                f"edit, then oms release {row.ref}",
            )
        current = order_to_canonical(row, lines_of(conn, [row.id])[row.id])
        changed, changes = apply_edit(current, edit)
        warnings = _unknown_skus(conn, [sku for sku, _ in edit.add_lines])
        ship_by = None
        if row.status == Status.READY and reschedule is not None and changed["service_level"] != row.service_level:
            ship_by = reschedule(row, changed["service_level"])
        if dry_run or not changes:
            return EditResult(row.ref, row.status, changes, dry_run=dry_run, warnings=warnings, ship_by=ship_by)
        _write(conn, row, changed, changes, ship_by, at)
    return EditResult(row.ref, row.status, changes, warnings=warnings, ship_by=ship_by)


def _unknown_skus(conn: Connection, skus: list[str]) -> list[str]:
    if not skus:
        return []
    known = set(conn.execute(select(products_t.c.sku).where(products_t.c.sku.in_(skus))).scalars())
    return [
        f"{sku} is not in the catalog: release will hold the order (unknown_sku)" for sku in skus if sku not in known
    ]


def _write(
    conn: Connection,
    row: Any,
    changed: dict[str, Any],
    changes: list[FieldChange],
    ship_by: datetime | None,
    at: datetime,
) -> None:
    values: dict[str, Any] = {col: changed["ship_to"].get(key) for key, col in SHIP_TO_COLUMNS.items()}
    values["service_level"] = changed["service_level"]
    if changed.get("notes") != row.notes:
        values["notes"] = changed.get("notes")
        # A new instruction waits for its answer like one from the channel.
        values["instruction_state"] = "pending" if changed.get("notes") else "none"
    if ship_by is not None:
        values["ship_by"] = ship_by
    values["updated_at"] = at
    conn.execute(update(orders_t).where(orders_t.c.id == row.id).values(**values))

    wanted = {ln["sku"]: ln["quantity"] for ln in changed["lines"]}
    for line in lines_of(conn, [row.id])[row.id]:
        if line.sku not in wanted:
            conn.execute(delete(lines_t).where(lines_t.c.id == line.id))
        elif wanted[line.sku] != line.quantity:
            conn.execute(update(lines_t).where(lines_t.c.id == line.id).values(quantity=wanted[line.sku]))
        wanted.pop(line.sku, None)
    if wanted:
        last = conn.execute(select(func.max(lines_t.c.line_no)).where(lines_t.c.order_id == row.id)).scalar() or 0
        names = dict(
            conn.execute(select(products_t.c.sku, products_t.c.name).where(products_t.c.sku.in_(wanted))).all()
        )
        conn.execute(
            insert(lines_t),
            [
                {
                    "order_id": row.id,
                    "line_no": last + i,
                    "sku": sku,
                    "name": names.get(sku),
                    "quantity": quantity,
                    "free": False,
                }
                for i, (sku, quantity) in enumerate(wanted.items(), start=1)
            ],
        )
    record_event(conn, row.id, command="orders edit", kind="edited", note=_describe(changes), at=at)
