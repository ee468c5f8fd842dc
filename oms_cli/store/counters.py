"""Named sequences (invoice, RMA and SSCC serial numbers) kept in the counters table.

Numbers are taken inside the caller's write transaction, so a number is never given
twice and a rolled-back command gives its numbers back.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from oms_cli.store.tables import counters as counters_t

#: SSCC serials are shared by packages, labels and return labels
SSCC = "sscc"
INVOICE = "invoice"
RMA = "rma"


def take_numbers(conn: Connection, name: str, count: int = 1) -> list[int]:
    """Take the next ``count`` numbers of a named counter (1, 2, … for a new counter)."""
    res = conn.execute(update(counters_t).where(counters_t.c.name == name).values(value=counters_t.c.value + count))
    if res.rowcount == 0:
        conn.execute(insert(counters_t).values(name=name, value=count))
    last = int(conn.execute(select(counters_t.c.value).where(counters_t.c.name == name)).scalar_one())
    return list(range(last - count + 1, last + 1))


def next_number(conn: Connection, name: str) -> int:
    """Take the next number of a named counter."""
    return take_numbers(conn, name, 1)[0]
