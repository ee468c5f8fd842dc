"""`oms ship export`: the channels' shipping-confirmation files, byte for byte."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timezone
from pathlib import Path

from shipping.fixtures import UPS_1, UPS_2, UPS_3, make_order

from tests import storedb


def set_shipped_at(db: Path, tracking: str, when: str) -> None:
    con = storedb.connect(db)
    con.execute("UPDATE packages SET shipped_at = ? WHERE tracking = ?", (when, tracking))
    con.commit()
    con.close()


def test_amazon_confirmation_file(oms, store, db_path: Path, tmp_path: Path) -> None:
    make_order(
        store, "amazon:113-4000012-1000084", lines=(("MUG-1", 1, "05835637773450"), ("TEE-M", 2, "05835637773451"))
    )
    make_order(store, "amazon:113-4000012-1000085", lines=(("CAP-BLK", 1, "05835637773460"),))
    make_order(store, "shopify:1001")
    assert oms("ship", "amazon:113-4000012-1000084", "-c", "ups", "-t", UPS_1, "--service", "Ground").exit_code == 0
    assert (
        oms(
            "ship", "113-4000012-1000085", "-c", "Royal Mail", "-t", "RB123456785GB", "--service", "Tracked 48"
        ).exit_code
        == 0
    )
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_2).exit_code == 0
    set_shipped_at(db_path, UPS_1, "2026-11-20 15:00:00.000000")
    set_shipped_at(db_path, "RB123456785GB", "2026-11-21 09:30:00.000000")
    out = tmp_path / "amazon.txt"
    r = oms("ship", "export", "--channel", "amazon", "--out", out)
    assert r.exit_code == 0, r.stderr
    assert "2 packages of 2 orders" in r.stderr
    assert out.read_bytes() == (
        b"order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method\r\n"
        b"113-4000012-1000084\t05835637773450\t1\t2026-11-20\tUPS\t\t1Z5R89390357567127\tGround\r\n"
        b"113-4000012-1000084\t05835637773451\t2\t2026-11-20\tUPS\t\t1Z5R89390357567127\tGround\r\n"
        b"113-4000012-1000085\t05835637773460\t1\t2026-11-21\tOther\tRoyal Mail\tRB123456785GB\tTracked 48\r\n"
    )


def test_shopify_fulfilment_csv_on_stdout(oms, store, db_path: Path) -> None:
    make_order(store, "shopify:1001", lines=(("MUG-1", 1, "11001"),))
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1, "--service", "Ground")
    set_shipped_at(db_path, UPS_1, "2026-11-20 15:00:00.000000")
    r = oms("ship", "export", "-c", "shopify")
    assert r.exit_code == 0
    # oms emails this customer itself ("on its way" queued at ship): Shopify must not as well
    assert r.stdout == (
        "Order Name,Line Item ID,SKU,Quantity,Tracking Number,Tracking Company,Tracking URL,Notify Customer,Fulfilled At,Shipping Method\r\n"
        f"#1001,11001,MUG-1,1,{UPS_1},UPS,https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums={UPS_1},FALSE,2026-11-20,Ground\r\n"
    )


def test_shopify_notifies_the_customers_oms_cannot_email(oms, store, db_path: Path) -> None:
    make_order(store, "shopify:1001", lines=(("MUG-1", 1, "11001"),))
    make_order(store, "shopify:1002", lines=(("MUG-1", 1, "11002"),), email=None)
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1).exit_code == 0
    assert oms("ship", "shopify:1002", "-c", "ups", "-t", UPS_2).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(oms("ship", "export", "-c", "shopify").stdout)))
    assert {r["Order Name"]: r["Notify Customer"] for r in rows} == {"#1001": "FALSE", "#1002": "TRUE"}


def test_since_and_until_pick_the_shipments(oms, store, db_path: Path) -> None:
    make_order(store, "shopify:1001")
    make_order(store, "shopify:1002")
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    oms("ship", "shopify:1002", "-c", "ups", "-t", UPS_2)
    set_shipped_at(db_path, UPS_1, "2026-11-01 10:00:00.000000")
    set_shipped_at(db_path, UPS_2, "2026-11-20 10:00:00.000000")
    r = oms("--json", "ship", "export", "-c", "shopify", "--since", "2026-11-10")
    data = r.json()
    assert (data["packages"], data["orders"]) == (1, 1)
    assert UPS_2 in data["text"] and UPS_1 not in data["text"]
    r = oms("--json", "ship", "export", "-c", "shopify", "--until", "2026-11-10")
    assert UPS_1 in r.json()["text"] and UPS_2 not in r.json()["text"]


def test_several_packages_split_the_items_by_what_was_packed(oms, store, db_path: Path) -> None:
    # The packing writes one placement per unit, named by its SKU.
    def unit(sku: str) -> dict:
        return {"ref": sku, "x": 0, "y": 0, "z": 0, "length": 100, "width": 100, "height": 50}

    placements = [[unit("MUG-1"), unit("TEE-M")], [unit("TEE-M")]]
    make_order(store, "amazon:113-7", packages=2, placements=placements, lines=(("MUG-1", 1, "A1"), ("TEE-M", 2, "A2")))
    oms("ship", "amazon:113-7", "-c", "ups", "-t", UPS_1, "-p", "1")
    oms("ship", "amazon:113-7", "-c", "ups", "-t", UPS_3, "-p", "2")
    r = oms("ship", "export", "-c", "amazon")
    body = [line.split("\t") for line in r.stdout.split("\r\n")[1:] if line]
    day = datetime.now(UTC).date().isoformat()
    assert [(b[1], b[2], b[3], b[6]) for b in body] == [
        ("A1", "1", day, UPS_1),
        ("A2", "1", day, UPS_1),
        ("A2", "1", day, UPS_3),
    ]


def test_an_unknown_channel_is_a_usage_error(oms) -> None:
    r = oms("ship", "export", "--channel", "myspace")
    assert r.exit_code == 2
    assert "amazon" in r.stderr and "shopify" in r.stderr


def test_nothing_shipped_writes_the_header_only(oms, tmp_path: Path) -> None:
    out = tmp_path / "empty.txt"
    assert oms("ship", "export", "-c", "amazon", "-o", out).exit_code == 0
    assert out.read_bytes().count(b"\r\n") == 1
