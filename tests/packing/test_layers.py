"""Layer-by-layer packing steps and their top-view drawings."""

from __future__ import annotations

from oms_cli.packing.engine import Box, Item, PackedBox, Placement, choose_boxes
from oms_cli.packing.layers import draw_layer, label, layers, packing_steps

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
        [Placement("book", 0, 0, 0, 200, 100, 40), Placement("mug", 0, 0, 40, 100, 100, 60), Placement("cup", 100, 0, 40, 100, 100, 50)],
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
