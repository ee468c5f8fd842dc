"""Schema migrations: blank store, upgrade from the first migration, second run does nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timezone

from sqlalchemy import create_engine, text

from oms_cli.store.engine import Store
from oms_cli.store.migrations import HEAD
from oms_cli.store.migrations.runner import script_head
from tests.storedb import sqlite_only


def test_head_constant_matches_scripts() -> None:
    assert HEAD == script_head()


def test_blank_store_is_migrated_on_first_use(tmp_path) -> None:
    s = Store(str(tmp_path / "a.db"))
    assert s.current_revision() == HEAD
    assert s.upgrade() == []  # a second run does nothing


def test_schema_matches_models(tmp_path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import oms_cli.store.models  # noqa: F401

    s = Store(str(tmp_path / "b.db"))
    with s.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    # the alembic_version table is not in the models; everything else must match
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name == "alembic_version")]
    assert diff == []


def test_upgrade_from_first_migration_keeps_orders(tmp_path) -> None:
    path = tmp_path / "old.db"
    s = Store(str(path), migrate=False)
    s.upgrade("0001")
    assert s.current_revision() == "0001"
    with s.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO orders (ref, channel, external_id, placed_at, status, payment_status, service_level, instruction_state, tags) "
                "VALUES ('shopify:1', 'shopify', '1', :at, 'new', 'paid', 'standard', 'none', '[]')"
            ),
            {"at": datetime(2026, 11, 20, tzinfo=UTC).replace(tzinfo=None)},
        )
    s.dispose()
    s2 = Store(str(path))  # opening upgrades automatically
    assert s2.current_revision() == HEAD
    with s2.engine.connect() as conn:
        assert conn.execute(text("SELECT ref FROM orders")).scalar_one() == "shopify:1"
        assert conn.execute(text("SELECT count(*) FROM products")).scalar_one() == 0


def test_upgrade_fills_milestone_times_from_the_event_log(tmp_path) -> None:
    path = tmp_path / "v3.db"
    s = Store(str(path), migrate=False)
    s.upgrade("0003")
    at = lambda hour: datetime(2026, 11, 20, hour)  # noqa: E731  (naive UTC, as stored)
    with s.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO orders (id, ref, channel, external_id, placed_at, status, payment_status, service_level, instruction_state, tags) "
                "VALUES (1, 'shopify:1', 'shopify', '1', :at, 'ready', 'paid', 'standard', 'none', '[]'),"
                " (2, 'shopify:2', 'shopify', '2', :at, 'new', 'paid', 'standard', 'none', '[]')"
            ),
            {"at": at(8)},
        )
        events = [
            (1, "status", "ready", at(9)),
            (1, "status", "on_hold", at(10)),
            (1, "status", "ready", at(11)),
            (1, "note", None, at(12)),
            (1, "status", "picked", at(13)),
            (2, "status", "new", at(9)),
        ]
        for oid, kind, to, when in events:
            conn.execute(
                text(
                    "INSERT INTO order_events (order_id, kind, to_status, at, command) VALUES (:o, :k, :t, :at, 'test')"
                ),
                {"o": oid, "k": kind, "t": to, "at": when},
            )
    s.dispose()
    s2 = Store(str(path))
    assert s2.current_revision() == HEAD
    with s2.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, released_at, picked_at, packed_at, cancelled_at FROM orders ORDER BY id")
        ).all()
    s2.dispose()
    parse = lambda v: v if v is None else datetime.fromisoformat(v)  # noqa: E731
    assert [tuple(parse(v) if i else v for i, v in enumerate(r)) for r in rows] == [
        (1, at(9), at(13), None, None),
        (2, None, None, None, None),
    ]


@sqlite_only
def test_sqlite_pragmas_on_every_connection(tmp_path) -> None:
    s = Store(str(tmp_path / "c.db"), busy_timeout_s=12)
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 12000


@sqlite_only
def test_locked_store_reports_busy(tmp_path) -> None:
    import sqlite3

    import pytest

    from oms_cli.core.errors import StoreBusy

    path = tmp_path / "d.db"
    s = Store(str(path), busy_timeout_s=0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusy):
            with s.connect(write=True) as conn:
                conn.exec_driver_sql("SELECT 1")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_processes_opening_a_new_store_at_once_all_succeed(tmp_path) -> None:
    import os
    import subprocess
    import sys

    for attempt in range(3):
        db = tmp_path / f"race{attempt}.db"
        env = dict(os.environ, OMS_DB=str(db))
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "oms_cli", "-q", "orders", "list"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        results = [(p.wait(timeout=60), p.stderr.read()) for p in procs]
        assert all(code == 0 for code, _ in results), results
        assert Store(str(db)).current_revision() == HEAD


def test_upgrade_keeps_the_tags_of_orders_an_import_may_still_update(tmp_path) -> None:
    path = tmp_path / "v7.db"
    s = Store(str(path), migrate=False)
    s.upgrade("0007")
    with s.engine.begin() as conn:
        for ref, status, tags in (
            ("shopify:1", "new", '["vip", "gift"]'),
            ("shopify:2", "shipped", '["vip"]'),
            ("shopify:3", "on_hold", "[]"),
        ):
            conn.execute(
                text(
                    "INSERT INTO orders (ref, channel, external_id, placed_at, status, payment_status, service_level, instruction_state, tags) "
                    "VALUES (:ref, 'shopify', :ref, :at, :status, 'paid', 'standard', 'none', :tags)"
                ),
                {"ref": ref, "at": datetime(2026, 11, 20), "status": status, "tags": tags},
            )
    s.dispose()
    s2 = Store(str(path))
    with s2.engine.connect() as conn:
        rows = conn.execute(text("SELECT ref, own_tags FROM orders ORDER BY ref")).all()
    s2.dispose()
    assert rows == [("shopify:1", '["vip", "gift"]'), ("shopify:2", None), ("shopify:3", "[]")]
