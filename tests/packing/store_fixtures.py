"""Test helpers for the packing service and commands: a store with the example orders
and products, and orders brought to `picked` the way picking leaves them.

The examples are imported once per test session through the real `oms import` and
`oms products import` commands; each test gets its own copy of that store file.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from oms_cli.orders.events import transition
from oms_cli.orders.service import resolve_ref
from oms_cli.store import tables
from oms_cli.store.engine import Store
from tests import storedb

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ORDER_FILES = (
    "shopify_orders.csv",
    "amazon_unshipped.txt",
    "ebay_orders.csv",
    "woocommerce_orders.csv",
    "EtsySoldOrders2026-11.csv",
    "EtsySoldOrderItems2026-11.csv",
)


def _root_conftest() -> Any:
    # tests/conftest.py is shadowed as "conftest" by the per-folder one: load it by path.
    spec = importlib.util.spec_from_file_location("oms_tests_root_conftest", ROOT / "tests" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


store_digest = _root_conftest().store_digest
table_counts = _root_conftest().table_counts
#: the way picking walks an order to `picked`
TO_PICKED = ("new", "ready", "picking", "picked")


def _run(*args: str) -> None:
    from oms_cli.__main__ import main
    from oms_cli.cli import context

    try:
        code = main([str(a) for a in args])
    finally:
        context.reset()
    assert code == 0, f"oms {' '.join(map(str, args))} exited {code}"


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A store file holding the example orders and products (built once per session; copy it, do not change it).

    On PostgreSQL: a database on the session's server (its URL), cloned for each test.
    """
    d = tmp_path_factory.mktemp("packing_examples")
    db = d / "examples.db"
    config = d / "empty.yaml"
    config.write_text("{}\n", encoding="utf-8")
    if storedb.POSTGRESQL:
        server = request.getfixturevalue("pg_server")
        url = storedb.new_database(server.url("postgres"), f"packing_examples_{os.getpid()}")
        _run("--db", url, "--config", config, "--quiet", "import", *(EXAMPLES / f for f in ORDER_FILES))
        _run("--db", url, "--config", config, "--quiet", "products", "import", EXAMPLES / "products.csv")
        return url  # type: ignore[return-value]
    _run("--db", db, "--config", config, "--quiet", "import", *(EXAMPLES / f for f in ORDER_FILES))
    _run("--db", db, "--config", config, "--quiet", "products", "import", EXAMPLES / "products.csv")
    con = storedb.connect(db)
    try:
        # fold the write-ahead log into the file so that a plain copy has everything
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return db


@pytest.fixture
def examples_store(examples_db: Path, db_path: Path) -> Iterator[Store]:
    """This test's store (the file `oms` uses too), starting as a copy of the examples."""
    if storedb.POSTGRESQL:
        storedb.clone_store(str(examples_db), str(db_path))
    else:
        shutil.copyfile(examples_db, db_path)
    s = Store(str(db_path), busy_timeout_s=30)
    yield s
    s.dispose()


def pick(store: Store, *refs: str) -> None:
    """Move orders new -> ready -> picking -> picked in one transaction, as release and picking would."""
    with store.connect(write=True) as conn:
        for ref in refs:
            row = resolve_ref(conn, ref)
            steps = TO_PICKED[TO_PICKED.index(row.status) :] if row.status in TO_PICKED else ()
            assert steps, f"{ref} is {row.status}: cannot be brought to picked"
            for current, target in zip(steps, steps[1:]):
                transition(conn, row.id, row.ref, current, target, command="test pick")


def order_units(store: Store, ref: str) -> list[tuple[str, int, bool]]:
    """(sku, quantity, free) of every line of an order."""
    lines = tables.order_lines
    with store.connect(write=False) as conn:
        row = resolve_ref(conn, ref)
        return [
            (ln.sku, int(ln.quantity), bool(ln.free))
            for ln in conn.execute(select(lines).where(lines.c.order_id == row.id).order_by(lines.c.line_no))
        ]


def barcode_of(store: Store, sku: str) -> str:
    """The first barcode of a product, as a scanner reads it."""
    codes = tables.product_barcodes
    with store.connect(write=False) as conn:
        code = conn.execute(select(codes.c.code).where(codes.c.sku == sku).order_by(codes.c.code)).scalar()
    assert code is not None, f"{sku} has no barcode"
    return str(code)


def scans_for(store: Store, ref: str) -> list[str]:
    """One barcode scan per unit of the order: what a packer would scan, in line order."""
    return [barcode_of(store, sku) for sku, qty, _ in order_units(store, ref) for _ in range(qty)]


def rows(db: Path, sql: str, *params: Any) -> list[storedb.Row]:
    """Rows of a query against the store file, read with plain sqlite3."""
    con = storedb.connect(db)
    try:
        return list(con.execute(sql, params))
    finally:
        con.close()
