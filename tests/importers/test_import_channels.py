"""Each channel's importer against sample files in each layout, the bundled examples and detection."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timezone
from decimal import Decimal

import pytest
from import_helpers import DATA, EXAMPLES, by_ref, read_orders, write

from oms_cli.core.errors import BadInput, NotFound
from oms_cli.importers import CHANNELS, ImportSettings, plan_units, read_unit
from oms_cli.importers.model import Order

UTC = UTC
EXAMPLE_FILES = [
    "shopify_orders.csv",
    "amazon_unshipped.txt",
    "woocommerce_orders.csv",
    "EtsySoldOrders2026-11.csv",
    "EtsySoldOrderItems2026-11.csv",
    "ebay_orders.csv",
]


def lines(order: dict) -> list[tuple]:
    return [(line["sku"], line["quantity"], line["unit_price"], line["line_id"]) for line in order["lines"]]


def test_every_order_has_exactly_the_canonical_keys() -> None:
    orders = read_orders(*(EXAMPLES / name for name in EXAMPLE_FILES))
    keys = Order.model_fields.keys()
    for order in orders:
        assert list(order) == list(keys)
        for part, model in (
            ("payment", "payment"),
            ("customer", "customer"),
            ("ship_to", "ship_to"),
            ("totals", "totals"),
        ):
            assert set(order[part]) == set(Order.model_fields[model].annotation.model_fields)  # type: ignore[union-attr]
        assert order["placed_at"].tzinfo is UTC


def test_the_bundled_examples_parse_into_thirty_varied_orders() -> None:
    orders = read_orders(*(EXAMPLES / name for name in EXAMPLE_FILES))
    assert len(orders) == 30
    assert {o["channel"] for o in orders} == {"shopify", "amazon", "woocommerce", "etsy", "ebay"}
    levels = {o["service_level"] for o in orders}
    assert levels == {"standard", "expedited", "next_day"}
    assert sum(1 for o in orders if o["notes"]) >= 3
    assert any(o["payment"]["status"] == "cod" for o in orders)
    assert any(o["payment"]["status"] == "pending" for o in orders)
    assert any(o["status"] == "cancelled" for o in orders)
    assert any(sum(line_["quantity"] for line_ in o["lines"]) >= 10 for o in orders)
    assert {"US", "CA", "GB", "DE", "FR", "AU"} <= {o["ship_to"]["country"] for o in orders}
    assert any(any("\u0370" <= ch <= "\u04ff" for ch in o["ship_to"]["name"] or "") for o in orders)
    for order in orders:
        assert datetime(2026, 11, 20, tzinfo=UTC) <= order["placed_at"] < datetime(2026, 11, 26, tzinfo=UTC)
        for email in (order["customer"]["email"] or "x@example.com",):
            assert email.endswith(("example.com", "example.org"))


def test_example_skus_are_in_the_example_catalog_and_stock() -> None:
    import csv

    with open(EXAMPLES / "products.csv", encoding="utf-8") as stream:
        products = {row["sku"]: row for row in csv.DictReader(stream)}
    with open(EXAMPLES / "stock.csv", encoding="utf-8") as stream:
        stock = list(csv.DictReader(stream))
    assert "THANKYOU-CARD" in products and 13 <= len(products) <= 21
    ordered: dict[str, int] = {}
    for order in read_orders(*(EXAMPLES / name for name in EXAMPLE_FILES)):
        for line in order["lines"]:
            assert line["sku"] in products
            if order["status"] != "cancelled":
                ordered[line["sku"]] = ordered.get(line["sku"], 0) + line["quantity"]
    on_hand: dict[str, int] = {}
    for row in stock:
        assert row["location"] in products[row["sku"]]["locations"].split("|")
        on_hand[row["sku"]] = on_hand.get(row["sku"], 0) + int(row["quantity"])
    short = [sku for sku, wanted in ordered.items() if wanted > on_hand.get(sku, 0)]
    assert short == ["THROW-KNIT"]
    for product in products.values():
        for code in product["barcodes"].split("|"):
            digits = [int(d) for d in code]
            assert len(digits) == 13
            assert (sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) + digits[12]) % 10 == 0
        for location in product["locations"].split("|"):
            aisle, bay, _level = location.split("-")
            assert 1 <= int(aisle[1:]) <= 12 and 1 <= int(bay[1:]) <= 20
        assert product["fragile"] in ("true", "false") and product["keep_upright"] in ("true", "false")


def test_shopify_older_export_with_bom_quotes_newlines_and_extra_columns() -> None:
    orders = by_ref(read_orders(DATA / "shopify_older.csv"))
    assert list(orders) == ["shopify:2001", "shopify:2002", "shopify:2003", "shopify:2004"]
    first = orders["shopify:2001"]
    assert first["external_id"] == "2001"
    assert first["placed_at"] == datetime(2026, 11, 21, 7, 30, tzinfo=UTC)
    assert first["notes"] == 'Ring twice, say "parcel", then wait.\nThe dog is friendly, honest.'
    assert first["tags"] == ["vip", "repeat", "big"]
    assert first["ship_to"]["postal_code"] == "07102"
    assert first["ship_to"]["address1"] == "12 Elm St"
    assert first["service_level"] == "expedited" and first["shipping_method"] == "UPS 2nd Day Air"
    assert first["totals"]["subtotal"] == Decimal("1234.50") and first["totals"]["total"] == Decimal("1244.50")
    assert first["payment"] == {"status": "paid", "method": "Shopify Payments", "reference": "c123.1"}
    assert lines(first) == [
        ("BOARD-OAK", 1, Decimal("1234.50"), None),
        ("COASTER-SET4", 2, Decimal("9.50"), None),
        ("CARD-BDAY", 1, Decimal("0"), None),
    ]
    assert orders["shopify:2002"]["payment"]["status"] == "cod"
    assert orders["shopify:2003"]["status"] == "cancelled"
    assert orders["shopify:2003"]["payment"]["status"] == "partially_refunded"
    assert orders["shopify:2003"]["service_level"] == "next_day"
    assert orders["shopify:2004"]["payment"]["status"] == "pending"  # authorized
    assert orders["shopify:2004"]["ship_to"]["postal_code"] == "01067"


def test_shopify_financial_statuses_from_the_examples() -> None:
    orders = by_ref(read_orders(EXAMPLES / "shopify_orders.csv"))
    assert orders["shopify:1043"]["payment"]["status"] == "pending"
    assert orders["shopify:1048"]["status"] == "cancelled"
    assert orders["shopify:1048"]["payment"]["status"] == "voided"
    assert orders["shopify:1044"]["service_level"] == "next_day"
    assert orders["shopify:1046"]["ship_to"]["city"] == "Αθήνα"


def test_billing_addresses_where_the_channel_gives_them() -> None:
    shopify = by_ref(read_orders(EXAMPLES / "shopify_orders.csv"))
    # billed to the buyer's firm, shipped to his flat
    assert shopify["shopify:1044"]["bill_to"] == {
        "name": "Daniel Okafor",
        "company": "Okafor & Reyes LLP",
        "address1": "1250 Broadway",
        "address2": "Suite 300",
        "address3": None,
        "city": "New York",
        "province": "NY",
        "postal_code": "10001",
        "country": "US",
        "phone": "+1 212-555-0163",
    }
    assert shopify["shopify:1044"]["ship_to"]["address1"] == "350 W 31st St"
    assert (
        shopify["shopify:1042"]["bill_to"]["postal_code"] == "02116"
    )  # the apostrophe before a zip code is dropped here too
    assert shopify["shopify:1046"]["bill_to"]["country"] == "GR"
    woo = by_ref(read_orders(EXAMPLES / "woocommerce_orders.csv"))
    assert woo["woocommerce:2150"]["bill_to"]["address1"] == "Invalidenstraße 44"
    assert (
        woo["woocommerce:2150"]["bill_to"]["name"] == "Jonas Becker"
        and woo["woocommerce:2150"]["bill_to"]["country"] == "DE"
    )
    # Amazon's, Etsy's and eBay's reports carry no billing address
    for name in ("amazon_unshipped.txt", "ebay_orders.csv"):
        assert {o["bill_to"] for o in read_orders(EXAMPLES / name)} == {None}
    etsy = read_orders(EXAMPLES / "EtsySoldOrders2026-11.csv", EXAMPLES / "EtsySoldOrderItems2026-11.csv")
    assert {o["bill_to"] for o in etsy} == {None}


def test_amazon_newer_report_keeps_item_ids_and_quantity_to_ship() -> None:
    orders = by_ref(read_orders(DATA / "amazon_newer.txt"))
    first = orders["amazon:205-1111111-2222222"]
    assert first["placed_at"] == datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    assert first["payment"]["status"] == "paid"
    assert first["service_level"] == "next_day"
    assert first["tags"] == ["prime", "business"]
    assert first["currency"] is None and first["totals"]["total"] is None
    assert lines(first) == [("MUG-SPK-BLU", 2, None, "11111111111111"), ("CARD-BDAY", 1, None, "11111111111112")]
    assert first["lines"][0]["name"] == 'Mug 12" tall, "speckled"'
    second = orders["amazon:205-3333333-4444444"]
    assert second["payment"]["status"] == "pending"
    assert second["service_level"] == "expedited"
    assert second["ship_to"]["country"] == "FR"


def test_amazon_example_levels() -> None:
    levels = {o["external_id"]: o["service_level"] for o in read_orders(EXAMPLES / "amazon_unshipped.txt")}
    assert levels["112-9936720-4455210"] == "next_day"  # NextDay
    assert levels["114-2203918-7781043"] == "expedited"  # Expedited
    assert levels["113-0087712-9918274"] == "expedited"  # SecondDay
    assert levels["113-4827191-2736201"] == "standard"


def test_woocommerce_packed_line_items() -> None:
    orders = by_ref(read_orders(EXAMPLES / "woocommerce_orders.csv"))
    cod = orders["woocommerce:2151"]
    assert cod["payment"] == {"status": "cod", "method": "cod", "reference": None}
    assert cod["notes"] == "Merci de sonner deux fois, l'interphone ne marche pas."
    assert cod["service_level"] == "expedited"
    assert lines(cod) == [("DIFFUSER-LAV", 1, Decimal("28.00"), "910"), ("TEATOWEL-LIN", 2, Decimal("12.00"), "911")]
    assert orders["woocommerce:2152"]["payment"]["status"] == "pending"  # on-hold
    assert orders["woocommerce:2153"]["payment"]["status"] == "paid"  # completed
    assert orders["woocommerce:2155"]["status"] == "cancelled"
    assert orders["woocommerce:2152"]["ship_to"]["city"] == "München"
    assert orders["woocommerce:2150"]["currency"] == "EUR"


def test_woocommerce_one_row_per_item() -> None:
    orders = by_ref(read_orders(DATA / "woocommerce_per_item.csv"))
    first = orders["woocommerce:301"]
    assert lines(first) == [("MUG-SPK-BLU", 2, Decimal("18.00"), "1"), ("CANDLE-FIG", 1, Decimal("31.00"), "2")]
    assert first["lines"][0]["name"] == "Mug | blue"
    assert first["notes"] == "Bitte klingeln | danke; wirklich"
    assert first["customer"]["name"] == "Anna Schmidt"
    assert first["placed_at"] == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    assert first["payment"]["status"] == "paid"  # wc-processing
    assert first["totals"]["discount"] == Decimal("5.00")
    assert orders["woocommerce:302"]["payment"]["status"] == "cod"
    assert orders["woocommerce:302"]["ship_to"]["country"] == "FR"
    assert orders["woocommerce:302"]["lines"][0]["unit_price"] == Decimal("3.33")
    assert (orders["woocommerce:303"]["status"], orders["woocommerce:303"]["payment"]["status"]) == (
        "cancelled",
        "voided",
    )
    assert orders["woocommerce:304"]["payment"]["status"] == "refunded"


def test_woocommerce_webtoffee_line_item_columns() -> None:
    orders = by_ref(read_orders(DATA / "woocommerce_webtoffee.csv"))
    first = orders["woocommerce:5001"]
    assert lines(first) == [("BOARD-OAK", 1, Decimal("45.00"), None), ("CARD-BDAY", 2, Decimal("1.50"), None)]
    assert first["customer"]["email"] == "tom@example.org"
    assert first["shipping_method"] == "Royal Mail Tracked 48"
    assert orders["woocommerce:5002"]["payment"]["status"] == "cod"
    assert orders["woocommerce:5002"]["ship_to"]["country"] == "GB"


def test_etsy_pair_joined_on_order_id() -> None:
    units = plan_units([str(EXAMPLES / "EtsySoldOrderItems2026-11.csv"), str(EXAMPLES / "EtsySoldOrders2026-11.csv")])
    assert len(units) == 1 and units[0].channel == "etsy" and len(units[0].sources) == 2
    orders = by_ref(read_orders(EXAMPLES / "EtsySoldOrders2026-11.csv", EXAMPLES / "EtsySoldOrderItems2026-11.csv"))
    first = orders["etsy:3401187722"]
    assert first["placed_at"] == datetime(2026, 11, 20, tzinfo=UTC)
    assert first["ship_to"]["country"] == "GB"
    assert first["totals"]["total"] == Decimal("39.00")
    assert [line["sku"] for line in first["lines"]] == ["CARD-BDAY", "NOTEBOOK-A5"]
    assert orders["etsy:3402290015"]["ship_to"]["country"] == "AU"


def test_etsy_en_gb_labels() -> None:
    orders = by_ref(read_orders(DATA / "EtsySoldOrders2026-10.csv", DATA / "EtsySoldOrderItems2026-10.csv"))
    assert list(orders) == ["etsy:2901", "etsy:2902"]
    first = orders["etsy:2901"]
    assert first["ship_to"]["city"] == "York" and first["ship_to"]["postal_code"] == "YO1 9RN"
    assert first["ship_to"]["province"] == "North Yorkshire"
    assert first["totals"]["shipping"] == Decimal("3.50") and first["totals"]["total"] == Decimal("30.50")
    assert first["totals"]["subtotal"] == Decimal("29.00")
    assert first["currency"] == "GBP"
    assert lines(first) == [("CARD-BDAY", 2, Decimal("5.00"), "t1"), ("NOTEBOOK-A5", 1, Decimal("19.00"), "t2")]
    assert first["lines"][0]["name"] == "Birthday card (Colour:Red)"
    second = orders["etsy:2902"]
    assert second["status"] == "cancelled"
    assert second["customer"]["name"] == "Owen Price"  # First Name + Last Name
    assert second["ship_to"]["country"] == "GB"  # "Wales"
    assert second["placed_at"] == datetime(2026, 10, 31, tzinfo=UTC)


def test_etsy_items_file_alone() -> None:
    orders = read_orders(DATA / "EtsySoldOrderItems2026-10.csv")
    assert [o["ref"] for o in orders] == ["etsy:2902", "etsy:2901"]
    assert orders[1]["ship_to"]["city"] == "York"


def test_etsy_orders_file_alone_is_refused() -> None:
    with pytest.raises(BadInput) as caught:
        plan_units([str(DATA / "EtsySoldOrders2026-10.csv")])
    assert "Sold Order Items" in caught.value.message


def test_ebay_summary_row_then_item_rows_with_footer() -> None:
    orders = by_ref(read_orders(EXAMPLES / "ebay_orders.csv"))
    assert len(orders) == 4
    multi = orders["ebay:12-10990-11223"]
    assert lines(multi) == [
        ("COASTER-SET4", 1, Decimal("9.50"), "254113300902-2600120377"),
        ("CUSHION-WOOL", 1, Decimal("38.00"), "254113300915-2600120378"),
    ]
    assert multi["totals"]["shipping"] == Decimal("8.00") and multi["totals"]["total"] == Decimal("55.50")
    assert multi["notes"] == "Please ship in plain packaging, it's a surprise."
    assert multi["service_level"] == "expedited"  # USPS Priority Mail
    assert multi["currency"] == "USD"
    assert orders["ebay:12-10987-65432"]["ship_to"]["country"] == "AU"
    assert orders["ebay:12-11002-77889"]["ship_to"]["country"] == "CA"


def test_ebay_one_full_row_per_item() -> None:
    orders = by_ref(read_orders(DATA / "ebay_per_item.csv"))
    first = orders["ebay:07-12345-67890"]
    assert first["currency"] == "GBP"
    assert first["placed_at"] == datetime(2026, 11, 21, 18, 45, 10, tzinfo=UTC)
    assert lines(first) == [
        ("MUG-SPK-GRN", 2, Decimal("18.00"), "111-9001"),
        ("BOARD-OAK", 1, Decimal("1045.00"), "112-9002"),
    ]
    assert first["totals"]["total"] == Decimal("1084.00")
    assert first["payment"]["status"] == "paid"
    second = orders["ebay:07-12345-99999"]
    assert second["payment"]["status"] == "pending"
    assert second["ship_to"]["country"] == "US"


def test_generic_csv_with_a_column_mapping() -> None:
    settings = ImportSettings.from_config(
        {
            "csv_channel": "wholesale",
            "csv_columns": {
                "external_id": "Order No",
                "placed_at": "Date",
                "sku": "Item",
                "quantity": "Qty",
                "unit_price": "Each",
                "customer_name": "Customer",
                "address1": "Street",
                "city": "Town",
                "postal_code": "Postcode",
                "country": "Country",
                "shipping_method": "Method",
                "payment_status": "Paid?",
                "notes": "Instructions",
            },
        }
    )
    orders = by_ref(read_orders(DATA / "generic_orders.csv", channel="csv", settings=settings))
    first = orders["wholesale:W-1"]
    assert lines(first) == [("MUG-SPK-BLU", 2, Decimal("18.00"), None), ("COASTER-SET4", 1, Decimal("9.50"), None)]
    assert first["ship_to"]["country"] == "CZ" and first["service_level"] == "next_day"
    assert orders["wholesale:W-2"]["payment"]["status"] == "cod"
    assert orders["wholesale:W-2"]["notes"] == "Call first"


def test_generic_csv_with_canonical_headers_is_detected() -> None:
    path = write(
        "sheet.csv",
        "external_id,placed_at,sku,quantity,country\nA1,2026-11-20,MUG-SPK-BLU,1,Deutschland\n",
    )
    (unit,) = plan_units([path])
    assert unit.channel == "csv"
    (order,) = read_unit(unit, ImportSettings())
    assert order["ref"] == "csv:A1" and order["ship_to"]["country"] == "DE"


def test_generic_csv_billing_fields() -> None:
    path = write(
        "sheet.csv",
        "external_id,placed_at,sku,quantity,customer_name,address1,city,country,bill_company,bill_address1,bill_city,bill_postal_code,bill_country\n"
        "A1,2026-11-20,MUG-SPK-BLU,1,Ann Lee,1 Home Rd,Leeds,GB,Lee Ltd,9 Office Park,York,'YO1 7HH,United Kingdom\n"
        "A2,2026-11-20,MUG-SPK-BLU,1,Bo Chan,2 Home Rd,Leeds,GB,,,,,\n",
    )
    (unit,) = plan_units([path])
    first, second = read_unit(unit, ImportSettings())
    assert first["bill_to"] == {
        "name": "Ann Lee",
        "company": "Lee Ltd",
        "address1": "9 Office Park",
        "address2": None,
        "address3": None,
        "city": "York",
        "province": None,
        "postal_code": "YO1 7HH",
        "country": "GB",
        "phone": None,
    }
    assert second["bill_to"] is None


def test_an_unknown_billing_country_is_left_out_not_refused() -> None:
    path = write(
        "sheet.csv",
        "external_id,placed_at,sku,quantity,country,bill_address1,bill_city,bill_country\n"
        "A1,2026-11-20,MUG-SPK-BLU,1,GB,9 Office Park,York,Narnia\n",
    )
    (order,) = read_unit(plan_units([path])[0], ImportSettings())
    assert order["bill_to"]["city"] == "York" and order["bill_to"]["country"] is None
    assert order["ship_to"]["country"] == "GB"  # the ship-to country is still checked strictly
    shopify = (
        (EXAMPLES / "shopify_orders.csv")
        .read_text(encoding="utf-8-sig")
        .replace("Okafor & Reyes LLP,New York,10001,NY,US,", "Okafor & Reyes LLP,New York,10001,NY,Narnia,", 1)
    )
    assert "Narnia" in shopify
    orders = by_ref(read_orders(write("orders_export.csv", shopify)))
    assert orders["shopify:1044"]["bill_to"]["country"] is None and orders["shopify:1044"]["ship_to"]["country"] == "US"


@pytest.mark.parametrize(
    ("name", "channel"),
    [
        ("shopify_orders.csv", "shopify"),
        ("amazon_unshipped.txt", "amazon"),
        ("woocommerce_orders.csv", "woocommerce"),
        ("EtsySoldOrderItems2026-11.csv", "etsy"),
        ("ebay_orders.csv", "ebay"),
    ],
)
def test_detection_of_the_examples(name: str, channel: str) -> None:
    (unit,) = plan_units([str(EXAMPLES / name)])
    assert unit.channel == channel
    assert unit.name == str(EXAMPLES / name)
    assert unit.size == (EXAMPLES / name).stat().st_size


def test_detection_of_the_other_layouts() -> None:
    expected = {
        "shopify_older.csv": "shopify",
        "amazon_newer.txt": "amazon",
        "woocommerce_per_item.csv": "woocommerce",
        "woocommerce_webtoffee.csv": "woocommerce",
        "EtsySoldOrderItems2026-10.csv": "etsy",
        "ebay_per_item.csv": "ebay",
        "orders.jsonl": "jsonl",
    }
    found = {name: plan_units([str(DATA / name)])[0].channel for name in expected}
    assert found == expected


def test_channel_named_explicitly_skips_detection() -> None:
    (unit,) = plan_units([str(EXAMPLES / "shopify_orders.csv")], channel="shopify")
    assert unit.channel == "shopify"
    assert set(CHANNELS) == {"shopify", "amazon", "woocommerce", "etsy", "ebay", "csv", "jsonl"}


def test_standard_input_is_read_once_and_named_stdin() -> None:
    data = (EXAMPLES / "amazon_unshipped.txt").read_bytes()
    (unit,) = plan_units(["-"], stdin=io.BytesIO(data))
    assert unit.name == "<stdin>" and unit.channel == "amazon"
    assert len(list(read_unit(unit, ImportSettings()))) == 6


def test_missing_file_is_not_found() -> None:
    with pytest.raises(NotFound) as caught:
        plan_units(["nowhere.csv"])
    assert caught.value.message == "nowhere.csv: no such file"


def test_progress_reports_bytes_up_to_the_unit_size() -> None:
    (unit,) = plan_units([str(EXAMPLES / "EtsySoldOrders2026-11.csv"), str(EXAMPLES / "EtsySoldOrderItems2026-11.csv")])
    seen: list[int] = []
    list(read_unit(unit, ImportSettings(), progress=seen.append))
    assert seen and seen[-1] == unit.size
    assert seen == sorted(seen)


def test_order_rows_of_a_shopify_export_are_streamed() -> None:
    """The first order comes out before the file has been read to its end."""
    import csv

    rows = [["Name", "Created at", "Lineitem quantity", "Lineitem sku"]]
    rows += [[f"#{n}", "2026-11-20 10:00:00 +0000", "1", "MUG-SPK-BLU"] for n in range(1, 20001)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = write("big.csv", buffer.getvalue())
    (unit,) = plan_units([path])
    seen: list[int] = []
    orders = read_unit(unit, ImportSettings(), progress=seen.append)
    next(orders)
    assert not seen or seen[-1] < unit.size
    orders.close()


def test_importing_the_package_and_reading_csv_stays_light() -> None:
    """The CLI imports this package for --help; CSV channels never need pydantic or a database."""
    import subprocess
    import sys

    code = (
        "import sys; from oms_cli.importers import plan_units, read_unit, ImportSettings;"
        f"[list(read_unit(u, ImportSettings())) for u in plan_units([{str(EXAMPLES / 'shopify_orders.csv')!r}])];"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'sqlalchemy', 'sqlmodel', 'typer', 'rich'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
