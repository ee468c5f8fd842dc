"""What may come back on a return and where every unit stands: pure rules on plain numbers.

A unit of an order line is, at any time, either still with the customer, *expected*
(on a return that is not closed and not yet received), or *back* (received resellable
or damaged). Units received as ``missing`` never arrived: they count as still with the
customer, so they may be returned again. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from oms_cli.core.errors import NotFound, Refused, UsageError

#: what receiving may find, in the order the shop checks a parcel
CONDITIONS = ("resellable", "damaged", "missing")
#: conditions of units that physically came back
CAME_BACK = ("resellable", "damaged")


def rma_number(serial: int) -> str:
    """The return number for a counter value: 1 -> ``RMA-000001``."""
    return f"RMA-{serial:06d}"


def parse_line_specs(specs: Sequence[str], option: str = "--lines") -> dict[str, int]:
    """``SKU:QTY`` values (a SKU given twice adds up) as SKU -> quantity, in the order given."""
    wanted: dict[str, int] = {}
    for spec in specs:
        # rpartition: a SKU may itself contain a colon, the quantity never does.
        sku, sep, qty = spec.strip().rpartition(":")
        sku = sku.strip()
        if not sep or not sku or not qty.strip().isdigit() or int(qty) <= 0:
            raise UsageError(f"{option} '{spec}' is not SKU:QTY", hint=f"e.g. {option} MUG-1:2 (a whole number over 0)")
        wanted[sku] = wanted.get(sku, 0) + int(qty)
    return wanted


@dataclass(frozen=True)
class OrderLineState:
    """One order line as returns see it: shipped, back, expected."""

    order_line_id: int
    sku: str
    shipped: int
    back: int = 0  # received resellable or damaged, on any return
    expected: int = 0  # on returns not closed, not yet received
    added_by_shop: bool = False  # an insert a rule added (thank-you card): not expected back

    @property
    def returnable(self) -> int:
        """Units the customer may still send back."""
        return max(self.shipped - self.back - self.expected, 0)


@dataclass(frozen=True)
class ReturnUnits:
    """Units of one order line on a return."""

    order_line_id: int
    sku: str
    quantity: int


def allocate_return(lines: Sequence[OrderLineState], wanted: Mapping[str, int] | None, ref: str) -> list[ReturnUnits]:
    """The units a new return takes, line by line.

    ``wanted`` None means everything still returnable (inserts the shop added apart).
    A SKU on several lines is taken from the first line first. Raises ``NotFound`` for
    a SKU not on the order and ``Refused`` for more than may still come back.
    """
    if wanted is None:
        return [
            ReturnUnits(ln.order_line_id, ln.sku, ln.returnable)
            for ln in lines
            if ln.returnable and not ln.added_by_shop
        ]
    taken: list[ReturnUnits] = []
    for sku, qty in wanted.items():
        mine = [ln for ln in lines if ln.sku == sku]
        if not mine:
            on_order = ", ".join(sorted({ln.sku for ln in lines})) or "none"
            raise NotFound(f"{ref}: {sku} is not on this order", hint=f"its SKUs: {on_order}")
        free = sum(ln.returnable for ln in mine)
        if qty > free:
            shipped = sum(ln.shipped for ln in mine)
            raise Refused(
                f"{ref}: {sku}: cannot return {qty}, only {free} of {shipped} shipped may still come back",
                hint="see the returns already opened with `oms returns list`",
            )
        left = qty
        for ln in mine:
            part = min(left, ln.returnable)
            if part:
                taken.append(ReturnUnits(ln.order_line_id, sku, part))
                left -= part
    return taken


def all_items_back(lines: Sequence[OrderLineState]) -> bool:
    """Whether every unit the customer got came back (inserts the shop added apart)."""
    counted = [ln for ln in lines if not ln.added_by_shop]
    return bool(counted) and all(ln.back >= ln.shipped for ln in counted)


def units_back(lines: Sequence[OrderLineState]) -> tuple[int, int]:
    """(units back, units shipped) of an order, inserts the shop added apart."""
    counted = [ln for ln in lines if not ln.added_by_shop]
    return sum(min(ln.back, ln.shipped) for ln in counted), sum(ln.shipped for ln in counted)


@dataclass(frozen=True)
class ReturnLineState:
    """One line of a return: ``condition`` None while the units are awaited."""

    id: int
    sku: str
    quantity: int
    condition: str | None = None


@dataclass(frozen=True)
class Receipt:
    """Units checked in from one return line; ``whole`` False leaves the rest awaited."""

    return_line_id: int
    sku: str
    quantity: int
    whole: bool


def plan_receipt(lines: Sequence[ReturnLineState], wanted: Mapping[str, int] | None, rma: str) -> list[Receipt]:
    """The awaited units a receipt checks in.

    ``wanted`` None means everything still awaited. Raises ``NotFound`` for a SKU not
    on the return and ``Refused`` for more than is still awaited.
    """
    awaited = [ln for ln in lines if ln.condition is None and ln.quantity > 0]
    if wanted is None:
        return [Receipt(ln.id, ln.sku, ln.quantity, True) for ln in awaited]
    plan: list[Receipt] = []
    for sku, qty in wanted.items():
        if not any(ln.sku == sku for ln in lines):
            on_return = ", ".join(sorted({ln.sku for ln in lines})) or "none"
            raise NotFound(f"{rma}: {sku} is not on this return", hint=f"its SKUs: {on_return}")
        mine = [ln for ln in awaited if ln.sku == sku]
        left = sum(ln.quantity for ln in mine)
        if qty > left:
            returned = sum(ln.quantity for ln in lines if ln.sku == sku)
            raise Refused(
                f"{rma}: {sku}: cannot receive {qty}, only {left} of {returned} returned are still awaited",
                hint=f"see what was received with `oms returns show {rma}`",
            )
        for ln in mine:
            part = min(qty, ln.quantity)
            if part:
                plan.append(Receipt(ln.id, sku, part, part == ln.quantity))
                qty -= part
    return plan
