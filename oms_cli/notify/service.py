"""`oms notify …`: deliver the outbox over SMTP exactly once, list it, retry failures.

Sending protocol (safe with several senders at once, and after a crash):

1. claim due messages in a short write transaction: ``queued -> sending`` with
   ``claimed_by``/``claimed_at``, ``attempts + 1``, and the Message-ID fixed before
   anything is sent, so a retry reuses it;
2. send each one outside any transaction;
3. mark it ``sent`` (Message-ID, time), or back to ``queued`` with the next try
   ``backoff * 2^(attempts-1)`` later, or ``failed`` after ``notify.max_attempts``
   or a permanent (5xx) refusal.

A message left ``sending`` by a crashed sender is taken over once it is older than
:func:`oms_cli.notify.policy.stale_after`.
"""

from __future__ import annotations

import os
import smtplib
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.engine import Connection

from oms_cli.core.errors import NotFound, Refused, Unavailable, UsageError
from oms_cli.notify import smtp
from oms_cli.notify.message import address_of, build_message, eml_filename, message_id_for
from oms_cli.notify.outbox import message_attachments, outbox_t, queue_answers, queue_late_notices
from oms_cli.notify.policy import STATES, is_permanent, next_attempt_at, stale_after
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.types import utcnow

if TYPE_CHECKING:
    from email.message import EmailMessage

    from oms_cli.core.config import Config
    from oms_cli.store.engine import Store


#: messages claimed per write transaction: small, so a second sender gets its share
CLAIM_BATCH = 10


class _Rollback(Exception):
    """Leave a transaction without committing (``--dry-run``)."""


def _due(now: datetime, timeout_s: float, keys: Sequence[str] | None, ids: Sequence[int] | None) -> Any:
    cond = or_(
        and_(
            outbox_t.c.status == "queued",
            outbox_t.c.due_at <= now,
            or_(outbox_t.c.next_attempt_at.is_(None), outbox_t.c.next_attempt_at <= now),
        ),
        and_(outbox_t.c.status == "sending", outbox_t.c.claimed_at < now - stale_after(timeout_s)),
    )
    # An order's "on its way" waits for the answer to its special instruction: the
    # customer should read the answer before hearing the parcel left.
    reply = outbox_t.alias("reply")
    answer_pending = exists().where(
        reply.c.order_id == outbox_t.c.order_id,
        reply.c.kind == "instruction_reply",
        reply.c.status.in_(("queued", "sending")),
    )
    cond = and_(cond, or_(outbox_t.c.kind != "shipped", ~answer_pending))
    if keys is not None:
        cond = and_(cond, outbox_t.c.key.in_(list(keys)))
    if ids is not None:
        cond = and_(cond, outbox_t.c.id.in_(list(ids)))
    return cond


def _queue_pending(conn: Connection, config: Config, now: datetime) -> dict[str, int]:
    return {"delay_notices": queue_late_notices(conn, config, now), "instruction_replies": queue_answers(conn, config)}


def _claim(store: Store, config: Config, worker: str, now: datetime, cond: Any, limit: int) -> list[dict[str, Any]]:
    from_header = str(config.get("notify.from"))
    claimed = []
    with store.connect(write=True) as conn:
        # Answers to special instructions go first: an order's shipped notice waits for them.
        first = case((outbox_t.c.kind == "instruction_reply", 0), else_=1)
        rows = conn.execute(
            select(outbox_t).where(cond).order_by(first, outbox_t.c.due_at, outbox_t.c.id).limit(limit)
        ).all()
        for row in rows:
            mid = row.message_id or message_id_for(row.key, row.id, from_header)
            res = conn.execute(
                update(outbox_t)
                .where(outbox_t.c.id == row.id, outbox_t.c.status == row.status, outbox_t.c.attempts == row.attempts)
                .values(status="sending", claimed_by=worker, claimed_at=now, attempts=row.attempts + 1, message_id=mid)
            )
            if res.rowcount == 1:
                claimed.append(
                    dict(row._mapping)
                    | {
                        "message_id": mid,
                        "attempts": row.attempts + 1,
                        "attachments": message_attachments(conn, row.key),
                    }
                )
    return claimed


def _email(row: dict[str, Any], config: Config, now: datetime) -> EmailMessage:
    return build_message(
        from_header=str(config.get("notify.from")),
        to_addr=row["to_addr"],
        subject=row["subject"],
        body_text=row["body_text"],
        body_html=row["body_html"],
        message_id=row["message_id"],
        date=now,
        reply_to=config.get("notify.reply_to"),
        attachments=row.get("attachments") or (),
    )


def _mark_sent(store: Store, outbox_id: int, message_id: str) -> None:
    with store.connect(write=True) as conn:
        # Recorded even if another sender took the message over meanwhile: it did go out,
        # and marking it sent stops any further copy.
        conn.execute(
            update(outbox_t)
            .where(outbox_t.c.id == outbox_id, outbox_t.c.status != "sent")
            .values(
                status="sent",
                sent_at=utcnow(),
                message_id=message_id,
                last_error=None,
                claimed_by=None,
                next_attempt_at=None,
            )
        )


def _mark_failure(store: Store, config: Config, row: dict[str, Any], error: str, permanent: bool, now: datetime) -> str:
    max_attempts = int(config.get("notify.max_attempts", 8))
    give_up = permanent or row["attempts"] >= max_attempts
    values: dict[str, Any] = {"last_error": error[:500], "claimed_by": None}
    if give_up:
        values["status"] = "failed"
    else:
        values["status"] = "queued"
        values["next_attempt_at"] = next_attempt_at(now, row["attempts"], float(config.get("notify.backoff_s", 60)))
    with store.connect(write=True) as conn:
        conn.execute(
            update(outbox_t).where(outbox_t.c.id == row["id"], outbox_t.c.status == "sending").values(**values)
        )
    return values["status"]


def _release(store: Store, worker: str, ids: list[int]) -> None:
    """Give claimed messages back untried: the attempt did not happen, so it does not count."""
    if not ids:
        return
    with store.connect(write=True) as conn:
        conn.execute(
            update(outbox_t)
            .where(outbox_t.c.id.in_(ids), outbox_t.c.status == "sending", outbox_t.c.claimed_by == worker)
            .values(status="queued", attempts=outbox_t.c.attempts - 1, claimed_by=None, claimed_at=None)
        )


def _count(store: Store, cond: Any) -> int:
    with store.connect(write=False) as conn:
        return int(conn.execute(select(func.count()).select_from(outbox_t).where(cond)).scalar_one())


def _smtp_error(exc: Exception) -> tuple[str, bool]:
    """(text, permanent) for an error raised while handing over one message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return f"recipient refused: {code} {detail}", is_permanent(code)
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {detail}", is_permanent(exc.smtp_code)
    return f"{type(exc).__name__}: {exc}", False


def _after_lost_connection(
    store: Store,
    config: Config,
    settings: smtp.SmtpSettings,
    client: smtplib.SMTP,
    worker: str,
    untried: list[dict[str, Any]],
    row: dict[str, Any],
    exc: Exception,
    report: dict[str, Any],
    now: datetime,
    keys: Sequence[str] | None,
    ids: Sequence[int] | None,
) -> smtplib.SMTP:
    """The connection dropped while handing over ``row``: retry it later, give the untried
    rest back, and connect again (:class:`Unavailable` if the server is gone)."""
    # Whether the server kept this one is unknown: it is tried again later with the same
    # Message-ID, so a receiving system can tell the two copies are one message.
    error = f"connection lost: {exc}"
    _mark_failure(store, config, row, error, False, now)
    report["retry_later"].append({"id": row["id"], "key": row["key"], "error": error})
    _release(store, worker, [r["id"] for r in untried])
    smtp.close(client)
    try:
        return smtp.connect(settings)
    except Unavailable as again:
        left = _count(store, _due(now, settings.timeout_s, keys, ids))
        raise Unavailable(
            f"{again.message} after {len(report['sent'])} sent; {left} message{'s' if left != 1 else ''} left queued",
            hint="they go out with the next `oms notify send`",
        ) from None


def send_due(
    store: Store,
    config: Config,
    *,
    now: datetime | None = None,
    keys: Sequence[str] | None = None,
    ids: Sequence[int] | None = None,
    limit: int | None = None,
    queue_pending: bool = True,
) -> dict[str, Any]:
    """Send every due message (or only those with ``keys``/``ids``) over SMTP.

    First queues delay notices and instruction answers nobody queued yet. Raises
    :class:`Unavailable` (messages left queued) when the server cannot be reached.
    """
    fixed_now = now
    clock = (lambda: fixed_now) if fixed_now is not None else utcnow
    settings = smtp.settings_from(config)
    report: dict[str, Any] = {
        "queued": {"delay_notices": 0, "instruction_replies": 0},
        "sent": [],
        "retry_later": [],
        "failed": [],
        "left_queued": 0,
    }
    if queue_pending and keys is None and ids is None:
        with store.connect(write=True) as conn:
            report["queued"] = _queue_pending(conn, config, clock())
    due = _count(store, _due(clock(), settings.timeout_s, keys, ids))
    if not due:
        return report
    try:
        client = smtp.connect(settings)
    except Unavailable as exc:
        raise Unavailable(
            f"{exc.message}; {due} message{'s' if due != 1 else ''} left queued",
            hint="they go out, once each, with the next `oms notify send` after the server is back",
        ) from None
    worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    envelope_from = address_of(str(config.get("notify.from")))
    budget = limit
    # Each message is tried at most once per run, even if its next try is already due.
    tried: list[int] = []
    try:
        while budget is None or budget > 0:
            batch_size = CLAIM_BATCH if budget is None else min(CLAIM_BATCH, budget)
            cond = _due(clock(), settings.timeout_s, keys, ids)
            if tried:
                cond = and_(cond, outbox_t.c.id.not_in(tried))
            batch = _claim(store, config, worker, clock(), cond, batch_size)
            if not batch:
                break
            if budget is not None:
                budget -= len(batch)
            for index, row in enumerate(batch):
                tried.append(row["id"])
                try:
                    smtp.send(client, _email(row, config, utcnow()), envelope_from, row["to_addr"])
                except smtplib.SMTPException as exc:
                    if isinstance(exc, smtplib.SMTPServerDisconnected):
                        client = _after_lost_connection(
                            store,
                            config,
                            settings,
                            client,
                            worker,
                            batch[index + 1 :],
                            row,
                            exc,
                            report,
                            clock(),
                            keys,
                            ids,
                        )
                        break
                    text, permanent = _smtp_error(exc)
                    status = _mark_failure(store, config, row, text, permanent, clock())
                    report["failed" if status == "failed" else "retry_later"].append(
                        {"id": row["id"], "key": row["key"], "error": text}
                    )
                    try:
                        client.rset()
                    except (smtplib.SMTPException, OSError):
                        pass
                except OSError as exc:
                    client = _after_lost_connection(
                        store,
                        config,
                        settings,
                        client,
                        worker,
                        batch[index + 1 :],
                        row,
                        exc,
                        report,
                        clock(),
                        keys,
                        ids,
                    )
                    break
                else:
                    _mark_sent(store, row["id"], row["message_id"])
                    report["sent"].append(
                        {"id": row["id"], "key": row["key"], "to": row["to_addr"], "message_id": row["message_id"]}
                    )
    finally:
        smtp.close(client)
    report["left_queued"] = _count(store, _due(clock(), settings.timeout_s, keys, ids))
    return report


def preview(store: Store, config: Config, out_dir: Path, *, now: datetime | None = None) -> dict[str, Any]:
    """``--dry-run``: write every due message as an ``.eml`` file instead of sending it.

    Nothing in the store changes: delay notices and answers that a real run would
    queue first are rendered too, then rolled back.
    """
    fixed_now = now
    now = now or utcnow()
    settings = smtp.settings_from(config)
    from_header = str(config.get("notify.from"))
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    would_queue: dict[str, int] = {}
    try:
        with store.connect(write=True) as conn:
            would_queue = _queue_pending(conn, config, now)
            # what was just queued is due "now" by the clock, a moment after `now` was read
            now = fixed_now or utcnow()
            rows = conn.execute(
                select(outbox_t)
                .where(_due(now, settings.timeout_s, None, None))
                .order_by(outbox_t.c.due_at, outbox_t.c.id)
            ).all()
            for row in rows:
                data = dict(row._mapping)
                data["message_id"] = row.message_id or message_id_for(row.key, row.id, from_header)
                data["attachments"] = message_attachments(conn, row.key)
                path = out_dir / eml_filename(row.id, row.kind, row.key)
                path.write_bytes(_email(data, config, now).as_bytes())
                files.append(str(path))
            raise _Rollback
    except _Rollback:
        pass
    return {"files": files, "would_queue": would_queue, "directory": str(out_dir)}


def _ref_column() -> Any:
    return select(orders_t.c.ref).where(orders_t.c.id == outbox_t.c.order_id).scalar_subquery().label("order_ref")


def list_messages(
    store: Store,
    *,
    status: Sequence[str] | None = None,
    kind: str | None = None,
    ref: str | None = None,
    limit: int | None = 100,
) -> list[OutboxMessage]:
    """Outbox messages, newest first, with their order's reference."""
    for s in status or ():
        if s not in STATES:
            raise UsageError(f"unknown outbox status '{s}'", hint="one of: " + ", ".join(STATES))
    q = select(outbox_t, _ref_column())
    if status:
        q = q.where(outbox_t.c.status.in_(list(status)))
    if kind:
        q = q.where(outbox_t.c.kind == kind)
    with store.connect(write=False) as conn:
        if ref:
            from oms_cli.orders.service import resolve_ref

            q = q.where(outbox_t.c.order_id == resolve_ref(conn, ref).id)
        q = q.order_by(outbox_t.c.created_at.desc(), outbox_t.c.id.desc())
        if limit:
            q = q.limit(limit)
        return [_summary(r) for r in conn.execute(q)]


@dataclass(frozen=True)
class OutboxMessage:
    """One message of the outbox, as `oms notify list` shows it."""

    id: int
    key: str
    kind: str
    order: str | None
    to: str | None
    subject: str | None
    status: str
    attempts: int
    due_at: datetime | None
    next_attempt_at: datetime | None
    sent_at: datetime | None
    message_id: str | None
    last_error: str | None


@dataclass(frozen=True)
class MessageDetail:
    """One outbox message with its bodies and the names of its attachments (`oms notify show`)."""

    message: OutboxMessage = field(metadata={"inline": True})
    body_text: str
    body_html: str | None
    attachments: list[str]


@dataclass(frozen=True)
class RetryResult:
    """`oms notify retry`: the message queued again (``changed`` false: it was queued already)."""

    id: int
    status: str
    changed: bool
    previous_status: str | None = field(default=None, metadata={"optional": True})
    last_error: str | None = field(default=None, metadata={"optional": True})


def _summary(r: Any) -> OutboxMessage:
    return OutboxMessage(
        id=r.id,
        key=r.key,
        kind=r.kind,
        order=r.order_ref,
        to=r.to_addr,
        subject=r.subject,
        status=r.status,
        attempts=r.attempts,
        due_at=r.due_at,
        next_attempt_at=r.next_attempt_at,
        sent_at=r.sent_at,
        message_id=r.message_id,
        last_error=r.last_error,
    )


def show_message(store: Store, outbox_id: int) -> MessageDetail:
    """One outbox message with its text and HTML bodies."""
    with store.connect(write=False) as conn:
        row = conn.execute(select(outbox_t, _ref_column()).where(outbox_t.c.id == outbox_id)).first()
        if row is None:
            raise NotFound(f"outbox message {outbox_id} does not exist", hint="see `oms notify list`")
        return MessageDetail(
            _summary(row),
            body_text=row.body_text,
            body_html=row.body_html,
            attachments=[p.name for p in message_attachments(conn, row.key)],
        )


def retry_message(store: Store, config: Config, outbox_id: int, *, now: datetime | None = None) -> RetryResult:
    """Put a failed (or waiting) message back in the queue, to go with the next send,
    with a fresh count of attempts. A sent message is refused: sending it again would duplicate it."""
    now = now or utcnow()
    timeout_s = smtp.settings_from(config).timeout_s
    with store.connect(write=True) as conn:
        row = conn.execute(select(outbox_t).where(outbox_t.c.id == outbox_id)).first()
        if row is None:
            raise NotFound(f"outbox message {outbox_id} does not exist", hint="see `oms notify list --failed`")
        if row.status == "sent":
            raise Refused(
                f"message {outbox_id} was sent at {row.sent_at:%Y-%m-%d %H:%M} UTC ({row.message_id}); sending it again would duplicate it"
            )
        if row.status == "sending" and row.claimed_at is not None and row.claimed_at >= now - stale_after(timeout_s):
            raise Refused(f"message {outbox_id} is being sent right now by {row.claimed_by}")
        if row.status == "queued" and row.next_attempt_at is None and row.attempts == 0:
            return RetryResult(outbox_id, "queued", changed=False)
        conn.execute(
            update(outbox_t)
            .where(outbox_t.c.id == outbox_id, outbox_t.c.status == row.status)
            .values(status="queued", attempts=0, next_attempt_at=None, claimed_by=None, claimed_at=None)
        )
    return RetryResult(outbox_id, "queued", changed=True, previous_status=row.status, last_error=row.last_error)
