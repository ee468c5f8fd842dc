"""Opening the store: engine, SQLite pragmas, transactions, automatic migrations.

Every SQLite connection gets WAL, ``foreign_keys=ON`` and a busy timeout, so cron
runs and a person at the terminal wait for each other instead of failing. Write
transactions start with ``BEGIN IMMEDIATE`` so two writers queue on the lock up
front rather than deadlocking when a reader upgrades to a writer.

PostgreSQL takes no database-wide write lock: each connection gets a
``lock_timeout`` equal to the busy timeout (a blocked write then fails as busy
instead of hanging), automatic server-side prepare is off (a plan prepared while a
table was empty would be reused after a bulk import filled it), and the code that
relied on the write lock takes row locks or advisory locks of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from oms_cli.core.errors import Refused, StoreBusy, Unavailable
from oms_cli.store.locks import hold
from oms_cli.store.migrations import HEAD


def database_url(db: str) -> str:
    """A path or an SQLAlchemy URL -> an SQLAlchemy URL (``postgresql://`` means psycopg 3)."""
    if "://" in db:
        for plain in ("postgresql://", "postgres://"):
            if db.startswith(plain):
                return "postgresql+psycopg://" + db[len(plain) :]
        return db
    path = Path(db).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Unavailable(f"cannot create the store's folder {path.parent}: {exc.strerror}") from None
    return f"sqlite:///{path}"


def _set_wal(cursor: Any, timeout_s: float) -> None:
    """Switch the file to WAL; the switch needs a moment alone with a new file, so wait for it."""
    import sqlite3

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


#: PostgreSQL errors that mean "another session holds what this one waited for"
_PG_BUSY = {
    "55P03",  # lock_not_available: lock_timeout expired
    "57014",  # query_canceled: statement_timeout expired
    "40P01",  # deadlock_detected
    "40001",  # serialization_failure
}


def _is_locked(exc: DBAPIError) -> bool:
    """Whether an error means the store was busy (SQLite locked, PostgreSQL lock timeout)."""
    code = getattr(exc.orig, "sqlstate", None)
    if code is not None:
        return code in _PG_BUSY
    msg = str(exc.orig) if exc.orig is not None else str(exc)
    return "database is locked" in msg or "database is busy" in msg


class Store:
    """The oms store: one engine, transactions as context managers."""

    def __init__(self, db: str, busy_timeout_s: float = 30.0, migrate: bool = True) -> None:
        self.given = db
        self.url = database_url(db)
        self.busy_timeout_s = busy_timeout_s
        self.is_sqlite = self.url.startswith("sqlite")
        self.is_postgresql = self.url.startswith("postgresql")
        connect_args: dict[str, Any] = {"timeout": busy_timeout_s} if self.is_sqlite else {}
        if self.is_postgresql:
            connect_args = {
                # a plan prepared while the orders table was empty scans it whole once it is full
                "prepare_threshold": None,
                "options": f"-c lock_timeout={max(1, int(busy_timeout_s * 1000))}",
                "connect_timeout": max(1, int(min(busy_timeout_s, 10))),
            }
        try:
            self.engine: Engine = create_engine(self.url, connect_args=connect_args, hide_parameters=True)
        except (ImportError, NoSuchModuleError, ArgumentError) as exc:
            raise Unavailable(
                f"cannot use the store {self.safe_url}: {exc}",
                hint="a PostgreSQL store needs its driver: pip install 'psycopg[binary]'",
            ) from None
        if self.is_sqlite:
            self._setup_sqlite(self.engine)
        if migrate:
            self.ensure_schema()

    @property
    def safe_url(self) -> str:
        """The store's URL as given, with any password hidden, for messages."""
        if "://" not in self.given:
            return self.given
        try:
            return make_url(self.given).render_as_string(hide_password=True)
        except ArgumentError:
            return make_url(self.url).render_as_string(hide_password=True)

    def _open(self) -> Connection:
        """A new connection; a store that cannot be reached or opened is Unavailable."""
        try:
            return self.engine.connect()
        except DBAPIError as exc:  # OperationalError, or DatabaseError for a file that is not SQLite
            if isinstance(exc, OperationalError) and _is_locked(exc):
                raise
            raise Unavailable(f"cannot open the store {self.safe_url}: {_first_line(exc)}") from None

    def _setup_sqlite(self, engine: Engine) -> None:
        timeout_ms = int(self.busy_timeout_s * 1000)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is too lazy).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            _set_wal(cur, self.busy_timeout_s)
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA synchronous = NORMAL")
            # bulk imports and reports touch more index pages than the 2 MB default holds
            cur.execute("PRAGMA cache_size = -32000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            if conn.info.get("oms_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

    @contextmanager
    def connect(self, write: bool = True) -> Iterator[Connection]:
        """A Core connection inside one transaction, committed at the end, rolled back on error."""
        try:
            with self._open() as conn:
                conn.info["oms_write"] = write
                try:
                    with conn.begin():
                        yield conn
                finally:
                    conn.info.pop("oms_write", None)
        except DBAPIError as exc:
            if _is_locked(exc):
                raise StoreBusy(
                    f"the store is locked by another oms process (waited {self.busy_timeout_s:g} s)",
                    hint="try again later, or raise store.busy_timeout_s",
                ) from None
            if self.is_postgresql and exc.connection_invalidated:
                raise Unavailable(f"lost the store {self.safe_url}: {_first_line(exc)}") from None
            raise

    # --- schema ---------------------------------------------------------------------

    def current_revision(self) -> str | None:
        """The schema revision the store is at (None for a blank store)."""
        with self._open() as conn:
            return _revision(conn)

    def ensure_schema(self) -> None:
        """Apply pending migrations; cheap when the store is already current.

        Two processes opening a new store at once both find it blank: the second waits
        for the first's upgrade under the write lock, then finds nothing left to do.
        """
        deadline = time.monotonic() + self.busy_timeout_s
        while True:
            try:
                current = self.current_revision()
                break
            except OperationalError as exc:
                # a new store is briefly locked while another process creates it
                if not _is_locked(exc) or time.monotonic() > deadline:
                    if _is_locked(exc):
                        raise StoreBusy("the store is locked by another oms process") from None
                    raise
                time.sleep(0.05)
        if current != HEAD:
            self.upgrade()

    def upgrade(self, revision: str = "head") -> list[str]:
        """Upgrade the schema under the write lock; returns the revisions applied.

        On PostgreSQL the write lock is an advisory lock held to the end of the
        transaction: a second process opening a blank store waits for the first's
        upgrade, then finds nothing left to do.
        """
        from oms_cli.store.migrations.runner import known_revision, upgrade

        with self.connect(write=True) as conn:
            hold(conn, "oms migrations")
            current = _revision(conn)
            if current is not None and not known_revision(current):
                raise Refused(
                    f"the store {self.safe_url} is at migration {current}, newer than this oms (at {HEAD})",
                    hint="upgrade oms on this machine to the version the other stations run",
                )
            return upgrade(conn, revision)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def _first_line(exc: DBAPIError) -> str:
    """The driver's message, first line only (psycopg adds detail lines)."""
    msg = str(exc.orig) if exc.orig is not None else str(exc)
    return msg.strip().splitlines()[0] if msg.strip() else type(exc.orig).__name__


def _revision(conn: Connection) -> str | None:
    """The revision in alembic_version, None for a blank store (the table not there)."""
    from sqlalchemy import inspect

    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None
