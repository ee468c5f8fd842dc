"""When to try a message again, and which SMTP answers are worth another try.

Pure module: no database, no network, no Typer/Rich.
"""

from __future__ import annotations

from datetime import datetime, timedelta

#: outbox states, in the order a message goes through them ("withdrawn": no longer
#: worth sending, e.g. a feedback request the customer has already answered)
STATES = ("queued", "sending", "sent", "failed", "withdrawn")

#: the kinds of message oms writes, each with its default templates
KINDS = (
    "shipped",
    "delivered_feedback_request",
    "instruction_reply",
    "delay_notice",
    "feedback_thanks",
    "return_instructions",
)

# Backoff stops growing here, so a long outage does not push the next try days away.
MAX_BACKOFF_S = 6 * 3600


def next_attempt_at(now: datetime, attempts: int, backoff_s: float) -> datetime:
    """When a message that failed on its ``attempts``-th try may be tried again:
    ``backoff * 2^(attempts-1)`` seconds from now, capped at six hours."""
    exponent = max(attempts - 1, 0)
    delay = min(float(backoff_s) * (2**exponent), MAX_BACKOFF_S)
    return now + timedelta(seconds=delay)


def is_permanent(smtp_code: int | None) -> bool:
    """Whether an SMTP reply code means "do not try again" (5xx), as opposed to a
    temporary refusal (4xx) or a dropped connection (no code)."""
    return smtp_code is not None and 500 <= smtp_code < 600


def stale_after(timeout_s: float) -> timedelta:
    """How long a message may stay ``sending`` before another sender may take it over.

    Far longer than one SMTP conversation can last, so a live sender is never
    overtaken; only a sender that crashed mid-send leaves messages this old.
    """
    return timedelta(seconds=max(600.0, 10 * float(timeout_s)))
