"""A shop with orders on the floor for picking tests, built through the real commands:
`oms products import`, `oms stock count`, `oms import` (JSON Lines) and `oms release --all`.

``floor`` is a pytest fixture; import it into a test module to use it.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

PRODUCTS_HEADER = (
    "sku,name,barcodes,length_mm,width_mm,height_mm,weight_g,fragile,keep_upright,packaging_class,locations,low_stock\n"
)
LEVELS = ("standard", "expedited", "next_day")


def ean13(n: int) -> str:
    """A valid EAN-13 (GS1 check digit) made from a number, for test products' barcodes."""
    body = f"20{n:010d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Product:
    """A catalog row: SKU, locations (primary first), one barcode, weight."""

    sku: str
    locations: tuple[str, ...]
    barcode: str | None = None
    weight_g: int = 250


def order(
    ext: str,
    lines: Sequence[tuple[str, int]],
    *,
    level: str = "standard",
    placed: datetime | None = None,
    notes: str | None = None,
    channel: str = "shop",
    payment: str = "paid",
) -> dict[str, Any]:
    """One order in the canonical JSON Lines shape `oms import` reads."""
    placed = placed or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    return {
        "channel": channel,
        "external_id": ext,
        "placed_at": placed.isoformat(),
        "payment": {"status": payment},
        "customer": {"name": f"Buyer {ext}", "email": f"{ext}@example.com"},
        "ship_to": {
            "name": f"Buyer {ext}",
            "address1": "1 Main St",
            "city": "Springfield",
            "province": "IL",
            "postal_code": "62701",
            "country": "US",
        },
        "service_level": level,
        "notes": notes,
        "currency": "USD",
        "lines": [{"sku": sku, "quantity": qty, "unit_price": "5.00"} for sku, qty in lines],
    }


@dataclass
class Floor:
    """Build a shop through the CLI, and read back what picking wrote."""

    oms: Callable[..., Any]
    home: Path
    store: Any
    products_by_sku: dict[str, Product] = field(default_factory=dict)

    @property
    def db(self) -> str:
        """The store `oms` uses: its file on SQLite, its URL on PostgreSQL."""
        return os.environ["OMS_DB"]

    # --- building -------------------------------------------------------------------

    def run(self, *args: str, input: str | None = None) -> Any:
        """Run `oms ARGS` and insist it succeeded."""
        r = self.oms(*args, input=input)
        assert r.exit_code == 0, (args, r.stdout, r.stderr)
        return r

    def catalog(self, products: Sequence[Product]) -> None:
        """Import products (with locations and barcodes) through `oms products import`."""
        path = self.home / "products.csv"
        rows = "".join(
            f"{p.sku},{p.sku} name,{p.barcode or ''},100,80,60,{p.weight_g},no,no,box,{'|'.join(p.locations)},\n"
            for p in products
        )
        path.write_text(PRODUCTS_HEADER + rows, encoding="utf-8")
        self.run("products", "import", str(path))
        self.products_by_sku.update({p.sku: p for p in products})

    def count(self, rows: Sequence[tuple[str, str, int]]) -> None:
        """Set stock per (sku, location) through `oms stock count`."""
        path = self.home / "count.csv"
        path.write_text("sku,location,quantity\n" + "".join(f"{s},{loc},{q}\n" for s, loc, q in rows), encoding="utf-8")
        self.run("stock", "count", str(path))

    def stock_everything(self, quantity: int = 500) -> None:
        """Plenty of stock at every product's primary location."""
        self.count([(p.sku, p.locations[0], quantity) for p in self.products_by_sku.values()])

    def import_orders(self, orders: Sequence[dict[str, Any]]) -> None:
        """Import orders through `oms import` (JSON Lines)."""
        path = self.home / f"orders-{random.random():.9f}.jsonl"
        path.write_text("".join(json.dumps(o) + "\n" for o in orders), encoding="utf-8")
        self.run("import", "--channel", "jsonl", str(path))

    def release(self) -> None:
        """Release every new order to the floor (`oms release --all`)."""
        self.run("release", "--all")

    # --- reading back ---------------------------------------------------------------

    def query(self, sql: str, *params: Any) -> list[Any]:
        """Rows of a read-only SQL query against the store."""
        from sqlalchemy import text

        names = {f"p{i}": v for i, v in enumerate(params)}
        for i in range(len(params)):
            sql = sql.replace("?", f":p{i}", 1)
        with self.store.connect(write=False) as conn:
            return list(conn.execute(text(sql), names).all())

    def status(self, ref: str) -> str:
        """An order's status."""
        return str(self.query("SELECT status FROM orders WHERE ref = ?", ref)[0][0])

    def statuses(self) -> dict[str, str]:
        """Every order's status by ref."""
        return {r.ref: r.status for r in self.query("SELECT ref, status FROM orders")}

    def ready_lines(self) -> dict[int, tuple[str, str, int]]:
        """order_line id -> (ref, sku, quantity) of every line of every ready order."""
        rows = self.query(
            "SELECT l.id, o.ref, l.sku, l.quantity FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status = 'ready'"
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def allocations(self) -> list[Any]:
        """Every pick allocation with its stop, list and order."""
        return self.query(
            "SELECT a.id, a.order_line_id, a.quantity, a.tote, a.picked_qty, a.short_qty, s.location, s.sku, s.list_id, "
            "l.zone, l.wave, l.run_id, l.status AS list_status, o.ref, o.status AS order_status "
            "FROM pick_allocations a JOIN pick_stops s ON s.id = a.stop_id JOIN pick_lists l ON l.id = s.list_id "
            "JOIN orders o ON o.id = a.order_id ORDER BY s.list_id, s.seq, a.tote"
        )

    def reservations(self, ref: str) -> list[tuple[str, str, int, str]]:
        """(sku, location, quantity, state) of an order's reservations."""
        return [
            tuple(r)
            for r in self.query(
                "SELECT r.sku, r.location, r.quantity, r.state FROM reservations r JOIN orders o ON o.id = r.order_id WHERE o.ref = ? ORDER BY r.id",
                ref,
            )
        ]

    def stock(self, sku: str, location: str) -> tuple[int, int]:
        """(on hand, reserved) of a SKU at a location."""
        rows = self.query("SELECT on_hand, reserved FROM stock WHERE sku = ? AND location = ?", sku, location)
        return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)


def random_shop(rng: random.Random, skus: int = 30, aisles: int = 12, bays: int = 20) -> list[Product]:
    """Products at distinct random locations across the layout, each with a barcode."""
    spots: set[tuple[int, int, int]] = set()
    while len(spots) < skus:
        spots.add((rng.randint(1, aisles), rng.randint(1, bays), rng.randint(1, 3)))
    return [
        Product(f"SKU-{n:03d}", (f"A{a:02d}-B{b:02d}-L{lv}",), ean13(n), rng.choice((100, 250, 900)))
        for n, (a, b, lv) in enumerate(sorted(spots))
    ]


def random_orders(
    rng: random.Random, products: Sequence[Product], count: int, *, start: int = 1000, placed: datetime | None = None
) -> list[dict[str, Any]]:
    """Orders of 1-4 lines with mixed service levels, placed a minute apart."""
    base = placed or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    out = []
    for i in range(count):
        chosen = rng.sample(list(products), rng.randint(1, 4))
        out.append(
            order(
                str(start + i),
                [(p.sku, rng.choice((1, 1, 1, 2, 3))) for p in chosen],
                level=rng.choice(LEVELS),
                placed=base + timedelta(minutes=i),
            )
        )
    return out


@pytest.fixture
def floor(oms: Any, oms_home: Path, store: Any) -> Floor:
    """An empty shop to build through the commands."""
    return Floor(oms, oms_home, store)
