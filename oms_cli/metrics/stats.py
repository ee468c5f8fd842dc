"""The arithmetic of the fulfilment report, defined once: percentiles, rates, shares,
the bottleneck and the low-sample rule.

Pure module: plain numbers in, plain numbers out; no database, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def nearest_rank(values: Sequence[float], percent: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least ``percent`` % of
    the values at or below it (``sorted[ceil(p/100 * n) - 1]``); None for no values.

    It is always one of the observed values, so "90th percentile 26 h" means a real
    order took 26 h and nine in ten took no longer.
    """
    if not 0 < percent <= 100:
        raise ValueError(f"percent must be in (0, 100], not {percent}")
    n = len(values)
    if n == 0:
        return None
    ordered = sorted(values)
    # The epsilon keeps e.g. 0.9 * 10 == 9.000000000000002 from becoming rank 10.
    rank = max(1, math.ceil(percent / 100 * n - 1e-9))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float | None:
    """The nearest-rank 50th percentile (for an even count, the lower of the two middle values)."""
    return nearest_rank(values, 50)


def rate(part: int | float, whole: int | float) -> float | None:
    """``part / whole``, or None when there is nothing to divide by (never a made-up 0 or 100 %)."""
    if not whole:
        return None
    return part / whole


def per_thousand(part: int | float, whole: int | float) -> float | None:
    """``part`` per 1,000 of ``whole`` (None when ``whole`` is zero)."""
    r = rate(part, whole)
    return None if r is None else r * 1000


def shares(totals: Mapping[str, float]) -> dict[str, float | None]:
    """Each key's fraction of the sum of all values (all None when the sum is zero)."""
    whole = sum(totals.values())
    return {key: rate(value, whole) for key, value in totals.items()}


def bottleneck(totals: Mapping[str, float], among: Sequence[str] | None = None) -> str | None:
    """The key with the largest total (the first such key in mapping order on a tie);
    None when every total is zero. ``among`` limits the candidates."""
    best: str | None = None
    best_value = 0.0
    for key, value in totals.items():
        if among is not None and key not in among:
            continue
        if value > best_value:
            best, best_value = key, value
    return best


def is_low_sample(orders: int, min_orders: int) -> bool:
    """Whether a figure rests on too few orders to be trusted (fewer than ``min_orders``)."""
    return orders < min_orders


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or None for no values."""
    if not values:
        return None
    return sum(values) / len(values)
