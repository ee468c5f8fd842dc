"""Named sequences (invoice, RMA and SSCC serial numbers) kept in the counters table.

Numbers are taken inside the caller's write transaction, so a number is never given
twice and a rolled-back command gives its numbers back. Taking them is one upsert
that returns the new value: on PostgreSQL, where two writers do not queue on a
database lock, two first numbers of a new counter at once cannot both insert its row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from oms_cli.store.tables import counters as counters_t

#: SSCC serials are shared by packages, labels and return labels
SSCC = "sscc"
INVOICE = "invoice"
RMA = "rma"


def take_numbers(conn: Connection, name: str, count: int = 1) -> list[int]:
    """Take the next ``count`` numbers of a named counter (1, 2, … for a new counter)."""
    stmt = _upsert(conn).values(name=name, value=count)
    stmt = stmt.on_conflict_do_update(
        index_elements=[counters_t.c.name], set_={"value": counters_t.c.value + stmt.excluded.value}
    ).returning(counters_t.c.value)
    last = int(conn.execute(stmt).scalar_one())
    return list(range(last - count + 1, last + 1))


def _upsert(conn: Connection) -> Any:
    """The dialect's INSERT … ON CONFLICT construct for the counters table."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(counters_t)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(counters_t)


def next_number(conn: Connection, name: str) -> int:
    """Take the next number of a named counter."""
    return take_numbers(conn, name, 1)[0]
