"""Shipping-confirmation upload files for the sales channels.

Each writer takes plain shipment rows and returns the file's text; the caller writes
it (bytes as UTF-8, no BOM). Column layouts are documented in ``docs/tracking.md``.

Pure module: no database, no file I/O, no Typer/Rich.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from oms_cli.carriers.tracking import canonical_carrier, normalize_number, tracking_url
from oms_cli.core.errors import BadInput

__all__ = [
    "AMAZON_COLUMNS",
    "EBAY_COLUMNS",
    "ETSY_COLUMNS",
    "SHOPIFY_COLUMNS",
    "WOOCOMMERCE_COLUMNS",
    "ShipmentRow",
    "ShippedItem",
    "WRITERS",
    "amazon_confirmation",
    "ebay_tracking_upload",
    "etsy_tracking_upload",
    "shipment_row",
    "shopify_fulfillments",
    "woocommerce_tracking",
]


@dataclass(frozen=True)
class ShippedItem:
    """One order line in a parcel: the channel's own line id, the quantity, the SKU."""

    quantity: int
    line_id: str | None = None  # Amazon order-item-id, eBay "<ItemID>-<TransactionID>", …
    sku: str | None = None


@dataclass(frozen=True)
class ShipmentRow:
    """One parcel of one order, as the channels need to hear about it."""

    order_external_id: str  # the channel's order id: 113-4000012-1000084, 1001, …
    items: tuple[ShippedItem, ...]
    ship_date: date  # a datetime is accepted; its own calendar day is used
    carrier_code: str  # oms carrier code or alias (ups, canada_post, …)
    carrier_name: str
    tracking_number: str
    service: str | None = None  # e.g. "Ground", "Priority Mail"
    tracking_url: str | None = None  # filled from the courier data when missing
    notify_customer: bool = True


AMAZON_COLUMNS = (
    "order-id",
    "order-item-id",
    "quantity",
    "ship-date",
    "carrier-code",
    "carrier-name",
    "tracking-number",
    "ship-method",
)
SHOPIFY_COLUMNS = (
    "Order Name",
    "Line Item ID",
    "SKU",
    "Quantity",
    "Tracking Number",
    "Tracking Company",
    "Tracking URL",
    "Notify Customer",
    "Fulfilled At",
    "Shipping Method",
)
WOOCOMMERCE_COLUMNS = ("order_id", "tracking_provider", "tracking_number", "date_shipped", "status_shipped")
WOOCOMMERCE_ITEM_COLUMNS = WOOCOMMERCE_COLUMNS + ("sku", "qty")
ETSY_COLUMNS = ("Order ID", "Tracking Number", "Carrier", "Ship Date")
EBAY_ACTION_TEMPLATE = "Action(SiteID={site}|Country={country}|Currency={currency}|Version=1193|CC=UTF-8)"
EBAY_COLUMNS = (
    EBAY_ACTION_TEMPLATE,
    "OrderID",
    "ItemID",
    "TransactionID",
    "ShippingStatus",
    "ShippingCarrierUsed",
    "ShipmentTrackingNumber",
)

# Each channel recognises its own spelling of the big carriers and links them itself;
# anything else goes out under the carrier's own name (Amazon: "Other" + carrier-name).
_AMAZON_CARRIERS = {
    "ups": "UPS",
    "usps": "USPS",
    "fedex": "FedEx",
    "dhl": "DHL",
    "canada_post": "Canada Post",
    "ontrac": "OnTrac",
    "lasership": "Lasership",
    "dpd": "DPD",
    "yodel": "Yodel",
}
_SHOPIFY_CARRIERS = {
    "ups": "UPS",
    "usps": "USPS",
    "fedex": "FedEx",
    "dhl": "DHL Express",
    "canada_post": "Canada Post",
    "purolator": "Purolator",
    "ontrac": "OnTrac",
    "lasership": "LaserShip",
    "amazon": "Amazon Logistics US",
    "dpd": "DPD",
    "yodel": "Yodel",
    "yunexpress": "YunExpress",
    "canpar": "Canpar",
    "landmark": "Landmark Global",
}
_WOOCOMMERCE_CARRIERS = {
    "ups": "UPS",
    "usps": "USPS",
    "fedex": "FedEx",
    "dhl": "DHL Express",
    "canada_post": "Canada Post",
    "purolator": "Purolator",
    "ontrac": "OnTrac",
    "dpd": "DPD",
    "yodel": "Yodel",
}
_ETSY_CARRIERS = {
    "ups": "UPS",
    "usps": "USPS",
    "fedex": "FedEx",
    "dhl": "DHL Express",
    "canada_post": "Canada Post",
    "purolator": "Purolator",
    "ontrac": "OnTrac",
    "dpd": "DPD",
    "yodel": "Yodel",
}
_EBAY_CARRIERS = {
    "ups": "UPS",
    "usps": "USPS",
    "fedex": "FedEx",
    "dhl": "DHL",
    "canada_post": "CanadaPost",
    "purolator": "Purolator",
    "ontrac": "OnTrac",
    "dpd": "DPD",
}


def shipment_row(data: Mapping[str, Any]) -> ShipmentRow:
    """Build a :class:`ShipmentRow` from a plain dict (items as dicts or ShippedItem)."""
    raw = dict(data)
    raw["items"] = tuple(
        item if isinstance(item, ShippedItem) else ShippedItem(**item) for item in raw.get("items", ())
    )
    return ShipmentRow(**raw)


def _rows(shipments: Iterable[ShipmentRow | Mapping[str, Any]]) -> list[ShipmentRow]:
    rows = [s if isinstance(s, ShipmentRow) else shipment_row(s) for s in shipments]
    for row in rows:
        where = f"shipment {row.order_external_id or '?'}"
        if not str(row.order_external_id).strip():
            raise BadInput(f"{where}: order id is empty")
        if not normalize_number(row.tracking_number):
            raise BadInput(f"{where}: tracking number is empty")
        for item in row.items:
            if item.quantity <= 0:
                raise BadInput(
                    f"{where}: quantity {item.quantity} of line {item.line_id or item.sku or '?'} is not positive"
                )
    return rows


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _clean(value: object) -> str:
    # Flat files break on embedded tabs and newlines; the channels ignore padding.
    return " ".join(str(value).split()) if value is not None else ""


def _label(row: ShipmentRow, table: Mapping[str, str], overrides: Mapping[str, str] | None) -> str | None:
    code = canonical_carrier(row.carrier_code)
    for key, value in (overrides or {}).items():
        if canonical_carrier(key) == code:
            return value
    return table.get(code)


def _url(row: ShipmentRow, url_overrides: Mapping[str, str] | None) -> str:
    if row.tracking_url:
        return row.tracking_url
    return tracking_url(row.carrier_code, row.tracking_number, dict(url_overrides or {})) or ""


def _csv(header: Iterable[str], body: Iterable[Iterable[object]], delimiter: str = ",") -> str:
    out = io.StringIO()
    if delimiter == "\t":
        # Amazon flat files are not quoted; _clean has already removed tabs and newlines.
        writer = csv.writer(out, delimiter="\t", lineterminator="\r\n", quoting=csv.QUOTE_NONE, quotechar=None)
    else:
        writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(header))
    for cells in body:
        writer.writerow([_clean(c) for c in cells])
    return out.getvalue()


Cells = tuple[object, ...]


def amazon_confirmation(
    shipments: Iterable[ShipmentRow | Mapping[str, Any]], *, carrier_codes: Mapping[str, str] | None = None
) -> str:
    """Amazon's tab-separated shipping confirmation file, one row per order item (CRLF).

    ``carrier-code`` is Amazon's own code; other carriers go out as ``Other`` with
    ``carrier-name`` filled, which Amazon wants only in that case.
    """
    body: list[Cells] = []
    for row in _rows(shipments):
        code = _label(row, _AMAZON_CARRIERS, carrier_codes)
        carrier_code, carrier_name = (code, "") if code else ("Other", row.carrier_name)
        common = (row.order_external_id,)
        tail = (
            _day(row.ship_date).isoformat(),
            carrier_code,
            carrier_name,
            normalize_number(row.tracking_number),
            row.service or "",
        )
        if not row.items:
            # No item ids: Amazon confirms the whole order.
            body.append(common + ("", "") + tail)
        for item in row.items:
            body.append(common + (item.line_id or "", item.quantity) + tail)
    return _csv(AMAZON_COLUMNS, body, delimiter="\t")


def shopify_fulfillments(
    shipments: Iterable[ShipmentRow | Mapping[str, Any]],
    *,
    carrier_labels: Mapping[str, str] | None = None,
    url_overrides: Mapping[str, str] | None = None,
) -> str:
    """A Shopify bulk-fulfilment CSV, one row per shipped line (columns in
    :data:`SHOPIFY_COLUMNS`); ``Order Name`` is ``#<number>``."""
    body: list[Cells] = []
    for row in _rows(shipments):
        name = row.order_external_id if row.order_external_id.startswith("#") else f"#{row.order_external_id}"
        company = _label(row, _SHOPIFY_CARRIERS, carrier_labels) or row.carrier_name
        tail = (
            normalize_number(row.tracking_number),
            company,
            _url(row, url_overrides),
            "TRUE" if row.notify_customer else "FALSE",
            _day(row.ship_date).isoformat(),
            row.service or "",
        )
        items = row.items or (None,)
        for item in items:
            head = (name, item.line_id or "", item.sku or "", item.quantity) if item else (name, "", "", "")
            body.append(head + tail)
    return _csv(SHOPIFY_COLUMNS, body)


def woocommerce_tracking(
    shipments: Iterable[ShipmentRow | Mapping[str, Any]],
    *,
    per_item: bool = False,
    date_format: str = "%d-%m-%Y",
    carrier_labels: Mapping[str, str] | None = None,
) -> str:
    """A WooCommerce Shipment Tracking CSV import (order_id, tracking_provider,
    tracking_number, date_shipped, status_shipped); ``per_item`` adds sku and qty rows.

    ``date_format`` must match the date format chosen on the import screen
    (DD-MM-YYYY by default; MM-DD-YYYY is the other choice).
    """
    body: list[Cells] = []
    for row in _rows(shipments):
        provider = _label(row, _WOOCOMMERCE_CARRIERS, carrier_labels) or row.carrier_name
        head = (row.order_external_id.lstrip("#"), provider, normalize_number(row.tracking_number))
        shipped = _day(row.ship_date).strftime(date_format)
        if per_item and row.items:
            for item in row.items:
                body.append(head + (shipped, 1, item.sku or "", item.quantity))
        else:
            body.append(head + (shipped, 1) + (("", "") if per_item else ()))
    return _csv(WOOCOMMERCE_ITEM_COLUMNS if per_item else WOOCOMMERCE_COLUMNS, body)


def etsy_tracking_upload(
    shipments: Iterable[ShipmentRow | Mapping[str, Any]], *, carrier_labels: Mapping[str, str] | None = None
) -> str:
    """An Etsy tracking upload, one row per order (Etsy has no item-level tracking);
    dates as MM/DD/YYYY like Etsy's own exports."""
    body: list[Cells] = []
    seen: set[tuple[str, str]] = set()
    for row in _rows(shipments):
        number = normalize_number(row.tracking_number)
        if (row.order_external_id, number) in seen:
            continue
        seen.add((row.order_external_id, number))
        carrier = _label(row, _ETSY_CARRIERS, carrier_labels) or row.carrier_name
        body.append((row.order_external_id, number, carrier, _day(row.ship_date).strftime("%m/%d/%Y")))
    return _csv(ETSY_COLUMNS, body)


def ebay_tracking_upload(
    shipments: Iterable[ShipmentRow | Mapping[str, Any]],
    *,
    site: str = "US",
    country: str = "US",
    currency: str = "USD",
    carrier_labels: Mapping[str, str] | None = None,
) -> str:
    """An eBay Seller Hub / File Exchange ``Status`` upload, one row per line item
    (line ids as ``<ItemID>-<TransactionID>``), or per order when no line ids are known."""
    header = (EBAY_ACTION_TEMPLATE.format(site=site, country=country, currency=currency),) + EBAY_COLUMNS[1:]
    body: list[Cells] = []
    for row in _rows(shipments):
        carrier = _label(row, _EBAY_CARRIERS, carrier_labels) or row.carrier_name
        tail = (1, carrier, normalize_number(row.tracking_number))
        lines = [item.line_id for item in row.items if item.line_id] or [""]
        for line_id in lines:
            item_id, _, transaction_id = (line_id or "").partition("-")
            body.append(("Status", row.order_external_id, item_id, transaction_id) + tail)
    return _csv(header, body)


#: Channel name -> writer, for services that pick the writer from the order's channel.
WRITERS: dict[str, Callable[..., str]] = {
    "amazon": amazon_confirmation,
    "shopify": shopify_fulfillments,
    "woocommerce": woocommerce_tracking,
    "etsy": etsy_tracking_upload,
    "ebay": ebay_tracking_upload,
}
