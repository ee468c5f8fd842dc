"""Reading a products CSV (pure): columns by name, units, barcodes, locations, errors with file, line and column."""

from __future__ import annotations

import io

import pytest

from oms_cli.catalog.csvfile import CatalogFileError, read_products
from oms_cli.core.errors import BadInput
from oms_cli.warehouse.layout import Layout, parse_location

HEADER = (
    "sku,name,barcodes,length_mm,width_mm,height_mm,weight_g,fragile,keep_upright,packaging_class,locations,low_stock\n"
)
LAYOUT = Layout()


def check(code: str) -> str:
    return parse_location(code, LAYOUT).code


def read(text: str, **kw):  # type: ignore[no-untyped-def]
    return read_products(io.StringIO(text, newline=""), "products.csv", check_location=check, **kw)


def test_the_example_header() -> None:
    records, ignored = read(
        HEADER + "MUG,Blue mug,4006381333931|012345678905,120,90,100,350,yes,no,box,a3-b12-l2|A04-B01,3\n"
    )
    (r,) = records
    assert ignored == []
    assert r.sku == "MUG" and r.line == 2
    assert r.values == {
        "name": "Blue mug",
        "length_mm": 120,
        "width_mm": 90,
        "height_mm": 100,
        "weight_g": 350,
        "fragile": True,
        "keep_upright": False,
        "packaging_class": "box",
        "low_stock": 3,
    }
    assert r.barcodes == [("4006381333931", "ean13"), ("012345678905", "upca")]
    assert r.locations == ["A03-B12-L2", "A04-B01"]


def test_units_named_in_the_header() -> None:
    records, _ = read("sku,length_cm,width_in,height_cm,weight_kg\nA,12.5,2,1,0.35\n")
    assert records[0].values == {"length_mm": 125, "width_mm": 51, "height_mm": 10, "weight_g": 350}
    records, _ = read("SKU,Weight_lb,Weight Oz\nA,1,\n".replace(",Weight Oz", ""))
    assert records[0].values == {"weight_g": 454}


def test_plain_columns_take_the_configured_units_or_a_unit_in_the_cell() -> None:
    records, _ = read("sku,length,weight\nA,10,2\nB,30mm,500g\n", units={"length": "cm", "weight": "kg"})
    assert records[0].values == {"length_mm": 100, "weight_g": 2000}
    assert records[1].values == {"length_mm": 30, "weight_g": 500}


def test_columns_left_out_are_not_touched_and_unknown_ones_are_reported() -> None:
    records, ignored = read("sku,price,barcode\nA,9.99,\n")
    assert records[0].values == {}
    assert records[0].barcodes == [] and records[0].locations is None
    assert ignored == ["price"]


def problems(text: str) -> list[str]:
    with pytest.raises(CatalogFileError) as info:
        read(text)
    return info.value.problems


def test_a_bad_check_digit_names_file_line_and_column() -> None:
    text = (
        HEADER
        + "A,ok,4006381333931,,,,,,,,A01-B01,\n"
        + 'B,"two\nlines",,,,,,,,,A01-B02,\n'
        + "C,bad,4006381333932,,,,,,,,A01-B03,\n"
    )
    assert problems(text) == [
        "products.csv:5: barcodes '4006381333932' is not a valid EAN-13: the check digit should be 1, not 2"
    ]


def test_every_problem_is_listed() -> None:
    text = (
        "sku,weight_g,fragile,locations,barcodes\n"
        "A,heavy,maybe,Z9,\n"
        "A,1,no,A01-B01,\n"
        "B,1,no,A99-B01,96385074\n"
        "C,1,no,A01-B01,96385074\n"
    )
    got = problems(text)
    assert got[0].startswith("products.csv:2: weight_g 'heavy' is not a weight")
    assert got[1] == "products.csv:2: fragile 'maybe' is not yes or no"
    assert got[2].startswith("products.csv:2: locations location 'Z9' is not of the form")
    assert got[3] == "products.csv:3: sku 'A' is already on line 2"
    assert got[4].startswith("products.csv:4: locations location 'A99-B01': aisle 99 is outside the warehouse")
    assert got[5] == "products.csv:5: barcodes '96385074' is also the code of B on line 4"
    with pytest.raises(CatalogFileError) as info:
        read(text)
    assert "(and 5 more problems)" in info.value.message


def test_header_problems() -> None:
    with pytest.raises(BadInput, match=r"products.csv:1: no 'sku' column"):
        read("name,weight\nA,1\n")
    with pytest.raises(BadInput, match=r"products.csv:1: weight_cm names unit 'cm', which is not a unit of weight"):
        read("sku,weight_cm\nA,1\n")
    with pytest.raises(BadInput, match=r"products.csv:1: barcode says the same as column 'barcodes'"):
        read("sku,barcodes,barcode\nA,1,2\n")
    with pytest.raises(BadInput, match="is empty"):
        read("")
