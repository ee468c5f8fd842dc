"""Pick lists and wave consolidation sheets for the warehouse floor.

Pure renderers: plain data in, PDF bytes out. A pick list shows its stops in the
walking order it was given, each with the location as a Code 128 barcode, the
product's own EAN/UPC (or Code 128 of the SKU), units per tote and a flag where the
order has a special instruction. A consolidation sheet tells the packing station
which tote from which zone makes up which order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from reportlab.pdfgen.canvas import Canvas

from ..core.errors import BadInput
from .barcodes import Symbol, code128, product_symbol
from .data import PDF_MEDIA_TYPE, ConsolidationSheet, PageSize, PickList, PickStop, RenderedDocument
from .fonts import GlyphCheck, register_fonts
from .order_pages import Cell, box_rows, spacer
from .pages import (
    MARGIN,
    PageDocument,
    Row,
    Table,
    barcode_at,
    barcode_at_right,
    draw_documents,
    draw_lines,
    finish,
    new_canvas,
    page_size,
)
from .typesetting import LEADING, shorten, wrap

FLAG = "⚑"  # marks a tote whose order carries a special instruction
_BAR_H = 26.0


def _when(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else None


def sheet_frame(
    title: str, symbol: Symbol, meta: list[str], page: tuple[float, float], dpi: int
) -> tuple[Callable[[Canvas, int, int], None], float]:
    """A page frame with ``title``, meta lines and the document id as a barcode; returns it and the body top."""
    page_w, page_h = page
    top = page_h - MARGIN
    header_h = max(20 * LEADING + len(meta) * 9.5 * LEADING, 38 + _BAR_H) + 8

    def frame(canvas: Canvas, number: int, pages: int) -> None:
        regular, bold = register_fonts()
        canvas.setFont(bold, 20)
        canvas.drawString(MARGIN, top - 20, title)
        draw_lines(canvas, [(m, i == 0) for i, m in enumerate(meta)], MARGIN, top - 20 * LEADING, 9.5)
        barcode_at_right(
            canvas,
            symbol,
            page_w - MARGIN,
            top - 10 - _BAR_H,
            height=_BAR_H + 10,
            dpi=dpi,
            max_width=(page_w - 2 * MARGIN) / 2,
        )
        canvas.setLineWidth(1)
        canvas.line(MARGIN, top - header_h, page_w - MARGIN, top - header_h)
        canvas.setFont(regular, 7.5)
        canvas.drawString(MARGIN, MARGIN - 14, f"{title.capitalize()} {symbol.data}")
        canvas.drawRightString(page_w - MARGIN, MARGIN - 14, f"Page {number} of {pages}")

    return frame, top - header_h - 6


def _heading(columns: list[tuple[str, float]], body_w: float) -> Table:
    def draw(canvas: Canvas, top: float) -> None:
        _, bold = register_fonts()
        canvas.setFont(bold, 8.5)
        for title, x in columns:
            canvas.drawString(x, top - 12, title)
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN, top - 17, MARGIN + body_w, top - 17)

    return Table(20.0, draw)


def _stop_columns(body_w: float) -> tuple[float, float, float]:
    """Left edges of the location, product and totes columns (the stop number comes first)."""
    return MARGIN + 34, MARGIN + 34 + body_w * 0.3, MARGIN + 34 + body_w * 0.66


def _stop_row(number: int, stop: PickStop, where: str, check: GlyphCheck, body_w: float, dpi: int, table: Table) -> Row:
    regular, bold = register_fonts()
    location = code128(stop.location, field=f"{where}: location")
    product = product_symbol(stop.sku, stop.product_barcode)
    loc_x, prod_x, tote_x = _stop_columns(body_w)
    prod_w = tote_x - prod_x - 8
    name_lines = wrap(check.text(stop.name, f"{where} name") or "", prod_w, 8)[:2]
    tote_w = MARGIN + body_w - tote_x
    # (text, bold, size): the total to pick, a line per tote, the flagged orders' instructions
    totes: list[tuple[str, bool, float]] = [(f"Pick {stop.quantity}", True, 11.0)]
    for t in stop.totes:
        flag = f" {FLAG}" if t.special_instructions else ""
        totes.append((f"{check.text(t.tote, f'{where} tote')}: {t.quantity}{flag}", bool(flag), 9.5))
        if t.special_instructions:
            note = check.text(t.special_instructions, f"{where} tote {t.tote} special_instructions")
            totes += [(line, False, 7.5) for line in wrap(f"{FLAG} {note}", tote_w - 4, 7.5)[:3]]
    height = max(14 + 10 * LEADING + _BAR_H + 12, 8 + sum(size * LEADING for _, _, size in totes)) + 6
    sku = check.text(stop.sku, f"{where} sku")
    loc_text = check.text(stop.location, f"{where} location")

    def draw(canvas: Canvas, top: float) -> None:
        canvas.setFont(bold, 16)
        canvas.drawString(MARGIN, top - 18, str(number))
        canvas.setFont(bold, 13)
        canvas.drawString(loc_x, top - 14, loc_text)
        bars_at = top - height + 14
        barcode_at(canvas, location, loc_x - 4, bars_at, height=_BAR_H, dpi=dpi, max_width=prod_x - loc_x - 4)
        canvas.setFont(bold, 10)
        canvas.drawString(prod_x, top - 13, shorten(sku, prod_w, 10, True))
        draw_lines(canvas, [(line, False) for line in name_lines], prod_x, top - 15, 8)
        barcode_at(canvas, product, prod_x - 4, bars_at, height=_BAR_H, dpi=dpi, max_width=prod_w + 8)
        y = top - 4
        for text, heavy, size in totes:
            y -= size * LEADING
            canvas.setFont(bold if heavy else regular, size)
            canvas.drawString(tote_x, y + size * 0.25, text)
        canvas.setLineWidth(0.3)
        canvas.line(MARGIN, top - height, MARGIN + body_w, top - height)

    return Row(height, draw, table=table)


def pick_list_document(pick_list: PickList, *, page: tuple[float, float], dpi: int, check: GlyphCheck) -> PageDocument:
    """One pick list as a paginated document, stops in the order given."""
    body_w = page[0] - 2 * MARGIN
    symbol = code128(pick_list.list_id, field="pick list id")
    units = sum(stop.quantity for stop in pick_list.stops)
    facts = [
        f"Pick list {pick_list.list_id}",
        " · ".join(
            filter(
                None,
                [
                    f"zone {pick_list.zone}" if pick_list.zone else None,
                    f"wave {pick_list.wave}" if pick_list.wave else None,
                    f"picker {pick_list.picker}" if pick_list.picker else None,
                ],
            )
        ),
        f"{len(pick_list.stops)} stops · {units} units"
        + (f" · route {pick_list.route_length_m} m" if pick_list.route_length_m is not None else ""),
        _when(pick_list.created_at) or "",
    ]
    meta = [check.text(m, f"pick list {pick_list.list_id}") for m in facts if m]
    frame, body_top = sheet_frame("PICK LIST", symbol, meta, page, dpi)
    loc_x, prod_x, tote_x = _stop_columns(body_w)
    table = _heading([("#", MARGIN), ("LOCATION", loc_x), ("PRODUCT", prod_x), ("TOTES", tote_x)], body_w)
    rows = [Row(table.height, table.draw, keep_with_next=True)]
    rows += [
        _stop_row(i, stop, f"pick list {pick_list.list_id} stop {i}", check, body_w, dpi, table)
        for i, stop in enumerate(pick_list.stops, start=1)
    ]
    key = tote_key(pick_list)
    if key:
        rows.append(spacer(10))
        rows += box_rows(
            [check.text(line, f"pick list {pick_list.list_id} totes") for line in key],
            MARGIN,
            body_w,
            size=9.5,
            heading="TOTES AND THEIR ORDERS",
        )
    return PageDocument(rows, frame, body_top, MARGIN + 4)


def tote_key(pick_list: PickList) -> list[str]:
    """One line per tote of the list, in tote order: its order and units, flagged when
    the order carries a special instruction (what the terminal's tote key shows)."""
    orders: dict[str, tuple[str | None, int, bool]] = {}
    for stop in pick_list.stops:
        for t in stop.totes:
            ref, units, flagged = orders.get(t.tote, (t.order_ref, 0, False))
            orders[t.tote] = (ref or t.order_ref, units + t.quantity, flagged or bool(t.special_instructions))

    def order_of(tote: str) -> tuple[int, str]:
        return (int(tote), "") if tote.isdigit() else (10**9, tote)

    return [
        f"Tote {tote}: {ref or 'no order'}, {units} unit{'s' if units != 1 else ''}{' ' + FLAG if flagged else ''}"
        for tote, (ref, units, flagged) in sorted(orders.items(), key=lambda kv: order_of(kv[0]))
    ]


def render_pick_lists(pick_lists: Sequence[PickList], *, page: PageSize = "a4", dpi: int = 300) -> RenderedDocument:
    """Pick lists, in the order given, as one PDF (each list starts on a new page)."""
    if not pick_lists:
        raise BadInput("no pick lists to render: the selection is empty")
    size = page_size(page, dpi)
    check = GlyphCheck()
    documents = [pick_list_document(pl, page=size, dpi=dpi, check=check) for pl in pick_lists]
    canvas, buffer = new_canvas(size, title=f"Pick lists ({len(pick_lists)})")
    pages = draw_documents(canvas, documents)
    return RenderedDocument(finish(canvas, buffer), PDF_MEDIA_TYPE, pages, tuple(check.warnings))


def consolidation_document(
    sheet: ConsolidationSheet, *, page: tuple[float, float], dpi: int, check: GlyphCheck
) -> PageDocument:
    """A wave's consolidation sheet: one row per order with its totes by zone."""
    body_w = page[0] - 2 * MARGIN
    symbol = code128(sheet.wave_id, field="wave id")
    totes = sum(len(o.totes) for o in sheet.orders)
    meta = [f"Wave {check.text(sheet.wave_id, 'wave id')}", f"{len(sheet.orders)} orders · {totes} totes"]
    if sheet.created_at:
        meta.append(_when(sheet.created_at) or "")
    frame, body_top = sheet_frame("CONSOLIDATION SHEET", symbol, meta, page, dpi)
    # the order column holds the order ref as Code 128: wide enough for a marketplace ref
    # such as amazon:112-9936720-4455210 at the smallest readable module
    order_x, totes_x, done_x = MARGIN, MARGIN + body_w * 0.5, MARGIN + body_w - 36
    table = _heading([("ORDER", order_x), ("TOTES BY ZONE", totes_x), ("DONE", done_x)], body_w)
    rows = [Row(table.height, table.draw, keep_with_next=True)]
    regular, bold = register_fonts()
    for entry in sheet.orders:
        where = f"wave {sheet.wave_id} order {entry.order_ref}"
        ref_symbol = code128(entry.order_ref, field=f"{where}: order_ref")
        lines: Cell = []
        for zt in entry.totes:
            source = f", list {zt.pick_list_id}" if zt.pick_list_id else ""
            text = f"{zt.zone}: tote {zt.tote} ({zt.units} unit{'' if zt.units == 1 else 's'}{source})"
            lines.append((check.text(text, f"{where} totes"), False))
        if entry.special_instructions:
            note = check.text(entry.special_instructions, f"{where} special_instructions")
            lines += [(part, True) for part in wrap(f"{FLAG} {note}", done_x - totes_x - 8, 9.5, True)[:3]]
        height = max(16 + _BAR_H + 12, 6 + len(lines) * 9.5 * LEADING) + 6
        ref = check.text(entry.order_ref, f"{where} order_ref")

        def draw(
            canvas: Canvas,
            top: float,
            ref: str = ref,
            symbol: Symbol = ref_symbol,
            lines: Cell = lines,
            height: float = height,
        ) -> None:
            canvas.setFont(bold, 11)
            canvas.drawString(order_x, top - 13, ref)
            barcode_at(
                canvas, symbol, order_x - 4, top - height + 14, height=_BAR_H, dpi=dpi, max_width=totes_x - order_x - 4
            )
            draw_lines(canvas, lines, totes_x, top - 4, 9.5)
            canvas.setLineWidth(0.8)
            canvas.rect(done_x + 6, top - 20, 12, 12)
            canvas.setLineWidth(0.3)
            canvas.line(MARGIN, top - height, MARGIN + body_w, top - height)

        rows.append(Row(height, draw, table=table))
    return PageDocument(rows, frame, body_top, MARGIN + 4)


def render_consolidation_sheets(
    sheets: Sequence[ConsolidationSheet], *, page: PageSize = "a4", dpi: int = 300
) -> RenderedDocument:
    """Consolidation sheets, in the order given, as one PDF (each wave starts on a new page)."""
    if not sheets:
        raise BadInput("no consolidation sheets to render: the selection is empty")
    size = page_size(page, dpi)
    check = GlyphCheck()
    documents = [consolidation_document(s, page=size, dpi=dpi, check=check) for s in sheets]
    canvas, buffer = new_canvas(size, title=f"Consolidation sheets ({len(sheets)})")
    pages = draw_documents(canvas, documents)
    return RenderedDocument(finish(canvas, buffer), PDF_MEDIA_TYPE, pages, tuple(check.warnings))
