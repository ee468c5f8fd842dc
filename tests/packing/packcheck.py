"""An independent check that a packing is physically possible.

Written against the public result only (not the engine's internals): every
unit inside its box, no two units overlapping, each unit's placed size one of
its allowed orientations, every box within its weight limit, and every unit of
the order accounted for exactly once (packed or reported unpacked).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import permutations

from oms_cli.packing.engine import Item, PackResult


def allowed_sizes(item: Item) -> set[tuple[int, int, int]]:
    """Placed (x, y, z) sizes the item may take."""
    dims = (item.length, item.width, item.height)
    if item.may_stand_on is not None:
        up_ok = item.may_stand_on
    elif item.keep_flat:
        up_ok = (False, False, True)
    else:
        up_ok = (True, True, True)
    sizes = set()
    for perm in permutations(range(3)):
        if up_ok[perm[2]]:
            sizes.add((dims[perm[0]], dims[perm[1]], dims[perm[2]]))
    return sizes


def packing_errors(items: Sequence[Item], result: PackResult) -> list[str]:
    """Everything wrong with ``result`` as a packing of ``items`` (empty when it is valid)."""
    errors: list[str] = []
    by_ref: dict[str, list[Item]] = {}
    for item in items:
        by_ref.setdefault(item.ref, []).append(item)
    wanted: Counter[str] = Counter()
    for item in items:
        wanted[item.ref] += item.quantity
    got: Counter[str] = Counter()
    for n, package in enumerate(result.packages):
        box = package.box
        if box.stock == 0:
            errors.append(f"box {n} ({box.ref}) is out of stock")
        weight = box.empty_weight_g
        placed = package.placements
        for p in placed:
            got[p.ref] += 1
            candidates = by_ref.get(p.ref, [])
            fitting = [i for i in candidates if (p.length, p.width, p.height) in allowed_sizes(i)]
            if not fitting:
                errors.append(f"box {n}: {p.ref} placed as {p.length}x{p.width}x{p.height}, not an allowed orientation")
            else:
                weight += fitting[0].weight_g
            if (
                min(p.x, p.y, p.z) < 0
                or p.x + p.length > box.inner_length
                or p.y + p.width > box.inner_width
                or p.z + p.height > box.inner_height
            ):
                errors.append(f"box {n}: {p.ref} at ({p.x},{p.y},{p.z}) sticks out of {box.ref}")
        # sweep along x so that the overlap test stays near-linear for big boxes
        ordered = sorted(placed, key=lambda p: p.x)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if b.x >= a.x + a.length:
                    break
                if a.y < b.y + b.width and b.y < a.y + a.width and a.z < b.z + b.height and b.z < a.z + a.height:
                    errors.append(f"box {n}: {a.ref} at ({a.x},{a.y},{a.z}) overlaps {b.ref} at ({b.x},{b.y},{b.z})")
        if weight > box.max_weight_g:
            errors.append(f"box {n} ({box.ref}) weighs {weight} g, over its limit of {box.max_weight_g} g")
        if weight != package.weight_g:
            errors.append(f"box {n} ({box.ref}) reports {package.weight_g} g, contents weigh {weight} g")
    for u in result.unpacked:
        got[u.ref] += 1
    if got != wanted:
        errors.append(f"units packed or reported {dict(got)} differ from the order {dict(wanted)}")
    return errors
