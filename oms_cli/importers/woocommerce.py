"""WooCommerce: the Customer/Order CSV Export and WebToffee's order export.

Three layouts, told apart by their columns:

* one row per order, items packed in ``line_items`` (``id:..|name:..|sku:..|quantity:..|total:..``,
  items separated by ``;``);
* one row per item, order columns repeated, items in ``item_name, item_sku, item_quantity, item_total``;
* WebToffee's ``line_item_1 … line_item_N`` columns, each packed like ``line_items``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
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

#: WooCommerce order status -> (order status, payment status); cash on delivery refines it below.
ORDER_STATUS = {
    "pending": ("new", "pending"),
    "on-hold": ("new", "pending"),
    "processing": ("new", "paid"),
    "completed": ("new", "paid"),
    "cancelled": ("cancelled", "pending"),
    "failed": ("cancelled", "voided"),
    "refunded": ("new", "refunded"),
}
_COD_STATUSES = frozenset({"pending", "on-hold", "processing"})
_PACKED_KEY = re.compile(r"\s*[A-Za-z_][A-Za-z0-9_]*:")


def _split_packed(value: str, separator: str) -> list[str]:
    """Split on a separator, except where the next piece does not start a ``key:`` (the separator was
    part of a value, e.g. a product name with a ``|``)."""
    pieces: list[str] = []
    for piece in value.split(separator):
        if pieces and not _PACKED_KEY.match(piece):
            pieces[-1] += separator + piece
        else:
            pieces.append(piece)
    return pieces


def packed_items(value: str) -> list[dict[str, str]]:
    """The items of a packed ``line_items`` cell, each a dict of its ``key:value`` fields."""
    items = []
    for chunk in _split_packed(value, ";"):
        if not chunk.strip():
            continue
        fields: dict[str, str] = {}
        for part in _split_packed(chunk, "|"):
            key, _, field_value = part.partition(":")
            fields[key.strip()] = field_value.strip()
        items.append(fields)
    return items


def _unit_price(amount: Decimal | None, count: int) -> Decimal | None:
    """A line's total split per unit, to the amount's own precision (cents)."""
    if amount is None:
        return None
    if count == 1:
        return amount
    places = Decimal(1).scaleb(min(int(amount.as_tuple().exponent), -2))
    return (amount / count).quantize(places, rounding=ROUND_HALF_UP)


def _packed_line(fields: dict[str, str], column: str, number: int) -> dict[str, Any]:
    where = f"item {number}"
    sku = line_sku(fields.get("sku", ""))
    try:
        count = quantity(fields.get("quantity", fields.get("qty", "")), column)
        price = money(fields["price"], column) if fields.get("price") else None
        if price is None:
            amount = fields.get("subtotal") or fields.get("sub_total") or fields.get("total") or ""
            price = _unit_price(money(amount, column), count)
    except CellError as exc:
        raise CellError(column, f"{where} {exc.message}") from None
    return canonical.line(
        sku=sku, name=fields.get("name") or None, quantity=count, unit_price=price, line_id=fields.get("id") or None
    )


def read_orders(
    unit: ImportUnit, settings: ImportSettings, progress: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Stream the orders of a WooCommerce order export (any of its three layouts)."""
    source = unit.sources[0]
    cod_methods = settings.cod_method_set()
    rules = settings.rules()
    with Table(source, progress=progress) as table:
        columns = table.columns
        i_id = table.need("order_number", "order_id")
        i_date = table.need("order_date", "date_created")
        i_status = table.need("status", "order_status")
        item_columns = sorted(
            (name for name in columns if re.fullmatch(r"line_item_\d+", name)), key=lambda n: int(n.rsplit("_", 1)[1])
        )
        layout = ""
        if "line_items" in columns:
            layout = "packed"
        elif "item_sku" in columns or "item_name" in columns:
            layout = "per_item"
            i_item_sku = table.need("item_sku")
            i_item_quantity = table.need("item_quantity")
        elif item_columns:
            layout = "webtoffee"
        else:
            table.need("line_items")
        missing = len(table.header)

        def at(*names: str) -> int:
            index = table.column(*names)
            return missing if index is None else index

        i_packed = at("line_items")
        i_item_name, i_item_total = at("item_name"), at("item_total")
        i_item_subtotal, i_item_id = at("item_subtotal"), at("item_id", "line_id")
        i_item_price = at("item_price")
        i_number_fallback = at("order_id")
        i_currency, i_total, i_shipping = at("order_currency", "currency"), at("order_total"), at("shipping_total")
        i_tax, i_discount, i_subtotal = (
            at("tax_total", "order_tax"),
            at("discount_total", "cart_discount"),
            at("order_subtotal"),
        )
        i_payment, i_payment_title = at("payment_method"), at("payment_method_title")
        i_transaction = at("transaction_id")
        i_method, i_shipping_items = at("shipping_method", "shipping_method_title"), at("shipping_items")
        i_billing_full, i_billing_first, i_billing_last = (
            at("billing_full_name"),
            at("billing_first_name"),
            at("billing_last_name"),
        )
        i_email, i_phone = at("billing_email", "customer_email"), at("billing_phone")
        i_ship_full, i_ship_first, i_ship_last = (
            at("shipping_full_name"),
            at("shipping_first_name"),
            at("shipping_last_name"),
        )
        i_company, i_address1, i_address2 = at("shipping_company"), at("shipping_address_1"), at("shipping_address_2")
        i_city, i_postcode, i_country = at("shipping_city"), at("shipping_postcode"), at("shipping_country")
        i_state, i_ship_phone, i_note = (
            at("shipping_state_code", "shipping_state"),
            at("shipping_phone"),
            at("customer_note"),
        )
        i_bill_company, i_bill_address1, i_bill_address2 = (
            at("billing_company"),
            at("billing_address_1"),
            at("billing_address_2"),
        )
        i_bill_city, i_bill_postcode, i_bill_country = at("billing_city"), at("billing_postcode"), at("billing_country")
        i_bill_state = at("billing_state_code", "billing_state")

        def full_name(row: list[str], full: int, first: int, last: int) -> str | None:
            return text(row[full]) or text(f"{row[first].strip()} {row[last].strip()}")

        def start_order(row: list[str], external_id: str) -> dict[str, Any]:
            row.append("")
            raw_status = row[i_status].strip().lower()
            status_key = raw_status[3:] if raw_status.startswith("wc-") else raw_status
            if status_key not in ORDER_STATUS:
                raise CellError(
                    table.header[i_status],
                    f"{raw_status!r} is not a WooCommerce order status ({', '.join(ORDER_STATUS)})",
                )
            status, payment_status = ORDER_STATUS[status_key]
            method_id = text(row[i_payment])
            method_title = text(row[i_payment_title])
            if status_key in _COD_STATUSES and (
                canonical.is_cash_on_delivery(method_id, cod_methods)
                or canonical.is_cash_on_delivery(method_title, cod_methods)
            ):
                payment_status = "cod"
            shipping_method = text(row[i_method])
            if shipping_method is None and row[i_shipping_items].strip():
                first = packed_items(row[i_shipping_items])[0]
                shipping_method = first.get("method_title") or first.get("method_id") or None
            return canonical.order(
                channel="woocommerce",
                external_id=external_id,
                placed_at=timestamp(row[i_date], table.header[i_date]),
                status=status,
                payment_status=payment_status,
                payment_method=method_title or method_id,
                payment_reference=text(row[i_transaction]),
                customer_name=full_name(row, i_billing_full, i_billing_first, i_billing_last),
                email=text(row[i_email]),
                phone=text(row[i_phone]),
                ship_to=canonical.address(
                    name=full_name(row, i_ship_full, i_ship_first, i_ship_last),
                    company=text(row[i_company]),
                    address1=text(row[i_address1]),
                    address2=text(row[i_address2]),
                    city=text(row[i_city]),
                    province=text(row[i_state]),
                    postal_code=postal_code(row[i_postcode]),
                    country=country(row[i_country], "shipping_country"),
                    phone=text(row[i_ship_phone]),
                ),
                bill_to=canonical.address(
                    name=full_name(row, i_billing_full, i_billing_first, i_billing_last),
                    company=text(row[i_bill_company]),
                    address1=text(row[i_bill_address1]),
                    address2=text(row[i_bill_address2]),
                    city=text(row[i_bill_city]),
                    province=text(row[i_bill_state]),
                    postal_code=postal_code(row[i_bill_postcode]),
                    country=country_if_known(row[i_bill_country]),
                    phone=text(row[i_phone]),
                ),
                service_level=service_level_for(shipping_method, rules),
                shipping_method=shipping_method,
                notes=text(row[i_note]),
                currency=currency(row[i_currency], "order_currency"),
                subtotal=money(row[i_subtotal], "order_subtotal"),
                shipping=money(row[i_shipping], "shipping_total"),
                tax=money(row[i_tax], "tax_total"),
                discount=money(row[i_discount], "discount_total"),
                total=money(row[i_total], "order_total"),
            )

        def order_lines(row: list[str]) -> list[dict[str, Any]]:
            if layout == "packed":
                lines = [_packed_line(f, "line_items", n) for n, f in enumerate(packed_items(row[i_packed]), 1)]
                if not lines:
                    raise CellError("line_items", "lists no items")
                return lines
            lines = []
            for column in item_columns:
                cell = row[columns[column]]
                if cell.strip():
                    lines.extend(_packed_line(f, column, 1) for f in packed_items(cell))
            if not lines:
                raise CellError(item_columns[0], "lists no items")
            return lines

        def item_line(row: list[str]) -> dict[str, Any]:
            count = quantity(row[i_item_quantity], "item_quantity")
            price = money(row[i_item_price], "item_price") if i_item_price < len(row) else None
            if price is None:
                if i_item_subtotal < len(row) and row[i_item_subtotal].strip():
                    price = _unit_price(money(row[i_item_subtotal], "item_subtotal"), count)
                elif i_item_total < len(row):
                    price = _unit_price(money(row[i_item_total], "item_total"), count)
            return canonical.line(
                sku=line_sku(row[i_item_sku]),
                name=text(row[i_item_name]) if i_item_name < len(row) else None,
                quantity=count,
                unit_price=price,
                line_id=text(row[i_item_id]) if i_item_id < len(row) else None,
            )

        current: dict[str, Any] | None = None
        started: dict[str, int] = {}
        for line_no, row in table.records():
            try:
                external_id = row[i_id].strip() or (
                    row[i_number_fallback].strip() if i_number_fallback < len(row) else ""
                )
                if not external_id:
                    raise CellError(table.header[i_id], "is empty")
                if layout == "per_item" and current is not None and external_id == current["external_id"]:
                    current["lines"].append(item_line(row))
                    continue
                if current is not None:
                    yield current
                    current = None
                if external_id in started:
                    raise CellError(
                        table.header[i_id],
                        f"{external_id!r} appears again (first at line {started[external_id]})"
                        + ("; its rows must be together" if layout == "per_item" else ""),
                    )
                started[external_id] = line_no
                order = start_order(row, external_id)
                if layout == "per_item":
                    order["lines"].append(item_line(row))
                    current = order
                else:
                    order["lines"] = order_lines(row)
                    yield order
            except CellError as exc:
                raise record_error(source.name, line_no, exc.column, exc.message) from None
        if current is not None:
            yield current
