"""Store helpers for channel tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests import storedb


def query(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    con = storedb.connect(db)
    try:
        rows = con.execute(sql, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def pack(db: Path, ref: str, packages: int = 1) -> None:
    """Put a pulled order where `oms ship` takes it: packed, with its packages recorded
    (what release, pick and pack would have written)."""
    con = storedb.connect(db)
    try:
        (oid,) = con.execute("SELECT id FROM orders WHERE ref = ?", (ref,)).fetchone()
        con.execute("UPDATE orders SET status = 'packed' WHERE id = ?", (oid,))
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        for n in range(1, packages + 1):
            con.execute(
                "INSERT INTO packages (order_id, package_no, box, length_mm, width_mm, height_mm, weight_g, materials, placements, packed_at)"
                " VALUES (?, ?, 'M', 310, 240, 160, 900, '[]', '[]', ?)",
                (oid, n, now),
            )
        con.commit()
    finally:
        con.close()
