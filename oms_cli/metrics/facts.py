"""The SQL aggregates behind the fulfilment report: small fact records per period.

Each function runs one or two portable SQLAlchemy Core queries on a connection the
caller's transaction owns and returns the plain records ``definitions`` turns into
figures. The docstrings say which rows are counted; the figures' own definitions
live in ``oms_cli.metrics.definitions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, and_, case, column, distinct, func, or_, select, table, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from oms_cli.metrics.definitions import (
    BoxFacts,
    PickListFacts,
    ShippingCostFacts,
    Timelines,
    VerifyFacts,
    WeightFacts,
)
from oms_cli.orders.lifecycle import MILESTONE_COLUMN, OPEN
from oms_cli.rates.cards import Rate, ZoneRow
from oms_cli.store.types import UTCDateTime

# The columns these queries read, as lightweight table constructs rather than the
# store's SQLModel classes: building those classes costs about 0.1 s of start-up, a
# twentieth of the report's time budget. The schema itself stays in
# oms_cli.store.models (a test checks every column named here exists there).
_T = UTCDateTime()
_MILESTONE_COLUMNS = tuple(MILESTONE_COLUMN.values())  # released_at … cancelled_at, in Timelines' order
_orders = table(
    "orders",
    column("id"),
    column("ref"),
    column("channel"),
    column("service_level"),
    column("status"),
    column("placed_at", _T),
    column("ship_by", _T),
    column("currency"),
    column("shipping_minor"),
    column("ship_country"),
    column("ship_postal_code"),
    *[column(name, _T) for name in _MILESTONE_COLUMNS],
)
_events = table("order_events", column("order_id"), column("kind"), column("to_status"), column("at", _T))
_lists = table(
    "pick_lists",
    column("id"),
    column("picker"),
    column("status"),
    column("claimed_at", _T),
    column("completed_at", _T),
    column("distance_m"),
)
_stops = table("pick_stops", column("id"), column("list_id"))
_allocs = table(
    "pick_allocations", column("id"), column("stop_id"), column("order_id"), column("picked_qty"), column("short_qty")
)
_packages = table(
    "packages",
    column("order_id"),
    column("box"),
    column("weight_g"),
    column("measured_weight_g"),
    column("billable_weight_g"),
    column("fill_pct"),
    column("packed_at", _T),
    column("cost_minor"),
    column("shipped_at", _T),
    column("carrier"),
    column("service"),
    column("length_mm"),
    column("width_mm"),
    column("height_mm"),
)
_scans = table("verify_scans", column("order_id"), column("result"), column("at", _T))
_outbox = table("outbox", column("order_id"), column("status"), column("created_at", _T))
_feedback = table("feedback", column("order_id"), column("rating"), column("at", _T))
_problems = table("problems", column("order_id"), column("status"), column("opened_at", _T))
_returns = table("returns", column("order_id"), column("reason"), column("opened_at", _T))
_rate_cards = table(
    "rate_cards",
    *(
        column(name)
        for name in (
            "id",
            "carrier",
            "service",
            "zone",
            "country",
            "weight_from_g",
            "weight_to_g",
            "price_minor",
            "currency",
            "dim_rule",
            "transit_days",
            "level",
            "line",
        )
    ),
)
_rate_zones = table(
    "rate_zones",
    *(column(name) for name in ("id", "carrier", "origin_prefix", "country", "destination_prefix", "zone", "line")),
)
TABLES = (
    _orders,
    _events,
    _lists,
    _stops,
    _allocs,
    _packages,
    _scans,
    _outbox,
    _feedback,
    _problems,
    _returns,
    _rate_cards,
    _rate_zones,
)


@dataclass(frozen=True)
class Scope:
    """What a report covers: the period ``[since, until)`` (aware UTC; ``since`` None
    means from the first order) and optionally one channel."""

    since: datetime | None
    until: datetime
    channel: str | None = None


def _naive(col: Any) -> Any:
    # Read timestamps as plain naive-UTC datetimes: on 100,000 orders the per-value
    # tz-aware wrapper of UTCDateTime costs more than the query itself.
    return type_coerce(col, DateTime())


def _in_period(col: Any, scope: Scope) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [col < scope.until]
    if scope.since is not None:
        conds.append(col >= scope.since)
    return conds


def _of_channel(order_id_col: Any, scope: Scope) -> list[ColumnElement[bool]]:
    """Rows whose order is of the scope's channel (nothing to add without a channel)."""
    if scope.channel is None:
        return []
    return [order_id_col.in_(select(_orders.c.id).where(_orders.c.channel == scope.channel))]


def _orders_in_scope(scope: Scope) -> list[ColumnElement[bool]]:
    """Orders that can count in the period: placed before its end, and placed in it or
    with an event in it (and of the scope's channel)."""
    o, e = _orders, _events
    in_scope: list[ColumnElement[bool]] = [o.c.placed_at < scope.until]
    if scope.since is not None:
        touched = select(e.c.order_id).where(*_in_period(e.c.at, scope))
        in_scope.append(or_(o.c.placed_at >= scope.since, o.c.id.in_(touched)))
    if scope.channel is not None:
        in_scope.append(o.c.channel == scope.channel)
    return in_scope


def order_timelines(conn: Connection, scope: Scope) -> Timelines:
    """One timeline per order that can count in the period (placed in it, or with an
    event in it), read in the caller's transaction.

    Each milestone is the first time the order reached its status over its whole
    history: the orders' ``<milestone>_at`` columns, which ``oms_cli.orders.events``
    writes together with that first status event (a test checks them against the
    event log after a full run of the shop). Reading them is one row per order instead
    of a GROUP BY over every event, the larger part of the report's time on a big store.
    """
    o = _orders
    query = select(
        o.c.id,
        o.c.ref,
        o.c.channel,
        o.c.service_level,
        o.c.placed_at,
        o.c.ship_by,
        *[o.c[name] for name in _MILESTONE_COLUMNS],
    ).where(*_orders_in_scope(scope))
    rows = _raw_rows(conn, query)
    if not rows:
        return Timelines.from_columns([()] * (6 + len(_MILESTONE_COLUMNS)))
    ids, refs, channels, levels, *times = zip(*rows)
    return Timelines.from_columns([ids, refs, channels, levels, *[_times(c) for c in times]])


def _raw_rows(conn: Connection, query: Any) -> list[tuple[Any, ...]]:
    """All rows of a query as the database driver returns them.

    For the query that returns a row per order, building SQLAlchemy rows and
    converting 800,000 timestamps through the column types takes longer than the
    queries themselves on a large store; :func:`_times` converts them in one pass.
    """
    return list(conn.execute(query).cursor.fetchall())


def _times(values: Sequence[Any]) -> list[datetime | None]:
    """Timestamps as the driver returns them (ISO text from SQLite, naive datetimes from
    PostgreSQL, both UTC) as naive UTC datetimes."""
    parse = datetime.fromisoformat
    return [v if v is None or type(v) is datetime else parse(v) for v in values]


def first_placed(conn: Connection, channel: str | None) -> datetime | None:
    """The placed_at of the earliest order (of the channel), aware UTC; None for no orders."""
    q = select(func.min(_orders.c.placed_at))
    if channel is not None:
        q = q.where(_orders.c.channel == channel)
    value = conn.execute(q).scalar()
    return value


def overdue_now(conn: Connection, now: datetime, channel: str | None) -> dict[str, int]:
    """Orders not yet shipped (an open status) whose ship_by is before ``now``, per
    service level (not limited to the period: this is the floor's state now)."""
    o = _orders
    q = (
        select(o.c.service_level, func.count())
        .where(o.c.status.in_(sorted(OPEN)), o.c.ship_by.is_not(None), o.c.ship_by < now)
        .group_by(o.c.service_level)
    )
    if channel is not None:
        q = q.where(o.c.channel == channel)
    return {level: n for level, n in conn.execute(q)}


def pick_lists_done(conn: Connection, scope: Scope) -> list[PickListFacts]:
    """Pick lists with status done whose completed_at is in the period, each with the
    sums of its allocations (every channel: a list serves orders of several)."""
    pl, a = _lists, _allocs
    q = (
        select(
            pl.c.picker,
            _naive(pl.c.claimed_at),
            _naive(pl.c.completed_at),
            pl.c.distance_m,
            func.count(case((a.c.picked_qty > 0, 1))),
            func.coalesce(func.sum(a.c.picked_qty), 0),
            func.count(a.c.id),
            func.count(case((a.c.short_qty > 0, 1))),
            func.coalesce(func.sum(a.c.short_qty), 0),
        )
        .select_from(pl.outerjoin(_stops, _stops.c.list_id == pl.c.id).outerjoin(a, a.c.stop_id == _stops.c.id))
        .where(pl.c.status == "done", pl.c.completed_at.is_not(None), *_in_period(pl.c.completed_at, scope))
        .group_by(pl.c.id, pl.c.picker, pl.c.claimed_at, pl.c.completed_at, pl.c.distance_m)
    )
    return [
        PickListFacts(
            picker,
            claimed,
            completed,
            float(distance or 0),
            int(lines),
            int(units),
            int(allocs),
            int(short_lines),
            int(short_units),
        )
        for picker, claimed, completed, distance, lines, units, allocs, short_lines, short_units in conn.execute(q)
    ]


def picked_orders(conn: Connection, scope: Scope) -> dict[str | None, int]:
    """Distinct orders with an allocation on the lists done in the period, per picker
    and (key ``"*"``) over all pickers."""
    pl = _lists
    joined = pl.join(_stops, _stops.c.list_id == pl.c.id).join(_allocs, _allocs.c.stop_id == _stops.c.id)
    done = [pl.c.status == "done", pl.c.completed_at.is_not(None), *_in_period(pl.c.completed_at, scope)]
    per_picker = (
        select(pl.c.picker, func.count(distinct(_allocs.c.order_id)))
        .select_from(joined)
        .where(*done)
        .group_by(pl.c.picker)
    )
    out: dict[str | None, int] = {picker: int(n) for picker, n in conn.execute(per_picker)}
    # An order picked by two pickers counts once in all: a second COUNT(DISTINCT), as
    # SQLite has no ROLLUP.
    out["*"] = int(
        conn.execute(select(func.count(distinct(_allocs.c.order_id))).select_from(joined).where(*done)).scalar() or 0
    )
    return out


def verify_scans(conn: Connection, scope: Scope) -> VerifyFacts:
    """Verification scans in the period (verify_scans.at) by result, the distinct orders
    with an ok scan, and the returns opened in the period with reason wrong_item."""
    s = _scans
    where = [*_in_period(s.c.at, scope), *_of_channel(s.c.order_id, scope)]
    by_result = {
        result: (int(n), int(orders))
        for result, n, orders in conn.execute(
            select(s.c.result, func.count(), func.count(distinct(s.c.order_id))).where(*where).group_by(s.c.result)
        )
    }
    r = _returns
    wrong_item = (
        conn.execute(
            select(func.count()).where(
                r.c.reason == "wrong_item", *_in_period(r.c.opened_at, scope), *_of_channel(r.c.order_id, scope)
            )
        ).scalar()
        or 0
    )
    return VerifyFacts(
        orders=by_result.get("ok", (0, 0))[1],
        ok=by_result.get("ok", (0, 0))[0],
        wrong=by_result.get("wrong", (0, 0))[0],
        extra=by_result.get("extra", (0, 0))[0],
        unknown=by_result.get("unknown", (0, 0))[0],
        wrong_item_returns=int(wrong_item),
    )


def packages_packed(conn: Connection, scope: Scope) -> tuple[list[BoxFacts], WeightFacts]:
    """Packages whose packed_at is in the period: per box (count, fill), and their weights
    (actual = measured_weight_g if weighed, else weight_g; billable = billable_weight_g)."""
    p = _packages
    where = [p.c.packed_at.is_not(None), *_in_period(p.c.packed_at, scope), *_of_channel(p.c.order_id, scope)]
    boxes = [
        BoxFacts(box, int(n), float(fill_sum or 0), int(fill_n))
        for box, n, fill_sum, fill_n in conn.execute(
            select(p.c.box, func.count(), func.sum(p.c.fill_pct), func.count(p.c.fill_pct))
            .where(*where)
            .group_by(p.c.box)
        )
    ]
    actual = func.coalesce(p.c.measured_weight_g, p.c.weight_g)
    billed = p.c.billable_weight_g.is_not(None)
    above = and_(billed, p.c.billable_weight_g > actual)
    row = conn.execute(
        select(
            func.count(distinct(p.c.order_id)),
            func.count(p.c.billable_weight_g),
            func.coalesce(func.sum(case((billed, actual))), 0),
            func.coalesce(func.sum(p.c.billable_weight_g), 0),
            func.count(case((above, 1))),
            func.coalesce(func.sum(case((above, p.c.billable_weight_g - actual))), 0),
        ).where(*where)
    ).one()
    weight = WeightFacts(*(int(v) for v in row))
    return boxes, weight


def shipping_cost(conn: Connection, scope: Scope) -> list[ShippingCostFacts]:
    """Per currency: orders whose first parcel shipped in the period (MIN(packages.shipped_at))
    and whose every shipped parcel has a cost, with the sum of those costs and the sum of
    the shipping they were charged (orders.shipping_minor, none recorded counting as 0)."""
    p, o = _packages, _orders
    first_shipped = func.min(p.c.shipped_at)
    per_order = (
        select(p.c.order_id, func.sum(p.c.cost_minor).label("cost"))
        .where(p.c.shipped_at.is_not(None))
        .group_by(p.c.order_id)
        .having(and_(*_in_period(first_shipped, scope), func.count(p.c.cost_minor) == func.count()))
        .subquery()
    )
    q = (
        select(o.c.currency, func.count(), func.sum(per_order.c.cost), func.sum(func.coalesce(o.c.shipping_minor, 0)))
        .select_from(per_order.join(o, o.c.id == per_order.c.order_id))
        .group_by(o.c.currency)
        .order_by(o.c.currency)
    )
    if scope.channel is not None:
        q = q.where(o.c.channel == scope.channel)
    return [
        ShippingCostFacts(currency, int(n), int(cost or 0), int(charged or 0))
        for currency, n, cost, charged in conn.execute(q)
    ]


def ratings(conn: Connection, scope: Scope) -> dict[int, int]:
    """Ratings given in the period (feedback.at): how many of each number of stars."""
    f = _feedback
    q = (
        select(f.c.rating, func.count())
        .where(*_in_period(f.c.at, scope), *_of_channel(f.c.order_id, scope))
        .group_by(f.c.rating)
    )
    return {int(stars): int(n) for stars, n in conn.execute(q)}


def problems(conn: Connection, scope: Scope) -> dict[str, int]:
    """Problems open now (status open) and problems opened in the period (opened_at);
    with a channel, only problems of that channel's orders."""
    p = _problems
    chan = _of_channel(p.c.order_id, scope)
    open_now = conn.execute(select(func.count()).where(p.c.status == "open", *chan)).scalar() or 0
    opened = conn.execute(select(func.count()).where(*_in_period(p.c.opened_at, scope), *chan)).scalar() or 0
    return {"open_now": int(open_now), "opened": int(opened)}


def returned_orders(conn: Connection, order_ids: set[int]) -> int:
    """How many of the given orders have at least one return (opened at any time)."""
    if not order_ids:
        return 0
    with_returns = {oid for (oid,) in conn.execute(select(_returns.c.order_id).distinct())}
    return len(order_ids & with_returns)


def return_reasons(conn: Connection, scope: Scope) -> dict[str, int]:
    """Returns opened in the period (returns.opened_at) per reason."""
    r = _returns
    q = (
        select(r.c.reason, func.count())
        .where(*_in_period(r.c.opened_at, scope), *_of_channel(r.c.order_id, scope))
        .group_by(r.c.reason)
    )
    return {reason: int(n) for reason, n in conn.execute(q)}


def notifications(conn: Connection, scope: Scope) -> dict[str, int]:
    """Customer messages created in the period (outbox.created_at), per status now."""
    m = _outbox
    q = (
        select(m.c.status, func.count())
        .where(*_in_period(m.c.created_at, scope), *_of_channel(m.c.order_id, scope))
        .group_by(m.c.status)
    )
    return {status: int(n) for status, n in conn.execute(q)}


def rate_tables(conn: Connection) -> tuple[list[Rate], list[ZoneRow]]:
    """The rate cards and zone charts in the store (``oms rates import``)."""
    r, z = _rate_cards, _rate_zones
    rates = [
        Rate(*row)
        for row in conn.execute(
            select(
                r.c.carrier,
                r.c.service,
                r.c.zone,
                r.c.country,
                r.c.weight_from_g,
                r.c.weight_to_g,
                r.c.price_minor,
                r.c.currency,
                r.c.dim_rule,
                r.c.transit_days,
                r.c.level,
                r.c.line,
            ).order_by(r.c.id)
        )
    ]
    zones = [
        ZoneRow(*row)
        for row in conn.execute(
            select(z.c.carrier, z.c.origin_prefix, z.c.country, z.c.destination_prefix, z.c.zone, z.c.line).order_by(
                z.c.id
            )
        )
    ]
    return rates, zones


def booked_packages(conn: Connection, scope: Scope) -> list[Any]:
    """Packages packed in the period with a carrier service booked: size, weight, destination."""
    p, o = _packages, _orders
    return list(
        conn.execute(
            select(
                p.c.carrier,
                p.c.service,
                p.c.length_mm,
                p.c.width_mm,
                p.c.height_mm,
                p.c.weight_g,
                p.c.measured_weight_g,
                p.c.packed_at,
                o.c.ship_country,
                o.c.ship_postal_code,
            )
            .select_from(p.join(o, o.c.id == p.c.order_id))
            .where(
                p.c.service.is_not(None),
                p.c.packed_at.is_not(None),
                *_in_period(p.c.packed_at, scope),
                *_of_channel(p.c.order_id, scope),
            )
        )
    )
