"""The shape of the whole configuration, checked once when it is loaded.

Every section, every key and the entries of every list (boxes, materials, thank-you
rules, pickers, dimensional-weight rules) are declared here, so a key the code does not
read, or a value of the wrong kind, stops every command at start-up with the key's full
path, not only the command that happens to read it. The services still check what only
they can judge (a time zone that exists, a rule's condition, inner smaller than outer).

A plain schema of Python values and a small checker, not pydantic models: every command
loads the configuration, and building two dozen pydantic models took about 0.8 s of
start-up on a busy two-core machine, against about 1 ms for this whole check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Choice:
    """One of these values."""

    values: tuple[Any, ...]

    def __init__(self, *values: Any) -> None:
        object.__setattr__(self, "values", values)


@dataclass(frozen=True)
class Either:
    """A value fitting one of these schemas (the first that fits)."""

    options: tuple[Any, ...]

    def __init__(self, *options: Any) -> None:
        object.__setattr__(self, "options", options)


@dataclass(frozen=True)
class Names:
    """A mapping of names the shop chooses to values of one schema."""

    value: Any


@dataclass(frozen=True)
class AtLeast:
    """A number (int, or float when ``whole`` is False) of at least ``low``."""

    low: float
    whole: bool = True


NUMBER = (int, float)
COUNT = AtLeast(0)
TEXT = str
MAYBE_TEXT = (str, None)
MONEY = (str, int, float)
CODE = (str, int)  # an unquoted postal code or GS1 prefix reads as a number

DIM_WEIGHT_RULE = {
    "like": MAYBE_TEXT,
    "units": Choice("in/lb", "cm/kg"),
    "divisor": AtLeast(0, whole=False),
    "threshold": Either(AtLeast(0, whole=False), None),
    "small_parcel_divisor": Either(AtLeast(0, whole=False), None),
    "round_dimensions": Choice("nearest", "up", "none"),
    "weight_step": AtLeast(0, whole=False),
}
MATERIAL_RULE = {"when": (dict, None), "per": MAYBE_TEXT, "quantity": (int, float, None)}

SCHEMA: dict[str, Any] = {
    "shop": {
        "name": TEXT,
        "email": MAYBE_TEXT,
        "phone": (str, int, None),
        "address": dict.fromkeys(("name", "company", "address1", "address2", "city", "province", "country"), MAYBE_TEXT)
        | {"postal_code": (str, int, None)},
        "logo": MAYBE_TEXT,
        "return_instructions": MAYBE_TEXT,
        "vat_number": MAYBE_TEXT,
        "gs1_company_prefix": CODE,
        "sscc_extension": Choice(*range(10)),
    },
    "store": {"busy_timeout_s": AtLeast(0, whole=False), "files_dir": MAYBE_TEXT},
    "import": {
        "csv_channel": TEXT,
        "csv_columns": Names(TEXT),
        "service_level_rules": [Either({"match": TEXT, "level": TEXT}, [TEXT])],
        "cod_methods": [TEXT],
    },
    "catalog": {"units": {"length": Choice("mm", "cm", "m", "in"), "weight": Choice("g", "kg", "lb", "oz")}},
    "release": {
        "allow_cod": bool,
        "partial_stock": Choice("hold", "split"),
        "low_stock_threshold": COUNT,
        "address_required": [TEXT],
        "thank_you": Either(
            [
                {
                    "name": TEXT,
                    "when": MAYBE_TEXT,
                    "add_sku": MAYBE_TEXT,
                    "quantity": COUNT,
                    "tag": MAYBE_TEXT,
                    "tags": [TEXT],
                    "note": MAYBE_TEXT,
                }
            ],
            None,
        ),
    },
    "schedule": {
        "timezone": TEXT,
        "cutoff": (str, int),  # an unquoted 15:00 reads as 900 (minutes)
        "working_days": [TEXT],
        "holidays": [(str, dt.date)],
        "handling_days": Names(COUNT),
    },
    "warehouse": {
        "aisles": int,
        "bays": int,
        "aisle_pitch_m": NUMBER,
        "bay_width_m": NUMBER,
        "cross_aisle_m": NUMBER,
        "zones": Names([int]),
    },
    "picking": {
        "pickers": [Either({"name": TEXT, "zones": [TEXT]}, TEXT)],
        "cart": {"orders": int, "items": int, "weight_g": (int, None)},
        "batching": Choice("savings", "fcfs"),
        "time_limit_s": AtLeast(0, whole=False),
    },
    "packing": {
        "objective": Choice("billable_weight", "cost"),
        "carrier": MAYBE_TEXT,
        "weight_tolerance_pct": AtLeast(0, whole=False),
        "box_low_stock": COUNT,
        "boxes": [
            {
                "ref": (str, int),
                "inner": [NUMBER],
                "outer": [NUMBER],
                "empty_weight_g": NUMBER,
                "max_weight_g": NUMBER,
                "cost": MONEY,
                "stock": COUNT,
            }
        ],
        "materials": [
            {"name": TEXT, "cost": MONEY, "unit": MAYBE_TEXT, "weight_g": (int, float, None), "rules": [MATERIAL_RULE]}
            | MATERIAL_RULE
        ],
        "dim_weight": Names(Either(DIM_WEIGHT_RULE, TEXT)),
    },
    "documents": {
        "label_size": TEXT,
        "label_format": Choice("pdf", "zpl"),
        "dpi": int,
        "paper": TEXT,
        "printer": MAYBE_TEXT,
        "label_printer": MAYBE_TEXT,
        "weight_unit": Choice("kg", "lb"),
        "zpl_font": MAYBE_TEXT,
        "invoice_prefix": TEXT,
    },
    "shipping": {
        "tracking_urls": Names(TEXT),
        "default_carrier": MAYBE_TEXT,
        "carrier_rules": [
            {"country": TEXT, "prefer": Either([TEXT], TEXT, None), "exclude": Either([TEXT], TEXT, None)}
        ],
    },
    "notify": {
        "auto": bool,
        "from": TEXT,
        "reply_to": MAYBE_TEXT,
        "feedback_delay_hours": AtLeast(0, whole=False),
        "templates_dir": MAYBE_TEXT,
        "thank_you_on_good_feedback": bool,
        "delay_notices": bool,
        "delay_after_hours": AtLeast(0, whole=False),
        "smtp": {
            "host": TEXT,
            "port": (int, str),  # OMS_SMTP_PORT arrives as text
            "security": Choice("none", "starttls", "tls"),
            "user": MAYBE_TEXT,
            "password_env": MAYBE_TEXT,
            "timeout_s": AtLeast(0, whole=False),
        },
        "max_attempts": AtLeast(1),
        "backoff_s": AtLeast(0, whole=False),
    },
    "channels": {
        "tries": AtLeast(1),
        "backoff_s": AtLeast(0, whole=False),
        "max_wait_s": AtLeast(0, whole=False),
        "timeout_s": AtLeast(0, whole=False),
        "page_size": AtLeast(1),
        "lookback_s": AtLeast(0, whole=False),
        "max_pages": AtLeast(1),
        "lease_s": AtLeast(0, whole=False),
        "push_max_attempts": AtLeast(1),
        "tracking_alert_hours": AtLeast(0, whole=False),
        "gap_window": AtLeast(1),
    },
    "returns": {"reasons": [TEXT], "label": bool, "problem_reasons": [TEXT]},
    "feedback": {"problem_below": int, "complaint_words": Either([TEXT], None)},
    "report": {"min_orders": COUNT},
}

_KIND = {str: "text", int: "a whole number", float: "a number", bool: "true or false", dict: "a mapping"}


def problems(data: Any, schema: Any = SCHEMA, key: str = "", defaults: Any = None) -> list[tuple[str, str]]:
    """(dotted key, what is wrong) for every value that does not fit ``schema``; empty when all fit.

    ``defaults`` (the built-in configuration, in step with ``schema``) names keys the schema
    does not describe yet: those pass here, and a test asks for their description.
    """
    if isinstance(schema, Either):
        found: list[tuple[str, str]] = []
        for option in schema.options:
            found_here = problems(data, option, key)
            if not found_here:
                return []
            found = found or found_here
        # none fits: report against the option whose shape the value has (a mapping for a mapping …)
        for option in schema.options:
            if _same_shape(data, option):
                return problems(data, option, key)
        return found
    if isinstance(schema, Mapping):
        if not isinstance(data, Mapping):
            return [(key, f"must be a mapping, not {_shown(data)}")]
        out: list[tuple[str, str]] = []
        for k, value in data.items():
            here = f"{key}.{k}" if key else str(k)
            known = defaults if isinstance(defaults, Mapping) else {}
            if k not in schema and k not in known:
                out.append((here, f"unknown key (known here: {', '.join(schema)})"))
            elif k in schema:
                out.extend(problems(value, schema[k], here, known.get(k)))
        return out
    if isinstance(schema, Names):
        if not isinstance(data, Mapping):
            return [(key, f"must be a mapping of names to values, not {_shown(data)}")]
        return [p for k, value in data.items() for p in problems(value, schema.value, f"{key}.{k}")]
    if isinstance(schema, list):
        if not isinstance(data, list):
            return [(key, f"must be a list, not {_shown(data)}")]
        return [p for i, item in enumerate(data) for p in problems(item, schema[0], f"{key}[{i}]")]
    if isinstance(schema, Choice):
        if any(data == v and type(data) is type(v) for v in schema.values):  # True is not 1 here
            return []
        return [(key, f"{_shown(data)} is not one of {', '.join(map(str, schema.values))}")]
    if isinstance(schema, AtLeast):
        number = _number(data, schema.whole)
        if number is None or number < schema.low:
            what = "a whole number" if schema.whole else "a number"
            return [(key, f"must be {what} of at least {schema.low:g}, not {_shown(data)}")]
        return []
    kinds = schema if isinstance(schema, tuple) else (schema,)
    if data is None and None in kinds:
        return []
    if isinstance(data, bool) and bool not in kinds:
        return [(key, f"must be {_kinds(kinds)}, not {_shown(data)}")]
    if any(k is not None and isinstance(data, k) for k in kinds):
        return []
    return [(key, f"must be {_kinds(kinds)}, not {_shown(data)}")]


def _number(value: Any, whole: bool) -> float | None:
    """The value as a number, or None; a decimal written as text ("0.5") counts where fractions do."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and not whole):
        return value
    if isinstance(value, str) and not whole:
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _same_shape(data: Any, schema: Any) -> bool:
    if isinstance(schema, Mapping):
        return isinstance(data, Mapping)
    if isinstance(schema, list):
        return isinstance(data, list)
    return False


def _kinds(kinds: tuple[Any, ...]) -> str:
    names = [_KIND.get(k, "a date" if k is dt.date else "empty") for k in kinds if k is not None]
    return " or ".join(dict.fromkeys(names)) + (" (or empty)" if None in kinds else "")


def _shown(value: Any) -> str:
    if value is None:
        return "empty"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
