"""The order statuses, the allowed transitions between them and the named groups of
statuses the services ask about, defined once.

Every status change in oms goes through :func:`check_transition`, and every service
that changes a status writes an event row for it (see ``oms_cli.orders.events``). A
step that only some statuses may take (pack, ship, deliver, return, release, pick,
cancel) asks :func:`require_status`, so the refusal reads the same everywhere.

``Status`` is a ``StrEnum``: its members are the strings stored in ``orders.status``,
so they compare equal to stored values and bind as such in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from oms_cli.core.errors import Refused


class Status(StrEnum):
    """An order's status, in lifecycle order."""

    NEW = "new"
    ON_HOLD = "on_hold"
    READY = "ready"
    PICKING = "picking"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        """The status as a word in a sentence (on-hold)."""
        return self.value.replace("_", "-")


class StatusSet(frozenset[Status]):
    """A named group of statuses, with the words a message uses for its orders."""

    words: str

    def __new__(cls, members: Iterable[Status], words: str | None = None) -> StatusSet:
        self = super().__new__(cls, members)
        self.words = words or describe(frozenset(self))
        return self


def describe(statuses: Iterable[str]) -> str:
    """The orders in these statuses, in words: ``shipped or delivered orders``."""
    if isinstance(statuses, StatusSet):
        return statuses.words
    names = [s.label for s in Status if s in set(statuses)]
    if not names:
        return "no orders"
    head = ", ".join(names[:-1])
    return (f"{head} or {names[-1]}" if head else names[-1]) + " orders"


S = Status

#: status -> statuses it may move to
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.NEW: frozenset({S.ON_HOLD, S.READY, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.READY, S.ON_HOLD, S.CANCELLED, S.NEW}),
    S.READY: frozenset({S.PICKING, S.ON_HOLD, S.CANCELLED}),
    S.PICKING: frozenset({S.PICKED, S.ON_HOLD, S.CANCELLED, S.READY}),
    S.PICKED: frozenset({S.PACKED, S.ON_HOLD, S.CANCELLED}),
    S.PACKED: frozenset({S.SHIPPED, S.ON_HOLD, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.RETURNED}),
    S.DELIVERED: frozenset({S.RETURNED}),
    S.CANCELLED: frozenset(),
    S.RETURNED: frozenset(),
}

#: milestone -> the status whose first reaching marks it. Each milestone has an orders
#: column ``<milestone>_at`` holding that first time, kept by ``oms_cli.orders.events``
#: as it writes the status event, so the report need not group the whole event log.
MILESTONE_STATUS: dict[str, Status] = {
    "released": S.READY,
    "picked": S.PICKED,
    "packed": S.PACKED,
    "shipped": S.SHIPPED,
    "delivered": S.DELIVERED,
    "cancelled": S.CANCELLED,
}
#: status -> the orders column holding when the order first reached it
MILESTONE_COLUMN: dict[str, str] = {status: f"{name}_at" for name, status in MILESTONE_STATUS.items()}

# --- named groups ------------------------------------------------------------------

#: not yet released: the release gate may take these (and an import may still overwrite them)
WAITING = StatusSet({S.NEW, S.ON_HOLD})
#: statuses an import may still overwrite with newer channel data
IMPORT_MUTABLE = WAITING
#: statuses the release gate takes
RELEASABLE = WAITING
#: released and in the warehouse's hands: reserved stock, maybe on a pick list or in a box
ON_FLOOR = StatusSet({S.READY, S.PICKING, S.PICKED, S.PACKED}, "orders on the floor")
#: not shipped and not cancelled: the order may still be held or cancelled
OPEN = StatusSet(WAITING | ON_FLOOR, "orders not yet shipped")
#: statuses an order leaves the floor for (:func:`oms_cli.orders.floor.take_off_floor`)
OFF_FLOOR = StatusSet({S.ON_HOLD, S.CANCELLED})
#: only ready orders are planned onto pick lists
PICKABLE = StatusSet({S.READY})
#: only picked orders are verified and packed
PACKABLE = StatusSet({S.PICKED})
#: packed already: verifying again changes nothing
PACKED_OR_LATER = StatusSet({S.PACKED, S.SHIPPED, S.DELIVERED})
#: only packed orders are shipped
SHIPPABLE = StatusSet({S.PACKED})
#: only shipped orders are delivered
DELIVERABLE = StatusSet({S.SHIPPED})
#: the order has left the building
GONE = StatusSet({S.SHIPPED, S.DELIVERED, S.RETURNED}, "orders that have left")
#: at the customer (or back): a delivery report changes nothing, a tracking number is final
ARRIVED = StatusSet({S.DELIVERED, S.RETURNED})
#: a return may be opened for these
RETURNABLE = StatusSet({S.SHIPPED, S.DELIVERED})
#: statuses nothing leaves
FINAL = StatusSet({s for s, targets in TRANSITIONS.items() if not targets})

HOLD_REASONS = (
    "awaiting_payment",
    "out_of_stock",
    "incorrect_address",
    "high_risk",
    "unknown_sku",
    "no_sku",
    "no_location",
    "cod_not_allowed",
    "manual",
    "other",
)


def can_transition(current: str, target: str) -> bool:
    """Whether an order in ``current`` may move to ``target``."""
    return target in TRANSITIONS.get(current, frozenset())  # type: ignore[call-overload]


def check_transition(ref: str, current: str, target: str) -> None:
    """Raise :class:`Refused` with a clear message unless the transition is allowed."""
    if not can_transition(current, target):
        allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "nothing (final)"  # type: ignore[call-overload]
        raise Refused(
            f"{ref}: cannot move from {current} to {target}",
            hint=f"from {current} an order may go to: {allowed}",
        )


def refusal(status: str, allowed: Iterable[str], action: str) -> str:
    """Why an order in ``status`` may not be ``action`` (released, shipped, ...), in the
    words every step uses: ``cancelled: only new or on-hold orders can be released``.

    When one status alone may proceed it is named first (``picked, not packed: ...``).
    """
    allowed = allowed if isinstance(allowed, StatusSet) else StatusSet(Status(s) for s in allowed)
    single = f", not {next(iter(allowed)).label}" if len(allowed) == 1 else ""
    return f"{status}{single}: only {allowed.words} can be {action}"


def require_status(row: Any, allowed: Iterable[str], action: str, hint: str | Mapping[str, str] | None = None) -> None:
    """The gate of a step: raise :class:`Refused` unless ``row`` (an order with ``ref``
    and ``status``) is in one of the ``allowed`` statuses.

    ``hint`` is one hint for every refusal, or a hint per status the order may be in
    (a status not in the mapping gets none).
    """
    if row.status in allowed:
        return
    if isinstance(hint, Mapping):
        hint = hint.get(row.status)
    raise Refused(f"{row.ref} is {refusal(row.status, allowed, action)}", hint=hint)


def check_statuses(statuses: list[str] | tuple[str, ...] | None) -> None:
    """Refuse a status filter naming a status that does not exist (a typo would match nothing)."""
    from oms_cli.core.errors import UsageError

    unknown = [s for s in statuses or () if s not in TRANSITIONS]
    if unknown:
        raise UsageError(f"unknown status {', '.join(unknown)}", hint="one of: " + ", ".join(TRANSITIONS))
