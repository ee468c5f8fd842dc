"""Choose the boxes for an order and where every item goes in them.

The engine packs real 3D layouts (see :mod:`oms_cli.packing.box_filling`),
not volume sums. It looks for the packing that uses

1. the fewest boxes, then
2. the lowest total billable weight (``objective="billable_weight"``) or the
   lowest total box cost (``objective="cost"``), then
3. the least total box volume.

Identical items (same dimensions, weight and orientation rules) are merged
into one kind with a count, so an order of hundreds of units packs as fast as
one with a few kinds.

Pure module: plain dataclasses in, plain dataclasses out; no database, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from oms_cli.core.errors import BadInput
from oms_cli.packing.box_filling import (
    ITEMS_CORNER,
    ITEMS_LOW,
    SPACES_FIT,
    SPACES_VOLUME,
    Kind,
    Orientation,
    Strategy,
    Unit,
    fill,
    settle,
)
from oms_cli.packing.dimweight import METRIC, DimWeightRule, billable_weight_g
from oms_cli.packing.exact_box import DOES_NOT_FIT, FITS, MAX_UNITS, UNKNOWN, fit_units
from oms_cli.packing.exact_fit import fit_exactly, fit_perfectly

Objective = Literal["billable_weight", "cost"]

#: Up to this many units the exhaustive guillotine search backs up the heuristics.
EXACT_SEARCH_UNITS = 8
EXACT_SEARCH_BUDGET = 700
#: Search steps allowed when the items would fill a box exactly.
PERFECT_FIT_BUDGET = 10_000
#: Solver work (CP-SAT deterministic time, about seconds) the exact search may spend on one box ...
EXACT_BOX_WORK = 0.5
#: ... and on one order, over all its boxes.
EXACT_ORDER_WORK = 1.5


@dataclass(frozen=True)
class Item:
    """One item to pack (``quantity`` units of it): dimensions in mm, weight in g.

    A keep-flat item may only turn about the vertical axis (its ``height``
    stays up). ``may_stand_on`` overrides that with one flag per dimension
    (length, width, height): whether that dimension may point up.
    """

    ref: str
    length: int
    width: int
    height: int
    weight_g: int
    keep_flat: bool = False
    quantity: int = 1
    may_stand_on: tuple[bool, bool, bool] | None = None


@dataclass(frozen=True)
class Box:
    """A box type: inner and outer dimensions in mm, empty and maximum gross weight in g.

    ``stock`` is how many are on hand (``None``: not counted); a box with
    stock 0 is never chosen. ``cost`` is in the shop's currency.
    """

    ref: str
    inner_length: int
    inner_width: int
    inner_height: int
    outer_length: int
    outer_width: int
    outer_height: int
    empty_weight_g: int
    max_weight_g: int
    cost: Decimal = Decimal(0)
    stock: int | None = None

    @property
    def payload_g(self) -> int:
        """How much item weight the box may carry."""
        return self.max_weight_g - self.empty_weight_g

    @property
    def inner_volume(self) -> int:
        """Inner volume in mm³."""
        return self.inner_length * self.inner_width * self.inner_height


@dataclass(frozen=True)
class Placement:
    """Where one unit goes: corner nearest the box's origin (x along the inner length, y width, z up) and placed size."""

    ref: str
    x: int
    y: int
    z: int
    length: int
    width: int
    height: int


@dataclass
class PackedBox:
    """One box of the packing, with its contents, gross weight, billable weight and fill."""

    box: Box
    placements: list[Placement]
    weight_g: int
    billable_weight_g: int
    fill_pct: float


@dataclass(frozen=True)
class UnpackedItem:
    """A unit that could not be packed, and why."""

    ref: str
    reason: str


@dataclass
class PackResult:
    """The chosen boxes and anything that could not be packed."""

    packages: list[PackedBox] = field(default_factory=list)
    unpacked: list[UnpackedItem] = field(default_factory=list)
    #: One box, and the exact search showed that no better box (by the objective) holds the items.
    proven_best: bool = False
    #: Several boxes, and the exact search showed that no single box holds the items.
    one_box_ruled_out: bool = False

    def to_json(self) -> dict[str, Any]:
        """The result as JSON-ready plain data (the shape ``oms pack --json`` prints)."""
        return {
            "packages": [
                {
                    "box": p.box.ref,
                    "items": [
                        {
                            "ref": u.ref,
                            "x": u.x,
                            "y": u.y,
                            "z": u.z,
                            "length": u.length,
                            "width": u.width,
                            "height": u.height,
                        }
                        for u in p.placements
                    ],
                    "weight_g": p.weight_g,
                    "billable_weight": p.billable_weight_g,
                    "fill_pct": p.fill_pct,
                }
                for p in self.packages
            ],
            "unpacked": [{"ref": u.ref, "reason": u.reason} for u in self.unpacked],
            "proven_best": self.proven_best,
            "one_box_ruled_out": self.one_box_ruled_out,
        }


# ---------------------------------------------------------------- merging items


@dataclass
class _Group:
    """Identical items merged into one kind; ``refs`` has one entry per unit."""

    kind: Kind
    dims: tuple[int, int, int]
    weight: int
    stand_on: tuple[bool, bool, bool]
    refs: list[str]


def orientations(
    length: int, width: int, height: int, may_stand_on: tuple[bool, bool, bool]
) -> tuple[Orientation, ...]:
    """Distinct placed (x, y, z) sizes of an item whose i-th dimension may point up when ``may_stand_on[i]``."""
    dims = (length, width, height)
    found: list[Orientation] = []
    # the item as given comes first so that nothing is turned without need
    for up in (2, 0, 1):
        if not may_stand_on[up]:
            continue
        a, b = (i for i in range(3) if i != up)
        for o in ((dims[a], dims[b], dims[up]), (dims[b], dims[a], dims[up])):
            if o not in found:
                found.append(o)
    return tuple(found)


def _stand_flags(item: Item) -> tuple[bool, bool, bool]:
    if item.may_stand_on is not None:
        return item.may_stand_on
    return (False, False, True) if item.keep_flat else (True, True, True)


def _check_items(items: Sequence[Item]) -> None:
    for item in items:
        if min(item.length, item.width, item.height) <= 0:
            raise BadInput(
                f"item {item.ref}: dimensions must be positive, not {item.length}x{item.width}x{item.height} mm"
            )
        if item.weight_g < 0:
            raise BadInput(f"item {item.ref}: weight must not be negative ({item.weight_g} g)")
        if item.quantity < 0:
            raise BadInput(f"item {item.ref}: quantity must not be negative ({item.quantity})")
        if item.may_stand_on is not None and not any(item.may_stand_on):
            raise BadInput(f"item {item.ref}: at least one dimension must be allowed to point up")


def _check_boxes(boxes: Sequence[Box]) -> None:
    for box in boxes:
        inner = (box.inner_length, box.inner_width, box.inner_height)
        outer = (box.outer_length, box.outer_width, box.outer_height)
        if min(inner) <= 0 or min(outer) <= 0:
            raise BadInput(f"box {box.ref}: dimensions must be positive")
        if box.empty_weight_g < 0 or box.max_weight_g < 0:
            raise BadInput(f"box {box.ref}: weights must not be negative")
        if box.max_weight_g < box.empty_weight_g:
            raise BadInput(
                f"box {box.ref}: maximum weight {box.max_weight_g} g is below its empty weight {box.empty_weight_g} g",
                hint="the maximum weight includes the box itself",
            )
        if box.stock is not None and box.stock < 0:
            raise BadInput(f"box {box.ref}: stock must not be negative ({box.stock})")


def _merge(items: Iterable[Item]) -> list[_Group]:
    groups: dict[tuple[Any, ...], _Group] = {}
    for item in items:
        flags = _stand_flags(item)
        key = (item.length, item.width, item.height, item.weight_g, flags)
        group = groups.get(key)
        if group is None:
            kind = Kind(
                orientations(item.length, item.width, item.height, flags),
                item.weight_g,
                item.length * item.width * item.height,
            )
            group = groups[key] = _Group(kind, (item.length, item.width, item.height), item.weight_g, flags, [])
        group.refs.extend([item.ref] * item.quantity)
    return [g for g in groups.values() if g.refs]


# ---------------------------------------------------------------- packing one box


#: Heuristic passes tried in turn: (strategy, kind order, orientations). "as_given"
#: passes first keep every item the way up it was described, only turning it
#: about the vertical axis, which is how a person packs it (and keeps mugs upright).
_PASSES: tuple[tuple[Strategy, str, str], ...] = (
    (ITEMS_CORNER, "volume", "as_given"),
    (ITEMS_CORNER, "volume", "any"),
    (ITEMS_LOW, "volume", "any"),
    (SPACES_VOLUME, "volume", "any"),
    (ITEMS_CORNER, "longest", "any"),
    (ITEMS_LOW, "volume", "as_given"),
    (SPACES_FIT, "volume", "any"),
    (SPACES_VOLUME, "volume", "as_given"),
)


def _as_given(kind: Kind) -> Kind:
    """The kind restricted to its first allowed way up (as described), turning only about the vertical axis."""
    up = kind.orientations[0][2]
    return Kind(tuple(o for o in kind.orientations if o[2] == up), kind.weight, kind.volume)


class _Packer:
    """Packs one order's kinds into boxes, remembering what it already tried."""

    def __init__(self, kinds: Sequence[Kind], boxes: Sequence[Box] = (), exact_work: float = 0.0) -> None:
        self.kinds = kinds
        # solver work left for the exact search on this order (0: heuristics only)
        self.exact_work = exact_work
        # what is known about (box, counts): FITS, DOES_NOT_FIT (proved) or UNKNOWN
        self.answers: dict[tuple[Box, tuple[int, ...]], str] = {}
        as_given = [_as_given(k) for k in kinds]
        self.variants: dict[str, Sequence[Kind]] = {"any": kinds}
        # an as-given pass is only worth running when it differs from the unrestricted one
        self.variants["as_given"] = as_given if as_given != list(kinds) else []
        # items that fit fewer box types are worth packing first when their box comes up
        choices = [sum(1 for b in boxes if self.kind_fits(k, b)) for k in range(len(kinds))]
        self.orders = {
            "volume": sorted(
                range(len(kinds)),
                key=lambda k: (-kinds[k].volume, -kinds[k].weight, -max(kinds[k].orientations[0])),
            ),
            "longest": sorted(
                range(len(kinds)),
                key=lambda k: (-max(kinds[k].orientations[0]), -kinds[k].volume, -kinds[k].weight),
            ),
            "restricted": sorted(
                range(len(kinds)),
                key=lambda k: (choices[k], -kinds[k].volume, -kinds[k].weight),
            ),
        }
        self.restricted_matters = len(set(choices)) > 1
        self._fits_cache: dict[tuple[Box, tuple[int, ...]], list[Unit] | None] = {}
        self._solved: dict[tuple[Box, tuple[int, ...]], list[Unit] | None] = {}
        self._fill_cache: dict[tuple[Box, tuple[int, ...]], list[tuple[list[Unit], list[int]]]] = {}

    def kind_fits(self, k: int, box: Box) -> bool:
        """Whether one unit of kind ``k`` fits the empty box by size and weight."""
        kind = self.kinds[k]
        if kind.weight > box.payload_g:
            return False
        return any(
            o[0] <= box.inner_length and o[1] <= box.inner_width and o[2] <= box.inner_height for o in kind.orientations
        )

    def weight(self, counts: Sequence[int]) -> int:
        """Total item weight of ``counts``."""
        return sum(c * self.kinds[k].weight for k, c in enumerate(counts))

    def volume(self, counts: Sequence[int]) -> int:
        """Total item volume of ``counts``."""
        return sum(c * self.kinds[k].volume for k, c in enumerate(counts))

    def _passes(self, box: Box, counts: Sequence[int]) -> Iterable[tuple[list[Unit], list[int]]]:
        size = (box.inner_length, box.inner_width, box.inner_height)
        for strategy, order, variant in _PASSES:
            kinds = self.variants[variant]
            if kinds:
                yield fill(kinds, counts, size, box.payload_g, strategy, self.orders[order])

    def fits_all(self, box: Box, counts: Sequence[int], exact: bool = False) -> list[Unit] | None:
        """A layout of all ``counts`` in ``box``, or None if none was found.

        With ``exact`` (and solver work left) a few units the heuristics cannot
        place go to the constraint model, which also proves a box too small.
        """
        key = (box, tuple(counts))
        if key in self._fits_cache:
            found = self._fits_cache[key]
        else:
            found = self._fits_cache[key] = self._fits_all(box, counts)
        if found is None and exact and self.exact_work > 0 and sum(counts) <= MAX_UNITS:
            if key not in self._solved:
                self._solved[key] = self._solve(box, counts)
            found = self._solved[key]
        return found

    def answer(self, box: Box, counts: Sequence[int]) -> str:
        """What the searches so far know about all of ``counts`` in ``box``."""
        return self.answers.get((box, tuple(counts)), UNKNOWN)

    def _fits_all(self, box: Box, counts: Sequence[int]) -> list[Unit] | None:
        key = (box, tuple(counts))
        if self.weight(counts) > box.payload_g or self.volume(counts) > box.inner_volume:
            self.answers[key] = DOES_NOT_FIT
            return None
        if not all(self.kind_fits(k, box) for k, c in enumerate(counts) if c):
            self.answers[key] = DOES_NOT_FIT
            return None
        found = self._fits_heuristically(box, counts)
        self.answers[key] = FITS if found is not None else UNKNOWN
        return found

    def _solve(self, box: Box, counts: Sequence[int]) -> list[Unit] | None:
        """The constraint model's layout, when the heuristics found none; records a proof of "too small"."""
        key = (box, tuple(counts))
        if self.answers[key] == DOES_NOT_FIT:
            return None
        size = (box.inner_length, box.inner_width, box.inner_height)
        fit = fit_units(self.kinds, counts, size, min(EXACT_BOX_WORK, self.exact_work))
        self.exact_work -= fit.work
        self.answers[key] = fit.answer
        # the solver leaves units anywhere; they rest on the floor or on each other
        return settle(fit.units) if fit.units is not None else None

    def _fits_heuristically(self, box: Box, counts: Sequence[int]) -> list[Unit] | None:
        for units, left in self._passes(box, counts):
            if not any(left):
                return units
        size = (box.inner_length, box.inner_width, box.inner_height)
        if self.volume(counts) == box.inner_volume:
            return fit_perfectly(self.kinds, counts, size, PERFECT_FIT_BUDGET)
        if sum(counts) <= EXACT_SEARCH_UNITS:
            return fit_exactly(self.kinds, counts, size, EXACT_SEARCH_BUDGET)
        return None

    def fill_options(self, box: Box, counts: Sequence[int]) -> list[tuple[list[Unit], list[int]]]:
        """Ways to part-fill ``box``: the one holding the most item volume, then one favouring items few boxes take."""
        key = (box, tuple(counts))
        if key in self._fill_cache:
            return self._fill_cache[key]
        best: tuple[list[Unit], list[int]] | None = None
        best_volume = -1
        for units, left in self._passes(box, counts):
            volume = self.volume(counts) - self.volume(left)
            if volume > best_volume:
                best, best_volume = (units, left), volume
            if not any(left):
                break
        assert best is not None
        options = [best]
        if self.restricted_matters and any(best[1]):
            size = (box.inner_length, box.inner_width, box.inner_height)
            restricted = fill(self.kinds, counts, size, box.payload_g, ITEMS_CORNER, self.orders["restricted"])
            if restricted[1] != best[1]:
                options.append(restricted)
        self._fill_cache[key] = options
        return options

    def fill_most(self, box: Box, counts: Sequence[int]) -> tuple[list[Unit], list[int]]:
        """The heuristic layout that puts the most item volume into ``box``, and the counts left over."""
        return self.fill_options(box, counts)[0]


# ---------------------------------------------------------------- choosing boxes


def _objective_key(
    box: Box, item_weight: int, objective: Objective, rule: DimWeightRule | None
) -> tuple[Decimal | int, ...]:
    billable = billable_weight_g(
        (box.outer_length, box.outer_width, box.outer_height), box.empty_weight_g + item_weight, rule
    )
    if objective == "cost":
        return (box.cost, billable, box.inner_volume)
    return (billable, box.inner_volume, box.cost)


@dataclass
class _Plan:
    """Boxes chosen so far: each with its layout of units."""

    packages: list[tuple[Box, list[Unit]]]
    left: list[int]
    #: one box: no better box holds everything; several: no single box does (both proved)
    proven: bool = False


def _counts_of(units: Sequence[Unit], kinds: int) -> list[int]:
    counts = [0] * kinds
    for u in units:
        counts[u[0]] += 1
    return counts


class _Chooser:
    """Chooses boxes for one order's kinds: the single best box, or a multi-box plan."""

    def __init__(self, packer: _Packer, boxes: Sequence[Box], objective: Objective, rule: DimWeightRule | None) -> None:
        self.packer = packer
        self.boxes = list(boxes)
        self.objective = objective
        self.rule = rule

    def ranked(self, boxes: Iterable[Box], item_weight: int) -> list[Box]:
        """Boxes best first by the objective for contents of ``item_weight`` grams."""
        return sorted(boxes, key=lambda b: _objective_key(b, item_weight, self.objective, self.rule))

    def one_box(
        self, counts: Sequence[int], stock: dict[Box, int | None], exact: bool = False
    ) -> tuple[Box, list[Unit]] | None:
        """The best box that takes all of ``counts``, with its layout (``exact``: the exact search backs up the heuristics)."""
        weight = self.packer.weight(counts)
        for box in self.ranked((b for b in self.boxes if stock[b] != 0), weight):
            units = self.packer.fits_all(box, counts, exact)
            if units is not None:
                return box, units
        return None

    def proven_before(self, counts: Sequence[int], stock: dict[Box, int | None], chosen: Box | None) -> bool:
        """Whether every box ranked before ``chosen`` (every box, for None) is proved unable to take ``counts``."""
        weight = self.packer.weight(counts)
        for box in self.ranked((b for b in self.boxes if stock[b] != 0), weight):
            if box == chosen:
                return True
            if self.packer.answer(box, counts) != DOES_NOT_FIT:
                return False
        return chosen is None

    def lower_bound(self, counts: Sequence[int], stock: dict[Box, int | None]) -> int:
        """Boxes that ``counts`` need at least, by volume and by weight."""
        usable = [b for b in self.boxes if stock[b] != 0]
        if not usable or not any(counts):
            return 0
        volume = self.packer.volume(counts)
        weight = self.packer.weight(counts)
        most_volume = max(b.inner_volume for b in usable)
        most_weight = max(b.payload_g for b in usable)
        by_weight = -(-weight // most_weight) if most_weight > 0 else (1 if weight else 0)
        return max(1, -(-volume // most_volume), by_weight)

    def greedy(self, counts: Sequence[int], stock: dict[Box, int | None], score: str) -> _Plan:
        """Fill one box after another until the rest fits one box.

        Each round takes the fill after which the rest fits one box if there is
        such a fill, else the one that leaves the least behind by ``score``.
        """
        stock = dict(stock)
        left = list(counts)
        packages: list[tuple[Box, list[Unit]]] = []
        while any(left):
            last = self.one_box(left, stock)
            if last is not None:
                packages.append(last)
                _take(stock, last[0])
                left = [0] * len(left)
                break
            best: tuple[tuple[Any, ...], Box, list[Unit], list[int]] | None = None
            total_volume = self.packer.volume(left) or 1
            total_weight = self.packer.weight(left) or 1
            usable = [b for b in self.boxes if stock[b] != 0]
            most_volume = max((b.inner_volume for b in usable), default=1)
            most_weight = max((b.payload_g for b in usable), default=1) or 1
            for box in self.ranked(usable, 0):
                for units, rest in self.packer.fill_options(box, left):
                    if not units:
                        continue
                    after = dict(stock)
                    _take(after, box)
                    closes = 0 if self.one_box(rest, after) is not None else 1
                    rest_volume = self.packer.volume(rest)
                    rest_weight = self.packer.weight(rest)
                    if score == "rest":
                        # what is left should need as few further boxes as possible
                        measure: tuple[float, ...] = (
                            max(rest_volume / most_volume, rest_weight / most_weight),
                            rest_volume / total_volume + rest_weight / total_weight,
                        )
                    elif score == "units":
                        measure = (sum(rest), rest_volume / total_volume)
                    else:
                        measure = (rest_volume / total_volume, rest_weight / total_weight)
                    key = (closes, *measure)
                    if best is None or key < best[0]:
                        best = (key, box, units, rest)
            if best is None:
                break
            _, box, units, rest = best
            packages.append((box, units))
            _take(stock, box)
            left = rest
        return _Plan(packages, left)

    def improve(self, plan: _Plan, stock: dict[Box, int | None]) -> _Plan:
        """Move each box's contents into a better box where they fit."""
        stock = dict(stock)
        for box, _ in plan.packages:
            _take(stock, box)
        improved: list[tuple[Box, list[Unit]]] = []
        kinds = len(self.packer.kinds)
        for box, units in plan.packages:
            counts = _counts_of(units, kinds)
            weight = self.packer.weight(counts)
            current = _objective_key(box, weight, self.objective, self.rule)
            for candidate in self.ranked(self.boxes, weight):
                if _objective_key(candidate, weight, self.objective, self.rule) >= current:
                    break
                if candidate != box and stock[candidate] == 0:
                    continue
                layout = self.packer.fits_all(candidate, counts, exact=True)
                if layout is not None:
                    _give_back(stock, box)
                    _take(stock, candidate)
                    box, units = candidate, layout
                    break
            improved.append((box, units))
        return _Plan(improved, plan.left)

    def best_plan(self, counts: Sequence[int], stock: dict[Box, int | None]) -> _Plan:
        """One box if a box takes everything; else the best of the greedy plans."""
        single = self.one_box(counts, stock, exact=True)
        if single is not None:
            return _Plan([single], [0] * len(counts), self.proven_before(counts, stock, single[0]))
        ruled_out = self.proven_before(counts, stock, None)
        bound = self.lower_bound(counts, stock)
        best: _Plan | None = None
        for score in ("rest", "volume", "units"):
            plan = self.improve(self.greedy(counts, stock, score), stock)
            if best is None or self.plan_key(plan) < self.plan_key(best):
                best = plan
            # other measures cannot beat a complete plan that meets the lower bound
            if not any(best.left) and len(best.packages) <= bound:
                break
        assert best is not None
        best.proven = ruled_out
        return best

    def plan_key(self, plan: _Plan) -> tuple[Any, ...]:
        """How good a plan is: fewest units left, fewest boxes, then the objective, then volume."""
        total = Decimal(0)
        billable = 0
        volume = 0
        for box, units in plan.packages:
            weight = box.empty_weight_g + sum(self.packer.kinds[u[0]].weight for u in units)
            b = billable_weight_g((box.outer_length, box.outer_width, box.outer_height), weight, self.rule)
            billable += b
            total += box.cost
            volume += box.inner_volume
        main: tuple[Any, ...] = (total, billable) if self.objective == "cost" else (billable, total)
        return (sum(plan.left), len(plan.packages), *main, volume)


def _take(stock: dict[Box, int | None], box: Box) -> None:
    on_hand = stock[box]
    if on_hand is not None:
        stock[box] = on_hand - 1


def _give_back(stock: dict[Box, int | None], box: Box) -> None:
    on_hand = stock[box]
    if on_hand is not None:
        stock[box] = on_hand + 1


# ---------------------------------------------------------------- results


def _dims_text(dims: tuple[int, int, int]) -> str:
    return "x".join(str(d) for d in dims) + " mm"


def _why_unpackable(group: _Group, boxes: Sequence[Box]) -> str:
    if not boxes:
        return "no box in stock"
    longest_box = max(max(b.inner_length, b.inner_width, b.inner_height) for b in boxes)
    if max(group.dims) > longest_box:
        return f"too long for every box ({max(group.dims)} mm; the longest inner side is {longest_box} mm)"
    fitting = [
        b
        for b in boxes
        if any(
            o[0] <= b.inner_length and o[1] <= b.inner_width and o[2] <= b.inner_height for o in group.kind.orientations
        )
    ]
    if not fitting:
        if group.stand_on == (False, False, True):
            how = "when kept flat"
        elif all(group.stand_on):
            how = "in any orientation"
        else:
            how = "in any allowed orientation"
        return f"does not fit any box {how} ({_dims_text(group.dims)})"
    payload = max(b.payload_g for b in fitting)
    return f"too heavy for every box it fits in ({group.weight} g; at most {payload} g)"


def _layout_fault(box: Box, units: Sequence[Unit], groups: Sequence[_Group]) -> str | None:
    """What is wrong with a layout (outside the box, overlapping, turned a forbidden way), or None."""
    for k, x, y, z, dx, dy, dz in units:
        if (dx, dy, dz) not in groups[k].kind.orientations:
            return f"a unit placed as {dx}x{dy}x{dz} mm, which its orientation rules forbid"
        if min(x, y, z) < 0 or x + dx > box.inner_length or y + dy > box.inner_width or z + dz > box.inner_height:
            return f"a unit at ({x}, {y}, {z}) outside box {box.ref}"
    # sweep along x: only units whose x ranges meet can overlap
    ordered = sorted(units, key=lambda u: u[1])
    for i, (_, x, y, z, dx, dy, dz) in enumerate(ordered):
        for _, ox, oy, oz, _odx, ody, odz in ordered[i + 1 :]:
            if ox >= x + dx:
                break
            if oy < y + dy and y < oy + ody and oz < z + dz and z < oz + odz:
                return f"units at ({x}, {y}, {z}) and ({ox}, {oy}, {oz}) overlapping"
    return None


def _packed_box(
    box: Box, units: Sequence[Unit], groups: Sequence[_Group], refs: list[list[str]], rule: DimWeightRule | None
) -> PackedBox:
    # Layouts are valid by construction; this cheap re-check turns a bug into an
    # internal error instead of packing instructions nobody can follow.
    fault = _layout_fault(box, units, groups)
    if fault is not None:
        raise RuntimeError(f"packing engine bug: {fault}")
    placements = []
    item_weight = 0
    item_volume = 0
    for k, x, y, z, dx, dy, dz in sorted(units, key=lambda u: (u[3], u[2], u[1], u[0])):
        placements.append(Placement(refs[k].pop(), x, y, z, dx, dy, dz))
        item_weight += groups[k].weight
        item_volume += dx * dy * dz
    weight = box.empty_weight_g + item_weight
    if weight > box.max_weight_g:
        raise RuntimeError(f"packing engine bug: box {box.ref} packed to {weight} g, over its {box.max_weight_g} g")
    billable = billable_weight_g((box.outer_length, box.outer_width, box.outer_height), weight, rule)
    fill_pct = round(100 * item_volume / box.inner_volume, 1)
    return PackedBox(box, placements, weight, billable, fill_pct)


def _result(
    plan: _Plan, groups: Sequence[_Group], unpacked: list[UnpackedItem], rule: DimWeightRule | None, reason: str
) -> PackResult:
    # refs are handed out from the end, so reverse to keep the order the items came in
    refs = [list(reversed(g.refs)) for g in groups]
    packages = [_packed_box(box, units, groups, refs, rule) for box, units in plan.packages]
    for k, count in enumerate(plan.left):
        for _ in range(count):
            unpacked.append(UnpackedItem(refs[k].pop(), reason))
    # proofs speak of the items some box can take; items too big for every box are beside the point
    return PackResult(
        packages,
        unpacked,
        proven_best=plan.proven and len(packages) == 1,
        one_box_ruled_out=plan.proven and len(packages) > 1,
    )


# ---------------------------------------------------------------- public API


def choose_boxes(
    items: Sequence[Item],
    boxes: Sequence[Box],
    *,
    objective: Objective = "billable_weight",
    dim_rule: DimWeightRule | None = METRIC,
    exact_work: float = EXACT_ORDER_WORK,
) -> PackResult:
    """Pack all items into the fewest boxes, then the lowest billable weight (or cost), then the least volume.

    Items that no box can take are listed in ``unpacked`` with the reason.
    ``dim_rule`` prices billable weight (None: actual weight only).
    Orders of up to 12 units get an exact search as well, within
    ``exact_work`` of solver work (0: heuristics only); ``proven_best`` in
    the result says when it proved the chosen box the best.
    """
    if objective not in ("billable_weight", "cost"):
        raise BadInput(f"objective must be 'billable_weight' or 'cost', not {objective!r}")
    _check_items(items)
    _check_boxes(boxes)
    groups = _merge(items)
    usable = [b for b in boxes if b.stock is None or b.stock > 0]
    packer = _Packer([g.kind for g in groups])
    unpacked: list[UnpackedItem] = []
    packable: list[_Group] = []
    for k, group in enumerate(groups):
        if any(packer.kind_fits(k, b) for b in usable):
            packable.append(group)
        else:
            reason = _why_unpackable(group, usable)
            unpacked.extend(UnpackedItem(ref, reason) for ref in group.refs)
    if not packable:
        return PackResult([], unpacked)
    packer = _Packer([g.kind for g in packable], usable, exact_work)
    counts = [len(g.refs) for g in packable]
    chooser = _Chooser(packer, usable, objective, dim_rule)
    stock: dict[Box, int | None] = {b: b.stock for b in usable}
    plan = chooser.best_plan(counts, stock)
    return _result(plan, packable, unpacked, dim_rule, "no box left in stock for it")


def fill_box(items: Sequence[Item], box: Box, *, dim_rule: DimWeightRule | None = METRIC) -> PackResult:
    """Put as much item volume as possible into the one given box; the rest is reported unpacked."""
    _check_items(items)
    _check_boxes([box])
    groups = _merge(items)
    packer = _Packer([g.kind for g in groups])
    counts = [len(g.refs) for g in groups]
    unpacked: list[UnpackedItem] = []
    if box.stock == 0:
        unpacked = [UnpackedItem(ref, f"box {box.ref} is out of stock") for g in groups for ref in g.refs]
        return PackResult([], unpacked)
    for k, group in enumerate(groups):
        if not packer.kind_fits(k, box):
            unpacked.extend(UnpackedItem(ref, _why_unpackable(group, [box])) for ref in group.refs)
            counts[k] = 0
    if not any(counts):
        return PackResult([], unpacked)
    complete = packer.fits_all(box, counts)
    if complete is not None:
        units, left = complete, [0] * len(counts)
    else:
        units, left = packer.fill_most(box, counts)
    plan = _Plan([(box, units)] if units else [], [0] * len(counts))
    result = _result(plan, groups, unpacked, dim_rule, "")
    # name the limit that stopped each leftover unit: weight or room
    spare = box.payload_g - packer.weight(_counts_of(units, len(counts)))
    refs = [list(reversed(g.refs)) for g in groups]
    for u in units:
        refs[u[0]].pop()
    for k, count in enumerate(left):
        why = (
            f"over the weight limit of box {box.ref}" if groups[k].weight > spare else f"no room left in box {box.ref}"
        )
        for _ in range(count):
            result.unpacked.append(UnpackedItem(refs[k].pop(), why))
    return result
