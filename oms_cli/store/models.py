"""The store's tables (SQLModel, ``table=True``). Tables only: no behaviour.

Money is integer minor units in the order's currency (``*_minor``); timestamps are
timezone-aware UTC (``UTCDateTime``). Input is validated before it reaches these
classes (table models do not validate on construction).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from oms_cli.store.types import UTCDateTime, utcnow


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


# --- orders (migration 0001) -------------------------------------------------------


class OrderRow(SQLModel, table=True):
    """One order from any channel."""

    __tablename__ = "orders"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(unique=True, index=True)
    channel: str = Field(index=True)
    external_id: str = Field(index=True)
    placed_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    status: str = Field(default="new", index=True)
    payment_status: str = "pending"
    payment_method: str | None = None
    payment_reference: str | None = None
    customer_name: str | None = None
    customer_email: str | None = None  # searched with LIKE, which no index serves
    customer_phone: str | None = None
    ship_name: str | None = None
    ship_company: str | None = None
    ship_address1: str | None = None
    ship_address2: str | None = None
    ship_address3: str | None = None
    ship_city: str | None = None
    ship_province: str | None = None
    ship_postal_code: str | None = None
    ship_country: str | None = None
    ship_phone: str | None = None
    # the billing address, when the channel gives one (all None otherwise)
    bill_name: str | None = None
    bill_company: str | None = None
    bill_address1: str | None = None
    bill_address2: str | None = None
    bill_address3: str | None = None
    bill_city: str | None = None
    bill_province: str | None = None
    bill_postal_code: str | None = None
    bill_country: str | None = None
    bill_phone: str | None = None
    service_level: str = "standard"
    shipping_method: str | None = None
    notes: str | None = None
    # none | pending | done | replied: the state of the buyer's special instruction
    instruction_state: str = "none"
    instruction_reply: str | None = None
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # the tags given here (`oms orders tag`), which an update from the channel keeps
    own_tags: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    currency: str | None = None
    subtotal_minor: int | None = None
    shipping_minor: int | None = None
    tax_minor: int | None = None
    discount_minor: int | None = None
    total_minor: int | None = None
    ship_by: datetime | None = _ts()
    hold_reason: str | None = None
    hold_note: str | None = None
    source_hash: str | None = None
    imported_at: datetime | None = _ts()
    updated_at: datetime | None = _ts()
    # When the order first reached each milestone status (lifecycle.MILESTONE_STATUS):
    # the time of its first status event to it, written with that event by
    # orders.events, so the report reads one row per order, not the event log.
    released_at: datetime | None = _ts()
    picked_at: datetime | None = _ts()
    packed_at: datetime | None = _ts()
    shipped_at: datetime | None = _ts()
    delivered_at: datetime | None = _ts()
    cancelled_at: datetime | None = _ts()


class OrderLineRow(SQLModel, table=True):
    """One line of an order."""

    __tablename__ = "order_lines"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True, ondelete="CASCADE")
    line_no: int
    line_id: str | None = None
    sku: str = Field(index=True)
    name: str | None = None
    quantity: int
    unit_price_minor: int | None = None
    free: bool = False
    added_by_rule: str | None = None


class OrderEventRow(SQLModel, table=True):
    """A status transition (or a noteworthy action) on an order: who, when, from, to."""

    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_order_at", "order_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    # indexed by ix_order_events_order_at, whose first column it is
    order_id: int = Field(foreign_key="orders.id", ondelete="CASCADE")
    kind: str = "status"  # status | note
    from_status: str | None = None
    to_status: str | None = None
    at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    command: str | None = None
    note: str | None = None


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
    name: str | None = None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    weight_g: int | None = None
    fragile: bool = False
    keep_upright: bool = False
    packaging_class: str | None = None
    low_stock: int | None = None
    updated_at: datetime | None = _ts()


class ProductBarcodeRow(SQLModel, table=True):
    """A code a scanner may read for a product (EAN-13, UPC-A, other)."""

    __tablename__ = "product_barcodes"

    code: str = Field(primary_key=True)
    sku: str = Field(foreign_key="products.sku", index=True, ondelete="CASCADE")
    symbology: str | None = None


class ProductLocationRow(SQLModel, table=True):
    """Where a product is stored; position 0 is its primary pick location."""

    __tablename__ = "product_locations"
    __table_args__ = (UniqueConstraint("sku", "location"),)

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(foreign_key="products.sku", index=True, ondelete="CASCADE")
    location: str
    position: int = 0


class StockRow(SQLModel, table=True):
    """Quantity on hand and reserved per SKU and location (the sum of the ledger)."""

    __tablename__ = "stock"
    __table_args__ = (UniqueConstraint("sku", "location"),)

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(index=True)
    location: str = ""
    on_hand: int = 0
    reserved: int = 0


class StockMovementRow(SQLModel, table=True):
    """One stock movement: what, how many, why, when, which order."""

    __tablename__ = "stock_movements"

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(index=True)
    location: str = ""
    quantity: int
    reason: str
    note: str | None = None
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    command: str | None = None


class ReservationRow(SQLModel, table=True):
    """Stock held for an order line at a location."""

    __tablename__ = "reservations"

    id: int | None = Field(default=None, primary_key=True)
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

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    method: str
    batching: str | None = None
    distance_m: float = 0.0
    code_order_distance_m: float = 0.0


class PickListRow(SQLModel, table=True):
    """One walk for one picker: stops in walking order."""

    __tablename__ = "pick_lists"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="pick_runs.id", index=True)
    seq: int = 0
    wave: int | None = None
    zone: str | None = None
    picker: str | None = None
    status: str = Field(default="open", index=True)  # open | claimed | done
    claimed_at: datetime | None = _ts()
    completed_at: datetime | None = _ts()
    distance_m: float = 0.0
    code_order_distance_m: float = 0.0


class PickStopRow(SQLModel, table=True):
    """A stop of a pick list: one location and SKU, total quantity."""

    __tablename__ = "pick_stops"

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="pick_lists.id", index=True)
    seq: int
    location: str
    sku: str
    quantity: int


class PickAllocationRow(SQLModel, table=True):
    """How much of a stop goes to which order line and tote."""

    __tablename__ = "pick_allocations"

    id: int | None = Field(default=None, primary_key=True)
    stop_id: int = Field(foreign_key="pick_stops.id", index=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    order_line_id: int = Field(foreign_key="order_lines.id")
    quantity: int
    tote: int | None = None
    picked_qty: int = 0
    short_qty: int = 0
    picked_at: datetime | None = _ts()


class PackageRow(SQLModel, table=True):
    """A parcel of an order: box, weights, materials and (once shipped) its tracking."""

    __tablename__ = "packages"
    __table_args__ = (UniqueConstraint("order_id", "package_no"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    package_no: int
    box: str
    length_mm: int
    width_mm: int
    height_mm: int
    weight_g: int
    measured_weight_g: int | None = None
    billable_weight_g: int | None = None
    fill_pct: float | None = None
    materials: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    placements: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sscc: str | None = None
    packed_at: datetime | None = _ts()
    carrier: str | None = None
    service: str | None = None
    tracking: str | None = Field(default=None, index=True)
    cost_minor: int | None = None
    shipped_at: datetime | None = _ts()
    delivered_at: datetime | None = _ts()


class VerifyScanRow(SQLModel, table=True):
    """One scan during pack verification (right, wrong, extra) for accuracy metrics."""

    __tablename__ = "verify_scans"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    code: str
    sku: str | None = None
    result: str  # ok | wrong | extra | unknown
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class OutboxRow(SQLModel, table=True):
    """A customer message waiting to be sent (or sent): written with the change that caused it."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # idempotency key, e.g. "shipped:shopify:1001"
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    kind: str
    to_addr: str
    subject: str
    body_text: str
    body_html: str | None = None
    status: str = Field(default="queued", index=True)  # queued | sending | sent | failed
    attempts: int = 0
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    due_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    next_attempt_at: datetime | None = _ts()
    claimed_at: datetime | None = _ts()
    claimed_by: str | None = None
    last_error: str | None = None
    message_id: str | None = None
    sent_at: datetime | None = _ts()


class FeedbackRow(SQLModel, table=True):
    """A customer's rating and comment on an order."""

    __tablename__ = "feedback"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    rating: int
    comment: str | None = None
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class ProblemRow(SQLModel, table=True):
    """Something that went wrong for a customer and must be resolved, not forgotten."""

    __tablename__ = "problems"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    source: str  # feedback | return | manual
    description: str
    status: str = Field(default="open", index=True)
    opened_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    resolved_at: datetime | None = _ts()
    resolution: str | None = None


class ReturnRow(SQLModel, table=True):
    """A return (RMA): opened, received, closed with its refund."""

    __tablename__ = "returns"

    id: int | None = Field(default=None, primary_key=True)
    rma: str = Field(unique=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    reason: str
    note: str | None = None
    status: str = "open"  # open | received | closed
    opened_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    received_at: datetime | None = _ts()
    closed_at: datetime | None = _ts()
    refund_minor: int | None = None


class ReturnLineRow(SQLModel, table=True):
    """One SKU of a return, with what came back and in which condition."""

    __tablename__ = "return_lines"

    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="returns.id", index=True)
    order_line_id: int | None = Field(default=None, foreign_key="order_lines.id")
    sku: str
    quantity: int
    received_qty: int = 0
    condition: str | None = None  # resellable | damaged | missing


class PaymentRow(SQLModel, table=True):
    """A money movement from a payment processor export, or cash recorded by hand."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("source", "transaction_id"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str  # stripe_balance | stripe_payments | paypal | shopify_payments | amazon_settlement | manual
    transaction_id: str
    kind: str  # charge | refund | payout | fee | adjustment | other
    method: str | None = None
    at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    currency: str
    gross_minor: int
    fee_minor: int = 0
    net_minor: int = 0
    email: str | None = None
    order_ref_hint: str | None = None
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    description: str | None = None
    payout_id: str | None = None
    related_txn: str | None = None
    imported_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class PaymentAckRow(SQLModel, table=True):
    """A reconciliation finding the owner has explained (``oms payments ack``)."""

    __tablename__ = "payment_acks"

    finding: str = Field(primary_key=True)  # e.g. amount_mismatch:shopify:1044
    signature: str  # the finding's amounts when acknowledged
    note: str
    acknowledged_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class RefundRow(SQLModel, table=True):
    """A refund the shop recorded (on closing a return, or by hand)."""

    __tablename__ = "refunds"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    return_id: int | None = Field(default=None, foreign_key="returns.id")
    amount_minor: int
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    note: str | None = None


class InvoiceRow(SQLModel, table=True):
    """The invoice number given to an order (sequential, never reused)."""

    __tablename__ = "invoices"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", unique=True)
    number: str = Field(unique=True)
    issued_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class BoxMoveRow(SQLModel, table=True):
    """One change to the number of a standard box on hand: counted, received, used for a
    package, given back when an order is packed again (migration 0007)."""

    __tablename__ = "box_moves"

    id: int | None = Field(default=None, primary_key=True)
    box: str = Field(index=True)
    quantity: int  # + received or found by a count, - used
    reason: str  # count | receive | pack | repack
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    order_id: int | None = Field(default=None, foreign_key="orders.id")
    command: str | None = None
    note: str | None = None


# --- channel connections (migration 0010) --------------------------------------------


class ChannelConnectionRow(SQLModel, table=True):
    """A shop account on a sales channel that `oms sync` pulls orders from and pushes tracking to.

    Secrets are never stored: ``secrets`` maps each credential to where it is read
    (``env:NAME`` or ``keyring``)."""

    __tablename__ = "channel_connections"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    kind: str  # shopify | woocommerce | etsy | ebay | amazon
    base_url: str
    account: str | None = None  # Etsy shop id, Amazon marketplace id, …
    secrets: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    expected_interval_s: int = 900
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    # the high-water mark: {"since": ISO, "window_end": ISO, "page": token}, committed with the orders it covers
    cursor: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    last_synced_at: datetime | None = _ts()  # the end of the last complete pass
    last_attempt_at: datetime | None = _ts()
    last_error: str | None = None
    last_error_at: datetime | None = _ts()
    # the process syncing it now ("host:pid") and its last sign of life, so two syncs never interleave pages
    claimed_by: str | None = None
    claimed_at: datetime | None = _ts()


class ChannelOrderRow(SQLModel, table=True):
    """An order as a connection knows it: the channel's own id and what pushing tracking needs."""

    __tablename__ = "channel_orders"
    __table_args__ = (UniqueConstraint("connection_id", "order_id"),)

    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = Field(foreign_key="channel_connections.id", index=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    remote_id: str
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    seen_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class ChannelPushRow(SQLModel, table=True):
    """Tracking to hand back to a channel, one per package: an outbox like the e-mail one."""

    __tablename__ = "channel_pushes"
    __table_args__ = (UniqueConstraint("connection_id", "package_id"),)

    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = Field(foreign_key="channel_connections.id", index=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    package_id: int = Field(foreign_key="packages.id")
    status: str = Field(default="queued", index=True)  # queued | sending | accepted | failed
    attempts: int = 0
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    next_attempt_at: datetime | None = _ts()
    claimed_at: datetime | None = _ts()
    claimed_by: str | None = None
    last_attempt_at: datetime | None = _ts()
    last_error: str | None = None
    accepted_at: datetime | None = _ts()
    remote_ref: str | None = None  # the channel's id for the fulfilment


class RateRow(SQLModel, table=True):
    """One band of a carrier's rate card (``oms rates import``, migration 0010): the price of a
    parcel of a service to a zone or country, over weight_from_g up to weight_to_g billable grams."""

    __tablename__ = "rate_cards"

    id: int | None = Field(default=None, primary_key=True)
    carrier: str = Field(index=True)
    service: str
    zone: str | None = None
    country: str | None = None
    weight_from_g: int
    weight_to_g: int
    price_minor: int
    currency: str
    dim_rule: str
    transit_days: int | None = None
    level: str = "standard"
    source: str  # the file it came from
    line: int
    imported_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class RateZoneRow(SQLModel, table=True):
    """One row of a carrier's zone chart (migration 0010): parcels from postal codes starting
    origin_prefix to country codes starting destination_prefix are in zone."""

    __tablename__ = "rate_zones"

    id: int | None = Field(default=None, primary_key=True)
    carrier: str = Field(index=True)
    origin_prefix: str
    country: str
    destination_prefix: str
    zone: str
    source: str
    line: int
    imported_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


__all__ = [n for n in dir() if n.endswith("Row")] + ["utcnow"]
