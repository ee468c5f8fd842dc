"""Absurdly large numbers are refused with a clear message and the store left as it was."""

from __future__ import annotations

from tests.conftest import EXAMPLES, store_digest

HUGE = "99999999999999999999"


def test_huge_numbers_are_refused_everywhere(oms, db_path, tmp_path) -> None:
    assert oms("import", EXAMPLES / "shopify_orders.csv").exit_code == 0
    assert oms("products", "import", EXAMPLES / "products.csv").exit_code == 0
    before = store_digest(db_path)
    big_import = tmp_path / "big.csv"
    big_import.write_text(
        (EXAMPLES / "shopify_orders.csv")
        .read_text(encoding="utf-8-sig")
        .replace(",2,Speckled", f",{HUGE},Speckled", 1),
        encoding="utf-8",
    )
    big_count = tmp_path / "count.csv"
    big_count.write_text(f"sku,location,quantity\nMUG-SPK-BLU,A01-B03-L1,{HUGE}\n", encoding="utf-8")
    big_products = tmp_path / "products.csv"
    big_products.write_text(
        f"sku,name,length_mm,width_mm,height_mm,weight_g\nBIG-1,Big,{HUGE},10,10,10\n", encoding="utf-8"
    )
    cases = [
        (("import", big_import), 3, "big.csv:2: Lineitem quantity"),
        (("stock", "count", big_count), 3, "count.csv:2"),
        (("products", "import", big_products), 3, "products.csv:2"),
        (("stock", "receive", "MUG-SPK-BLU", HUGE), 2, "too large"),
        (("payments", "record", "shopify:1041", HUGE + "000", "--method", "cash"), 2, "too large"),
    ]
    for args, code, text in cases:
        r = oms(*args)
        assert r.exit_code == code, (args, r.stderr)
        assert text in r.stderr, (args, r.stderr)
    assert store_digest(db_path) == before
