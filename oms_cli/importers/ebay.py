"""eBay: the Seller Hub orders report.

The file starts with a blank line, then the header and an empty row, and
ends with ``N record(s) downloaded …`` and ``Seller ID : …`` lines. Each item
is a row; a multi-item order may also have an order summary row (no item on
it) before its item rows. Money looks like ``$12.34`` and says the currency.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from oms_cli.core.errors import record_error
from oms_cli.importers import canonical
from oms_cli.importers.cells import (
    CellError,
    country,
    money,
    named_zone_date,
    postal_code,
    quantity,
    text,
)
from oms_cli.importers.cells import (
    sku as line_sku,
)
from oms_cli.importers.service_levels import service_level_for
from oms_cli.importers.sources import Table

if TYPE_CHECKING:
    from oms_cli.importers import ImportSettings, ImportUnit

_FOOTER = re.compile(r"^\s*(\d+\s+record\(s\)\s+downloaded|seller\s+id\s*:)", re.IGNORECASE)

#: Money prefixes eBay writes, longest first, and the currency each means.
_CURRENCY_PREFIXES = (
    ("US $", "USD"),
    ("US$", "USD"),
    ("AU $", "AUD"),
    ("AU$", "AUD"),
    ("A$", "AUD"),
    ("C $", "CAD"),
    ("C$", "CAD"),
    ("CA$", "CAD"),
    ("£", "GBP"),
    ("GBP", "GBP"),
    ("€", "EUR"),
    ("EUR", "EUR"),
    ("USD", "USD"),
    ("CAD", "CAD"),
    ("AUD", "AUD"),
    ("$", "USD"),
)


def money_currency(value: str) -> str | None:
    """The currency an eBay money cell is written in (``$12.34`` -> USD), None when it does not say."""
    stripped = value.strip().lstrip("-")
    for prefix, code in _CURRENCY_PREFIXES:
        if stripped.startswith(prefix) or stripped.endswith(prefix):
            return code
    return None


def read_orders(
    unit: ImportUnit, settings: ImportSettings, progress: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Stream the orders of an eBay orders report."""
    source = unit.sources[0]
    rules = settings.rules()
    with Table(source, progress=progress) as table:
        width = len(table.header)
        i_order = table.need("Order Number", "Sales Record Number")
        i_record = table.column("Sales Record Number")
        i_sku = table.need("Custom Label")
        i_quantity = table.need("Quantity")
        i_date = table.need("Sale Date")
        missing = width

        def at(*names: str) -> int:
            index = table.column(*names)
            return missing if index is None else index

        i_item_number, i_title, i_sold_for = at("Item Number"), at("Item Title"), at("Sold For")
        i_shipping, i_total, i_paid = at("Shipping And Handling"), at("Total Price"), at("Paid On Date")
        i_transaction, i_variation, i_service = at("Transaction ID"), at("Variation Details"), at("Shipping Service")
        i_buyer, i_username, i_email = at("Buyer Name"), at("Buyer Username", "User Id"), at("Buyer Email")
        i_note, i_ship_name, i_ship_phone = at("Buyer Note"), at("Ship To Name"), at("Ship To Phone")
        i_address1, i_address2 = at("Ship To Address 1"), at("Ship To Address 2")
        i_city, i_state, i_zip, i_country = (
            at("Ship To City"),
            at("Ship To State"),
            at("Ship To Zip"),
            at("Ship To Country"),
        )

        def start_order(row: list[str], external_id: str, record: str) -> dict[str, Any]:
            method = text(row[i_service])
            order = canonical.order(
                channel="ebay",
                external_id=external_id,
                placed_at=named_zone_date(row[i_date], "Sale Date"),
                payment_status="paid" if row[i_paid].strip() else "pending",
                customer_name=text(row[i_buyer]) or text(row[i_username]),
                email=text(row[i_email]),
                phone=text(row[i_ship_phone]),
                ship_to=canonical.address(
                    name=text(row[i_ship_name]),
                    address1=text(row[i_address1]),
                    address2=text(row[i_address2]),
                    city=text(row[i_city]),
                    province=text(row[i_state]),
                    postal_code=postal_code(row[i_zip]),
                    country=country(row[i_country], "Ship To Country"),
                    phone=text(row[i_ship_phone]),
                ),
                service_level=service_level_for(method, rules),
                shipping_method=method,
                notes=text(row[i_note]),
                currency=money_currency(row[i_total]) or money_currency(row[i_sold_for]),
            )
            order["_record"] = record
            order["_summary"] = False
            return order

        def add_totals(order: dict[str, Any], row: list[str], summary: bool) -> None:
            totals = order["totals"]
            if summary:
                order["_summary"] = True
                totals["shipping"] = money(row[i_shipping], "Shipping And Handling")
                totals["total"] = money(row[i_total], "Total Price")
                return
            if order["_summary"]:
                return
            # Without a summary row each item row carries its own share; the order's is their sum.
            for key, index, column in (
                ("shipping", i_shipping, "Shipping And Handling"),
                ("total", i_total, "Total Price"),
            ):
                amount = money(row[index], column)
                if amount is not None:
                    totals[key] = (totals[key] or Decimal(0)) + amount

        def finish(order: dict[str, Any], line_no: int) -> dict[str, Any]:
            del order["_record"], order["_summary"]
            if not order["lines"]:
                raise record_error(source.name, line_no, None, f"order {order['external_id']!r} has no item rows")
            lines = order["lines"]
            if all(item["unit_price"] is not None for item in lines):
                order["totals"]["subtotal"] = sum((item["unit_price"] * item["quantity"] for item in lines), Decimal(0))
            return order

        current: dict[str, Any] | None = None
        current_line = 0
        started: dict[str, int] = {}
        footer = False
        for line_no, row in table.records(ragged=True):
            first = row[0] if row else ""
            if footer or _FOOTER.match(first):
                # Only footer lines may follow the footer.
                if not _FOOTER.match(first) and any(cell.strip() for cell in row):
                    raise record_error(source.name, line_no, None, "comes after the 'record(s) downloaded' footer")
                footer = True
                continue
            if len(row) != width:
                raise record_error(source.name, line_no, None, f"has {len(row)} fields but the header has {width}")
            row.append("")
            try:
                order_number = row[i_order].strip()
                record = row[i_record].strip() if i_record is not None else ""
                same = current is not None and (
                    (order_number and order_number == current["external_id"])
                    or (not order_number and record and record == current["_record"])
                )
                if not same:
                    if current is not None:
                        yield finish(current, current_line)
                    external_id = order_number or record
                    if not external_id:
                        raise CellError(table.header[i_order], "is empty")
                    if external_id in started:
                        raise CellError(
                            table.header[i_order],
                            f"{external_id!r} appears again; its rows must be together (it started at line "
                            f"{started[external_id]})",
                        )
                    started[external_id] = line_no
                    current = start_order(row, external_id, record)
                    current_line = line_no
                assert current is not None
                is_summary = not (row[i_sku].strip() or row[i_item_number].strip() or row[i_title].strip())
                add_totals(current, row, is_summary)
                if is_summary:
                    continue
                item_number, transaction = row[i_item_number].strip(), row[i_transaction].strip()
                title, variation = text(row[i_title]), text(row[i_variation])
                current["lines"].append(
                    canonical.line(
                        sku=line_sku(row[i_sku]),
                        name=f"{title} ({variation})" if title and variation else title,
                        quantity=quantity(row[i_quantity], "Quantity"),
                        unit_price=money(row[i_sold_for], "Sold For"),
                        line_id="-".join(part for part in (item_number, transaction) if part) or None,
                    )
                )
            except CellError as exc:
                raise record_error(source.name, line_no, exc.column, exc.message) from None
        if current is None:
            raise record_error(source.name, None, None, "has a header but no orders")
        yield finish(current, current_line)
