"""Orders in the canonical shape as plain dicts, built without pydantic.

The CSV importers build thousands of orders a second, so they assemble the
dict directly; :func:`order_dict` turns a validated :class:`Order` into the
same plain shape for the JSON Lines importer.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oms_cli.importers.model import Order

#: Payment statuses the canonical order knows.
PAYMENT_STATUSES = ("paid", "pending", "cod", "refunded", "partially_refunded", "voided")


def address(
    name: str | None = None,
    company: str | None = None,
    address1: str | None = None,
    address2: str | None = None,
    address3: str | None = None,
    city: str | None = None,
    province: str | None = None,
    postal_code: str | None = None,
    country: str | None = None,
    phone: str | None = None,
) -> dict[str, Any]:
    """An address dict (ship-to or bill-to)."""
    return {
        "name": name,
        "company": company,
        "address1": address1,
        "address2": address2,
        "address3": address3,
        "city": city,
        "province": province,
        "postal_code": postal_code,
        "country": country,
        "phone": phone,
    }


def billing(address: dict[str, Any] | None) -> dict[str, Any] | None:
    """A bill-to address dict, or None when it names no street and no city (a billing
    name or phone alone, as exports carry for every order, is no address)."""
    if not address or not (address.get("address1") or address.get("city")):
        return None
    return address


def line(
    sku: str, name: str | None, quantity: int, unit_price: Decimal | None = None, line_id: str | None = None
) -> dict[str, Any]:
    """An order line dict (never a free line: thank-you rules add those later)."""
    return {"sku": sku, "name": name, "quantity": quantity, "unit_price": unit_price, "line_id": line_id, "free": False}


def order(
    *,
    channel: str,
    external_id: str,
    placed_at: datetime,
    status: str = "new",
    payment_status: str = "pending",
    payment_method: str | None = None,
    payment_reference: str | None = None,
    customer_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    ship_to: dict[str, Any] | None = None,
    bill_to: dict[str, Any] | None = None,
    service_level: str = "standard",
    shipping_method: str | None = None,
    notes: str | None = None,
    tags: list[str] | None = None,
    currency: str | None = None,
    subtotal: Decimal | None = None,
    shipping: Decimal | None = None,
    tax: Decimal | None = None,
    discount: Decimal | None = None,
    total: Decimal | None = None,
    lines: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An order dict with exactly the keys of ``Order.model_dump()``; ref is ``<channel>:<external id>``."""
    return {
        "ref": f"{channel}:{external_id}",
        "channel": channel,
        "external_id": external_id,
        "placed_at": placed_at,
        "status": status,
        "payment": {"status": payment_status, "method": payment_method, "reference": payment_reference},
        "customer": {"name": customer_name, "email": email, "phone": phone},
        "ship_to": ship_to if ship_to is not None else address(),
        "bill_to": billing(bill_to),
        "service_level": service_level,
        "shipping_method": shipping_method,
        "notes": notes,
        "tags": tags if tags is not None else [],
        "currency": currency,
        "totals": {"subtotal": subtotal, "shipping": shipping, "tax": tax, "discount": discount, "total": total},
        "lines": lines if lines is not None else [],
        "ship_by": None,
        "hold_reason": None,
    }


def order_dict(validated: Order) -> dict[str, Any]:
    """A validated Order as a plain dict with Decimal and datetime values (``model_dump()`` would
    turn those into strings, because the model's serializers apply in python mode too)."""
    result: dict[str, Any] = dict(validated)
    for part in ("payment", "customer", "ship_to", "totals"):
        result[part] = dict(result[part])
    result["bill_to"] = billing(dict(validated.bill_to)) if validated.bill_to is not None else None
    result["tags"] = list(validated.tags)
    result["lines"] = [dict(item) for item in validated.lines]
    return result


def split_tags(value: str) -> list[str]:
    """Comma-separated tags as a list, blanks dropped."""
    if not value:
        return []
    return [tag for tag in (part.strip() for part in value.split(",")) if tag]


def is_cash_on_delivery(method: str | None, cod_methods: frozenset[str]) -> bool:
    """Whether a payment method (possibly several joined with '+') names cash on delivery."""
    if not method:
        return False
    folded = method.casefold().strip()
    if folded in cod_methods:
        return True
    return any(part.strip() in cod_methods for part in folded.split("+"))
