"""Helpers of the stock tests (a module name of its own: every test folder's conftest is called conftest)."""

from __future__ import annotations

from pathlib import Path

from tests import storedb

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


store_digest = storedb.store_digest
