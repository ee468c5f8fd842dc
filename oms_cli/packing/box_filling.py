"""Fill one box with blocks of identical items (heuristic 3D packing).

Free space is kept as the set of *maximal* empty cuboids of the box: every
empty point of the box lies in at least one of them, and each is as large as
it can be. A block (nx x ny x nz units of one item kind in one orientation) is
only ever put inside one of these cuboids, so it can never overlap an item
already placed or stick out of the box: validity holds by construction, not by
checking afterwards. After each block the cuboids it touches are cut into the
(up to six) parts around it, and parts contained in others are dropped.

Blocks always sit on the floor of their free cuboid, at the corner nearest a
bottom corner of the box, so boxes fill from the bottom up; a last pass lets
every item drop onto whatever is under it, so nothing is left hanging in mid
air.

Two drivers, tried in turn by the caller:

* ``items``: take the item kinds in a fixed order (biggest first) and put each
  into the free cuboid nearest a box corner. Good at "does all of this fit"
  because the bulky items claim space first.
* ``spaces``: take the free cuboid nearest a box corner and fill it with the
  block holding the most volume (Parreño et al.'s GRASP constructive step).
  Good at filling a box as full as possible.

Pure module: integers in, integers out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Orientation = tuple[int, int, int]
Space = tuple[int, int, int, int, int, int]
#: kind index, x, y, z, placed length (x), placed width (y), placed height (z)
Unit = tuple[int, int, int, int, int, int, int]

# (first, second, third) axis to fill a block along; all six orders.
_AXIS_ORDERS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


@dataclass(frozen=True)
class Kind:
    """One kind of item as the filler sees it: allowed placed dimensions, weight, volume."""

    orientations: tuple[Orientation, ...]
    weight: int
    volume: int


@dataclass(frozen=True)
class Strategy:
    """How to drive the filler: by item kinds or by free spaces, and how to rank choices."""

    driver: Literal["items", "spaces"]
    # items driver: "corner" = nearest a box corner first, "low" = lowest, then nearest the back wall
    place: Literal["corner", "low"] = "corner"
    # spaces driver: "volume" = block with most item volume, "fit" = block leaving the least slack
    block: Literal["volume", "fit"] = "volume"


ITEMS_CORNER = Strategy("items", place="corner")
ITEMS_LOW = Strategy("items", place="low")
SPACES_VOLUME = Strategy("spaces", block="volume")
SPACES_FIT = Strategy("spaces", block="fit")


@lru_cache(maxsize=65536)
def _block_shapes(mx: int, my: int, mz: int, count: int) -> frozenset[tuple[int, int, int]]:
    """Block shapes (units along x, y, z) that fill along each axis order as far as count allows."""
    shapes: set[tuple[int, int, int]] = set()
    limits = (mx, my, mz)
    for a, b, c in _AXIS_ORDERS:
        n = [0, 0, 0]
        n[a] = min(limits[a], count)
        n[b] = min(limits[b], count // n[a])
        n[c] = min(limits[c], count // (n[a] * n[b]))
        shapes.add((n[0], n[1], n[2]))
    return frozenset(shapes)


def carve(spaces: list[Space], block: Space, min_dim: int, min_volume: int = 0) -> list[Space]:
    """Free cuboids left after ``block`` is filled: cut each cuboid it touches into the parts around it.

    Parts thinner than ``min_dim`` or smaller than ``min_volume`` are dropped:
    nothing left to pack would fit in them.
    """
    bx0, by0, bz0, bx1, by1, bz1 = block
    kept: list[Space] = []
    fresh: list[Space] = []
    for s in spaces:
        x0, y0, z0, x1, y1, z1 = s
        if x0 >= bx1 or x1 <= bx0 or y0 >= by1 or y1 <= by0 or z0 >= bz1 or z1 <= bz0:
            kept.append(s)
            continue
        if x0 < bx0:
            fresh.append((x0, y0, z0, bx0, y1, z1))
        if bx1 < x1:
            fresh.append((bx1, y0, z0, x1, y1, z1))
        if y0 < by0:
            fresh.append((x0, y0, z0, x1, by0, z1))
        if by1 < y1:
            fresh.append((x0, by1, z0, x1, y1, z1))
        if z0 < bz0:
            fresh.append((x0, y0, z0, x1, y1, bz0))
        if bz1 < z1:
            fresh.append((x0, y0, bz1, x1, y1, z1))
    fresh = [
        f
        for f in fresh
        if f[3] - f[0] >= min_dim
        and f[4] - f[1] >= min_dim
        and f[5] - f[2] >= min_dim
        and (f[3] - f[0]) * (f[4] - f[1]) * (f[5] - f[2]) >= min_volume
    ]
    # A fresh cuboid is part of a cuboid that was maximal, so an untouched cuboid
    # can never lie inside a fresh one; only fresh ones can be redundant.
    untouched = len(kept)
    for i, f in enumerate(fresh):
        fx0, fy0, fz0, fx1, fy1, fz1 = f
        redundant = False
        for g0, g1, g2, g3, g4, g5 in kept[:untouched]:
            if g0 <= fx0 and g3 >= fx1 and g1 <= fy0 and g4 >= fy1 and g2 <= fz0 and g5 >= fz1:
                redundant = True
                break
        if not redundant:
            for j, g in enumerate(fresh):
                if (
                    j != i
                    and g[0] <= fx0
                    and g[3] >= fx1
                    and g[1] <= fy0
                    and g[4] >= fy1
                    and g[2] <= fz0
                    and g[5] >= fz1
                    and (g != f or j < i)
                ):
                    redundant = True
                    break
        if not redundant:
            kept.append(f)
    return kept


class _Smallest:
    """The thinnest side and least volume among item kinds still to pack, kept up to date cheaply."""

    def __init__(self, kinds: Sequence[Kind], left: Sequence[int]) -> None:
        self.dims = [min(min(o) for o in k.orientations) for k in kinds]
        self.volumes = [k.volume for k in kinds]
        self.refresh(left)

    def refresh(self, left: Sequence[int]) -> None:
        """Recompute after a kind has run out."""
        present = [k for k, c in enumerate(left) if c > 0]
        self.dim = min((self.dims[k] for k in present), default=1 << 30)
        self.volume = min((self.volumes[k] for k in present), default=1 << 62)


def _units_of_block(
    kind: int, x: int, y: int, z: int, o: Orientation, shape: tuple[int, int, int], out: list[Unit]
) -> None:
    dx, dy, dz = o
    nx, ny, nz = shape
    for k in range(nz):
        for j in range(ny):
            for i in range(nx):
                out.append((kind, x + i * dx, y + j * dy, z + k * dz, dx, dy, dz))


def fill(
    kinds: Sequence[Kind],
    counts: Sequence[int],
    size: tuple[int, int, int],
    payload: int,
    strategy: Strategy,
    order: Sequence[int] | None = None,
) -> tuple[list[Unit], list[int]]:
    """Pack as many units as the strategy manages into one box; return the units placed and the counts left."""
    left = list(counts)
    if strategy.driver == "items":
        units = _fill_by_items(kinds, left, size, payload, strategy, order or range(len(kinds)))
    else:
        units = _fill_by_spaces(kinds, left, size, payload, strategy)
    return settle(units), left


def _affordable(kind: Kind, count: int, payload: int) -> int:
    if kind.weight <= 0:
        return count
    return min(count, payload // kind.weight)


def _fill_by_items(
    kinds: Sequence[Kind],
    left: list[int],
    size: tuple[int, int, int],
    payload: int,
    strategy: Strategy,
    order: Sequence[int],
) -> list[Unit]:
    length, width, height = size
    spaces: list[Space] = [(0, 0, 0, length, width, height)]
    units: list[Unit] = []
    smallest = _Smallest(kinds, left)
    low = strategy.place == "low"
    for k in order:
        kind = kinds[k]
        while left[k] > 0 and spaces:
            count = _affordable(kind, left[k], payload)
            if count <= 0:
                break
            best: tuple[tuple[int, ...], Space, Orientation, tuple[int, int, int]] | None = None
            for s in spaces:
                x0, y0, z0, x1, y1, z1 = s
                sx, sy, sz = x1 - x0, y1 - y0, z1 - z0
                gap_x = x0 if x0 <= length - x1 else length - x1
                gap_y = y0 if y0 <= width - y1 else width - y1
                if low:
                    where: tuple[int, ...] = (z0, gap_x + gap_y, min(gap_x, gap_y))
                else:
                    where = tuple(sorted((gap_x, gap_y, z0)))
                if best is not None and where > best[0][:3]:
                    continue
                for o in kind.orientations:
                    dx, dy, dz = o
                    if dx > sx or dy > sy or dz > sz:
                        continue
                    for shape in _block_shapes(sx // dx, sy // dy, sz // dz, count):
                        n = shape[0] * shape[1] * shape[2]
                        # most units first, then the flattest block, then the snuggest fit
                        slack = sorted((sx - shape[0] * dx, sy - shape[1] * dy, sz - shape[2] * dz))
                        key = (*where, -n, shape[2] * dz, *slack)
                        if best is None or key < best[0]:
                            best = (key, s, o, shape)
            if best is None:
                break
            _, s, o, shape = best
            x = s[0] if s[0] <= length - s[3] else s[3] - shape[0] * o[0]
            y = s[1] if s[1] <= width - s[4] else s[4] - shape[1] * o[1]
            z = s[2]
            block = (x, y, z, x + shape[0] * o[0], y + shape[1] * o[1], z + shape[2] * o[2])
            _units_of_block(k, x, y, z, o, shape, units)
            n = shape[0] * shape[1] * shape[2]
            left[k] -= n
            payload -= n * kind.weight
            if not left[k]:
                smallest.refresh(left)
            spaces = carve(spaces, block, smallest.dim, smallest.volume)
    return units


def _fill_by_spaces(
    kinds: Sequence[Kind],
    left: list[int],
    size: tuple[int, int, int],
    payload: int,
    strategy: Strategy,
) -> list[Unit]:
    length, width, height = size
    spaces: list[Space] = [(0, 0, 0, length, width, height)]
    units: list[Unit] = []
    smallest = _Smallest(kinds, left)
    by_volume = strategy.block == "volume"
    rank: dict[Space, tuple[list[int], int]] = {}

    def nearness(s: Space) -> tuple[list[int], int]:
        # the free cuboid nearest a bottom corner of the box, the biggest on a tie;
        # cuboids live across many rounds, so their rank is worked out once
        found = rank.get(s)
        if found is None:
            found = rank[s] = (
                sorted((min(s[0], length - s[3]), min(s[1], width - s[4]), s[2])),
                -(s[3] - s[0]) * (s[4] - s[1]) * (s[5] - s[2]),
            )
        return found

    while spaces and any(left):
        chosen = min(spaces, key=nearness)
        x0, y0, z0, x1, y1, z1 = chosen
        sx, sy, sz = x1 - x0, y1 - y0, z1 - z0
        best: tuple[tuple[int, ...], int, Orientation, tuple[int, int, int]] | None = None
        for k, kind in enumerate(kinds):
            count = left[k]
            if count <= 0:
                continue
            if kind.weight > 0 and count * kind.weight > payload:
                count = payload // kind.weight
                if count <= 0:
                    continue
            for o in kind.orientations:
                dx, dy, dz = o
                if dx > sx or dy > sy or dz > sz:
                    continue
                for shape in _block_shapes(sx // dx, sy // dy, sz // dz, count):
                    volume = shape[0] * shape[1] * shape[2] * kind.volume
                    slack = sorted((sx - shape[0] * dx, sy - shape[1] * dy, sz - shape[2] * dz))
                    if by_volume:
                        key: tuple[int, ...] = (-volume, *slack)
                    else:
                        key = (*slack, -volume)
                    if best is None or key < best[0]:
                        best = (key, k, o, shape)
        if best is None:
            spaces.remove(chosen)
            continue
        _, k, o, shape = best
        x = x0 if x0 <= length - x1 else x1 - shape[0] * o[0]
        y = y0 if y0 <= width - y1 else y1 - shape[1] * o[1]
        block = (x, y, z0, x + shape[0] * o[0], y + shape[1] * o[1], z0 + shape[2] * o[2])
        _units_of_block(k, x, y, z0, o, shape, units)
        n = shape[0] * shape[1] * shape[2]
        left[k] -= n
        payload -= n * kinds[k].weight
        if not left[k]:
            smallest.refresh(left)
        spaces = carve(spaces, block, smallest.dim, smallest.volume)
    return units


def settle(units: list[Unit]) -> list[Unit]:
    """Let every unit drop straight down onto the floor or the unit under it, lowest first."""
    ordered = sorted(units, key=lambda u: u[3])
    settled: list[Unit] = []
    for kind, x, y, z, dx, dy, dz in ordered:
        floor = 0
        x1, y1 = x + dx, y + dy
        for _, ox, oy, oz, odx, ody, odz in settled:
            top = oz + odz
            # only units below this one (whose top is at or under its bottom) can stop its fall
            if floor < top <= z and ox < x1 and x < ox + odx and oy < y1 and y < oy + ody:
                floor = top
        settled.append((kind, x, y, floor, dx, dy, dz))
    return settled
