"""Taking an order off the floor (orders.floor) against a real store, and the status gate
(lifecycle.require_status) every step asks."""

from __future__ import annotations

from typing import Any

import pytest

from oms_cli.core.config import load_config
from oms_cli.core.errors import Refused
from oms_cli.importers.model import STATUSES
from oms_cli.orders.floor import take_off_floor
from oms_cli.orders.lifecycle import (
    GONE,
    IMPORT_MUTABLE,
    OFF_FLOOR,
    ON_FLOOR,
    OPEN,
    PACKABLE,
    RELEASABLE,
    RETURNABLE,
    TRANSITIONS,
    Status,
    refusal,
    require_status,
)
from oms_cli.orders.service import resolve_ref
from oms_cli.picking import service as picking
from oms_cli.picking.service import PlanRequest
from tests.picking.store_fixtures import Floor, Product, floor, order  # noqa: F401

MUG = Product("MUG", ("A01-B01-L1",))
CAP = Product("CAP", ("A02-B01-L1",))


def on_a_pick_list(floor: Floor) -> None:
    """Two released orders sharing a SKU, both planned onto one pick list."""
    floor.catalog([MUG, CAP])
    floor.stock_everything(10)
    floor.import_orders([order("1", [("MUG", 2), ("CAP", 1)]), order("2", [("MUG", 1)])])
    floor.release()
    plan = picking.plan_run(floor.store, load_config(), PlanRequest(method="batch"))
    assert plan["orders_planned"] == 2
    assert floor.statuses() == {"shop:1": "picking", "shop:2": "picking"}


def take(floor: Floor, ref: str, to: Status, **kw: Any) -> int:
    with floor.store.connect() as conn:
        return take_off_floor(conn, resolve_ref(conn, ref), to, command="test", **kw)


def left_to_pick(floor: Floor, ref: str) -> int:
    rows = floor.query(
        "SELECT sum(a.quantity - a.picked_qty - a.short_qty) FROM pick_allocations a "
        "JOIN orders o ON o.id = a.order_id WHERE o.ref = ?",
        ref,
    )
    return int(rows[0][0] or 0)


@pytest.mark.parametrize("to", [Status.ON_HOLD, Status.CANCELLED])
def test_an_order_off_the_floor_gives_back_its_stock_and_leaves_its_pick_list(floor: Floor, to: Status) -> None:
    on_a_pick_list(floor)
    assert floor.stock("MUG", "A01-B01-L1") == (10, 3)
    freed = take(floor, "shop:1", to, reason="manual", detail="customer called") if to == Status.ON_HOLD else None
    if freed is None:
        freed = take(floor, "shop:1", to, note="customer called")
    assert freed == 3
    assert floor.status("shop:1") == to
    assert {state for *_, state in floor.reservations("shop:1")} == {"released"}
    assert floor.stock("MUG", "A01-B01-L1") == (10, 1) and floor.stock("CAP", "A02-B01-L1") == (10, 0)
    assert left_to_pick(floor, "shop:1") == 0
    # The other order on the same list is untouched.
    assert floor.status("shop:2") == "picking" and left_to_pick(floor, "shop:2") == 1
    assert {state for *_, state in floor.reservations("shop:2")} == {"active"}
    event = floor.query(
        "SELECT e.from_status, e.to_status, e.command, e.note FROM order_events e JOIN orders o ON o.id = e.order_id "
        "WHERE o.ref = 'shop:1' ORDER BY e.id DESC LIMIT 1"
    )[0]
    expected_note = "manual: customer called" if to == Status.ON_HOLD else "customer called"
    assert tuple(event) == ("picking", to, "test", expected_note)


def test_a_hold_keeps_its_reason_and_detail(floor: Floor) -> None:
    on_a_pick_list(floor)
    take(floor, "shop:2", Status.ON_HOLD, reason="out_of_stock", detail="shelf empty", note="short on list 1")
    row = floor.query("SELECT hold_reason, hold_note FROM orders WHERE ref = 'shop:2'")[0]
    assert tuple(row) == ("out_of_stock", "shelf empty")
    note = floor.query(
        "SELECT e.note FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.ref = 'shop:2' ORDER BY e.id DESC"
    )[0][0]
    assert note == "short on list 1"


def test_the_hold_and_cancel_commands_take_the_order_off_the_floor(floor: Floor) -> None:
    on_a_pick_list(floor)
    floor.run("orders", "hold", "shop:1", "--reason", "incorrect_address")
    floor.run("orders", "cancel", "shop:2")
    assert floor.statuses() == {"shop:1": "on_hold", "shop:2": "cancelled"}
    assert floor.stock("MUG", "A01-B01-L1") == (10, 0) and floor.stock("CAP", "A02-B01-L1") == (10, 0)
    assert left_to_pick(floor, "shop:1") == 0 and left_to_pick(floor, "shop:2") == 0


def test_only_hold_and_cancel_leave_the_floor_and_a_hold_needs_its_reason(floor: Floor) -> None:
    on_a_pick_list(floor)
    with pytest.raises(ValueError, match="not picked"):
        take(floor, "shop:1", Status.PICKED)
    with pytest.raises(ValueError, match="reason"):
        take(floor, "shop:1", Status.ON_HOLD)
    assert floor.status("shop:1") == "picking" and left_to_pick(floor, "shop:1") == 3


def test_a_refused_move_changes_nothing(floor: Floor) -> None:
    on_a_pick_list(floor)
    floor.run("orders", "cancel", "shop:1")
    with pytest.raises(Refused, match="cannot move from cancelled to on_hold"):
        take(floor, "shop:1", Status.ON_HOLD, reason="manual")
    assert floor.status("shop:1") == "cancelled"


# --- the vocabulary --------------------------------------------------------------


def test_the_enum_is_the_canonical_model_s_status_list_in_lifecycle_order() -> None:
    assert tuple(Status) == STATUSES
    assert list(TRANSITIONS) == list(Status)


def test_the_named_groups_split_the_lifecycle_as_the_steps_need() -> None:
    assert OPEN | GONE | {Status.CANCELLED} == set(Status) and not OPEN & GONE
    assert ON_FLOOR | IMPORT_MUTABLE == OPEN and RELEASABLE == IMPORT_MUTABLE
    assert OFF_FLOOR == {s for s in Status if all(s in TRANSITIONS[o] for o in ON_FLOOR)}
    assert RETURNABLE == {s for s in Status if Status.RETURNED in TRANSITIONS[s]}
    assert OPEN == {s for s in Status if Status.CANCELLED in TRANSITIONS[s]}


class _Row:
    def __init__(self, status: str) -> None:
        self.ref, self.status = "shop:1", status


def test_require_status_names_the_order_its_status_and_who_may_proceed() -> None:
    require_status(_Row("picked"), PACKABLE, "verified and packed")
    with pytest.raises(Refused) as one:
        require_status(_Row("ready"), PACKABLE, "verified and packed", hint={"ready": "pick it first"})
    assert one.value.message == "shop:1 is ready, not picked: only picked orders can be verified and packed"
    assert one.value.hint == "pick it first"
    with pytest.raises(Refused) as many:
        require_status(_Row("new"), RETURNABLE, "returned", hint={"cancelled": "no"})
    assert many.value.message == "shop:1 is new: only shipped or delivered orders can be returned"
    assert many.value.hint is None
    assert refusal("cancelled", RELEASABLE, "released") == "cancelled: only new or on-hold orders can be released"
    assert refusal("shipped", OPEN, "cancelled") == "shipped: only orders not yet shipped can be cancelled"
    assert refusal("x", ("packed", "new", "ready"), "y") == "x: only new, ready or packed orders can be y"
