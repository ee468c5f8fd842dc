"""`oms stock …`: receive, adjust, count, list, moves, check; the ledger always sums to the quantity on hand."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stock_helpers import store_digest

from oms_cli.catalog.csvfile import CatalogFileError
from oms_cli.stock.counts import read_counts
from tests import storedb


@pytest.fixture
def catalog(oms, oms_home: Path) -> None:
    f = oms_home / "products.csv"
    f.write_text(
        "sku,name,locations,low_stock\nMUG,Mug,A01-B01|A02-B02,3\nTEE,Tee,A03-B01,\nLOOSE,Loose,,\n", encoding="utf-8"
    )
    assert oms("products", "import", f).exit_code == 0


def test_receive_into_the_primary_location_and_once_per_ref(oms, catalog) -> None:
    r = oms("--json", "stock", "receive", "MUG", "10")
    assert r.exit_code == 0 and r.json()["location"] == "A01-B01" and r.json()["on_hand"] == 10
    assert oms("stock", "receive", "MUG", "5", "--ref", "PO-7").exit_code == 0
    again = oms("--json", "stock", "receive", "MUG", "5", "--ref", "PO-7")
    assert again.json()["changed"] is False
    assert oms("--json", "stock", "list", "--sku", "MUG").json()[0]["on_hand"] == 15


def test_receive_into_a_new_location_records_it_for_the_product(oms, catalog) -> None:
    assert oms("stock", "receive", "TEE", "4", "--location", "a7-b3-l1").exit_code == 0
    assert oms("--json", "products", "show", "TEE").json()["locations"] == ["A03-B01", "A07-B03-L1"]


def test_receive_refusals(oms, catalog, db_path: Path) -> None:
    before = store_digest(db_path)
    assert oms("stock", "receive", "NOPE", "1").exit_code == 4
    r = oms("stock", "receive", "LOOSE", "1")
    assert r.exit_code == 2 and "--location" in r.stderr
    assert oms("stock", "receive", "MUG", "0").exit_code == 2
    assert oms("stock", "receive", "MUG", "1", "--location", "Z1").exit_code == 3
    assert store_digest(db_path) == before


def test_adjust_with_a_reason_never_below_zero(oms, catalog, db_path: Path) -> None:
    oms("stock", "receive", "MUG", "5")
    r = oms("--json", "stock", "adjust", "MUG", "-2", "--reason", "damaged")
    assert r.exit_code == 0, r.stderr
    assert r.json()["on_hand"] == 3
    before = store_digest(db_path)
    r = oms("stock", "adjust", "MUG", "-4", "--reason", "lost")
    assert r.exit_code == 5 and "only 3 on hand" in r.stderr
    assert store_digest(db_path) == before
    assert oms("stock", "adjust", "MUG", "1", "--reason", " ").exit_code == 2
    moves = oms("--json", "stock", "moves", "MUG").json()
    assert [(m["quantity"], m["reason"]) for m in moves] == [(-2, "damaged"), (5, "receive")]


def test_count_sets_quantities_and_a_second_run_changes_nothing(oms, catalog, oms_home: Path, db_path: Path) -> None:
    oms("stock", "receive", "MUG", "10")
    f = oms_home / "count.csv"
    f.write_text("sku,location,quantity\nMUG,,7\nMUG,A02-B02,4\nTEE,a3-b1,12\n", encoding="utf-8")
    r = oms("--json", "stock", "count", f)
    assert r.exit_code == 0, r.stderr
    assert {(c["sku"], c["location"], c["delta"]) for c in r.json()["changes"]} == {
        ("MUG", "A01-B01", -3),
        ("MUG", "A02-B02", 4),
        ("TEE", "A03-B01", 12),
    }
    before = store_digest(db_path)
    r = oms("--json", "stock", "count", f)
    assert r.json()["changed"] == 0 and r.json()["unchanged"] == 3
    assert store_digest(db_path) == before
    assert oms("--json", "stock", "list", "--sku", "MUG").json()[0]["on_hand"] == 11


def test_count_errors_name_file_line_and_column_and_change_nothing(oms, catalog, oms_home: Path, db_path: Path) -> None:
    oms("stock", "receive", "MUG", "10")
    before = store_digest(db_path)
    f = oms_home / "count.csv"
    f.write_text("sku,bin,qty\nMUG,,7\nGHOST,,1\nLOOSE,,2\nTEE,,-1\n", encoding="utf-8")
    r = oms("stock", "count", f)
    assert r.exit_code == 3
    assert f"{f}:5: qty '-1' is not a whole number of units (0 or more)" in r.stderr
    f.write_text("sku,bin,qty\nMUG,,7\nGHOST,,1\nLOOSE,,2\n", encoding="utf-8")
    r = oms("stock", "count", f)
    assert r.exit_code == 3
    assert f"{f}:3: sku 'GHOST' is not in the catalog" in r.stderr
    assert f"{f}:4: bin is empty and LOOSE has no location yet" in r.stderr
    assert store_digest(db_path) == before


def test_count_parser_rejects_duplicates_and_missing_columns() -> None:
    with pytest.raises(CatalogFileError, match=r"c.csv:3: sku 'A' is already counted on line 2"):
        read_counts(io.StringIO("sku,quantity\nA,1\nA,2\n"), "c.csv")
    with pytest.raises(Exception, match="no 'quantity' column"):
        read_counts(io.StringIO("sku,location\nA,A01-B01\n"), "c.csv")


def test_low_stock_uses_the_product_threshold_or_the_config(oms, catalog, config_file) -> None:
    config_file({"release": {"low_stock_threshold": 10}})
    oms("stock", "receive", "MUG", "4")  # product threshold 3: not low
    oms("stock", "receive", "TEE", "9")  # config threshold 10: low
    low = oms("--json", "stock", "list", "--low").json()
    assert [r["sku"] for r in low] == ["LOOSE", "TEE"]
    oms("stock", "adjust", "MUG", "-1", "--reason", "damaged")  # 3 left: at the threshold
    assert [r["sku"] for r in oms("--json", "stock", "list", "--low").json()] == ["LOOSE", "MUG", "TEE"]


def test_check_finds_a_stock_figure_that_disagrees_with_the_ledger(oms, catalog, db_path: Path) -> None:
    oms("stock", "receive", "MUG", "4")
    assert oms("stock", "check").exit_code == 0
    con = storedb.connect(db_path)
    con.execute("UPDATE stock SET on_hand = on_hand + 1 WHERE sku = 'MUG'")
    con.commit()
    con.close()
    r = oms("--json", "stock", "check")
    assert r.exit_code == 9
    assert r.json()["mismatches"] == [
        {"sku": "MUG", "location": "A01-B01", "on_hand": 5, "ledger": 4, "reserved": 0, "reservations": 0}
    ]


OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("receive"), st.sampled_from(["MUG", "TEE"]), st.integers(1, 20), st.sampled_from([None, "A05-B05"])
        ),
        st.tuples(
            st.just("adjust"),
            st.sampled_from(["MUG", "TEE"]),
            st.integers(-15, 15).filter(bool),
            st.sampled_from([None, "A05-B05"]),
        ),
        st.tuples(
            st.just("count"), st.sampled_from(["MUG", "TEE"]), st.integers(0, 30), st.sampled_from([None, "A05-B05"])
        ),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_the_ledger_always_sums_to_the_quantity_on_hand(ops) -> None:  # type: ignore[no-untyped-def]
    from oms_cli.catalog.service import import_products
    from oms_cli.core.config import load_config
    from oms_cli.core.errors import Refused
    from oms_cli.stock import service
    from oms_cli.store.engine import Store

    config = load_config(None)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(str(Path(folder) / "oms.db"))
        import_products(store, "p.csv", config, stream=io.StringIO("sku,locations\nMUG,A01-B01\nTEE,A03-B01|A04-B01\n"))
        for op, sku, qty, loc in ops:
            if op == "receive":
                service.receive(store, config, sku, qty, location=loc)
            elif op == "adjust":
                try:
                    service.adjust(store, config, sku, qty, "found" if qty > 0 else "damaged", location=loc)
                except Refused:
                    pass
            else:
                service.count(
                    store, config, "c.csv", stream=io.StringIO(f"sku,location,quantity\n{sku},{loc or ''},{qty}\n")
                )
            assert service.check(store).mismatches == []
        con = storedb.connect(Path(folder) / "oms.db")
        ledger = dict(
            ((s, loc), q)
            for s, loc, q in con.execute(
                "SELECT sku, location, SUM(quantity) FROM stock_movements GROUP BY sku, location"
            )
        )
        cache = dict(((s, loc), q) for s, loc, q in con.execute("SELECT sku, location, on_hand FROM stock"))
        con.close()
        assert {k: v for k, v in cache.items() if v or k in ledger} == ledger
        assert all(v >= 0 for v in cache.values())
        store.dispose()
