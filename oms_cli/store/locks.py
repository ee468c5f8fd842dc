"""Named locks for the few places where PostgreSQL needs what SQLite's write lock gave.

A SQLite write transaction already holds the whole store, so :func:`hold` does nothing
there. On PostgreSQL it takes a transaction-scoped advisory lock: held until the
caller's transaction ends, waited for up to the connection's ``lock_timeout`` (then
the store is busy, exit 8).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.engine import Connection


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def hold(conn: Connection, name: str) -> None:
    """Wait for and hold the lock ``name`` to the end of the caller's transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})
