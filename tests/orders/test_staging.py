"""Staging an order for the store: its values and its fingerprint, whatever the driver."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from oms_cli.importers import ImportSettings, plan_units, read_unit
from oms_cli.orders import staging
from oms_cli.orders.records import LINE_SOURCE_COLUMNS, ORDER_SOURCE_COLUMNS
from oms_cli.store.bulk import row_processor
from oms_cli.store.tables import order_lines as lines_t
from oms_cli.store.tables import orders as orders_t
from tests.conftest import EXAMPLES

DATA = Path(__file__).parent / "data"


def _writers(dialect: Any) -> staging.Writers:
    return staging.Writers(
        row_processor(orders_t, ORDER_SOURCE_COLUMNS, dialect), row_processor(lines_t, LINE_SOURCE_COLUMNS, dialect)
    )


def _orders(*names: str) -> list[dict[str, Any]]:
    units = plan_units([str(EXAMPLES / name) for name in names or ("shopify_orders.csv",)])
    return [order for unit in units for order in read_unit(unit, ImportSettings())]


def test_sqlite_stages_plain_values_with_named_fields() -> None:
    writers = _writers(sqlite.dialect())
    for order in _orders():
        item = staging.staged(order, writers)
        assert item.ref == order["ref"] and item.status == (order.get("status") or "new")
        assert len(item.row) == len(ORDER_SOURCE_COLUMNS)
        assert [len(line) for line in item.lines] == [len(LINE_SOURCE_COLUMNS)] * len(order["lines"])
        assert all(v is None or type(v) in (str, int) for v in item.row)  # what marshal and the driver take
        assert all(v is None or type(v) in (str, int) for ln in item.lines for v in ln)
        assert item.fingerprint == staging.fingerprint(order)


def test_the_fingerprint_does_not_depend_on_the_driver() -> None:
    """Taken over the canonical values before any bind processing: the same for SQLite,
    psycopg2 and no store at all (so a SQLAlchemy or driver upgrade changes nothing)."""
    for order in _orders():
        prints = {
            staging.staged(order, _writers(sqlite.dialect())).fingerprint,
            staging.staged(order, _writers(postgresql.psycopg2.dialect())).fingerprint,
            staging.staged(order).fingerprint,
            staging.fingerprint(order),
        }
        assert len(prints) == 1


def test_the_fingerprint_is_pinned() -> None:
    """The canonical text is fixed; changing what it covers must change FINGERPRINT_PREFIX
    (and teach the import the old form), which this test then reminds of."""
    order = {
        "ref": "shopify:1",
        "channel": "shopify",
        "external_id": "1",
        "placed_at": datetime(2026, 11, 20, 9, 30, tzinfo=timezone(timedelta(hours=-5))),
        "payment": {"status": "paid"},
        "customer": {"name": "Zoë Ångström"},
        "ship_to": {"name": "Zoë Ångström", "city": "Malmö", "country": "SE"},
        "totals": {"total": Decimal("12.50")},
        "currency": "EUR",
        "notes": "by the door",
        "tags": ["gift"],
        "lines": [{"sku": "MUG", "quantity": 2, "unit_price": Decimal("6.25")}],
    }
    assert staging.fingerprint(order) == "v2:f7fcf3b53b8bd4c71e402ba8ab647d69"
    same_instant = dict(order, placed_at=datetime(2026, 11, 20, 14, 30, tzinfo=UTC))
    assert staging.fingerprint(same_instant) == staging.fingerprint(order)


def test_a_change_anywhere_changes_the_fingerprint() -> None:
    order = _orders()[0]
    first = staging.fingerprint(order)
    changes = [
        dict(order, ship_to=dict(order["ship_to"], city="Salem")),
        dict(order, bill_to=dict(order["bill_to"] or {}, company="New Firm")),
        dict(order, tags=["late"]),
        dict(order, notes="Leave it with the neighbour"),
        dict(order, placed_at=order["placed_at"] + timedelta(seconds=1)),
        dict(order, lines=[dict(order["lines"][0], quantity=order["lines"][0]["quantity"] + 1), *order["lines"][1:]]),
        dict(order, lines=[dict(order["lines"][0], free=True), *order["lines"][1:]]),
    ]
    assert len({first, *(staging.fingerprint(c) for c in changes)}) == 1 + len(changes)


def test_the_fingerprint_an_older_oms_stored_is_recognised() -> None:
    """The fingerprints the import stored before v2 (recorded from that version on the
    bundled examples) are what legacy_fingerprint computes for the same orders."""
    before = json.loads((DATA / "fingerprints_before_v2.json").read_text())
    orders = _orders(
        "shopify_orders.csv",
        "amazon_unshipped.txt",
        "woocommerce_orders.csv",
        "ebay_orders.csv",
        "EtsySoldOrders2026-11.csv",
        "EtsySoldOrderItems2026-11.csv",
    )
    writers = _writers(sqlite.dialect())
    got = {o["ref"]: staging.legacy_fingerprint(staging.staged(o, writers)) for o in orders}
    assert got == before
    assert not any(h.startswith(staging.FINGERPRINT_PREFIX) for h in before.values())
