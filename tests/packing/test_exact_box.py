"""The exact search: the best box for orders of up to 12 units, and proofs that a box is too small."""

from __future__ import annotations

import random
from decimal import Decimal

from hard_cases import DEFAULT_BOXES, hard_case, hard_cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packcheck import allowed_sizes, packing_errors

from oms_cli.packing.box_filling import ITEMS_CORNER, Kind, fill
from oms_cli.packing.dimweight import METRIC
from oms_cli.packing.engine import Box, Item, _objective_key, choose_boxes, orientations
from oms_cli.packing.exact_box import DOES_NOT_FIT, FITS, MAX_UNITS, UNKNOWN, fit_units


def box(ref: str, size: tuple[int, int, int], cost: str = "1") -> Box:
    return Box(ref, *size, *size, empty_weight_g=0, max_weight_g=100_000, cost=Decimal(cost))


def rank(b: Box, items: list[Item]) -> tuple:
    return _objective_key(b, sum(i.weight_g * i.quantity for i in items), "billable_weight", METRIC)


def test_a_pinwheel_no_straight_cut_makes_is_found_and_proved_best() -> None:
    # four 3x2 bricks round the centre of a 5x5 tray: the guillotine searches cannot find it
    bricks = [Item("brick", 30, 20, 10, 100, keep_flat=True, quantity=4)]
    tray, crate = box("tray", (50, 50, 10)), box("crate", (60, 60, 20))
    heuristic = choose_boxes(bricks, [tray, crate], exact_work=0)
    assert heuristic.packages[0].box.ref == "crate" and not heuristic.proven_best
    result = choose_boxes(bricks, [tray, crate])
    assert packing_errors(bricks, result) == []
    assert [p.box.ref for p in result.packages] == ["tray"]
    assert result.proven_best
    assert result.to_json()["proven_best"] is True


def test_a_box_too_small_by_shape_though_not_by_volume_is_proved_too_small() -> None:
    # two 60 mm cubes take 43% of a 100 mm cube's volume, yet cannot both go in
    cubes = [Item("cube", 60, 60, 60, 200, quantity=2)]
    small, long_box = box("cube100", (100, 100, 100)), box("long", (200, 100, 70), cost="2")
    assert fit_units([Kind(orientations(60, 60, 60, (True, True, True)), 200, 60**3)], [2], (100, 100, 100)).answer == (
        DOES_NOT_FIT
    )
    heuristic = choose_boxes(cubes, [small, long_box], exact_work=0)
    assert not heuristic.proven_best  # the volume bound cannot rule the cube out
    result = choose_boxes(cubes, [small, long_box])
    assert [p.box.ref for p in result.packages] == ["long"]
    assert result.proven_best


def test_no_single_box_is_proved_and_said_so() -> None:
    cubes = [Item("cube", 60, 60, 60, 200, quantity=2)]
    result = choose_boxes(cubes, [box("cube100", (100, 100, 100))])
    assert len(result.packages) == 2 and packing_errors(cubes, result) == []
    assert result.one_box_ruled_out and not result.proven_best
    assert result.to_json()["one_box_ruled_out"] is True


def test_above_twelve_units_the_heuristics_decide_unproved() -> None:
    bricks = [Item("brick", 30, 20, 10, 100, keep_flat=True, quantity=MAX_UNITS + 1)]
    cubes_kind = Kind(orientations(30, 20, 10, (False, False, True)), 100, 6000)
    assert fit_units([cubes_kind], [MAX_UNITS + 1], (500, 500, 500)).answer == UNKNOWN
    result = choose_boxes(bricks, [box("crate", (200, 200, 200))])
    assert len(result.packages) == 1 and packing_errors(bricks, result) == []


def test_the_same_order_gets_the_same_plan_every_time() -> None:
    case = hard_case(random.Random(5), DEFAULT_BOXES, 12)
    first = choose_boxes(case.items, DEFAULT_BOXES).to_json()
    assert all(choose_boxes(case.items, DEFAULT_BOXES).to_json() == first for _ in range(3))


def test_hard_orders_get_the_best_box_in_at_least_95_percent_and_never_two_boxes() -> None:
    cases = hard_cases(2026, 60)
    best = 0
    for case in cases:
        result = choose_boxes(case.items, DEFAULT_BOXES)
        assert packing_errors(case.items, result) == []
        # the items came out of one box, so one box holds them
        assert len(result.packages) == 1, [(i.length, i.width, i.height) for i in case.items]
        best += rank(result.packages[0].box, case.items) <= rank(case.source, case.items)
    assert best >= 0.95 * len(cases)


@st.composite
def trimmed_cut(draw: st.DrawFn) -> tuple[list[Box], list[Item], Box]:
    """Items cut from one box of a random catalogue, trimmed, with random orientation rules."""
    catalogue = []
    for n in range(draw(st.integers(1, 3))):
        size = tuple(draw(st.integers(20, 120)) for _ in range(3))
        catalogue.append(box(f"box-{n}", size, cost=str(n + 1)))  # type: ignore[arg-type]
    source = draw(st.sampled_from(catalogue))
    pieces = [(source.inner_length, source.inner_width, source.inner_height)]
    for _ in range(draw(st.integers(0, MAX_UNITS - 1))):
        n = draw(st.integers(0, len(pieces) - 1))
        piece = list(pieces[n])
        axis = draw(st.integers(0, 2))
        if piece[axis] < 10:
            continue
        at = draw(st.integers(5, piece[axis] - 5))
        low, high = list(piece), list(piece)
        low[axis], high[axis] = at, piece[axis] - at
        pieces[n : n + 1] = [tuple(low), tuple(high)]
    items = []
    for n, dims in enumerate(pieces):
        trimmed = [max(1, d - draw(st.integers(0, max(0, d // 10)))) for d in dims]
        # the way up it was cut is always allowed; the other two by chance
        up = [draw(st.booleans()), draw(st.booleans()), True]
        order = draw(st.permutations([0, 1, 2]))
        items.append(
            Item(
                f"piece-{n}",
                trimmed[order[0]],
                trimmed[order[1]],
                trimmed[order[2]],
                weight_g=draw(st.integers(0, 500)),
                may_stand_on=(up[order[0]], up[order[1]], up[order[2]]),
            )
        )
    return catalogue, items, source


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trimmed_cut())
def test_pieces_of_a_box_go_into_one_box_no_worse_than_theirs(case: tuple[list[Box], list[Item], Box]) -> None:
    catalogue, items, source = case
    result = choose_boxes(items, catalogue)
    assert packing_errors(items, result) == []
    assert result.unpacked == []
    assert len(result.packages) == 1
    assert rank(result.packages[0].box, items) <= rank(source, items)


@st.composite
def loose_units(draw: st.DrawFn) -> tuple[list[Kind], list[int], tuple[int, int, int], list[Item]]:
    size = (draw(st.integers(5, 40)), draw(st.integers(5, 40)), draw(st.integers(5, 40)))
    kinds, counts, items = [], [], []
    for n in range(draw(st.integers(1, 4))):
        dims = (draw(st.integers(1, 25)), draw(st.integers(1, 25)), draw(st.integers(1, 25)))
        flags = (draw(st.booleans()), draw(st.booleans()), True)
        kinds.append(Kind(orientations(*dims, flags), 0, dims[0] * dims[1] * dims[2]))
        counts.append(draw(st.integers(1, 4)))
        items.append(Item(f"k{n}", *dims, 0, may_stand_on=flags))
    return kinds, counts, size, items


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loose_units())
def test_the_solver_layouts_are_valid_and_its_refusals_hold(
    case: tuple[list[Kind], list[int], tuple[int, int, int], list[Item]],
) -> None:
    kinds, counts, size, items = case
    fit = fit_units(kinds, counts, size, work_limit=2.0)
    if sum(counts) > MAX_UNITS:
        assert fit.answer == UNKNOWN
        return
    if fit.answer == FITS:
        assert fit.units is not None and len(fit.units) == sum(counts)
        for k, x, y, z, dx, dy, dz in fit.units:
            # inside the box, in an orientation the item allows
            assert 0 <= x and x + dx <= size[0] and 0 <= y and y + dy <= size[1] and 0 <= z and z + dz <= size[2]
            assert (dx, dy, dz) in allowed_sizes(items[k])
        for i, a in enumerate(fit.units):
            for b in fit.units[i + 1 :]:
                assert not all(a[1 + d] < b[1 + d] + b[4 + d] and b[1 + d] < a[1 + d] + a[4 + d] for d in range(3))
    elif fit.answer == DOES_NOT_FIT:
        # a proof of "too small" is never contradicted by the heuristics finding a fit
        order = sorted(range(len(kinds)), key=lambda k: -kinds[k].volume)
        _, left = fill(kinds, counts, size, 10**9, ITEMS_CORNER, order)
        assert any(left)
