"""`oms pack REF` and `oms pack verify REF` against a store holding the example orders:
the verify loop driven through standard input, exit codes, stdout and stderr apart,
and what is (or is not) written."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import insert, select

from oms_cli.documents.gs1 import is_sscc18
from oms_cli.packing.dimweight import UPS, billable_weight_g
from oms_cli.store import tables
from oms_cli.store.engine import Store
from tests.packing.store_fixtures import barcode_of, examples_db, examples_store, pick, rows, scans_for, store_digest  # noqa: F401 - fixtures

REF = "shopify:1041"  # 2 x MUG-SPK-BLU, 1 x COASTER-SET4
MUG, COASTERS, CARD = "0614141000012", "0614141000111", "0614141000142"


def feed(*scans: str) -> str:
    return "".join(f"{s}\n" for s in scans)


def status(db: Path, ref: str) -> str:
    return rows(db, "SELECT status FROM orders WHERE ref = ?", ref)[0]["status"]


def scan_results(db: Path) -> list[tuple[str, str | None, str]]:
    return [
        (r["code"], r["sku"], r["result"]) for r in rows(db, "SELECT code, sku, result FROM verify_scans ORDER BY id")
    ]


# ---------------------------------------------------------------- the verify loop


def test_right_scans_pack_the_order(oms, examples_store: Store, db_path: Path) -> None:
    pick(examples_store, REF)
    r = oms("pack", "verify", REF, input=feed(MUG, "614141000012", COASTERS))
    assert r.exit_code == 0, r.stderr
    assert "all 3 units verified" in r.stderr
    assert f"{REF} packed: 1 package" in r.stderr
    assert "\a" not in r.stderr
    assert "SSCC" in r.stdout and "bubble wrap x2" in r.stdout
    assert status(db_path, REF) == "packed"
    assert [x[2] for x in scan_results(db_path)] == ["ok", "ok", "ok"]


def test_wrong_extra_and_unknown_are_refused_loudly_then_missing_listed(
    oms, examples_store: Store, db_path: Path
) -> None:
    pick(examples_store, REF)
    r = oms("pack", "verify", REF, input=feed(MUG, CARD, MUG, "MUG-SPK-BLU", "NOPE-123", "done", COASTERS))
    assert r.exit_code == 5
    lines = [line.lstrip("\a") for line in r.stderr.splitlines()]
    assert any(line.startswith("WRONG ITEM CARD-BDAY") for line in lines)
    assert any(line.startswith("ONE TOO MANY MUG-SPK-BLU") for line in lines)
    assert any(line.startswith("UNKNOWN CODE 'NOPE-123'") for line in lines)
    assert r.stderr.count("\a") == 3
    assert "MISSING 1 x COASTER-SET4" in r.stderr
    assert "shopify:1041: not packed: 1 item missing (1 x COASTER-SET4)" in r.stderr
    assert r.stdout == ""
    # the scan after `done` was never read; everything before it is kept for the accuracy figures
    assert scan_results(db_path) == [
        (MUG, "MUG-SPK-BLU", "ok"),
        (CARD, "CARD-BDAY", "wrong"),
        (MUG, "MUG-SPK-BLU", "ok"),
        ("MUG-SPK-BLU", "MUG-SPK-BLU", "extra"),
        ("NOPE-123", None, "unknown"),
    ]
    assert status(db_path, REF) == "picked"
    assert rows(db_path, "SELECT count(*) AS n FROM packages")[0]["n"] == 0


def test_end_of_input_is_done(oms, examples_store: Store, db_path: Path) -> None:
    pick(examples_store, REF)
    r = oms("pack", "verify", REF, input=feed(MUG))
    assert r.exit_code == 5
    assert "not packed: 2 items missing" in r.stderr
    assert status(db_path, REF) == "picked"
    # a second try with everything packs it
    r = oms("pack", "verify", REF, input=feed(*scans_for(examples_store, REF)))
    assert r.exit_code == 0, r.stderr
    assert status(db_path, REF) == "packed"


def test_free_lines_must_be_scanned_too(oms, examples_store: Store, db_path: Path) -> None:
    orders, lines = tables.orders, tables.order_lines
    with examples_store.connect() as conn:
        order_id = conn.execute(select(orders.c.id).where(orders.c.ref == REF)).scalar_one()
        conn.execute(
            insert(lines).values(
                order_id=order_id, line_no=9, sku="THANKYOU-CARD", name="Thank-you card", quantity=1, free=True
            )
        )
    pick(examples_store, REF)
    r = oms("pack", "verify", REF, input=feed(MUG, MUG, COASTERS))
    assert r.exit_code == 5
    assert "1 x THANKYOU-CARD" in r.stderr
    r = oms("pack", "verify", REF, input=feed(MUG, MUG, COASTERS, barcode_of(examples_store, "THANKYOU-CARD")))
    assert r.exit_code == 0, r.stderr


def test_verify_twice_is_a_no_op(oms, examples_store: Store, db_path: Path) -> None:
    pick(examples_store, REF)
    assert oms("pack", "verify", REF, input=feed(MUG, MUG, COASTERS)).exit_code == 0
    before = store_digest(db_path)
    r = oms("pack", "verify", REF, input=feed(MUG, MUG, COASTERS))
    assert r.exit_code == 0
    assert f"{REF} is already packed: nothing to do" in r.stderr
    assert store_digest(db_path) == before
    r = oms("--json", "pack", "verify", REF)
    assert r.json() == {"order": REF, "status": "packed", "changed": False}


def test_verify_refuses_an_order_that_is_not_picked(oms, examples_store: Store, db_path: Path) -> None:
    before = store_digest(db_path)
    r = oms("pack", "verify", REF, input=feed(MUG, MUG, COASTERS))
    assert r.exit_code == 5
    assert "shopify:1041 is new, not picked" in r.stderr
    assert store_digest(db_path) == before


def test_unknown_order_is_not_found(oms, examples_store: Store) -> None:
    r = oms("pack", "verify", "shopify:9999", input="")
    assert r.exit_code == 4


def test_packages_rows_after_verify(oms, examples_store: Store, db_path: Path) -> None:
    pick(examples_store, REF)
    r = oms("--json", "pack", "verify", REF, "--weight", "1.12kg", input=feed(MUG, MUG, COASTERS))
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (
        out["changed"] and out["status"] == "packed" and out["scans"] == {"ok": 3, "wrong": 0, "extra": 0, "unknown": 0}
    )
    (p,) = rows(db_path, "SELECT * FROM packages")
    assert (p["box"], p["length_mm"], p["width_mm"], p["height_mm"]) == ("M", 310, 240, 160)
    assert p["weight_g"] == 220 + 2 * 380 + 120
    assert p["measured_weight_g"] == 1120
    assert p["billable_weight_g"] == billable_weight_g((310, 240, 160), 1120, UPS)
    assert is_sscc18(p["sscc"]) and p["sscc"] == out["packages"][0]["sscc"]
    assert json.loads(p["materials"]) == [
        {"name": "bubble wrap", "quantity": 2, "cost": "0.40", "weight_g": 0},
        {"name": "paper fill", "quantity": 1, "cost": "0.05", "weight_g": 0},
    ]
    placed = json.loads(p["placements"])
    assert sorted(u["ref"] for u in placed) == ["COASTER-SET4", "MUG-SPK-BLU", "MUG-SPK-BLU"]
    assert not out["weights"][0]["flagged"]


def test_weight_far_off_is_flagged_but_packed(oms, examples_store: Store, db_path: Path) -> None:
    pick(examples_store, REF)
    r = oms("pack", "verify", REF, "--weight", "1400", input=feed(MUG, MUG, COASTERS))
    assert r.exit_code == 0, r.stderr
    assert "WEIGHT FLAGGED: weight 1400 g on the scale, 1100 g expected (+27.3%, tolerance 10%)" in r.stderr
    assert status(db_path, REF) == "packed"
    notes = rows(db_path, "SELECT note FROM order_events WHERE kind = 'note' AND command = 'pack verify'")
    assert [n["note"] for n in notes] == [
        "weight flagged: weight 1400 g on the scale, 1100 g expected (+27.3%, tolerance 10%)"
    ]


def test_strict_weight_refuses_to_pack(oms, examples_store: Store, db_path: Path, config_file) -> None:
    config_file({"packing": {"weight_tolerance_pct": 5}})
    pick(examples_store, REF)
    r = oms("pack", "verify", REF, "--weight", "1.2kg", "--strict-weight", input=feed(MUG, MUG, COASTERS))
    assert r.exit_code == 5
    assert "not packed: weight 1200 g on the scale, 1100 g expected (+9.1%, tolerance 5%)" in r.stderr
    assert status(db_path, REF) == "picked"
    assert len(scan_results(db_path)) == 3
    # within the tolerance it packs
    r = oms("pack", "verify", REF, "--weight", "1.12kg", "--strict-weight", input=feed(MUG, MUG, COASTERS))
    assert r.exit_code == 0, r.stderr


def test_bad_weight_is_a_usage_error(oms, examples_store: Store, db_path: Path) -> None:
    pick(examples_store, REF)
    before = store_digest(db_path)
    assert oms("pack", "verify", REF, "--weight", "heavy", input="").exit_code == 2
    r = oms("pack", "verify", REF, "-w", "1kg", "-w", "1kg", input=feed(MUG, MUG, COASTERS))
    assert r.exit_code == 2 and "2 weights given for 1 package" in r.stderr
    assert store_digest(db_path) == before


def test_all_trusts_the_pick_and_records_no_scans(oms, examples_store: Store, db_path: Path) -> None:
    pick(examples_store, REF)
    r = oms("pack", "verify", REF, "--all")
    assert r.exit_code == 0, r.stderr
    assert "without scanning" in r.stderr
    assert status(db_path, REF) == "packed"
    assert scan_results(db_path) == []
    notes = [e["note"] for e in rows(db_path, "SELECT note FROM order_events WHERE to_status = 'packed'")]
    assert notes == ["verified without scanning (--all: the pick was trusted); 1 package"]


def test_special_instruction_is_shown_before_scanning(oms, examples_store: Store) -> None:
    ref = "shopify:1042"  # a gift note not yet acknowledged
    pick(examples_store, ref)
    r = oms("pack", "verify", ref, input=feed(*scans_for(examples_store, ref)))
    assert r.exit_code == 0, r.stderr
    banner = r.stderr.index("SPECIAL INSTRUCTION")
    assert "NOT YET ACKNOWLEDGED" in r.stderr
    assert "Gift for my mum" in r.stderr
    assert banner < r.stderr.index("✓ CANDLE-FIG")


def test_a_product_without_size_stops_with_bad_input(oms, examples_store: Store, db_path: Path) -> None:
    pick(examples_store, REF)
    with examples_store.connect() as conn:
        conn.exec_driver_sql("UPDATE products SET height_mm = NULL WHERE sku = 'COASTER-SET4'")
    before = store_digest(db_path)
    r = oms("pack", "verify", REF, input=feed(MUG, MUG, COASTERS))
    assert r.exit_code == 3
    assert "product COASTER-SET4 has no height in the catalogue" in r.stderr
    assert store_digest(db_path) == before


# ---------------------------------------------------------------- oms pack REF


def test_pack_ref_shows_box_materials_and_layers(oms, examples_store: Store, db_path: Path) -> None:
    pick(examples_store, REF)
    before = store_digest(db_path)
    r = oms("pack", REF)
    assert r.exit_code == 0, r.stderr
    assert "package 1 of 1: box M  outer 310x240x160 mm, inner 300x230x150 mm" in r.stdout
    assert "materials: bubble wrap x2, paper fill x1" in r.stdout
    # the bottom layer as the engine placed it: its height, and one letter per product
    # in the order the packer meets them (back to front, left to right)
    (pkg,) = oms("pack", REF, "--json").json()["packages"]
    levels = sorted({u["z"] for u in pkg["items"]})
    floor = sorted((u for u in pkg["items"] if u["z"] == 0), key=lambda u: (u["y"], u["x"]))
    top = max(u["height"] for u in floor)
    assert f"  layer 1 of {len(levels)} (the bottom up to {top} mm), seen from above:" in r.stdout.splitlines()
    refs = list(dict.fromkeys(u["ref"] for u in floor))
    for letter, ref in zip("ABCDEFGH", refs):
        count = sum(1 for u in floor if u["ref"] == ref)
        assert f"{letter} = {ref} x{count}  (" in r.stdout
    assert store_digest(db_path) == before


def test_pack_ref_json_is_the_engine_json_plus_materials(oms, examples_store: Store) -> None:
    pick(examples_store, REF)
    out = oms("pack", REF, "--json").json()
    assert out == oms("--json", "pack", REF).json()
    assert out["order"] == REF and out["status"] == "picked" and out["unpacked"] == []
    (pkg,) = out["packages"]
    assert set(pkg) == {"box", "items", "weight_g", "billable_weight", "fill_pct", "outer", "inner", "materials"}
    assert pkg["box"] == "M" and pkg["weight_g"] == 1100 == out["expected_weight_g"]
    # the exact search proved that box S (the only one ranked before M) cannot take the three items
    assert out["proven_best"] is True and out["one_box_ruled_out"] is False
    text = oms("pack", REF, "--no-drawing")
    assert "best box: proved (no better box holds these items)" in text.stdout.splitlines()
    assert pkg["billable_weight"] == billable_weight_g((310, 240, 160), 1100, UPS)
    assert [m["name"] for m in pkg["materials"]] == ["bubble wrap", "paper fill"]
    for u in pkg["items"]:
        assert set(u) == {"ref", "x", "y", "z", "length", "width", "height"}
        assert u["x"] + u["length"] <= 300 and u["y"] + u["width"] <= 230 and u["z"] + u["height"] <= 150


def test_pack_ref_of_a_packed_order_shows_what_was_recorded(oms, examples_store: Store) -> None:
    pick(examples_store, REF)
    planned = oms("pack", REF, "--json").json()
    assert oms("pack", "verify", REF, "--all").exit_code == 0
    recorded = oms("pack", REF, "--json").json()
    assert recorded["recorded"] and recorded["status"] == "packed"
    assert recorded["packages"] == planned["packages"]


def test_pack_ref_names_what_fits_no_box(oms, examples_store: Store, config_file) -> None:
    config_file(
        {
            "packing": {
                "boxes": [
                    {
                        "ref": "S",
                        "inner": [200, 150, 100],
                        "outer": [210, 160, 110],
                        "empty_weight_g": 120,
                        "max_weight_g": 5000,
                        "cost": "0.45",
                    }
                ]
            }
        }
    )
    r = oms("pack", "shopify:1049")
    assert r.exit_code == 6
    assert "THROW-KNIT cannot be packed: too long for every box" in r.stderr


def test_pack_without_ref_is_a_usage_error(oms) -> None:
    r = oms("pack")
    assert r.exit_code == 2
    assert "oms pack verify REF" in r.stderr


def test_ctrl_c_mid_verify_keeps_the_scans_and_leaves_the_order_picked(
    oms_proc, examples_store: Store, db_path: Path
) -> None:
    import signal
    import time

    pick(examples_store, REF)
    proc = oms_proc("pack", "verify", REF, input="")
    assert proc.stdin is not None and proc.stderr is not None
    proc.stdin.write(feed(MUG, CARD))
    proc.stdin.flush()
    seen = ""
    deadline = time.monotonic() + 60
    while "WRONG ITEM" not in seen and time.monotonic() < deadline:
        seen += proc.stderr.readline()
    assert "WRONG ITEM CARD-BDAY" in seen
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert f"stopped: 2 scans kept; {REF} stays picked" in err
    assert scan_results(db_path) == [(MUG, "MUG-SPK-BLU", "ok"), (CARD, "CARD-BDAY", "wrong")]
    assert status(db_path, REF) == "picked"
    assert rows(db_path, "SELECT count(*) AS n FROM packages")[0]["n"] == 0
