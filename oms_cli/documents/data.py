"""The plain data every document renderer takes, and the result each one returns.

The documents service fills these from the store; benchmarks and tests build them
directly. Field names of :class:`PostalAddress` match ``oms_cli.importers.model.Address``
so ``PostalAddress(**address.model_dump())`` converts one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

ServiceLevel = Literal["standard", "expedited", "next_day"]
LabelSize = Literal["4x6", "a6", "a4-2up", "letter-2up"]
LabelFormat = Literal["pdf", "zpl"]
PageSize = Literal["a4", "letter"]
WeightUnit = Literal["kg", "lb"]

LABEL_SIZES: tuple[LabelSize, ...] = ("4x6", "a6", "a4-2up", "letter-2up")
LABEL_FORMATS: tuple[LabelFormat, ...] = ("pdf", "zpl")
PAGE_SIZES: tuple[PageSize, ...] = ("a4", "letter")
PRINTER_DPIS: tuple[int, ...] = (203, 300)
PDF_MEDIA_TYPE = "application/pdf"
ZPL_MEDIA_TYPE = "application/vnd.zebra.zpl"


@dataclass(frozen=True)
class PostalAddress:
    """A postal address; ``country`` is ISO 3166-1 alpha-2."""

    name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    address3: str | None = None
    city: str | None = None
    province: str | None = None
    postal_code: str | None = None
    country: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Shop:
    """The shop as it appears on documents: ship-from address, contact, logo, returns."""

    name: str
    address: PostalAddress
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    vat_number: str | None = None
    logo_path: str | None = None  # PNG or JPEG; read when a page document is drawn
    return_instructions: str | None = None


@dataclass(frozen=True)
class LabelData:
    """One package's shipping label."""

    order_ref: str
    ship_to: PostalAddress
    sscc: str  # 18 digits with check digit, see gs1.sscc18
    package_number: int = 1
    package_count: int = 1
    weight_grams: int | None = None
    box_name: str | None = None
    service_level: ServiceLevel = "standard"
    tracking_number: str | None = None
    carrier: str | None = None
    shipping_method: str | None = None


@dataclass(frozen=True)
class DocumentLine:
    """One order line on a packing slip or invoice."""

    sku: str
    name: str | None
    quantity: int
    unit_price: Decimal | None = None
    free: bool = False  # a freebie added by a thank-you rule: printed, never charged


@dataclass(frozen=True)
class OrderDocument:
    """What a packing slip or invoice says about one order."""

    order_ref: str
    placed_at: datetime
    ship_to: PostalAddress
    lines: tuple[DocumentLine, ...]
    bill_to: PostalAddress | None = None
    customer_email: str | None = None
    shipping_method: str | None = None
    service_level: ServiceLevel = "standard"
    special_instructions: str | None = None  # the buyer's note
    thank_you_note: str | None = None
    cash_on_delivery: bool = False  # the total is collected when the parcel is delivered
    currency: str | None = None
    subtotal: Decimal | None = None
    discount: Decimal | None = None
    shipping: Decimal | None = None
    tax: Decimal | None = None
    total: Decimal | None = None


@dataclass(frozen=True)
class Invoice:
    """An order with the invoice number the service allocated for it."""

    invoice_number: str
    issued_at: datetime
    order: OrderDocument


@dataclass(frozen=True)
class ToteQuantity:
    """How many units of a stop go into one tote, and for which order."""

    tote: str
    quantity: int
    order_ref: str | None = None
    special_instructions: str | None = None  # flagged on the stop so the picker looks


@dataclass(frozen=True)
class PickStop:
    """One stop of a pick walk: a location, a product and the totes it fills."""

    location: str  # A<aisle>-B<bay>[-L<level>]
    sku: str
    name: str | None
    totes: tuple[ToteQuantity, ...]
    product_barcode: str | None = None  # the product's EAN-13 or UPC-A, if it has one

    @property
    def quantity(self) -> int:
        """Units to pick at this stop, over all totes."""
        return sum(t.quantity for t in self.totes)


@dataclass(frozen=True)
class PickList:
    """A pick list: its stops already in walking order."""

    list_id: str
    stops: tuple[PickStop, ...]
    created_at: datetime | None = None
    zone: str | None = None
    wave: str | None = None
    picker: str | None = None
    route_length_m: Decimal | None = None


@dataclass(frozen=True)
class ZoneTote:
    """A tote picked in one zone that carries part of an order."""

    zone: str
    tote: str
    units: int
    pick_list_id: str | None = None


@dataclass(frozen=True)
class ConsolidationOrder:
    """One order of a wave and the totes, by zone, that make it up."""

    order_ref: str
    totes: tuple[ZoneTote, ...]
    special_instructions: str | None = None


@dataclass(frozen=True)
class ConsolidationSheet:
    """The packing-station sheet for a wave: which totes make up which order."""

    wave_id: str
    orders: tuple[ConsolidationOrder, ...]
    created_at: datetime | None = None


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered file: its bytes, what kind it is, its pages and any printing warnings."""

    content: bytes
    media_type: str  # "application/pdf" or "application/vnd.zebra.zpl"
    pages: int  # labels count for ZPL (one ^XA…^XZ per label)
    warnings: tuple[str, ...] = field(default=())

    @property
    def suffix(self) -> str:
        """The file name suffix for this kind of document."""
        return ".zpl" if self.media_type == ZPL_MEDIA_TYPE else ".pdf"
