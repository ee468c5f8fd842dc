"""The canonical order: the one shape every importer produces and every order
command prints with ``--json`` (see ``docs/order.schema.json``).

Pure module: pydantic models only, no database, no I/O.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

PaymentStatus = Literal["paid", "pending", "cod", "refunded", "partially_refunded", "voided"]
ServiceLevel = Literal["standard", "expedited", "next_day"]

#: Every order status, in lifecycle order. Transitions live in ``oms_cli.orders.lifecycle``.
STATUSES = (
    "new",
    "on_hold",
    "ready",
    "picking",
    "picked",
    "packed",
    "shipped",
    "delivered",
    "cancelled",
    "returned",
)
Status = Literal[
    "new", "on_hold", "ready", "picking", "picked", "packed", "shipped", "delivered", "cancelled", "returned"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Payment(_Strict):
    """How the order is paid: status, method (as the channel names it) and reference."""

    status: PaymentStatus = "pending"
    method: str | None = None
    reference: str | None = None


class Customer(_Strict):
    """The buyer."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None


class Address(_Strict):
    """A postal address: where the parcel goes, or whom the invoice is for. ``country`` is ISO 3166-1 alpha-2."""

    name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    address3: str | None = None
    city: str | None = None
    province: str | None = None
    postal_code: str | None = None
    country: str | None = Field(default=None, min_length=2, max_length=2)
    phone: str | None = None

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str | None) -> str | None:
        return v.upper() if v else v


class Totals(_Strict):
    """Money totals in the order's currency, as exact decimals (never floats)."""

    subtotal: Decimal | None = None
    shipping: Decimal | None = None
    tax: Decimal | None = None
    discount: Decimal | None = None
    total: Decimal | None = None

    @field_serializer("subtotal", "shipping", "tax", "discount", "total")
    def _money(self, v: Decimal | None) -> str | None:
        return None if v is None else format(v, "f")


class Line(_Strict):
    """One order line: SKU, name, quantity and unit price."""

    sku: str = Field(
        description="empty for a custom item the channel gives no SKU: release holds the order (no_sku) until it has one"
    )
    name: str | None = None
    quantity: int = Field(gt=0)
    unit_price: Decimal | None = None
    line_id: str | None = None  # the channel's own line id (Amazon order-item-id …)
    free: bool = False  # added by a thank-you rule, not charged

    @field_serializer("unit_price")
    def _money(self, v: Decimal | None) -> str | None:
        return None if v is None else format(v, "f")


class Order(_Strict):
    """One order from any channel, in the canonical shape."""

    ref: str = Field(description="<channel>:<external id>, unique in the store")
    channel: str
    external_id: str
    placed_at: datetime
    status: Status = "new"
    payment: Payment = Field(default_factory=Payment)
    customer: Customer = Field(default_factory=Customer)
    ship_to: Address = Field(default_factory=Address)
    bill_to: Address | None = Field(
        default=None, description="the billing address, when the channel gives one (invoices are addressed to it)"
    )
    service_level: ServiceLevel = "standard"
    shipping_method: str | None = None
    notes: str | None = None
    tags: list[str] = Field(default_factory=list)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    totals: Totals = Field(default_factory=Totals)
    lines: list[Line] = Field(min_length=1)
    ship_by: datetime | None = None
    hold_reason: str | None = None

    @field_validator("placed_at", "ship_by")
    @classmethod
    def _utc(cls, v: datetime | None) -> datetime | None:
        if v is None:
            return v
        if v.tzinfo is None:
            v = v.replace(tzinfo=UTC)
        return v.astimezone(UTC)

    @field_serializer("placed_at", "ship_by")
    def _iso(self, v: datetime | None) -> str | None:
        return None if v is None else v.astimezone(UTC).isoformat().replace("+00:00", "Z")


def make_ref(channel: str, external_id: str) -> str:
    """The store-wide order reference ``<channel>:<external id>``."""
    return f"{channel}:{external_id}"
