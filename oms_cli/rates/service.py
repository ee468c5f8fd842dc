"""Rate cards in the store: import them, quote an order's parcels, choose the service that keeps the promise."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from oms_cli.core.config import Config
from oms_cli.core.errors import ConfigError, NotFound
from oms_cli.orders.service import resolve_ref
from oms_cli.packing.dimweight import rules_from_config
from oms_cli.rates.cards import Rate, RateFile, ZoneRow, read_rate_file
from oms_cli.rates.quote import (
    LEVEL_DAYS,
    CarrierRule,
    Parcel,
    Place,
    Quote,
    add_business_days,
    cheapest_keeping_promise,
    quote_services,
)
from oms_cli.store import tables
from oms_cli.store.engine import Store
from oms_cli.store.types import utcnow

rates_t = tables.rate_cards
zones_t = tables.rate_zones


def _dim_rules(config: Config) -> dict[str, Any]:
    packing = config.get("packing", {}) or {}
    return rules_from_config(packing.get("dim_weight") or {})


@dataclass
class RatesImport:
    """What ``oms rates import`` did."""

    file: str
    kind: str  # rates | zones
    carriers: list[str]
    rows: int
    replaced: int
    unchanged: bool = False

    def to_json(self) -> dict[str, Any]:
        """JSON-ready plain data."""
        return {
            "file": self.file,
            "kind": self.kind,
            "carriers": self.carriers,
            "rows": self.rows,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
        }


def import_rates(store: Store, config: Config, path: str) -> RatesImport:
    """Load a rate card or zone chart; it replaces what the store had for the carriers it names.

    The file is checked whole before anything is written, and written in one
    transaction: a bad file changes nothing, and importing the same file again
    gives the same tables.
    """
    file = Path(path)
    if not file.is_file():
        raise NotFound(f"{path}: no such file")
    with file.open(encoding="utf-8-sig", newline="") as handle:
        parsed: RateFile = read_rate_file(handle, path, _dim_rules(config))
    table = rates_t if parsed.kind == "rates" else zones_t
    now = utcnow()
    if parsed.kind == "rates":
        rows = [
            {
                "carrier": r.carrier,
                "service": r.service,
                "zone": r.zone,
                "country": r.country,
                "weight_from_g": r.weight_from_g,
                "weight_to_g": r.weight_to_g,
                "price_minor": r.price_minor,
                "currency": r.currency,
                "dim_rule": r.dim_rule,
                "transit_days": r.transit_days,
                "level": r.level,
                "source": file.name,
                "line": r.line,
                "imported_at": now,
            }
            for r in parsed.rates
        ]
    else:
        rows = [
            {
                "carrier": z.carrier,
                "origin_prefix": z.origin_prefix,
                "country": z.country,
                "destination_prefix": z.destination_prefix,
                "zone": z.zone,
                "source": file.name,
                "line": z.line,
                "imported_at": now,
            }
            for z in parsed.zones
        ]
    compared = [c for c in rows[0] if c not in ("source", "imported_at")]
    with store.connect(write=True) as conn:
        stored = conn.execute(select(*(table.c[c] for c in compared)).where(table.c.carrier.in_(parsed.carriers))).all()
        if Counter(map(tuple, stored)) == Counter(tuple(r[c] for c in compared) for r in rows):
            # the same file again: nothing to do
            return RatesImport(path, parsed.kind, parsed.carriers, len(rows), 0, unchanged=True)
        replaced = conn.execute(delete(table).where(table.c.carrier.in_(parsed.carriers))).rowcount or 0
        conn.execute(insert(table), rows)
    return RatesImport(path, parsed.kind, parsed.carriers, len(rows), replaced)


def load_rates(conn: Connection) -> tuple[list[Rate], list[ZoneRow]]:
    """Every rate band and zone row in the store."""
    rates = [
        Rate(
            r.carrier,
            r.service,
            r.zone,
            r.country,
            r.weight_from_g,
            r.weight_to_g,
            r.price_minor,
            r.currency,
            r.dim_rule,
            r.transit_days,
            r.level,
            r.line,
        )
        for r in conn.execute(select(rates_t).order_by(rates_t.c.id))
    ]
    zones = [
        ZoneRow(z.carrier, z.origin_prefix, z.country, z.destination_prefix, z.zone, z.line)
        for z in conn.execute(select(zones_t).order_by(zones_t.c.id))
    ]
    return rates, zones


def carrier_rules(config: Config) -> list[CarrierRule]:
    """``shipping.carrier_rules``: per destination country, carriers to prefer or exclude."""
    entries = (config.get("shipping", {}) or {}).get("carrier_rules") or []
    if not isinstance(entries, list):
        raise ConfigError("shipping.carrier_rules: must be a list of {country, prefer, exclude}")
    rules = []
    for n, entry in enumerate(entries):
        key = f"shipping.carrier_rules[{n}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("country"), str):
            raise ConfigError(f"{key}.country: must be a two-letter country code or '*'")
        unknown = set(entry) - {"country", "prefer", "exclude"}
        if unknown:
            raise ConfigError(f"{key}.{sorted(unknown)[0]}: is not a known key (known: country, prefer, exclude)")
        lists = {}
        for name in ("prefer", "exclude"):
            value = entry.get(name) or []
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{key}.{name}: must be a carrier or a list of carriers")
            lists[name] = tuple(v.lower() for v in value)
        rules.append(CarrierRule(entry["country"].upper(), lists["prefer"], lists["exclude"]))
    return rules


def origin_of(config: Config) -> Place:
    """Where parcels leave from: the shop's address."""
    address = (config.get("shop", {}) or {}).get("address") or {}
    return Place(str(address.get("country") or "").upper(), address.get("postal_code"))


@dataclass
class OrderQuote:
    """Each service's price for an order's packages, and the one that keeps the promise at the lowest price."""

    ref: str
    status: str
    level: str
    ship_by: datetime | None
    ship_on: date
    deliver_by: date | None
    recorded: bool  # the packages as packed (else as planned)
    parcels: list[Parcel]
    quotes: list[Quote]
    chosen: Quote | None
    unpacked: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready plain data (``oms rates quote REF --json``)."""
        return {
            "order": self.ref,
            "status": self.status,
            "service_level": self.level,
            "ship_by": self.ship_by.isoformat() if self.ship_by else None,
            "ship_on": self.ship_on.isoformat(),
            "deliver_by": self.deliver_by.isoformat() if self.deliver_by else None,
            "packages": "recorded" if self.recorded else "planned",
            "parcels": [{"outer": list(p.outer_mm), "weight_g": p.weight_g} for p in self.parcels],
            "quotes": [quote_json(q) for q in self.quotes],
            "chosen": quote_json(self.chosen) if self.chosen else None,
            "unpacked": self.unpacked,
        }


def quote_json(q: Quote) -> dict[str, Any]:
    """One quote as JSON-ready plain data (amounts as decimal strings)."""
    return q.to_json()


def choose_for_packing(
    conn: Connection, config: Config, row: Any, parcels: list[tuple[tuple[int, int, int], int]], now: datetime
) -> tuple[bool, Quote | None]:
    """:func:`choose_service` in the shape ``pack verify`` calls it (packing does not import rates)."""
    return choose_service(conn, config, row, [Parcel(outer, weight) for outer, weight in parcels], now=now)


def _promise(row: Any) -> tuple[str, date | None]:
    """The order's service level and the date it promised delivery by (None: no ship-by date yet)."""
    level = row.service_level or "standard"
    deliver_by = add_business_days(row.ship_by.date(), LEVEL_DAYS.get(level, 5)) if row.ship_by else None
    return level, deliver_by


def _quotes(
    config: Config, row: Any, rates: list[Rate], zones: list[ZoneRow], parcels: list[Parcel], ship_on: date
) -> list[Quote]:
    level, deliver_by = _promise(row)
    destination = Place((row.ship_country or "").upper(), row.ship_postal_code)
    return quote_services(
        parcels, rates, zones, origin_of(config), destination, _dim_rules(config), ship_on, deliver_by, level
    )


def choose_service(
    conn: Connection,
    config: Config,
    row: Any,
    parcels: list[Parcel],
    *,
    carrier: str | None = None,
    now: datetime | None = None,
) -> tuple[bool, Quote | None]:
    """(whether the store has rate cards, the cheapest service that keeps the order's promise).

    With ``carrier``, only that carrier's services are considered (``oms ship``
    names the carrier whose tracking number it records).
    """
    rates, zones = load_rates(conn)
    if carrier is not None:
        rates = [r for r in rates if r.carrier == carrier.lower()]
    if not rates:
        return False, None
    quotes = _quotes(config, row, rates, zones, parcels, (now or utcnow()).date())
    country = (row.ship_country or "").upper()
    return True, cheapest_keeping_promise(quotes, country, carrier_rules(config))


def quote_order(store: Store, config: Config, ref: str, *, now: datetime | None = None) -> OrderQuote:
    """Price every service for the order's packed (or planned) packages. Changes nothing."""
    from oms_cli.packing.service import plan_order

    plan = plan_order(store, config, ref)
    with store.connect(write=False) as conn:
        row = resolve_ref(conn, ref)
        rates, zones = load_rates(conn)
    if not rates:
        raise NotFound("no rate cards in the store", hint="load one with: oms rates import FILE")
    ship_on = (now or utcnow()).date()
    level, deliver_by = _promise(row)
    parcels = [Parcel((p.box.outer_length, p.box.outer_width, p.box.outer_height), p.weight_g) for p in plan.packages]
    quotes = _quotes(config, row, rates, zones, parcels, ship_on)
    chosen = cheapest_keeping_promise(quotes, (row.ship_country or "").upper(), carrier_rules(config))
    return OrderQuote(
        plan.ref,
        row.status,
        level,
        row.ship_by,
        ship_on,
        deliver_by,
        plan.recorded,
        parcels,
        quotes,
        chosen,
        plan.unpacked,
    )
