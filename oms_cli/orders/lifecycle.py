"""The allowed order status transitions, defined once.

Every status change in oms goes through :func:`check_transition`, and every service
that changes a status writes an event row for it (see ``oms_cli.orders.events``).
"""

from __future__ import annotations

from oms_cli.core.errors import Refused

#: status -> statuses it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"on_hold", "ready", "cancelled"}),
    "on_hold": frozenset({"ready", "on_hold", "cancelled", "new"}),
    "ready": frozenset({"picking", "on_hold", "cancelled"}),
    "picking": frozenset({"picked", "on_hold", "cancelled", "ready"}),
    "picked": frozenset({"packed", "on_hold", "cancelled"}),
    "packed": frozenset({"shipped", "on_hold", "cancelled"}),
    "shipped": frozenset({"delivered", "returned"}),
    "delivered": frozenset({"returned"}),
    "cancelled": frozenset(),
    "returned": frozenset(),
}

#: milestone -> the status whose first reaching marks it. Each milestone has an orders
#: column ``<milestone>_at`` holding that first time, kept by ``oms_cli.orders.events``
#: as it writes the status event, so the report need not group the whole event log.
MILESTONE_STATUS: dict[str, str] = {
    "released": "ready",
    "picked": "picked",
    "packed": "packed",
    "shipped": "shipped",
    "delivered": "delivered",
    "cancelled": "cancelled",
}
#: status -> the orders column holding when the order first reached it
MILESTONE_COLUMN: dict[str, str] = {status: f"{name}_at" for name, status in MILESTONE_STATUS.items()}

#: statuses an import may still overwrite with newer channel data
IMPORT_MUTABLE = frozenset({"new", "on_hold"})

#: statuses in which the order is on the floor or beyond
OPEN_STATUSES = frozenset({"new", "on_hold", "ready", "picking", "picked", "packed"})

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
    return target in TRANSITIONS.get(current, frozenset())


def check_transition(ref: str, current: str, target: str) -> None:
    """Raise :class:`Refused` with a clear message unless the transition is allowed."""
    if not can_transition(current, target):
        allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "nothing (final)"
        raise Refused(
            f"{ref}: cannot move from {current} to {target}",
            hint=f"from {current} an order may go to: {allowed}",
        )


def check_statuses(statuses: list[str] | tuple[str, ...] | None) -> None:
    """Refuse a status filter naming a status that does not exist (a typo would match nothing)."""
    from oms_cli.core.errors import UsageError

    unknown = [s for s in statuses or () if s not in TRANSITIONS]
    if unknown:
        raise UsageError(f"unknown status {', '.join(unknown)}", hint="one of: " + ", ".join(TRANSITIONS))
