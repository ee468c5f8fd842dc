"""Buyers' special instructions: acknowledging them, and refusing to ship an order whose
instruction nobody has acknowledged.

An order imported with a buyer note has ``instruction_state = 'pending'``. It may be
released and picked, but it must not leave until someone records that the instruction
will be followed (``done``) or answers the buyer (``replied``; the reply is sent by the
notification work).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import update

from oms_cli.core.errors import Refused, UsageError
from oms_cli.orders.events import record_event
from oms_cli.orders.service import orders_t, resolve_ref
from oms_cli.store.engine import Store
from oms_cli.store.types import utcnow


@dataclass(frozen=True)
class Acknowledgement:
    """An order's instruction after `oms orders ack` (``changed`` false: it was so already)."""

    ref: str
    instruction_state: str
    #: the answer to the buyer (None, and no key in JSON, when the instruction will simply be followed)
    reply: str | None = field(metadata={"optional": True})
    changed: bool = False


#: instruction states that let an order ship
SETTLED = frozenset({"none", "done", "replied"})


def shipping_block(ref: str, instruction_state: str | None, notes: str | None) -> str | None:
    """Why an order may not be marked shipped because of its instruction, or None when it may."""
    if (instruction_state or "none") in SETTLED:
        return None
    shown = " ".join((notes or "").split())
    if len(shown) > 80:
        shown = shown[:77] + "…"
    return f'{ref}: the buyer\'s special instruction is not acknowledged yet ("{shown}")'


def check_can_ship(ref: str, instruction_state: str | None, notes: str | None) -> None:
    """Raise Refused, saying what to do, when an unacknowledged instruction stops the order shipping."""
    why = shipping_block(ref, instruction_state, notes)
    if why:
        raise Refused(why, hint=f'read it, then run `oms orders ack {ref} --done` (or --reply "…" to answer the buyer)')


def acknowledge(
    store: Store, ref: str, *, done: bool = False, reply: str | None = None, command: str = "orders ack"
) -> Acknowledgement:
    """Record that an order's instruction will be fulfilled (``done``) or the answer to the buyer (``reply``); safe to repeat."""
    if done == (reply is not None):
        raise UsageError('give either --done or --reply "…"')
    if reply is not None and not reply.strip():
        raise UsageError("--reply needs the text of the answer")
    with store.connect() as conn:
        row = resolve_ref(conn, ref)
        if not (row.notes or "").strip() or row.instruction_state == "none":
            raise Refused(f"{row.ref}: has no special instruction to acknowledge")
        if done:
            if row.instruction_state == "done":
                return Acknowledgement(row.ref, "done", None, changed=False)
            conn.execute(
                update(orders_t).where(orders_t.c.id == row.id).values(instruction_state="done", updated_at=utcnow())
            )
            record_event(conn, row.id, command=command, kind="note", note="instruction acknowledged: will be fulfilled")
            return Acknowledgement(row.ref, "done", None, changed=True)
        text = (reply or "").strip()
        if row.instruction_state == "replied" and row.instruction_reply == text:
            return Acknowledgement(row.ref, "replied", text, changed=False)
        conn.execute(
            update(orders_t)
            .where(orders_t.c.id == row.id)
            .values(instruction_state="replied", instruction_reply=text, updated_at=utcnow())
        )
        record_event(conn, row.id, command=command, kind="note", note=f"reply to the buyer: {text}")
        return Acknowledgement(row.ref, "replied", text, changed=True)
