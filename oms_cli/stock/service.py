"""Stock service: receive, adjust, count, list and check stock. Owns its transactions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from oms_cli.catalog.csvfile import CatalogFileError
from oms_cli.catalog.service import location_checker, open_text
from oms_cli.core.config import Config
from oms_cli.core.errors import BadInput, NotFound, Refused, UsageError, record_error
from oms_cli.core.limits import MAX_UNITS
from oms_cli.stock.counts import read_counts
from oms_cli.stock.ledger import add_location, move, moves_t, stock_t
from oms_cli.store.engine import Store
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import product_locations as locations_t
from oms_cli.store.tables import products as products_t
from oms_cli.store.tables import reservations as reservations_t

#: reservation states that still hold stock on the shelf
HOLDING_STATES = ("active", "picked")


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run."""


@dataclass(frozen=True)
class Shortfall:
    """A place holding less than is reserved on it, with the orders that hold it."""

    sku: str
    location: str
    on_hand: int
    reserved: int
    orders: list[str]


@dataclass(frozen=True)
class Receipt:
    """What `oms stock receive` booked (``changed`` false: this ref was booked before)."""

    sku: str
    location: str
    quantity: int
    on_hand: int
    available: int
    changed: bool
    ref: str | None
    #: the location is new for this SKU (only said when something was booked)
    new_location: bool | None = field(default=None, metadata={"optional": True})


@dataclass(frozen=True)
class Adjustment:
    """What `oms stock adjust` booked, and the places now short of their reservations."""

    sku: str
    location: str
    quantity: int
    on_hand: int
    reserved: int
    changed: bool
    short: list[Shortfall]
    ref: str | None


@dataclass(frozen=True)
class CountChange:
    """One counted place whose quantity on hand changed."""

    sku: str
    location: str
    was: int
    now: int
    delta: int


@dataclass
class CountReport:
    """What a cycle count changed (or, with dry_run, would change)."""

    file: str
    counted: int
    changed: int = 0
    unchanged: int = 0
    units_delta: int = 0
    short: list[Shortfall] = field(default_factory=list)
    dry_run: bool = False
    changes: list[CountChange] = field(default_factory=list)


@dataclass(frozen=True)
class LocationLevel:
    """Stock of a SKU at one location."""

    location: str
    on_hand: int
    reserved: int


@dataclass(frozen=True)
class StockLevel:
    """Stock of one SKU over its locations, against its low-stock threshold."""

    sku: str
    name: str | None
    on_hand: int
    reserved: int
    available: int
    low_stock: int
    low: bool
    locations: list[LocationLevel]


@dataclass(frozen=True)
class StockMove:
    """One row of the stock ledger."""

    at: datetime
    sku: str
    location: str
    quantity: int
    reason: str
    order: str | None
    command: str | None
    note: str | None


@dataclass(frozen=True)
class Mismatch:
    """A place where the stock table disagrees with its ledger or its reservations."""

    sku: str
    location: str
    on_hand: int
    ledger: int
    reserved: int
    reservations: int


@dataclass(frozen=True)
class StockCheck:
    """`oms stock check`: ok when no place disagrees."""

    ok: bool
    mismatches: list[Mismatch]


def _product(conn: Connection, sku: str) -> Any:
    row = conn.execute(select(products_t).where(products_t.c.sku == sku)).first()
    if row is None:
        raise NotFound(f"{sku}: no such product", hint="add it to the catalog first: oms products import FILE")
    return row


def _locations(conn: Connection, sku: str) -> list[str]:
    return [
        r.location
        for r in conn.execute(
            select(locations_t.c.location)
            .where(locations_t.c.sku == sku)
            .order_by(locations_t.c.position, locations_t.c.id)
        )
    ]


def _check_location(config: Config, location: str) -> str:
    try:
        return location_checker(config)(location)
    except ValueError as exc:
        raise BadInput(f"--location: {exc}") from None


def _level(conn: Connection, sku: str, location: str) -> tuple[int, int]:
    r = conn.execute(
        select(stock_t.c.on_hand, stock_t.c.reserved).where(stock_t.c.sku == sku, stock_t.c.location == location)
    ).first()
    return (int(r.on_hand), int(r.reserved)) if r else (0, 0)


def _already_done(conn: Connection, sku: str, reason: str, ref: str | None) -> Any:
    if ref is None:
        return None
    return conn.execute(
        select(moves_t).where(moves_t.c.sku == sku, moves_t.c.reason == reason, moves_t.c.note == ref)
    ).first()


def receive(
    store: Store, config: Config, sku: str, quantity: int, *, location: str | None = None, ref: str | None = None
) -> Receipt:
    """Book received goods into a location (the SKU's primary one by default).

    With ``ref`` (a delivery or purchase-order number) a repeated run books nothing twice.
    """
    if quantity <= 0:
        raise UsageError("QTY must be more than 0", hint="to take stock away use `oms stock adjust SKU -N --reason …`")
    if quantity > MAX_UNITS:
        raise UsageError(f"QTY {quantity} is too large")
    loc = _check_location(config, location) if location else None
    with store.connect() as conn:
        _product(conn, sku)
        if loc is None:
            known = _locations(conn, sku)
            if not known:
                raise UsageError(
                    f"{sku} has no location yet",
                    hint=f"say where it goes: oms stock receive {sku} {quantity} --location A01-B01",
                )
            loc = known[0]
        done = _already_done(conn, sku, "receive", ref)
        if done is not None:
            on_hand, reserved = _level(conn, sku, done.location)
            return Receipt(sku, done.location, done.quantity, on_hand, on_hand - reserved, changed=False, ref=ref)
        new_location = add_location(conn, sku, loc)
        on_hand = move(conn, sku, loc, quantity, "receive", command="stock receive", note=ref)
        _, reserved = _level(conn, sku, loc)
    return Receipt(sku, loc, quantity, on_hand, on_hand - reserved, changed=True, ref=ref, new_location=new_location)


def adjust(
    store: Store,
    config: Config,
    sku: str,
    quantity: int,
    reason: str,
    *,
    location: str | None = None,
    ref: str | None = None,
) -> Adjustment:
    """Correct the quantity on hand by a signed amount with a reason (damaged, lost, found…).

    Refused when it would leave less than nothing on the shelf; with ``ref`` a repeated
    run changes nothing.
    """
    if abs(quantity) > MAX_UNITS:
        raise UsageError(f"QTY {quantity} is too large")
    if quantity == 0:
        raise UsageError("QTY must not be 0 (give +N or -N)")
    why = reason.strip().lower()
    if not why:
        raise UsageError("--reason must say why (damaged, lost, found, …)")
    if why in ("receive", "count", "ship", "return"):
        raise UsageError(f"'{why}' is booked by its own command", hint="use `oms stock receive` / `oms stock count`")
    loc = _check_location(config, location) if location else None
    with store.connect() as conn:
        _product(conn, sku)
        if loc is None:
            held = [
                r.location
                for r in conn.execute(select(stock_t.c.location).where(stock_t.c.sku == sku, stock_t.c.on_hand != 0))
            ]
            known = _locations(conn, sku)
            if len(held) == 1:
                loc = held[0]
            elif known:
                loc = known[0]
            else:
                raise UsageError(f"{sku} has no location", hint="give --location")
        done = _already_done(conn, sku, why, ref)
        if done is not None:
            on_hand, reserved = _level(conn, sku, done.location)
            return Adjustment(sku, done.location, done.quantity, on_hand, reserved, changed=False, short=[], ref=ref)
        on_hand, reserved = _level(conn, sku, loc)
        if on_hand + quantity < 0:
            raise Refused(
                f"{sku} at {loc}: only {on_hand} on hand, cannot take {-quantity}",
                hint="count the shelf with `oms stock count FILE` if the figure is wrong",
            )
        add_location(conn, sku, loc)
        on_hand = move(conn, sku, loc, quantity, why, command="stock adjust", note=ref)
        short = _shortfalls(conn, [(sku, loc)])
    return Adjustment(sku, loc, quantity, on_hand, reserved, changed=True, short=short, ref=ref)


def _shortfalls(conn: Connection, places: list[tuple[str, str]]) -> list[Shortfall]:
    """Places where more is reserved than is on hand, with the orders holding it."""
    out = []
    for sku, loc in places:
        on_hand, reserved = _level(conn, sku, loc)
        if reserved > on_hand:
            refs = [
                r.ref
                for r in conn.execute(
                    select(orders_t.c.ref)
                    .join(reservations_t, reservations_t.c.order_id == orders_t.c.id)
                    .where(
                        reservations_t.c.sku == sku,
                        reservations_t.c.location == loc,
                        reservations_t.c.state.in_(HOLDING_STATES),
                    )
                    .distinct()
                    .order_by(orders_t.c.ref)
                )
            ]
            out.append(Shortfall(sku, loc, on_hand, reserved, refs))
    return out


def count(
    store: Store, config: Config, path: str, *, dry_run: bool = False, stream: TextIO | None = None
) -> CountReport:
    """Set quantities on hand from a cycle-count CSV (sku, location, quantity) in one transaction.

    Each difference is booked as a ``count`` movement; a second run of the same file books nothing.
    """
    source = stream if stream is not None else open_text(path)
    records, header_of = read_counts(source, path, check_location=location_checker(config))
    report = CountReport(file=path, counted=len(records), dry_run=dry_run)

    try:
        with store.connect() as conn:
            skus = sorted({r.sku for r in records})
            known: set[str] = set()
            for start in range(0, len(skus), 500):
                known.update(
                    conn.execute(
                        select(products_t.c.sku).where(products_t.c.sku.in_(skus[start : start + 500]))
                    ).scalars()
                )
            primary: dict[str, str] = {}
            for r in conn.execute(select(locations_t.c.sku, locations_t.c.location).where(locations_t.c.position == 0)):
                primary.setdefault(r.sku, r.location)
            problems = []
            for rec in records:
                if rec.sku not in known:
                    problems.append(
                        record_error(path, rec.line, header_of["sku"], f"'{rec.sku}' is not in the catalog").message
                    )
                elif rec.location is None and rec.sku not in primary:
                    problems.append(
                        record_error(
                            path,
                            rec.line,
                            header_of.get("location", "location"),
                            f"is empty and {rec.sku} has no location yet",
                        ).message
                    )
            if problems:
                raise CatalogFileError(problems)
            places = []
            for rec in records:
                loc = rec.location or primary[rec.sku]
                on_hand, _ = _level(conn, rec.sku, loc)
                delta = rec.quantity - on_hand
                places.append((rec.sku, loc))
                if delta == 0:
                    report.unchanged += 1
                    continue
                add_location(conn, rec.sku, loc)
                move(
                    conn,
                    rec.sku,
                    loc,
                    delta,
                    "count",
                    command="stock count",
                    note=f"counted {rec.quantity} ({path}:{rec.line})",
                )
                report.changed += 1
                report.units_delta += delta
                report.changes.append(CountChange(rec.sku, loc, on_hand, rec.quantity, delta))
            report.short = _shortfalls(conn, places)
            if dry_run:
                raise _Rollback()
    except _Rollback:
        pass
    return report


def list_stock(store: Store, config: Config, *, low: bool = False, sku: str | None = None) -> list[StockLevel]:
    """Stock per SKU (on hand, reserved, available, low-stock threshold) with its locations."""
    default_threshold = int(config.get("release.low_stock_threshold", 5) or 0)
    with store.connect(write=False) as conn:
        pq = select(products_t.c.sku, products_t.c.name, products_t.c.low_stock).order_by(products_t.c.sku)
        sq = select(stock_t).order_by(stock_t.c.sku, stock_t.c.location)
        if sku:
            pq = pq.where(products_t.c.sku == sku)
            sq = sq.where(stock_t.c.sku == sku)
        products = conn.execute(pq).all()
        if sku and not products:
            raise NotFound(f"{sku}: no such product")
        per_sku: dict[str, list[Any]] = {}
        for s in conn.execute(sq):
            per_sku.setdefault(s.sku, []).append(s)
    out = []
    for p in products:
        rows = per_sku.get(p.sku, [])
        on_hand = sum(r.on_hand for r in rows)
        reserved = sum(r.reserved for r in rows)
        threshold = p.low_stock if p.low_stock is not None else default_threshold
        item = StockLevel(
            sku=p.sku,
            name=p.name,
            on_hand=on_hand,
            reserved=reserved,
            available=on_hand - reserved,
            low_stock=threshold,
            low=on_hand - reserved <= threshold,
            locations=[LocationLevel(r.location, r.on_hand, r.reserved) for r in rows if r.on_hand or r.reserved],
        )
        if not low or item.low:
            out.append(item)
    return out


def movements(store: Store, sku: str | None = None, limit: int | None = 50) -> list[StockMove]:
    """The stock ledger, newest first: what, how many, why, when, which order."""
    q = (
        select(moves_t, orders_t.c.ref)
        .select_from(moves_t.outerjoin(orders_t, orders_t.c.id == moves_t.c.order_id))
        .order_by(moves_t.c.at.desc(), moves_t.c.id.desc())
    )
    if sku:
        q = q.where(moves_t.c.sku == sku)
    if limit:
        q = q.limit(limit)
    with store.connect(write=False) as conn:
        return [
            StockMove(r.at, r.sku, r.location, r.quantity, r.reason, r.ref, r.command, r.note) for r in conn.execute(q)
        ]


def check(store: Store) -> StockCheck:
    """Places where the stock table disagrees with its ledger or with the reservations (empty when all is well)."""
    with store.connect(write=False) as conn:
        ledger = {
            (r.sku, r.location): int(r.total)
            for r in conn.execute(
                select(moves_t.c.sku, moves_t.c.location, func.sum(moves_t.c.quantity).label("total")).group_by(
                    moves_t.c.sku, moves_t.c.location
                )
            )
        }
        held = {
            (r.sku, r.location): int(r.total)
            for r in conn.execute(
                select(
                    reservations_t.c.sku, reservations_t.c.location, func.sum(reservations_t.c.quantity).label("total")
                )
                .where(reservations_t.c.state.in_(HOLDING_STATES))
                .group_by(reservations_t.c.sku, reservations_t.c.location)
            )
        }
        cache = {(r.sku, r.location): (int(r.on_hand), int(r.reserved)) for r in conn.execute(select(stock_t))}
    out = []
    for key in sorted(set(ledger) | set(held) | set(cache)):
        on_hand, reserved = cache.get(key, (0, 0))
        if on_hand != ledger.get(key, 0) or reserved != held.get(key, 0):
            out.append(Mismatch(key[0], key[1], on_hand, ledger.get(key, 0), reserved, held.get(key, 0)))
    return StockCheck(ok=not out, mismatches=out)
