"""What each carrier service charges for an order's parcels, when it delivers, and which keeps the promise.

Pure module: rate cards, zone rows and parcels in, quotes out; no database, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from oms_cli.core.money import from_minor
from oms_cli.packing.dimweight import DimWeightRule, billable_weight_g
from oms_cli.rates.cards import Rate, ZoneRow, postal_key

#: How fast each level is: a service delivering an order of this level takes at most this many business days.
LEVEL_DAYS = {"next_day": 1, "expedited": 2, "standard": 5}


@dataclass(frozen=True)
class Parcel:
    """One package as the carrier sees it: outer size in mm, gross weight in g."""

    outer_mm: tuple[int, int, int]
    weight_g: int


@dataclass(frozen=True)
class Place:
    """Where a parcel leaves from or goes to."""

    country: str
    postal_code: str | None = None


@dataclass
class Quote:
    """One service's offer for all the order's parcels (``price_minor`` None: it cannot take them)."""

    carrier: str
    service: str
    level: str
    zone: str | None
    currency: str | None = None
    price_minor: int | None = None
    # the price at the parcels' actual weight: price_minor minus this is what dimensional weight costs
    actual_price_minor: int | None = None
    billable_g: int = 0
    actual_g: int = 0
    transit_days: int | None = None
    delivery: date | None = None
    keeps_promise: bool | None = None
    reason: str | None = None
    parcels: list[int] = field(default_factory=list)  # billable grams per parcel
    prices: list[int] = field(default_factory=list)  # price per parcel, minor units

    def to_json(self) -> dict[str, Any]:
        """JSON-ready plain data (amounts as decimal strings in the currency)."""
        return {
            "carrier": self.carrier,
            "service": self.service,
            "level": self.level,
            "zone": self.zone,
            "currency": self.currency,
            "price": _amount(self.price_minor, self.currency),
            "price_at_actual_weight": _amount(self.actual_price_minor, self.currency),
            "dim_weight_cost": _amount(self.dim_cost_minor, self.currency) if self.price_minor is not None else None,
            "billable_weight_g": self.billable_g,
            "actual_weight_g": self.actual_g,
            "transit_days": self.transit_days,
            "delivery": self.delivery.isoformat() if self.delivery else None,
            "keeps_promise": self.keeps_promise,
            "reason": self.reason,
        }

    @property
    def dim_cost_minor(self) -> int:
        """Money lost to dimensional weight: the price above what the actual weight would cost."""
        if self.price_minor is None or self.actual_price_minor is None:
            return 0
        return self.price_minor - self.actual_price_minor


def _amount(minor: int | None, currency: str | None) -> str | None:
    if minor is None:
        return None
    return str(from_minor(minor, currency))


def add_business_days(start: date, days: int) -> date:
    """The date ``days`` business days (Monday to Friday) after ``start``."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def next_business_day(day: date) -> date:
    """``day`` if it is a weekday, else the Monday after."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def zone_of(zones: Sequence[ZoneRow], carrier: str, origin: Place, destination: Place) -> str | None:
    """The carrier's zone for a parcel from ``origin`` to ``destination``: the longest matching prefixes win."""
    origin_key = postal_key(origin.postal_code)
    destination_key = postal_key(destination.postal_code)
    best: tuple[int, int] | None = None
    found: str | None = None
    for row in zones:
        if row.carrier != carrier or row.country != destination.country:
            continue
        if not origin_key.startswith(row.origin_prefix) or not destination_key.startswith(row.destination_prefix):
            continue
        rank = (len(row.destination_prefix), len(row.origin_prefix))
        if best is None or rank > best:
            best, found = rank, row.zone
    return found


def _price(bands: Sequence[Rate], grams: int) -> Rate | None:
    for rate in bands:
        if rate.weight_from_g < grams <= rate.weight_to_g or (grams == 0 and rate.weight_from_g == 0):
            return rate
    return None


def quote_services(
    parcels: Sequence[Parcel],
    rates: Sequence[Rate],
    zones: Sequence[ZoneRow],
    origin: Place,
    destination: Place,
    dim_rules: Mapping[str, DimWeightRule | None],
    ship_on: date,
    deliver_by: date | None,
    level: str = "standard",
) -> list[Quote]:
    """Every service's quote for the parcels, cheapest first (those that cannot take them last).

    A service keeps the promise when it delivers by ``deliver_by`` (if given) and
    is no slower than the order's ``level`` promises (:data:`LEVEL_DAYS`): an
    expedited or next-day order never gets a slower service.
    """
    services: dict[tuple[str, str], list[Rate]] = {}
    for rate in rates:
        services.setdefault((rate.carrier, rate.service), []).append(rate)
    quotes: list[Quote] = []
    for (carrier, service), offered in services.items():
        by_country = [r for r in offered if r.country == destination.country]
        zone = None
        bands = by_country
        if not bands:
            zone = zone_of(zones, carrier, origin, destination)
            bands = [r for r in offered if zone is not None and r.zone == zone]
        quote = Quote(carrier, service, offered[0].level, zone)
        if not bands:
            if zone is not None:
                quote.reason = f"has no rates for zone {zone}"
            elif any(r.zone is not None for r in offered):
                # priced by zone, but the zone chart has no row for this trip
                to = " ".join(filter(None, (destination.country, destination.postal_code)))
                quote.reason = (
                    f"no zone in the {carrier} zone chart from {origin.postal_code or origin.country} to {to}"
                )
            else:
                quote.reason = f"does not serve {destination.country}"
            quotes.append(quote)
            continue
        bands = sorted(bands, key=lambda r: r.weight_to_g)
        first = bands[0]
        quote.currency = first.currency
        quote.transit_days = first.transit_days
        rule = dim_rules.get(first.dim_rule) if first.dim_rule != "none" else None
        total = actual_total = 0
        for parcel in parcels:
            billable = billable_weight_g(parcel.outer_mm, parcel.weight_g, rule)
            quote.parcels.append(billable)
            quote.billable_g += billable
            quote.actual_g += parcel.weight_g
            band = _price(bands, billable)
            if band is None:
                quote.reason = f"takes parcels up to {bands[-1].weight_to_g} g, not {billable} g (billable)"
                break
            total += band.price_minor
            quote.prices.append(band.price_minor)
            at_actual = _price(bands, billable_weight_g(parcel.outer_mm, parcel.weight_g, None))
            actual_total += (at_actual or band).price_minor
        else:
            quote.price_minor = total
            quote.actual_price_minor = actual_total
        if quote.transit_days is not None:
            quote.delivery = add_business_days(next_business_day(ship_on), quote.transit_days)
        if quote.price_minor is not None:
            fast_enough = quote.transit_days is not None and quote.transit_days <= LEVEL_DAYS.get(level, 5)
            on_time = deliver_by is None or (quote.delivery is not None and quote.delivery <= deliver_by)
            quote.keeps_promise = fast_enough and on_time
        quotes.append(quote)
    quotes.sort(key=lambda q: (q.price_minor is None, q.price_minor or 0, q.transit_days or 99, q.carrier, q.service))
    return quotes


@dataclass(frozen=True)
class CarrierRule:
    """Config: for parcels to ``country`` (``*``: anywhere), prefer or exclude carriers."""

    country: str
    prefer: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


def cheapest_keeping_promise(quotes: Sequence[Quote], country: str, rules: Sequence[CarrierRule] = ()) -> Quote | None:
    """The cheapest quote that keeps the promise, after the carrier rules for ``country``.

    Excluded carriers are never chosen. Among the rest, a preferred carrier that
    keeps the promise wins over a cheaper one that is not preferred.
    """
    applying = [r for r in rules if r.country in (country, "*")]
    # a rule for the country itself comes before one for anywhere
    applying.sort(key=lambda r: r.country == "*")
    excluded = {c for r in applying for c in r.exclude}
    preferred: list[str] = []
    for r in applying:
        preferred += [c for c in r.prefer if c not in preferred]
    candidates = [q for q in quotes if q.keeps_promise and q.price_minor is not None and q.carrier not in excluded]
    for carrier in preferred:
        mine = [q for q in candidates if q.carrier == carrier]
        if mine:
            return min(mine, key=lambda q: (q.price_minor or 0, q.transit_days or 99))
    if not candidates:
        return None
    return min(candidates, key=lambda q: (q.price_minor or 0, q.transit_days or 99, q.carrier, q.service))
