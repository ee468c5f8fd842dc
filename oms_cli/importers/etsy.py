"""Etsy: Sold Orders and Sold Order Items, two CSV files joined on ``Order ID``.

The orders file gives totals and the buyer; the items file gives the lines
(and repeats the address, so it can be imported alone). Dates are US-style
``MM/DD/YY``, countries are names, and an en-GB account writes ``Delivery …``
where others write ``Ship …``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from oms_cli.core.errors import record_error
from oms_cli.importers import canonical
from oms_cli.importers.cells import (
    CellError,
    country,
    currency,
    money,
    postal_code,
    quantity,
    required_text,
    text,
    us_date,
)
from oms_cli.importers.cells import (
    sku as line_sku,
)
from oms_cli.importers.service_levels import service_level_for
from oms_cli.importers.sources import Progress, Source, Table

if TYPE_CHECKING:
    from oms_cli.importers import ImportSettings, ImportUnit

#: Each field's column names, US labels first, then the en-GB ones.
ORDER_COLUMNS = {
    "date": ("Sale Date",),
    "order_id": ("Order ID",),
    "name": ("Full Name", "Ship Name", "Delivery Name"),
    "first": ("First Name",),
    "last": ("Last Name",),
    "address1": ("Street 1", "Ship Address1", "Delivery Street 1", "Delivery Address1"),
    "address2": ("Street 2", "Ship Address2", "Delivery Street 2", "Delivery Address2"),
    "city": ("Ship City", "Delivery City"),
    "state": ("Ship State", "Delivery State", "Delivery County"),
    "zip": ("Ship Zipcode", "Delivery Zipcode", "Delivery Postcode", "Ship Postcode"),
    "country": ("Ship Country", "Delivery Country"),
    "currency": ("Currency",),
    "subtotal": ("Order Value",),
    "discount": ("Discount Amount",),
    "shipping": ("Shipping", "Delivery", "Postage"),
    "tax": ("Sales Tax", "VAT"),
    "total": ("Order Total",),
    "status": ("Status",),
    "payment_method": ("Payment Method", "Payment Type"),
    "method": ("Shipping Method", "Delivery Method", "Shipping Service"),
    "buyer": ("Buyer",),
}
ITEM_COLUMNS = {
    "date": ("Sale Date",),
    "order_id": ("Order ID",),
    "item": ("Item Name",),
    "quantity": ("Quantity",),
    "price": ("Price",),
    "transaction": ("Transaction ID",),
    "paid": ("Date Paid",),
    "name": ("Ship Name", "Delivery Name"),
    "address1": ("Ship Address1", "Delivery Address1", "Ship Address 1", "Delivery Address 1"),
    "address2": ("Ship Address2", "Delivery Address2", "Ship Address 2", "Delivery Address 2"),
    "city": ("Ship City", "Delivery City"),
    "state": ("Ship State", "Delivery State", "Delivery County"),
    "zip": ("Ship Zipcode", "Delivery Zipcode", "Delivery Postcode", "Ship Postcode"),
    "country": ("Ship Country", "Delivery Country"),
    "currency": ("Currency",),
    "shipping": ("Order Shipping", "Order Delivery", "Order Postage"),
    "tax": ("Order Sales Tax", "Order VAT"),
    "variations": ("Variations",),
    "sku": ("SKU",),
    "method": ("Shipping Method", "Delivery Method", "Shipping Service"),
    "buyer": ("Buyer",),
}


class _Cells:
    """A record's cells by field name, whichever label variant the file uses."""

    def __init__(self, table: Table, wanted: dict[str, tuple[str, ...]]) -> None:
        self.index = {key: table.column(*names) for key, names in wanted.items()}
        self.label = {
            key: table.header[index] if index is not None else names[0]
            for (key, names), index in zip(wanted.items(), self.index.values())
        }

    def __call__(self, row: list[str], key: str) -> str:
        index = self.index[key]
        return "" if index is None else row[index]


def _offset_progress(progress: Progress | None, offset: int) -> Progress | None:
    if progress is None:
        return None
    return lambda done: progress(offset + done)


def _read_order_rows(source: Source, progress: Progress | None) -> tuple[dict[str, tuple[int, list[str]]], _Cells]:
    rows: dict[str, tuple[int, list[str]]] = {}
    with Table(source, progress=progress) as table:
        table.need("Order ID")
        cells = _Cells(table, ORDER_COLUMNS)
        for line_no, row in table.records():
            order_id = row[table.columns["Order ID"]].strip()
            if not order_id:
                raise record_error(source.name, line_no, "Order ID", "is empty")
            if order_id in rows:
                raise record_error(
                    source.name, line_no, "Order ID", f"{order_id!r} appears again (first at line {rows[order_id][0]})"
                )
            rows[order_id] = (line_no, row)
    return rows, cells


def read_orders(
    unit: ImportUnit, settings: ImportSettings, progress: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Stream the orders of an Etsy export: the Sold Orders and Sold Order Items pair, or the items alone."""
    rules = settings.rules()
    orders_file = next((s for s in unit.sources if s.part == "orders"), None)
    items_file = next((s for s in unit.sources if s.part != "orders"), None)
    if items_file is None:
        raise record_error(unit.name, None, None, "is an Etsy Sold Orders file without its Sold Order Items file")
    order_rows: dict[str, tuple[int, list[str]]] = {}
    order_cells: _Cells | None = None
    offset = 0
    if orders_file is not None:
        order_rows, order_cells = _read_order_rows(orders_file, progress)
        offset = orders_file.size

    orders: dict[str, dict[str, Any]] = {}
    with Table(items_file, progress=_offset_progress(progress, offset)) as table:
        table.need("Order ID")
        table.need("SKU")
        table.need("Quantity")
        cells = _Cells(table, ITEM_COLUMNS)
        label = cells.label
        has_paid_column = cells.index["paid"] is not None
        for line_no, row in table.records():
            try:
                order_id = required_text(cells(row, "order_id"), "Order ID")
                order = orders.get(order_id)
                if order is None:
                    order = orders[order_id] = _order_from_item(row, order_id, cells, rules)
                    if has_paid_column:
                        order["payment"]["status"] = "pending"
                if has_paid_column and cells(row, "paid").strip():
                    order["payment"]["status"] = "paid"
                variations = text(cells(row, "variations"))
                item_name = text(cells(row, "item"))
                order["lines"].append(
                    canonical.line(
                        sku=line_sku(cells(row, "sku")),
                        name=f"{item_name} ({variations})" if item_name and variations else item_name,
                        quantity=quantity(cells(row, "quantity"), label["quantity"]),
                        unit_price=money(cells(row, "price"), label["price"]),
                        line_id=text(cells(row, "transaction")),
                    )
                )
            except CellError as exc:
                raise record_error(items_file.name, line_no, exc.column, exc.message) from None

    assert orders_file is None or order_cells is not None
    for order_id, (line_no, row) in order_rows.items():
        order = orders.pop(order_id, None)
        if order is None:
            raise record_error(
                orders_file.name if orders_file else unit.name,
                line_no,
                "Order ID",
                f"{order_id!r} has no items in {items_file.name}",
            )
        try:
            _complete_from_order_row(order, row, order_cells, rules)  # type: ignore[arg-type]
        except CellError as exc:
            raise record_error(
                orders_file.name if orders_file else unit.name, line_no, exc.column, exc.message
            ) from None
        yield order
    # Items whose order is not in the orders file (or no orders file at all) stand on their own.
    yield from orders.values()


def _order_from_item(
    row: list[str], order_id: str, cells: _Cells, rules: tuple[tuple[str, str], ...]
) -> dict[str, Any]:
    label = cells.label
    method = text(cells(row, "method"))
    return canonical.order(
        channel="etsy",
        external_id=order_id,
        placed_at=us_date(cells(row, "date"), label["date"]),
        payment_status="paid",
        customer_name=text(cells(row, "name")) or text(cells(row, "buyer")),
        ship_to=canonical.address(
            name=text(cells(row, "name")),
            address1=text(cells(row, "address1")),
            address2=text(cells(row, "address2")),
            city=text(cells(row, "city")),
            province=text(cells(row, "state")),
            postal_code=postal_code(cells(row, "zip")),
            country=country(cells(row, "country"), label["country"]),
        ),
        service_level=service_level_for(method, rules),
        shipping_method=method,
        currency=currency(cells(row, "currency"), "Currency"),
        shipping=money(cells(row, "shipping"), label["shipping"]),
        tax=money(cells(row, "tax"), label["tax"]),
    )


def _complete_from_order_row(
    order: dict[str, Any], row: list[str], cells: _Cells, rules: tuple[tuple[str, str], ...]
) -> None:
    """Overlay what the orders file knows better: the buyer, the address, totals and status."""
    label = cells.label
    order["placed_at"] = us_date(cells(row, "date"), label["date"])
    name = text(cells(row, "name")) or text(f"{cells(row, 'first').strip()} {cells(row, 'last').strip()}")
    if name:
        order["customer"]["name"] = name
    ship_to = order["ship_to"]
    for key in ("address1", "address2", "city"):
        ship_to[key] = text(cells(row, key)) or ship_to[key]
    ship_to["province"] = text(cells(row, "state")) or ship_to["province"]
    ship_to["postal_code"] = postal_code(cells(row, "zip")) or ship_to["postal_code"]
    ship_to["country"] = country(cells(row, "country"), label["country"]) or ship_to["country"]
    if not ship_to["name"]:
        ship_to["name"] = name
    method = text(cells(row, "method"))
    if method:
        order["shipping_method"] = method
        order["service_level"] = service_level_for(method, rules)
    order["currency"] = currency(cells(row, "currency"), "Currency") or order["currency"]
    totals = order["totals"]
    totals["subtotal"] = money(cells(row, "subtotal"), label["subtotal"])
    totals["discount"] = money(cells(row, "discount"), label["discount"])
    totals["shipping"] = money(cells(row, "shipping"), label["shipping"])
    totals["tax"] = money(cells(row, "tax"), label["tax"])
    totals["total"] = money(cells(row, "total"), label["total"])
    payment_method = text(cells(row, "payment_method"))
    order["payment"]["method"] = payment_method
    if "cancel" in cells(row, "status").lower():
        order["status"] = "cancelled"
