"""`oms sync`: pull new and changed orders from each connection, one page per transaction.

Each page's orders and the connection's cursor are committed together, so a sync
killed at any point has stored whole pages and a cursor that says which: the next
run goes on from there, repeating nothing and missing nothing. A pass covers the
orders changed since the last complete pass (less ``channels.lookback_s``, for a
channel's late index); only a complete pass moves ``since``, so an order a page that
shifted under us skipped is picked up on the next pass. A connection is synced by
one process at a time (a lease on its row).
"""

from __future__ import annotations

import os
import socket
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection as DbConnection

from oms_cli.channels.base import Page, RetryLater
from oms_cli.channels.client import ClientSettings, Connection, client_for
from oms_cli.core.errors import ExitCode, NotFound, OmsError
from oms_cli.orders.lifecycle import IMPORT_MUTABLE
from oms_cli.orders.records import SHIP_TO_COLUMNS
from oms_cli.store import tables
from oms_cli.store.types import utcnow

if TYPE_CHECKING:
    from oms_cli.core.config import Config
    from oms_cli.store.engine import Store

connections_t = tables.channel_connections
channel_orders_t = tables.channel_orders
orders_t = tables.orders
problems_t = tables.problems

#: address fields whose change on a released order is a problem for the owner
_ADDRESS_KEYS = ("name", "company", "address1", "address2", "city", "province", "postal_code", "country")


@dataclass
class ConnectionSync:
    """What `oms sync` did for one connection."""

    connection: str
    kind: str
    pages: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    cancelled: int = 0
    complete: bool = False  # the pass reached the last page
    busy: str | None = None  # another process was syncing it: left alone
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pushed: int = 0
    push_retry: int = 0
    push_failed: int = 0
    waited_s: float = 0.0
    error: str | None = None
    exit_code: int | None = None


@dataclass
class SyncResult:
    """What `oms sync` did, per connection."""

    connections: list[ConnectionSync]

    @property
    def exit_code(self) -> int:
        """0 when every connection synced; the failure's code when all that failed failed
        alike and none succeeded; 6 when some failed and others synced."""
        failed = [c for c in self.connections if c.error]
        if not failed:
            return int(ExitCode.OK)
        if len(failed) < len(self.connections):
            return int(ExitCode.PARTIAL)
        codes = {c.exit_code or int(ExitCode.UNAVAILABLE) for c in failed}
        return codes.pop() if len(codes) == 1 else int(ExitCode.UNAVAILABLE)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {"connections": [asdict(c) for c in self.connections], "exit_code": self.exit_code}


def client_settings(config: Config) -> ClientSettings:
    """The clients' settings from the config."""
    from oms_cli.importers import ImportSettings

    section = config.section("channels")
    return ClientSettings(
        imports=ImportSettings.from_config(config.section("import")),
        tries=int(section.get("tries", 4)),
        backoff_s=float(section.get("backoff_s", 1.0)),
        max_wait_s=float(section.get("max_wait_s", 60.0)),
        timeout_s=float(section.get("timeout_s", 30.0)),
        page_size=int(section.get("page_size", 50)),
    )


def as_connection(row: Any) -> Connection:
    """A stored connection row as a client's :class:`Connection`."""
    return Connection(
        id=row.id,
        name=row.name,
        kind=row.kind,
        base_url=row.base_url,
        account=row.account,
        secrets=dict(row.secrets or {}),
        options=dict(row.options or {}),
    )


def worker_id() -> str:
    """This process, as a lease holder: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _holder_alive(holder: str) -> bool:
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine: trust the lease until it goes stale
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claim(store: Store, connection_id: int, worker: str, now: datetime, lease_s: float) -> str | None:
    """Take the connection's lease; returns the other holder when it is held."""
    with store.connect(write=True) as conn:
        row = conn.execute(
            select(connections_t.c.claimed_by, connections_t.c.claimed_at).where(connections_t.c.id == connection_id)
        ).one()
        fresh = row.claimed_at is not None and row.claimed_at > now - timedelta(seconds=lease_s)
        if row.claimed_by and row.claimed_by != worker and fresh and _holder_alive(row.claimed_by):
            return str(row.claimed_by)
        conn.execute(
            update(connections_t)
            .where(connections_t.c.id == connection_id)
            .values(claimed_by=worker, claimed_at=now, last_attempt_at=now)
        )
    return None


def _release(store: Store, connection_id: int, worker: str, error: str | None, now: datetime) -> None:
    with store.connect(write=True) as conn:
        values: dict[str, Any] = {"claimed_by": None, "claimed_at": None}
        if error is not None:
            values |= {"last_error": error[:500], "last_error_at": now}
        conn.execute(
            update(connections_t)
            .where(connections_t.c.id == connection_id, connections_t.c.claimed_by == worker)
            .values(**values)
        )


def _address_changed(row: Any, ship_to: dict[str, Any]) -> bool:
    return any((getattr(row, SHIP_TO_COLUMNS[k]) or None) != (ship_to.get(k) or None) for k in _ADDRESS_KEYS)


def _open_problem_once(conn: DbConnection, order_id: int, description: str, now: datetime) -> bool:
    from oms_cli.aftercare.service import open_problem

    found = conn.execute(
        select(problems_t.c.id).where(
            problems_t.c.order_id == order_id,
            problems_t.c.source == "channel",
            problems_t.c.status == "open",
            problems_t.c.description == description,
        )
    ).first()
    if found is not None:
        return False
    open_problem(conn, order_id=order_id, source="channel", description=description, now=now)
    return True


def _released_changes(conn: DbConnection, page: Page, now: datetime, result: ConnectionSync) -> None:
    """A changed address on an order past release is a problem for the owner, not a silent change on the floor."""
    by_ref = {p.order["ref"]: p.order for p in page.orders}
    refs = list(by_ref)
    for start in range(0, len(refs), 900):
        rows = conn.execute(
            select(orders_t).where(
                orders_t.c.ref.in_(refs[start : start + 900]), orders_t.c.status.not_in(sorted(IMPORT_MUTABLE))
            )
        ).all()
        for row in rows:
            new = by_ref[row.ref]
            if new["status"] == "cancelled" and row.status not in ("cancelled", "shipped", "delivered", "returned"):
                if _open_problem_once(
                    conn,
                    row.id,
                    f"{row.ref} was cancelled at the channel after it was released here ({row.status})",
                    now,
                ):
                    result.problems.append(f"{row.ref}: cancelled at the channel after release")
            elif row.status not in ("cancelled", "shipped", "delivered", "returned") and _address_changed(
                row, new["ship_to"]
            ):
                shown = ", ".join(str(new["ship_to"].get(k)) for k in _ADDRESS_KEYS if new["ship_to"].get(k))
                if _open_problem_once(
                    conn, row.id, f"{row.ref}: the ship-to address changed at the channel after release: {shown}", now
                ):
                    result.problems.append(f"{row.ref}: address changed at the channel after release")


def _write_page(
    store: Store, c: Connection, page: Page, cursor: dict[str, Any], worker: str, now: datetime, result: ConnectionSync
) -> bool:
    """Store one page and the cursor after it in one transaction; False when the lease was lost."""
    from oms_cli.orders.importing import FileReport, write_orders, writers_for

    report = FileReport(file=page.endpoint, channel=c.kind)
    with store.connect(write=True) as conn:
        held = conn.execute(select(connections_t.c.claimed_by).where(connections_t.c.id == c.id)).scalar_one()
        if held != worker:
            return False
        _released_changes(conn, page, now, result)
        write_orders(conn, [p.order for p in page.orders], writers_for(store), report)
        refs = [p.order["ref"] for p in page.orders]
        ids: dict[str, int] = {}
        for start in range(0, len(refs), 900):
            ids.update(
                (r.ref, r.id)
                for r in conn.execute(
                    select(orders_t.c.id, orders_t.c.ref).where(orders_t.c.ref.in_(refs[start : start + 900]))
                )
            )
        known = {
            r.order_id: r.id
            for r in conn.execute(
                select(channel_orders_t.c.id, channel_orders_t.c.order_id).where(
                    channel_orders_t.c.connection_id == c.id, channel_orders_t.c.order_id.in_(list(ids.values()))
                )
            )
        }
        for p in page.orders:
            oid = ids[p.order["ref"]]
            if oid in known:
                conn.execute(
                    update(channel_orders_t)
                    .where(channel_orders_t.c.id == known[oid])
                    .values(remote_id=p.remote_id, data=p.data, seen_at=now)
                )
            else:
                conn.execute(
                    insert(channel_orders_t).values(
                        connection_id=c.id, order_id=oid, remote_id=p.remote_id, data=p.data, seen_at=now
                    )
                )
                known[oid] = -1
        values: dict[str, Any] = {"cursor": cursor, "claimed_at": now}
        if cursor.get("page") is None:
            values |= {"last_synced_at": now, "last_error": None, "last_error_at": None}
        conn.execute(update(connections_t).where(connections_t.c.id == c.id).values(**values))
    for name in ("new", "updated", "unchanged", "skipped", "cancelled"):
        setattr(result, name, getattr(result, name) + getattr(report, name))
    for ref in report.lines_changed_on_floor:
        result.warnings.append(
            f"{ref}: its lines changed at the channel after it had been on the floor; kept as it was here"
        )
    return True


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _pull(store: Store, row: Any, client: Any, config: Config, worker: str, result: ConnectionSync) -> None:
    """Pull pages until the last one (or ``channels.max_pages`` in one run)."""
    section = config.section("channels")
    lookback = timedelta(seconds=float(section.get("lookback_s", 300)))
    max_pages = int(section.get("max_pages", 1000))
    c = as_connection(row)
    cursor = dict(row.cursor or {})
    start = utcnow()
    since = (
        datetime.fromisoformat(cursor["since"])
        if cursor.get("since")
        else start - timedelta(days=int(c.options.get("initial_days", 7)))
    )
    window_end = cursor.get("window_end") or _iso(start)
    page_token = cursor.get("page")
    while result.pages < max_pages:
        page = client.fetch(since, page_token)
        result.pages += 1
        if page.next_page is None:
            after = {
                "since": _iso(min(datetime.fromisoformat(window_end), utcnow()) - lookback),
                "window_end": None,
                "page": None,
            }
        else:
            after = {"since": _iso(since), "window_end": window_end, "page": page.next_page}
        if not _write_page(store, c, page, after, worker, utcnow(), result):
            result.warnings.append("another oms process took over this connection; stopped")
            return
        if page.next_page is None:
            result.complete = True
            return
        page_token = page.next_page


def sync(store: Store, config: Config, names: list[str] | None = None, *, push: bool = True) -> SyncResult:
    """Pull new and changed orders from the named connections (all when none are named)
    and, with ``push``, hand tracking of shipped packages back."""
    from oms_cli.channels import push as pushing

    with store.connect(write=False) as conn:
        rows = conn.execute(select(connections_t).order_by(connections_t.c.name)).all()
    if names:
        unknown = [n for n in names if n not in {r.name for r in rows}]
        if unknown:
            raise NotFound(f"no channel connection named '{unknown[0]}'", hint="see `oms channels list`")
        rows = [r for r in rows if r.name in names]
    settings = client_settings(config)
    lease_s = float(config.section("channels").get("lease_s", 600))
    worker = worker_id()
    results = []
    for row in rows:
        result = ConnectionSync(row.name, row.kind)
        results.append(result)
        holder = _claim(store, row.id, worker, utcnow(), lease_s)
        if holder is not None:
            result.busy = holder
            continue
        error: str | None = None
        client = None
        try:
            client = client_for(as_connection(row), settings)
            try:
                _pull(store, row, client, config, worker, result)
            except RetryLater as exc:
                raise type(exc)(
                    f"{exc.message} (asked to wait {exc.retry_after_s:.0f} s; the next sync goes on)", exc.retry_after_s
                ) from None
            if push:
                pushing.deliver(store, config, row, client, worker, result)
        except OmsError as exc:
            error = exc.message
            result.error = exc.message
            result.exit_code = int(exc.exit_code)
            if push and client is not None and exc.exit_code == ExitCode.BAD_INPUT:
                try:  # a refused page does not keep tracking from going out
                    pushing.deliver(store, config, row, client, worker, result)
                except OmsError:
                    pass
        finally:
            if client is not None:
                result.waited_s = round(client.api.waited_s, 2)
                client.close()
            _release(store, row.id, worker, error, utcnow())
    return SyncResult(results)
