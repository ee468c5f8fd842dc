"""Turn a packed box into layer-by-layer steps a packer can follow, with a top-view drawing per layer.

A layer is every item whose bottom sits at the same height, packed in order
from the floor up. Each layer's drawing is the box seen from above, x (the
inner length) left to right and y (the inner width) top to bottom: a letter
stands for a product of this layer (explained in the key), each unit large
enough is framed so that neighbouring units of one product stay apart, ``#`` is
space already taken at this height by items of lower layers, ``.`` is empty.

Two renderings: :func:`layer_drawings` (what `oms pack REF` and
`oms boxes pack --drawing` print: each layer's drawing and key, identical layers
stacked one on another drawn once) and :func:`packing_steps` (every unit with
its position, for printed instructions).

Pure module: plain strings, no terminal styling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from oms_cli.packing.engine import Box, PackedBox, Placement

_LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

#: a drawing is never taller than this many rows, however narrow and deep the box
MAX_ROWS = 18


@dataclass(frozen=True)
class Layer:
    """Items to place at one height: ``bottom`` (mm above the floor) and the tallest ``top`` they reach."""

    number: int
    bottom: int
    top: int
    items: tuple[tuple[str, Placement], ...]  # (label on the drawing, placement)
    drawing: str
    below: tuple[Placement, ...] = ()  # items of lower layers reaching up into this one


def label(n: int) -> str:
    """The drawing label of the n-th product of a layer (``*`` once single characters run out)."""
    return _LABELS[n] if n < len(_LABELS) else "*"


def draw_layer(
    box: Box,
    placements: Sequence[tuple[str, Placement]],
    below: Sequence[Placement] = (),
    *,
    columns: int = 40,
    max_rows: int = MAX_ROWS,
) -> str:
    """Top view of one layer as text: labelled (and framed) items, ``#`` for lower items reaching into it, ``.`` for empty."""
    columns = max(1, columns)
    # terminal cells are about twice as tall as wide
    rows = max(1, min(max_rows, round(box.inner_width * columns / box.inner_length / 2)))
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
            continue
        r0, r1 = covered[0][0], covered[-1][0]
        c0, c1 = covered[0][1], covered[-1][1]
        # a frame needs a letter inside it: only units at least 3 by 3 cells get one
        framed = r1 - r0 >= 2 and c1 - c0 >= 2
        for r, c in covered:
            edge_r, edge_c = r in (r0, r1), c in (c0, c1)
            if framed and edge_r and edge_c:
                grid[r][c] = "+"
            elif framed and edge_r:
                grid[r][c] = "-"
            elif framed and edge_c:
                grid[r][c] = "|"
            else:
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


def _layers(box: Box, placements: Sequence[Placement], columns: int) -> list[Layer]:
    ordered = sorted(placements, key=lambda p: (p.z, p.y, p.x))
    result: list[Layer] = []
    done: list[Placement] = []
    for number, (bottom, group) in enumerate(groupby(ordered, key=lambda p: p.z), start=1):
        members = list(group)
        # one letter per product, in the order the packer meets them (back to front, left to right)
        marks: dict[str, str] = {}
        for p in members:
            marks.setdefault(p.ref, label(len(marks)))
        labelled = tuple((marks[p.ref], p) for p in members)
        reaching = tuple(p for p in done if p.z + p.height > bottom)
        drawing = draw_layer(box, labelled, reaching, columns=columns)
        top = max(p.z + p.height for p in members)
        result.append(Layer(number, bottom, top, labelled, drawing, reaching))
        done.extend(members)
    return result


def layers(packed: PackedBox, *, columns: int = 40) -> list[Layer]:
    """The box's contents grouped by the height they sit at, lowest first, each with its drawing."""
    return _layers(packed.box, packed.placements, columns)


def legend(layer: Layer) -> list[str]:
    """The key to a layer's drawing: each letter's product, how many units and their size as placed."""
    products: dict[str, tuple[str, dict[tuple[int, int, int], int]]] = {}
    for mark, p in layer.items:
        _, sizes = products.setdefault(p.ref, (mark, {}))
        size = (p.length, p.width, p.height)
        sizes[size] = sizes.get(size, 0) + 1
    lines = []
    for ref, (mark, sizes) in products.items():
        units = sum(sizes.values())
        if len(sizes) == 1:
            placed = "{}x{}x{} mm".format(*next(iter(sizes)))
        else:
            placed = ", ".join("{}x{}x{} mm".format(*size) + f" x{n}" for size, n in sizes.items())
        lines.append(f"{mark} = {ref} x{units}  ({placed} as placed)")
    if layer.below:
        lines.append("# = an item from a lower layer reaching up through this one")
    return lines


def layer_drawings(box: Box, placements: Sequence[Placement], *, columns: int = 40) -> list[str]:
    """Text for each layer of one box, bottom first: a heading, the top view and its key.

    Identical layers stacked directly on one another are drawn once, their heading
    saying how many there are.
    """
    if not placements:
        return ["  (empty)"]
    stacks: list[list[Layer]] = []
    for layer in _layers(box, placements, columns):
        last = stacks[-1][-1] if stacks else None
        if (
            last is not None
            and last.top == layer.bottom
            and (last.drawing, legend(last)) == (layer.drawing, legend(layer))
        ):
            stacks[-1].append(layer)
        else:
            stacks.append([layer])
    out: list[str] = []
    for number, stack in enumerate(stacks, start=1):
        first = stack[0]
        where = "the bottom" if first.bottom == 0 else f"on top, from {first.bottom} mm"
        repeat = f", {len(stack)} layers alike stacked" if len(stack) > 1 else ""
        out.append(f"  layer {number} of {len(stacks)} ({where} up to {stack[-1].top} mm{repeat}), seen from above:")
        picture = first.drawing.splitlines()
        picture[0] += "  x: along the box's length ->"
        picture[-1] += "  y: down the page, along its width"
        out.extend("    " + line for line in [*picture, *legend(first)])
    return out


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
