"""`oms products import|list|show|set` against a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalog_helpers import EXAMPLES, store_digest

HEADER = (
    "sku,name,barcodes,length_mm,width_mm,height_mm,weight_g,fragile,keep_upright,packaging_class,locations,low_stock\n"
)
ROWS = (
    "MUG,Blue mug,4006381333931|012345678905,120,90,100,350,yes,no,box,A03-B12-L2|A04-B01,3\n"
    "TEE,T-shirt,,300,200,20,180,no,no,polybag,a1-b2,\n"
)


@pytest.fixture
def products_csv(oms_home: Path) -> Path:
    path = oms_home / "products.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def test_import_then_again_changes_nothing(oms, products_csv: Path, db_path: Path) -> None:
    r = oms("--json", "products", "import", products_csv)
    assert r.exit_code == 0, r.stderr
    assert r.json() | {"file": None} == {
        "file": None,
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "ignored_columns": [],
        "dry_run": False,
    }
    before = store_digest(db_path)
    r = oms("--json", "products", "import", products_csv)
    assert (r.json()["new"], r.json()["updated"], r.json()["unchanged"]) == (0, 0, 2)
    assert store_digest(db_path) == before


def test_list_show_and_show_by_barcode(oms, products_csv: Path) -> None:
    oms("products", "import", products_csv)
    rows = oms("--json", "products", "list").json()
    assert [p["sku"] for p in rows] == ["MUG", "TEE"]
    assert rows[1]["locations"] == ["A01-B02"]
    mug = oms("--json", "products", "show", "012345678905").json()
    assert mug["sku"] == "MUG"
    assert mug["locations"] == ["A03-B12-L2", "A04-B01"]
    assert {b["code"]: b["symbology"] for b in mug["barcodes"]} == {"4006381333931": "ean13", "012345678905": "upca"}
    r = oms("products", "show", "MUG")
    assert "A03-B12-L2, A04-B01 (first is primary)" in r.stdout
    assert oms("products", "show", "NOPE").exit_code == 4


def test_a_bad_row_changes_nothing_and_names_file_line_and_column(
    oms, products_csv: Path, oms_home: Path, db_path: Path
) -> None:
    oms("products", "import", products_csv)
    before = store_digest(db_path)
    bad = oms_home / "more.csv"
    bad.write_text(
        HEADER
        + "NEW,New thing,,1,1,1,1,no,no,,A01-B01,\n"
        + "MUG,Blue mug,4006381333932,120,90,100,350,yes,no,box,A03-B12-L2,3\n",
        encoding="utf-8",
    )
    r = oms("products", "import", bad)
    assert r.exit_code == 3
    assert f"{bad}:3: barcodes '4006381333932' is not a valid EAN-13" in r.stderr
    assert r.stdout == ""
    assert store_digest(db_path) == before


def test_a_barcode_of_another_product_is_refused(oms, products_csv: Path, oms_home: Path, db_path: Path) -> None:
    oms("products", "import", products_csv)
    before = store_digest(db_path)
    other = oms_home / "other.csv"
    other.write_text("sku,barcodes\nCUP,4006381333931\n", encoding="utf-8")
    r = oms("products", "import", other)
    assert r.exit_code == 3
    assert f"{other}:2: barcodes '4006381333931' is already the code of MUG" in r.stderr
    assert store_digest(db_path) == before
    # Moving the code is fine when the file also gives MUG its new codes.
    other.write_text("sku,barcodes\nCUP,4006381333931\nMUG,012345678905\n", encoding="utf-8")
    assert oms("products", "import", other).exit_code == 0
    assert oms("--json", "products", "show", "4006381333931").json()["sku"] == "CUP"


def test_units_from_config(oms, config_file, oms_home: Path) -> None:
    config_file({"catalog": {"units": {"length": "in", "weight": "lb"}}})
    f = oms_home / "imperial.csv"
    f.write_text("sku,length,width,height,weight,locations\nBOX,10,8,2,1.5,A02-B03\n", encoding="utf-8")
    assert oms("products", "import", f).exit_code == 0
    p = oms("--json", "products", "show", "BOX").json()
    assert (p["length_mm"], p["width_mm"], p["height_mm"], p["weight_g"]) == (254, 203, 51, 680)


def test_dry_run_and_missing_file(oms, products_csv: Path, db_path: Path) -> None:
    oms("db", "upgrade")
    before = store_digest(db_path)
    r = oms("--json", "products", "import", "--dry-run", products_csv)
    assert r.json()["new"] == 2
    assert store_digest(db_path) == before
    r = oms("products", "import", "nope.csv")
    assert r.exit_code == 4 and "nope.csv: no such file" in r.stderr


def test_set_changes_fields_codes_and_locations(oms, products_csv: Path) -> None:
    oms("products", "import", products_csv)
    r = oms(
        "products",
        "set",
        "TEE",
        "--weight",
        "0.2kg",
        "--fragile",
        "--barcode",
        "96385074",
        "--location",
        "a5-b5",
        "--location",
        "A06-B01",
    )
    assert r.exit_code == 0, r.stderr
    p = oms("--json", "products", "show", "TEE").json()
    assert (p["weight_g"], p["fragile"], p["locations"]) == (200, True, ["A05-B05", "A06-B01"])
    assert [b["code"] for b in p["barcodes"]] == ["96385074"]
    again = oms("--json", "products", "set", "TEE", "--weight", "200", "--fragile", "--barcode", "96385074")
    assert again.json()["changed"] == []
    assert oms("products", "set", "TEE", "--barcode", "4006381333931").exit_code == 3  # MUG's code
    assert oms("products", "set", "TEE", "--barcode", "96385075").exit_code == 3  # bad check digit
    assert oms("products", "set", "TEE", "--location", "B1").exit_code == 3
    assert oms("products", "set", "NEW", "--name", "New").exit_code == 4
    assert oms("products", "set", "NEW", "--name", "New", "--create").exit_code == 0
    r = oms("--json", "products", "set", "TEE", "--remove-barcode", "96385074")
    assert r.json()["changed"] == ["barcode -96385074"]


def test_the_example_catalog_imports_cleanly(oms) -> None:
    example = EXAMPLES / "products.csv"
    if not example.exists():
        pytest.skip("examples/products.csv is not in this checkout yet")
    r = oms("--json", "products", "import", example)
    assert r.exit_code == 0, r.stderr
    assert r.json()["new"] > 0 and r.json()["ignored_columns"] == []
