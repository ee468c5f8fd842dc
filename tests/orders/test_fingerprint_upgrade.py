"""A store whose fingerprints an older oms wrote (over the driver's values, before v2)
does not see every order as updated when the same export comes again."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests import storedb
from tests.conftest import EXAMPLES

# The recorded fingerprints are what the previous version stored in a SQLite file: its
# fingerprint was over the driver's bind values, which differ on PostgreSQL, so these
# recordings say nothing about an older PostgreSQL store (not recorded; see the closing
# notes of the PostgreSQL work).
pytestmark = pytest.mark.sqlite_only

BEFORE = json.loads((Path(__file__).parent / "data" / "fingerprints_before_v2.json").read_text())
ALL_EXAMPLES = [
    EXAMPLES / "shopify_orders.csv",
    EXAMPLES / "amazon_unshipped.txt",
    EXAMPLES / "woocommerce_orders.csv",
    EXAMPLES / "EtsySoldOrders2026-11.csv",
    EXAMPLES / "EtsySoldOrderItems2026-11.csv",
    EXAMPLES / "ebay_orders.csv",
]


def _query(db: Path, sql: str) -> list[tuple]:
    con = storedb.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _as_an_older_oms_left_it(db: Path) -> None:
    """The fingerprints the previous version stored for these examples (recorded from it)."""
    con = storedb.connect(db)
    with con:
        con.executemany("UPDATE orders SET source_hash = ? WHERE ref = ?", [(h, ref) for ref, h in BEFORE.items()])
    con.close()


def test_an_older_store_sees_the_same_export_as_unchanged(oms, db_path) -> None:
    assert oms("import", *ALL_EXAMPLES).exit_code == 0
    current = dict(_query(db_path, "SELECT ref, source_hash FROM orders"))
    assert current.keys() == BEFORE.keys()
    _as_an_older_oms_left_it(db_path)
    events = _query(db_path, "SELECT count(*) FROM order_events")
    r = oms("--json", "import", *ALL_EXAMPLES)
    assert r.exit_code == 0, r.stderr
    files = r.json()["files"]
    assert sum(f["unchanged"] for f in files) == len(BEFORE)
    assert sum(f["new"] + f["updated"] + f["skipped"] for f in files) == 0
    assert _query(db_path, "SELECT count(*) FROM order_events") == events
    # and each order now carries this version's fingerprint: the next run compares it directly
    assert dict(_query(db_path, "SELECT ref, source_hash FROM orders")) == current


def test_an_order_that_did_change_is_still_updated(oms, db_path, tmp_path) -> None:
    assert oms("import", EXAMPLES / "shopify_orders.csv").exit_code == 0
    _as_an_older_oms_left_it(db_path)
    with open(EXAMPLES / "shopify_orders.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    name, street = rows[0].index("Name"), rows[0].index("Shipping Address1")
    next(r for r in rows[1:] if r[name] == "#1041")[street] = "12 Rue des Lilas"
    changed = tmp_path / "orders_export.csv"
    with open(changed, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    r = oms("--json", "import", changed)
    assert r.exit_code == 0, r.stderr
    report = r.json()["files"][0]
    shopify = sum(1 for ref in BEFORE if ref.startswith("shopify:"))
    assert (report["new"], report["updated"], report["unchanged"]) == (0, 1, shopify - 1)
    assert _query(db_path, "SELECT ship_address1 FROM orders WHERE ref = 'shopify:1041'") == [("12 Rue des Lilas",)]
    assert all(h.startswith("v2:") for (h,) in _query(db_path, "SELECT source_hash FROM orders"))
