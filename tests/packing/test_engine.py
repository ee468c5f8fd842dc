"""choose_boxes / fill_box: objectives, stock, reasons, merging, JSON shape, input checks."""

from __future__ import annotations

import time
from collections import Counter
from decimal import Decimal

import pytest
from packcheck import packing_errors

from oms_cli.core.errors import BadInput
from oms_cli.packing.engine import Box, Item, PackResult, choose_boxes, fill_box, orientations


def box(
    ref: str,
    inner: tuple[int, int, int],
    *,
    wall: int = 5,
    empty: int = 100,
    limit: int = 20_000,
    cost: str = "1.00",
    stock: int | None = None,
) -> Box:
    return Box(
        ref,
        inner_length=inner[0],
        inner_width=inner[1],
        inner_height=inner[2],
        outer_length=inner[0] + 2 * wall,
        outer_width=inner[1] + 2 * wall,
        outer_height=inner[2] + 2 * wall,
        empty_weight_g=empty,
        max_weight_g=limit,
        cost=Decimal(cost),
        stock=stock,
    )


BIG_CHEAP = box("big-cheap", (400, 300, 200), empty=300, cost="0.50")
SMALL_DEAR = box("small-dear", (200, 150, 100), empty=100, cost="2.00")


def test_billable_weight_objective_takes_the_box_billed_lightest() -> None:
    items = [Item("mug", 100, 100, 50, 200, quantity=2)]
    result = choose_boxes(items, [BIG_CHEAP, SMALL_DEAR])
    assert [p.box.ref for p in result.packages] == ["small-dear"]
    # 21 x 16 x 11 cm / 5,000 = 0.74 kg, rounded up to 1 kg; actual 0.5 kg also rounds up to 1 kg
    assert result.packages[0].billable_weight_g == 1000
    assert result.packages[0].weight_g == 100 + 2 * 200


def test_cost_objective_takes_the_cheapest_box() -> None:
    items = [Item("mug", 100, 100, 50, 200, quantity=2)]
    result = choose_boxes(items, [BIG_CHEAP, SMALL_DEAR], objective="cost")
    assert [p.box.ref for p in result.packages] == ["big-cheap"]


def test_fewer_boxes_beat_a_lower_billable_weight() -> None:
    # two small boxes would be billed 2 kg in all, the big one 6 kg: one box still wins
    items = [Item("tin", 200, 150, 100, 100, quantity=2)]
    result = choose_boxes(items, [BIG_CHEAP, SMALL_DEAR])
    assert [p.box.ref for p in result.packages] == ["big-cheap"]


def test_least_volume_breaks_a_tie() -> None:
    same = dict(empty=100, cost="1.00")
    tall = box("tall", (100, 100, 300), **same)  # type: ignore[arg-type]
    cube = box("cube", (110, 110, 110), **same)  # type: ignore[arg-type]
    result = choose_boxes([Item("ball", 90, 90, 90, 100)], [tall, cube], dim_rule=None)
    assert result.packages[0].box.ref == "cube"


def test_a_box_out_of_stock_is_never_used() -> None:
    items = [Item("mug", 100, 100, 50, 200, quantity=2)]
    result = choose_boxes(items, [BIG_CHEAP, box("small-dear", (200, 150, 100), stock=0)])
    assert [p.box.ref for p in result.packages] == ["big-cheap"]


def test_stock_limits_how_many_boxes_of_a_type_are_used() -> None:
    only = box("only", (100, 100, 100), stock=2)
    items = [Item("cube", 100, 100, 100, 50, quantity=3)]
    result = choose_boxes(items, [only])
    assert len(result.packages) == 2
    assert [u.reason for u in result.unpacked] == ["no box left in stock for it"]
    assert packing_errors(items, result) == []


def test_no_box_in_stock_at_all() -> None:
    result = choose_boxes([Item("cube", 10, 10, 10, 5)], [box("only", (100, 100, 100), stock=0)])
    assert result.packages == []
    assert [u.reason for u in result.unpacked] == ["no box in stock"]


def test_unpackable_items_are_reported_with_the_reason() -> None:
    items = [
        Item("pole", 500, 10, 10, 100),
        Item("anvil", 100, 100, 50, 30_000),
        Item("tall vase", 250, 50, 350, 100, keep_flat=True),
        Item("mug", 100, 100, 50, 200),
    ]
    result = choose_boxes(items, [BIG_CHEAP, SMALL_DEAR])
    reasons = {u.ref: u.reason for u in result.unpacked}
    assert reasons["pole"].startswith("too long for every box (500 mm")
    assert reasons["anvil"].startswith("too heavy for every box it fits in (30000 g")
    assert reasons["tall vase"] == "does not fit any box when kept flat (250x50x350 mm)"
    cube = choose_boxes([Item("crate", 250, 250, 250, 100)], [BIG_CHEAP, SMALL_DEAR])
    assert [u.reason for u in cube.unpacked] == ["does not fit any box in any orientation (250x250x250 mm)"]
    assert Counter(p.ref for pkg in result.packages for p in pkg.placements) == {"mug": 1}
    assert packing_errors(items, result) == []


def test_the_same_item_free_to_turn_lies_down_to_fit() -> None:
    result = choose_boxes([Item("tall vase", 250, 50, 350, 100)], [BIG_CHEAP])
    assert result.unpacked == []
    assert result.packages[0].placements[0].height < 350


def test_items_that_fit_as_given_are_not_tipped_over() -> None:
    # free to turn, but a mug that fits upright stays upright
    result = choose_boxes([Item("mug", 120, 90, 95, 350, quantity=2)], [BIG_CHEAP])
    assert {p.height for p in result.packages[0].placements} == {95}


def test_keep_flat_items_keep_their_height_up() -> None:
    items = [Item("book", 210, 297, 30, 500, keep_flat=True, quantity=9)]
    result = choose_boxes(items, [box("tall", (300, 220, 300))])
    assert {p.height for pkg in result.packages for p in pkg.placements} == {30}
    assert packing_errors(items, result) == []


def test_identical_items_with_different_refs_keep_their_refs() -> None:
    items = [Item("red", 50, 50, 50, 10, quantity=3), Item("blue", 50, 50, 50, 10, quantity=2)]
    result = choose_boxes(items, [SMALL_DEAR])
    assert Counter(p.ref for pkg in result.packages for p in pkg.placements) == {"red": 3, "blue": 2}


def test_hundreds_of_units_pack_quickly_and_exactly() -> None:
    items = [Item("dice", 20, 20, 20, 10, quantity=600)]
    started = time.perf_counter()
    result = choose_boxes(items, [box("crate", (200, 200, 120), limit=50_000)])
    assert time.perf_counter() - started < 2
    assert len(result.packages) == 1
    assert result.packages[0].fill_pct == 100.0
    assert packing_errors(items, result) == []


def test_heavy_order_is_split_by_weight() -> None:
    items = [Item("brick", 200, 100, 60, 2_000, quantity=12)]
    crate = box("crate", (400, 300, 200), empty=500, limit=10_500)
    result = choose_boxes(items, [crate])
    # 24 kg of bricks, at most 10 kg a box
    assert len(result.packages) == 3
    assert all(p.weight_g <= 10_500 for p in result.packages)
    assert packing_errors(items, result) == []


def test_weights_and_fill_are_reported() -> None:
    result = choose_boxes(
        [Item("cube", 100, 100, 100, 250, quantity=2)], [box("b", (200, 100, 100), empty=80)], dim_rule=None
    )
    package = result.packages[0]
    assert package.weight_g == 580
    assert package.billable_weight_g == 580
    assert package.fill_pct == 100.0


def test_to_json_has_exactly_the_documented_shape() -> None:
    result = choose_boxes([Item("cube", 100, 100, 100, 250), Item("pole", 900, 10, 10, 5)], [box("b", (200, 100, 100))])
    data = result.to_json()
    assert set(data) == {"packages", "unpacked", "proven_best", "one_box_ruled_out"}
    (package,) = data["packages"]
    assert set(package) == {"box", "items", "weight_g", "billable_weight", "fill_pct"}
    assert package["box"] == "b"
    assert package["items"] == [{"ref": "cube", "x": 0, "y": 0, "z": 0, "length": 100, "width": 100, "height": 100}]
    assert data["unpacked"] == [{"ref": "pole", "reason": result.unpacked[0].reason}]
    assert data["proven_best"] is True and data["one_box_ruled_out"] is False
    assert PackResult().to_json() == {"packages": [], "unpacked": [], "proven_best": False, "one_box_ruled_out": False}


def test_fill_box_says_which_limit_stopped_an_item() -> None:
    tray = box("tray", (100, 100, 20), empty=0, limit=300)
    items = [Item("tile", 100, 100, 10, 200), Item("lead tile", 100, 100, 10, 250), Item("thin tile", 100, 100, 10, 50)]
    result = fill_box(items, tray)
    reasons = {u.ref: u.reason for u in result.unpacked}
    assert Counter(p.ref for p in result.packages[0].placements) == {"lead tile": 1, "thin tile": 1}
    assert reasons == {"tile": "over the weight limit of box tray"}
    room = fill_box([Item("tile", 100, 100, 10, 1, quantity=3)], tray)
    assert [u.reason for u in room.unpacked] == ["no room left in box tray"]


def test_orientations() -> None:
    assert orientations(3, 2, 1, (False, False, True)) == ((3, 2, 1), (2, 3, 1))
    assert len(orientations(3, 2, 1, (True, True, True))) == 6
    assert len(orientations(2, 2, 2, (True, True, True))) == 1
    assert all(o[2] in (3, 1) for o in orientations(3, 2, 1, (True, False, True)))


@pytest.mark.parametrize(
    "item",
    [
        Item("x", 0, 10, 10, 1),
        Item("x", 10, 10, 10, -1),
        Item("x", 10, 10, 10, 1, quantity=-1),
        Item("x", 1, 1, 1, 1, may_stand_on=(False, False, False)),
    ],
)
def test_bad_items_are_refused(item: Item) -> None:
    with pytest.raises(BadInput, match="item x"):
        choose_boxes([item], [SMALL_DEAR])


def test_bad_boxes_and_objectives_are_refused() -> None:
    with pytest.raises(BadInput, match="box flat"):
        choose_boxes([Item("x", 1, 1, 1, 1)], [box("flat", (10, 10, 0))])
    with pytest.raises(BadInput, match="below its empty weight"):
        choose_boxes([Item("x", 1, 1, 1, 1)], [box("light", (10, 10, 10), empty=500, limit=400)])
    with pytest.raises(BadInput, match="objective"):
        choose_boxes([Item("x", 1, 1, 1, 1)], [SMALL_DEAR], objective="speed")  # type: ignore[arg-type]


def test_nothing_to_pack() -> None:
    assert choose_boxes([], [SMALL_DEAR]).packages == []
    assert choose_boxes([Item("x", 1, 1, 1, 1, quantity=0)], [SMALL_DEAR]).to_json() == {
        "packages": [],
        "unpacked": [],
        "proven_best": False,
        "one_box_ruled_out": False,
    }


def test_the_final_self_check_catches_impossible_layouts() -> None:
    from oms_cli.packing.box_filling import Kind
    from oms_cli.packing.engine import _Group, _layout_fault

    cube = Box("cube", 10, 10, 10, 12, 12, 12, empty_weight_g=0, max_weight_g=100)
    group = _Group(Kind(((5, 5, 5),), 1, 125), (5, 5, 5), 1, (True, True, True), ["a", "b"])
    assert _layout_fault(cube, [(0, 0, 0, 0, 5, 5, 5), (0, 5, 0, 0, 5, 5, 5)], [group]) is None
    assert "overlapping" in (_layout_fault(cube, [(0, 0, 0, 0, 5, 5, 5), (0, 4, 4, 4, 5, 5, 5)], [group]) or "")
    assert "outside" in (_layout_fault(cube, [(0, 6, 0, 0, 5, 5, 5)], [group]) or "")
    flat = _Group(Kind(((6, 5, 4), (5, 6, 4)), 1, 120), (6, 5, 4), 1, (False, False, True), ["c"])
    assert "forbid" in (_layout_fault(cube, [(0, 0, 0, 0, 4, 5, 6)], [flat]) or "")
