"""The exhaustive searches and the settling pass, tested on their own."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.packing.box_filling import ITEMS_CORNER, Kind, Unit, fill, settle
from oms_cli.packing.engine import orientations
from oms_cli.packing.exact_fit import fit_exactly, fit_perfectly


def kind(length: int, width: int, height: int, free: bool = True) -> Kind:
    flags = (True, True, True) if free else (False, False, True)
    return Kind(orientations(length, width, height, flags), 0, length * width * height)


def overlap(a: Unit, b: Unit) -> bool:
    return all(a[1 + i] < b[1 + i] + b[4 + i] and b[1 + i] < a[1 + i] + a[4 + i] for i in range(3))


def assert_valid(units: list[Unit], size: tuple[int, int, int]) -> None:
    for u in units:
        assert all(0 <= u[1 + i] and u[1 + i] + u[4 + i] <= size[i] for i in range(3)), u
    for i, a in enumerate(units):
        for b in units[i + 1 :]:
            assert not overlap(a, b), (a, b)


def test_perfect_fit_of_mixed_pieces() -> None:
    # a 10x10x10 cube cut into a 10x10x4 slab, a 6x10x6 block and two 4x10x6 halves... as loose pieces
    kinds = [kind(10, 10, 4), kind(6, 10, 6), kind(4, 5, 6)]
    units = fit_perfectly(kinds, [1, 1, 2], (10, 10, 10))
    assert units is not None and len(units) == 4
    assert_valid(units, (10, 10, 10))


def test_perfect_fit_respects_keep_flat() -> None:
    # two 2x2x1 plates fill a 2x1x4 box only standing on edge
    assert fit_perfectly([kind(2, 2, 1, free=False)], [2], (2, 1, 4)) is None
    units = fit_perfectly([kind(2, 2, 1)], [2], (2, 1, 4))
    assert units is not None
    assert_valid(units, (2, 1, 4))


def test_perfect_fit_needs_exactly_the_box_volume() -> None:
    assert fit_perfectly([kind(5, 5, 5)], [1], (5, 5, 6)) is None


def test_exact_search_finds_a_tight_fit_with_slack() -> None:
    # two 3x2 bricks and a 2x1 tile in a 4x4 tray (2 cells to spare): the tile has to stand beside the bricks
    kinds = [kind(3, 2, 1), kind(2, 1, 1)]
    units = fit_exactly(kinds, [2, 1], (4, 4, 1))
    assert units is not None and len(units) == 3
    assert_valid(units, (4, 4, 1))


def test_exact_search_only_knows_guillotine_arrangements() -> None:
    # four 3x2 bricks fit a 5x5 tray only as a pinwheel around the centre cell,
    # which no sequence of straight cuts produces: a documented limit
    assert fit_exactly([kind(3, 2, 1)], [4], (5, 5, 1)) is None
    assert fit_exactly([kind(3, 2, 1)], [3], (5, 5, 1)) is not None


def test_searches_give_up_when_over_budget() -> None:
    kinds = [kind(n, n + 1, n + 2) for n in range(1, 9)]
    assert fit_exactly(kinds, [1] * 8, (12, 12, 12), budget=3) is None


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 9), st.integers(1, 9), st.integers(1, 9), st.integers(0, 20)), min_size=1, max_size=4
    )
)
def test_settled_units_rest_on_something(found: list[tuple[int, int, int, int]]) -> None:
    kinds = [kind(length, width, height) for length, width, height, _ in found]
    units, _ = fill(kinds, [n for *_, n in found], (20, 20, 20), 10**9, ITEMS_CORNER)
    assert_valid(units, (20, 20, 20))
    for u in units:
        if u[3] > 0:
            # something ends exactly where this unit starts, under part of it
            assert any(
                o[3] + o[6] == u[3]
                and o[1] < u[1] + u[4]
                and u[1] < o[1] + o[4]
                and o[2] < u[2] + u[5]
                and u[2] < o[2] + o[5]
                for o in units
            ), u
    # settling an already settled packing changes nothing
    assert sorted(settle(units)) == sorted(units)


def test_packing_modules_stay_pure() -> None:
    code = (
        "import sys\n"
        "import oms_cli.packing.engine, oms_cli.packing.layers, oms_cli.packing.materials, oms_cli.packing.dimweight\n"
        "heavy = [m for m in ('typer', 'rich', 'sqlalchemy', 'sqlmodel', 'reportlab') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
