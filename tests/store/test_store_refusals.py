"""A store that cannot be used: one line naming it (never its password), a documented exit code."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from tests import storedb
from tests.pg_server import PASSWORD, PASSWORD_ROLE


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_server_is_unavailable(oms: Any) -> None:
    url = f"postgresql://oms:s3cret@127.0.0.1:{_closed_port()}/shop"
    r = oms("--db", url, "orders", "list")
    assert r.exit_code == 7, r.stderr
    first = r.stderr.splitlines()[0]
    assert first.startswith("oms: error: cannot open the store postgresql://oms:***@127.0.0.1:")
    assert "/shop" in first and "s3cret" not in r.stderr


@pytest.mark.postgresql_only
def test_a_wrong_password_is_unavailable_and_not_shown(oms: Any, db_path: Any, request: Any) -> None:
    server = request.getfixturevalue("pg_server")
    name = str(db_path).rsplit("/", 1)[1]
    wrong = server.url(name, user=PASSWORD_ROLE, password="wrong-one").replace("+psycopg", "")
    r = oms("--db", wrong, "orders", "list")
    assert r.exit_code == 7, r.stderr
    assert "password authentication failed" in r.stderr
    assert f"postgresql://{PASSWORD_ROLE}:***@127.0.0.1" in r.stderr and "wrong-one" not in r.stderr
    right = server.url(name, user=PASSWORD_ROLE, password=PASSWORD)
    assert oms("--db", right, "orders", "list").exit_code == 0


def test_a_store_at_a_newer_migration_is_refused(oms: Any, db_path: Any) -> None:
    """A store another station's newer oms has upgraded: refused, named, left as it is."""
    assert oms("orders", "list").exit_code == 0
    con = storedb.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '0999'")
    con.commit()
    con.close()
    before = storedb.store_digest(db_path)
    r = oms("orders", "list")
    assert r.exit_code == 5, r.stderr
    assert "is at migration 0999, newer than this oms" in r.stderr
    assert str(db_path) in r.stderr if not storedb.POSTGRESQL else "@127.0.0.1" in r.stderr
    assert storedb.store_digest(db_path) == before
