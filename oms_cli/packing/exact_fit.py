"""Exhaustive searches that decide whether a few items fit into one box.

The block heuristic in :mod:`oms_cli.packing.box_filling` is fast but can miss
tight fits. When only a handful of units are left, this module decides "does
all of this fit?" by trying every guillotine arrangement: cut the box in two
along one axis, send a sub-multiset of the units to each side, recurse. Every
cut position tried is a sum of unit lengths along that axis (a "normal
pattern"), and the smallest one that holds its side is used, which leaves the
most room for the other side; so any arrangement that can be cut apart by
straight cuts is found. Results are memoised per (space, multiset) and the work
is capped by a call budget, after which the search gives up (returns None).

When the items fill the box exactly (no slack at all) each cut position is
forced (the low side's volume divided by the cross-section), so almost every
split is rejected by a divisibility test before any work; that case
(:func:`fit_perfectly`) handles many more units within the same budget.

Pure module: integers in, integers out.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

from oms_cli.packing.box_filling import Kind, Unit

#: Placement relative to the space: kind, x, y, z, dx, dy, dz
_Layout = tuple[Unit, ...]


class _OutOfBudget(Exception):
    pass


class _Search:
    def __init__(self, kinds: Sequence[Kind], budget: int) -> None:
        self.kinds = kinds
        self.budget = budget
        self.memo: dict[tuple[int, int, int, tuple[int, ...]], _Layout | None] = {}
        self.shortest: dict[tuple[int, int, tuple[int, int, int]], int] = {}

    def solve(self, size: tuple[int, int, int], counts: tuple[int, ...]) -> _Layout | None:
        x, y, z = size
        # Every kind may turn about the vertical axis, so a space and its mirror
        # across the diagonal are the same problem.
        if y > x:
            found = self._solve_canonical(y, x, z, counts)
            if found is None:
                return None
            return tuple((k, uy, ux, uz, dy, dx, dz) for k, ux, uy, uz, dx, dy, dz in found)
        return self._solve_canonical(x, y, z, counts)

    def _solve_canonical(self, x: int, y: int, z: int, counts: tuple[int, ...]) -> _Layout | None:
        key = (x, y, z, counts)
        if key in self.memo:
            return self.memo[key]
        self.budget -= 1
        if self.budget < 0:
            raise _OutOfBudget
        result = self._search(x, y, z, counts)
        self.memo[key] = result
        return result

    def _fits(self, k: int, size: tuple[int, int, int]) -> bool:
        return any(o[0] <= size[0] and o[1] <= size[1] and o[2] <= size[2] for o in self.kinds[k].orientations)

    def _search(self, x: int, y: int, z: int, counts: tuple[int, ...]) -> _Layout | None:
        size = (x, y, z)
        present = [k for k, c in enumerate(counts) if c > 0]
        if not present:
            return ()
        volume = sum(counts[k] * self.kinds[k].volume for k in present)
        if volume > x * y * z or not all(self._fits(k, size) for k in present):
            return None
        if sum(counts) == 1:
            k = present[0]
            for o in self.kinds[k].orientations:
                if o[0] <= x and o[1] <= y and o[2] <= z:
                    return ((k, 0, 0, 0, o[0], o[1], o[2]),)
            return None
        first = present[0]
        ranges = [range(1, c + 1) if k == first else range(c + 1) for k, c in enumerate(counts)]
        for axis in (2, 0, 1):
            cross = x * y * z // size[axis]
            for low in product(*ranges):
                if low == counts:
                    continue
                high = tuple(c - s for c, s in zip(counts, low))
                found = self._split(size, axis, cross, low, high)
                if found is not None:
                    return found
        return None

    def _lower_bound(self, size: tuple[int, int, int], axis: int, cross: int, part: tuple[int, ...]) -> int:
        volume = 0
        bound = 0
        for k, c in enumerate(part):
            if not c:
                continue
            volume += c * self.kinds[k].volume
            bound = max(bound, self._shortest(k, axis, size))
        return max(bound, -(-volume // cross))

    def _shortest(self, k: int, axis: int, size: tuple[int, int, int]) -> int:
        """Least extent along ``axis`` of kind ``k`` among orientations that fit the cross-section."""
        key = (k, axis, size)
        found = self.shortest.get(key)
        if found is None:
            extents = [
                o[axis] for o in self.kinds[k].orientations if all(o[a] <= size[a] for a in range(3) if a != axis)
            ]
            found = self.shortest[key] = min(extents) if extents else 1 << 30
        return found

    def _cut_positions(self, part: tuple[int, ...], axis: int, lowest: int, highest: int) -> list[int]:
        sums = {0}
        for k, c in enumerate(part):
            extents = {o[axis] for o in self.kinds[k].orientations}
            for _ in range(c):
                sums |= {s + e for s in sums for e in extents if s + e <= highest}
        return sorted(s for s in sums if s >= lowest)

    def _split(
        self,
        size: tuple[int, int, int],
        axis: int,
        cross: int,
        low: tuple[int, ...],
        high: tuple[int, ...],
    ) -> _Layout | None:
        self.budget -= 1
        if self.budget < 0:
            raise _OutOfBudget
        lowest = self._lower_bound(size, axis, cross, low)
        highest = size[axis] - self._lower_bound(size, axis, cross, high)
        if lowest > highest:
            return None
        for cut in self._cut_positions(low, axis, lowest, highest):
            low_size = tuple(cut if a == axis else size[a] for a in range(3))
            low_layout = self.solve(low_size, low)  # type: ignore[arg-type]
            if low_layout is None:
                continue
            high_size = tuple(size[a] - cut if a == axis else size[a] for a in range(3))
            high_layout = self.solve(high_size, high)  # type: ignore[arg-type]
            if high_layout is None:
                # a later cut only leaves the other side less room
                return None
            shift = [0, 0, 0]
            shift[axis] = cut
            moved = tuple(
                (k, ux + shift[0], uy + shift[1], uz + shift[2], dx, dy, dz)
                for k, ux, uy, uz, dx, dy, dz in high_layout
            )
            return low_layout + moved
        return None


def fit_exactly(
    kinds: Sequence[Kind], counts: Sequence[int], size: tuple[int, int, int], budget: int = 20_000
) -> list[Unit] | None:
    """All units placed in the box by a guillotine arrangement, or None if none was found within the budget."""
    search = _Search(kinds, budget)
    try:
        found = search.solve(size, tuple(counts))
    except _OutOfBudget:
        return None
    return list(found) if found is not None else None


class _PerfectSearch(_Search):
    """The guillotine search specialised to units that fill their space exactly."""

    def _search(self, x: int, y: int, z: int, counts: tuple[int, ...]) -> _Layout | None:
        size = (x, y, z)
        present = [k for k, c in enumerate(counts) if c > 0]
        if not present or not all(self._fits(k, size) for k in present):
            return None
        if sum(counts) == 1:
            k = present[0]
            for o in self.kinds[k].orientations:
                if o == size:
                    return ((k, 0, 0, 0, x, y, z),)
            return None
        # sub-multisets holding at least one unit of the first kind (the mirror
        # image covers the others), with their volumes
        first = present[0]
        ways = 1
        for k, c in enumerate(counts):
            ways *= c if k == first else c + 1
        # listing the sub-multisets is the cost here, so it is charged up front
        self.budget -= ways // 32
        if self.budget < 0:
            raise _OutOfBudget
        subsets: list[tuple[tuple[int, ...], int]] = [((), 0)]
        for k, c in enumerate(counts):
            volume = self.kinds[k].volume
            low = 1 if k == first else 0
            subsets = [(s + (n,), v + n * volume) for s, v in subsets for n in range(low, c + 1)]
        whole = x * y * z
        for axis in (2, 0, 1):
            cross = whole // size[axis]
            for part, volume in subsets:
                if volume % cross or volume == whole:
                    continue
                cut = volume // cross
                self.budget -= 1
                if self.budget < 0:
                    raise _OutOfBudget
                low_size = (cut, y, z) if axis == 0 else (x, cut, z) if axis == 1 else (x, y, cut)
                high_size = (x - cut, y, z) if axis == 0 else (x, y - cut, z) if axis == 1 else (x, y, z - cut)
                rest = tuple(c - n for c, n in zip(counts, part))
                if not all(self._fits(k, low_size) for k, n in enumerate(part) if n):
                    continue
                if not all(self._fits(k, high_size) for k, n in enumerate(rest) if n):
                    continue
                low_layout = self.solve(low_size, part)
                if low_layout is None:
                    continue
                high_layout = self.solve(high_size, rest)
                if high_layout is None:
                    continue
                shift = [0, 0, 0]
                shift[axis] = cut
                return low_layout + tuple(
                    (k, ux + shift[0], uy + shift[1], uz + shift[2], dx, dy, dz)
                    for k, ux, uy, uz, dx, dy, dz in high_layout
                )
        return None


def fit_perfectly(
    kinds: Sequence[Kind], counts: Sequence[int], size: tuple[int, int, int], budget: int = 20_000
) -> list[Unit] | None:
    """All units placed by guillotine cuts so that they fill the box completely, or None.

    None also when the units' volume is not the box's volume or the budget runs out.
    """
    if sum(c * kinds[k].volume for k, c in enumerate(counts)) != size[0] * size[1] * size[2]:
        return None
    search = _PerfectSearch(kinds, budget)
    try:
        found = search.solve(size, tuple(counts))
    except _OutOfBudget:
        return None
    return list(found) if found is not None else None
