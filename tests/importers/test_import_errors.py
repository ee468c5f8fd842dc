"""Every kind of bad input raises BadInput with the exact ``file:line: Column message`` text.

Line numbers are physical: the header is line 1 and a record holding a quoted
newline takes two lines.
"""

from __future__ import annotations

import pytest
from import_helpers import import_error, write

from oms_cli.core.errors import BadInput
from oms_cli.importers import ImportSettings, plan_units

SHOPIFY_HEADER = "Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Shipping Country,Notes\n"
GOOD_ROWS = (
    '#1001,a@example.com,paid,2026-11-20 10:00:00 +0100,1,Mug,18.00,MUG-SPK-BLU,US,"Two lines,\nof ""notes"""\n'
    "#1001,,,,2,Card,5.50,CARD-BDAY,,\n"
)


def shopify(bad_row: str, name: str = "shopify.csv") -> str:
    """A Shopify export whose fifth physical line is ``bad_row``."""
    return write(name, SHOPIFY_HEADER + GOOD_ROWS + bad_row)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "#1002,,paid,2026-11-21 10:00:00 +0000,two,Mug,18.00,MUG-SPK-BLU,US,\n",
            "Lineitem quantity 'two' is not a whole number",
        ),
        (
            "#1002,,paid,2026-11-21 10:00:00 +0000,0,Mug,18.00,MUG-SPK-BLU,US,\n",
            "Lineitem quantity '0' must be at least 1",
        ),
        (
            "#1002,,paid,2026-11-21 10:00:00 +0000,-2,Mug,18.00,MUG-SPK-BLU,US,\n",
            "Lineitem quantity '-2' must be at least 1",
        ),
        (
            "#1002,,paid,2026-11-21 10:00:00 +0000,1.5,Mug,18.00,MUG-SPK-BLU,US,\n",
            "Lineitem quantity '1.5' is not a whole number",
        ),
        ("#1002,,paid,2026-11-21 10:00:00 +0000,,Mug,18.00,MUG-SPK-BLU,US,\n", "Lineitem quantity is empty"),
        (
            "#1002,,paid,yesterday,1,Mug,18.00,MUG-SPK-BLU,US,\n",
            "Created at 'yesterday' is not a date (expected e.g. 2026-11-20 14:05:00 +0100)",
        ),
        (
            "#1002,,paid,2026-11-31 10:00:00 +0000,1,Mug,18.00,MUG-SPK-BLU,US,\n",
            "Created at '2026-11-31 10:00:00 +0000' is not a date (expected e.g. 2026-11-20 14:05:00 +0100)",
        ),
        (
            "#1002,,paid,2026-11-21 10:00:00 +0000,1,Mug,12.3x,MUG-SPK-BLU,US,\n",
            "Lineitem price '12.3x' is not an amount of money",
        ),
        (
            "#1002,,paid,2026-11-21 10:00:00 +0000,1,Mug,NaN,MUG-SPK-BLU,US,\n",
            "Lineitem price 'NaN' is not an amount of money",
        ),
        (
            "#1002,,paid,2026-11-21 10:00:00 +0000,1,Mug,18.00,MUG-SPK-BLU,Narnia,\n",
            "Shipping Country 'Narnia' is not a country oms knows (write its English name or ISO code)",
        ),
        (
            "#1002,,maybe,2026-11-21 10:00:00 +0000,1,Mug,18.00,MUG-SPK-BLU,US,\n",
            "Financial Status 'maybe' is not a Shopify financial status",
        ),
        (
            "#1002,,paid,2026-11-21 10:00:00 +0000,1,Mug,18.00,MUG-SPK-BLU,US,\n"
            "#1001,,paid,2026-11-21 10:00:00 +0000,1,Mug,18.00,MUG-SPK-BLU,US,\n",
            None,
        ),
    ],
)
def test_bad_shopify_cells(row: str, message: str | None) -> None:
    path = shopify(row)
    if message is None:
        # The split order: #1001 comes back on line 6 after #1002.
        assert (
            import_error(path)
            == "shopify.csv:6: Name '#1001' appears again; its rows must be together (it started at line 2)"
        )
        return
    assert import_error(path) == f"shopify.csv:5: {message}"


def test_row_with_too_few_fields() -> None:
    assert import_error(shopify("#1002,,paid,2026-11-21\n")) == "shopify.csv:5: has 4 fields but the header has 10"


def test_row_with_too_many_fields() -> None:
    row = "#1002,,paid,2026-11-21 10:00:00 +0000,1,Mug,18.00,MUG-SPK-BLU,US,,extra\n"
    assert import_error(shopify(row)) == "shopify.csv:5: has 11 fields but the header has 10"


def test_unterminated_quoted_field() -> None:
    row = '#1002,,paid,2026-11-21 10:00:00 +0000,1,"Mug,18.00,MUG-SPK-BLU,US,\n#1003,,paid,2026-11-21 10:00:00 +0000,1,Mug,18.00,MUG-SPK-BLU,US,\n'
    assert import_error(shopify(row)) == (
        "shopify.csv:5: a quoted field is never closed (this record runs to the end of the file)"
    )


def test_unterminated_quoted_field_in_a_large_file() -> None:
    row = "#{n},,paid,2026-11-21 10:00:00 +0000,1,Mug,18.00,MUG-SPK-BLU,US,\n"
    rest = "".join(row.format(n=n) for n in range(2000, 5000))
    bad = '#1002,,paid,2026-11-21 10:00:00 +0000,1,"Mug,18.00,MUG-SPK-BLU,US,\n'
    assert import_error(shopify(bad + rest)) == (
        "shopify.csv:5: has a field longer than the csv limit; a quoted field is probably never closed"
    )


def test_stray_quote_inside_a_quoted_field() -> None:
    row = '#1002,,paid,2026-11-21 10:00:00 +0000,1,"Mug "big" one",18.00,MUG-SPK-BLU,US,\n'
    assert import_error(shopify(row)) == 'shopify.csv:5: has a stray quote inside a quoted field (write "" for a quote)'


def test_missing_required_column_is_named() -> None:
    path = write("shopify.csv", "Name,Created at,Lineitem quantity\n#1,2026-11-20,1\n")
    assert import_error(path) == "shopify.csv:1: Lineitem sku column is missing"


def test_bytes_that_are_not_utf8_name_line_and_offset() -> None:
    data = (
        SHOPIFY_HEADER + GOOD_ROWS
    ).encode() + "#1002,,paid,2026-11-21 10:00:00 +0000,1,Müller mug,18.00,MUG,US,\n".encode("cp1252")
    offset = data.index(b"\xfc")
    assert import_error(write("shopify.csv", data)) == f"shopify.csv:5: byte 0xfc at offset {offset} is not UTF-8"


def test_bytes_that_are_not_utf8_deep_in_a_large_file() -> None:
    row = "#{n},,paid,2026-11-21 10:00:00 +0000,1,Mug,18.00,MUG-SPK-BLU,US,\n"
    body = "".join(row.format(n=n) for n in range(2000, 5000))
    data = SHOPIFY_HEADER.encode() + body.encode() + b"#9,,paid,2026-11-21 10:00:00 +0000,1,Caf\xe9,1,X,US,\n"
    offset = data.index(b"\xe9")
    assert import_error(write("shopify.csv", data)) == f"shopify.csv:3002: byte 0xe9 at offset {offset} is not UTF-8"


def test_bad_utf8_in_the_header_is_caught_when_planning() -> None:
    path = write("latin1.csv", "Name,Créé le\n".encode("latin-1"))
    with pytest.raises(BadInput) as caught:
        plan_units([path])
    assert caught.value.message == "latin1.csv:1: byte 0xe9 at offset 7 is not UTF-8"
    assert caught.value.hint and "UTF-8" in caught.value.hint


def test_empty_file() -> None:
    with pytest.raises(BadInput) as caught:
        plan_units([write("empty.csv", "")])
    assert caught.value.message == "empty.csv: is empty"


def test_blank_lines_only() -> None:
    with pytest.raises(BadInput) as caught:
        plan_units([write("blank.csv", "\r\n\r\n  \n")])
    assert caught.value.message == "blank.csv: is empty"


def test_header_only_file() -> None:
    assert import_error(write("shopify.csv", SHOPIFY_HEADER)) == "shopify.csv: has a header but no orders"


def test_binary_junk() -> None:
    junk = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"
    with pytest.raises(BadInput) as caught:
        plan_units([write("photo.csv", junk)])
    assert caught.value.message == "photo.csv:3: has a NUL byte at offset 8; this looks like binary data, not an export"


def test_binary_junk_without_nul_bytes() -> None:
    with pytest.raises(BadInput) as caught:
        plan_units([write("junk.csv", bytes(range(128, 256)) * 4)])
    assert caught.value.message == "junk.csv:1: byte 0x80 at offset 0 is not UTF-8"


def test_file_no_importer_recognises() -> None:
    path = write("notes.csv", "Date,Note,Who,When,Where,Why,How\n2026-11-20,hello,me,now,here,because,so\n")
    with pytest.raises(BadInput) as caught:
        plan_units([path])
    assert caught.value.message == (
        "notes.csv:1: is not an export oms recognises (header: Date, Note, Who, When, Where, Why, …)"
    )
    assert caught.value.hint and "--channel" in caught.value.hint


AMAZON_HEADER = "order-id\torder-item-id\tpurchase-date\tpayments-date\tsku\tproduct-name\tquantity-purchased\tship-service-level\tship-country\r\n"


def test_amazon_bad_quantity_and_date() -> None:
    good = "111-1\t9001\t2026-11-20T10:00:00+00:00\t\tMUG\tMug\t1\tStandard\tUS\r\n"
    path = write(
        "amazon.txt",
        AMAZON_HEADER + good + "111-2\t9002\t2026-11-20T10:00:00+00:00\t\tMUG\tMug\tmany\tStandard\tUS\r\n",
    )
    assert import_error(path) == "amazon.txt:3: quantity-purchased 'many' is not a whole number"
    path = write("amazon.txt", AMAZON_HEADER + "111-2\t9002\t20/11/2026\t\tMUG\tMug\t1\tStandard\tUS\r\n")
    assert (
        import_error(path)
        == "amazon.txt:2: purchase-date '20/11/2026' is not a date (expected e.g. 2026-11-20 14:05:00 +0100)"
    )


def test_woocommerce_bad_packed_item() -> None:
    header = "order_id,order_date,status,order_currency,shipping_country,line_items\n"
    rows = (
        '7,2026-11-20 10:00:00,processing,EUR,DE,"id:1|name:Mug|sku:MUG|quantity:1|total:18.00"\n'
        '8,2026-11-20 10:00:00,processing,EUR,DE,"id:2|name:Mug|sku:MUG|quantity:1|total:18.00;id:3|name:Card|sku:CARD|quantity:two|total:3.00"\n'
    )
    assert import_error(write("woo.csv", header + rows)) == "woo.csv:3: line_items item 2 'two' is not a whole number"
    rows = '7,2026-11-20 10:00:00,shipped,EUR,DE,"id:1|name:Mug|sku:MUG|quantity:1|total:18.00"\n'
    assert import_error(write("woo.csv", header + rows)) == (
        "woo.csv:2: status 'shipped' is not a WooCommerce order status "
        "(pending, on-hold, processing, completed, cancelled, failed, refunded)"
    )


def test_etsy_errors_name_the_file_they_are_in() -> None:
    orders = write(
        "EtsySoldOrders2026-11.csv",
        "Sale Date,Order ID,Full Name,Ship Country,Order Total\n11/20/26,1,Ann,United States,10.00\n11/21/26,2,Bob,United States,12.00\n",
    )
    items = write(
        "EtsySoldOrderItems2026-11.csv",
        "Sale Date,Item Name,Quantity,Price,Transaction ID,Order ID,SKU,Ship Country\n"
        "11/20/26,Mug,1,10.00,t1,1,MUG,United States\n"
        "2026-11-21,Card,1,12.00,t2,2,CARD,United States\n",
    )
    assert import_error(orders, items) == (
        "EtsySoldOrderItems2026-11.csv:3: Sale Date '2026-11-21' is not a date (expected e.g. 11/21/26)"
    )
    items = write(
        "EtsySoldOrderItems2026-11.csv",
        "Sale Date,Item Name,Quantity,Price,Transaction ID,Order ID,SKU,Ship Country\n11/20/26,Mug,1,10.00,t1,1,MUG,United States\n",
    )
    assert (
        import_error(orders, items)
        == "EtsySoldOrders2026-11.csv:3: Order ID '2' has no items in EtsySoldOrderItems2026-11.csv"
    )


def test_ebay_bad_money_and_rows_after_the_footer() -> None:
    header = "Sales Record Number,Order Number,Custom Label,Quantity,Sold For,Total Price,Sale Date,Ship To Country\r\n"
    good = "1,01-1,MUG,1,$18.00,$18.00,Nov-20-26,United States\r\n"
    path = write(
        "ebay.csv", "\r\n" + header + ",,,,,,,\r\n" + good + "2,01-2,MUG,1,$1.2.3a,$18.00,Nov-20-26,United States\r\n"
    )
    assert import_error(path) == "ebay.csv:5: Sold For '$1.2.3a' is not an amount of money"
    path = write("ebay.csv", "\r\n" + header + good + "1 record(s) downloaded,from Nov-20-26 to Nov-20-26\r\n" + good)
    assert import_error(path) == "ebay.csv:5: comes after the 'record(s) downloaded' footer"
    path = write("ebay.csv", "\r\n" + header + good + "2,01-2,MUG\r\n")
    assert import_error(path) == "ebay.csv:4: has 3 fields but the header has 8"
    path = write("ebay.csv", "\r\n" + header + "1,01-1,MUG,1,$18.00,$18.00,20.11.2026,United States\r\n")
    assert import_error(path) == "ebay.csv:3: Sale Date '20.11.2026' is not a date (expected e.g. Nov-21-26)"


def test_generic_csv_missing_mapped_column_has_a_hint() -> None:
    settings = ImportSettings(csv_columns={"external_id": "Order No"})
    path = write("sheet.csv", "Order No,placed_at,sku\nA,2026-11-20,MUG\n")
    with pytest.raises(BadInput) as caught:
        plan_units_and_read(path, settings)
    assert caught.value.message == "sheet.csv:1: quantity column is missing"
    assert caught.value.hint and "import.csv_columns" in caught.value.hint


def plan_units_and_read(path: str, settings: ImportSettings) -> None:
    from oms_cli.importers import read_unit

    for unit in plan_units([path], channel="csv"):
        list(read_unit(unit, settings))


def test_jsonl_errors() -> None:
    good = '{"channel": "shop", "external_id": "1", "placed_at": "2026-11-20T10:00:00Z", "lines": [{"sku": "MUG", "quantity": 1}]}\n'
    path = write(
        "orders.jsonl",
        good
        + '{"channel": "shop", "external_id": "2", "placed_at": "2026-11-20T10:00:00Z", "lines": [{"sku": "MUG", "quantity": 0}]}\n',
    )
    assert import_error(path) == "orders.jsonl:2: lines.0.quantity 0: input should be greater than 0"
    broken = '{"channel": "shop", "external_id": "2", "placed_at": "2026-11-20T10:00:00Z", "lines": []'
    path = write("orders.jsonl", good + "\n" + broken + "\r\n")
    column = len(broken) + 1
    assert import_error(path) == f"orders.jsonl:3: is not valid JSON (Expecting ',' delimiter at column {column})"
    path = write("orders.jsonl", '{"channel": "shop", "external_id": "1", "lines": [{"sku": "MUG", "quantity": 1}]}\n')
    assert import_error(path) == "orders.jsonl:1: placed_at field required"
    path = write("orders.jsonl", good.replace('"channel"', '"ref": "shop:9", "channel"'))
    assert import_error(path) == "orders.jsonl:1: ref 'shop:9' should be 'shop:1' (channel:external_id)"
    path = write("orders.jsonl", good.replace('"lines"', '"colour": "red", "lines"'))
    assert import_error(path) == 'orders.jsonl:1: colour "red": extra inputs are not permitted'
