"""Carrier rate cards and zone charts: reading the owner's CSV files, checked whole.

A rate card lists, per carrier and service, the price of a parcel up to each
weight break, for a zone or a destination country, with the carrier's
dimensional-weight rule (the weight the price is looked up by is the billable
weight, see :mod:`oms_cli.packing.dimweight`). A zone chart says which zone a
destination is in, by origin and destination postal prefix.

Every problem raises ``BadInput`` as ``file:line:column: <column> message``
(column counted from 1), and a file with any problem is refused whole.

Pure module: text in, dataclasses out; no database, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from oms_cli.catalog.units import parse_measure
from oms_cli.core.csvrows import csv_header, numbered_rows
from oms_cli.core.errors import BadInput
from oms_cli.core.money import exponent

SERVICE_LEVELS = ("standard", "expedited", "next_day")

#: ISO 4217 currency codes in use (funds and metals left out).
CURRENCIES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
    CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF
    GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP
    LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB
    PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL
    THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW
    ZWG""".split()
)

RATE_COLUMNS = ("carrier", "service", "weight_break", "price", "currency", "dim_rule")
RATE_OPTIONAL = ("zone", "country", "weight_from", "transit_days", "level")
ZONE_COLUMNS = ("carrier", "country", "zone")
ZONE_OPTIONAL = ("origin_prefix", "destination_prefix")
_ALIASES = {
    "weight_break_kg": "weight_break",
    "max_weight": "weight_break",
    "up_to": "weight_break",
    "weight_from_kg": "weight_from",
    "dim_weight_rule": "dim_rule",
    "dim_weight": "dim_rule",
    "days": "transit_days",
    "service_level": "level",
    "destination_country": "country",
    "origin": "origin_prefix",
    "destination": "destination_prefix",
    "origin_postal_prefix": "origin_prefix",
    "destination_postal_prefix": "destination_prefix",
}


@dataclass(frozen=True)
class Rate:
    """The price of one parcel of a service over ``weight_from_g`` up to ``weight_to_g`` (billable grams)."""

    carrier: str
    service: str
    zone: str | None  # a zone of the carrier's zone chart, or
    country: str | None  # a destination country (ISO alpha-2)
    weight_from_g: int
    weight_to_g: int
    price_minor: int
    currency: str
    dim_rule: str  # a dimensional-weight rule's name (packing.dim_weight), or "none"
    transit_days: int | None  # business days from hand-over to delivery
    level: str  # the service level this service delivers: standard | expedited | next_day
    line: int = 0


@dataclass(frozen=True)
class ZoneRow:
    """Parcels of ``carrier`` from postal codes starting ``origin_prefix`` to ``country`` codes starting ``destination_prefix`` are in ``zone``."""

    carrier: str
    origin_prefix: str
    country: str
    destination_prefix: str
    zone: str
    line: int = 0


@dataclass
class RateFile:
    """What one file held: rates or zone rows (one kind per file)."""

    kind: str  # "rates" | "zones"
    rates: list[Rate]
    zones: list[ZoneRow]

    @property
    def carriers(self) -> list[str]:
        """The carriers the file speaks for, in the order it first names them."""
        rows: Sequence[Rate | ZoneRow] = self.rates if self.kind == "rates" else self.zones
        return list(dict.fromkeys(r.carrier for r in rows))


def _header(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lstrip("\ufeff").lower())


def postal_key(text: str | None) -> str:
    """A postal code as compared with prefixes: upper case, no spaces or dashes."""
    return re.sub(r"[\s\-]", "", text or "").upper()


class _Where:
    """Names a cell as file:line:column."""

    def __init__(self, file: str, headers: list[str], cols: dict[str, int]) -> None:
        self.file = file
        self.headers = headers
        self.cols = cols

    def error(self, line: int, column: str | None, message: str) -> BadInput:
        if column is None:
            return BadInput(f"{self.file}:{line}: {message}")
        index = self.cols[column]
        return BadInput(f"{self.file}:{line}:{index + 1}: {self.headers[index].strip()} {message}")


def _columns(headers: list[str], file: str, required: Sequence[str], optional: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, raw in enumerate(headers):
        h = _header(raw)
        if not h:
            continue
        name = _ALIASES.get(h, h)
        if name not in required and name not in optional:
            known = ", ".join([*required, *optional])
            raise BadInput(f"{file}:1:{i + 1}: {raw.strip()} is not a known column (known: {known})")
        if name in found:
            raise BadInput(f"{file}:1:{i + 1}: {raw.strip()} appears twice")
        found[name] = i
    missing = [c for c in required if c not in found]
    if missing:
        raise BadInput(
            f"{file}:1:{len(headers) + 1}: no '{missing[0]}' column in the header (needed: {', '.join(required)})"
        )
    return found


def _cell(row: list[str], cols: dict[str, int], name: str) -> str:
    index = cols.get(name)
    return row[index].strip() if index is not None and index < len(row) else ""


def read_rate_file(lines: Iterable[str], file: str, dim_rules: Iterable[str]) -> RateFile:
    """Read a rate card (has a ``price`` column) or a zone chart (``zone`` without ``price``), checked whole.

    ``dim_rules`` are the names a ``dim_rule`` cell may give (besides ``none``).
    """
    headers, reader = csv_header(lines, file)
    names = {_ALIASES.get(_header(h), _header(h)) for h in headers}
    if "price" not in names and "zone" in names and "weight_break" not in names:
        return RateFile("zones", [], _read_zones(headers, reader, file))
    return RateFile("rates", _read_rates(headers, reader, file, set(dim_rules)), [])


def _weight(where: _Where, line: int, column: str, text: str) -> int:
    if not text:
        raise where.error(line, column, "is empty")
    try:
        grams = parse_measure(text, "weight", "kg")
    except ValueError as exc:
        raise where.error(line, column, str(exc)) from None
    if grams < 0:
        raise where.error(line, column, f"'{text}' must not be negative")
    return grams


def _read_rates(headers: list[str], reader: object, file: str, dim_rules: set[str]) -> list[Rate]:
    cols = _columns(headers, file, RATE_COLUMNS, RATE_OPTIONAL)
    if "zone" not in cols and "country" not in cols:
        raise BadInput(f"{file}:1:{len(headers) + 1}: no 'zone' or 'country' column in the header (one is needed)")
    where = _Where(file, headers, cols)
    rates: list[Rate] = []
    for line, row in numbered_rows(reader, file):
        carrier = _cell(row, cols, "carrier").lower()
        if not carrier:
            raise where.error(line, "carrier", "is empty")
        service = _cell(row, cols, "service")
        if not service:
            raise where.error(line, "service", "is empty")
        zone = _cell(row, cols, "zone") or None
        country = _cell(row, cols, "country").upper() or None
        if (zone is None) == (country is None):
            column = "zone" if "zone" in cols else "country"
            raise where.error(line, column, "and country: give exactly one of them")
        if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
            raise where.error(line, "country", f"'{country}' is not a two-letter country code")
        currency = _cell(row, cols, "currency").upper()
        if currency not in CURRENCIES:
            raise where.error(line, "currency", f"'{currency}' is not a known ISO 4217 currency code")
        price_text = _cell(row, cols, "price")
        try:
            price = Decimal(price_text)
        except InvalidOperation:
            raise where.error(line, "price", f"'{price_text}' is not an amount") from None
        if not price.is_finite():
            raise where.error(line, "price", f"'{price_text}' is not an amount")
        if price < 0:
            raise where.error(line, "price", f"'{price_text}' is negative")
        scaled = price.scaleb(exponent(currency))
        if scaled != scaled.to_integral_value():
            raise where.error(line, "price", f"'{price_text}' has more decimals than {currency} has")
        to_g = _weight(where, line, "weight_break", _cell(row, cols, "weight_break"))
        if to_g == 0:
            raise where.error(line, "weight_break", "must be more than 0")
        from_text = _cell(row, cols, "weight_from")
        from_g = _weight(where, line, "weight_from", from_text) if from_text else -1
        if from_g >= to_g:
            raise where.error(line, "weight_from", f"is not below the weight break ({from_text} >= {to_g} g)")
        rule = _cell(row, cols, "dim_rule").lower()
        if rule != "none" and rule not in dim_rules:
            raise where.error(
                line,
                "dim_rule",
                f"'{rule}' is not a dimensional-weight rule (known: none, {', '.join(sorted(dim_rules))})",
            )
        days_text = _cell(row, cols, "transit_days")
        days: int | None = None
        if days_text:
            if not days_text.isdigit():
                raise where.error(line, "transit_days", f"'{days_text}' is not a whole number of days")
            days = int(days_text)
        level = _cell(row, cols, "level").lower().replace("-", "_").replace(" ", "_") or "standard"
        if level not in SERVICE_LEVELS:
            raise where.error(line, "level", f"'{level}' is not one of {', '.join(SERVICE_LEVELS)}")
        rates.append(
            Rate(carrier, service, zone, country, from_g, to_g, int(scaled), currency, rule, days, level, line)
        )
    if not rates:
        raise BadInput(f"{file}: has no rates (only a header)")
    return _bands(rates, where)


def _bands(rates: list[Rate], where: _Where) -> list[Rate]:
    """Give each rate its lower bound (the previous break unless weight_from says), refusing overlaps."""
    first_of: dict[tuple[str, str], Rate] = {}
    groups: dict[tuple[str, str, str | None, str | None], list[Rate]] = {}
    for rate in rates:
        # one service has one currency, one dimensional-weight rule and one level
        first = first_of.setdefault((rate.carrier, rate.service), rate)
        for column in ("currency", "dim_rule", "level"):
            if getattr(rate, column) != getattr(first, column) and column in where.cols:
                raise where.error(
                    rate.line,
                    column,
                    f"'{getattr(rate, column)}' differs from line {first.line} ('{getattr(first, column)}') "
                    f"for {rate.carrier} {rate.service}",
                )
        groups.setdefault((rate.carrier, rate.service, rate.zone, rate.country), []).append(rate)
    done: dict[int, Rate] = {}
    for (carrier, service, zone, country), group in groups.items():
        previous: Rate | None = None
        for rate in sorted(group, key=lambda r: (r.weight_to_g, r.line)):
            low = rate.weight_from_g if rate.weight_from_g >= 0 else (previous.weight_to_g if previous else 0)
            if previous is not None and (low < previous.weight_to_g or rate.weight_to_g == previous.weight_to_g):
                place = zone if zone is not None else country
                column = "weight_from" if rate.weight_from_g >= 0 else "weight_break"
                raise where.error(
                    rate.line,
                    column,
                    f"overlaps line {previous.line}: {carrier} {service} {place} already has a band up to "
                    f"{previous.weight_to_g} g",
                )
            fixed = Rate(**{**rate.__dict__, "weight_from_g": low})
            done[rate.line] = fixed
            previous = fixed
    return [done[r.line] for r in rates]


def _read_zones(headers: list[str], reader: object, file: str) -> list[ZoneRow]:
    cols = _columns(headers, file, ZONE_COLUMNS, ZONE_OPTIONAL)
    where = _Where(file, headers, cols)
    rows: list[ZoneRow] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for line, row in numbered_rows(reader, file):
        carrier = _cell(row, cols, "carrier").lower()
        if not carrier:
            raise where.error(line, "carrier", "is empty")
        country = _cell(row, cols, "country").upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise where.error(line, "country", f"'{country}' is not a two-letter country code")
        zone = _cell(row, cols, "zone")
        if not zone:
            raise where.error(line, "zone", "is empty")
        origin = postal_key(_cell(row, cols, "origin_prefix"))
        destination = postal_key(_cell(row, cols, "destination_prefix"))
        key = (carrier, origin, country, destination)
        if key in seen:
            column = "destination_prefix" if "destination_prefix" in cols else "country"
            raise where.error(line, column, f"repeats line {seen[key]} (the same carrier, origin and destination)")
        seen[key] = line
        rows.append(ZoneRow(carrier, origin, country, destination, zone, line))
    if not rows:
        raise BadInput(f"{file}: has no zones (only a header)")
    return rows
