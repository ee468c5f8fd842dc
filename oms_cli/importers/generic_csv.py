"""Generic CSV: any spreadsheet of orders, one row per line, columns named in the config.

``import.csv_columns`` maps canonical fields to the file's header names; a
field not mapped is read from a column of its own name. Rows with the same
external id are one order wherever they are in the file (hand-made sheets are
rarely sorted), so this importer holds the file's orders until the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from oms_cli.core.errors import record_error
from oms_cli.importers import CSV_FIELDS, canonical
from oms_cli.importers.cells import (
    CellError,
    country,
    country_if_known,
    currency,
    money,
    postal_code,
    quantity,
    required_text,
    text,
    timestamp,
)
from oms_cli.importers.cells import (
    sku as line_sku,
)
from oms_cli.importers.service_levels import SERVICE_LEVELS, service_level_for
from oms_cli.importers.sources import Table

if TYPE_CHECKING:
    from oms_cli.importers import ImportSettings, ImportUnit

REQUIRED_FIELDS = ("external_id", "placed_at", "sku", "quantity")

#: Words shops write for a payment status -> the canonical status.
PAYMENT_WORDS = {
    "": "pending",
    "paid": "paid",
    "pending": "pending",
    "unpaid": "pending",
    "authorized": "pending",
    "cod": "cod",
    "cash_on_delivery": "cod",
    "refunded": "refunded",
    "partially_refunded": "partially_refunded",
    "voided": "voided",
    "void": "voided",
}
ORDER_WORDS = {"": "new", "new": "new", "open": "new", "cancelled": "cancelled", "canceled": "cancelled"}


def _word(value: str) -> str:
    return value.strip().lower().replace(" ", "_").replace("-", "_")


def read_orders(
    unit: ImportUnit, settings: ImportSettings, progress: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Read the orders of a generic CSV laid out as ``import.csv_columns`` says."""
    source = unit.sources[0]
    channel = settings.csv_channel
    cod_methods = settings.cod_method_set()
    rules = settings.rules()
    headers = {field: settings.csv_columns.get(field, field) for field in CSV_FIELDS}
    orders: dict[str, dict[str, Any]] = {}
    with Table(source, progress=progress) as table:
        for field in REQUIRED_FIELDS:
            index = table.column(headers[field])
            if index is None:
                error = record_error(source.name, table.header_line, headers[field], "column is missing")
                error.hint = f"Map the canonical field '{field}' to a header under import.csv_columns in the config."
                raise error
        missing = len(table.header)
        at = {field: table.columns.get(header, missing) for field, header in headers.items()}

        for line_no, row in table.records():
            row.append("")

            def cell(field: str) -> str:
                return row[at[field]]  # noqa: B023 - called only within this iteration

            try:
                external_id = required_text(cell("external_id"), headers["external_id"])
                order = orders.get(external_id)
                if order is None:
                    order = orders[external_id] = _start_order(cell, headers, channel, external_id, cod_methods, rules)
                order["lines"].append(
                    canonical.line(
                        sku=line_sku(cell("sku")),
                        name=text(cell("name")),
                        quantity=quantity(cell("quantity"), headers["quantity"]),
                        unit_price=money(cell("unit_price"), headers["unit_price"]),
                        line_id=text(cell("line_id")),
                    )
                )
            except CellError as exc:
                raise record_error(source.name, line_no, exc.column, exc.message) from None
    yield from orders.values()


def _start_order(
    cell: Callable[[str], str],
    headers: dict[str, str],
    channel: str,
    external_id: str,
    cod_methods: frozenset[str],
    rules: tuple[tuple[str, str], ...],
) -> dict[str, Any]:
    payment_status = PAYMENT_WORDS.get(_word(cell("payment_status")))
    if payment_status is None:
        raise CellError(
            headers["payment_status"],
            f"{cell('payment_status')!r} is not a payment status ({', '.join(canonical.PAYMENT_STATUSES)})",
        )
    method = text(cell("payment_method"))
    if payment_status == "pending" and canonical.is_cash_on_delivery(method, cod_methods):
        payment_status = "cod"
    status = ORDER_WORDS.get(_word(cell("status")))
    if status is None:
        raise CellError(headers["status"], f"{cell('status')!r} is not an order status (new, cancelled)")
    shipping_method = text(cell("shipping_method"))
    level_text = text(cell("service_level"))
    if level_text and _word(level_text) in SERVICE_LEVELS:
        level = _word(level_text)
    else:
        level = service_level_for(level_text or shipping_method, rules)
    return canonical.order(
        channel=channel,
        external_id=external_id,
        placed_at=timestamp(cell("placed_at"), headers["placed_at"]),
        status=status,
        payment_status=payment_status,
        payment_method=method,
        payment_reference=text(cell("payment_reference")),
        customer_name=text(cell("customer_name")) or text(cell("ship_name")),
        email=text(cell("email")),
        phone=text(cell("phone")),
        ship_to=canonical.address(
            name=text(cell("ship_name")) or text(cell("customer_name")),
            company=text(cell("company")),
            address1=text(cell("address1")),
            address2=text(cell("address2")),
            address3=text(cell("address3")),
            city=text(cell("city")),
            province=text(cell("province")),
            postal_code=postal_code(cell("postal_code")),
            country=country(cell("country"), headers["country"]),
            phone=text(cell("ship_phone")),
        ),
        bill_to=canonical.address(
            name=text(cell("bill_name")) or text(cell("customer_name")),
            company=text(cell("bill_company")),
            address1=text(cell("bill_address1")),
            address2=text(cell("bill_address2")),
            city=text(cell("bill_city")),
            province=text(cell("bill_province")),
            postal_code=postal_code(cell("bill_postal_code")),
            country=country_if_known(cell("bill_country")),
            phone=text(cell("phone")),
        ),
        service_level=level,
        shipping_method=shipping_method,
        notes=text(cell("notes")),
        tags=canonical.split_tags(cell("tags")),
        currency=currency(cell("currency"), headers["currency"]),
        subtotal=money(cell("subtotal"), headers["subtotal"]),
        shipping=money(cell("shipping"), headers["shipping"]),
        tax=money(cell("tax"), headers["tax"]),
        discount=money(cell("discount"), headers["discount"]),
        total=money(cell("total"), headers["total"]),
    )
