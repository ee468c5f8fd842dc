"""Shipping-confirmation upload files: exact column layouts per channel."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timezone

import pytest

from oms_cli.core.errors import BadInput
from oms_cli.shipping.channel_export import (
    AMAZON_COLUMNS,
    ETSY_COLUMNS,
    SHOPIFY_COLUMNS,
    WOOCOMMERCE_COLUMNS,
    WRITERS,
    ShipmentRow,
    ShippedItem,
    amazon_confirmation,
    ebay_tracking_upload,
    etsy_tracking_upload,
    shipment_row,
    shopify_fulfillments,
    woocommerce_tracking,
)

UPS_PARCEL = ShipmentRow(
    order_external_id="113-4000012-1000084",
    items=(ShippedItem(1, "05835637773450", "MUG-1"), ShippedItem(2, "05835637773451", "TEE-M")),
    ship_date=date(2025, 10, 8),
    carrier_code="ups",
    carrier_name="UPS",
    tracking_number="1Z 5R8 939 0357 5671 27",
    service="Ground",
)
LOCAL_PARCEL = {
    "order_external_id": "1002",
    "items": [{"quantity": 1, "sku": "CAP-BLK"}],
    "ship_date": datetime(2025, 10, 9, 16, 30, tzinfo=UTC),
    "carrier_code": "Royal Mail",
    "carrier_name": "Royal Mail",
    "tracking_number": "rb123456785gb",
    "notify_customer": False,
}


def test_amazon_confirmation_layout() -> None:
    text = amazon_confirmation([UPS_PARCEL, LOCAL_PARCEL])
    assert text == (
        "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method\r\n"
        "113-4000012-1000084\t05835637773450\t1\t2025-10-08\tUPS\t\t1Z5R89390357567127\tGround\r\n"
        "113-4000012-1000084\t05835637773451\t2\t2025-10-08\tUPS\t\t1Z5R89390357567127\tGround\r\n"
        "1002\t\t1\t2025-10-09\tOther\tRoyal Mail\tRB123456785GB\t\r\n"
    )
    header = text.split("\r\n")[0].split("\t")
    assert tuple(header) == AMAZON_COLUMNS


def test_amazon_whole_order_without_item_ids_and_carrier_code_override() -> None:
    row = ShipmentRow("113-1", (), date(2025, 1, 2), "gls", "GLS", "123", None)
    text = amazon_confirmation([row], carrier_codes={"gls": "GLS"})
    assert text.splitlines()[1] == "113-1\t\t\t2025-01-02\tGLS\t\t123\t"


def test_amazon_strips_tabs_and_newlines_from_values() -> None:
    row = ShipmentRow("113-2", (ShippedItem(1, "1"),), date(2025, 1, 2), "x", "Local\tCourier\nLtd", "N1", "Two\tDay")
    line = amazon_confirmation([row]).split("\r\n")[1]
    assert line.split("\t") == ["113-2", "1", "1", "2025-01-02", "Other", "Local Courier Ltd", "N1", "Two Day"]


def test_shopify_fulfillments_layout() -> None:
    row = ShipmentRow(
        "1001",
        (ShippedItem(2, "11111", "MUG-1"),),
        date(2025, 10, 8),
        "canadapost",
        "Canada Post",
        "0073938000549297",
        "Expedited Parcel",
    )
    text = shopify_fulfillments([row, LOCAL_PARCEL])
    assert text == (
        "Order Name,Line Item ID,SKU,Quantity,Tracking Number,Tracking Company,Tracking URL,"
        "Notify Customer,Fulfilled At,Shipping Method\r\n"
        "#1001,11111,MUG-1,2,0073938000549297,Canada Post,"
        "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=0073938000549297,"
        "TRUE,2025-10-08,Expedited Parcel\r\n"
        "#1002,,CAP-BLK,1,RB123456785GB,Royal Mail,,FALSE,2025-10-09,\r\n"
    )
    assert tuple(next(csv.reader(io.StringIO(text)))) == SHOPIFY_COLUMNS


def test_shopify_uses_url_overrides_and_keeps_given_urls() -> None:
    overrides = {"royal_mail": "https://rm.example/track/%s"}
    rows = list(csv.DictReader(io.StringIO(shopify_fulfillments([LOCAL_PARCEL], url_overrides=overrides))))
    assert rows[0]["Tracking URL"] == "https://rm.example/track/RB123456785GB"
    given = ShipmentRow(
        "#1003", (), date(2025, 1, 1), "ups", "UPS", "1Z5R89390357567127", tracking_url="https://x.example/1"
    )
    rows = list(csv.DictReader(io.StringIO(shopify_fulfillments([given]))))
    assert rows[0]["Order Name"] == "#1003"
    assert rows[0]["Tracking URL"] == "https://x.example/1"
    assert rows[0]["Quantity"] == ""


def test_woocommerce_tracking_layout() -> None:
    text = woocommerce_tracking([UPS_PARCEL, LOCAL_PARCEL])
    assert text == (
        "order_id,tracking_provider,tracking_number,date_shipped,status_shipped\r\n"
        "113-4000012-1000084,UPS,1Z5R89390357567127,08-10-2025,1\r\n"
        "1002,Royal Mail,RB123456785GB,09-10-2025,1\r\n"
    )
    assert tuple(text.split("\r\n")[0].split(",")) == WOOCOMMERCE_COLUMNS


def test_woocommerce_per_item_and_us_dates() -> None:
    text = woocommerce_tracking([UPS_PARCEL], per_item=True, date_format="%m-%d-%Y")
    assert text == (
        "order_id,tracking_provider,tracking_number,date_shipped,status_shipped,sku,qty\r\n"
        "113-4000012-1000084,UPS,1Z5R89390357567127,10-08-2025,1,MUG-1,1\r\n"
        "113-4000012-1000084,UPS,1Z5R89390357567127,10-08-2025,1,TEE-M,2\r\n"
    )


def test_etsy_tracking_layout_one_row_per_order_and_number() -> None:
    text = etsy_tracking_upload([UPS_PARCEL, UPS_PARCEL, LOCAL_PARCEL])
    assert text == (
        "Order ID,Tracking Number,Carrier,Ship Date\r\n"
        "113-4000012-1000084,1Z5R89390357567127,UPS,10/08/2025\r\n"
        "1002,RB123456785GB,Royal Mail,10/09/2025\r\n"
    )
    assert tuple(text.split("\r\n")[0].split(",")) == ETSY_COLUMNS


def test_ebay_tracking_layout() -> None:
    row = ShipmentRow(
        "12-34567-89012",
        (ShippedItem(1, "110012345678-2000123456789"), ShippedItem(1, None)),
        date(2025, 10, 8),
        "usps",
        "USPS",
        "9400 1112 0620 6406 2607 87",
        None,
    )
    text = ebay_tracking_upload([row, LOCAL_PARCEL], site="UK", country="GB", currency="GBP")
    assert text == (
        "Action(SiteID=UK|Country=GB|Currency=GBP|Version=1193|CC=UTF-8),OrderID,ItemID,TransactionID,"
        "ShippingStatus,ShippingCarrierUsed,ShipmentTrackingNumber\r\n"
        "Status,12-34567-89012,110012345678,2000123456789,1,USPS,9400111206206406260787\r\n"
        "Status,1002,,,1,Royal Mail,RB123456785GB\r\n"
    )


def test_values_with_commas_and_quotes_are_quoted() -> None:
    row = ShipmentRow("1004", (), date(2025, 1, 1), "x", 'Fast, "Cheap" Couriers', "N1")
    line = woocommerce_tracking([row]).split("\r\n")[1]
    assert line == '1004,"Fast, ""Cheap"" Couriers",N1,01-01-2025,1'


@pytest.mark.parametrize("channel", sorted(WRITERS))
def test_bad_rows_are_refused(channel: str) -> None:
    writer = WRITERS[channel]
    with pytest.raises(BadInput, match="shipment 1005: tracking number is empty"):
        writer([ShipmentRow("1005", (), date(2025, 1, 1), "ups", "UPS", "  ")])
    with pytest.raises(BadInput, match="quantity 0 of line L1 is not positive"):
        writer([ShipmentRow("1005", (ShippedItem(0, "L1"),), date(2025, 1, 1), "ups", "UPS", "1Z")])
    with pytest.raises(BadInput, match="order id is empty"):
        writer([ShipmentRow(" ", (), date(2025, 1, 1), "ups", "UPS", "1Z")])


def test_shipment_row_from_dict() -> None:
    row = shipment_row(LOCAL_PARCEL)
    assert row.items == (ShippedItem(quantity=1, sku="CAP-BLK"),)
    assert row.notify_customer is False


@pytest.mark.parametrize("channel", sorted(WRITERS))
def test_empty_input_gives_header_only(channel: str) -> None:
    text = WRITERS[channel]([])
    assert text.endswith("\r\n") and text.count("\r\n") == 1
