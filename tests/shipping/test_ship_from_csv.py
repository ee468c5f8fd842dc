"""`oms ship --from-csv`: the whole file checked first, then one transaction per order."""

from __future__ import annotations

from pathlib import Path

from shipping.fixtures import FEDEX_1, UPS_1, UPS_2, UPS_3, USPS_1, make_order, store_digest

from tests import storedb


def statuses(db: Path) -> dict[str, str]:
    con = storedb.connect(db)
    try:
        return dict(con.execute("SELECT ref, status FROM orders"))
    finally:
        con.close()


def test_good_rows_ship_and_refused_rows_are_reported(oms, store, db_path: Path, tmp_path: Path) -> None:
    make_order(store, "shopify:1001")
    make_order(store, "shopify:1002")
    make_order(store, "amazon:113-1", packages=2)
    make_order(store, "shopify:1003", status="picked")
    f = tmp_path / "shipped.csv"
    f.write_text(
        "order,carrier,tracking,package,service,cost\n"
        f"shopify:1001,ups,{UPS_1},,Ground,7.45\n"
        f"1002,fedex,{FEDEX_1},,,\n"
        f"amazon:113-1,ups,{UPS_2},1,,\n"
        f"amazon:113-1,ups,{UPS_3},2,,\n"
        f"shopify:1003,usps,{USPS_1},,,\n"
        f"shopify:9999,ups,1Z879E930346834440,,,\n",
        encoding="utf-8",
    )
    r = oms("--json", "ship", "--from-csv", f)
    assert r.exit_code == 6, r.stderr
    report = r.json()
    results = [(row["line"], row["result"]) for row in report["rows"]]
    assert results == [
        (2, "shipped"),
        (3, "shipped"),
        (4, "package shipped"),
        (5, "shipped"),
        (6, "refused"),
        (7, "not found"),
    ]
    assert "not packed" in report["rows"][4]["error"]
    assert report["failed"] == 2
    assert statuses(db_path) == {
        "shopify:1001": "shipped",
        "shopify:1002": "shipped",
        "amazon:113-1": "shipped",
        "shopify:1003": "picked",
    }
    # Run again: everything already done is unchanged, the refusals stay.
    r = oms("--json", "ship", "--from-csv", f)
    assert r.exit_code == 6
    assert [row["result"] for row in r.json()["rows"]][:4] == ["unchanged"] * 4


def test_a_bad_row_refuses_the_whole_file(oms, store, db_path: Path, tmp_path: Path) -> None:
    make_order(store, "shopify:1001")
    make_order(store, "shopify:1002")
    f = tmp_path / "shipped.csv"
    f.write_text(
        f"order,carrier,tracking\nshopify:1001,ups,{UPS_1}\nshopify:1002,ups,1Z5R89390357567128\n,ups,X\n",
        encoding="utf-8",
    )
    before = store_digest(db_path)
    r = oms("ship", "--from-csv", f)
    assert r.exit_code == 3
    first, second = r.stderr.splitlines()[:2]
    assert (
        first
        == f"oms: error: {f}:3: tracking 1Z5R89390357567128 is not a valid UPS number: check digit does not match (UPS); expected UPS or UPS Waybill numbers such as {UPS_1}, K1506235620"
    )
    assert second == f"{f}:4: order is empty"
    assert "nothing was changed" in r.stderr
    assert store_digest(db_path) == before


def test_a_file_without_a_tracking_column_is_bad_input(oms, store, db_path: Path, tmp_path: Path) -> None:
    f = tmp_path / "shipped.csv"
    f.write_text("order,carrier,number\nshopify:1001,ups,x\n", encoding="utf-8")
    before = store_digest(db_path)
    r = oms("ship", "--from-csv", f)
    assert r.exit_code == 3
    assert f"{f}:1: no tracking column" in r.stderr
    assert store_digest(db_path) == before


def test_headerless_and_tab_separated_files(oms, store, db_path: Path, tmp_path: Path) -> None:
    make_order(store, "shopify:1001")
    make_order(store, "shopify:1002")
    plain = tmp_path / "plain.csv"
    plain.write_text(f"shopify:1001,ups,{UPS_1}\n", encoding="utf-8")
    assert oms("ship", "--from-csv", plain).exit_code == 0
    tabbed = tmp_path / "carrier-export.txt"
    tabbed.write_text(f"Order Number\tCourier\tTracking Number\tPostage\n1002\tUPS\t{UPS_2}\t$6.10\n", encoding="utf-8")
    assert oms("ship", "--from-csv", tabbed).exit_code == 0
    con = storedb.connect(db_path)
    assert con.execute("SELECT tracking, cost_minor FROM packages ORDER BY order_id").fetchall() == [
        (UPS_1, None),
        (UPS_2, 610),
    ]
    con.close()


def test_a_missing_file_is_not_found(oms, tmp_path: Path) -> None:
    r = oms("ship", "--from-csv", tmp_path / "nope.csv")
    assert r.exit_code == 4
    assert "nope.csv: no such file" in r.stderr


def test_from_csv_does_not_take_a_reference(oms, tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text("x\n", encoding="utf-8")
    r = oms("ship", "shopify:1001", "--from-csv", f)
    assert r.exit_code == 2
