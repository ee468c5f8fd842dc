"""Documents service: loads orders, packages and pick lists from the store, gives
packages their SSCC and orders their invoice number, and renders one batch file.

Batches come out in the order the packers need them: by pick run, list and tote, then
by ship-by date. SSCCs and invoice numbers are written once, in their own write
transaction, and reused on every reprint, so the same selection always renders to the
same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from oms_cli.core.config import Config
from oms_cli.core.errors import BadInput, ConfigError, NotFound, UsageError
from oms_cli.core.money import from_minor
from oms_cli.documents.data import (
    ConsolidationOrder,
    ConsolidationSheet,
    DocumentLine,
    Invoice,
    LabelData,
    LabelFormat,
    LabelSize,
    OrderDocument,
    PageSize,
    PickList,
    PickStop,
    PostalAddress,
    RenderedDocument,
    ServiceLevel,
    Shop,
    ToteQuantity,
    WeightUnit,
    ZoneTote,
)
from oms_cli.documents.gs1 import is_ean13, is_upca, shop_sscc
from oms_cli.orders.lifecycle import Status, check_statuses
from oms_cli.orders.records import bill_to_of
from oms_cli.orders.service import resolve_ref
from oms_cli.store import counters
from oms_cli.store.counters import next_number
from oms_cli.store.engine import Store
from oms_cli.store.tables import invoices as invoices_t
from oms_cli.store.tables import order_events as events_t
from oms_cli.store.tables import order_lines as lines_t
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import packages as packages_t
from oms_cli.store.tables import pick_allocations as allocs_t
from oms_cli.store.tables import pick_lists as lists_t
from oms_cli.store.tables import pick_runs as runs_t
from oms_cli.store.tables import pick_stops as stops_t
from oms_cli.store.tables import product_barcodes as barcodes_t
from oms_cli.store.tables import products as products_t
from oms_cli.store.types import utcnow

#: the counters SSCC serials and invoice numbers are taken from (returns share ``sscc``)
#: how the release step records a thank-you rule's note on an order (an event of kind "note")
THANK_YOU_NOTE = "thank-you note: "
_SERVICE_LEVELS: tuple[ServiceLevel, ...] = ("standard", "expedited", "next_day")
_CHUNK = 500


@dataclass(frozen=True)
class OrderSelection:
    """Which orders a batch is for: named REFs, or orders by status, pick run or pick list."""

    refs: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    run: int | None = None
    pick_list: int | None = None

    @property
    def by_filter(self) -> bool:
        """Whether any of --status, --run or --list was given."""
        return bool(self.statuses) or self.run is not None or self.pick_list is not None


@dataclass(frozen=True)
class Skipped:
    """An order of the selection that got no document, and why."""

    ref: str
    reason: str


@dataclass
class DocumentBatch:
    """One rendered batch: the file's bytes (None when nothing was selected), what it holds, what was left out."""

    kind: str  # labels | packing slips | invoices | pick lists | consolidation sheets
    rendered: RenderedDocument | None
    documents: list[str] = field(default_factory=list)  # order refs, pick list ids or wave ids, in print order
    skipped: list[Skipped] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)  # per label / invoice: what was printed

    @property
    def warnings(self) -> list[str]:
        """The renderer's printing warnings (missing glyphs, shortened addresses, unreadable logo)."""
        return list(self.rendered.warnings) if self.rendered else []


# --- configuration ----------------------------------------------------------------


def shop_from_config(config: Config) -> Shop:
    """The shop as documents show it, from the ``shop`` section (the logo is found beside the config file)."""
    shop = config.section("shop")
    address = dict(shop.get("address") or {})
    known = set(PostalAddress.__dataclass_fields__)
    unknown = sorted(set(address) - known)
    if unknown:
        raise ConfigError(
            f"shop.address: unknown field(s) {', '.join(unknown)}", hint="known: " + ", ".join(sorted(known))
        )
    logo = shop.get("logo")
    logo_path = None
    if logo:
        path = Path(str(logo)).expanduser()
        logo_path = str(path if path.is_absolute() else config.directory / path)
    return Shop(
        name=str(shop.get("name") or address.get("name") or "Shop"),
        address=PostalAddress(**{k: (None if v is None else str(v)) for k, v in address.items()}),
        email=shop.get("email"),
        phone=shop.get("phone"),
        vat_number=shop.get("vat_number"),
        logo_path=logo_path,
        return_instructions=config.return_instructions,
    )


def channel_method_for_label(carrier: str | None, method: str | None) -> str | None:
    """The channel's shipping method for a label, unless it names another carrier than
    the one taking the parcel (a buyer's "DHL Express" on a UPS parcel misleads)."""
    from oms_cli.carriers.tracking import canonical_carrier, known_carrier

    if not method or not carrier:
        return method
    words = method.split()
    for n in (2, 1):
        prefix = " ".join(words[:n])
        if len(words) >= n and known_carrier(prefix):
            return method if canonical_carrier(prefix) == canonical_carrier(carrier) else None
    return method


def weight_unit(config: Config) -> WeightUnit:
    """The unit label weights print in (``documents.weight_unit``)."""
    unit = str(config.get("documents.weight_unit") or "kg").lower()
    if unit not in ("kg", "lb"):
        raise ConfigError(f"documents.weight_unit: '{unit}' is not kg or lb")
    return cast(WeightUnit, unit)


# --- selecting orders -------------------------------------------------------------


def _check_run(conn: Connection, run: int) -> None:
    if conn.execute(select(runs_t.c.id).where(runs_t.c.id == run)).first() is None:
        raise NotFound(f"pick run {run}: no such run", hint="see `oms pick lists`")


def _check_list(conn: Connection, list_id: int) -> None:
    if conn.execute(select(lists_t.c.id).where(lists_t.c.id == list_id)).first() is None:
        raise NotFound(f"pick list {list_id}: no such list", hint="see `oms pick lists`")


def select_orders(conn: Connection, selection: OrderSelection, *, default_status: str | None = None) -> list[Any]:
    """The selected order rows, in packing order; unknown REFs, runs and lists raise NotFound."""
    if selection.refs and selection.by_filter:
        raise UsageError("name orders either as REFs or with --status/--run/--list, not both")
    check_statuses(sorted(set(selection.statuses)))
    if selection.refs:
        rows: dict[int, Any] = {}
        for ref in selection.refs:
            row = resolve_ref(conn, ref)
            rows.setdefault(row.id, row)
        return packing_order(conn, list(rows.values()))
    statuses = selection.statuses
    if not selection.by_filter:
        if default_status is None:
            raise UsageError("say which orders: REF…, --status, --run or --list", hint="e.g. --status packed")
        statuses = (default_status,)
    conds: list[Any] = []
    if statuses:
        conds.append(orders_t.c.status.in_(statuses))
    if selection.run is not None:
        _check_run(conn, selection.run)
        on_run = (
            select(allocs_t.c.order_id)
            .join(stops_t, stops_t.c.id == allocs_t.c.stop_id)
            .join(lists_t, lists_t.c.id == stops_t.c.list_id)
            .where(lists_t.c.run_id == selection.run)
        )
        conds.append(orders_t.c.id.in_(on_run))
    if selection.pick_list is not None:
        _check_list(conn, selection.pick_list)
        on_list = (
            select(allocs_t.c.order_id)
            .join(stops_t, stops_t.c.id == allocs_t.c.stop_id)
            .where(stops_t.c.list_id == selection.pick_list)
        )
        conds.append(orders_t.c.id.in_(on_list))
    return packing_order(conn, list(conn.execute(select(orders_t).where(*conds))))


def packing_order(conn: Connection, rows: list[Any]) -> list[Any]:
    """Orders in the order packers meet them: pick run, list and tote of their latest run, then ship-by, placed, ref."""
    place: dict[int, tuple[int, int, int, int]] = {}
    ids = [r.id for r in rows]
    for start in range(0, len(ids), _CHUNK):
        q = (
            select(allocs_t.c.order_id, lists_t.c.run_id, lists_t.c.seq, lists_t.c.id.label("list_id"), allocs_t.c.tote)
            .join(stops_t, stops_t.c.id == allocs_t.c.stop_id)
            .join(lists_t, lists_t.c.id == stops_t.c.list_id)
            .where(allocs_t.c.order_id.in_(ids[start : start + _CHUNK]))
        )
        for a in conn.execute(q):
            # An order planned again (after a hold) is packed from its latest run.
            key = (-a.run_id, a.seq, a.list_id, a.tote if a.tote is not None else 0)
            if a.order_id not in place or key < place[a.order_id]:
                place[a.order_id] = key
    far = datetime.max.replace(tzinfo=utcnow().tzinfo)

    def sort_key(r: Any) -> tuple[Any, ...]:
        where = place.get(r.id)
        run = (0, -where[0], *where[1:]) if where else (1, 0, 0, 0, 0)
        return (*run, r.ship_by is None, r.ship_by or far, r.placed_at, r.ref)

    return sorted(rows, key=sort_key)


def _lines(conn: Connection, ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {i: [] for i in ids}
    for start in range(0, len(ids), _CHUNK):
        q = (
            select(lines_t)
            .where(lines_t.c.order_id.in_(ids[start : start + _CHUNK]))
            .order_by(lines_t.c.order_id, lines_t.c.line_no)
        )
        for ln in conn.execute(q):
            out[ln.order_id].append(ln)
    return out


def _thank_you_notes(conn: Connection, ids: list[int]) -> dict[int, str]:
    """The latest thank-you note a rule left on each order."""
    notes: dict[int, str] = {}
    for start in range(0, len(ids), _CHUNK):
        q = (
            select(events_t.c.order_id, events_t.c.note)
            .where(
                events_t.c.order_id.in_(ids[start : start + _CHUNK]),
                events_t.c.kind == "note",
                events_t.c.note.like(THANK_YOU_NOTE + "%"),
            )
            .order_by(events_t.c.at, events_t.c.id)
        )
        for e in conn.execute(q):
            text = e.note[len(THANK_YOU_NOTE) :].strip()
            if text:
                notes[e.order_id] = text
    return notes


def ship_to(row: Any) -> PostalAddress:
    """The order's ship-to address (the buyer's name when the channel gave no recipient)."""
    return PostalAddress(
        name=row.ship_name or row.customer_name,
        company=row.ship_company,
        address1=row.ship_address1,
        address2=row.ship_address2,
        address3=row.ship_address3,
        city=row.ship_city,
        province=row.ship_province,
        postal_code=row.ship_postal_code,
        country=row.ship_country,
        phone=row.ship_phone,
    )


def bill_to(row: Any) -> PostalAddress | None:
    """The order's billing address, None when the channel gave none (the invoice is then
    addressed to the ship-to address alone)."""
    bill = bill_to_of(row)
    if bill is None:
        return None
    return PostalAddress(**{**bill, "name": bill["name"] or row.customer_name})


def _service_level(row: Any) -> ServiceLevel:
    level = row.service_level
    return cast(ServiceLevel, level) if level in _SERVICE_LEVELS else "standard"


# --- shipping labels --------------------------------------------------------------


def _check_label_options(shop: Shop, size: str, fmt: str, dpi: int) -> None:
    """Refuse a size, format or dpi before any SSCC is handed out, by the renderer's own rules."""
    from oms_cli.documents.labels import render_labels

    try:
        # With no labels the renderer checks its options, then refuses the empty batch.
        render_labels([], shop, size=cast(LabelSize, size), fmt=cast(LabelFormat, fmt), dpi=dpi)
    except BadInput:
        pass


def _packages(conn: Connection, ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {i: [] for i in ids}
    for start in range(0, len(ids), _CHUNK):
        q = (
            select(packages_t)
            .where(packages_t.c.order_id.in_(ids[start : start + _CHUNK]))
            .order_by(packages_t.c.order_id, packages_t.c.package_no)
        )
        for p in conn.execute(q):
            out[p.order_id].append(p)
    return out


def assign_ssccs(store: Store, config: Config, package_ids: Iterable[int]) -> dict[int, str]:
    """Give each package without an SSCC the next one from counter ``sscc``; returns every package's SSCC."""
    wanted = sorted(set(package_ids))
    out: dict[int, str] = {}
    if not wanted:
        return out
    with store.connect(write=True) as conn:
        for package_id in wanted:
            # Read again under the write lock: another run may have numbered it meanwhile.
            current = conn.execute(select(packages_t.c.sscc).where(packages_t.c.id == package_id)).scalar_one()
            if current:
                out[package_id] = current
                continue
            code = shop_sscc(config.section("shop"), next_number(conn, counters.SSCC))
            conn.execute(
                update(packages_t).where(packages_t.c.id == package_id, packages_t.c.sscc.is_(None)).values(sscc=code)
            )
            out[package_id] = code
    return out


def shipping_labels(
    store: Store,
    config: Config,
    selection: OrderSelection,
    *,
    size: str,
    fmt: str,
    dpi: int,
) -> DocumentBatch:
    """One label per package of the selected orders (packed by default); orders without packages are skipped."""
    from oms_cli.carriers.tracking import carrier_name
    from oms_cli.documents.labels import render_labels

    shop = shop_from_config(config)
    unit = weight_unit(config)
    _check_label_options(shop, size, fmt, dpi)
    with store.connect(write=False) as conn:
        rows = select_orders(conn, selection, default_status=Status.PACKED)
        packages = _packages(conn, [r.id for r in rows])
    batch = DocumentBatch("labels", None)
    labelled = []
    for row in rows:
        if row.status == Status.CANCELLED:
            batch.skipped.append(Skipped(row.ref, "cancelled"))
        elif not packages[row.id]:
            batch.skipped.append(Skipped(row.ref, f"no packages recorded ({row.status}); pack it first"))
        else:
            labelled.append(row)
    ssccs = assign_ssccs(store, config, (p.id for r in labelled for p in packages[r.id] if not p.sscc))
    labels: list[LabelData] = []
    for row in labelled:
        parcels = packages[row.id]
        for n, p in enumerate(parcels, start=1):
            sscc = p.sscc or ssccs[p.id]
            tracking = (p.tracking or "").strip() or None
            labels.append(
                LabelData(
                    order_ref=row.ref,
                    ship_to=ship_to(row),
                    sscc=sscc,
                    package_number=n,
                    package_count=len(parcels),
                    weight_grams=p.measured_weight_g if p.measured_weight_g is not None else p.weight_g,
                    box_name=p.box,
                    service_level=_service_level(row),
                    tracking_number=tracking,
                    carrier=carrier_name(p.carrier) if p.carrier else None,
                    shipping_method=p.service or channel_method_for_label(p.carrier, row.shipping_method),
                )
            )
            batch.details.append(
                {
                    "ref": row.ref,
                    "package": p.package_no,
                    "of": len(parcels),
                    "sscc": sscc,
                    "barcode": "".join(tracking.split()) if tracking else row.ref,
                }
            )
        batch.documents.append(row.ref)
    if labels:
        batch.rendered = render_labels(
            labels,
            shop,
            size=cast(LabelSize, size),
            fmt=cast(LabelFormat, fmt),
            dpi=dpi,
            weight_unit=unit,
            zpl_font=config.get("documents.zpl_font") or None,
        )
    return batch


# --- packing slips and invoices ----------------------------------------------------


def order_document(row: Any, lines: Sequence[Any], thank_you_note: str | None) -> OrderDocument:
    """What a packing slip or invoice says about one order row and its lines."""
    cur = row.currency

    def money(minor: int | None) -> Decimal | None:
        return from_minor(minor, cur)

    return OrderDocument(
        order_ref=row.ref,
        placed_at=row.placed_at,
        ship_to=ship_to(row),
        bill_to=bill_to(row),
        lines=tuple(
            DocumentLine(ln.sku, ln.name, ln.quantity, money(ln.unit_price_minor), bool(ln.free)) for ln in lines
        ),
        customer_email=row.customer_email,
        shipping_method=row.shipping_method,
        service_level=_service_level(row),
        special_instructions=(row.notes or "").strip() or None,
        thank_you_note=thank_you_note,
        cash_on_delivery=row.payment_status == "cod",
        currency=cur,
        subtotal=money(row.subtotal_minor),
        discount=money(row.discount_minor),
        shipping=money(row.shipping_minor),
        tax=money(row.tax_minor),
        total=money(row.total_minor),
    )


def _order_documents(conn: Connection, rows: list[Any]) -> dict[int, OrderDocument]:
    ids = [r.id for r in rows]
    lines = _lines(conn, ids)
    notes = _thank_you_notes(conn, ids)
    return {r.id: order_document(r, lines[r.id], notes.get(r.id)) for r in rows}


def packing_slips(store: Store, config: Config, selection: OrderSelection, *, page: str) -> DocumentBatch:
    """Packing slips for the selected orders, one PDF in packing order; cancelled orders are skipped."""
    from oms_cli.documents.slips import render_packing_slips

    shop = shop_from_config(config)
    with store.connect(write=False) as conn:
        rows = select_orders(conn, selection)
        kept = [r for r in rows if r.status != Status.CANCELLED]
        documents = _order_documents(conn, kept)
    batch = DocumentBatch(
        "packing slips",
        None,
        [r.ref for r in kept],
        [Skipped(r.ref, "cancelled") for r in rows if r.status == Status.CANCELLED],
    )
    if kept:
        batch.rendered = render_packing_slips([documents[r.id] for r in kept], shop, page=cast(PageSize, page))
    return batch


def invoice_number(prefix: str, serial: int) -> str:
    """The printed invoice number: the prefix and a six-digit sequence (wider when it runs past it)."""
    return f"{prefix}{serial:06d}"


def _invoices(conn: Connection, ids: list[int]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for start in range(0, len(ids), _CHUNK):
        for inv in conn.execute(select(invoices_t).where(invoices_t.c.order_id.in_(ids[start : start + _CHUNK]))):
            out[inv.order_id] = inv
    return out


def issue_invoice_numbers(
    store: Store, config: Config, order_ids: Sequence[int]
) -> dict[int, tuple[str, datetime, bool]]:
    """Give each order without an invoice the next number, in the order given; returns number, issue time, new."""
    prefix = str(config.get("documents.invoice_prefix") or "")
    out: dict[int, tuple[str, datetime, bool]] = {}
    if not order_ids:
        return out
    now = utcnow()
    with store.connect(write=True) as conn:
        # Read again under the write lock: another run may have invoiced some meanwhile.
        existing = _invoices(conn, list(order_ids))
        for order_id in order_ids:
            if order_id in existing:
                inv = existing[order_id]
                out[order_id] = (inv.number, inv.issued_at, False)
                continue
            number = invoice_number(prefix, next_number(conn, counters.INVOICE))
            if conn.execute(select(invoices_t.c.id).where(invoices_t.c.number == number)).first() is not None:
                raise ConfigError(
                    f"documents.invoice_prefix: invoice number {number} is already taken",
                    hint="the invoice counter was set back, or the prefix changed to one used before",
                )
            conn.execute(insert(invoices_t).values(order_id=order_id, number=number, issued_at=now))
            out[order_id] = (number, now, True)
    return out


def invoices(store: Store, config: Config, selection: OrderSelection, *, page: str) -> DocumentBatch:
    """Invoices for the selected orders with sequential numbers, kept for reprints; one PDF in packing order.

    A cancelled order gets no new invoice (one already issued still reprints).
    """
    from oms_cli.documents.invoices import render_invoices

    shop = shop_from_config(config)
    with store.connect(write=False) as conn:
        rows = select_orders(conn, selection)
        issued = _invoices(conn, [r.id for r in rows])
        kept = [r for r in rows if r.status != Status.CANCELLED or r.id in issued]
        documents = _order_documents(conn, kept)
    kept_ids = {r.id for r in kept}
    batch = DocumentBatch(
        "invoices",
        None,
        [r.ref for r in kept],
        [Skipped(r.ref, "cancelled: no invoice is issued for it") for r in rows if r.id not in kept_ids],
    )
    if not kept:
        return batch
    # Reprints need no write lock; only orders without a number take one.
    numbers = {r.id: (issued[r.id].number, issued[r.id].issued_at, False) for r in kept if r.id in issued}
    numbers |= issue_invoice_numbers(store, config, [r.id for r in kept if r.id not in issued])
    batch.details = [
        {"ref": r.ref, "invoice": numbers[r.id][0], "issued_at": numbers[r.id][1], "new": numbers[r.id][2]}
        for r in kept
    ]
    batch.rendered = render_invoices(
        [Invoice(numbers[r.id][0], numbers[r.id][1], documents[r.id]) for r in kept], shop, page=cast(PageSize, page)
    )
    return batch


# --- pick lists and consolidation sheets -------------------------------------------


def _product_facts(conn: Connection, skus: set[str]) -> tuple[dict[str, str | None], dict[str, str]]:
    """Product names, and each product's own EAN-13/UPC-A (the lowest valid code, so reprints agree)."""
    names: dict[str, str | None] = {}
    codes: dict[str, str] = {}
    ordered = sorted(skus)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        for p in conn.execute(select(products_t.c.sku, products_t.c.name).where(products_t.c.sku.in_(chunk))):
            names[p.sku] = p.name
        q = (
            select(barcodes_t.c.sku, barcodes_t.c.code)
            .where(barcodes_t.c.sku.in_(chunk))
            .order_by(barcodes_t.c.sku, barcodes_t.c.code)
        )
        for b in conn.execute(q):
            code = b.code.strip()
            # A code that is not a valid EAN/UPC would stop the whole list: fall back to the SKU instead.
            if b.sku not in codes and (is_ean13(code) or is_upca(code)):
                codes[b.sku] = code
    return names, codes


def _allocations(conn: Connection, list_ids: list[int]) -> list[Any]:
    """Every allocation still to be picked on the lists: stop, order, tote, units (shorted units left out)."""
    q = (
        select(
            stops_t.c.list_id,
            stops_t.c.id.label("stop_id"),
            stops_t.c.seq,
            stops_t.c.location,
            stops_t.c.sku,
            allocs_t.c.tote,
            (allocs_t.c.quantity - allocs_t.c.short_qty).label("units"),
            orders_t.c.ref,
            orders_t.c.notes,
        )
        .join(allocs_t, allocs_t.c.stop_id == stops_t.c.id)
        .join(orders_t, orders_t.c.id == allocs_t.c.order_id)
        .where(stops_t.c.list_id.in_(list_ids))
        .order_by(stops_t.c.list_id, stops_t.c.seq, stops_t.c.id, allocs_t.c.tote, orders_t.c.ref, allocs_t.c.id)
    )
    return [a for a in conn.execute(q) if a.units > 0]


def _tote(tote: int | None) -> str:
    return "-" if tote is None else str(tote)


def _list_heads(conn: Connection, list_ids: Sequence[int], run: int | None) -> list[Any]:
    head = select(lists_t, runs_t.c.created_at).join(runs_t, runs_t.c.id == lists_t.c.run_id)
    if run is not None:
        _check_run(conn, run)
        return list(conn.execute(head.where(lists_t.c.run_id == run).order_by(lists_t.c.seq, lists_t.c.id)))
    found = {r.id: r for r in conn.execute(head.where(lists_t.c.id.in_(list(list_ids))))}
    for list_id in list_ids:
        if list_id not in found:
            raise NotFound(f"pick list {list_id}: no such list", hint="see `oms pick lists`")
    return [found[i] for i in dict.fromkeys(list_ids)]


def pick_lists(
    store: Store, list_ids: Sequence[int] = (), *, run: int | None = None, page: str = "a4"
) -> DocumentBatch:
    """Pick lists (named, or every list of a run in sequence), stops in walking order, one PDF."""
    from oms_cli.documents.picklists import render_pick_lists

    if bool(list_ids) == (run is not None):
        raise UsageError(
            "name pick lists either as LIST numbers or with --run",
            hint="e.g. oms pick print 12, or oms pick print --run 3",
        )
    with store.connect(write=False) as conn:
        heads = _list_heads(conn, list_ids, run)
        allocations = _allocations(conn, [h.id for h in heads])
        names, codes = _product_facts(conn, {a.sku for a in allocations})
    stops: dict[int, dict[int, list[Any]]] = {h.id: {} for h in heads}
    for a in allocations:
        stops[a.list_id].setdefault(a.stop_id, []).append(a)
    documents = []
    for h in heads:
        documents.append(
            PickList(
                list_id=str(h.id),
                stops=tuple(
                    PickStop(
                        location=shares[0].location,
                        sku=shares[0].sku,
                        name=names.get(shares[0].sku),
                        totes=tuple(
                            ToteQuantity(_tote(a.tote), int(a.units), a.ref, (a.notes or "").strip() or None)
                            for a in shares
                        ),
                        product_barcode=codes.get(shares[0].sku),
                    )
                    for shares in stops[h.id].values()
                ),
                created_at=h.created_at,
                zone=h.zone,
                wave=None if h.wave is None else str(h.wave),
                picker=h.picker,
                route_length_m=Decimal(str(round(h.distance_m or 0.0, 1))),
            )
        )
    batch = DocumentBatch("pick lists", None, [str(h.id) for h in heads])
    batch.rendered = render_pick_lists(documents, page=cast(PageSize, page))
    return batch


def wave_id(run: int, wave: int | None) -> str:
    """The id a consolidation sheet is printed and scanned with: ``R<run>-W<wave>``, or ``R<run>`` for a run without waves."""
    return f"R{run}" if wave is None else f"R{run}-W{wave}"


def consolidation_sheets(store: Store, run: int, *, page: str = "a4") -> DocumentBatch:
    """A run's consolidation sheets, one per wave: which tote of which zone's list makes up which order."""
    from oms_cli.documents.picklists import render_consolidation_sheets

    with store.connect(write=False) as conn:
        heads = _list_heads(conn, (), run)
        allocations = _allocations(conn, [h.id for h in heads])
    by_id = {h.id: h for h in heads}
    # wave -> order ref -> (list, tote) -> units, in list sequence and tote order
    waves: dict[int | None, dict[str, dict[tuple[int, int | None], int]]] = {}
    notes: dict[str, str | None] = {}
    first_seen: dict[str, tuple[int, int, int]] = {}
    for a in allocations:
        head = by_id[a.list_id]
        totes = waves.setdefault(head.wave, {}).setdefault(a.ref, {})
        totes[(a.list_id, a.tote)] = totes.get((a.list_id, a.tote), 0) + int(a.units)
        notes[a.ref] = (a.notes or "").strip() or None
        where = (head.seq, a.list_id, a.tote if a.tote is not None else 0)
        first_seen[a.ref] = min(first_seen.get(a.ref, where), where)
    ordered_waves = sorted(waves, key=lambda w: (w is None, w or 0))
    sheets = []
    for wave in ordered_waves:
        refs = sorted(waves[wave], key=lambda ref: (first_seen[ref], ref))
        sheets.append(
            ConsolidationSheet(
                wave_id=wave_id(run, wave),
                orders=tuple(
                    ConsolidationOrder(
                        ref,
                        tuple(
                            ZoneTote(by_id[list_id].zone or "all", _tote(tote), units, str(list_id))
                            for (list_id, tote), units in sorted(
                                waves[wave][ref].items(), key=lambda kv: (by_id[kv[0][0]].seq, kv[0][0], kv[0][1] or 0)
                            )
                        ),
                        notes[ref],
                    )
                    for ref in refs
                ),
                created_at=heads[0].created_at if heads else None,
            )
        )
    batch = DocumentBatch("consolidation sheets", None, [s.wave_id for s in sheets])
    if sheets:
        batch.rendered = render_consolidation_sheets(sheets, page=cast(PageSize, page))
    return batch


# --- files ------------------------------------------------------------------------


def default_file_name(kind: str, suffix: str, now: datetime | None = None) -> str:
    """``labels-20261124-153000.pdf``: the file a batch goes to when no --out is given."""
    moment = (now or utcnow()).astimezone()
    return f"{kind.replace(' ', '-')}-{moment:%Y%m%d-%H%M%S}{suffix}"


def save(rendered: RenderedDocument, path: Path) -> Path:
    """Write a rendered batch to ``path`` all at once: a reader (or lp) never sees half a file."""
    path = path.expanduser()
    if path.parent and not path.parent.exists():
        raise BadInput(f"{path}: the folder {path.parent} does not exist")
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_bytes(rendered.content)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BadInput(f"{path}: cannot write the file ({exc.strerror or exc})") from None
    return path


__all__ = [
    "DocumentBatch",
    "OrderSelection",
    "Skipped",
    "assign_ssccs",
    "consolidation_sheets",
    "default_file_name",
    "invoice_number",
    "invoices",
    "issue_invoice_numbers",
    "order_document",
    "packing_order",
    "bill_to",
    "packing_slips",
    "pick_lists",
    "save",
    "select_orders",
    "ship_to",
    "shipping_labels",
    "shop_from_config",
    "wave_id",
    "weight_unit",
]
