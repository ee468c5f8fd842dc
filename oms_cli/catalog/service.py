"""Catalog service: import, list, show and change products. Owns its transactions."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TextIO

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from oms_cli.catalog.barcodes import classify_barcode
from oms_cli.catalog.csvfile import VALUE_FIELDS, CatalogFileError, ProductRecord, read_products
from oms_cli.catalog.units import parse_measure
from oms_cli.core.config import Config
from oms_cli.core.errors import BadInput, NotFound, UsageError, record_error
from oms_cli.core.files import read_input_text
from oms_cli.store.engine import Store
from oms_cli.store.tables import product_barcodes as barcodes_t
from oms_cli.store.tables import product_locations as locations_t
from oms_cli.store.tables import products as products_t
from oms_cli.store.tables import stock as stock_t
from oms_cli.store.types import utcnow

CHUNK = 500

#: a new product's values for the columns a file leaves out
PRODUCT_DEFAULTS: dict[str, Any] = {
    "name": None,
    "length_mm": None,
    "width_mm": None,
    "height_mm": None,
    "weight_g": None,
    "fragile": False,
    "keep_upright": False,
    "packaging_class": None,
    "low_stock": None,
}


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run."""


def location_checker(config: Config) -> Callable[[str], str]:
    """A function that normalises a location code (``a3-b12-l2`` -> ``A03-B12-L2``) or raises ValueError.

    Codes are checked against the configured warehouse layout, so a location the pick
    planner could not walk to is refused when the catalog is loaded.
    """
    from oms_cli.warehouse.layout import Layout, parse_location

    layout = Layout.from_config(config.section("warehouse"))

    def check(code: str) -> str:
        return parse_location(code, layout).code

    return check


def _units(config: Config) -> dict[str, str]:
    units = config.get("catalog.units") or {}
    return {"length": str(units.get("length", "mm")), "weight": str(units.get("weight", "g"))}


def open_text(path: str) -> TextIO:
    """A CSV file as a text stream (UTF-8, with or without BOM), or a clear error when it is missing or not text."""
    return io.StringIO(read_input_text(path), newline="")


def _fetch(conn: Connection, table: Any, column: Any, keys: list[str]) -> list[Any]:
    rows: list[Any] = []
    for start in range(0, len(keys), CHUNK):
        rows.extend(conn.execute(select(table).where(column.in_(keys[start : start + CHUNK]))).all())
    return rows


def import_products(
    store: Store, path: str, config: Config, *, dry_run: bool = False, stream: TextIO | None = None
) -> dict[str, Any]:
    """Create or update the products of a CSV file in one transaction; a bad record changes nothing.

    Columns the file does not have are left as they are on existing products; a
    ``barcodes`` or ``locations`` column replaces that product's codes or locations.
    """
    source = stream if stream is not None else open_text(path)
    records, ignored = read_products(source, path, units=_units(config), check_location=location_checker(config))
    report: dict[str, Any] = {
        "file": path,
        "new": 0,
        "updated": 0,
        "unchanged": 0,
        "ignored_columns": ignored,
        "dry_run": dry_run,
    }
    try:
        with store.connect() as conn:
            _write_products(conn, records, path, report)
            if dry_run:
                raise _Rollback()
    except _Rollback:
        pass
    return report


def _write_products(conn: Connection, records: list[ProductRecord], path: str, report: dict[str, Any]) -> None:
    now = utcnow()
    skus = [r.sku for r in records]
    in_file = {r.sku: r for r in records}
    existing = {r.sku: r for r in _fetch(conn, products_t, products_t.c.sku, skus)}
    old_codes: dict[str, list[str]] = {}
    for r in _fetch(conn, barcodes_t, barcodes_t.c.sku, skus):
        old_codes.setdefault(r.sku, []).append(r.code)
    old_locs: dict[str, list[tuple[int, str]]] = {}
    for r in _fetch(conn, locations_t, locations_t.c.sku, skus):
        old_locs.setdefault(r.sku, []).append((r.position, r.location))

    # A code may move between products named in the file, but not take one from a product the file leaves alone.
    file_codes = {code: rec for rec in records for code, _ in (rec.barcodes or ())}
    problems = []
    for r in _fetch(conn, barcodes_t, barcodes_t.c.code, list(file_codes)):
        rec = file_codes[r.code]
        owner = in_file.get(r.sku)
        if r.sku != rec.sku and (owner is None or owner.barcodes is None):
            problems.append(
                record_error(
                    path, rec.line, rec.columns["barcodes"], f"'{r.code}' is already the code of {r.sku}"
                ).message
            )
    if problems:
        raise CatalogFileError(problems)

    new_rows: list[dict[str, Any]] = []
    code_deletes: list[str] = []
    code_inserts: list[dict[str, Any]] = []
    loc_deletes: list[str] = []
    loc_inserts: list[dict[str, Any]] = []
    for rec in records:
        old = existing.get(rec.sku)
        changed = False
        if old is None:
            new_rows.append({"sku": rec.sku, **PRODUCT_DEFAULTS, **rec.values, "updated_at": now})
        else:
            diff = {k: v for k, v in rec.values.items() if getattr(old, k) != v}
            if diff:
                conn.execute(update(products_t).where(products_t.c.sku == rec.sku).values(**diff, updated_at=now))
                changed = True
        if rec.barcodes is not None and sorted(old_codes.get(rec.sku, [])) != sorted(c for c, _ in rec.barcodes):
            code_deletes.append(rec.sku)
            code_inserts.extend({"code": c, "sku": rec.sku, "symbology": k} for c, k in rec.barcodes)
            changed = True
        if rec.locations is not None and [loc for _, loc in sorted(old_locs.get(rec.sku, []))] != rec.locations:
            loc_deletes.append(rec.sku)
            loc_inserts.extend({"sku": rec.sku, "location": loc, "position": i} for i, loc in enumerate(rec.locations))
            changed = True
        if old is None:
            report["new"] += 1
        elif changed:
            report["updated"] += 1
            if not any(k in rec.values for k in VALUE_FIELDS):
                conn.execute(update(products_t).where(products_t.c.sku == rec.sku).values(updated_at=now))
        else:
            report["unchanged"] += 1
    if new_rows:
        conn.execute(insert(products_t), new_rows)
    for start in range(0, len(code_deletes), CHUNK):
        conn.execute(delete(barcodes_t).where(barcodes_t.c.sku.in_(code_deletes[start : start + CHUNK])))
    for start in range(0, len(loc_deletes), CHUNK):
        conn.execute(delete(locations_t).where(locations_t.c.sku.in_(loc_deletes[start : start + CHUNK])))
    # Codes moving to another product: free them first, or the insert would collide with the old owner's row.
    moving = [row["code"] for row in code_inserts]
    for start in range(0, len(moving), CHUNK):
        conn.execute(delete(barcodes_t).where(barcodes_t.c.code.in_(moving[start : start + CHUNK])))
    if code_inserts:
        conn.execute(insert(barcodes_t), code_inserts)
    if loc_inserts:
        conn.execute(insert(locations_t), loc_inserts)


def _stock_totals(conn: Connection, skus: list[str] | None = None) -> dict[str, tuple[int, int]]:
    q = select(stock_t.c.sku, func.sum(stock_t.c.on_hand), func.sum(stock_t.c.reserved)).group_by(stock_t.c.sku)
    if skus is not None:
        q = q.where(stock_t.c.sku.in_(skus))
    return {r[0]: (int(r[1] or 0), int(r[2] or 0)) for r in conn.execute(q)}


def list_products(store: Store, search: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Products by SKU with their primary location, codes and stock totals."""
    q = select(products_t).order_by(products_t.c.sku)
    if search:
        like = f"%{search.lower()}%"
        q = q.where(
            or_(
                func.lower(products_t.c.sku).like(like),
                func.lower(products_t.c.name).like(like),
                products_t.c.sku.in_(select(barcodes_t.c.sku).where(barcodes_t.c.code.like(f"%{search}%"))),
            )
        )
    if limit:
        q = q.limit(limit)
    with store.connect(write=False) as conn:
        rows = conn.execute(q).all()
        skus = [r.sku for r in rows]
        codes: dict[str, list[str]] = {}
        for r in _fetch(conn, barcodes_t, barcodes_t.c.sku, skus):
            codes.setdefault(r.sku, []).append(r.code)
        locs: dict[str, list[tuple[int, str]]] = {}
        for r in _fetch(conn, locations_t, locations_t.c.sku, skus):
            locs.setdefault(r.sku, []).append((r.position, r.location))
        totals = _stock_totals(conn)
    out = []
    for r in rows:
        on_hand, reserved = totals.get(r.sku, (0, 0))
        out.append(
            _product_dict(r)
            | {
                "barcodes": sorted(codes.get(r.sku, [])),
                "locations": [loc for _, loc in sorted(locs.get(r.sku, []))],
                "on_hand": on_hand,
                "reserved": reserved,
                "available": on_hand - reserved,
            }
        )
    return out


def _product_dict(r: Any) -> dict[str, Any]:
    return {
        "sku": r.sku,
        "name": r.name,
        "length_mm": r.length_mm,
        "width_mm": r.width_mm,
        "height_mm": r.height_mm,
        "weight_g": r.weight_g,
        "fragile": bool(r.fragile),
        "keep_upright": bool(r.keep_upright),
        "packaging_class": r.packaging_class,
        "low_stock": r.low_stock,
        "updated_at": r.updated_at,
    }


def resolve_sku(conn: Connection, sku_or_code: str) -> Any:
    """The product row for a SKU, or for a barcode a scanner read."""
    key = sku_or_code.strip()
    row = conn.execute(select(products_t).where(products_t.c.sku == key)).first()
    if row is None:
        owner = conn.execute(select(barcodes_t.c.sku).where(barcodes_t.c.code == key)).scalar()
        if owner is not None:
            row = conn.execute(select(products_t).where(products_t.c.sku == owner)).first()
    if row is None:
        raise NotFound(
            f"{key}: no such product", hint="see `oms products list`, or load the catalog with `oms products import`"
        )
    return row


def show_product(store: Store, sku: str) -> dict[str, Any]:
    """One product (by SKU or barcode) with codes, locations and stock per location."""
    with store.connect(write=False) as conn:
        row = resolve_sku(conn, sku)
        codes = conn.execute(select(barcodes_t).where(barcodes_t.c.sku == row.sku).order_by(barcodes_t.c.code)).all()
        locs = conn.execute(
            select(locations_t).where(locations_t.c.sku == row.sku).order_by(locations_t.c.position, locations_t.c.id)
        ).all()
        stock = conn.execute(select(stock_t).where(stock_t.c.sku == row.sku).order_by(stock_t.c.location)).all()
    primary_order = {r.location: i for i, r in enumerate(locs)}
    per_location = sorted(
        (
            {"location": s.location, "on_hand": s.on_hand, "reserved": s.reserved, "available": s.on_hand - s.reserved}
            for s in stock
        ),
        key=lambda s: (primary_order.get(s["location"], len(primary_order)), s["location"]),
    )
    on_hand = sum(s["on_hand"] for s in per_location)
    reserved = sum(s["reserved"] for s in per_location)
    return _product_dict(row) | {
        "barcodes": [{"code": c.code, "symbology": c.symbology} for c in codes],
        "locations": [r.location for r in locs],
        "stock": per_location,
        "on_hand": on_hand,
        "reserved": reserved,
        "available": on_hand - reserved,
    }


def set_product(
    store: Store,
    config: Config,
    sku: str,
    *,
    values: dict[str, Any],
    add_barcodes: list[str] | None = None,
    remove_barcodes: list[str] | None = None,
    locations: list[str] | None = None,
    create: bool = False,
) -> dict[str, Any]:
    """Change one product's fields, codes or locations (create it with ``create``); safe to repeat.

    Measures in ``values`` (``length``, ``width``, ``height``, ``weight``) may carry a
    unit (``12cm``, ``1.2kg``); a bare number is in the ``catalog.units`` unit.
    """
    units = _units(config)
    clean: dict[str, Any] = {}
    for key, raw in values.items():
        if raw is None:
            continue
        if key in ("length", "width", "height", "weight"):
            kind = "weight" if key == "weight" else "length"
            try:
                clean["weight_g" if key == "weight" else f"{key}_mm"] = parse_measure(str(raw), kind, units[kind])
            except ValueError as exc:
                raise BadInput(f"--{key}: {exc}") from None
        elif key == "low_stock":
            if int(raw) < 0:
                raise BadInput("--low-stock: must be 0 or more")
            clean[key] = int(raw)
        elif key in PRODUCT_DEFAULTS:
            clean[key] = raw
        else:  # pragma: no cover - the CLI only passes known keys
            raise UsageError(f"unknown product field '{key}'")
    new_codes: list[tuple[str, str]] = []
    for code in add_barcodes or []:
        try:
            new_codes.append((code.strip(), classify_barcode(code)))
        except ValueError as exc:
            raise BadInput(f"--barcode {exc}") from None
    norm_locs: list[str] | None = None
    if locations is not None:
        check = location_checker(config)
        norm_locs = []
        for code in locations:
            try:
                loc = check(code)
            except ValueError as exc:
                raise BadInput(f"--location: {exc}") from None
            if loc not in norm_locs:
                norm_locs.append(loc)
    now = utcnow()
    changed: list[str] = []
    with store.connect() as conn:
        row = conn.execute(select(products_t).where(products_t.c.sku == sku)).first()
        if row is None:
            if not create:
                raise NotFound(f"{sku}: no such product", hint="add --create to make a new product")
            conn.execute(insert(products_t).values(sku=sku, **(PRODUCT_DEFAULTS | clean), updated_at=now))
            changed.append("created")
        else:
            diff = {k: v for k, v in clean.items() if getattr(row, k) != v}
            if diff:
                conn.execute(update(products_t).where(products_t.c.sku == sku).values(**diff, updated_at=now))
                changed.extend(sorted(diff))
        for code, kind in new_codes:
            owner = conn.execute(select(barcodes_t.c.sku).where(barcodes_t.c.code == code)).scalar()
            if owner == sku:
                continue
            if owner is not None:
                raise BadInput(
                    f"--barcode '{code}' is already the code of {owner}",
                    hint=f"remove it there first: oms products set {owner} --remove-barcode {code}",
                )
            conn.execute(insert(barcodes_t).values(code=code, sku=sku, symbology=kind))
            changed.append(f"barcode +{code}")
        for code in remove_barcodes or []:
            res = conn.execute(delete(barcodes_t).where(barcodes_t.c.code == code.strip(), barcodes_t.c.sku == sku))
            if res.rowcount:
                changed.append(f"barcode -{code.strip()}")
        if norm_locs is not None:
            old = [
                r.location
                for r in conn.execute(
                    select(locations_t.c.location)
                    .where(locations_t.c.sku == sku)
                    .order_by(locations_t.c.position, locations_t.c.id)
                )
            ]
            if old != norm_locs:
                conn.execute(delete(locations_t).where(locations_t.c.sku == sku))
                if norm_locs:
                    conn.execute(
                        insert(locations_t),
                        [{"sku": sku, "location": loc, "position": i} for i, loc in enumerate(norm_locs)],
                    )
                changed.append("locations")
        if changed and "created" not in changed and not any(k in clean for k in changed):
            conn.execute(update(products_t).where(products_t.c.sku == sku).values(updated_at=now))
    return {"sku": sku, "changed": changed}
