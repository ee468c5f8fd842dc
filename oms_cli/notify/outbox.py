"""The outbox: customer messages written in the same transaction as the change that
caused them, so a shipped order always has its "on its way" message and a rolled
back change never leaves one behind. ``oms notify send`` delivers them later.

Other services call :func:`queue_message` inside their own write transaction.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, insert, literal, select, update
from sqlalchemy.engine import Connection

from oms_cli.core.errors import BadInput
from oms_cli.core.money import format_money
from oms_cli.notify.message import valid_address
from oms_cli.notify.templates import render
from oms_cli.orders.lifecycle import OPEN
from oms_cli.store.tables import inserted_id
from oms_cli.store.tables import order_lines as lines_t
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import outbox as outbox_t
from oms_cli.store.tables import packages as packages_t
from oms_cli.store.types import utcnow

if TYPE_CHECKING:
    from oms_cli.core.config import Config
    from oms_cli.store.engine import Store


#: service levels whose customers are told when their order misses its ship-by time
EXPEDITED_LEVELS = ("expedited", "next_day")


@dataclass(frozen=True)
class Queued:
    """What :func:`queue_message` did: the outbox id, whether it is new, or why nothing was queued."""

    id: int | None
    created: bool
    key: str
    skipped: str | None = None


def attachments_dir(conn: Connection, key: str) -> Path:
    """Where the files attached to the message with this key are kept until it is sent
    (with the store's files: beside a store file, or in ``store.files_dir``)."""
    from oms_cli.store.files import files_dir

    return files_dir(conn) / "outbox-files" / hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def message_attachments(conn: Connection, key: str) -> list[Path]:
    """The files to attach to the message with this key (none for most messages)."""
    folder = attachments_dir(conn, key)
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def _first_name(name: str | None) -> str | None:
    return name.split()[0] if name and name.split() else None


def order_context(conn: Connection, order_id: int, config: Config) -> dict[str, Any]:
    """What every template can use about an order: shop, customer, order, items,
    packages with their tracking links, and the first parcel's tracking link."""
    from oms_cli.carriers.tracking import carrier_name, tracking_url

    row = conn.execute(select(orders_t).where(orders_t.c.id == order_id)).first()
    if row is None:
        raise BadInput(f"order id {order_id} does not exist")
    lines = conn.execute(select(lines_t).where(lines_t.c.order_id == order_id).order_by(lines_t.c.line_no)).all()
    parcels = conn.execute(
        select(packages_t).where(packages_t.c.order_id == order_id).order_by(packages_t.c.package_no)
    ).all()
    overrides = config.get("shipping.tracking_urls") or {}
    packages = [
        {
            "number": p.package_no,
            "carrier": p.carrier,
            "carrier_name": carrier_name(p.carrier) if p.carrier else None,
            "service": p.service,
            "tracking": p.tracking,
            "tracking_url": tracking_url(p.carrier, p.tracking, overrides) if p.carrier and p.tracking else None,
            "shipped_at": p.shipped_at,
            "delivered_at": p.delivered_at,
        }
        for p in parcels
    ]
    tracked = [p for p in packages if p["tracking"]]
    shop = config.section("shop")
    return {
        "shop": {
            "name": shop.get("name"),
            "email": shop.get("email"),
            "phone": shop.get("phone"),
            "address": shop.get("address") or {},
            "return_instructions": config.return_instructions,
        },
        "customer": {
            "name": row.customer_name,
            "first_name": _first_name(row.customer_name),
            "email": row.customer_email,
        },
        "order": {
            "ref": row.ref,
            "number": row.external_id,
            "channel": row.channel,
            "placed_at": row.placed_at,
            "status": row.status,
            "service_level": row.service_level,
            "ship_by": row.ship_by,
            "total": format_money(row.total_minor, row.currency) if row.total_minor is not None else None,
            "currency": row.currency,
            "notes": row.notes,
        },
        "items": [{"sku": ln.sku, "name": ln.name, "quantity": ln.quantity} for ln in lines],
        "packages": tracked,
        "tracking_number": tracked[0]["tracking"] if tracked else None,
        "tracking_url": tracked[0]["tracking_url"] if tracked else None,
        "carrier_name": tracked[0]["carrier_name"] if tracked else None,
    }


def _existing(conn: Connection, key: str) -> Any:
    return conn.execute(select(outbox_t.c.id, outbox_t.c.status).where(outbox_t.c.key == key)).first()


def queue_message(
    conn: Connection,
    *,
    key: str,
    order_id: int | None,
    kind: str,
    context: dict[str, Any],
    due_at: datetime | None = None,
    config: Config,
    to: str | None = None,
) -> Queued:
    """Render a message and put it in the outbox, inside the caller's transaction.

    Does nothing when a message with ``key`` exists already (so callers may call it
    again safely). The order's details are added to ``context`` (the caller's values
    win); ``context["label_path"]`` or ``context["attachments"]`` name files to attach.
    No message is queued for an order without a usable e-mail address.
    """
    found = _existing(conn, key)
    if found is not None:
        return Queued(found.id, False, key)
    full: dict[str, Any] = (
        order_context(conn, order_id, config) if order_id is not None else {"shop": config.section("shop")}
    )
    full.update(context)
    address = to or context.get("to") or (full.get("customer") or {}).get("email")
    if not valid_address(address):
        return Queued(None, False, key, skipped="no usable customer e-mail address")
    files = [
        Path(str(p)).expanduser()
        for p in ([context["label_path"]] if context.get("label_path") else []) + list(context.get("attachments") or [])
    ]
    for f in files:
        if not f.is_file():
            raise BadInput(f"{f}: attachment for message {key} not found")
    rendered = render(kind, full, config)
    now = utcnow()
    result = conn.execute(
        insert(outbox_t).values(
            key=key,
            order_id=order_id,
            kind=kind,
            to_addr=address,
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            status="queued",
            attempts=0,
            created_at=now,
            due_at=due_at or now,
        )
    )
    if files:
        # The outbox has no column for attachments: copies are kept in a folder named
        # after the key, so the message still goes out if the original file is moved.
        folder = attachments_dir(conn, key)
        folder.mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.copyfile(f, folder / f.name)
    return Queued(inserted_id(result), True, key)


def rerender_queued(
    conn: Connection, outbox_id: int, kind: str, context: dict[str, Any], order_id: int, config: Config
) -> bool:
    """Render a still-queued message again (after a correction); False when it has
    already gone out (or is going out) and must not be changed."""
    from sqlalchemy import update

    full = order_context(conn, order_id, config)
    full.update(context)
    rendered = render(kind, full, config)
    res = conn.execute(
        update(outbox_t)
        .where(outbox_t.c.id == outbox_id, outbox_t.c.status == "queued")
        .values(subject=rendered.subject, body_text=rendered.text, body_html=rendered.html)
    )
    return res.rowcount == 1


def _missing_key(prefix: str) -> Any:
    """SQL: no outbox message with key ``<prefix>:<order ref>`` exists yet."""
    return ~exists().where(outbox_t.c.key == literal(prefix + ":") + orders_t.c.ref)


def withdraw_messages(conn: Connection, order_id: int, kinds: tuple[str, ...], reason: str) -> list[str]:
    """In the caller's transaction: withdraw the order's messages of these kinds that are
    not yet sent (queued, or waiting for another try), with the reason; returns their keys."""
    cond = and_(
        outbox_t.c.order_id == order_id,
        outbox_t.c.kind.in_(kinds),
        outbox_t.c.status == "queued",
    )
    keys = list(conn.execute(select(outbox_t.c.key).where(cond).order_by(outbox_t.c.id)).scalars())
    if keys:
        conn.execute(update(outbox_t).where(cond).values(status="withdrawn", last_error=reason))
    return keys


def queue_late_notices(conn: Connection, config: Config, now: datetime | None = None) -> int:
    """In the caller's transaction: queue a delay notice, once, for every expedited or
    next-day order ``notify.delay_after_hours`` past its ship-by time and not shipped
    (none when ``notify.delay_notices`` is off); returns how many."""
    if not config.get("notify.delay_notices"):
        return 0
    now = now or utcnow()
    threshold = now - timedelta(hours=float(config.get("notify.delay_after_hours") or 0))
    late = conn.execute(
        select(orders_t.c.id, orders_t.c.ref)
        .where(
            orders_t.c.service_level.in_(EXPEDITED_LEVELS),
            orders_t.c.ship_by.is_not(None),
            orders_t.c.ship_by < threshold,
            orders_t.c.status.in_(sorted(OPEN)),
            _missing_key("delay_notice"),
        )
        .order_by(orders_t.c.id)
    ).all()
    return sum(
        queue_message(
            conn, key=f"delay_notice:{row.ref}", order_id=row.id, kind="delay_notice", context={}, config=config
        ).created
        for row in late
    )


def queue_answers(conn: Connection, config: Config) -> int:
    """In the caller's transaction: queue the answer to every special instruction
    marked replied that has no message yet (whatever command recorded the answer);
    an answer changed while its message still waits is brought up to date."""
    waiting = conn.execute(
        select(outbox_t.c.id, orders_t.c.id.label("order_id"), orders_t.c.notes, orders_t.c.instruction_reply)
        .join(orders_t, orders_t.c.id == outbox_t.c.order_id)
        .where(
            outbox_t.c.status == "queued",
            outbox_t.c.key == literal("instruction_reply:") + orders_t.c.ref,
            orders_t.c.instruction_state == "replied",
        )
    ).all()
    for w in waiting:
        if (w.instruction_reply or "").strip():
            rerender_queued(
                conn,
                w.id,
                "instruction_reply",
                {"instruction": w.notes, "reply": w.instruction_reply},
                w.order_id,
                config,
            )
    answered = conn.execute(
        select(orders_t.c.id, orders_t.c.ref, orders_t.c.notes, orders_t.c.instruction_reply)
        .where(
            and_(orders_t.c.instruction_state == "replied", orders_t.c.instruction_reply.is_not(None)),
            _missing_key("instruction_reply"),
        )
        .order_by(orders_t.c.id)
    ).all()
    return sum(
        queue_message(
            conn,
            key=f"instruction_reply:{row.ref}",
            order_id=row.id,
            kind="instruction_reply",
            context={"instruction": row.notes, "reply": row.instruction_reply},
            config=config,
        ).created
        for row in answered
        if (row.instruction_reply or "").strip()
    )


def queue_delay_notices(store: Store, config: Config, now: datetime | None = None) -> int:
    """Queue a delay notice, once, for every expedited or next-day order past its
    ship-by time and not shipped; returns how many were queued."""
    with store.connect(write=True) as conn:
        return queue_late_notices(conn, config, now)


def queue_instruction_replies(store: Store, config: Config) -> int:
    """Queue the answers to special instructions that have none queued yet; returns how many."""
    with store.connect(write=True) as conn:
        return queue_answers(conn, config)
