"""Layer-by-layer packing steps and their top-view drawings, as `oms pack REF` prints them and as instructions."""

from __future__ import annotations

from oms_cli.packing.engine import Box, Item, PackedBox, Placement, choose_boxes
from oms_cli.packing.layers import draw_layer, label, layer_drawings, layers, legend, packing_steps

BOX = Box("b", 200, 100, 100, 210, 110, 110, empty_weight_g=50, max_weight_g=10_000)


def test_every_item_is_in_exactly_one_layer_lowest_first() -> None:
    items = [Item("brick", 100, 50, 30, 500, quantity=8), Item("pin", 5, 5, 5, 1, quantity=3)]
    (package,) = choose_boxes(items, [BOX]).packages
    found = layers(package)
    placed = [p for layer in found for _, p in layer.items]
    assert sorted(placed, key=repr) == sorted(package.placements, key=repr)
    assert [layer.bottom for layer in found] == sorted({p.z for p in package.placements})
    assert all(p.z == layer.bottom for layer in found for _, p in layer.items)
    assert [layer.number for layer in found] == list(range(1, len(found) + 1))


def test_drawing_of_two_items_side_by_side() -> None:
    placements = [("A", Placement("left", 0, 0, 0, 100, 100, 50)), ("B", Placement("right", 100, 0, 0, 50, 50, 50))]
    drawing = draw_layer(BOX, placements, columns=8)
    assert drawing == "\n".join(
        [
            "+--------+",
            "|AAAABB..|",
            "|AAAA....|",
            "+--------+",
        ]
    )


def test_items_below_reaching_into_a_layer_are_hatched() -> None:
    tall = Placement("tall", 0, 0, 0, 100, 100, 100)
    drawing = draw_layer(BOX, [("A", Placement("lid", 100, 0, 50, 100, 100, 10))], [tall], columns=4)
    assert drawing.splitlines()[1] == "|##AA|"


def test_tiny_items_still_show_up() -> None:
    drawing = draw_layer(BOX, [("A", Placement("pin", 150, 50, 0, 1, 1, 1))], columns=4)
    assert "A" in drawing


def test_labels_run_out_gracefully() -> None:
    assert [label(n) for n in (0, 25, 26, 61, 62, 500)] == ["A", "Z", "a", "9", "*", "*"]


def test_packing_steps_read_layer_by_layer() -> None:
    package = PackedBox(
        BOX,
        [
            Placement("book", 0, 0, 0, 200, 100, 40),
            Placement("mug", 0, 0, 40, 100, 100, 60),
            Placement("cup", 100, 0, 40, 100, 100, 50),
        ],
        weight_g=900,
        billable_weight_g=1000,
        fill_pct=90.0,
    )
    text = packing_steps(package, columns=10)
    assert text.splitlines()[0] == "Box b (200x100x100 mm inside): 3 items, 2 layers, 900 g"
    assert "Layer 1: on the floor, up to 40 mm" in text
    assert "Layer 2: at 40 mm, up to 100 mm" in text
    assert "  A  mug  100x100x60 mm (LxWxH) at x 0, y 0" in text
    assert "  B  cup  100x100x50 mm (LxWxH) at x 100, y 0" in text
    assert "|AAAAABBBBB|" in text
    assert "\x1b" not in text  # plain text, no terminal styling


def test_units_of_one_product_share_a_letter_and_each_is_framed() -> None:
    mugs = [Placement("mug", 0, 0, 0, 100, 100, 90), Placement("mug", 100, 0, 0, 100, 100, 90)]
    (layer,) = layers(PackedBox(BOX, mugs, weight_g=800, billable_weight_g=800, fill_pct=90.0), columns=20)
    assert [mark for mark, _ in layer.items] == ["A", "A"]
    assert layer.drawing.splitlines()[1:-1] == [
        "|+--------++--------+|",
        "||AAAAAAAA||AAAAAAAA||",
        "||AAAAAAAA||AAAAAAAA||",
        "||AAAAAAAA||AAAAAAAA||",
        "|+--------++--------+|",
    ]
    assert legend(layer) == ["A = mug x2  (100x100x90 mm as placed)"]


def test_the_key_gives_every_size_a_product_is_placed_in() -> None:
    books = [
        Placement("book", 0, 0, 0, 100, 50, 20),
        Placement("book", 100, 0, 0, 50, 100, 20),
        Placement("book", 0, 50, 0, 100, 50, 20),
    ]
    (layer,) = layers(PackedBox(BOX, books, weight_g=900, billable_weight_g=900, fill_pct=30.0))
    assert legend(layer) == ["A = book x3  (100x50x20 mm x2, 50x100x20 mm x1 as placed)"]


def test_layer_drawings_head_each_layer_and_draw_identical_layers_once() -> None:
    placements = [
        Placement("brick", 0, 0, 0, 100, 100, 30),
        Placement("post", 100, 0, 0, 100, 100, 90),
        Placement("brick", 0, 0, 30, 100, 100, 30),
        Placement("brick", 0, 0, 60, 100, 100, 30),
    ]
    lines = layer_drawings(BOX, placements, columns=20)
    headings = [line for line in lines if line.startswith("  layer")]
    assert headings == [
        "  layer 1 of 2 (the bottom up to 90 mm), seen from above:",
        "  layer 2 of 2 (on top, from 30 mm up to 90 mm, 2 layers alike stacked), seen from above:",
    ]
    assert "    A = brick x1  (100x100x30 mm as placed)" in lines
    assert "    B = post x1  (100x100x90 mm as placed)" in lines
    assert lines[-1] == "    # = an item from a lower layer reaching up through this one"
    assert lines[1] == "    +" + "-" * 20 + "+  x: along the box's length ->"
    assert "    +" + "-" * 20 + "+  y: down the page, along its width" in lines
    assert "    ||AAAAAAAA|##########|" in lines  # the post reaches up through the bricks above the first
    assert layer_drawings(BOX, []) == ["  (empty)"]


def test_a_narrow_deep_box_is_drawn_no_taller_than_max_rows() -> None:
    tube = Box("tube", 100, 600, 100, 110, 610, 110, empty_weight_g=50, max_weight_g=1000)
    assert len(draw_layer(tube, [("A", Placement("rod", 0, 0, 0, 100, 600, 100))]).splitlines()) == 18 + 2
