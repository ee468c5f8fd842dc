"""Tracking numbers: is this a plausible number for that carrier, and where can the
customer follow the parcel.

The carriers' number formats, check-digit algorithms and tracking-page templates
come from the courier definitions shipped in ``oms_cli/carriers/couriers/`` (data
from jkeen/tracking_number_data, MIT licence, kept with its LICENSE file).

Pure module: reads only its own package data, no database, no Typer/Rich.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote

__all__ = [
    "Carrier",
    "NumberFormat",
    "TrackingCheck",
    "canonical_carrier",
    "carrier_name",
    "carriers",
    "detect",
    "known_carrier",
    "normalize_number",
    "tracking_url",
    "validate",
    "validate_format",
]


@dataclass(frozen=True)
class TrackingCheck:
    """The verdict on one tracking number for one carrier."""

    valid: bool
    normalized: str  # whitespace removed, upper case: the form to store and print
    carrier: str  # canonical carrier code (or the cleaned-up code as given if unknown)
    format_name: str | None  # e.g. "UPS", "FedEx Ground", None when nothing matched
    reason: str | None  # why the number was refused, or a note; None when simply valid


@dataclass(frozen=True)
class NumberFormat:
    """One number format of one carrier, compiled from the courier data."""

    carrier: str
    id: str | None
    name: str
    pattern: re.Pattern[str]
    checksum: dict[str, Any] | None
    prepend_if: tuple[re.Pattern[str], str] | None
    required_lookups: tuple[tuple[str, str, tuple[dict[str, Any], ...]], ...]  # (name, group, lookup)
    url_template: str | None
    valid_samples: tuple[str, ...]
    invalid_samples: tuple[str, ...]


@dataclass(frozen=True)
class Carrier:
    """A carrier from the courier data: its code, display name and number formats."""

    code: str
    name: str
    formats: tuple[NumberFormat, ...]

    @property
    def url_template(self) -> str | None:
        """The first tracking-page template any of the carrier's formats gives."""
        return next((f.url_template for f in self.formats if f.url_template), None)


# Names shops, channels and label tools commonly use for the same carriers. Keys are
# already in the shape `_clean_code` produces.
_ALIASES: dict[str, str] = {
    "united_parcel_service": "ups",
    "ups_ground": "ups",
    "united_states_postal_service": "usps",
    "us_postal_service": "usps",
    "postal_service": "usps",
    "federal_express": "fedex",
    "fed_ex": "fedex",
    "fedex_ground": "fedex",
    "fedex_express": "fedex",
    "dhl_express": "dhl",
    "dhl_ecommerce": "dhl",
    "dhl_e_commerce": "dhl",
    "dhl_ecommerce_solutions": "dhl",
    "dhl_global_mail": "dhl",
    "amazon_logistics": "amazon",
    "amazon_logistics_us": "amazon",
    "amazon_shipping": "amazon",
    "amzl": "amazon",
    "amzl_us": "amazon",
    "canadapost": "canada_post",
    "postes_canada": "canada_post",
    "canada_post_postes_canada": "canada_post",
    "odfl": "old_dominion",
    "old_dominion_freight_line": "old_dominion",
    "spee_dee": "speedee",
    "spee_dee_delivery": "speedee",
    "speedee_delivery": "speedee",
    "landmark_global": "landmark",
    "gofo_express": "gofo",
    "laser_ship": "lasership",
    "on_trac": "ontrac",
    "yun_express": "yunexpress",
    "upu": "s10",
    "upu_s10": "s10",
}

_PCRE_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z_])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_WHITESPACE = re.compile(r"\s+")


def _clean_code(code: str) -> str:
    return _NON_ALNUM.sub("_", code.strip().lower()).strip("_")


def _compile(regex: str | list[str]) -> re.Pattern[str]:
    text = "".join(regex) if isinstance(regex, list) else regex
    # The data is written for PCRE; Python spells named groups (?P<Name>...).
    return re.compile(_PCRE_NAMED_GROUP.sub("(?P<", text))


def _number_format(carrier: str, raw: dict[str, Any]) -> NumberFormat:
    validation = raw.get("validation") or {}
    prepend = (validation.get("serial_number_format") or {}).get("prepend_if")
    exists = (validation.get("additional") or {}).get("exists") or []
    lookups = tuple(
        (extra["name"], extra["regex_group_name"], tuple(extra.get("lookup", ())))
        for extra in raw.get("additional", ())
        if extra.get("name") in exists
    )
    samples = raw.get("test_numbers") or {}
    return NumberFormat(
        carrier=carrier,
        id=raw.get("id"),
        name=raw["name"],
        pattern=_compile(raw["regex"]),
        checksum=validation.get("checksum"),
        prepend_if=(re.compile(prepend["matches_regex"]), prepend["content"]) if prepend else None,
        required_lookups=lookups,
        url_template=raw.get("tracking_url") or None,
        valid_samples=tuple(samples.get("valid", ())),
        invalid_samples=tuple(samples.get("invalid", ())),
    )


@cache
def carriers() -> dict[str, Carrier]:
    """Every carrier in the bundled courier data, by canonical code."""
    found: dict[str, Carrier] = {}
    folder = resources.files("oms_cli.carriers").joinpath("couriers")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        raw = json.loads(entry.read_text(encoding="utf-8"))
        code = raw["courier_code"]
        formats = tuple(_number_format(code, f) for f in raw["tracking_numbers"])
        found[code] = Carrier(code=code, name=raw["name"], formats=formats)
    return found


@cache
def _alias_table() -> dict[str, str]:
    table = dict(_ALIASES)
    for code, carrier in carriers().items():
        table.setdefault(_clean_code(carrier.name), code)
        table[code] = code
    return table


def canonical_carrier(code: str) -> str:
    """The canonical carrier code for a code or alias (``"Canada Post"`` -> ``canada_post``);
    an unknown code comes back cleaned up (lower case, ``_`` for separators)."""
    cleaned = _clean_code(code)
    return _alias_table().get(cleaned, cleaned)


def known_carrier(code: str) -> bool:
    """Whether the courier data knows this carrier code or alias."""
    return canonical_carrier(code) in carriers()


def carrier_name(code: str) -> str:
    """The carrier's display name (``"UPS"``, ``"Canada Post"``); an unknown code is
    returned as given, trimmed."""
    carrier = carriers().get(canonical_carrier(code))
    return carrier.name if carrier else code.strip()


def normalize_number(number: str) -> str:
    """The number as it should be stored: whitespace removed, letters in upper case."""
    return _WHITESPACE.sub("", number).upper()


# --- check digits -------------------------------------------------------------------


def _digit_value(char: str) -> int:
    # Letters in UPS 1Z numbers count as (ASCII code - 3) mod 10.
    return int(char) if char.isdigit() else (ord(char) - 3) % 10


def _mod10(serial: str, check: str, spec: dict[str, Any]) -> bool:
    chars = serial[::-1] if spec.get("reverse") else serial
    evens = int(spec.get("evens_multiplier", 1))
    odds = int(spec.get("odds_multiplier", 1))
    total = sum(_digit_value(c) * (odds if i % 2 else evens) for i, c in enumerate(chars))
    modulo = int(spec.get("modulo", 10))
    return check.isdigit() and (modulo - total % modulo) % modulo == int(check)


def _mod7(serial: str, check: str, spec: dict[str, Any]) -> bool:
    return check.isdigit() and int(serial) % int(spec.get("modulo", 7)) == int(check)


def _luhn(serial: str, check: str, spec: dict[str, Any]) -> bool:
    if not (serial + check).isdigit():
        return False
    total = 0
    # Walk from the check digit leftwards, doubling every second digit.
    for i, char in enumerate(reversed(serial + check)):
        value = int(char)
        if i % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _s10(serial: str, check: str, spec: dict[str, Any]) -> bool:
    weights: list[int] = spec.get("weightings", [8, 6, 4, 2, 3, 5, 9, 7])
    if len(serial) != len(weights) or not check.isdigit():
        return False
    remainder = 11 - sum(int(d) * w for d, w in zip(serial, weights)) % 11
    expected = {10: 0, 11: 5}.get(remainder, remainder)
    return expected == int(check)


def _weighted_sum(serial: str, check: str, spec: dict[str, Any]) -> bool:
    weights: list[int] = spec["weightings"]
    if len(serial) != len(weights) or not check.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(serial, weights))
    return total % int(spec["modulo1"]) % int(spec["modulo2"]) == int(check)


def _mod_37_36(serial: str, check: str, spec: dict[str, Any]) -> bool:
    # ISO/IEC 7064 MOD 37,36 (hybrid system), as DPD uses for its parcel numbers.
    alphabet: str = spec.get("alphabet", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    modulus = int(spec.get("modulo", 36))
    product = modulus
    for char in serial:
        if char not in alphabet:
            return False
        total = (product + alphabet.index(char)) % modulus or modulus
        product = (total * 2) % (modulus + 1)
    expected = (modulus + 1 - product) % modulus
    return alphabet[expected] == check


_CHECKSUMS = {
    "mod10": _mod10,
    "mod7": _mod7,
    "luhn": _luhn,
    "s10": _s10,
    "sum_product_with_weightings_and_modulo": _weighted_sum,
    "mod_37_36": _mod_37_36,
}


def _lookup_has(lookup: tuple[dict[str, Any], ...], value: str) -> bool:
    for entry in lookup:
        if "matches" in entry and entry["matches"] == value:
            return True
        if "matches_regex" in entry and re.fullmatch(entry["matches_regex"], value):
            return True
    return False


def _check_format(fmt: NumberFormat, number: str) -> tuple[bool, str | None] | None:
    """``None`` if the number does not have this format's shape, else (passes, reason)."""
    match = fmt.pattern.fullmatch(number)
    if match is None:
        return None
    groups = {k: _WHITESPACE.sub("", v) for k, v in match.groupdict().items() if v is not None}
    for label, group, lookup in fmt.required_lookups:
        if not _lookup_has(lookup, groups.get(group, "")):
            return False, f"{label.lower()} code {groups.get(group, '')!r} is not known ({fmt.name})"
    if not fmt.checksum:
        return True, None
    algorithm = _CHECKSUMS.get(fmt.checksum.get("name", ""))
    if algorithm is None:
        # A checksum this module does not know: accept on shape rather than refuse
        # every number of that carrier.
        return True, f"check digit not verified ({fmt.name})"
    serial = groups.get("SerialNumber", "")
    check = groups.get("CheckDigit", "")
    if fmt.prepend_if and fmt.prepend_if[0].search(serial):
        serial = fmt.prepend_if[1] + serial
    if algorithm(serial, check, fmt.checksum):
        return True, None
    return False, f"check digit does not match ({fmt.name})"


def validate_format(fmt: NumberFormat, number: str) -> TrackingCheck:
    """Check a number against one number format only (shape, lookups, check digit)."""
    normalized = normalize_number(number)
    verdict = _check_format(fmt, normalized)
    if verdict is None:
        return TrackingCheck(False, normalized, fmt.carrier, None, f"does not match the {fmt.name} format")
    return TrackingCheck(verdict[0], normalized, fmt.carrier, fmt.name, verdict[1])


def validate(carrier_code: str, number: str) -> TrackingCheck:
    """Check a tracking number against the named carrier's formats and check digits.

    An unknown carrier is not an error: the number comes back ``valid`` with a
    ``reason`` saying it was not checked, so the caller can warn.
    """
    code = canonical_carrier(carrier_code)
    normalized = normalize_number(number)
    if not normalized:
        return TrackingCheck(False, normalized, code, None, "tracking number is empty")
    carrier = carriers().get(code)
    if carrier is None:
        return TrackingCheck(
            True, normalized, code, None, f"carrier {carrier_code.strip()!r} is not known; number not checked"
        )
    first_failure: tuple[str, str | None] | None = None
    for fmt in carrier.formats:
        verdict = _check_format(fmt, normalized)
        if verdict is None:
            continue
        passes, reason = verdict
        if passes:
            return TrackingCheck(True, normalized, code, fmt.name, reason)
        if first_failure is None:
            first_failure = (fmt.name, reason)
    if first_failure is not None:
        return TrackingCheck(False, normalized, code, first_failure[0], first_failure[1])
    return TrackingCheck(False, normalized, code, None, f"does not match any {carrier.name} number format")


def detect(number: str) -> list[TrackingCheck]:
    """Every carrier whose formats accept the number (numeric formats overlap, so
    this can be several); for hints like "this looks like a FedEx number"."""
    found = []
    for code in carriers():
        check = validate(code, number)
        if check.valid:
            found.append(check)
    return found


def tracking_url(carrier: str, number: str, overrides: dict[str, str] | None = None) -> str | None:
    """The carrier's public tracking page for a number, or None if there is no template.

    ``overrides`` maps carrier codes (or aliases) to templates holding ``%s`` or
    ``{number}`` and wins over the courier data; it may also name carriers the data
    does not know.
    """
    code = canonical_carrier(carrier)
    normalized = normalize_number(number)
    if not normalized:
        return None
    template: str | None = None
    for key, value in (overrides or {}).items():
        if canonical_carrier(key) == code:
            template = value
    known = carriers().get(code)
    if template is None and known is not None:
        matching = [f for f in known.formats if f.url_template and f.pattern.fullmatch(normalized)]
        template = matching[0].url_template if matching else known.url_template
    if not template:
        return None
    quoted = quote(normalized, safe="")
    if "{number}" in template:
        return template.replace("{number}", quoted)
    return template.replace("%s", quoted)
