"""The `shop` fixture of the release tests: a small catalog, stock and orders in a real store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from release_shop import add_orders, write_products


@pytest.fixture
def shop(store: Any, oms: Any, oms_home: Path):  # type: ignore[no-untyped-def]
    """A small shop: products MUG (A01-B01, then A02-B01), TEE (A03-B01), CARD (A04-B01), NOLOC (no location)."""

    class Shop:
        def __init__(self) -> None:
            self.store = store
            r = oms(
                "products",
                "import",
                str(
                    write_products(
                        oms_home / "products.csv",
                        [
                            ("MUG", "A01-B01|A02-B01"),
                            ("TEE", "A03-B01"),
                            ("CARD", "A04-B01"),
                            ("NOLOC", ""),
                        ],
                    )
                ),
            )
            assert r.exit_code == 0, r.stderr

        def receive(self, sku: str, qty: int, location: str | None = None) -> None:
            args = ["stock", "receive", sku, str(qty)] + (["--location", location] if location else [])
            r = oms(*args)
            assert r.exit_code == 0, r.stderr

        def orders(self, *orders: dict[str, Any]) -> None:
            add_orders(store, list(orders))

        def update(self, ref: str, **values: Any) -> None:
            """Change an order's columns, as a re-import of newer channel data does (e.g. now paid)."""
            from sqlalchemy import update

            from oms_cli.store import tables

            t = tables.orders
            with store.connect() as conn:
                conn.execute(update(t).where(t.c.ref == ref).values(**values))

        def order(self, ref: str) -> Any:
            from sqlalchemy import select

            from oms_cli.store import tables

            t = tables.orders
            with store.connect(write=False) as conn:
                return conn.execute(select(t).where(t.c.ref == ref)).one()

        def lines(self, ref: str) -> list[Any]:
            from sqlalchemy import select

            from oms_cli.store import tables

            o, ln = tables.orders, tables.order_lines
            with store.connect(write=False) as conn:
                return conn.execute(
                    select(ln).join(o, o.c.id == ln.c.order_id).where(o.c.ref == ref).order_by(ln.c.line_no)
                ).all()

        def reservations(self, ref: str, state: str = "active") -> list[tuple[str, str, int]]:
            from sqlalchemy import select

            from oms_cli.store import tables

            o, rv = tables.orders, tables.reservations
            with store.connect(write=False) as conn:
                return [
                    (r.sku, r.location, r.quantity)
                    for r in conn.execute(
                        select(rv)
                        .join(o, o.c.id == rv.c.order_id)
                        .where(o.c.ref == ref, rv.c.state == state)
                        .order_by(rv.c.id)
                    )
                ]

        def stock(self, sku: str) -> dict[str, tuple[int, int]]:
            from oms_cli.stock.ledger import stock_levels

            with store.connect(write=False) as conn:
                return stock_levels(conn, [sku]).get(sku, {})

        def events(self, ref: str) -> list[Any]:
            from sqlalchemy import select

            from oms_cli.store import tables

            o, ev = tables.orders, tables.order_events
            with store.connect(write=False) as conn:
                return conn.execute(
                    select(ev).join(o, o.c.id == ev.c.order_id).where(o.c.ref == ref).order_by(ev.c.at, ev.c.id)
                ).all()

    return Shop()
