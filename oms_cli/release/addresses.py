"""Does an address have what the carrier needs? Required fields, a two-letter country,
a state or province where carriers want one, and a postal code of the country's shape.

Pure module: no database, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from oms_cli.core.errors import ConfigError

#: canonical address fields a config may list under ``release.address_required``
ADDRESS_FIELDS = (
    "name",
    "company",
    "address1",
    "address2",
    "address3",
    "city",
    "province",
    "postal_code",
    "country",
    "phone",
)

_FIELD_WORDS = {
    "name": "name",
    "address1": "street address",
    "city": "city",
    "postal_code": "postal code",
    "country": "country",
    "province": "state/province",
    "phone": "phone",
    "company": "company",
    "address2": "address line 2",
    "address3": "address line 3",
}

#: country -> postal code shape (upper-cased input; blanks as written)
POSTCODE_PATTERNS: dict[str, re.Pattern[str]] = {
    code: re.compile(pattern)
    for code, pattern in {
        "US": r"^\d{5}(?:-\d{4})?$",
        "CA": r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$",
        "GB": r"^(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$",
        "DE": r"^\d{5}$",
        "FR": r"^\d{5}$",
        "AU": r"^\d{4}$",
        "NL": r"^\d{4} ?[A-Z]{2}$",
        "BE": r"^\d{4}$",
        "AT": r"^\d{4}$",
        "CH": r"^\d{4}$",
        "DK": r"^\d{4}$",
        "NO": r"^\d{4}$",
        "ES": r"^\d{5}$",
        "IT": r"^\d{5}$",
        "FI": r"^\d{5}$",
        "SE": r"^\d{3} ?\d{2}$",
        "PL": r"^\d{2}-\d{3}$",
        "PT": r"^\d{4}-\d{3}$",
        "JP": r"^\d{3}-?\d{4}$",
        "NZ": r"^\d{4}$",
        "IE": r"^(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}$",
    }.items()
}

#: countries with no postal codes in common use, where an empty one is fine
NO_POSTCODE = frozenset(
    "AE AG AO AW BF BI BJ BO BS BW BZ CD CF CG CI CK CM DJ DM ER FJ GA GD GH GM GQ GY HK IE JM KI KM KN KP LC ML MO MR MW "
    "NA NR NU PA QA RW SB SC SL SO SR ST SY TD TF TG TK TL TO TT TV TZ UG VU YE ZW".split()
)

#: countries whose carriers need the state or province on the label
NEEDS_PROVINCE = frozenset({"US", "CA", "AU"})


def check_required(required: Sequence[str]) -> tuple[str, ...]:
    """The configured required fields, or ConfigError naming an unknown one."""
    out = []
    for f in required:
        if f not in ADDRESS_FIELDS:
            raise ConfigError(
                f"release.address_required: unknown field '{f}'", hint="known fields: " + ", ".join(ADDRESS_FIELDS)
            )
        out.append(f)
    return tuple(out)


def postcode_ok(country: str, postal_code: str) -> bool:
    """Whether a postal code has its country's shape (always True for countries not listed)."""
    pattern = POSTCODE_PATTERNS.get(country.upper())
    if pattern is None:
        return True
    return bool(pattern.match(postal_code.strip().upper()))


def address_problems(ship_to: Mapping[str, Any], required: Sequence[str]) -> list[str]:
    """What is missing or wrong in a shipping address, as short phrases; empty when it will do."""

    def value(f: str) -> str:
        v = ship_to.get(f)
        return str(v).strip() if v is not None else ""

    problems: list[str] = []
    country = value("country").upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        problems.append(f"country '{value('country')}' is not a two-letter ISO code")
    for f in required:
        if value(f):
            continue
        if f == "postal_code" and country in NO_POSTCODE:
            continue
        problems.append(f"no {_FIELD_WORDS.get(f, f)}")
    if country in NEEDS_PROVINCE and not value("province") and "province" not in required:
        problems.append(f"no state/province (needed for {country})")
    postcode = value("postal_code")
    if postcode and country and not postcode_ok(country, postcode):
        problems.append(f"postal code '{postcode}' does not look like a {country} postal code")
    return problems
