"""Feedback and problems: record what customers say, and make sure a complaint is
resolved, not forgotten. Owns its transactions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from oms_cli.aftercare.complaints import complaint_words, is_low
from oms_cli.core.errors import BadInput, NotFound, UsageError
from oms_cli.orders.events import record_event
from oms_cli.orders.service import resolve_ref
from oms_cli.store.tables import feedback as feedback_t
from oms_cli.store.tables import inserted_id
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import problems as problems_t
from oms_cli.store.types import utcnow

if TYPE_CHECKING:
    from oms_cli.core.config import Config
    from oms_cli.store.engine import Store


PROBLEM_SOURCES = ("feedback", "return", "manual", "channel")


@dataclass(frozen=True)
class ThanksQueued:
    """The thank-you message for good feedback (``queued`` false: queued before, or skipped)."""

    key: str
    queued: bool
    skipped: str | None


@dataclass(frozen=True)
class FeedbackRecorded:
    """What `oms feedback add` recorded (``changed`` false: the same feedback was there)."""

    ref: str
    rating: int
    comment: str | None
    changed: bool
    id: int
    problem_id: int | None = None
    thanks: ThanksQueued | None = None
    #: the complaint words found, when a problem was opened
    complaint_words: list[str] | None = field(default=None, metadata={"optional": True})
    #: keys of the messages this feedback withdrew (a feedback request, a thank-you after a complaint)
    withdrawn: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FeedbackEntry:
    """One piece of feedback, with its order's open feedback problem."""

    id: int
    ref: str
    customer: str | None
    rating: int
    comment: str | None
    at: datetime
    open_problem: int | None


@dataclass(frozen=True)
class Problem:
    """A problem to put right (from low ratings, complaints, returns)."""

    id: int
    ref: str | None
    source: str
    description: str
    status: str
    opened_at: datetime
    resolved_at: datetime | None
    resolution: str | None


@dataclass(frozen=True)
class ProblemResolved:
    """`oms problems resolve` (``changed`` false: it was resolved before)."""

    id: int
    status: str
    changed: bool
    resolved_at: datetime | None
    resolution: str | None


def open_problem(
    conn: Connection, *, order_id: int | None, source: str, description: str, now: datetime | None = None
) -> int:
    """Open a problem record in the caller's transaction; returns its id."""
    if source not in PROBLEM_SOURCES:
        raise BadInput(f"unknown problem source '{source}'", hint="one of: " + ", ".join(PROBLEM_SOURCES))
    res = conn.execute(
        insert(problems_t).values(
            order_id=order_id, source=source, description=description, status="open", opened_at=now or utcnow()
        )
    )
    return inserted_id(res)


def _complaints(config: Config, comment: str | None) -> list[str]:
    own = config.get("feedback.complaint_words")
    return complaint_words(comment, own or None, replace=bool(own))


def add_feedback(
    store: Store, config: Config, ref: str, rating: int, comment: str | None = None, *, now: datetime | None = None
) -> FeedbackRecorded:
    """Record a customer's rating (1–5) and comment. A low rating or a complaint opens
    a problem; good feedback queues a thank-you message (``notify.thank_you_on_good_feedback``).
    The same rating and comment for the same order again changes nothing."""
    if not 1 <= rating <= 5:
        raise BadInput(f"--rating {rating} is not a rating from 1 to 5")
    comment = (comment or "").strip() or None
    now = now or utcnow()
    with store.connect(write=True) as conn:
        row = resolve_ref(conn, ref)
        same = conn.execute(
            select(feedback_t.c.id).where(
                feedback_t.c.order_id == row.id,
                feedback_t.c.rating == rating,
                feedback_t.c.comment.is_(None) if comment is None else feedback_t.c.comment == comment,
            )
        ).first()
        if same is not None:
            return FeedbackRecorded(row.ref, rating, comment, changed=False, id=same.id)
        feedback_id = inserted_id(
            conn.execute(insert(feedback_t).values(order_id=row.id, rating=rating, comment=comment, at=now))
        )
        result = FeedbackRecorded(row.ref, rating, comment, changed=True, id=feedback_id)
        words = _complaints(config, comment)
        low = is_low(rating, int(config.get("feedback.problem_below") or 0))
        if low or words:
            why = [f"rating {rating}/5"] + ([f"complaint ({', '.join(dict.fromkeys(words))})"] if words else [])
            description = f"feedback #{feedback_id}: {' and '.join(why)}" + (f": {comment}" if comment else "")
            problem_id = open_problem(conn, order_id=row.id, source="feedback", description=description, now=now)
            result = replace(result, problem_id=problem_id, complaint_words=list(dict.fromkeys(words)))
        from oms_cli.notify.outbox import withdraw_messages

        # The customer has answered: a request for feedback not yet sent is no longer
        # wanted, and a thank-you still waiting must not go out after a complaint.
        withdrawn = withdraw_messages(
            conn, row.id, ("delivered_feedback_request",), f"feedback {rating}/5 already given"
        )
        if low or words:
            withdrawn += withdraw_messages(
                conn, row.id, ("feedback_thanks",), f"feedback #{feedback_id} complains: not thanked"
            )
        result = replace(result, withdrawn=withdrawn)
        record_event(
            conn,
            row.id,
            command="feedback add",
            kind="note",
            note=f"feedback {rating}/5" + (f" (problem #{result.problem_id} opened)" if result.problem_id else ""),
            at=now,
        )
        if rating >= 4 and not words and config.get("notify.thank_you_on_good_feedback"):
            from oms_cli.notify.outbox import queue_message

            queued = queue_message(
                conn,
                key=f"feedback_thanks:{row.ref}",
                order_id=row.id,
                kind="feedback_thanks",
                context={"rating": rating, "comment": comment},
                config=config,
            )
            result = replace(result, thanks=ThanksQueued(queued.key, queued.created, queued.skipped))
        return result


def list_feedback(
    store: Store,
    *,
    ref: str | None = None,
    since: datetime | None = None,
    below: int | None = None,
    limit: int | None = 100,
) -> list[FeedbackEntry]:
    """Feedback, newest first, with the order reference and its order's open feedback problem."""
    q = select(feedback_t, orders_t.c.ref, orders_t.c.customer_name).join(
        orders_t, orders_t.c.id == feedback_t.c.order_id
    )
    if since is not None:
        q = q.where(feedback_t.c.at >= since)
    if below is not None:
        q = q.where(feedback_t.c.rating < below)
    with store.connect(write=False) as conn:
        if ref:
            q = q.where(feedback_t.c.order_id == resolve_ref(conn, ref).id)
        q = q.order_by(feedback_t.c.at.desc(), feedback_t.c.id.desc())
        if limit:
            q = q.limit(limit)
        problems = {
            r.order_id: r.id
            for r in conn.execute(
                select(problems_t.c.order_id, problems_t.c.id).where(
                    problems_t.c.source == "feedback", problems_t.c.status == "open"
                )
            )
        }
        return [
            FeedbackEntry(r.id, r.ref, r.customer_name, r.rating, r.comment, r.at, problems.get(r.order_id))
            for r in conn.execute(q)
        ]


def list_problems(
    store: Store, *, open_only: bool = False, ref: str | None = None, limit: int | None = 100
) -> list[Problem]:
    """Problems, open ones first, then newest first."""
    q = select(problems_t, orders_t.c.ref).outerjoin(orders_t, orders_t.c.id == problems_t.c.order_id)
    if open_only:
        q = q.where(problems_t.c.status == "open")
    with store.connect(write=False) as conn:
        if ref:
            q = q.where(problems_t.c.order_id == resolve_ref(conn, ref).id)
        q = q.order_by((problems_t.c.status == "open").desc(), problems_t.c.opened_at.desc(), problems_t.c.id.desc())
        if limit:
            q = q.limit(limit)
        return [
            Problem(r.id, r.ref, r.source, r.description, r.status, r.opened_at, r.resolved_at, r.resolution)
            for r in conn.execute(q)
        ]


def resolve_problem(store: Store, problem_id: int, note: str, *, now: datetime | None = None) -> ProblemResolved:
    """Close a problem with a note saying how it was put right. Safe to repeat."""
    note = (note or "").strip()
    if not note:
        raise UsageError("say how the problem was resolved with --note")
    with store.connect(write=True) as conn:
        row = conn.execute(select(problems_t).where(problems_t.c.id == problem_id)).first()
        if row is None:
            raise NotFound(f"problem {problem_id} does not exist", hint="see `oms problems list --open`")
        if row.status == "resolved":
            return ProblemResolved(problem_id, "resolved", False, row.resolved_at, row.resolution)
        now = now or utcnow()
        conn.execute(
            update(problems_t)
            .where(problems_t.c.id == problem_id, problems_t.c.status == "open")
            .values(status="resolved", resolved_at=now, resolution=note)
        )
        if row.order_id is not None:
            record_event(
                conn,
                row.order_id,
                command="problems resolve",
                kind="note",
                note=f"problem #{problem_id} resolved: {note}",
                at=now,
            )
        return ProblemResolved(problem_id, "resolved", True, now, note)
