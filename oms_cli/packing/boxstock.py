"""The standard boxes on hand: counted, received, and counted down as orders are packed.

Every change is a ``box_moves`` row (count, receive, pack, repack); the number on hand
is their sum. A box is *counted* once it has a move, or when the config gives it a
``stock``: until the store has a move for such a box, the config's number is what is on
hand, and the first move starts from it. A box that is not counted is never short.
The packing engine chooses only boxes with some on hand.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from oms_cli.core.config import Config
from oms_cli.core.errors import ConfigError, NotFound, UsageError
from oms_cli.packing.catalogue import Catalogue
from oms_cli.packing.engine import Box
from oms_cli.store.engine import Store
from oms_cli.store.locks import hold
from oms_cli.store.tables import box_moves as moves_t
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.types import utcnow

#: the most boxes of one type a count or a delivery may name
MAX_BOXES = 1_000_000

#: held by whoever changes the boxes on hand (a no-op on SQLite, whose write lock holds it all)
BOX_LOCK = "oms boxes"


def on_hand(conn: Connection, boxes: Sequence[Box]) -> dict[str, int | None]:
    """Box ref -> how many are on hand (None: not counted). Negative when more were
    packed than were counted: the count was off (a new count puts it right)."""
    counted = dict(conn.execute(select(moves_t.c.box, func.sum(moves_t.c.quantity)).group_by(moves_t.c.box)).all())
    return {b.ref: int(counted[b.ref]) if b.ref in counted else b.stock for b in boxes}


def with_stock(conn: Connection, cat: Catalogue, *, order_id: int | None = None, keep: Iterable[str] = ()) -> Catalogue:
    """The catalogue with each box's stock as the store has it, for the engine.

    ``order_id``: the boxes that order's earlier packing took count as on hand again
    (a new packing replaces it, and gives them back). ``keep``: boxes left uncounted
    for this plan (the ones a packer was shown and has used). Below zero is none.
    """
    stock = on_hand(conn, cat.boxes)
    if order_id is not None:
        for box, qty in conn.execute(
            select(moves_t.c.box, func.sum(moves_t.c.quantity))
            .where(moves_t.c.order_id == order_id)
            .group_by(moves_t.c.box)
        ):
            have = stock.get(box)
            if have is not None and qty:
                stock[box] = have - int(qty)  # qty is negative for boxes still taken
    kept = set(keep)
    return dataclasses.replace(
        cat,
        boxes=[
            dataclasses.replace(b, stock=None if b.ref in kept or (n := stock[b.ref]) is None else max(0, n))
            for b in cat.boxes
        ],
    )


def _box(cat: Catalogue, ref: str) -> Box:
    """The box of the catalogue named ``ref`` (exactly, else without regard to case)."""
    wanted = ref.strip()
    for b in cat.boxes:
        if b.ref == wanted:
            return b
    for b in cat.boxes:
        if b.ref.casefold() == wanted.casefold():
            return b
    raise NotFound(f"no box '{ref}' in packing.boxes", hint="oms boxes list shows the standard boxes")


def _check_quantity(n: int, what: str) -> None:
    if n < 0 or n > MAX_BOXES:
        raise UsageError(f"{what} must be a whole number from 0 to {MAX_BOXES:,} (got {n})")


def _write(
    conn: Connection,
    box: str,
    quantity: int,
    reason: str,
    at: datetime,
    *,
    command: str,
    order_id: int | None = None,
    note: str | None = None,
) -> None:
    conn.execute(
        insert(moves_t).values(
            box=box, quantity=quantity, reason=reason, at=at, order_id=order_id, command=command, note=note
        )
    )


def _start_from_config(conn: Connection, box: Box, at: datetime, command: str) -> int | None:
    """The box's number on hand, writing the config's starting number as a count first
    when the store has none for a box the config counts."""
    has, total = conn.execute(select(func.count(), func.sum(moves_t.c.quantity)).where(moves_t.c.box == box.ref)).one()
    if has:
        return int(total or 0)
    if box.stock is None:
        return None
    _write(conn, box.ref, box.stock, "count", at, command=command, note="starting number from packing.boxes stock")
    return box.stock


def count(store: Store, cat: Catalogue, ref: str, n: int, *, command: str = "boxes count") -> dict[str, Any]:
    """Set the number of a box on hand after counting them; safe to run again."""
    _check_quantity(n, "the count")
    box = _box(cat, ref)
    with store.connect(write=True) as conn:
        hold(conn, BOX_LOCK)
        now = utcnow()
        was = _start_from_config(conn, box, now, command)
        change = n - (was or 0)
        if was is None or change:
            _write(conn, box.ref, change, "count", now, command=command, note=f"counted {n}")
    return {"box": box.ref, "was": was, "on_hand": n, "change": change, "changed": was is None or change != 0}


def receive(
    store: Store, cat: Catalogue, ref: str, n: int, *, note: str | None = None, command: str = "boxes receive"
) -> dict[str, Any]:
    """Add a delivery of boxes."""
    _check_quantity(n, "the number received")
    if n == 0:
        raise UsageError("the number received must be at least 1")
    box = _box(cat, ref)
    with store.connect(write=True) as conn:
        hold(conn, BOX_LOCK)
        now = utcnow()
        was = _start_from_config(conn, box, now, command)
        _write(conn, box.ref, n, "receive", now, command=command, note=note)
    return {"box": box.ref, "was": was, "on_hand": (was or 0) + n, "received": n}


def use(
    conn: Connection, cat: Catalogue, refs: Iterable[str], order_id: int, at: datetime, *, command: str
) -> dict[str, int]:
    """Count down one box per package of a packed order (boxes that are counted only);
    returns what is left of each box used."""
    left: dict[str, int] = {}
    by_ref = {b.ref: b for b in cat.boxes}
    for ref in refs:
        box = by_ref.get(ref)
        if box is None:
            continue  # a box no longer in the config: nothing to count
        have = left[ref] if ref in left else _start_from_config(conn, box, at, command)
        if have is None:
            continue
        _write(conn, ref, -1, "pack", at, command=command, order_id=order_id)
        left[ref] = have - 1
    return left


def give_back(conn: Connection, refs: Iterable[str], order_id: int, at: datetime, *, command: str) -> None:
    """An order packed again: the boxes of its earlier packing are back on the shelf
    (only those that were counted down)."""
    taken: dict[str, int] = {}
    for box, qty in conn.execute(
        select(moves_t.c.box, func.sum(moves_t.c.quantity))
        .where(moves_t.c.order_id == order_id)
        .group_by(moves_t.c.box)
    ):
        taken[box] = -int(qty or 0)
    for ref in refs:
        if taken.get(ref, 0) > 0:
            _write(
                conn, ref, 1, "repack", at, command=command, order_id=order_id, note="its earlier packing was replaced"
            )
            taken[ref] -= 1


def moves(store: Store, ref: str | None = None, *, limit: int | None = 50) -> list[dict[str, Any]]:
    """The latest box moves, newest first (of one box when named)."""
    q = (
        select(moves_t, orders_t.c.ref.label("order_ref"))
        .select_from(moves_t.outerjoin(orders_t, orders_t.c.id == moves_t.c.order_id))
        .order_by(moves_t.c.id.desc())
    )
    if limit is not None and limit < 0:
        raise UsageError(f"--limit must be 0 (all) or more (got {limit})")
    with store.connect(write=False) as conn:
        if ref is not None:
            q = q.where(moves_t.c.box == _ledger_ref(conn, ref))
        if limit:
            q = q.limit(limit)
        return [
            {
                "at": r.at,
                "box": r.box,
                "quantity": r.quantity,
                "reason": r.reason,
                "order": r.order_ref,
                "command": r.command,
                "note": r.note,
            }
            for r in conn.execute(q)
        ]


def _ledger_ref(conn: Connection, ref: str) -> str:
    """The box name as the ledger spells it: exactly, else without regard to case
    (compared here, not in SQL: SQLite folds the case of ASCII letters only)."""
    names = list(conn.execute(select(moves_t.c.box).distinct()).scalars())
    wanted = ref.strip()
    if wanted in names:
        return wanted
    for name in names:
        if name.casefold() == wanted.casefold():
            return name
    raise NotFound(
        f"box '{ref}' has no moves",
        hint="oms boxes list shows the standard boxes; counts, deliveries and packing make moves",
    )


def low_threshold(config: Config) -> int:
    """``packing.box_low_stock``: at or below this many on hand a box is reported low."""
    value = config.get("packing.box_low_stock")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"packing.box_low_stock must be a whole number of boxes (got {value!r})")
    return value
