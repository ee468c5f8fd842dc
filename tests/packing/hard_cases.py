"""Generated hard orders: items cut guillotine-style from a standard box, then trimmed to fill it to about 90%.

Every case is known to fit its source box (the cut pieces go back where they
were cut, and trimming only makes them smaller), so a chooser that picks a
worse box, or two boxes, has missed a fit. Used by the tests and by
bench/pack_bench.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from oms_cli.packing.engine import Box, Item

#: The default catalogue (oms_cli.core.config DEFAULTS, packing.boxes), tall box included.
DEFAULT_BOXES = [
    Box("S", 200, 150, 100, 210, 160, 110, 120, 5000, Decimal("0.45")),
    Box("M", 300, 230, 150, 310, 240, 160, 220, 10000, Decimal("0.70")),
    Box("T", 200, 200, 450, 210, 210, 460, 260, 15000, Decimal("0.95")),
    Box("L", 400, 300, 250, 410, 310, 260, 380, 20000, Decimal("1.10")),
    Box("XL", 600, 400, 400, 615, 415, 415, 700, 30000, Decimal("2.00")),
]


@dataclass
class HardCase:
    """One generated order and the box its items were cut from."""

    items: list[Item]
    source: Box
    fill_pct: float


def _cut(rng: random.Random, size: tuple[int, int, int], pieces: int, thinnest: int) -> list[tuple[int, int, int]]:
    """Cut a cuboid into ``pieces`` by straight cuts, each through one piece."""
    parts = [size]
    while len(parts) < pieces:
        # cut the biggest pieces more often, so sizes stay comparable
        weights = [a * b * c for a, b, c in parts]
        n = rng.choices(range(len(parts)), weights=weights)[0]
        part = parts[n]
        axes = [a for a in range(3) if part[a] >= 2 * thinnest]
        if not axes:
            if all(p[0] < 2 * thinnest and p[1] < 2 * thinnest and p[2] < 2 * thinnest for p in parts):
                break
            continue
        axis = rng.choice(axes)
        at = rng.randint(thinnest, part[axis] - thinnest)
        low = tuple(at if a == axis else part[a] for a in range(3))
        high = tuple(part[a] - at if a == axis else part[a] for a in range(3))
        parts[n : n + 1] = [low, high]  # type: ignore[list-item]
    return parts


def hard_case(rng: random.Random, boxes: list[Box], units: int, fill: float = 0.9) -> HardCase:
    """Items cut from a random box of ``boxes``, trimmed to fill it to about ``fill``, shuffled and turned."""
    source = rng.choice(boxes)
    size = (source.inner_length, source.inner_width, source.inner_height)
    thinnest = max(10, min(size) // 8)
    parts = _cut(rng, size, units, thinnest)
    # trim every piece by the same share of its volume, each side by a random part of it
    side = fill ** (1 / 3)
    items: list[Item] = []
    volume = 0
    payload = source.payload_g
    total_volume = sum(a * b * c for a, b, c in parts)
    for n, (a, b, c) in enumerate(parts):
        jitter = [rng.uniform(-0.03, 0.03) for _ in range(3)]
        mean = sum(jitter) / 3
        dims = [max(1, int(d * min(1.0, side + j - mean))) for d, j in zip((a, b, c), jitter)]
        keep_flat = rng.random() < 0.3
        if keep_flat:
            # only turned about the vertical axis, as cut
            if rng.random() < 0.5:
                dims[0], dims[1] = dims[1], dims[0]
        else:
            rng.shuffle(dims)
        piece_volume = dims[0] * dims[1] * dims[2]
        volume += piece_volume
        weight = max(1, int(0.8 * payload * piece_volume / total_volume))
        items.append(Item(f"P{n}", dims[0], dims[1], dims[2], weight, keep_flat=keep_flat))
    rng.shuffle(items)
    return HardCase(items, source, round(100 * volume / source.inner_volume, 1))


def hard_cases(seed: int, count: int, boxes: list[Box] | None = None, fill: float = 0.9) -> list[HardCase]:
    """``count`` hard cases of 3 to 12 units, reproducible from ``seed``."""
    rng = random.Random(seed)
    catalogue = boxes if boxes is not None else DEFAULT_BOXES
    return [hard_case(rng, catalogue, rng.randint(3, 12), fill) for _ in range(count)]
