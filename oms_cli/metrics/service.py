"""Build the fulfilment report: one read transaction, the fact queries, the definitions.

The report is plain JSON-ready data (times as ISO 8601 UTC strings, money as decimal
strings) so every output -- table, CSV, JSON, PDF -- renders the very same values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from oms_cli.core.config import Config
from oms_cli.core.errors import UsageError
from oms_cli.core.gcpause import collector_paused
from oms_cli.core.money import exponent
from oms_cli.importers.service_levels import SERVICE_LEVELS
from oms_cli.metrics import definitions as d
from oms_cli.metrics import facts
from oms_cli.metrics.periods import BY_CHOICES, auto_by, buckets
from oms_cli.packing.dimweight import rules_from_config
from oms_cli.rates.quote import Parcel, Place, quote_services
from oms_cli.release.schedule import shop_timezone
from oms_cli.store.engine import Store
from oms_cli.store.types import utcnow


@dataclass(frozen=True)
class ReportRequest:
    """What the person asked for: a period (aware UTC; None = open end), a bucket size
    for the series (None = chosen from the period's length) and optionally one channel."""

    since: datetime | None = None
    until: datetime | None = None
    by: str | None = None
    channel: str | None = None


def build_report(
    store: Store,
    request: ReportRequest,
    *,
    min_orders: int = 5,
    timezone_name: str = "UTC",
    now: datetime | None = None,
    config: Config | None = None,
) -> dict[str, Any]:
    """The fulfilment report for the request, as plain JSON-ready data.

    With ``config`` (the shop's address and dimensional-weight rules) the report prices
    the money lost to dimensional weight by the rate cards in the store.
    """
    tz = shop_timezone(timezone_name)
    now = now or utcnow()
    until = request.until or now
    if request.since is not None and request.since >= until:
        raise UsageError(f"--since ({_iso(request.since)}) must be before --until ({_iso(until)})")
    if request.by is not None and request.by not in BY_CHOICES:
        raise UsageError(f"--by must be one of {', '.join(BY_CHOICES)}, not '{request.by}'")
    scope = facts.Scope(request.since, until, request.channel)

    window = d.Window(_naive(request.since), until.astimezone(UTC).replace(tzinfo=None))
    with collector_paused(), store.connect(write=False) as conn:
        orders = facts.order_timelines(conn, scope)
        since = request.since or facts.first_placed(conn, request.channel)
        overdue = facts.overdue_now(conn, now, request.channel)
        lists = facts.pick_lists_done(conn, scope)
        picked = facts.picked_orders(conn, scope)
        verify = facts.verify_scans(conn, scope)
        boxes, weight = facts.packages_packed(conn, scope)
        shipping = facts.shipping_cost(conn, scope)
        stars = facts.ratings(conn, scope)
        problems = facts.problems(conn, scope)
        reasons = facts.return_reasons(conn, scope)
        shipped_ids = {orders.order_id[i] for i in d.shipped(orders, window)}
        returned = facts.returned_orders(conn, shipped_ids)
        messages = facts.notifications(conn, scope)
        booked = facts.booked_packages(conn, scope) if config is not None else []
        rate_tables = facts.rate_tables(conn) if booked else ([], [])
    dim_costs = _dim_weight_costs(booked, *rate_tables, config) if config is not None else []

    by = request.by or (auto_by(since, until) if since is not None and since < until else "day")
    report: dict[str, Any] = {
        "period": {
            "since": since,
            "until": until,
            "by": by,
            "channel": request.channel,
            "timezone": timezone_name,
            "generated_at": now,
        },
        "min_orders": min_orders,
        "volume": d.volume(orders, window),
        **d.steps(orders, window, min_orders),
        "promises": d.promises(orders, window, SERVICE_LEVELS, overdue, min_orders),
        "late": d.late_orders(orders, window),
        "picking": _picking(lists, picked, min_orders),
        "packing": d.packing(verify, min_orders),
        "packaging": d.packaging(boxes, weight, min_orders),
        "shipping_cost": _shipping_cost(shipping, min_orders),
        "dim_weight_cost": _dim_weight_cost(dim_costs, min_orders),
        **_after_delivery(stars, problems, len(shipped_ids), returned, reasons, min_orders),
        "notifications": _notifications(messages),
        "series": d.series(orders, window, buckets(since, until, by, tz), min_orders)
        if since is not None and since < until
        else [],
    }
    return _plain(report)


def _naive(at: datetime | None) -> datetime | None:
    return None if at is None else at.astimezone(UTC).replace(tzinfo=None)


def _picking(lists: list[d.PickListFacts], picked: dict[str | None, int], min_orders: int) -> dict[str, Any]:
    pickers: dict[str, list[d.PickListFacts]] = {}
    for pl in lists:
        pickers.setdefault(pl.picker or "(none)", []).append(pl)
    return {
        "all_channels": True,
        "all": d.picking(lists, picked.get("*", 0), min_orders),
        "by_picker": [
            {"picker": name, **d.picking(group, picked.get(None if name == "(none)" else name, 0), min_orders)}
            for name, group in sorted(pickers.items())
        ],
    }


def _shipping_cost(rows: list[d.ShippingCostFacts], min_orders: int) -> list[dict[str, Any]]:
    out = []
    for s in rows:
        e = exponent(s.currency)
        out.append(
            {
                "currency": s.currency or "",
                "orders": s.orders,
                "cost_per_order": d.cost_per_order(s, e),
                "charged_per_order": d.charged_per_order(s, e),
                "margin_per_order": d.margin_per_order(s, e),
                "low_sample": d.stats.is_low_sample(s.orders, min_orders),
            }
        )
    return out


def _dim_weight_costs(
    booked: list[Any], rates: list[Any], zones: list[Any], config: Config
) -> list[tuple[str | None, int, int]]:
    """Per currency: (currency, packages, money lost to dimensional weight in minor units) of the
    booked packages whose carrier service the rate cards price."""
    if not booked or not rates:
        return []
    by_service: dict[tuple[str, str], list[Any]] = {}
    for rate in rates:
        by_service.setdefault((rate.carrier, rate.service), []).append(rate)
    address = (config.get("shop", {}) or {}).get("address") or {}
    origin = Place(str(address.get("country") or "").upper(), address.get("postal_code"))
    rules = rules_from_config((config.get("packing", {}) or {}).get("dim_weight") or {})
    totals: dict[str | None, list[int]] = {}
    for row in booked:
        offered = by_service.get((row.carrier, row.service))
        if not offered:
            continue
        parcel = Parcel((row.length_mm, row.width_mm, row.height_mm), row.measured_weight_g or row.weight_g)
        destination = Place((row.ship_country or "").upper(), row.ship_postal_code)
        (quote,) = quote_services([parcel], offered, zones, origin, destination, rules, row.packed_at.date(), None)
        if quote.price_minor is None:
            continue
        total = totals.setdefault(quote.currency, [0, 0])
        total[0] += 1
        total[1] += quote.dim_cost_minor
    return [(currency, n, lost) for currency, (n, lost) in sorted(totals.items(), key=lambda t: t[0] or "")]


def _dim_weight_cost(rows: list[tuple[str | None, int, int]], min_orders: int) -> list[dict[str, Any]]:
    out = []
    for currency, packages, lost in rows:
        s = d.DimWeightCostFacts(currency, packages, lost)
        e = exponent(currency)
        out.append(
            {
                "currency": currency or "",
                "packages": packages,
                "lost": d.dim_weight_lost(s, e),
                "lost_per_package": d.dim_weight_lost_per_package(s, e),
                "low_sample": d.stats.is_low_sample(packages, min_orders),
            }
        )
    return out


def _after_delivery(
    stars: dict[int, int],
    problems: dict[str, int],
    shipped: int,
    returned: int,
    reasons: dict[str, int],
    min_orders: int,
) -> dict[str, Any]:
    responses = sum(stars.values())
    low = d.stats.is_low_sample(responses, min_orders)
    return {
        "feedback": {"responses": responses, "average": d.average_rating(stars), "low_sample": low},
        "ratings": [
            {
                "stars": n,
                "responses": stars.get(n, 0),
                "share": d.rating_share(stars.get(n, 0), responses),
                "low_sample": low,
            }
            for n in (5, 4, 3, 2, 1)
        ],
        "problems": problems,
        "returns": {
            "shipped": shipped,
            "returned": returned,
            "rate": d.returns_rate(returned, shipped),
            "low_sample": d.stats.is_low_sample(shipped, min_orders),
        },
        "return_reasons": [
            {"reason": reason, "returns": n} for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def _notifications(by_status: dict[str, int]) -> dict[str, int]:
    return {
        "sent": by_status.get("sent", 0),
        "failed": by_status.get("failed", 0),
        # "sending" is a message claimed by a sender right now: not sent yet.
        "queued": by_status.get("queued", 0) + by_status.get("sending", 0),
    }


def _iso(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _plain(value: Any) -> Any:
    """JSON-ready copy: datetimes as ISO UTC strings (naive means UTC), Decimals as strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return value
