"""Property-based tests: the engine never returns an impossible packing, and finds tight ones."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packcheck import packing_errors

from oms_cli.packing.engine import Box, Item, choose_boxes, fill_box

_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def items(draw: st.DrawFn, max_kinds: int = 5, longest: int = 80) -> list[Item]:
    kinds = draw(st.integers(1, max_kinds))
    return [
        Item(
            ref=f"item-{n}",
            length=draw(st.integers(1, longest)),
            width=draw(st.integers(1, longest)),
            height=draw(st.integers(1, longest)),
            weight_g=draw(st.integers(0, 900)),
            keep_flat=draw(st.booleans()),
            quantity=draw(st.integers(1, 12)),
        )
        for n in range(kinds)
    ]


@st.composite
def boxes(draw: st.DrawFn, smallest: int = 5) -> list[Box]:
    found = []
    for n in range(draw(st.integers(1, 4))):
        inner = [draw(st.integers(smallest, 150)) for _ in range(3)]
        wall = draw(st.integers(0, 6))
        empty = draw(st.integers(0, 300))
        found.append(
            Box(
                ref=f"box-{n}",
                inner_length=inner[0],
                inner_width=inner[1],
                inner_height=inner[2],
                outer_length=inner[0] + 2 * wall,
                outer_width=inner[1] + 2 * wall,
                outer_height=inner[2] + 2 * wall,
                empty_weight_g=empty,
                max_weight_g=empty + draw(st.integers(0, 8000)),
                stock=draw(st.one_of(st.none(), st.integers(0, 3))),
            )
        )
    return found


@_SETTINGS
@given(items(), boxes(), st.sampled_from(["billable_weight", "cost"]))
def test_chosen_boxes_are_always_a_valid_packing(order: list[Item], catalogue: list[Box], objective: str) -> None:
    result = choose_boxes(order, catalogue, objective=objective)  # type: ignore[arg-type]
    assert packing_errors(order, result) == []


@_SETTINGS
@given(items(longest=40), boxes(smallest=40), st.sampled_from(["billable_weight", "cost"]))
def test_orders_spread_over_several_roomy_boxes_are_valid(
    order: list[Item], catalogue: list[Box], objective: str
) -> None:
    result = choose_boxes(order, catalogue, objective=objective)  # type: ignore[arg-type]
    assert packing_errors(order, result) == []
    in_stock = [b for b in catalogue if b.stock != 0]
    if in_stock and all(b.stock is None for b in in_stock) and max(b.payload_g for b in in_stock) >= 900:
        # every item fits some box by size (40 mm or less) and weight, and boxes never run out
        assert result.unpacked == []


@_SETTINGS
@given(items(max_kinds=8), boxes())
def test_filling_one_box_is_always_a_valid_packing(order: list[Item], catalogue: list[Box]) -> None:
    result = fill_box(order, catalogue[0])
    assert packing_errors(order, result) == []
    assert len(result.packages) <= 1


@st.composite
def guillotine_cut(draw: st.DrawFn) -> tuple[Box, list[Item]]:
    """A box and the pieces a few straight cuts make of it, each piece possibly turned."""
    size = [draw(st.integers(2, 60)) for _ in range(3)]
    pieces = [tuple(size)]
    # up to 12 pieces: the perfect-fit search is complete well within its budget at that size
    for _ in range(draw(st.integers(0, 11))):
        n = draw(st.integers(0, len(pieces) - 1))
        piece = list(pieces[n])
        axis = draw(st.integers(0, 2))
        if piece[axis] < 2:
            continue
        at = draw(st.integers(1, piece[axis] - 1))
        low, high = list(piece), list(piece)
        low[axis], high[axis] = at, piece[axis] - at
        pieces[n : n + 1] = [tuple(low), tuple(high)]
    found = []
    for n, (length, width, height) in enumerate(pieces):
        keep_flat = draw(st.booleans())
        if keep_flat:
            # a flat piece keeps its height up but may be turned about it
            if draw(st.booleans()):
                length, width = width, length
        else:
            dims = draw(st.permutations([length, width, height]))
            length, width, height = dims
        found.append(Item(f"piece-{n}", length, width, height, weight_g=draw(st.integers(0, 50)), keep_flat=keep_flat))
    length, width, height = size
    box = Box("box", length, width, height, length, width, height, empty_weight_g=0, max_weight_g=50 * len(found))
    return box, found


@settings(max_examples=150, deadline=None)
@given(guillotine_cut())
def test_pieces_cut_from_a_box_fit_back_into_it(case: tuple[Box, list[Item]]) -> None:
    box, pieces = case
    result = choose_boxes(pieces, [box])
    assert packing_errors(pieces, result) == []
    assert result.unpacked == []
    assert len(result.packages) == 1
