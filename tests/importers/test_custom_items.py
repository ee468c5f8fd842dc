"""Custom and digital items: a line without a SKU never refuses an export.

A line that needs shipping but has no SKU (a custom item) is imported, named in the
import's summary, and held by release with reason no_sku until it has one. A line
without a SKU that needs no shipping (a tip, a gift card, a download) is left out, and
an order with nothing to ship is no work for the floor.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import EXAMPLES, store_digest

HEADER = (
    "Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Shipping Method,Created at,"
    "Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem requires shipping,"
    "Shipping Name,Shipping Address1,Shipping City,Shipping Zip,Shipping Province,Shipping Country\n"
)
ADDRESS = "Ana Lima,12 Oak St,Portland,97205,OR,US"


def _export(tmp_path: Path, engraving_sku: str = "", quantity: str = "1") -> Path:
    rows = [
        # a mug, a custom engraving that ships with it, and a tip
        f"#2001,ana@example.com,paid,USD,43.00,6.95,0.00,54.95,Standard,2026-11-20 10:00:00 -0500,"
        f"{quantity},Speckled stoneware mug - Blue,18.00,MUG-SPK-BLU,true,{ADDRESS}\n",
        f"#2001,,,,,,,,,2026-11-20 10:00:00 -0500,1,Custom engraving,20.00,{engraving_sku},true,,,,,,\n",
        "#2001,,,,,,,,,2026-11-20 10:00:00 -0500,1,Tip,5.00,,false,,,,,,\n",
        # a gift card alone: nothing to ship
        f"#2002,bo@example.com,paid,USD,25.00,0.00,0.00,25.00,,2026-11-20 11:00:00 -0500,1,Gift card,25.00,,false,{ADDRESS}\n",
        f"#2003,cy@example.com,paid,USD,18.00,6.95,0.00,24.95,Standard,2026-11-20 12:00:00 -0500,"
        f"1,Speckled stoneware mug - Blue,18.00,MUG-SPK-BLU,true,{ADDRESS}\n",
    ]
    path = tmp_path / "orders_export.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _catalog(oms) -> None:  # type: ignore[no-untyped-def]
    assert oms("products", "import", EXAMPLES / "products.csv").exit_code == 0
    assert oms("stock", "count", EXAMPLES / "stock.csv").exit_code == 0


def test_a_custom_item_imports_and_release_holds_its_order(oms, tmp_path: Path) -> None:
    export = _export(tmp_path)
    r = oms("import", export)
    assert r.exit_code == 0, r.stderr
    assert "2 new" in r.stderr  # #2001 and #2003; the gift card alone is no work here
    assert "no SKU" in r.stderr and "shopify:2001" in r.stderr and "shopify:2003" not in r.stderr.split("no SKU")[1]

    order = oms("--json", "orders", "show", "shopify:2001").json()
    assert [(ln["sku"], ln["name"]) for ln in order["lines"]] == [
        ("MUG-SPK-BLU", "Speckled stoneware mug - Blue"),
        ("", "Custom engraving"),
    ]  # the tip needs no shipping: left out
    assert oms("orders", "show", "shopify:2002").exit_code == 4

    _catalog(oms)
    r = oms("release", "--all")
    assert r.exit_code == 0, r.stderr
    assert "no SKU for 'Custom engraving'" in r.stdout + r.stderr
    held = oms("--json", "orders", "show", "shopify:2001").json()
    assert held["status"] == "on_hold"
    assert held["hold_reason"] == "no_sku"
    assert oms("--json", "orders", "show", "shopify:2003").json()["status"] == "ready"

    # the shop gives the item a SKU at the channel and exports again: the order goes out
    assert oms("import", _export(tmp_path, engraving_sku="CARD-BDAY")).exit_code == 0
    assert oms("release", "--all").exit_code == 0
    assert oms("--json", "orders", "show", "shopify:2001").json()["status"] == "ready"


def test_other_cells_are_still_checked(oms, tmp_path: Path, db_path: Path) -> None:
    oms("db", "upgrade")
    before = store_digest(db_path)
    r = oms("import", _export(tmp_path, quantity="two"))
    assert r.exit_code == 3
    assert "orders_export.csv:2: Lineitem quantity 'two' is not a whole number" in r.stderr
    assert store_digest(db_path) == before


def test_a_woocommerce_item_without_a_sku_imports(oms, tmp_path: Path) -> None:
    path = tmp_path / "woo.csv"
    path.write_text(
        "order_id,order_date,status,order_currency,shipping_country,line_items\n"
        '7,2026-11-20 10:00:00,processing,EUR,DE,"id:1|name:Mug|sku:MUG|quantity:1|total:18.00;'
        'id:2|name:Hand-painted name|quantity:1|total:6.00"\n',
        encoding="utf-8",
    )
    r = oms("import", path)
    assert r.exit_code == 0, r.stderr
    assert "woocommerce:7" in r.stderr
    lines = oms("--json", "orders", "show", "woocommerce:7").json()["lines"]
    assert [ln["sku"] for ln in lines] == ["MUG", ""]
