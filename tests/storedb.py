"""Reading and poking the test's store whatever its backend (SQLite file or PostgreSQL).

``connect(db)`` takes what the ``db_path`` fixture gives (a file path on SQLite, a
URL on PostgreSQL) and returns a small DB-API connection: ``execute(sql, params)``
with ``?`` placeholders, rows that index by position and by column name (like
``sqlite3.Row``) and compare equal to tuples, ``commit()``, ``close()``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

#: the whole suite runs against PostgreSQL when OMS_TEST_DB=postgresql
POSTGRESQL = os.environ.get("OMS_TEST_DB", "sqlite").lower() in ("postgresql", "postgres", "pg")

#: a test about the SQLite file itself (its bytes, its locks, its pragmas)
sqlite_only = pytest.mark.sqlite_only


def _sqlite_timestamp_class() -> type:
    from psycopg.adapt import Loader

    class SqliteTimestamp(Loader):
        """A naive timestamp as the text SQLite stores: ``2026-11-26 10:00:00.000000``."""

        def load(self, data: Any) -> str:
            from datetime import datetime

            return datetime.fromisoformat(bytes(data).decode()).isoformat(" ", "microseconds")

    return SqliteTimestamp


class Row(tuple):
    """A result row: by position, by column name, ``keys()``; equal to the plain tuple."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key):  # type: ignore[no-untyped-def, override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        """The column names, in order (so ``dict(row)`` works)."""
        return list(self._names)


def _row_class(names: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"_names": names})


class Cursor:
    """The rows of one statement."""

    def __init__(self, cur: Any) -> None:
        self._cur = cur
        names = tuple(d[0] for d in cur.description) if cur.description else ()
        self._cls = _row_class(names)
        self.rowcount = cur.rowcount

    def fetchone(self) -> Row | None:
        """The next row, or None."""
        r = self._cur.fetchone()
        return None if r is None else self._cls(r)

    def fetchall(self) -> list[Row]:
        """Every remaining row (none for a statement that returns no rows)."""
        if self._cur.description is None:
            return []
        return [self._cls(r) for r in self._cur.fetchall()]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.fetchall())


class Db:
    """A connection to the store, SQLite or PostgreSQL, with ``?`` placeholders on both."""

    def __init__(self, target: str | Path, timeout: float = 30.0, autocommit: bool = False) -> None:
        text = str(target)
        self.is_postgresql = text.startswith(("postgresql", "postgres"))
        if self.is_postgresql:
            import psycopg

            url = text.split("://", 1)[1]
            self._con = psycopg.connect("postgresql://" + url, autocommit=autocommit)
            # JSON and timestamps as the text SQLite gives for them
            from psycopg.types.string import TextLoader

            for name in ("json", "jsonb"):
                self._con.adapters.register_loader(name, TextLoader)
            self._con.adapters.register_loader("timestamp", _sqlite_timestamp_class())
        else:
            import sqlite3

            # mode=rw: a path where no store is must fail, not read as an empty new store
            self._con = sqlite3.connect(
                f"file:{text}?mode=rw", uri=True, timeout=timeout, isolation_level=None if autocommit else "DEFERRED"
            )

    def execute(self, sql: str, params: Any = ()) -> Cursor:
        """Run one statement; ``?`` marks a parameter on both backends."""
        if self.is_postgresql:
            if params:
                sql = sql.replace("%", "%%").replace("?", "%s")
            cur = self._con.cursor()
            cur.execute(sql, tuple(params) if params else None)
            return Cursor(cur)
        return Cursor(self._con.execute(sql, params))

    def executemany(self, sql: str, seq: Any) -> None:
        """Run one statement per parameter tuple."""
        if self.is_postgresql:
            sql = sql.replace("%", "%%").replace("?", "%s")
            with self._con.cursor() as cur:
                cur.executemany(sql, [tuple(p) for p in seq])
        else:
            self._con.executemany(sql, seq)

    def commit(self) -> None:
        """Commit what was written."""
        self._con.commit()

    def rollback(self) -> None:
        """Roll back what was written."""
        self._con.rollback()

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def table_names(self) -> list[str]:
        """The store's tables, sorted."""
        if self.is_postgresql:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        return sorted(r[0] for r in self.execute(sql))

    def __enter__(self) -> Db:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.commit()
        self.close()


def exists(target: str | Path) -> bool:
    """Whether a store is there: its file on SQLite (a database always is, on PostgreSQL)."""
    return str(target).startswith(("postgresql", "postgres")) or Path(target).exists()


def all_rows_text(target: str | Path) -> str:
    """Every row of every table as text: to show a secret was never written."""
    con = connect(target)
    try:
        return "\n".join(repr(tuple(r)) for n in con.table_names() for r in con.execute(f'SELECT * FROM "{n}"'))
    finally:
        con.close()


def connect(target: str | Path, timeout: float = 30.0, autocommit: bool = False) -> Db:
    """A connection to the store at ``target`` (the ``db_path`` fixture's value)."""
    return Db(target, timeout=timeout, autocommit=autocommit)


def rows(target: str | Path, sql: str, *params: Any) -> list[Row]:
    """Every row of one query against the store."""
    con = connect(target)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def table_counts(target: str | Path) -> dict[str, int]:
    """Row count of every table: compare before/after to prove nothing changed."""
    con = connect(target)
    try:
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in con.table_names()}  # type: ignore[index]
    finally:
        con.close()


def store_digest(target: str | Path) -> str:
    """A digest of every row of every table: equal digests mean an unchanged store."""
    con = connect(target)
    h = hashlib.sha256()
    try:
        for n in con.table_names():
            h.update(n.encode())
            for row in con.execute(f'SELECT * FROM "{n}" ORDER BY 1'):
                h.update(repr(tuple(row)).encode())
    finally:
        con.close()
    return h.hexdigest()


def _admin(url: str):  # type: ignore[no-untyped-def]
    """An autocommit connection to the ``postgres`` database of the server ``url`` is on."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.connect(
        host=u.host, port=u.port, user=u.username, password=u.password, dbname="postgres", autocommit=True
    )


def new_database(like_url: str, name: str) -> str:
    """PostgreSQL: a new blank database on the server of ``like_url``; its URL."""
    from sqlalchemy.engine import make_url

    with _admin(like_url) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')
    return make_url(like_url).set(database=name).render_as_string(hide_password=False)


def clone_store(template_url: str, target_url: str) -> None:
    """PostgreSQL: make the target database a copy of the template database (one server).

    Any session still connected to the target is ended: dispose its engines first.
    """
    from sqlalchemy.engine import make_url

    template, target = make_url(template_url).database, make_url(target_url).database
    with _admin(target_url) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
