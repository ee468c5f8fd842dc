"""Turn a packed box into layer-by-layer steps a packer can follow, with a top-view drawing per layer.

A layer is every item whose bottom sits at the same height, packed in order
from the floor up. Each layer's drawing is the box seen from above, x (the
inner length) left to right and y (the inner width) top to bottom: letters
are the items placed in this layer (explained in the legend), ``#`` is space
already taken at this height by items of lower layers, ``.`` is empty.

Pure module: plain strings, no terminal styling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from oms_cli.packing.engine import Box, PackedBox, Placement

_LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class Layer:
    """Items to place at one height: ``bottom`` (mm above the floor) and the tallest ``top`` they reach."""

    number: int
    bottom: int
    top: int
    items: tuple[tuple[str, Placement], ...]  # (label on the drawing, placement)
    drawing: str


def label(n: int) -> str:
    """The drawing label of the n-th item of a layer (``*`` once single characters run out)."""
    return _LABELS[n] if n < len(_LABELS) else "*"


def draw_layer(
    box: Box,
    placements: Sequence[tuple[str, Placement]],
    below: Sequence[Placement] = (),
    *,
    columns: int = 40,
) -> str:
    """Top view of one layer as text: labelled items, ``#`` for lower items reaching into it, ``.`` for empty."""
    columns = max(1, columns)
    # terminal cells are about twice as tall as wide
    rows = max(1, round(box.inner_width * columns / box.inner_length / 2))
    grid = [["."] * columns for _ in range(rows)]

    def cells(p: Placement) -> list[tuple[int, int]]:
        # a cell is covered when its centre lies inside the item's footprint
        found = []
        for r in range(rows):
            centre_y2 = (2 * r + 1) * box.inner_width  # 2*rows*y of the centre
            if not (2 * rows * p.y <= centre_y2 < 2 * rows * (p.y + p.width)):
                continue
            for c in range(columns):
                centre_x2 = (2 * c + 1) * box.inner_length
                if 2 * columns * p.x <= centre_x2 < 2 * columns * (p.x + p.length):
                    found.append((r, c))
        return found

    for p in below:
        for r, c in cells(p):
            grid[r][c] = "#"
    hidden = []
    for mark, p in placements:
        covered = cells(p)
        if not covered:
            hidden.append((mark, p))
        for r, c in covered:
            grid[r][c] = mark
    for mark, p in hidden:
        # too small for the grid: still show it in the cell holding its centre,
        # unless another item of this layer is drawn there
        r = min(rows - 1, (2 * p.y + p.width) * rows // (2 * box.inner_width))
        c = min(columns - 1, (2 * p.x + p.length) * columns // (2 * box.inner_length))
        if grid[r][c] in ".#":
            grid[r][c] = mark
    border = "+" + "-" * columns + "+"
    return "\n".join([border, *("|" + "".join(row) + "|" for row in grid), border])


def layers(packed: PackedBox, *, columns: int = 40) -> list[Layer]:
    """The box's contents grouped by the height they sit at, lowest first, each with its drawing."""
    ordered = sorted(packed.placements, key=lambda p: (p.z, p.y, p.x))
    result: list[Layer] = []
    done: list[Placement] = []
    for number, (bottom, group) in enumerate(groupby(ordered, key=lambda p: p.z), start=1):
        members = list(group)
        labelled = tuple((label(n), p) for n, p in enumerate(members))
        reaching = [p for p in done if p.z + p.height > bottom]
        drawing = draw_layer(packed.box, labelled, reaching, columns=columns)
        top = max(p.z + p.height for p in members)
        result.append(Layer(number, bottom, top, labelled, drawing))
        done.extend(members)
    return result


def packing_steps(packed: PackedBox, *, columns: int = 40) -> str:
    """Plain-text packing instructions for one box: each layer's items with positions, and its drawing."""
    box = packed.box
    all_layers = layers(packed, columns=columns)
    count = len(packed.placements)
    lines = [
        f"Box {box.ref} ({box.inner_length}x{box.inner_width}x{box.inner_height} mm inside): "
        f"{count} item{'s' if count != 1 else ''}, {len(all_layers)} layer{'s' if len(all_layers) != 1 else ''}, "
        f"{packed.weight_g} g",
        "x runs left to right along the length, y top to bottom along the width, from the box's back left corner.",
    ]
    for layer in all_layers:
        where = "on the floor" if layer.bottom == 0 else f"at {layer.bottom} mm"
        lines.append("")
        lines.append(f"Layer {layer.number}: {where}, up to {layer.top} mm")
        for mark, p in layer.items:
            lines.append(f"  {mark}  {p.ref}  {p.length}x{p.width}x{p.height} mm (LxWxH) at x {p.x}, y {p.y}")
        lines.extend("  " + row for row in layer.drawing.splitlines())
    return "\n".join(lines)
