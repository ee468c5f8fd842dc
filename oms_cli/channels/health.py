"""`oms health`: what needs the owner's attention, made for cron.

Connections not synced within their expected interval (or whose last sync failed),
order numbers missing between those a connection pulled (Shopify, WooCommerce),
tracking a channel has not accepted hours after shipping, and failing outbox messages
(tracking pushes and customer e-mail)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select

from oms_cli.store import tables
from oms_cli.store.types import utcnow

if TYPE_CHECKING:
    from oms_cli.core.config import Config
    from oms_cli.store.engine import Store

connections_t = tables.channel_connections
channel_orders_t = tables.channel_orders
pushes_t = tables.channel_pushes
orders_t = tables.orders
outbox_t = tables.outbox
packages_t = tables.packages

#: channels whose order numbers run in sequence, so a missing one is worth a look
SEQUENTIAL = ("shopify", "woocommerce")


@dataclass
class Finding:
    """One thing that needs attention."""

    check: str  # stale_sync | sync_failed | order_gap | tracking_not_accepted | push_failed | email_failed
    subject: str  # the connection, or "outbox"
    message: str


@dataclass
class HealthReport:
    """What `oms health` found; ``ok`` when nothing needs attention."""

    checked_at: datetime
    connections: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing needs attention."""
        return not self.findings

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "ok": self.ok,
            "checked_at": self.checked_at,
            "connections": self.connections,
            "findings": [asdict(f) for f in self.findings],
        }


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"


def _gaps(numbers: list[int], window: int) -> list[int]:
    latest = sorted(set(numbers))[-window:]
    if len(latest) < 2:
        return []
    have = set(latest)
    return [n for n in range(latest[0], latest[-1]) if n not in have]


def check(store: Store, config: Config, now: datetime | None = None) -> HealthReport:
    """Look at every connection and outbox; return what needs attention."""
    now = now or utcnow()
    section = config.section("channels")
    alert_after = timedelta(hours=float(section.get("tracking_alert_hours", 4)))
    window = int(section.get("gap_window", 500))
    with store.connect(write=False) as conn:
        rows = conn.execute(select(connections_t).order_by(connections_t.c.name)).all()
        report = HealthReport(now, len(rows))
        for c in rows:
            synced = c.last_synced_at
            if c.last_error:
                report.findings.append(
                    Finding(
                        "sync_failed",
                        c.name,
                        f"the last sync failed ({_ago(now - c.last_error_at)} ago): {c.last_error}",
                    )
                )
            if synced is None or now - synced > timedelta(seconds=c.expected_interval_s):
                since = "never synced" if synced is None else f"last synced {_ago(now - synced)} ago"
                report.findings.append(
                    Finding(
                        "stale_sync",
                        c.name,
                        f"{since}; expected every {_ago(timedelta(seconds=c.expected_interval_s))}",
                    )
                )
            if c.kind in SEQUENTIAL:
                ids = conn.execute(
                    select(orders_t.c.external_id)
                    .join(channel_orders_t, channel_orders_t.c.order_id == orders_t.c.id)
                    .where(channel_orders_t.c.connection_id == c.id)
                ).scalars()
                missing = _gaps([int(x) for x in ids if x.isdigit()], window)
                if missing:
                    shown = ", ".join(str(n) for n in missing[:10]) + (" …" if len(missing) > 10 else "")
                    report.findings.append(
                        Finding(
                            "order_gap",
                            c.name,
                            f"{len(missing)} order number(s) between those pulled are not here: {shown} "
                            "(deleted at the channel, or missed: `oms sync` again, or import them from a file)",
                        )
                    )
            waiting = conn.execute(
                select(
                    orders_t.c.ref,
                    packages_t.c.package_no,
                    packages_t.c.shipped_at,
                    pushes_t.c.status,
                    pushes_t.c.last_error,
                )
                .select_from(packages_t)
                .join(orders_t, orders_t.c.id == packages_t.c.order_id)
                .join(
                    channel_orders_t,
                    and_(channel_orders_t.c.order_id == orders_t.c.id, channel_orders_t.c.connection_id == c.id),
                )
                .outerjoin(pushes_t, and_(pushes_t.c.package_id == packages_t.c.id, pushes_t.c.connection_id == c.id))
                .where(
                    packages_t.c.tracking.is_not(None),
                    packages_t.c.shipped_at.is_not(None),
                    packages_t.c.shipped_at >= c.created_at,
                    orders_t.c.status.in_(("shipped", "delivered")),
                    # a refusal needs attention at once; a push not yet done, once it is late
                    (pushes_t.c.status == "failed")
                    | (
                        (pushes_t.c.status.is_(None) | (pushes_t.c.status != "accepted"))
                        & (packages_t.c.shipped_at < now - alert_after)
                    ),
                )
                .order_by(packages_t.c.shipped_at)
            ).all()
            for w in waiting:
                if w.status == "failed":
                    report.findings.append(
                        Finding(
                            "push_failed",
                            c.name,
                            f"{w.ref} package {w.package_no}: the channel refused the tracking: {w.last_error}",
                        )
                    )
                else:
                    report.findings.append(
                        Finding(
                            "tracking_not_accepted",
                            c.name,
                            f"{w.ref} package {w.package_no}: shipped {_ago(now - w.shipped_at)} ago, the channel has not accepted its tracking"
                            + (f" (last error: {w.last_error})" if w.last_error else ""),
                        )
                    )
        failed_mail = conn.execute(
            select(func.count()).select_from(outbox_t).where(outbox_t.c.status == "failed")
        ).scalar_one()
        if failed_mail:
            report.findings.append(
                Finding(
                    "email_failed",
                    "outbox",
                    f"{failed_mail} customer message(s) failed: see `oms notify list --status failed`",
                )
            )
    return report
