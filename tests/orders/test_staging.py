"""Staging an order for the store: its values and its fingerprint, whatever the driver."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from oms_cli.importers import ImportSettings, plan_units, read_unit
from oms_cli.orders import staging
from oms_cli.orders.importing import lines_t, orders_t
from oms_cli.orders.records import LINE_COLUMNS, ORDER_COLUMNS
from oms_cli.store.bulk import row_processor
from tests.conftest import EXAMPLES


def _writers(dialect: Any) -> staging.Writers:
    return staging.Writers(
        row_processor(orders_t, ORDER_COLUMNS[: staging.HASHED], dialect), row_processor(lines_t, LINE_COLUMNS, dialect)
    )


def _orders() -> list[dict[str, Any]]:
    return list(read_unit(plan_units([str(EXAMPLES / "shopify_orders.csv")])[0], ImportSettings()))


def test_sqlite_stages_plain_values_and_fingerprints_them() -> None:
    writers = _writers(sqlite.dialect())
    for order in _orders():
        ref, values, lines = staging.staged(order, writers)
        assert ref == order["ref"]
        assert all(v is None or type(v) in (str, int) for v in values)  # what marshal and the driver take
        assert all(v is None or type(v) in (str, int) for ln in lines for v in ln)
        assert values[staging.HASHED] == staging.fingerprint(order, writers)


def test_drivers_that_take_objects_are_fingerprinted_on_the_plain_values() -> None:
    """psycopg2 is given datetimes, which marshal cannot write: the fingerprint is then
    over the values before processing, the same every time, and still sees a change."""
    writers = _writers(postgresql.psycopg2.dialect())
    order = _orders()[0]
    first = staging.fingerprint(order, writers)
    assert first == staging.fingerprint(order, writers) == staging.fingerprint(order)
    assert staging.fingerprint(dict(order, notes="Leave it with the neighbour"), writers) != first


def test_a_change_anywhere_changes_the_fingerprint() -> None:
    writers = _writers(sqlite.dialect())
    order = _orders()[0]
    first = staging.fingerprint(order, writers)
    changes = [
        dict(order, ship_to=dict(order["ship_to"], city="Salem")),
        dict(order, bill_to=dict(order["bill_to"] or {}, company="New Firm")),
        dict(order, tags=["late"]),
        dict(order, lines=[dict(order["lines"][0], quantity=order["lines"][0]["quantity"] + 1), *order["lines"][1:]]),
    ]
    assert len({first, *(staging.fingerprint(c, writers) for c in changes)}) == 1 + len(changes)
