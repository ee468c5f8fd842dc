"""Orders, products and stock for release tests, written through the store's own row code.

(A module name of its own: every test folder's conftest is called conftest.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests import storedb

PRODUCTS_HEADER = (
    "sku,name,barcodes,length_mm,width_mm,height_mm,weight_g,fragile,keep_upright,packaging_class,locations,low_stock\n"
)


def make_order(
    ext: str,
    lines: list[tuple[str, int]] | None = None,
    *,
    channel: str = "shop",
    payment: str = "paid",
    method: str | None = None,
    level: str = "standard",
    placed: str = "2025-01-06T10:00:00+00:00",
    country: str = "US",
    postal_code: str | None = "62701",
    province: str | None = "IL",
    city: str | None = "Springfield",
    notes: str | None = None,
    total: str | None = "20.00",
    email: str | None = None,
    tags: list[str] | None = None,
) -> dict[str, Any]:
    """A canonical order dict as the importers produce it."""
    return {
        "ref": f"{channel}:{ext}",
        "channel": channel,
        "external_id": ext,
        "placed_at": datetime.fromisoformat(placed).astimezone(UTC),
        "status": "new",
        "payment": {"status": payment, "method": method, "reference": None},
        "customer": {"name": "Ann Buyer", "email": email or f"{ext}@example.com", "phone": None},
        "ship_to": {
            "name": "Ann Buyer",
            "company": None,
            "address1": "1 Main St",
            "address2": None,
            "address3": None,
            "city": city,
            "province": province,
            "postal_code": postal_code,
            "country": country,
            "phone": None,
        },
        "service_level": level,
        "shipping_method": None,
        "notes": notes,
        "tags": list(tags or []),
        "currency": "USD",
        "totals": {
            "subtotal": None,
            "shipping": None,
            "tax": None,
            "discount": None,
            "total": Decimal(total) if total else None,
        },
        "lines": [
            {"sku": s, "name": None, "quantity": q, "unit_price": Decimal("5.00"), "line_id": None, "free": False}
            for s, q in (lines or [("MUG", 1)])
        ],
    }


def add_orders(store: Any, orders: list[dict[str, Any]]) -> None:
    """Write orders as `oms import` does: order rows, line rows and an import event each."""
    from sqlalchemy import select

    from oms_cli.orders.records import LINE_COLUMNS, ORDER_COLUMNS, line_values, order_values
    from oms_cli.orders.staging import fingerprint
    from oms_cli.store import tables
    from oms_cli.store.bulk import BulkInserter
    from oms_cli.store.types import utcnow

    now = utcnow()
    with store.connect() as conn:
        BulkInserter(conn, tables.orders, ORDER_COLUMNS).insert([order_values(o, fingerprint(o), now) for o in orders])
        t = tables.orders
        ids = {
            r.ref: r.id for r in conn.execute(select(t.c.id, t.c.ref).where(t.c.ref.in_([o["ref"] for o in orders])))
        }
        rows = [row for o in orders for row in line_values(ids[o["ref"]], o)]
        BulkInserter(conn, tables.order_lines, LINE_COLUMNS).insert(rows)
        BulkInserter(
            conn, tables.order_events, ("order_id", "kind", "from_status", "to_status", "at", "command", "note")
        ).insert([(ids[o["ref"]], "status", None, "new", now, "import", None) for o in orders])


def write_products(path: Path, rows: list[tuple[str, str]]) -> Path:
    """A products CSV with (sku, locations) rows and plausible other columns."""
    text = PRODUCTS_HEADER + "".join(f"{sku},{sku} name,,100,80,60,250,no,no,box,{locs},\n" for sku, locs in rows)
    path.write_text(text, encoding="utf-8")
    return path


store_digest = storedb.store_digest
