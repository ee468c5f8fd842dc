"""The store's tables as SQLAlchemy Core ``Table`` objects, for queries and bulk writes.

``models.py`` declares the tables (SQLModel, ``table=True``); services and tests take the
tables from here instead of reaching for each class's ``__table__``, so the Core tables
have one name and one type wherever they are used.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Table
from sqlmodel import SQLModel

from oms_cli.store import models


def _table(model: type[SQLModel]) -> Table:
    """The Core table SQLModel built for a ``table=True`` class."""
    # SQLModel's metaclass sets __table__ on every table=True class; its type hints do not declare it.
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the one row a single-row INSERT wrote."""
    key = result.inserted_primary_key
    if key is None:  # only for an executemany, which has no single new row
        raise ValueError("the statement did not insert a single row")
    return int(key[0])


orders = _table(models.OrderRow)
order_lines = _table(models.OrderLineRow)
order_events = _table(models.OrderEventRow)
counters = _table(models.CounterRow)
products = _table(models.ProductRow)
product_barcodes = _table(models.ProductBarcodeRow)
product_locations = _table(models.ProductLocationRow)
stock = _table(models.StockRow)
stock_movements = _table(models.StockMovementRow)
reservations = _table(models.ReservationRow)
pick_runs = _table(models.PickRunRow)
pick_lists = _table(models.PickListRow)
pick_stops = _table(models.PickStopRow)
pick_allocations = _table(models.PickAllocationRow)
packages = _table(models.PackageRow)
verify_scans = _table(models.VerifyScanRow)
outbox = _table(models.OutboxRow)
feedback = _table(models.FeedbackRow)
problems = _table(models.ProblemRow)
returns = _table(models.ReturnRow)
return_lines = _table(models.ReturnLineRow)
payments = _table(models.PaymentRow)
payment_acks = _table(models.PaymentAckRow)
refunds = _table(models.RefundRow)
invoices = _table(models.InvoiceRow)
box_moves = _table(models.BoxMoveRow)
channel_connections = _table(models.ChannelConnectionRow)
channel_orders = _table(models.ChannelOrderRow)
channel_pushes = _table(models.ChannelPushRow)
rate_cards = _table(models.RateRow)
rate_zones = _table(models.RateZoneRow)
