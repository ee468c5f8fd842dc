"""`oms boxes pack FILE` and `oms boxes list`: packing without orders, the exact JSON
shape, another box catalogue, per-order packing and bad files named by line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import storedb
from tests.packing.store_fixtures import table_counts

ITEMS_HEADER = "ref,length,width,height,weight,quantity,keep_flat"
BOXES_HEADER = (
    "box_ref,inner_length,inner_width,inner_height,outer_length,outer_width,outer_height,empty_weight,max_weight,cost"
)


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def items(oms_home: Path) -> Path:
    return write(oms_home / "items.csv", ITEMS_HEADER, "book,240,170,30,600,2,yes", "mug,120,90,100,380,3,no")


def test_json_shape_is_exactly_as_documented(oms, items: Path) -> None:
    r = oms("boxes", "pack", items, "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert out == oms("--json", "boxes", "pack", items).json()
    (order,) = out
    assert set(order) == {"order", "packages", "unpacked", "proven_best", "one_box_ruled_out"}
    assert order["proven_best"] is True and order["one_box_ruled_out"] is False
    assert order["order"] is None and order["unpacked"] == []
    boxes = {b["ref"]: b for b in __import__("oms_cli.core.config", fromlist=["DEFAULTS"]).DEFAULTS["packing"]["boxes"]}
    units = []
    for pkg in order["packages"]:
        assert set(pkg) == {"box", "items", "weight_g", "billable_weight", "fill_pct"}
        inner = boxes[pkg["box"]]["inner"]
        for u in pkg["items"]:
            assert set(u) == {"ref", "x", "y", "z", "length", "width", "height"}
            # x along the inner length, y along the width, z up; placed sizes stay inside the box
            assert (
                u["x"] + u["length"] <= inner[0]
                and u["y"] + u["width"] <= inner[1]
                and u["z"] + u["height"] <= inner[2]
            )
            units.append(u)
        assert pkg["weight_g"] == boxes[pkg["box"]]["empty_weight_g"] + sum(
            600 if u["ref"] == "book" else 380 for u in pkg["items"]
        )
        assert pkg["billable_weight"] >= pkg["weight_g"]
    assert sorted(u["ref"] for u in units) == ["book", "book", "mug", "mug", "mug"]
    for u in units:
        if u["ref"] == "book":  # keep_flat: its 30 mm stays up
            assert u["height"] == 30 and sorted((u["length"], u["width"])) == [170, 240]
        else:
            assert sorted((u["length"], u["width"], u["height"])) == [90, 100, 120]


def test_each_order_is_packed_on_its_own(oms, oms_home: Path) -> None:
    f = write(
        oms_home / "orders.csv",
        ITEMS_HEADER + ",order",
        "mug,120,90,100,380,1,no,B-2",
        "card,160,120,5,30,1,yes,A-1",
        "mug,120,90,100,380,1,no,A-1",
        "board,400,200,20,900,1,yes,B-2",
    )
    out = oms("--json", "boxes", "pack", f).json()
    assert [o["order"] for o in out] == ["B-2", "A-1"]
    refs = {o["order"]: sorted(u["ref"] for p in o["packages"] for u in p["items"]) for o in out}
    assert refs == {"B-2": ["board", "mug"], "A-1": ["card", "mug"]}
    assert [len(o["packages"]) for o in out] == [1, 1]


def test_another_box_catalogue(oms, oms_home: Path, items: Path) -> None:
    boxes = write(
        oms_home / "boxes.csv",
        BOXES_HEADER + ",stock",
        "TUBE,500,80,80,510,90,90,60,3kg,0.90,",
        "CRATE,600,500,400,620,520,420,1500,40000,4.00,3",
    )
    out = oms("--json", "boxes", "pack", items, "--boxes", boxes).json()
    assert [p["box"] for p in out[0]["packages"]] == ["CRATE"]
    assert out[0]["packages"][0]["weight_g"] == 1500 + 2 * 600 + 3 * 380
    r = oms("boxes", "pack", items, "--boxes", boxes)
    assert r.exit_code == 0 and "CRATE" in r.stdout


def test_items_no_box_takes_are_listed_and_exit_6(oms, oms_home: Path) -> None:
    f = write(oms_home / "big.csv", ITEMS_HEADER, "mug,120,90,100,380,1,no", "ladder,2000,400,80,6000,1,no")
    r = oms("--json", "boxes", "pack", f)
    assert r.exit_code == 6
    out = r.json()
    assert out[0]["unpacked"] == [
        {"ref": "ladder", "reason": "too long for every box (2000 mm; the longest inner side is 600 mm)"}
    ]
    assert [u["ref"] for p in out[0]["packages"] for u in p["items"]] == ["mug"]
    assert "ladder cannot be packed: too long for every box" in r.stderr


def test_drawing_and_table(oms, items: Path) -> None:
    r = oms("boxes", "pack", items, "--drawing")
    assert r.exit_code == 0
    assert "package 1: box" in r.stdout and "layer 1 of" in r.stdout and "A = book x1" in r.stdout


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            (ITEMS_HEADER, "book,240,170,30,600,2,yes", "mug,long,90,100,380,1,no"),
            "items.csv:3: length 'long' is not a length",
        ),
        (
            (ITEMS_HEADER, "book,240,170,30,600,2,yes", "", "mug,120,90,100,380,0,no"),
            "items.csv:4: quantity '0' is not a whole number of units",
        ),
        ((ITEMS_HEADER, "book,240,170,30,600,2,maybe"), "items.csv:2: keep_flat 'maybe' is not yes or no"),
        ((ITEMS_HEADER, ",240,170,30,600,2,yes"), "items.csv:2: ref is empty"),
        ((ITEMS_HEADER, "book,240,0,30,600,2,yes"), "items.csv:2: width '0' must be more than 0"),
        (("ref,length,width,height,quantity", "book,240,170,30,2"), "items.csv:1: no 'weight' column in the header"),
        (
            ("ref,length,width,height,weight,colour", "book,240,170,30,600,red"),
            "items.csv:1: colour is not a known column",
        ),
        ((ITEMS_HEADER + ",order", "book,240,170,30,600,2,yes,"), "items.csv:2: order is empty"),
        ((ITEMS_HEADER,), "items.csv: has no items (only a header)"),
    ],
)
def test_bad_items_file_names_file_line_and_column(
    oms, oms_home: Path, db_path: Path, lines: tuple[str, ...], message: str
) -> None:
    before = table_counts(db_path) if storedb.exists(db_path) else None
    f = write(oms_home / "items.csv", *lines)
    r = oms("boxes", "pack", "items.csv")
    assert r.exit_code == 3
    assert r.stdout == ""
    assert f"oms: error: {message}" in r.stderr
    assert f.exists()
    # planning touches no store at all
    assert (table_counts(db_path) if storedb.exists(db_path) else None) == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("T,100,80,60,90,90,70,50,2000,0.30", "boxes.csv:2: outer_length 90 mm is smaller than inner_length (100 mm)"),
        ("T,100,80,60,110,90,70,50,40,0.30", "boxes.csv:2: max_weight 40 g is not above empty_weight (50 g)"),
        ("T,100,80,60,110,90,70,50,2000,cheap", "boxes.csv:2: cost 'cheap' is not an amount"),
        ("T,100,80,,110,90,70,50,2000,0.30", "boxes.csv:2: inner_height is empty"),
    ],
)
def test_bad_box_catalogue_names_file_line_and_column(oms, oms_home: Path, items: Path, row: str, message: str) -> None:
    write(oms_home / "boxes.csv", BOXES_HEADER, row)
    r = oms("boxes", "pack", items, "--boxes", "boxes.csv")
    assert r.exit_code == 3
    assert f"oms: error: {message}" in r.stderr


def test_missing_file_is_not_found(oms) -> None:
    assert oms("boxes", "pack", "nowhere.csv").exit_code == 4


def test_boxes_list_shows_the_config_catalogue_with_stock(oms, config_file) -> None:
    config_file(
        {
            "packing": {
                "boxes": [
                    {
                        "ref": "BIG",
                        "inner": [400, 300, 250],
                        "outer": [410, 310, 260],
                        "empty_weight_g": 380,
                        "max_weight_g": 20000,
                        "cost": "1.10",
                        "stock": 7,
                    },
                    {
                        "ref": "SMALL",
                        "inner": [200, 150, 100],
                        "outer": [210, 160, 110],
                        "empty_weight_g": 120,
                        "max_weight_g": 5000,
                        "cost": "0.45",
                    },
                ]
            }
        }
    )
    out = oms("--json", "boxes", "list").json()
    assert out == [
        {
            "box": "SMALL",
            "inner": [200, 150, 100],
            "outer": [210, 160, 110],
            "empty_weight_g": 120,
            "max_weight_g": 5000,
            "cost": "0.45",
            "stock": None,
            "low": False,
        },
        {
            "box": "BIG",
            "inner": [400, 300, 250],
            "outer": [410, 310, 260],
            "empty_weight_g": 380,
            "max_weight_g": 20000,
            "cost": "1.10",
            "stock": 7,
            "low": True,
        },
    ]
    r = oms("boxes", "list")
    assert r.exit_code == 0
    assert "not counted" in r.stdout and "400x300x250" in r.stdout


def test_bad_box_config_is_exit_3_naming_the_key(oms, config_file) -> None:
    config_file(
        {
            "packing": {
                "boxes": [
                    {
                        "ref": "S",
                        "inner": [200, 150],
                        "outer": [210, 160, 110],
                        "empty_weight_g": 120,
                        "max_weight_g": 5000,
                    }
                ]
            }
        }
    )
    r = oms("boxes", "list")
    assert r.exit_code == 3
    assert "packing.boxes[0] (S).inner" in r.stderr


def test_out_of_stock_box_is_not_chosen(oms, config_file, items: Path) -> None:
    boxes = [
        {
            "ref": "L",
            "inner": [400, 300, 250],
            "outer": [410, 310, 260],
            "empty_weight_g": 380,
            "max_weight_g": 20000,
            "cost": "1.10",
            "stock": 0,
        },
        {
            "ref": "XL",
            "inner": [600, 400, 400],
            "outer": [615, 415, 415],
            "empty_weight_g": 700,
            "max_weight_g": 30000,
            "cost": "2.00",
        },
    ]
    config_file({"packing": {"boxes": boxes}})
    out = oms("--json", "boxes", "pack", items).json()
    assert [p["box"] for p in out[0]["packages"]] == ["XL"]
