"""A demo shop for returns and payments tests: the example orders, catalog and stock
imported with `oms import`, then a few orders taken to shipped along the legal path
(new -> ready -> picking -> picked -> packed -> shipped) with their stock leaving the
shelf through the ledger, as release, picking, packing and shipping would leave them.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from oms_cli.orders.events import transition
from oms_cli.orders.service import resolve_ref
from oms_cli.stock.ledger import move, product_locations
from oms_cli.store.engine import Store
from oms_cli.store.tables import order_lines as lines_t
from oms_cli.store.tables import reservations as reservations_t
from oms_cli.store.tables import stock as stock_t
from oms_cli.store.tables import stock_movements as moves_t
from tests.storedb import POSTGRESQL


def _root_conftest() -> Any:
    # tests/conftest.py is shadowed as "conftest" by the per-folder ones: load it by path.
    name = "oms_tests_root_conftest"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


store_digest = _root_conftest().store_digest
table_counts = _root_conftest().table_counts
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PATH_TO_SHIPPED = ("ready", "picking", "picked", "packed", "shipped")


DEMO_COMMANDS = (
    ("import", EXAMPLES / "shopify_orders.csv", EXAMPLES / "woocommerce_orders.csv"),
    ("products", "import", EXAMPLES / "products.csv"),
    ("stock", "count", EXAMPLES / "stock.csv"),
)
_demo_store: list[Path] = []


def _build_demo_store(oms: Callable[..., Any]) -> Path:
    """Run the demo imports once per test process into a store kept aside as a template."""
    folder = Path(tempfile.mkdtemp(prefix="oms-demo-"))
    atexit.register(shutil.rmtree, folder, True)
    template = folder / "demo.db"
    (folder / "empty.yaml").write_text("{}\n", encoding="utf-8")
    for args in DEMO_COMMANDS:
        result = oms("--db", template, "--config", folder / "empty.yaml", *args)
        assert result.exit_code == 0, (args, result.stderr)
    return template


def load_demo(oms: Callable[..., Any]) -> None:
    """Fill the test's store with the example orders (Shopify, WooCommerce), the catalog
    and the stock count, as `oms import`, `oms products import` and `oms stock count` leave them.

    The commands run once per test process; each test gets a copy of that store.
    """
    if POSTGRESQL:
        # no file to copy: the commands run into the test's own database
        empty = Path(os.environ["HOME"]) / "empty.yaml"
        empty.write_text("{}\n", encoding="utf-8")
        for args in DEMO_COMMANDS:
            result = oms("--config", empty, *args)
            assert result.exit_code == 0, (args, result.stderr)
        return
    if not _demo_store:
        _demo_store.append(_build_demo_store(oms))
    source = sqlite3.connect(_demo_store[0])
    target = sqlite3.connect(os.environ["OMS_DB"])
    try:
        # The backup API copies page by page under SQLite's own locks, so it is safe even
        # while the test's store has the file open.
        source.backup(target)
    finally:
        source.close()
        target.close()


def ship(store: Store, refs: Iterable[str], *, at: datetime | None = None, deliver: bool = False) -> None:
    """Take orders from new to shipped (and delivered) in one transaction; their units
    leave the primary location through the stock ledger with a shipped reservation."""
    when = at or datetime.now(UTC)
    with store.connect(write=True) as conn:
        for ref in refs:
            order = resolve_ref(conn, ref)
            current = order.status
            for step, target in enumerate(PATH_TO_SHIPPED + (("delivered",) if deliver else ()), start=1):
                transition(
                    conn, order.id, order.ref, current, target, command="test", at=when + timedelta(minutes=step)
                )
                current = target
            lines = conn.execute(select(lines_t).where(lines_t.c.order_id == order.id)).all()
            places = product_locations(conn, [ln.sku for ln in lines])
            for ln in lines:
                location = places[ln.sku][0]
                conn.execute(
                    insert(reservations_t).values(
                        order_id=order.id,
                        order_line_id=ln.id,
                        sku=ln.sku,
                        location=location,
                        quantity=ln.quantity,
                        state="shipped",
                        created_at=when,
                    )
                )
                move(conn, ln.sku, location, -ln.quantity, "ship", command="test", order_id=order.id, at=when)


def on_hand(store: Store, sku: str) -> dict[str, int]:
    """Location -> quantity on hand of one SKU."""
    with store.connect(write=False) as conn:
        return {r.location: int(r.on_hand) for r in conn.execute(select(stock_t).where(stock_t.c.sku == sku))}


def ledger_mismatches(store: Store) -> list[tuple[str, str, int, int]]:
    """(sku, location, on hand, ledger sum) wherever the stock row and its ledger disagree."""
    with store.connect(write=False) as conn:
        sums: dict[tuple[str, str], int] = {}
        for m in conn.execute(select(moves_t.c.sku, moves_t.c.location, moves_t.c.quantity)):
            sums[(m.sku, m.location)] = sums.get((m.sku, m.location), 0) + int(m.quantity)
        rows = {(r.sku, r.location): int(r.on_hand) for r in conn.execute(select(stock_t))}
    return [
        (sku, loc, rows.get((sku, loc), 0), sums.get((sku, loc), 0))
        for sku, loc in sorted(set(sums) | set(rows))
        if rows.get((sku, loc), 0) != sums.get((sku, loc), 0)
    ]
