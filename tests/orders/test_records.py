"""Store rows written from a canonical order read back as the same order."""

from __future__ import annotations

from datetime import UTC, datetime, timezone
from decimal import Decimal

from oms_cli.orders.records import (
    BILL_TO_COLUMNS,
    LINE_COLUMNS,
    ORDER_COLUMNS,
    SHIP_TO_COLUMNS,
    TOTAL_COLUMNS,
    line_values,
    order_to_canonical,
    order_values,
)


class _Row:
    def __init__(self, **kw: object) -> None:
        self.__dict__.update(kw)


def test_order_values_follow_the_column_order_and_read_back() -> None:
    order = {
        "ref": "shopify:1",
        "channel": "shopify",
        "external_id": "1",
        "placed_at": datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        "status": "new",
        "payment": {"status": "paid", "method": "card", "reference": "p-1"},
        "customer": {"name": "Ann", "email": "ann@example.com", "phone": "1"},
        "ship_to": {k: f"{k}-value" for k in SHIP_TO_COLUMNS} | {"country": "US"},
        "bill_to": {k: f"bill {k}" for k in SHIP_TO_COLUMNS} | {"country": "GB"},
        "service_level": "expedited",
        "shipping_method": "Express",
        "notes": "gift wrap",
        "tags": ["a"],
        "currency": "USD",
        "totals": {
            "subtotal": Decimal("10.00"),
            "shipping": Decimal("2.50"),
            "tax": Decimal("0.80"),
            "discount": Decimal("1.00"),
            "total": Decimal("12.30"),
        },
        "lines": [
            {"sku": "A", "name": "Mug", "quantity": 2, "unit_price": Decimal("5.00"), "line_id": "x", "free": False}
        ],
        "ship_by": None,
        "hold_reason": None,
    }
    values = dict(zip(ORDER_COLUMNS, order_values(order, "h", None)))
    assert len(values) == len(ORDER_COLUMNS)
    assert {col: values[col] for col in SHIP_TO_COLUMNS.values()} == {
        col: order["ship_to"][k] for k, col in SHIP_TO_COLUMNS.items()
    }
    assert {col: values[col] for col in BILL_TO_COLUMNS.values()} == {
        col: order["bill_to"][k] for k, col in BILL_TO_COLUMNS.items()
    }
    assert [values[c] for c in TOTAL_COLUMNS.values()] == [1000, 250, 80, 100, 1230]
    lines = [dict(zip(LINE_COLUMNS, r)) for r in line_values(7, order)]
    row = _Row(**values, ship_by=None, hold_reason=None)
    back = order_to_canonical(row, [_Row(**ln) for ln in lines])
    assert back == order
