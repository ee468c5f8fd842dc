"""Converting between the canonical order shape and the store's rows."""

from __future__ import annotations

from typing import Any

from oms_cli.core.money import exponent, from_minor, minor_units

#: canonical ship_to key -> orders column
SHIP_TO_COLUMNS = {
    "name": "ship_name",
    "company": "ship_company",
    "address1": "ship_address1",
    "address2": "ship_address2",
    "address3": "ship_address3",
    "city": "ship_city",
    "province": "ship_province",
    "postal_code": "ship_postal_code",
    "country": "ship_country",
    "phone": "ship_phone",
}
#: canonical bill_to key -> orders column
BILL_TO_COLUMNS = {key: "bill_" + column.removeprefix("ship_") for key, column in SHIP_TO_COLUMNS.items()}
TOTAL_COLUMNS = {
    "subtotal": "subtotal_minor",
    "shipping": "shipping_minor",
    "tax": "tax_minor",
    "discount": "discount_minor",
    "total": "total_minor",
}

#: the orders columns whose values come from the channel's export, in a fixed order
#: (what an import fingerprints and what an update replaces)
ORDER_SOURCE_COLUMNS = (
    "ref",
    "channel",
    "external_id",
    "placed_at",
    "status",
    "payment_status",
    "payment_method",
    "payment_reference",
    "customer_name",
    "customer_email",
    "customer_phone",
    *SHIP_TO_COLUMNS.values(),
    *BILL_TO_COLUMNS.values(),
    "service_level",
    "shipping_method",
    "notes",
    "instruction_state",
    "tags",
    "currency",
    *TOTAL_COLUMNS.values(),
)
#: the orders columns written by an import: the source values, their fingerprint and
#: the import's own timestamps
ORDER_COLUMNS = (*ORDER_SOURCE_COLUMNS, "source_hash", "imported_at", "updated_at")
#: the order_lines columns whose values come from the export (all but the order's id)
LINE_SOURCE_COLUMNS = ("line_no", "line_id", "sku", "name", "quantity", "unit_price_minor", "free")
LINE_COLUMNS = ("order_id", *LINE_SOURCE_COLUMNS)


_NO_ADDRESS = (None,) * len(BILL_TO_COLUMNS)


def order_values(order: dict[str, Any], source_hash: str | None, now: Any) -> tuple[Any, ...]:
    """The orders-row values (in ORDER_COLUMNS order) for a canonical order dict."""
    return (*order_source_values(order), source_hash, now, now)


def order_source_values(order: dict[str, Any]) -> tuple[Any, ...]:
    """The values of the ORDER_SOURCE_COLUMNS for a canonical order dict."""
    # Written out field by field: this runs once per imported order, and generator
    # expressions over the column maps cost a third of the time here.
    cur = order.get("currency")
    e = exponent(cur)
    pay = order["payment"]
    cust = order["customer"]
    ship = order["ship_to"]
    tot = order["totals"]
    notes = order.get("notes") or None
    get = ship.get
    bill = order.get("bill_to")
    return (
        order["ref"],
        order["channel"],
        order["external_id"],
        order["placed_at"],
        order.get("status") or "new",
        pay.get("status") or "pending",
        pay.get("method"),
        pay.get("reference"),
        cust.get("name"),
        cust.get("email"),
        cust.get("phone"),
        get("name"),
        get("company"),
        get("address1"),
        get("address2"),
        get("address3"),
        get("city"),
        get("province"),
        get("postal_code"),
        get("country"),
        get("phone"),
        *(
            _NO_ADDRESS
            if not bill
            else (
                bill.get("name"),
                bill.get("company"),
                bill.get("address1"),
                bill.get("address2"),
                bill.get("address3"),
                bill.get("city"),
                bill.get("province"),
                bill.get("postal_code"),
                bill.get("country"),
                bill.get("phone"),
            )
        ),
        order.get("service_level") or "standard",
        order.get("shipping_method"),
        notes,
        "pending" if notes else "none",
        list(order.get("tags") or ()),
        cur,
        minor_units(tot.get("subtotal"), e),
        minor_units(tot.get("shipping"), e),
        minor_units(tot.get("tax"), e),
        minor_units(tot.get("discount"), e),
        minor_units(tot.get("total"), e),
    )


def line_values(order_id: int, order: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The order_lines-row values (in LINE_COLUMNS order) for a canonical order dict."""
    return [(order_id, *line) for line in line_source_values(order)]


def line_source_values(order: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The values of the LINE_SOURCE_COLUMNS of each line of a canonical order dict."""
    e = exponent(order.get("currency"))
    return [
        (
            i,
            ln.get("line_id"),
            ln["sku"],
            ln.get("name"),
            ln["quantity"],
            minor_units(ln.get("unit_price"), e),
            bool(ln.get("free")),
        )
        for i, ln in enumerate(order["lines"], start=1)
    ]


def order_to_canonical(row: Any, lines: list[Any]) -> dict[str, Any]:
    """A store row and its lines -> the canonical order dict (JSON-ready via the model)."""
    cur = row.currency
    return {
        "ref": row.ref,
        "channel": row.channel,
        "external_id": row.external_id,
        "placed_at": row.placed_at,
        "status": row.status,
        "payment": {"status": row.payment_status, "method": row.payment_method, "reference": row.payment_reference},
        "customer": {"name": row.customer_name, "email": row.customer_email, "phone": row.customer_phone},
        "ship_to": {k: getattr(row, col) for k, col in SHIP_TO_COLUMNS.items()},
        "bill_to": bill_to_of(row),
        "service_level": row.service_level,
        "shipping_method": row.shipping_method,
        "notes": row.notes,
        "tags": list(row.tags or []),
        "currency": cur,
        "totals": {k: from_minor(getattr(row, col), cur) for k, col in TOTAL_COLUMNS.items()},
        "lines": [
            {
                "sku": ln.sku,
                "name": ln.name,
                "quantity": ln.quantity,
                "unit_price": from_minor(ln.unit_price_minor, cur),
                "line_id": ln.line_id,
                "free": bool(ln.free),
            }
            for ln in sorted(lines, key=lambda x: x.line_no)
        ],
        "ship_by": row.ship_by,
        "hold_reason": row.hold_reason,
    }


def bill_to_of(row: Any) -> dict[str, Any] | None:
    """A store row's billing address as a canonical dict, None when it has none."""
    bill = {k: getattr(row, col) for k, col in BILL_TO_COLUMNS.items()}
    return bill if any(bill.values()) else None
