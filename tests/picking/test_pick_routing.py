"""Pick routes: the exact tour against brute force, the heuristics against the exact tour."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.picking.routing import (
    Route,
    RouteLengths,
    largest_gap_route,
    location_code_order_route,
    optimal_route,
    route_length,
    s_shape_route,
    tour_length,
)
from oms_cli.warehouse.layout import DEPOT, UNITS_PER_M, Layout, Location, walking_distance_units

LAYOUT = Layout()


@st.composite
def instances(draw: st.DrawFn, max_stops: int = 9) -> tuple[Layout, list[Location]]:
    """A small random layout and up to ``max_stops`` locations in it."""
    layout = Layout(
        aisles=draw(st.integers(1, 8)),
        bays=draw(st.integers(1, 12)),
        aisle_pitch_m=draw(st.sampled_from([1.0, 2.5, 3.0, 6.0])),
        bay_width_m=draw(st.sampled_from([0.5, 1.0, 1.3])),
        cross_aisle_m=draw(st.sampled_from([0.0, 1.5, 3.0])),
    )
    stops = draw(
        st.lists(
            st.builds(
                Location,
                st.integers(1, layout.aisles),
                st.integers(1, layout.bays),
                st.one_of(st.none(), st.integers(1, 3)),
            ),
            min_size=1,
            max_size=max_stops,
        )
    )
    return layout, stops


def _spots(locations: list[Location]) -> list[Location]:
    """One location per spot in an aisle (levels of a bay are one spot)."""
    return list({(loc.aisle, loc.bay): Location(loc.aisle, loc.bay) for loc in locations}.values())


def brute_force(layout: Layout, locations: list[Location]) -> float:
    """Shortest tour by trying every order of the stops."""
    spots = _spots(locations)
    return min(tour_length(layout, order) for order in itertools.permutations(spots))


def held_karp(layout: Layout, locations: list[Location]) -> float:
    """Shortest tour by the subset dynamic programme: every order, without listing them one by one."""
    spots = _spots(locations)
    n = len(spots)
    # Whole units, as the library counts, so equal lengths compare equal.
    start = [walking_distance_units(layout, DEPOT, s) for s in spots]
    dist = [[walking_distance_units(layout, a, b) for b in spots] for a in spots]
    best = {(1 << i, i): start[i] for i in range(n)}
    for size in range(2, n + 1):
        for subset in itertools.combinations(range(n), size):
            mask = sum(1 << i for i in subset)
            for last in subset:
                prev = mask ^ (1 << last)
                best[(mask, last)] = min(best[(prev, k)] + dist[k][last] for k in subset if k != last)
    full = (1 << n) - 1
    return min(best[(full, i)] + start[i] for i in range(n)) / UNITS_PER_M


@settings(max_examples=150, deadline=None)
@given(instances(max_stops=6))
def test_exact_route_equals_brute_force_over_all_orders(instance: tuple[Layout, list[Location]]) -> None:
    layout, stops = instance
    route = optimal_route(layout, stops)
    assert route.length_m == brute_force(layout, stops) == held_karp(layout, stops)


@settings(max_examples=120, deadline=None)
@given(instances(max_stops=9))
def test_exact_route_equals_brute_force_up_to_nine_stops(instance: tuple[Layout, list[Location]]) -> None:
    layout, stops = instance
    assert optimal_route(layout, stops).length_m == held_karp(layout, stops)


def test_exact_route_equals_permutations_on_nine_stops() -> None:
    rng = random.Random(9)
    for _ in range(2):
        stops = [Location(rng.randint(1, 12), rng.randint(1, 20)) for _ in range(9)]
        while len(_spots(stops)) < 9:
            stops.append(Location(rng.randint(1, 12), rng.randint(1, 20)))
        assert optimal_route(LAYOUT, stops).length_m == brute_force(LAYOUT, stops)


@settings(max_examples=150, deadline=None)
@given(instances(max_stops=25))
def test_every_route_visits_each_location_once_and_reports_its_own_length(
    instance: tuple[Layout, list[Location]],
) -> None:
    layout, stops = instance
    codes = {loc.code for loc in stops}
    exact = optimal_route(layout, stops)
    for route in (
        exact,
        s_shape_route(layout, stops),
        largest_gap_route(layout, stops),
        location_code_order_route(layout, stops),
    ):
        assert sorted(route.stops) == sorted(codes)
        assert route.length_m == tour_length(layout, route.stops)
        # No heuristic beats the exact tour.
        assert exact.length_m <= route.length_m
    assert route_length(layout, stops) == exact.length_m


def test_fast_lengths_agree_with_the_rebuilt_route_on_bigger_sets() -> None:
    rng = random.Random(3)
    lengths = RouteLengths(LAYOUT)
    for _ in range(200):
        stops = [Location(rng.randint(1, 12), rng.randint(1, 20)) for _ in range(rng.randint(1, 60))]
        points = frozenset(lengths.point(s) for s in stops)
        assert lengths.metres(points) == optimal_route(LAYOUT, stops).length_m


def test_hand_checked_routes() -> None:
    # One pick at A03-B12 (x = 6, y = 13): out and back along the front and up the aisle.
    assert optimal_route(LAYOUT, ["A03-B12"]) == Route(("A03-B12",), 38.0)
    # Picks deep in aisles 1 and 2: through aisle 1, across the back, down aisle 2: 23 + 3 + 23 + 3.
    route = optimal_route(LAYOUT, ["A01-B19", "A02-B18"])
    assert route.length_m == 52.0
    assert route.stops == ("A01-B19", "A02-B18")
    # Shallow picks in aisles 1 and 3: in and out of each from the front.
    assert optimal_route(LAYOUT, ["A01-B02", "A03-B01"]).length_m == 2 * 3 + 2 * 6 + 2 * 2


def test_s_shape_and_largest_gap_hand_checked() -> None:
    stops = ["A02-B02", "A02-B19", "A04-B01", "A05-B10"]
    s_shape = s_shape_route(LAYOUT, stops)
    # Aisle 2 up, aisle 4 down, aisle 5 (odd last) in and out from the front.
    assert s_shape.stops == ("A02-B02", "A02-B19", "A04-B01", "A05-B10")
    gap = largest_gap_route(LAYOUT, stops)
    # First aisle (2) through, last aisle (5) back to front, aisle 4 from the front on the way home.
    assert gap.stops == ("A02-B02", "A02-B19", "A05-B10", "A04-B01")
    assert optimal_route(LAYOUT, stops).length_m <= min(s_shape.length_m, gap.length_m)


def test_location_code_order_sorts_by_aisle_bay_level() -> None:
    route = location_code_order_route(LAYOUT, ["A10-B01", "A02-B05-L3", "A2-B5-L1", "A02-B04"])
    assert route.stops == ("A02-B04", "A02-B05-L1", "A02-B05-L3", "A10-B01")


def test_same_location_merged_and_levels_walk_free() -> None:
    route = optimal_route(LAYOUT, ["A03-B12", "a3-b12", "A03-B12-L1", "A03-B12-L4"])
    assert route.stops == ("A03-B12", "A03-B12-L1", "A03-B12-L4")
    assert route.length_m == 38.0
    assert tour_length(LAYOUT, ["A03-B12", "A05-B01", "A03-B12"]) == tour_length(LAYOUT, ["A03-B12", "A05-B01"])


def test_no_stops_is_an_empty_route() -> None:
    for build in (optimal_route, s_shape_route, largest_gap_route, location_code_order_route):
        assert build(LAYOUT, []) == Route((), 0.0)
    assert tour_length(LAYOUT, []) == 0.0


def test_exact_routing_is_clearly_shorter_than_the_heuristics_on_average() -> None:
    """On random 10-pick tours the heuristics' stop orders walk measurably further (model lengths)."""
    rng = random.Random(10)
    exact = s_shape = gap = code_order = 0.0
    for _ in range(200):
        stops = [Location(rng.randint(1, 12), rng.randint(1, 20)) for _ in range(10)]
        exact += optimal_route(LAYOUT, stops).length_m
        s_shape += s_shape_route(LAYOUT, stops).length_m
        gap += largest_gap_route(LAYOUT, stops).length_m
        code_order += location_code_order_route(LAYOUT, stops).length_m
    assert s_shape / exact > 1.08
    assert gap / exact > 1.02
    assert code_order / exact > 1.08


def test_locations_outside_the_layout_are_refused() -> None:
    with pytest.raises(ValueError, match="aisle 13 is outside the warehouse"):
        optimal_route(LAYOUT, [Location(13, 1)])
    with pytest.raises(ValueError, match="bay 0 is outside the aisle"):
        tour_length(LAYOUT, [Location(2, 0)])
    with pytest.raises(ValueError, match="'a13-b1': aisle 13"):
        s_shape_route(LAYOUT, ["a13-b1"])
