"""Helpers of the stock tests (a module name of its own: every test folder's conftest is called conftest)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests import storedb

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def store_digest(db: Path) -> str:
    """A digest of every row of every table: equal digests mean an unchanged store."""
    con = storedb.connect(db)
    h = hashlib.sha256()
    try:
        for (name,) in sorted(
            con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ):
            h.update(name.encode())
            for row in con.execute(f'SELECT * FROM "{name}" ORDER BY 1'):
                h.update(repr(row).encode())
    finally:
        con.close()
    return h.hexdigest()
