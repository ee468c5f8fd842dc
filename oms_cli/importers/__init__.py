"""Order importers: read every sales channel's export into canonical orders.

Pure parsing, no database: :func:`plan_units` turns the files named on the
command line into import units (one per file, Etsy's two files as one) and
:func:`read_unit` streams each unit's orders as plain dicts in the shape of
:class:`oms_cli.importers.model.Order`. Storing them is the order service's job.

This module stays light to import (standard library only); the channel
readers are imported when a unit is read.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from oms_cli.core.errors import BadInput, ConfigError, NotFound, UsageError
from oms_cli.importers.sources import ImportUnit, Source

__all__ = [
    "CHANNELS",
    "CSV_FIELDS",
    "ImportSettings",
    "ImportUnit",
    "Source",
    "plan_units",
    "read_unit",
]

CHANNELS = ("shopify", "amazon", "woocommerce", "etsy", "ebay", "csv", "jsonl")

#: Canonical fields the generic CSV importer fills, each read from the header of the same name
#: unless ``import.csv_columns`` names another header.
CSV_FIELDS = (
    "external_id",
    "placed_at",
    "sku",
    "quantity",
    "name",
    "unit_price",
    "line_id",
    "status",
    "payment_status",
    "payment_method",
    "payment_reference",
    "customer_name",
    "email",
    "phone",
    "ship_name",
    "company",
    "address1",
    "address2",
    "address3",
    "city",
    "province",
    "postal_code",
    "country",
    "ship_phone",
    "bill_name",
    "bill_company",
    "bill_address1",
    "bill_address2",
    "bill_city",
    "bill_province",
    "bill_postal_code",
    "bill_country",
    "shipping_method",
    "service_level",
    "notes",
    "tags",
    "currency",
    "subtotal",
    "shipping",
    "tax",
    "discount",
    "total",
)

DEFAULT_COD_METHODS = ("cod", "cash on delivery", "Cash on Delivery (COD)")

_MODULES = {
    "shopify": "shopify",
    "amazon": "amazon",
    "woocommerce": "woocommerce",
    "etsy": "etsy",
    "ebay": "ebay",
    "csv": "generic_csv",
    "jsonl": "jsonl",
}
_CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass
class ImportSettings:
    """The shop's import settings (the config's ``import:`` section)."""

    csv_columns: dict[str, str] = field(default_factory=dict)
    csv_channel: str = "csv"
    service_level_rules: list[tuple[str, str]] = field(default_factory=list)
    cod_methods: list[str] = field(default_factory=lambda: list(DEFAULT_COD_METHODS))

    @classmethod
    def from_config(cls, mapping: Mapping[str, Any] | None) -> ImportSettings:
        """Settings from the config's ``import:`` mapping; ConfigError on unknown keys or bad values."""
        from oms_cli.importers.service_levels import check_rules

        if mapping is None:
            return cls()
        if not isinstance(mapping, Mapping):
            raise ConfigError("import: must be a mapping of settings")
        known = ("csv_columns", "csv_channel", "service_level_rules", "cod_methods")
        for key in mapping:
            if key not in known:
                raise ConfigError(f"import: unknown key {key!r} (known: {', '.join(known)})")
        settings = cls()
        columns = mapping.get("csv_columns") or {}
        if not isinstance(columns, Mapping):
            raise ConfigError("import.csv_columns: must map canonical fields to header names")
        for name, header in columns.items():
            if name not in CSV_FIELDS:
                raise ConfigError(f"import.csv_columns: unknown field {name!r} (known: {', '.join(CSV_FIELDS)})")
            if not isinstance(header, str) or not header.strip():
                raise ConfigError(f"import.csv_columns.{name}: must be a header name")
            settings.csv_columns[name] = header.strip()
        if "csv_channel" in mapping:
            channel = mapping["csv_channel"]
            if not isinstance(channel, str) or not _CHANNEL_NAME.match(channel):
                raise ConfigError(
                    "import.csv_channel: must be a lower-case name of letters, digits, '-' or '_' (it starts refs)"
                )
            settings.csv_channel = channel
        rules: list[tuple[str, str]] = []
        for rule in mapping.get("service_level_rules") or []:
            if isinstance(rule, Mapping) and set(rule) == {"match", "level"}:
                rules.append((str(rule["match"]), str(rule["level"])))
            elif isinstance(rule, (list, tuple)) and len(rule) == 2:
                rules.append((str(rule[0]), str(rule[1])))
            else:
                raise ConfigError(f"import.service_level_rules: {rule!r} must be {{match: <regex>, level: <level>}}")
        problems = check_rules(rules)
        if problems:
            raise ConfigError(f"import.service_level_rules: {problems[0]}")
        settings.service_level_rules = rules
        if "cod_methods" in mapping:
            methods = mapping["cod_methods"]
            if not isinstance(methods, list) or not all(isinstance(m, str) for m in methods):
                raise ConfigError("import.cod_methods: must be a list of payment method names")
            settings.cod_methods = list(methods)
        return settings

    def cod_method_set(self) -> frozenset[str]:
        """The cash-on-delivery method names, case-folded for matching."""
        return frozenset(method.casefold().strip() for method in self.cod_methods)

    def rules(self) -> tuple[tuple[str, str], ...]:
        """The shop's service-level rules as a hashable tuple."""
        return tuple((pattern, level) for pattern, level in self.service_level_rules)


def _etsy_key(name: str) -> str:
    base = Path(name).name
    return base.replace("SoldOrderItems", "*").replace("SoldOrders", "*")


def _pair_etsy(sources: list[Source]) -> list[list[Source]]:
    orders = [s for s in sources if s.part == "orders"]
    items = [s for s in sources if s.part == "items"]
    groups: list[list[Source]] = []
    unpaired_items = list(items)
    unpaired_orders = []
    for order_file in orders:
        match = next((i for i in unpaired_items if _etsy_key(i.name) == _etsy_key(order_file.name)), None)
        if match is None:
            unpaired_orders.append(order_file)
        else:
            unpaired_items.remove(match)
            groups.append([order_file, match])
    # Files renamed by the shop still pair up when there is only one way to pair them.
    if len(unpaired_orders) == 1 and len(unpaired_items) == 1:
        groups.append([unpaired_orders.pop(), unpaired_items.pop()])
    if unpaired_orders:
        error = BadInput(
            f"{unpaired_orders[0].name}: an Etsy Sold Orders file lists no items; "
            "import it together with its Sold Order Items file"
        )
        error.hint = "e.g. oms import EtsySoldOrders2026-11.csv EtsySoldOrderItems2026-11.csv"
        raise error
    groups.extend([item_file] for item_file in unpaired_items)
    return groups


def plan_units(paths: list[str], channel: str = "auto", stdin: BinaryIO | None = None) -> list[ImportUnit]:
    """Check the files named for an import and group them into units, detecting each one's channel.

    ``-`` reads standard input (once). A missing file is NotFound; an empty,
    binary, non-UTF-8 or unrecognised file is BadInput naming it.
    """
    from oms_cli.importers.detect import etsy_part, sniff, unknown_export

    if channel != "auto" and channel not in CHANNELS:
        raise UsageError(f"unknown channel {channel!r} (choose from auto, {', '.join(CHANNELS)})")
    planned: list[Source] = []
    read_stdin = False
    for path in paths:
        if path == "-":
            if read_stdin:
                raise UsageError("standard input ('-') can be named only once")
            read_stdin = True
            if stdin is None:
                raise UsageError("'-' names standard input, but none is available")
            planned.append(Source(name="<stdin>", data=stdin.read()))
            continue
        where = Path(path)
        if not where.exists():
            raise NotFound(f"{path}: no such file")
        if where.is_dir():
            raise BadInput(f"{path}: is a directory, not an export file")
        planned.append(Source(name=path, path=path))

    channels: dict[int, str] = {}
    for number, source in enumerate(planned):
        sniffed = sniff(source)
        found = sniffed.channel if channel == "auto" else channel
        if found is None:
            raise unknown_export(source, sniffed.columns)
        if found == "etsy":
            source.part = sniffed.part if sniffed.channel == "etsy" else etsy_part(set(sniffed.columns))
        channels[number] = found

    units: list[ImportUnit] = []
    etsy_sources = [s for n, s in enumerate(planned) if channels[n] == "etsy"]
    etsy_groups = _pair_etsy(etsy_sources) if etsy_sources else []
    placed: set[int] = set()
    for number, source in enumerate(planned):
        if channels[number] != "etsy":
            units.append(ImportUnit(name=source.name, channel=channels[number], sources=[source]))
            continue
        for index, group in enumerate(etsy_groups):
            if index not in placed and any(s is source for s in group):
                placed.add(index)
                units.append(ImportUnit(name=" + ".join(s.name for s in group), channel="etsy", sources=group))
    return units


def read_unit(
    unit: ImportUnit, settings: ImportSettings, progress: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Stream a unit's orders as canonical plain dicts; BadInput ``file:line: Column message`` at the first bad record.

    ``progress`` is called now and then with the bytes read so far (out of ``unit.size``).
    """
    module = importlib.import_module(f"oms_cli.importers.{_MODULES[unit.channel]}")
    orders: Iterator[dict[str, Any]] = module.read_orders(unit, settings, progress)
    return orders
