"""The store's tables (SQLModel, ``table=True``). Tables only: no behaviour.

Money is integer minor units in the order's currency (``*_minor``); timestamps are
timezone-aware UTC (``UTCDateTime``). Input is validated before it reaches these
classes (table models do not validate on construction).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from oms_cli.store.types import UTCDateTime, utcnow


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


# --- orders (migration 0001) -------------------------------------------------------


class OrderRow(SQLModel, table=True):
    """One order from any channel."""

    __tablename__ = "orders"

    id: Optional[int] = Field(default=None, primary_key=True)
    ref: str = Field(unique=True, index=True)
    channel: str = Field(index=True)
    external_id: str = Field(index=True)
    placed_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    status: str = Field(default="new", index=True)
    payment_status: str = "pending"
    payment_method: Optional[str] = None
    payment_reference: Optional[str] = None
    customer_name: Optional[str] = None
    customer_email: Optional[str] = None  # searched with LIKE, which no index serves
    customer_phone: Optional[str] = None
    ship_name: Optional[str] = None
    ship_company: Optional[str] = None
    ship_address1: Optional[str] = None
    ship_address2: Optional[str] = None
    ship_address3: Optional[str] = None
    ship_city: Optional[str] = None
    ship_province: Optional[str] = None
    ship_postal_code: Optional[str] = None
    ship_country: Optional[str] = None
    ship_phone: Optional[str] = None
    # the billing address, when the channel gives one (all None otherwise)
    bill_name: Optional[str] = None
    bill_company: Optional[str] = None
    bill_address1: Optional[str] = None
    bill_address2: Optional[str] = None
    bill_address3: Optional[str] = None
    bill_city: Optional[str] = None
    bill_province: Optional[str] = None
    bill_postal_code: Optional[str] = None
    bill_country: Optional[str] = None
    bill_phone: Optional[str] = None
    service_level: str = "standard"
    shipping_method: Optional[str] = None
    notes: Optional[str] = None
    # none | pending | done | replied: the state of the buyer's special instruction
    instruction_state: str = "none"
    instruction_reply: Optional[str] = None
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # the tags given here (`oms orders tag`), which an update from the channel keeps
    own_tags: Optional[list[str]] = Field(default=None, sa_column=Column(JSON, nullable=True))
    currency: Optional[str] = None
    subtotal_minor: Optional[int] = None
    shipping_minor: Optional[int] = None
    tax_minor: Optional[int] = None
    discount_minor: Optional[int] = None
    total_minor: Optional[int] = None
    ship_by: Optional[datetime] = _ts()
    hold_reason: Optional[str] = None
    hold_note: Optional[str] = None
    source_hash: Optional[str] = None
    imported_at: Optional[datetime] = _ts()
    updated_at: Optional[datetime] = _ts()
    # When the order first reached each milestone status (lifecycle.MILESTONE_STATUS):
    # the time of its first status event to it, written with that event by
    # orders.events, so the report reads one row per order, not the event log.
    released_at: Optional[datetime] = _ts()
    picked_at: Optional[datetime] = _ts()
    packed_at: Optional[datetime] = _ts()
    shipped_at: Optional[datetime] = _ts()
    delivered_at: Optional[datetime] = _ts()
    cancelled_at: Optional[datetime] = _ts()


class OrderLineRow(SQLModel, table=True):
    """One line of an order."""

    __tablename__ = "order_lines"

    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True, ondelete="CASCADE")
    line_no: int
    line_id: Optional[str] = None
    sku: str = Field(index=True)
    name: Optional[str] = None
    quantity: int
    unit_price_minor: Optional[int] = None
    free: bool = False
    added_by_rule: Optional[str] = None


class OrderEventRow(SQLModel, table=True):
    """A status transition (or a noteworthy action) on an order: who, when, from, to."""

    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_order_at", "order_id", "at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    # indexed by ix_order_events_order_at, whose first column it is
    order_id: int = Field(foreign_key="orders.id", ondelete="CASCADE")
    kind: str = "status"  # status | note
    from_status: Optional[str] = None
    to_status: Optional[str] = None
    at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    command: Optional[str] = None
    note: Optional[str] = None


class CounterRow(SQLModel, table=True):
    """Named sequences (invoice numbers, RMA numbers, SSCC serials)."""

    __tablename__ = "counters"

    name: str = Field(primary_key=True)
    value: int = 0


# --- catalog, stock, fulfilment (migration 0002) -----------------------------------


class ProductRow(SQLModel, table=True):
    """A product of the catalog."""

    __tablename__ = "products"

    sku: str = Field(primary_key=True)
    name: Optional[str] = None
    length_mm: Optional[int] = None
    width_mm: Optional[int] = None
    height_mm: Optional[int] = None
    weight_g: Optional[int] = None
    fragile: bool = False
    keep_upright: bool = False
    packaging_class: Optional[str] = None
    low_stock: Optional[int] = None
    updated_at: Optional[datetime] = _ts()


class ProductBarcodeRow(SQLModel, table=True):
    """A code a scanner may read for a product (EAN-13, UPC-A, other)."""

    __tablename__ = "product_barcodes"

    code: str = Field(primary_key=True)
    sku: str = Field(foreign_key="products.sku", index=True, ondelete="CASCADE")
    symbology: Optional[str] = None


class ProductLocationRow(SQLModel, table=True):
    """Where a product is stored; position 0 is its primary pick location."""

    __tablename__ = "product_locations"
    __table_args__ = (UniqueConstraint("sku", "location"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    sku: str = Field(foreign_key="products.sku", index=True, ondelete="CASCADE")
    location: str
    position: int = 0


class StockRow(SQLModel, table=True):
    """Quantity on hand and reserved per SKU and location (the sum of the ledger)."""

    __tablename__ = "stock"
    __table_args__ = (UniqueConstraint("sku", "location"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    sku: str = Field(index=True)
    location: str = ""
    on_hand: int = 0
    reserved: int = 0


class StockMovementRow(SQLModel, table=True):
    """One stock movement: what, how many, why, when, which order."""

    __tablename__ = "stock_movements"

    id: Optional[int] = Field(default=None, primary_key=True)
    sku: str = Field(index=True)
    location: str = ""
    quantity: int
    reason: str
    note: Optional[str] = None
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    order_id: Optional[int] = Field(default=None, foreign_key="orders.id", index=True)
    command: Optional[str] = None


class ReservationRow(SQLModel, table=True):
    """Stock held for an order line at a location."""

    __tablename__ = "reservations"

    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    order_line_id: int = Field(foreign_key="order_lines.id", index=True)
    sku: str = Field(index=True)
    location: str = ""
    quantity: int
    state: str = "active"  # active | picked | released | shipped
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class PickRunRow(SQLModel, table=True):
    """One `oms pick plan`: a set of pick lists made together."""

    __tablename__ = "pick_runs"

    id: Optional[int] = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    method: str
    batching: Optional[str] = None
    distance_m: float = 0.0
    code_order_distance_m: float = 0.0


class PickListRow(SQLModel, table=True):
    """One walk for one picker: stops in walking order."""

    __tablename__ = "pick_lists"

    id: Optional[int] = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="pick_runs.id", index=True)
    seq: int = 0
    wave: Optional[int] = None
    zone: Optional[str] = None
    picker: Optional[str] = None
    status: str = Field(default="open", index=True)  # open | claimed | done
    claimed_at: Optional[datetime] = _ts()
    completed_at: Optional[datetime] = _ts()
    distance_m: float = 0.0
    code_order_distance_m: float = 0.0


class PickStopRow(SQLModel, table=True):
    """A stop of a pick list: one location and SKU, total quantity."""

    __tablename__ = "pick_stops"

    id: Optional[int] = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="pick_lists.id", index=True)
    seq: int
    location: str
    sku: str
    quantity: int


class PickAllocationRow(SQLModel, table=True):
    """How much of a stop goes to which order line and tote."""

    __tablename__ = "pick_allocations"

    id: Optional[int] = Field(default=None, primary_key=True)
    stop_id: int = Field(foreign_key="pick_stops.id", index=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    order_line_id: int = Field(foreign_key="order_lines.id")
    quantity: int
    tote: Optional[int] = None
    picked_qty: int = 0
    short_qty: int = 0
    picked_at: Optional[datetime] = _ts()


class PackageRow(SQLModel, table=True):
    """A parcel of an order: box, weights, materials and (once shipped) its tracking."""

    __tablename__ = "packages"
    __table_args__ = (UniqueConstraint("order_id", "package_no"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    package_no: int
    box: str
    length_mm: int
    width_mm: int
    height_mm: int
    weight_g: int
    measured_weight_g: Optional[int] = None
    billable_weight_g: Optional[int] = None
    fill_pct: Optional[float] = None
    materials: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    placements: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sscc: Optional[str] = None
    packed_at: Optional[datetime] = _ts()
    carrier: Optional[str] = None
    service: Optional[str] = None
    tracking: Optional[str] = Field(default=None, index=True)
    cost_minor: Optional[int] = None
    shipped_at: Optional[datetime] = _ts()
    delivered_at: Optional[datetime] = _ts()


class VerifyScanRow(SQLModel, table=True):
    """One scan during pack verification (right, wrong, extra) for accuracy metrics."""

    __tablename__ = "verify_scans"

    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    code: str
    sku: Optional[str] = None
    result: str  # ok | wrong | extra | unknown
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class OutboxRow(SQLModel, table=True):
    """A customer message waiting to be sent (or sent): written with the change that caused it."""

    __tablename__ = "outbox"

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # idempotency key, e.g. "shipped:shopify:1001"
    order_id: Optional[int] = Field(default=None, foreign_key="orders.id", index=True)
    kind: str
    to_addr: str
    subject: str
    body_text: str
    body_html: Optional[str] = None
    status: str = Field(default="queued", index=True)  # queued | sending | sent | failed
    attempts: int = 0
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    due_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    next_attempt_at: Optional[datetime] = _ts()
    claimed_at: Optional[datetime] = _ts()
    claimed_by: Optional[str] = None
    last_error: Optional[str] = None
    message_id: Optional[str] = None
    sent_at: Optional[datetime] = _ts()


class FeedbackRow(SQLModel, table=True):
    """A customer's rating and comment on an order."""

    __tablename__ = "feedback"

    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    rating: int
    comment: Optional[str] = None
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class ProblemRow(SQLModel, table=True):
    """Something that went wrong for a customer and must be resolved, not forgotten."""

    __tablename__ = "problems"

    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: Optional[int] = Field(default=None, foreign_key="orders.id", index=True)
    source: str  # feedback | return | manual
    description: str
    status: str = Field(default="open", index=True)
    opened_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    resolved_at: Optional[datetime] = _ts()
    resolution: Optional[str] = None


class ReturnRow(SQLModel, table=True):
    """A return (RMA): opened, received, closed with its refund."""

    __tablename__ = "returns"

    id: Optional[int] = Field(default=None, primary_key=True)
    rma: str = Field(unique=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    reason: str
    note: Optional[str] = None
    status: str = "open"  # open | received | closed
    opened_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    received_at: Optional[datetime] = _ts()
    closed_at: Optional[datetime] = _ts()
    refund_minor: Optional[int] = None


class ReturnLineRow(SQLModel, table=True):
    """One SKU of a return, with what came back and in which condition."""

    __tablename__ = "return_lines"

    id: Optional[int] = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="returns.id", index=True)
    order_line_id: Optional[int] = Field(default=None, foreign_key="order_lines.id")
    sku: str
    quantity: int
    received_qty: int = 0
    condition: Optional[str] = None  # resellable | damaged | missing


class PaymentRow(SQLModel, table=True):
    """A money movement from a payment processor export, or cash recorded by hand."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("source", "transaction_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    source: str  # stripe_balance | stripe_payments | paypal | manual
    transaction_id: str
    kind: str  # charge | refund | payout | fee | adjustment | other
    method: Optional[str] = None
    at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    currency: str
    gross_minor: int
    fee_minor: int = 0
    net_minor: int = 0
    email: Optional[str] = None
    order_ref_hint: Optional[str] = None
    order_id: Optional[int] = Field(default=None, foreign_key="orders.id", index=True)
    description: Optional[str] = None
    payout_id: Optional[str] = None
    related_txn: Optional[str] = None
    imported_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class RefundRow(SQLModel, table=True):
    """A refund the shop recorded (on closing a return, or by hand)."""

    __tablename__ = "refunds"

    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    return_id: Optional[int] = Field(default=None, foreign_key="returns.id")
    amount_minor: int
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    note: Optional[str] = None


class InvoiceRow(SQLModel, table=True):
    """The invoice number given to an order (sequential, never reused)."""

    __tablename__ = "invoices"

    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", unique=True)
    number: str = Field(unique=True)
    issued_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class BoxMoveRow(SQLModel, table=True):
    """One change to the number of a standard box on hand: counted, received, used for a
    package, given back when an order is packed again (migration 0007)."""

    __tablename__ = "box_moves"

    id: Optional[int] = Field(default=None, primary_key=True)
    box: str = Field(index=True)
    quantity: int  # + received or found by a count, - used
    reason: str  # count | receive | pack | repack
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    order_id: Optional[int] = Field(default=None, foreign_key="orders.id")
    command: Optional[str] = None
    note: Optional[str] = None


__all__ = [n for n in dir() if n.endswith("Row")] + ["utcnow"]
