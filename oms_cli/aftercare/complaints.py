"""Does a customer's comment complain? A word list, matched on whole words.

Pure module: no database, no I/O, no Typer/Rich.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: words and phrases that mean something went wrong for the customer
COMPLAINT_WORDS: tuple[str, ...] = (
    "broken",
    "broke",
    "damaged",
    "damage",
    "cracked",
    "smashed",
    "crushed",
    "leaking",
    "leaked",
    "scratched",
    "torn",
    "dented",
    "defective",
    "faulty",
    "missing",
    "wrong",
    "incorrect",
    "never arrived",
    "not arrived",
    "hasn't arrived",
    "has not arrived",
    "didn't arrive",
    "did not arrive",
    "never received",
    "not received",
    "didn't receive",
    "did not receive",
    "lost",
    "late",
    "delayed",
    "too long",
    "slow",
    "refund",
    "return it",
    "money back",
    "complaint",
    "complain",
    "disappointed",
    "disappointing",
    "terrible",
    "awful",
    "horrible",
    "poor",
    "bad",
    "worst",
    "useless",
    "rude",
    "unacceptable",
    "not as described",
    "doesn't work",
    "does not work",
    "stopped working",
    "not working",
    "melted",
    "melting",
    "spilled",
    "stained",
    "shattered",
    "chipped",
    "bent",
    "ripped",
    "soaked",
    "mouldy",
    "moldy",
    "expired",
    "stale",
    "smelled",
    "not happy",
    "unhappy",
    "upset",
    "never again",
)


@lru_cache(maxsize=8)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted({w.strip().lower() for w in words if w.strip()}, key=len, reverse=True)
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in alternatives)
    # Apostrophes come typed straight or curly.
    body = body.replace("'", "['’]")
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.IGNORECASE)


def complaint_words(comment: str | None, extra: Iterable[str] | None = None, replace: bool = False) -> list[str]:
    """The complaint words found in a comment, in order (empty when it does not complain).

    ``extra`` adds the shop's own words (its language, its products); with
    ``replace`` they are used instead of the built-in list.
    """
    if not comment:
        return []
    words = tuple(extra or ()) if replace else COMPLAINT_WORDS + tuple(extra or ())
    if not words:
        return []
    return [m.group(0).lower() for m in _pattern(words).finditer(comment.replace("’", "'"))]


def is_low(rating: int, problem_below: int) -> bool:
    """Whether a rating is low enough to open a problem (below ``feedback.problem_below``)."""
    return rating < problem_below
