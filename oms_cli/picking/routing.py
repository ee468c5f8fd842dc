"""Pick routes through a single-block warehouse: the exact shortest tour and the classic heuristics.

The exact tour is Ratliff & Rosenthal's dynamic programme (1983): aisles are
processed left to right, keeping for each of five connectivity/degree classes
of the partial tour subgraph the cheapest way to build it.  It is linear in
the number of aisles and independent of how many picks there are.

Every route's length is the model's tour length of its stops in order (see
``tour_length``), so routes from different methods compare fairly.
Pure module: plain data in, plain data out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from oms_cli.warehouse.layout import (
    UNITS_PER_M,
    Grid,
    Layout,
    Location,
    check_location,
    grid_of,
    parse_location,
)

_INF = 1 << 60

# Classes of a partial tour subgraph at an aisle's front (a) and back (b) ends:
# degree parity of a and b (absent / even / odd) and whether they are joined.
_EA, _AE, _EE_JOINED, _EE_APART, _OO = range(5)
_STATES = 5
_CLOSABLE = (_EA, _AE, _EE_JOINED)  # one component, every degree even

# How an aisle is walked: not at all, through once, through twice, from the
# front and back, from the back and back, from both ends skipping the largest gap.
_NONE, _THROUGH, _THROUGH_TWICE, _FRONT, _BACK, _GAP = range(6)

# (state before, how the aisle is walked) -> state after.
_AISLE_MOVES: dict[int, tuple[tuple[int, int], ...]] = {
    _EA: (
        (_NONE, _EA),
        (_THROUGH, _OO),
        (_THROUGH_TWICE, _EE_JOINED),
        (_FRONT, _EA),
        (_BACK, _EE_APART),
        (_GAP, _EE_APART),
    ),
    _AE: (
        (_NONE, _AE),
        (_THROUGH, _OO),
        (_THROUGH_TWICE, _EE_JOINED),
        (_FRONT, _EE_APART),
        (_BACK, _AE),
        (_GAP, _EE_APART),
    ),
    _EE_JOINED: (
        (_NONE, _EE_JOINED),
        (_THROUGH, _OO),
        (_THROUGH_TWICE, _EE_JOINED),
        (_FRONT, _EE_JOINED),
        (_BACK, _EE_JOINED),
        (_GAP, _EE_JOINED),
    ),
    _EE_APART: (
        (_NONE, _EE_APART),
        (_THROUGH, _OO),
        (_THROUGH_TWICE, _EE_JOINED),
        (_FRONT, _EE_APART),
        (_BACK, _EE_APART),
        (_GAP, _EE_APART),
    ),
    _OO: ((_NONE, _OO), (_THROUGH, _EE_JOINED), (_THROUGH_TWICE, _OO), (_FRONT, _OO), (_BACK, _OO), (_GAP, _OO)),
}

# (state after an aisle) -> (front cross-aisle copies, back copies, state at the next aisle).
# A closed end must have even degree and every component must reach the next aisle.
_CROSS_MOVES: dict[int, tuple[tuple[int, int, int], ...]] = {
    _EA: ((2, 0, _EA),),
    _AE: ((0, 2, _AE),),
    _EE_JOINED: ((2, 0, _EA), (0, 2, _AE), (2, 2, _EE_JOINED)),
    _EE_APART: ((2, 2, _EE_APART),),
    _OO: ((1, 1, _OO),),
}


@dataclass(frozen=True)
class Route:
    """A pick tour: location codes in walking order and its length in metres."""

    stops: tuple[str, ...]
    length_m: float


def _as_locations(layout: Layout, locations: Iterable[Location | str]) -> list[Location]:
    """Parse codes, drop repeats (a location is visited once) and keep first-seen order."""
    seen: dict[str, Location] = {}
    for item in locations:
        location = check_location(item, layout) if isinstance(item, Location) else parse_location(item, layout)
        seen.setdefault(location.code, location)
    return list(seen.values())


def _by_point(grid: Grid, locations: Sequence[Location]) -> dict[tuple[int, int], list[Location]]:
    """Group locations sharing a spot in the aisle (levels of one bay): walking between them is free."""
    points: dict[tuple[int, int], list[Location]] = defaultdict(list)
    for location in locations:
        points[(location.aisle, grid.bay_y[location.bay])].append(location)
    for group in points.values():
        group.sort(key=lambda loc: loc.sort_key)
    return points


def _points_length(grid: Grid, points: Sequence[tuple[int, int]]) -> int:
    """Tour length in units from the depot through points in order and back."""
    total = 0
    a, y = 1, 0
    for a2, y2 in points:
        total += grid.distance(a, y, a2, y2)
        a, y = a2, y2
    return total + grid.distance(a, y, 1, 0)


def _route(grid: Grid, by_point: dict[tuple[int, int], list[Location]], order: Sequence[tuple[int, int]]) -> Route:
    stops = tuple(loc.code for point in order for loc in by_point[point])
    return Route(stops, _points_length(grid, order) / UNITS_PER_M)


def tour_length(layout: Layout, ordered_locations: Iterable[Location | str]) -> float:
    """Length in metres of the tour from the depot through the stops in this order and back.

    A location listed twice counts once, at its first position.
    """
    grid = grid_of(layout)
    locations = _as_locations(layout, ordered_locations)
    return _points_length(grid, [(loc.aisle, grid.bay_y[loc.bay]) for loc in locations]) / UNITS_PER_M


# --- the exact tour -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Aisle:
    """What the dynamic programme needs to know about one aisle's picks."""

    ys: tuple[int, ...]  # ascending

    def costs(self, length: int) -> tuple[int, ...]:
        """Cost of each way of walking the aisle (_INF where not allowed)."""
        ys = self.ys
        if not ys:
            return (0, length, 2 * length, _INF, _INF, _INF)
        gap = max((b - a for a, b in zip(ys, ys[1:])), default=-1)
        return (
            _INF,
            length,
            2 * length,
            2 * ys[-1],
            2 * (length - ys[0]),
            2 * (length - gap) if gap >= 0 else _INF,
        )


def _aisles_of(points: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    aisles: dict[int, list[int]] = defaultdict(list)
    for aisle, y in points:
        aisles[aisle].append(y)
    for ys in aisles.values():
        ys.sort()
    return aisles


def _optimal_order(grid: Grid, points: Iterable[tuple[int, int]]) -> tuple[list[tuple[int, int]], int]:
    """The exact shortest tour through the points: (points in walking order, length in units)."""
    by_aisle = _aisles_of(points)
    if not by_aisle:
        return [], 0
    last = max(by_aisle)
    length, pitch = grid.length, grid.pitch
    value = [_INF] * _STATES
    value[_EA] = 0  # the depot sits at aisle 1's front end
    # Per aisle: how each state after the cross-aisles and after the aisle itself was reached.
    cross_back: list[dict[int, tuple[int, int, int]]] = []
    aisle_back: list[dict[int, tuple[int, int]]] = []
    for aisle in range(1, last + 1):
        if aisle > 1:
            reached = [_INF] * _STATES
            how: dict[int, tuple[int, int, int]] = {}
            for state in range(_STATES):
                if value[state] >= _INF:
                    continue
                for front, back, after in _CROSS_MOVES[state]:
                    cost = value[state] + (front + back) * pitch
                    if cost < reached[after]:
                        reached[after] = cost
                        how[after] = (state, front, back)
            value = reached
            cross_back.append(how)
        costs = _Aisle(tuple(by_aisle.get(aisle, ()))).costs(length)
        reached = [_INF] * _STATES
        chosen: dict[int, tuple[int, int]] = {}
        for state in range(_STATES):
            if value[state] >= _INF:
                continue
            for walk, after in _AISLE_MOVES[state]:
                cost = value[state] + costs[walk]
                if cost < reached[after]:
                    reached[after] = cost
                    chosen[after] = (state, walk)
        value = reached
        aisle_back.append(chosen)
    final = min(_CLOSABLE, key=lambda s: value[s])
    best = value[final]

    # Rebuild the tour subgraph (a multigraph on (aisle, y) points) from the choices.
    edges: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def chain(aisle: int, ys: Sequence[int], times: int) -> None:
        for y1, y2 in zip(ys, ys[1:]):
            edges.extend([((aisle, y1), (aisle, y2))] * times)

    state = final
    for aisle in range(last, 0, -1):
        before, walk = aisle_back[aisle - 1][state]
        ys = by_aisle.get(aisle, [])
        if walk in (_THROUGH, _THROUGH_TWICE):
            chain(aisle, [0, *ys, length], 1 if walk == _THROUGH else 2)
        elif walk == _FRONT:
            chain(aisle, [0, *ys], 2)
        elif walk == _BACK:
            chain(aisle, [*ys, length], 2)
        elif walk == _GAP:
            split = max(range(1, len(ys)), key=lambda i: ys[i] - ys[i - 1])
            chain(aisle, [0, *ys[:split]], 2)
            chain(aisle, [*ys[split:], length], 2)
        state = before
        if aisle > 1:
            state, front, back = cross_back[aisle - 2][state]
            edges.extend([((aisle - 1, 0), (aisle, 0))] * front)
            edges.extend([((aisle - 1, length), (aisle, length))] * back)
    order = _first_visits(edges, {(a, y) for a, ys in by_aisle.items() for y in ys})
    return order, best


def _first_visits(
    edges: Sequence[tuple[tuple[int, int], tuple[int, int]]], picks: set[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Walk an Euler circuit of the tour subgraph from the depot; picks in the order first reached."""
    adjacency: dict[tuple[int, int], list[tuple[tuple[int, int], int]]] = defaultdict(list)
    for number, (u, v) in enumerate(edges):
        adjacency[u].append((v, number))
        adjacency[v].append((u, number))
    for neighbours in adjacency.values():
        # Walk outwards along each aisle before coming back, so lists read naturally.
        neighbours.sort(reverse=True)
    used = [False] * len(edges)
    start = (1, 0)
    stack = [start]
    circuit: list[tuple[int, int]] = []
    while stack:
        node = stack[-1]
        neighbours = adjacency[node]
        while neighbours and used[neighbours[-1][1]]:
            neighbours.pop()
        if neighbours:
            nxt, number = neighbours.pop()
            used[number] = True
            stack.append(nxt)
        else:
            circuit.append(stack.pop())
    circuit.reverse()
    order: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    for node in circuit:
        if node in picks and node not in seen:
            seen.add(node)
            order.append(node)
    return order


def optimal_route(layout: Layout, locations: Iterable[Location | str]) -> Route:
    """The exact shortest tour from the depot through the locations and back (Ratliff & Rosenthal)."""
    grid = grid_of(layout)
    by_point = _by_point(grid, _as_locations(layout, locations))
    order, best = _optimal_order(grid, by_point)
    # Shortcutting the Euler circuit can only shorten it, and it was already shortest.
    assert _points_length(grid, order) == best, "exact route rebuilt with a different length"
    return _route(grid, by_point, order)


def route_length(layout: Layout, locations: Iterable[Location | str]) -> float:
    """Length in metres of the exact shortest tour through the locations (no stop order built)."""
    lengths = RouteLengths(layout)
    return lengths.metres(frozenset(lengths.point(loc) for loc in _as_locations(layout, locations)))


class RouteLengths:
    """Exact tour lengths of sets of pick points, fast and cached, for batching's many evaluations.

    A point is an integer (``point(location)``); levels of one bay share a point.
    """

    def __init__(self, layout: Layout, cache_size: int = 300_000) -> None:
        self.layout = layout
        self.grid = grid_of(layout)
        self._stride = self.grid.bays + 1
        # Keyed by sorted tuples: a tenth of a frozenset's memory, and the programme needs them sorted anyway.
        self._cache: dict[tuple[int, ...], int] = {}
        self._cache_size = cache_size

    def point(self, location: Location) -> int:
        """The point number of a location (aisle-major, so sorted points run aisle by aisle)."""
        return location.aisle * self._stride + location.bay

    def units(self, points: frozenset[int]) -> int:
        """Exact shortest tour length through the points, in internal units."""
        ordered = tuple(sorted(points))
        cached = self._cache.get(ordered)
        if cached is None:
            if len(self._cache) >= self._cache_size:
                # Batching revisits recent sets; an occasional full reset is cheaper than LRU bookkeeping.
                self._cache.clear()
            cached = self._cache[ordered] = self._compute(ordered)
        return cached

    def metres(self, points: frozenset[int]) -> float:
        """Exact shortest tour length through the points, in metres."""
        return self.units(points) / UNITS_PER_M

    def _compute(self, ordered: tuple[int, ...]) -> int:
        # The same dynamic programme as _optimal_order, unrolled for speed, lengths only.
        if not ordered:
            return 0
        stride, bay_y = self._stride, self.grid.bay_y
        length, pitch = self.grid.length, self.grid.pitch
        inf = _INF
        v0, v1, v2, v3, v4 = 0, inf, inf, inf, inf
        aisle_now = 1
        count = len(ordered)
        i = 0
        while i < count:
            aisle = ordered[i] // stride
            # Empty aisles before this one (and the cross-aisles into each next aisle).
            while aisle_now < aisle:
                through = v0 if v0 < v1 else v1
                if v3 < through:
                    through = v3
                n2 = through + 2 * length
                if v2 < n2:
                    n2 = v2
                if v4 + length < n2:
                    n2 = v4 + length
                n4 = (through if through < v2 else v2) + length
                if v4 < n4:
                    n4 = v4
                v0, v1, v2, v4 = v0, v1, n2, n4
                two, four = 2 * pitch, 4 * pitch
                v0, v1, v2, v3, v4 = (
                    (v0 if v0 < v2 else v2) + two,
                    (v1 if v1 < v2 else v2) + two,
                    v2 + four,
                    v3 + four,
                    v4 + two,
                )
                aisle_now += 1
            y_low = y_prev = bay_y[ordered[i] % stride]
            gap = -1
            i += 1
            while i < count and ordered[i] // stride == aisle:
                y = bay_y[ordered[i] % stride]
                if y - y_prev > gap:
                    gap = y - y_prev
                y_prev = y
                i += 1
            front = 2 * y_prev
            back = 2 * (length - y_low)
            skip = 2 * (length - gap) if gap >= 0 else inf
            best_one_side = front if front < back else back
            if skip < best_one_side:
                best_one_side = skip
            through = v0 if v0 < v1 else v1
            if v3 < through:
                through = v3
            n0 = v0 + front
            n1 = v1 + back
            n2 = through + 2 * length
            if v2 + best_one_side < n2:
                n2 = v2 + best_one_side
            if v4 + length < n2:
                n2 = v4 + length
            n3 = v0 + (back if back < skip else skip)
            alt = v1 + (front if front < skip else skip)
            if alt < n3:
                n3 = alt
            alt = v3 + best_one_side
            if alt < n3:
                n3 = alt
            n4 = (through if through < v2 else v2) + length
            if v4 + best_one_side < n4:
                n4 = v4 + best_one_side
            v0, v1, v2, v3, v4 = n0, n1, n2, n3, n4
            if i < count:
                two, four = 2 * pitch, 4 * pitch
                v0, v1, v2, v3, v4 = (
                    (v0 if v0 < v2 else v2) + two,
                    (v1 if v1 < v2 else v2) + two,
                    v2 + four,
                    v3 + four,
                    v4 + two,
                )
                aisle_now += 1
        best = v0 if v0 < v1 else v1
        return best if best < v2 else v2


# --- heuristics -----------------------------------------------------------------------------


def s_shape_route(layout: Layout, locations: Iterable[Location | str]) -> Route:
    """S-shape: walk right through every aisle with picks, alternating direction; an odd last aisle is entered and left from the front."""
    grid = grid_of(layout)
    by_point = _by_point(grid, _as_locations(layout, locations))
    by_aisle = _aisles_of(by_point)
    aisles = sorted(by_aisle)
    order: list[tuple[int, int]] = []
    for index, aisle in enumerate(aisles):
        ys = by_aisle[aisle]
        last_and_odd = index == len(aisles) - 1 and len(aisles) % 2 == 1
        upward = index % 2 == 0 or last_and_odd
        order.extend((aisle, y) for y in (ys if upward else reversed(ys)))
    return _route(grid, by_point, order)


def largest_gap_route(layout: Layout, locations: Iterable[Location | str]) -> Route:
    """Largest gap: through the first and last aisles with picks; the others entered from front and back up to their largest gap."""
    grid = grid_of(layout)
    by_point = _by_point(grid, _as_locations(layout, locations))
    by_aisle = _aisles_of(by_point)
    aisles = sorted(by_aisle)
    if not aisles:
        return Route((), 0.0)
    if len(aisles) == 1:
        return _route(grid, by_point, [(aisles[0], y) for y in by_aisle[aisles[0]]])
    front_parts: dict[int, list[int]] = {}
    back_parts: dict[int, list[int]] = {}
    for aisle in aisles[1:-1]:
        ys = by_aisle[aisle]
        bounds = [0, *ys, grid.length]
        # Gap i lies between bounds[i] and bounds[i + 1]; picks below it are reached from the front.
        widest = max(range(len(bounds) - 1), key=lambda i: bounds[i + 1] - bounds[i])
        front_parts[aisle] = ys[:widest]
        back_parts[aisle] = ys[widest:]
    order = [(aisles[0], y) for y in by_aisle[aisles[0]]]
    for aisle in aisles[1:-1]:
        order.extend((aisle, y) for y in reversed(back_parts[aisle]))
    order.extend((aisles[-1], y) for y in reversed(by_aisle[aisles[-1]]))
    for aisle in reversed(aisles[1:-1]):
        order.extend((aisle, y) for y in front_parts[aisle])
    return _route(grid, by_point, order)


def location_code_order_route(layout: Layout, locations: Iterable[Location | str]) -> Route:
    """Stops sorted by location code, walking the shortest path between consecutive stops."""
    grid = grid_of(layout)
    ordered = sorted(_as_locations(layout, locations), key=lambda loc: loc.sort_key)
    points = [(loc.aisle, grid.bay_y[loc.bay]) for loc in ordered]
    return Route(tuple(loc.code for loc in ordered), _points_length(grid, points) / UNITS_PER_M)
