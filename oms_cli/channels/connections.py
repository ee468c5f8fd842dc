"""`oms channels …`: the stored connections (add, list, show, remove, test).

A connection stores where its credentials are (``env:NAME`` or ``keyring``), never
their values."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select

from oms_cli.channels import DEFAULT_BASE_URLS, KINDS
from oms_cli.channels.secrets import parse_source
from oms_cli.core.errors import NotFound, Refused, UsageError
from oms_cli.store import tables
from oms_cli.store.types import utcnow

if TYPE_CHECKING:
    from oms_cli.core.config import Config
    from oms_cli.store.engine import Store

connections_t = tables.channel_connections
channel_orders_t = tables.channel_orders
pushes_t = tables.channel_pushes
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")


@dataclass
class ConnectionInfo:
    """One connection as `oms channels list|show` reports it (credential sources, no values)."""

    name: str
    kind: str
    base_url: str
    account: str | None
    secrets: dict[str, str]
    expected_interval_s: int
    created_at: datetime
    last_synced_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    cursor: dict[str, Any] | None
    syncing: str | None
    orders: int = 0
    pushes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)


@dataclass
class TestResult:
    """What `oms channels test` found."""

    name: str
    kind: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)


def add_connection(
    store: Store,
    *,
    name: str,
    kind: str,
    base_url: str | None,
    account: str | None,
    secrets: dict[str, str],
    interval_s: int = 900,
    initial_days: int = 7,
) -> ConnectionInfo:
    """Store a new connection; its credentials are named (environment variables or the keyring), not given."""
    if kind not in KINDS:
        raise UsageError(f"unknown channel '{kind}'", hint="one of: " + ", ".join(KINDS))
    if not _NAME.match(name):
        raise UsageError(f"connection name '{name}': use lower-case letters, digits, '.', '-' or '_'")
    url = base_url or DEFAULT_BASE_URLS.get(kind)
    if not url or not re.match(r"^https?://[^\s/]+", url):
        raise UsageError(f"{kind} needs --url: the address of the shop's API (https://…)")
    _, needed, account_name = KINDS[kind]
    if account_name and not account:
        raise UsageError(f"{kind} needs --account: the {account_name}")
    unknown = sorted(set(secrets) - set(needed))
    if unknown:
        raise UsageError(f"{kind} takes no credential '{unknown[0]}'", hint="it needs: " + ", ".join(needed))
    missing = [n for n in needed if n not in secrets]
    if missing:
        raise UsageError(
            f"{kind} needs {', '.join(missing)}",
            hint="give each as --secret NAME=env:VARIABLE (or NAME=keyring)",
        )
    sources = {n: parse_source(spec, n) for n, spec in secrets.items()}
    with store.connect(write=True) as conn:
        if conn.execute(select(connections_t.c.id).where(connections_t.c.name == name)).first():
            raise Refused(f"a connection named '{name}' exists already", hint=f"oms channels remove {name} first")
        conn.execute(
            insert(connections_t).values(
                name=name,
                kind=kind,
                base_url=url.rstrip("/"),
                account=account,
                secrets=sources,
                options={"initial_days": initial_days},
                expected_interval_s=interval_s,
                created_at=utcnow(),
            )
        )
    return show_connection(store, name)


def _info(conn: Any, row: Any) -> ConnectionInfo:
    orders = conn.execute(
        select(func.count()).select_from(channel_orders_t).where(channel_orders_t.c.connection_id == row.id)
    ).scalar_one()
    pushes = dict(
        conn.execute(
            select(pushes_t.c.status, func.count())
            .where(pushes_t.c.connection_id == row.id)
            .group_by(pushes_t.c.status)
        ).all()
    )
    return ConnectionInfo(
        name=row.name,
        kind=row.kind,
        base_url=row.base_url,
        account=row.account,
        secrets=dict(row.secrets or {}),
        expected_interval_s=row.expected_interval_s,
        created_at=row.created_at,
        last_synced_at=row.last_synced_at,
        last_attempt_at=row.last_attempt_at,
        last_error=row.last_error,
        cursor=row.cursor,
        syncing=row.claimed_by,
        orders=int(orders),
        pushes={str(k): int(v) for k, v in pushes.items()},
    )


def list_connections(store: Store) -> list[ConnectionInfo]:
    """Every connection with its sync state."""
    with store.connect(write=False) as conn:
        return [_info(conn, r) for r in conn.execute(select(connections_t).order_by(connections_t.c.name)).all()]


def _row(conn: Any, name: str) -> Any:
    row = conn.execute(select(connections_t).where(connections_t.c.name == name)).first()
    if row is None:
        raise NotFound(f"no channel connection named '{name}'", hint="see `oms channels list`")
    return row


def show_connection(store: Store, name: str) -> ConnectionInfo:
    """One connection with its sync state."""
    with store.connect(write=False) as conn:
        return _info(conn, _row(conn, name))


def remove_connection(store: Store, name: str) -> ConnectionInfo:
    """Forget a connection (its orders stay; tracking not yet pushed is no longer pushed)."""
    with store.connect(write=True) as conn:
        row = _row(conn, name)
        info = _info(conn, row)
        conn.execute(delete(pushes_t).where(pushes_t.c.connection_id == row.id))
        conn.execute(delete(channel_orders_t).where(channel_orders_t.c.connection_id == row.id))
        conn.execute(delete(connections_t).where(connections_t.c.id == row.id))
    return info


def test_connection(store: Store, config: Config, name: str) -> TestResult:
    """Ask the channel something cheap with the connection's credentials (nothing is stored)."""
    from oms_cli.channels.client import client_for
    from oms_cli.channels.sync import as_connection, client_settings

    with store.connect(write=False) as conn:
        row = _row(conn, name)
    client = client_for(as_connection(row), client_settings(config))
    try:
        detail = client.probe()
    finally:
        client.close()
    return TestResult(row.name, row.kind, True, detail)
