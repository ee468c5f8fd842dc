"""Service levels: how fast the buyer paid to get the parcel.

Every channel names its shipping options in its own words ("NextDay",
"Express Shipping", "UPS 2nd Day Air"). :func:`service_level_for` maps that
text to one of oms's three levels, which drive release priority and cut-offs.

Pure module: no database, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

SERVICE_LEVELS = ("standard", "expedited", "next_day")

#: Tried in order after the shop's own rules; the first pattern found in the text wins.
#: Next-day comes first so "Express Overnight" counts as next day, not expedited.
DEFAULT_RULES: tuple[tuple[str, str], ...] = (
    (r"next[\s_-]*day|overnight|same[\s_-]*day|\b(?:1|one)[\s-]*(?:business[\s-]*)?day\b", "next_day"),
    (
        r"expedited|express|priority|second[\s_-]*day|\b2nd[\s-]*day|\b(?:2|two)[\s-]*(?:business[\s-]*)?days?\b",
        "expedited",
    ),
)


@lru_cache(maxsize=64)
def _compiled(rules: tuple[tuple[str, str], ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern, re.IGNORECASE), level) for pattern, level in rules)


def check_rules(rules: Sequence[tuple[str, str]]) -> list[str]:
    """Problems with configured (pattern, level) rules, as readable sentences; empty when fine."""
    problems = []
    for number, (pattern, level) in enumerate(rules, start=1):
        if level not in SERVICE_LEVELS:
            problems.append(f"rule {number}: level {level!r} is not one of {', '.join(SERVICE_LEVELS)}")
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.append(f"rule {number}: pattern {pattern!r} is not a valid regular expression ({exc})")
    return problems


@lru_cache(maxsize=4096)
def _level(text: str, extra_rules: tuple[tuple[str, str], ...]) -> str:
    for pattern, level in _compiled(extra_rules + DEFAULT_RULES):
        if pattern.search(text):
            return level
    return "standard"


def service_level_for(text: str | None, extra_rules: Sequence[tuple[str, str]] = ()) -> str:
    """Map a channel's shipping method text to ``standard``, ``expedited`` or ``next_day``.

    ``extra_rules`` are the shop's (regex, level) pairs, tried before the defaults.
    """
    if not text:
        return "standard"
    # A shop has a handful of shipping texts and an export repeats them on every
    # order, so the cached answer saves a regex scan per order.
    rules = extra_rules if type(extra_rules) is tuple else tuple((str(p), str(lvl)) for p, lvl in extra_rules)
    return _level(text, rules)
