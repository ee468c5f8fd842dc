"""Reading a cycle-count CSV: SKU, location (optional) and the quantity counted.

Pure module: text in, plain records out; every problem named by file, line and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from oms_cli.catalog.csvfile import CatalogFileError, normal_header
from oms_cli.core.csvrows import csv_header, numbered_rows
from oms_cli.core.errors import BadInput, record_error
from oms_cli.core.limits import MAX_UNITS

_HEADERS = {
    "sku": "sku",
    "location": "location",
    "bin": "location",
    "locations": "location",
    "quantity": "quantity",
    "qty": "quantity",
    "count": "quantity",
    "counted": "quantity",
    "on_hand": "quantity",
}


@dataclass(frozen=True)
class CountRecord:
    """One counted SKU at one location (None: the SKU's primary location)."""

    line: int
    sku: str
    location: str | None
    quantity: int


def read_counts(
    lines: Iterable[str], file: str, *, check_location: Callable[[str], str] | None = None, max_problems: int = 100
) -> tuple[list[CountRecord], dict[str, str]]:
    """Parse a count file into records and the header of each field; raise CatalogFileError listing every bad cell."""
    headers, reader = csv_header(lines, file)
    index: dict[str, int] = {}
    header_of: dict[str, str] = {}
    for i, raw in enumerate(headers):
        f = _HEADERS.get(normal_header(raw))
        if f and f not in index:
            index[f] = i
            header_of[f] = raw.strip()
    for needed in ("sku", "quantity"):
        if needed not in index:
            raise record_error(file, 1, None, f"no '{needed}' column in the header (columns: sku, location, quantity)")
    problems: list[str] = []
    records: list[CountRecord] = []
    seen: dict[tuple[str, str | None], int] = {}
    rows = numbered_rows(reader, file)
    while len(problems) < max_problems:
        try:
            start, row = next(rows)
        except StopIteration:
            break
        except BadInput as exc:  # a record that is not CSV: nothing after it can be read
            problems.append(exc.message)
            break

        def cell(name: str) -> str:
            i = index.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""  # noqa: B023 - called only within this iteration

        sku = cell("sku")
        if not sku:
            problems.append(record_error(file, start, header_of["sku"], "is empty").message)
            continue
        qty_text = cell("quantity")
        if not qty_text.isdigit() or int(qty_text) > MAX_UNITS:
            what = (
                "is empty"
                if not qty_text
                else (
                    f"'{qty_text}' is too large"
                    if qty_text.isdigit()
                    else f"'{qty_text}' is not a whole number of units (0 or more)"
                )
            )
            problems.append(record_error(file, start, header_of["quantity"], what).message)
            continue
        location: str | None = cell("location") or None
        if location is not None and check_location is not None:
            try:
                location = check_location(location)
            except ValueError as exc:
                problems.append(record_error(file, start, header_of["location"], str(exc)).message)
                continue
        key = (sku, location)
        if key in seen:
            problems.append(
                record_error(
                    file,
                    start,
                    header_of["sku"],
                    f"'{sku}'{' at ' + location if location else ''} is already counted on line {seen[key]}",
                ).message
            )
            continue
        seen[key] = start
        records.append(CountRecord(start, sku, location, int(qty_text)))
    if problems:
        raise CatalogFileError(problems)
    return records, header_of
