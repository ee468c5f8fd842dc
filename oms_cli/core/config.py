"""Configuration: built-in defaults, then the config file, then environment and
command-line options, merged in that order with the source of every value kept.

The defaults below are the single list of configuration keys; `config.example.yaml`
documents each of them.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oms_cli.core import paths
from oms_cli.core.errors import ConfigError

DEFAULTS: dict[str, Any] = {
    "shop": {
        "name": "My Shop",
        "email": "orders@example.com",
        "phone": None,
        "address": {
            "name": "My Shop",
            "company": None,
            "address1": "1 Warehouse Way",
            "address2": None,
            "city": "Springfield",
            "province": "IL",
            "postal_code": "62701",
            "country": "US",
        },
        "logo": None,
        "return_instructions": None,  # None: the default text below, which follows returns.label
        "vat_number": None,
        "gs1_company_prefix": "0614141",
        "sscc_extension": 0,
    },
    # files_dir: where return labels and attachments are kept (default: beside a store file);
    # stations sharing a PostgreSQL store name a folder they all share
    "store": {"busy_timeout_s": 30, "files_dir": None},
    "import": {
        "csv_channel": "csv",
        "csv_columns": {},
        "service_level_rules": [],
        "cod_methods": ["cod", "cash on delivery", "cash on delivery (cod)"],
    },
    "catalog": {
        # units of plain `length`/`weight` columns in a products CSV (and of bare numbers in `oms products set`)
        "units": {"length": "mm", "weight": "g"},
    },
    "release": {
        "allow_cod": True,
        "partial_stock": "hold",  # hold | split
        "low_stock_threshold": 5,
        "address_required": ["name", "address1", "city", "postal_code", "country"],
        "thank_you": [],
    },
    "schedule": {
        "timezone": "UTC",
        "cutoff": "15:00",
        "working_days": ["mon", "tue", "wed", "thu", "fri"],
        "holidays": [],
        "handling_days": {"standard": 2, "expedited": 1, "next_day": 0},
    },
    "warehouse": {
        "aisles": 12,
        "bays": 20,
        "aisle_pitch_m": 3.0,
        "bay_width_m": 1.0,
        "cross_aisle_m": 1.5,
        "zones": {"front": [1, 2, 3, 4], "middle": [5, 6, 7, 8], "back": [9, 10, 11, 12]},
    },
    "picking": {
        "pickers": [],
        "cart": {"orders": 8, "items": 25, "weight_g": None},
        "batching": "savings",
        "time_limit_s": 2.0,
    },
    "packing": {
        "objective": "billable_weight",  # billable_weight | cost
        "carrier": "ups",
        "weight_tolerance_pct": 10,
        "box_low_stock": 10,
        "boxes": [
            {
                "ref": "S",
                "inner": [200, 150, 100],
                "outer": [210, 160, 110],
                "empty_weight_g": 120,
                "max_weight_g": 5000,
                "cost": "0.45",
            },
            {
                "ref": "M",
                "inner": [300, 230, 150],
                "outer": [310, 240, 160],
                "empty_weight_g": 220,
                "max_weight_g": 10000,
                "cost": "0.70",
            },
            {
                # tall: bottles, vases, lamps and rolled items that stand up
                "ref": "T",
                "inner": [200, 200, 450],
                "outer": [210, 210, 460],
                "empty_weight_g": 260,
                "max_weight_g": 15000,
                "cost": "0.95",
            },
            {
                "ref": "L",
                "inner": [400, 300, 250],
                "outer": [410, 310, 260],
                "empty_weight_g": 380,
                "max_weight_g": 20000,
                "cost": "1.10",
            },
            {
                "ref": "XL",
                "inner": [600, 400, 400],
                "outer": [615, 415, 415],
                "empty_weight_g": 700,
                "max_weight_g": 30000,
                "cost": "2.00",
            },
        ],
        "materials": [
            {"name": "bubble wrap", "cost": "0.20", "when": {"fragile": True}, "per": "item"},
            {"name": "paper fill", "cost": "0.05", "when": {}, "per": "package"},
        ],
        "dim_weight": {},
    },
    "documents": {
        "label_size": "4x6",
        "label_format": "pdf",
        "dpi": 203,
        "paper": "a4",
        "printer": None,
        "label_printer": None,  # labels go here when set (a Zebra), everything else to `printer`
        "weight_unit": "kg",  # kg | lb, on labels
        "zpl_font": None,  # a printer-resident Unicode font for ZPL text, e.g. E:TT0003M_.TTF
        "invoice_prefix": "INV-",  # invoice numbers are the prefix and a six-digit sequence
    },
    "shipping": {
        "tracking_urls": {},
        "default_carrier": None,
        # per destination country ("*": anywhere): carriers to prefer or exclude when choosing a service
        "carrier_rules": [],
    },
    "notify": {
        "auto": False,
        "from": "My Shop <orders@example.com>",
        "reply_to": None,
        "feedback_delay_hours": 48,
        "templates_dir": None,
        "thank_you_on_good_feedback": True,
        "delay_notices": True,  # tell expedited/next-day customers when their order is late
        "delay_after_hours": 0,  # ... once it is this many hours past its ship-by time
        "smtp": {
            "host": "127.0.0.1",
            "port": 25,
            "security": "none",  # none | starttls | tls
            "user": None,
            "password_env": "OMS_SMTP_PASSWORD",
            "timeout_s": 10,
        },
        "max_attempts": 8,
        "backoff_s": 60,
    },
    "channels": {
        "tries": 4,  # tries per request (connection failures, 5xx, 429)
        "backoff_s": 1.0,  # first retry delay; doubles with each try (also for tracking pushes, between syncs)
        "max_wait_s": 60,  # a Retry-After longer than this ends the sync for that connection; the next one goes on
        "timeout_s": 30,
        "page_size": 50,
        "lookback_s": 300,  # each pass starts this long before the last one ended (channels index late)
        "max_pages": 1000,  # pages per connection and run
        "lease_s": 600,  # a sync that gave no sign of life this long is taken over
        "push_max_attempts": 10,
        "tracking_alert_hours": 4,  # oms health: tracking not accepted by the channel this long after shipping
        "gap_window": 500,  # oms health: look for missing order numbers among this many latest
    },
    "returns": {
        "reasons": ["wrong_item", "damaged_in_transit", "doesnt_fit", "changed_mind", "defective", "other"],
        "label": False,
        # reasons that mean the shop or its courier got something wrong: opening such a return opens a problem
        "problem_reasons": ["wrong_item", "damaged_in_transit", "defective"],
    },
    "feedback": {"problem_below": 3, "complaint_words": None},  # None: the built-in English list
    "report": {"min_orders": 5},
}


@dataclass
class Config:
    """The effective configuration and, for every leaf key, where it came from."""

    data: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    def get(self, dotted: str, default: Any = None) -> Any:
        """Value at a dotted key such as ``release.allow_cod``."""
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def section(self, name: str) -> dict[str, Any]:
        """One top-level section as a dict (a copy is not made: do not mutate)."""
        return self.data.get(name, {})

    @property
    def return_instructions(self) -> str:
        """The returns text slips and return emails print: the shop's own
        (``shop.return_instructions``), else one that matches whether oms sends a
        return label (``returns.label``)."""
        own = self.get("shop.return_instructions")
        if own:
            return str(own)
        if self.get("returns.label"):
            return (
                "Return within 30 days: print the return label we e-mail you, stick it on the parcel "
                "and drop it at any post office."
            )
        contact = self.get("shop.email") or "us"
        return (
            f"Return within 30 days: write to {contact} with your order number and we will tell you where to send it."
        )

    @property
    def directory(self) -> Path:
        """Directory of the config file (templates and logos are looked up beside it)."""
        return self.path.parent if self.path else paths.config_dir()


def _leaves(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v and key not in _OPEN_MAPS:
            out.update(_leaves(v, key + "."))
        else:
            out[key] = v
    return out


# Sections whose keys are free (user-chosen names), so unknown keys there are fine.
_OPEN_MAPS = {
    "import.csv_columns",
    "warehouse.zones",
    "packing.dim_weight",
    "shipping.tracking_urls",
    "schedule.handling_days",
}


def _merge(base: dict[str, Any], over: dict[str, Any], sources: dict[str, str], origin: str, prefix: str = "") -> None:
    for k, v in over.items():
        key = f"{prefix}{k}"
        if k not in base and prefix.rstrip(".") not in _OPEN_MAPS and key not in _OPEN_MAPS:
            known = ", ".join(sorted(base)) if base else "(none)"
            raise ConfigError(f"{origin}: unknown key '{key}'", hint=f"known keys here: {known}")
        if isinstance(base.get(k), dict) and isinstance(v, dict) and key not in _OPEN_MAPS:
            _merge(base[k], v, sources, origin, key + ".")
        else:
            base[k] = v
            if isinstance(v, dict):
                for leaf in _leaves(v, key + "."):
                    sources[leaf] = origin
            sources[key] = origin


def find_config_file(explicit: str | None) -> Path | None:
    """The config file in force: --config / OMS_CONFIG, else ./oms.yaml, else the user config dir."""
    if explicit:
        p = Path(explicit).expanduser()
        if not p.exists():
            raise ConfigError(f"{p}: config file not found")
        return p
    for candidate in (Path.cwd() / "oms.yaml", paths.config_dir() / "oms.yaml"):
        if candidate.exists():
            return candidate
    return None


def load_config(explicit: str | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Build the effective configuration from defaults, the config file and overrides."""
    import yaml

    data = copy.deepcopy(DEFAULTS)
    sources = {k: "default" for k in _leaves(data)}
    path = find_config_file(explicit)
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            raise ConfigError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{path}: not UTF-8 text") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: the top level must be a mapping of sections")
        _merge(data, loaded, sources, str(path))
    env_overrides = {}
    for env, dotted in (("OMS_SMTP_HOST", "notify.smtp.host"), ("OMS_SMTP_PORT", "notify.smtp.port")):
        if os.environ.get(env):
            env_overrides[dotted] = (os.environ[env], f"env {env}")
    for dotted, (value, origin) in env_overrides.items():
        section, *rest = dotted.split(".")
        node = data[section]
        for part in rest[:-1]:
            node = node[part]
        node[rest[-1]] = int(value) if rest[-1] == "port" else value
        sources[dotted] = origin
    for dotted, value in (overrides or {}).items():
        section, *rest = dotted.split(".")
        node = data[section]
        for part in rest[:-1]:
            node = node[part]
        node[rest[-1]] = value
        sources[dotted] = "command line"
    config = Config(data=data, sources=sources, path=path)
    _check(config)
    return config


def _check(config: Config) -> None:
    """Refuse a configuration that does not fit the schema, naming where the value came from and its key."""
    from oms_cli.core.config_schema import problems

    found = problems(config.data, defaults=DEFAULTS)
    if not found:
        return
    key, message = found[0]
    origin, parent = None, key.split("[")[0]
    while origin is None and parent:
        origin = config.sources.get(parent)
        parent = parent.rpartition(".")[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    raise ConfigError(
        f"{origin or 'config'}: {key}: {message}{more}",
        hint="config.example.yaml documents every key with an example; oms config show prints the values in force",
    )


def effective_items(config: Config) -> list[tuple[str, Any, str]]:
    """Every leaf key with its value and source, for ``oms config show``."""
    out = []
    for key, value in _leaves(config.data).items():
        src = config.sources.get(key)
        if src is None:
            # a leaf under a section replaced whole from a file
            parent = key
            while "." in parent and src is None:
                parent = parent.rsplit(".", 1)[0]
                src = config.sources.get(parent)
        out.append((key, value, src or "default"))
    return out
