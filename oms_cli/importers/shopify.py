"""Shopify: Orders > Export CSV, one row per line item.

Order-level cells are filled on an order's first row only; the rows of one
order are together and share ``Name`` (``#1001``). The external id is the
name without its ``#`` (refs like ``shopify:1001``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from oms_cli.core.errors import record_error
from oms_cli.importers import canonical
from oms_cli.importers.cells import (
    CellError,
    country,
    country_if_known,
    currency,
    money,
    postal_code,
    quantity,
    text,
    timestamp,
)
from oms_cli.importers.cells import (
    sku as line_sku,
)
from oms_cli.importers.service_levels import service_level_for
from oms_cli.importers.sources import Table

if TYPE_CHECKING:
    from oms_cli.importers import ImportSettings, ImportUnit

#: Shopify's Financial Status -> the canonical payment status (COD refines "pending" below).
FINANCIAL_STATUS = {
    "paid": "paid",
    "pending": "pending",
    "authorized": "pending",
    "partially_paid": "pending",
    "partially_refunded": "partially_refunded",
    "refunded": "refunded",
    "voided": "voided",
    "expired": "voided",
    "": "pending",
}


def read_orders(
    unit: ImportUnit, settings: ImportSettings, progress: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Stream the orders of a Shopify orders export."""
    source = unit.sources[0]
    file = source.name
    cod_methods = settings.cod_method_set()
    rules = settings.rules()
    with Table(source, progress=progress) as table:
        i_name = table.need("Name")
        i_qty = table.need("Lineitem quantity")
        i_sku = table.need("Lineitem sku")
        i_item = table.column("Lineitem name")
        i_price = table.column("Lineitem price")
        i_ships = table.column("Lineitem requires shipping")
        table.need("Created at")
        # A column this export lacks reads as the empty cell appended to each order's first row.
        missing = len(table.header)

        def at(*names: str) -> int:
            index = table.column(*names)
            return missing if index is None else index

        i_email, i_financial, i_currency = at("Email"), at("Financial Status"), at("Currency")
        i_subtotal, i_shipping, i_tax, i_total = at("Subtotal"), at("Shipping"), at("Taxes"), at("Total")
        i_discount, i_method, i_created = at("Discount Amount"), at("Shipping Method"), at("Created at")
        i_billing_name, i_billing_phone, i_phone = at("Billing Name"), at("Billing Phone"), at("Phone")
        i_ship_name, i_ship_street, i_ship_address1 = (
            at("Shipping Name"),
            at("Shipping Street"),
            at("Shipping Address1"),
        )
        i_ship_address2, i_ship_company, i_ship_city = (
            at("Shipping Address2"),
            at("Shipping Company"),
            at("Shipping City"),
        )
        i_ship_zip, i_ship_province, i_ship_country = (
            at("Shipping Zip"),
            at("Shipping Province"),
            at("Shipping Country"),
        )
        i_ship_phone, i_notes, i_cancelled, i_tags = at("Shipping Phone"), at("Notes"), at("Cancelled at"), at("Tags")
        i_bill_street, i_bill_address1, i_bill_address2 = (
            at("Billing Street"),
            at("Billing Address1"),
            at("Billing Address2"),
        )
        i_bill_company, i_bill_city, i_bill_zip = at("Billing Company"), at("Billing City"), at("Billing Zip")
        i_bill_province, i_bill_country = at("Billing Province"), at("Billing Country")
        i_payment_method = at("Payment Method")
        i_payment_reference = at("Payment Reference", "Payment References", "Payment ID")
        levels: dict[str, str] = {}

        def start_order(row: list[str], external_id: str) -> dict[str, Any]:
            row.append("")
            financial = row[i_financial].strip().lower()
            payment_status = FINANCIAL_STATUS.get(financial)
            if payment_status is None:
                raise CellError("Financial Status", f"{financial!r} is not a Shopify financial status")
            payment_method = row[i_payment_method].strip() or None
            if payment_status == "pending" and canonical.is_cash_on_delivery(payment_method, cod_methods):
                payment_status = "cod"
            cancelled = row[i_cancelled].strip() and timestamp(row[i_cancelled], "Cancelled at")
            shipping_method = row[i_method].strip()
            level = levels.get(shipping_method)
            if level is None:
                level = levels[shipping_method] = service_level_for(shipping_method, rules)
            ship_name = row[i_ship_name].strip() or None
            return {
                "ref": "shopify:" + external_id,
                "channel": "shopify",
                "external_id": external_id,
                "placed_at": timestamp(row[i_created], "Created at"),
                "status": "cancelled" if cancelled else "new",
                "payment": {
                    "status": payment_status,
                    "method": payment_method,
                    "reference": row[i_payment_reference].strip() or None,
                },
                "customer": {
                    "name": row[i_billing_name].strip() or ship_name,
                    "email": row[i_email].strip() or None,
                    "phone": row[i_phone].strip() or row[i_billing_phone].strip() or None,
                },
                "ship_to": {
                    "name": ship_name,
                    "company": row[i_ship_company].strip() or None,
                    "address1": row[i_ship_address1].strip() or row[i_ship_street].strip() or None,
                    "address2": row[i_ship_address2].strip() or None,
                    "address3": None,
                    "city": row[i_ship_city].strip() or None,
                    "province": row[i_ship_province].strip() or None,
                    "postal_code": postal_code(row[i_ship_zip]),
                    "country": country(row[i_ship_country], "Shipping Country"),
                    "phone": row[i_ship_phone].strip() or None,
                },
                "bill_to": canonical.billing(
                    canonical.address(
                        name=row[i_billing_name].strip() or None,
                        company=row[i_bill_company].strip() or None,
                        address1=row[i_bill_address1].strip() or row[i_bill_street].strip() or None,
                        address2=row[i_bill_address2].strip() or None,
                        city=row[i_bill_city].strip() or None,
                        province=row[i_bill_province].strip() or None,
                        postal_code=postal_code(row[i_bill_zip]),
                        country=country_if_known(row[i_bill_country]),
                        phone=row[i_billing_phone].strip() or None,
                    )
                ),
                "service_level": level,
                "shipping_method": shipping_method or None,
                "notes": row[i_notes].strip() or None,
                "tags": canonical.split_tags(row[i_tags]),
                "currency": currency(row[i_currency], "Currency"),
                "totals": {
                    "subtotal": money(row[i_subtotal], "Subtotal"),
                    "shipping": money(row[i_shipping], "Shipping"),
                    "tax": money(row[i_tax], "Taxes"),
                    "discount": money(row[i_discount], "Discount Amount"),
                    "total": money(row[i_total], "Total"),
                },
                "lines": [],
                "ship_by": None,
                "hold_reason": None,
            }

        current: dict[str, Any] | None = None
        current_name: str | None = None
        started: dict[str, int] = {}
        for line_no, row in table.records():
            try:
                name = row[i_name]
                if name != current_name:
                    if current is not None and current["lines"]:
                        yield current
                    current_name = name
                    external_id = name.strip().lstrip("#").strip()
                    if not external_id:
                        raise CellError("Name", "is empty")
                    if external_id in started:
                        raise CellError(
                            "Name",
                            f"{name!r} appears again; its rows must be together (it started at line "
                            f"{started[external_id]})",
                        )
                    started[external_id] = line_no
                    current = start_order(row, external_id)
                sku = line_sku(row[i_sku])
                if not sku and i_ships is not None and row[i_ships].strip().lower() == "false":
                    # a tip, a gift card, a digital item: nothing to pick, pack or ship
                    continue
                current["lines"].append(  # type: ignore[index]
                    {
                        "sku": sku,
                        "name": text(row[i_item]) if i_item is not None else None,
                        "quantity": quantity(row[i_qty], "Lineitem quantity"),
                        "unit_price": money(row[i_price], "Lineitem price") if i_price is not None else None,
                        "line_id": None,
                        "free": False,
                    }
                )
            except CellError as exc:
                raise record_error(file, line_no, exc.column, exc.message) from None
        if current is not None and current["lines"]:  # an order with nothing to ship is no work here
            yield current
