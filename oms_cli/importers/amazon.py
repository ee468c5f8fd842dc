"""Amazon Seller Central: the Unshipped / New Orders report (tab-separated, CRLF).

One row per order item; rows of one order are together and share ``order-id``.
The report carries no prices. ``order-item-id`` is kept as the line id because
Amazon's shipping confirmation file needs it back.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from oms_cli.core.errors import record_error
from oms_cli.importers import canonical
from oms_cli.importers.cells import CellError, country, postal_code, quantity, required_text, text, timestamp
from oms_cli.importers.cells import sku as line_sku
from oms_cli.importers.service_levels import service_level_for
from oms_cli.importers.sources import Table

if TYPE_CHECKING:
    from oms_cli.importers import ImportSettings, ImportUnit


def read_orders(
    unit: ImportUnit, settings: ImportSettings, progress: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Stream the orders of an Amazon order report."""
    source = unit.sources[0]
    rules = settings.rules()
    # Amazon does not quote fields, and product names contain inch marks ("12\" vinyl").
    with Table(source, delimiter="\t", quoting=csv.QUOTE_NONE, progress=progress) as table:
        i_order = table.need("order-id")
        i_item = table.need("order-item-id")
        i_sku = table.need("sku")
        i_purchased = table.need("purchase-date")
        to_ship_column = "quantity-to-ship" if "quantity-to-ship" in table.columns else "quantity-purchased"
        i_quantity = table.need(to_ship_column)
        missing = len(table.header)

        def at(*names: str) -> int:
            index = table.column(*names)
            return missing if index is None else index

        i_paid, i_email, i_buyer = at("payments-date"), at("buyer-email"), at("buyer-name")
        i_phone, i_product, i_level = at("buyer-phone-number"), at("product-name"), at("ship-service-level")
        i_recipient, i_address1 = at("recipient-name"), at("ship-address-1")
        i_address2, i_address3, i_city = at("ship-address-2"), at("ship-address-3"), at("ship-city")
        i_state, i_postal, i_country = at("ship-state"), at("ship-postal-code"), at("ship-country")
        i_ship_phone, i_prime, i_business = at("ship-phone-number"), at("is-prime"), at("is-business-order")

        def start_order(row: list[str], order_id: str) -> dict[str, Any]:
            row.append("")
            method = text(row[i_level])
            tags = []
            if row[i_prime].strip().lower() == "true":
                tags.append("prime")
            if row[i_business].strip().lower() == "true":
                tags.append("business")
            return canonical.order(
                channel="amazon",
                external_id=order_id,
                placed_at=timestamp(row[i_purchased], "purchase-date"),
                payment_status="paid" if row[i_paid].strip() else "pending",
                customer_name=text(row[i_buyer]),
                email=text(row[i_email]),
                phone=text(row[i_phone]),
                ship_to=canonical.address(
                    name=text(row[i_recipient]),
                    address1=text(row[i_address1]),
                    address2=text(row[i_address2]),
                    address3=text(row[i_address3]),
                    city=text(row[i_city]),
                    province=text(row[i_state]),
                    postal_code=postal_code(row[i_postal]),
                    country=country(row[i_country], "ship-country"),
                    phone=text(row[i_ship_phone]) or text(row[i_phone]),
                ),
                service_level=service_level_for(method, rules),
                shipping_method=method,
                tags=tags,
            )

        current: dict[str, Any] | None = None
        started: dict[str, int] = {}
        for line_no, row in table.records():
            try:
                order_id = required_text(row[i_order], "order-id")
                if current is None or order_id != current["external_id"]:
                    if current is not None:
                        yield current
                    if order_id in started:
                        raise CellError(
                            "order-id",
                            f"{order_id!r} appears again; its rows must be together (it started at line "
                            f"{started[order_id]})",
                        )
                    started[order_id] = line_no
                    current = start_order(row, order_id)
                current["lines"].append(
                    canonical.line(
                        sku=line_sku(row[i_sku]),
                        name=text(row[i_product]) if i_product < len(row) else None,
                        quantity=quantity(row[i_quantity], to_ship_column),
                        line_id=required_text(row[i_item], "order-item-id"),
                    )
                )
            except CellError as exc:
                raise record_error(source.name, line_no, exc.column, exc.message) from None
        if current is not None:
            yield current
