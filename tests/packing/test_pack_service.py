"""The packing service and its pure parts: the scan state machine, the catalogue from
config and CSV, and recording packages against a real store holding the example orders."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import update

from oms_cli.core.config import DEFAULTS, load_config
from oms_cli.core.errors import BadInput, ConfigError, Refused
from oms_cli.documents.gs1 import is_sscc18
from oms_cli.packing.catalogue import boxes_from_config, catalogue_from_config, read_boxes, read_items
from oms_cli.packing.dimweight import UPS, billable_weight_g
from oms_cli.packing.materials import Material, MaterialRule
from oms_cli.packing.service import begin_verify, finish_verify, plan_order
from oms_cli.packing.verify import ExpectedLine, Scan, VerifySession, code_key
from oms_cli.store import tables
from oms_cli.store.engine import Store
from tests.packing.store_fixtures import examples_db, examples_store, order_units, pick, rows, scans_for, store_digest  # noqa: F401 - fixtures

BARCODES = {"0614141000012": "MUG-BLU", "4006381333931": "MUG-BLU", "0614141000029": "MUG-GRN", "0614141000142": "CARD"}
LINES = [ExpectedLine("MUG-BLU", 2, "Blue mug"), ExpectedLine("CARD", 1, "Thank-you card", free=True)]


def session() -> VerifySession:
    return VerifySession(LINES, BARCODES, ["MUG-BLU", "MUG-GRN", "CARD", "BOARD"])


# ---------------------------------------------------------------- the scan state machine


def test_right_scans_complete_the_order_and_free_lines_count() -> None:
    s = session()
    assert s.units == 3 and s.remaining == 3
    assert [e.kind for e in s.feed("0614141000012")] == ["ok"]
    assert [e.kind for e in s.feed("4006381333931")] == ["ok"]  # a second barcode of the same product
    assert not s.complete and s.missing[0].sku == "CARD"  # the free card is still to scan
    events = s.feed("0614141000142")
    assert [e.kind for e in events] == ["ok", "complete"]
    assert s.complete and s.finished
    assert [x.result for x in s.scans] == ["ok", "ok", "ok"]
    assert s.feed("0614141000012")[0].kind == "refused"  # nothing more is taken once finished


def test_wrong_extra_and_unknown_are_refused_with_the_bell_and_recorded() -> None:
    s = session()
    wrong = s.feed("0614141000029")
    assert wrong[0].kind == "wrong" and wrong[0].bell and "WRONG ITEM MUG-GRN" in wrong[0].message
    s.feed("MUG-BLU")
    s.feed("mug-blu")  # typed by hand, in any case
    extra = s.feed("0614141000012")
    assert extra[0].kind == "extra" and extra[0].bell and "ONE TOO MANY MUG-BLU" in extra[0].message
    unknown = s.feed("999")
    assert unknown[0].kind == "unknown" and unknown[0].bell
    assert [(x.sku, x.result) for x in s.scans] == [
        ("MUG-GRN", "wrong"),
        ("MUG-BLU", "ok"),
        ("MUG-BLU", "ok"),
        ("MUG-BLU", "extra"),
        (None, "unknown"),
    ]
    assert s.verified == {"MUG-BLU": 2, "CARD": 0}


def test_done_ends_with_the_missing_units_listed() -> None:
    s = session()
    s.feed("0614141000012")
    end = s.feed("done")
    assert end[0].kind == "end" and "2 units missing" in end[0].message
    assert s.finished and not s.complete
    assert [(m.sku, m.quantity) for m in s.missing] == [("MUG-BLU", 1), ("CARD", 1)]


def test_qty_undo_blank_and_help() -> None:
    s = session()
    assert s.feed("")[0].kind == "prompt"
    assert s.feed("help")[0].kind == "help"
    too_many = s.feed("qty 3 MUG-BLU")
    assert too_many[0].kind == "extra" and s.verified["MUG-BLU"] == 0
    assert s.feed("qty x MUG-BLU")[0].kind == "refused"
    assert s.feed("qty 2 0614141000012")[0].kind == "ok" and s.verified["MUG-BLU"] == 2
    assert s.feed("undo")[0].kind == "undo" and s.verified["MUG-BLU"] == 1
    assert [x.result for x in s.scans] == ["extra", "ok"]
    assert s.feed("undo")[0].kind == "undo"
    assert s.feed("undo")[0].kind == "refused"
    assert s.remaining == 3


def test_upc_a_and_ean13_of_one_product_match() -> None:
    assert code_key("614141000012") == code_key("0614141000012")
    assert session().resolve("614141000012") == "MUG-BLU"
    assert session().resolve(" 0614141000012 ") == "MUG-BLU"


def test_verify_all_takes_every_unit_without_scans() -> None:
    s = session()
    s.verify_all()
    assert s.complete and s.finished and s.scans == []


# ---------------------------------------------------------------- the catalogue


def test_config_catalogue_defaults() -> None:
    cat = catalogue_from_config(DEFAULTS["packing"])
    assert [b.ref for b in cat.boxes] == ["S", "M", "T", "L", "XL"]
    assert cat.boxes[1].outer_length == 310 and cat.boxes[1].cost == Decimal("0.70")
    assert cat.dim_rule == UPS
    # per: item in the config is one per matching unit
    assert cat.materials[0] == Material(
        "bubble wrap", Decimal("0.20"), "each", (MaterialRule(fragile=True, per="unit"),), 0
    )


@pytest.mark.parametrize(
    ("boxes", "key"),
    [
        (
            [{"ref": "A", "inner": [10, 10], "outer": [12, 12, 12], "empty_weight_g": 1, "max_weight_g": 10}],
            "packing.boxes[0] (A).inner",
        ),
        (
            [{"ref": "A", "inner": [10, 10, 10], "outer": [9, 12, 12], "empty_weight_g": 1, "max_weight_g": 10}],
            "packing.boxes[0] (A).outer",
        ),
        (
            [{"ref": "A", "inner": [10, 10, 10], "outer": [12, 12, 12], "empty_weight_g": 10, "max_weight_g": 10}],
            "packing.boxes[0] (A).max_weight_g",
        ),
        (
            [
                {
                    "ref": "A",
                    "inner": [10, 10, 10],
                    "outer": [12, 12, 12],
                    "empty_weight_g": 1,
                    "max_weight_g": 10,
                    "stock": -1,
                }
            ],
            "packing.boxes[0] (A).stock",
        ),
        (
            [
                {
                    "ref": "A",
                    "inner": [10, 10, 10],
                    "outer": [12, 12, 12],
                    "empty_weight_g": 1,
                    "max_weight_g": 10,
                    "colour": "red",
                }
            ],
            "packing.boxes[0]: unknown key 'colour'",
        ),
        ([], "packing.boxes"),
    ],
)
def test_bad_box_config_names_the_key(boxes: list, key: str) -> None:
    with pytest.raises(ConfigError) as exc:
        boxes_from_config(boxes)
    assert key in exc.value.message


def test_bad_material_config_names_the_key() -> None:
    with pytest.raises(ConfigError, match=r"packing.materials\[0\] \(x\).when: unknown condition 'colour'"):
        catalogue_from_config(
            DEFAULTS["packing"] | {"materials": [{"name": "x", "cost": "0", "when": {"colour": "red"}}]}
        )


def test_unknown_carrier_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="packing.carrier: no dimensional-weight rule for 'pigeon'"):
        catalogue_from_config(DEFAULTS["packing"] | {"carrier": "pigeon"})
    assert catalogue_from_config(DEFAULTS["packing"] | {"carrier": "none"}).dim_rule is None


def test_items_csv_lines_count_blank_lines_and_the_header() -> None:
    text = (
        "ref,length,width,height,weight,quantity,keep_flat\nbook,240,170,30,0.6kg,2,yes\n\nmug,12cm,9cm,10cm,380,1,no\n"
    )
    (order,) = read_items(io.StringIO(text), "items.csv")
    assert order.order is None
    assert [(i.ref, i.length, i.weight_g, i.quantity, i.keep_flat) for i in order.items] == [
        ("book", 240, 600, 2, True),
        ("mug", 120, 380, 1, False),
    ]
    with pytest.raises(BadInput, match=r"^items.csv:4: weight 'heavy' is not a weight"):
        read_items(io.StringIO(text.replace("380", "heavy")), "items.csv")


def test_boxes_csv_is_checked_cell_by_cell() -> None:
    head = "box_ref,inner_length,inner_width,inner_height,outer_length,outer_width,outer_height,empty_weight,max_weight,cost,stock\n"
    (box,) = read_boxes(io.StringIO(head + "T,100,80,60,110,90,70,50,2kg,0.30,12\n"), "b.csv")
    assert (box.ref, box.inner_length, box.outer_height, box.max_weight_g, box.cost, box.stock) == (
        "T",
        100,
        70,
        2000,
        Decimal("0.30"),
        12,
    )
    with pytest.raises(BadInput, match=r"^b.csv:2: outer_width 70 mm is smaller than inner_width \(80 mm\)"):
        read_boxes(io.StringIO(head + "T,100,80,60,110,70,70,50,2kg,0.30,\n"), "b.csv")
    with pytest.raises(BadInput, match=r"^b.csv:3: box_ref 'T' is already on line 2"):
        read_boxes(
            io.StringIO(head + "T,100,80,60,110,90,70,50,2kg,0.30,\nT,100,80,60,110,90,70,50,2kg,0.30,\n"), "b.csv"
        )


# ---------------------------------------------------------------- the service against a store


def _config(oms_home: Path, packing: dict | None = None):  # type: ignore[no-untyped-def]
    import yaml

    if packing is not None:
        (oms_home / "oms.yaml").write_text(yaml.safe_dump({"packing": packing}), encoding="utf-8")
    return load_config()


def _scans(store: Store, ref: str) -> list[Scan]:
    from oms_cli.packing.verify import VerifySession

    start = begin_verify(store, load_config(), ref)
    s = VerifySession(start.lines, start.barcodes, start.skus)
    for code in scans_for(store, ref):
        s.feed(code)
    assert s.complete
    return s.scans


def test_packing_records_packages_with_outer_dims_billable_weight_and_sscc(
    examples_store: Store, db_path: Path, oms_home: Path
) -> None:
    config = _config(oms_home)
    pick(examples_store, "shopify:1041", "shopify:1043")
    out = finish_verify(
        examples_store, config, "shopify:1041", _scans(examples_store, "shopify:1041"), weights_g=[1150]
    )
    assert out.changed and out.status == "packed" and out.scans["ok"] == 3
    finish_verify(examples_store, config, "shopify:1043", _scans(examples_store, "shopify:1043"))
    packages = rows(db_path, "SELECT p.*, o.ref FROM packages p JOIN orders o ON o.id = p.order_id ORDER BY p.id")
    assert [p["ref"] for p in packages] == ["shopify:1041", "shopify:1043"]
    first = packages[0]
    box = next(b for b in DEFAULTS["packing"]["boxes"] if b["ref"] == first["box"])
    assert [first["length_mm"], first["width_mm"], first["height_mm"]] == box["outer"]
    # 2 mugs of 380 g and coasters of 120 g in the box
    assert first["weight_g"] == 2 * 380 + 120 + box["empty_weight_g"]
    assert first["measured_weight_g"] == 1150
    assert first["billable_weight_g"] == billable_weight_g(tuple(box["outer"]), 1150, UPS)
    assert first["package_no"] == 1 and first["packed_at"] is not None
    ssccs = [p["sscc"] for p in packages]
    assert all(is_sscc18(s) and s[1:8] == "0614141" for s in ssccs)
    assert len(set(ssccs)) == 2
    assert rows(db_path, "SELECT value FROM counters WHERE name = 'sscc'")[0]["value"] == 2
    assert '"bubble wrap"' in first["materials"] and '"MUG-SPK-BLU"' in first["placements"]
    events = rows(
        db_path,
        "SELECT e.* FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.ref = 'shopify:1041' ORDER BY e.id",
    )
    assert (events[-1]["from_status"], events[-1]["to_status"], events[-1]["command"]) == (
        "picked",
        "packed",
        "pack verify",
    )
    assert len(rows(db_path, "SELECT * FROM verify_scans WHERE result = 'ok'")) == 6


def test_missing_units_leave_the_order_picked_with_its_scans_recorded(
    examples_store: Store, db_path: Path, oms_home: Path
) -> None:
    config = _config(oms_home)
    pick(examples_store, "shopify:1041")
    scans = _scans(examples_store, "shopify:1041")[:1] + [Scan("0614141000142", "CARD-BDAY", "wrong")]
    with pytest.raises(
        Refused, match=r"shopify:1041: not packed: 2 items missing \(1 x MUG-SPK-BLU, 1 x COASTER-SET4\)"
    ):
        finish_verify(examples_store, config, "shopify:1041", scans)
    assert rows(db_path, "SELECT status FROM orders WHERE ref = 'shopify:1041'")[0]["status"] == "picked"
    assert rows(db_path, "SELECT count(*) AS n FROM packages")[0]["n"] == 0
    assert [r["result"] for r in rows(db_path, "SELECT result FROM verify_scans ORDER BY id")] == ["ok", "wrong"]


def test_several_packages_get_consecutive_serials(examples_store: Store, db_path: Path, oms_home: Path) -> None:
    small = [
        {
            "ref": "S",
            "inner": [200, 150, 100],
            "outer": [210, 160, 110],
            "empty_weight_g": 120,
            "max_weight_g": 5000,
            "cost": "0.45",
        }
    ]
    config = _config(oms_home, {"boxes": small})
    pick(examples_store, "shopify:1045")
    plan = plan_order(examples_store, config, "shopify:1045")
    assert len(plan.packages) > 1 and not plan.unpacked
    assert sum(len(p.placements) for p in plan.packages) == 12
    finish_verify(examples_store, config, "shopify:1045", [], trust_pick=True, weights_g=[plan.expected_weight_g])
    packages = rows(db_path, "SELECT package_no, sscc, measured_weight_g FROM packages ORDER BY package_no")
    assert [p["package_no"] for p in packages] == list(range(1, len(plan.packages) + 1))
    serials = [int(p["sscc"][8:17]) for p in packages]
    assert serials == list(range(1, len(packages) + 1))
    # one weight for several packages is checked against their total, not stored per package
    assert {p["measured_weight_g"] for p in packages} == {None}
    assert rows(db_path, "SELECT count(*) AS n FROM verify_scans")[0]["n"] == 0


def test_an_item_no_box_takes_is_refused_before_scanning(examples_store: Store, oms_home: Path, db_path: Path) -> None:
    small = [
        {
            "ref": "S",
            "inner": [200, 150, 100],
            "outer": [210, 160, 110],
            "empty_weight_g": 120,
            "max_weight_g": 5000,
            "cost": "0.45",
        }
    ]
    config = _config(oms_home, {"boxes": small})
    pick(examples_store, "shopify:1049")
    before = store_digest(db_path)
    with pytest.raises(Refused, match=r"shopify:1049: THROW-KNIT cannot be packed: too long for every box"):
        begin_verify(examples_store, config, "shopify:1049")
    assert store_digest(db_path) == before


def test_a_product_without_a_weight_stops_packing(examples_store: Store, oms_home: Path) -> None:
    config = _config(oms_home)
    pick(examples_store, "shopify:1041")
    products = tables.products
    with examples_store.connect() as conn:
        conn.execute(update(products).where(products.c.sku == "COASTER-SET4").values(weight_g=None))
    with pytest.raises(BadInput, match="shopify:1041: product COASTER-SET4 has no weight in the catalogue"):
        begin_verify(examples_store, config, "shopify:1041")
    with pytest.raises(BadInput, match="COASTER-SET4"):
        plan_order(examples_store, config, "shopify:1041")


def test_order_units_helper_matches_the_plan(examples_store: Store, oms_home: Path) -> None:
    plan = plan_order(examples_store, _config(oms_home), "shopify:1045")
    assert [(ln.sku, ln.quantity, ln.free) for ln in plan.lines] == order_units(examples_store, "shopify:1045")
    assert plan.status == "new" and not plan.recorded
