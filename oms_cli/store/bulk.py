"""Fast bulk writes through SQLAlchemy Core's compiled SQL and the DBAPI's executemany.

The statement and each column's bind processor come from SQLAlchemy for the dialect
in use, so this stays portable; only the per-row Python overhead of the ORM and of
Core's parameter handling is skipped (several times faster on large imports).

Rows can also be processed ahead, away from the connection (:func:`row_processor`,
e.g. in the process that reads an import file), and written as they are
(:meth:`BulkInserter.insert_processed`, :func:`execute_processed`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.dml import UpdateBase

#: a row (values in a fixed column order) -> the tuple the DBAPI is given
RowProcessor = Callable[[Sequence[Any]], tuple[Any, ...]]


class BulkInserter:
    """Insert many rows (tuples in ``columns`` order) into one table."""

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]) -> None:
        self.conn = conn
        self.table = table
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
        self._process = row_processor(table, self.columns, dialect)

    def insert(self, rows: Iterable[Sequence[Any]]) -> None:
        """Insert the rows in one executemany call."""
        if self._process is not None:
            rows = list(map(self._process, rows))
        self.insert_processed(rows)

    def insert_processed(self, rows: Iterable[Sequence[Any]]) -> None:
        """Insert rows whose values went through :func:`row_processor` for these columns."""
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


def process_value(table: Table, column: str, value: Any, dialect: Dialect) -> Any:
    """One value as its column's bind processor gives it to the DBAPI."""
    process = table.c[column].type._cached_bind_processor(dialect)
    return value if process is None or value is None else process(value)


def execute_processed(conn: Connection, stmt: UpdateBase, params: Mapping[str, Any]) -> int:
    """Execute a Core statement whose bind parameters (named in ``params``) already went
    through their bind processors; returns the row count."""
    compiled = stmt.compile(dialect=conn.dialect)
    args: Any = tuple(params[name] for name in compiled.positiontup or ()) if compiled.positional else dict(params)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        return int(cursor.rowcount)
    finally:
        cursor.close()


def row_processor(
    table: Table,
    columns: Sequence[str],
    dialect: Dialect,
    wrap: Callable[[Callable[[Any], Any]], Callable[[Any], Any]] | None = None,
) -> RowProcessor | None:
    """A function that runs each value of a row through its column's bind processor, or
    None when no column has one (``wrap``, when given, is applied to each processor: the
    import's fast path memoises them).

    Built as one expression, ``lambda r: (r[0], p1(r[1]), r[2], …)``, so it spends no
    time on the columns without a processor (most of them).
    """
    processors = [table.c[c].type._cached_bind_processor(dialect) for c in columns]
    if not any(processors):
        return None
    env: dict[str, Any] = {}
    cells = []
    for i, process in enumerate(processors):
        if process is None:
            cells.append(f"r[{i}]")
        else:
            env[f"p{i}"] = process if wrap is None else wrap(process)
            cells.append(f"p{i}(r[{i}])")
    function: RowProcessor = eval(f"lambda r: ({', '.join(cells)},)", env)  # noqa: S307  (our own text)
    return function
