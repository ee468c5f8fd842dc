"""Fast bulk inserts through SQLAlchemy Core's compiled SQL and the DBAPI's executemany.

The statement and each column's bind processor come from SQLAlchemy for the dialect
in use, so this stays portable; only the per-row Python overhead of the ORM and of
Core's parameter handling is skipped (several times faster on large imports).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection


class BulkInserter:
    """Insert many rows (tuples in ``columns`` order) into one table."""

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]) -> None:
        self.conn = conn
        self.columns = list(columns)
        dialect = conn.dialect
        stmt = insert(table).values({c: None for c in self.columns})
        compiled = stmt.compile(dialect=dialect)
        self.sql = str(compiled)
        positional = compiled.positiontup or []
        if compiled.positional:
            order = [self.columns.index(name) for name in positional]
        else:
            order = list(range(len(self.columns)))
        self.order = order
        self.named = not compiled.positional
        self.processors = [table.c[c].type._cached_bind_processor(dialect) for c in self.columns]

    def insert(self, rows: Iterable[Sequence[Any]]) -> None:
        """Insert the rows in one executemany call."""
        procs = self.processors
        if any(procs):
            # Memoised per value: import chunks repeat the same timestamps and small lists a lot.
            fixers = []
            for i, p in enumerate(procs):
                if p is None:
                    continue
                cache: dict[Any, Any] = {}
                fixers.append((i, p, cache))

            def fix(row: Sequence[Any]) -> list[Any]:
                out = list(row)
                for i, p, cache in fixers:
                    v = out[i]
                    if v is None:
                        continue
                    key = tuple(v) if isinstance(v, list) else v
                    try:
                        out[i] = cache[key]
                    except KeyError:
                        out[i] = cache[key] = p(v)
                    except TypeError:  # unhashable: no memo
                        out[i] = p(v)
                return out

            rows = [fix(r) for r in rows]
        if self.named:
            params: Any = [dict(zip(self.columns, r)) for r in rows]
        elif self.order != list(range(len(self.columns))):
            params = [tuple(r[i] for i in self.order) for r in rows]
        else:
            params = rows if isinstance(rows, list) else list(rows)
        if not params:
            return
        cursor = self.conn.connection.cursor()
        try:
            cursor.executemany(self.sql, params)
        finally:
            cursor.close()
