"""Reading a products CSV: columns found by name, units from the header or the config,
barcodes and locations checked, every problem named by file, line and column.

Pure module: text in, plain records out (no database). The caller opens the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from oms_cli.catalog.barcodes import classify_barcode
from oms_cli.catalog.units import kind_of, parse_measure, unit_name
from oms_cli.core.csvrows import csv_header, numbered_rows
from oms_cli.core.errors import BadInput, record_error

#: the product columns a file may set besides sku, barcodes and locations
VALUE_FIELDS = (
    "name",
    "length_mm",
    "width_mm",
    "height_mm",
    "weight_g",
    "fragile",
    "keep_upright",
    "packaging_class",
    "low_stock",
)

_SIMPLE = {
    "sku": "sku",
    "name": "name",
    "title": "name",
    "product_name": "name",
    "barcodes": "barcodes",
    "barcode": "barcodes",
    "ean": "barcodes",
    "upc": "barcodes",
    "gtin": "barcodes",
    "codes": "barcodes",
    "locations": "locations",
    "location": "locations",
    "bin": "locations",
    "bins": "locations",
    "fragile": "fragile",
    "keep_upright": "keep_upright",
    "upright": "keep_upright",
    "this_way_up": "keep_upright",
    "packaging_class": "packaging_class",
    "packaging": "packaging_class",
    "low_stock": "low_stock",
    "low_stock_threshold": "low_stock",
    "reorder_point": "low_stock",
}
_MEASURE_COLUMN = re.compile(r"^(length|width|height|depth|weight)(?:_(\w+))?$")
_TRUE = {"1", "y", "yes", "true", "x", "t", "on"}
_FALSE = {"", "0", "n", "no", "false", "f", "off", "-"}
#: separators of several barcodes or locations in one cell
_LIST_SPLIT = re.compile(r"[|;]")


class CatalogFileError(BadInput):
    """A products (or stock count) file with bad records: every problem, each on its own line."""

    def __init__(self, problems: list[str]) -> None:
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        super().__init__(problems[0] + more, hint="nothing was changed; fix the file and run the command again")
        self.problems = problems


@dataclass
class ProductRecord:
    """One product row of the file; ``values`` holds only the columns the file has."""

    line: int
    sku: str
    values: dict[str, Any] = field(default_factory=dict)
    barcodes: list[tuple[str, str]] | None = None  # (code, symbology); None when the file has no barcodes column
    locations: list[str] | None = None  # normalised codes, primary first; None when no locations column
    columns: dict[str, str] = field(default_factory=dict)  # field -> the header as written, for messages


@dataclass
class _Column:
    index: int
    header: str
    field: str
    kind: str | None = None  # length | weight for measures
    unit: str | None = None  # the unit named in the header, if any


def normal_header(text: str) -> str:
    """``Packaging Class`` / ``packaging-class`` -> ``packaging_class``."""
    return re.sub(r"[\s\-]+", "_", text.strip().lstrip("\ufeff").lower())


def map_columns(headers: list[str], file: str) -> tuple[list[_Column], list[str]]:
    """The known columns of a header row, and the headers that will be ignored."""
    cols: list[_Column] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(headers):
        h = normal_header(raw)
        col: _Column | None = None
        if h in _SIMPLE:
            col = _Column(i, raw.strip(), _SIMPLE[h])
        else:
            m = _MEASURE_COLUMN.match(h)
            if m:
                what = "length" if m[1] == "depth" else m[1]
                unit = m[2]
                kind = "weight" if what == "weight" else "length"
                if unit is not None and kind_of(unit) != kind:
                    raise record_error(file, 1, raw.strip(), f"names unit '{unit}', which is not a unit of {kind}")
                target = "weight_g" if what == "weight" else f"{what}_mm"
                col = _Column(i, raw.strip(), target, kind, unit_name(unit) if unit else None)
        if col is None:
            if h:
                ignored.append(raw.strip())
            continue
        if col.field in seen:
            raise record_error(file, 1, raw.strip(), f"says the same as column '{seen[col.field]}'")
        seen[col.field] = col.header
        cols.append(col)
    if "sku" not in seen:
        raise record_error(file, 1, None, "no 'sku' column in the header")
    return cols, ignored


def _flag(text: str) -> bool:
    t = text.strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise ValueError(f"'{text.strip()}' is not yes or no")


def _split(text: str) -> list[str]:
    return [p.strip() for p in _LIST_SPLIT.split(text) if p.strip()]


def read_products(
    lines: Iterable[str],
    file: str,
    *,
    units: dict[str, str] | None = None,
    check_location: Callable[[str], str] | None = None,
    max_problems: int = 100,
) -> tuple[list[ProductRecord], list[str]]:
    """Parse a products CSV into records and the ignored headers; raise CatalogFileError listing every bad cell.

    ``units`` gives the units of measure columns whose header names none (config
    ``catalog.units``); ``check_location`` normalises a location code or raises ValueError.
    """
    default_units = {"length": "mm", "weight": "g"} | dict(units or {})
    headers, reader = csv_header(lines, file)
    cols, ignored = map_columns(headers, file)
    problems: list[str] = []
    records: list[ProductRecord] = []
    first_line_of: dict[str, int] = {}
    owner_of_code: dict[str, tuple[str, int]] = {}

    def problem(line: int, column: str | None, message: str) -> None:
        problems.append(record_error(file, line, column, message).message)

    rows = numbered_rows(reader, file)
    while len(problems) < max_problems:
        try:
            start, row = next(rows)
        except StopIteration:
            break
        except BadInput as exc:  # a record that is not CSV: nothing after it can be read
            problems.append(exc.message)
            break
        rec = ProductRecord(line=start, sku="")
        for col in cols:
            cell = row[col.index] if col.index < len(row) else ""
            rec.columns[col.field] = col.header
            try:
                if col.field == "sku":
                    rec.sku = cell.strip()
                    if not rec.sku:
                        raise ValueError("is empty")
                    if any(ch.isspace() for ch in rec.sku):
                        raise ValueError(f"'{rec.sku}' contains blanks")
                elif col.field in ("name", "packaging_class"):
                    rec.values[col.field] = cell.strip() or None
                elif col.field in ("fragile", "keep_upright"):
                    rec.values[col.field] = _flag(cell)
                elif col.field == "low_stock":
                    t = cell.strip()
                    if t and not t.isdigit():
                        raise ValueError(f"'{t}' is not a whole number of units")
                    rec.values["low_stock"] = int(t) if t else None
                elif col.kind is not None:
                    t = cell.strip()
                    if not t:
                        rec.values[col.field] = None
                    else:
                        unit = col.unit or default_units[col.kind]
                        rec.values[col.field] = parse_measure(t, col.kind, unit, allow_suffix=col.unit is None)
                elif col.field == "barcodes":
                    rec.barcodes = []
                    for code in _split(cell):
                        if any(code == c for c, _ in rec.barcodes):
                            problem(start, col.header, f"lists '{code}' twice")
                            continue
                        try:
                            rec.barcodes.append((code, classify_barcode(code)))
                        except ValueError as exc:
                            problem(start, col.header, str(exc))
                elif col.field == "locations":
                    rec.locations = []
                    for code in _split(cell):
                        norm = check_location(code) if check_location else code.upper()
                        if norm in rec.locations:
                            raise ValueError(f"lists {norm} twice")
                        rec.locations.append(norm)
            except ValueError as exc:
                problem(start, col.header, str(exc))
        if not rec.sku:
            continue
        if rec.sku in first_line_of:
            problem(start, rec.columns["sku"], f"'{rec.sku}' is already on line {first_line_of[rec.sku]}")
            continue
        first_line_of[rec.sku] = start
        for code, _kind in rec.barcodes or ():
            other = owner_of_code.get(code)
            if other and other[0] != rec.sku:
                problem(start, rec.columns["barcodes"], f"'{code}' is also the code of {other[0]} on line {other[1]}")
            owner_of_code.setdefault(code, (rec.sku, start))
        records.append(rec)
    if problems:
        raise CatalogFileError(problems)
    return records, ignored
