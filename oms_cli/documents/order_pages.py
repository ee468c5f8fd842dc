"""The page layout packing slips and invoices share.

Every page repeats the header: logo and shop details on the left; title, order
reference and the order reference as a Code 128 barcode on the right. The first page
then has the addresses and the buyer's special instruction in a highlighted box;
order lines follow as a table whose headings repeat on each continued page; the
thank-you note and return instructions close the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from .addresses import address_lines
from .barcodes import code128
from .data import OrderDocument, PostalAddress, Shop
from .fonts import GlyphCheck, register_fonts
from .naming import customer_order_name
from .pages import MARGIN, PageDocument, Row, Table, barcode_at_right, draw_lines
from .typesetting import LEADING, wrap

Cell = list[tuple[str, bool]]  # lines of (text, bold) in one table cell

BODY_SIZE = 9.5
_CELL_PAD = 4.0
_LOGO_BOX = (140.0, 44.0)


@dataclass(frozen=True)
class Column:
    """A column of the order-lines table: heading, share of the width, alignment."""

    title: str
    share: float
    align: Literal["left", "right"] = "left"


@dataclass(frozen=True)
class OrderSheet:
    """What a slip or an invoice puts on the common order layout."""

    title: str
    header_lines: list[str]  # under the order reference, right-hand side
    addresses: list[tuple[str, PostalAddress]]  # ("SHIP TO", address), …
    details: list[tuple[str, str]]  # ("Shipping", "UPS Ground"), …
    columns: tuple[Column, ...]
    cells: list[list[Cell]]  # one list of cells per order line
    after_table: list[Row]  # invoice totals
    show_vat: bool = False  # the shop's VAT number belongs on invoices
    show_instructions: bool = True  # the buyer's special instruction, boxed (slips)


def load_logo(shop: Shop, warnings: list[str]) -> ImageReader | None:
    """The shop's logo, read once per batch; a logo that cannot be read is skipped with a warning."""
    if not shop.logo_path:
        return None
    try:
        return ImageReader(shop.logo_path)
    except Exception as e:  # reportlab/PIL raise many kinds; a missing logo must not stop shipping
        warnings.append(f"logo {shop.logo_path}: cannot be read ({e}); printed without it")
        return None


def item_cell(name: str | None, free: bool, where: str, check: GlyphCheck) -> Cell:
    """The item column: the product name, and a bold FREE line for a freebie."""
    cell: Cell = [(check.text(name, where) or "—", False)]
    if free:
        cell.append(("FREE — with our thanks", True))
    return cell


def _shop_lines(shop: Shop, check: GlyphCheck, vat: bool) -> Cell:
    lines: Cell = [(check.text(shop.name, "shop.name"), True)]
    address = check.address(replace(shop.address, name=None, phone=None), "shop.address")
    lines += [(line, False) for line in address_lines(address)]
    contact = " · ".join(filter(None, [shop.email, shop.phone, shop.website]))
    if contact:
        lines.append((check.text(contact, "shop.contact"), False))
    if vat and shop.vat_number:
        lines.append((f"VAT {check.text(shop.vat_number, 'shop.vat_number')}", False))
    return lines


def box_rows(
    lines: Sequence[str],
    x: float,
    width: float,
    *,
    size: float,
    heading: str | None = None,
    fill: float | None = None,
    border: float = 0.6,
) -> list[Row]:
    """A bordered (optionally filled) box of wrapped text, as rows that may continue on the next page."""
    regular, bold = register_fonts()
    pad = 6.0
    inner = width - 2 * pad
    wrapped = [part for line in lines for part in wrap(line, inner, size)]
    pieces: list[tuple[str, bool, float]] = []
    if heading:
        pieces.append((heading, True, size * 0.9))
    pieces += [(text, False, size) for text in wrapped]
    rows: list[Row] = []
    for i, (text, heavy, sz) in enumerate(pieces):
        first, last = i == 0, i == len(pieces) - 1
        height = sz * LEADING + (pad if first else 0) + (pad if last else 0)

        def draw(
            canvas: Canvas,
            top: float,
            text: str = text,
            heavy: bool = heavy,
            sz: float = sz,
            first: bool = first,
            last: bool = last,
            height: float = height,
        ) -> None:
            canvas.saveState()
            if fill is not None:
                canvas.setFillGray(fill)
                canvas.rect(x, top - height, width, height, stroke=0, fill=1)
                canvas.setFillGray(0)
            canvas.setLineWidth(border)
            canvas.line(x, top, x, top - height)
            canvas.line(x + width, top, x + width, top - height)
            if first:
                canvas.line(x, top, x + width, top)
            if last:
                canvas.line(x, top - height, x + width, top - height)
            canvas.setFont(bold if heavy else regular, sz)
            baseline = top - (pad if first else 0) - sz * LEADING + sz * 0.25
            canvas.drawString(x + pad, baseline, text)
            canvas.restoreState()

        rows.append(Row(height, draw, keep_with_next=first and heading is not None and len(pieces) > 1))
    return rows


def spacer(height: float) -> Row:
    """Blank space between blocks."""
    return Row(height, lambda canvas, top: None)


def order_document(
    order: OrderDocument,
    shop: Shop,
    sheet: OrderSheet,
    *,
    page: tuple[float, float],
    dpi: int,
    check: GlyphCheck,
    logo: ImageReader | None,
) -> PageDocument:
    """An order's slip or invoice as a paginated document."""
    regular, bold = register_fonts()
    page_w, page_h = page
    body_w = page_w - 2 * MARGIN
    symbol = code128(order.order_ref, field=f"order {order.order_ref}: order_ref")
    ref = check.text(order.order_ref, f"order {order.order_ref} order_ref")
    shop_lines = _shop_lines(shop, check, vat=sheet.show_vat)
    right_lines: Cell = [(f"Order {customer_order_name(ref)}", True)] + [(line, False) for line in sheet.header_lines]
    logo_h = _LOGO_BOX[1] + 6 if logo is not None else 0.0
    left_h = logo_h + len(shop_lines) * 8.5 * LEADING
    barcode_h = 28.0
    right_h = 18 * LEADING + len(right_lines) * 9.5 * LEADING + 6 + barcode_h + 12
    header_h = max(left_h, right_h) + 8
    top = page_h - MARGIN
    body_top = top - header_h - 10

    def frame(canvas: Canvas, number: int, pages: int) -> None:
        y = top
        if logo is not None:
            canvas.drawImage(
                logo, MARGIN, y - _LOGO_BOX[1], *_LOGO_BOX, preserveAspectRatio=True, anchor="sw", mask="auto"
            )
            y -= logo_h
        draw_lines(canvas, shop_lines, MARGIN, y, 8.5)
        canvas.setFont(bold, 18)
        canvas.drawRightString(page_w - MARGIN, top - 18, sheet.title)
        y = draw_lines(canvas, right_lines, page_w - MARGIN, top - 18 * LEADING, 9.5, align="right")
        barcode_at_right(
            canvas, symbol, page_w - MARGIN, y - 6 - barcode_h, height=barcode_h, dpi=dpi, max_width=body_w / 2
        )
        canvas.setLineWidth(1)
        canvas.line(MARGIN, top - header_h, page_w - MARGIN, top - header_h)
        canvas.setFont(regular, 7.5)
        canvas.drawString(MARGIN, MARGIN - 14, f"{sheet.title.capitalize()} · order {customer_order_name(ref)}")
        canvas.drawRightString(page_w - MARGIN, MARGIN - 14, f"Page {number} of {pages}")

    rows: list[Row] = [_address_row(order, shop, sheet, body_w, check), spacer(8)]
    # The buyer's instruction is for the packer (the slip); an invoice is the customer's record of the sale.
    instructions = sheet.show_instructions and check.paragraph(
        order.special_instructions, f"order {order.order_ref} special_instructions"
    )
    if instructions:
        rows += box_rows(instructions, MARGIN, body_w, size=11, heading="SPECIAL INSTRUCTIONS", fill=0.88, border=2)
        rows.append(spacer(10))
    rows += _table_rows(sheet.columns, sheet.cells, body_w)
    rows += sheet.after_table
    note = check.paragraph(order.thank_you_note, f"order {order.order_ref} thank_you_note")
    if note:
        rows.append(spacer(12))
        rows += box_rows(note, MARGIN, body_w, size=10)
    returns = check.paragraph(shop.return_instructions, "shop.return_instructions")
    if returns:
        rows.append(spacer(12))
        rows += box_rows(returns, MARGIN, body_w, size=8.5, heading="RETURNS", border=0.3)
    return PageDocument(rows, frame, body_top, MARGIN + 4)


def _address_row(order: OrderDocument, shop: Shop, sheet: OrderSheet, body_w: float, check: GlyphCheck) -> Row:
    blocks: list[tuple[str, Cell]] = []
    for heading, address in sheet.addresses:
        where = f"order {order.order_ref} {heading.lower().replace(' ', '_')}"
        cleaned = check.address(address, where)
        lines = address_lines(cleaned, shop.address.country)
        blocks.append((heading, [(line, i == 0) for i, line in enumerate(lines)]))
    if sheet.details:
        blocks.append(
            (
                "ORDER",
                [(f"{k}: {check.text(v, f'order {order.order_ref} {k.lower()}')}", False) for k, v in sheet.details],
            )
        )
    width = body_w / max(1, len(blocks))
    wrapped = [
        [(part, heavy) for text, heavy in cell for part in wrap(text, width - 10, 10, heavy)] for _, cell in blocks
    ]
    height = 8 * LEADING + max(len(w) for w in wrapped) * 10 * LEADING + 4

    def draw(canvas: Canvas, top: float) -> None:
        _, bold = register_fonts()
        for i, ((heading, _), lines) in enumerate(zip(blocks, wrapped)):
            x = MARGIN + i * width
            canvas.setFont(bold, 7.5)
            canvas.drawString(x, top - 8, heading)
            draw_lines(canvas, lines, x, top - 8 * LEADING, 10)

    return Row(height, draw)


def _table_rows(columns: tuple[Column, ...], cells: list[list[Cell]], body_w: float) -> list[Row]:
    regular, bold = register_fonts()
    total = sum(c.share for c in columns)
    widths = [body_w * c.share / total for c in columns]
    lefts = [MARGIN + sum(widths[:i]) for i in range(len(columns))]

    def draw_heading(canvas: Canvas, top: float) -> None:
        canvas.setFont(bold, 8.5)
        for col, x, w in zip(columns, lefts, widths):
            if col.align == "right":
                canvas.drawRightString(x + w - _CELL_PAD, top - 12, col.title)
            else:
                canvas.drawString(x + _CELL_PAD, top - 12, col.title)
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN, top - 17, MARGIN + body_w, top - 17)

    table = Table(20.0, draw_heading)
    rows = [Row(table.height, table.draw, keep_with_next=True)]
    for line_cells in cells:
        wrapped = [
            [(part, heavy) for text, heavy in cell for part in wrap(text, w - 2 * _CELL_PAD, BODY_SIZE, heavy)]
            for cell, w in zip(line_cells, widths)
        ]
        height = max(1, *(len(c) for c in wrapped)) * BODY_SIZE * LEADING + 2 * _CELL_PAD

        def draw(canvas: Canvas, top: float, wrapped: list[Cell] = wrapped, height: float = height) -> None:
            for col, x, w, lines in zip(columns, lefts, widths, wrapped):
                if col.align == "right":
                    draw_lines(canvas, lines, x + w - _CELL_PAD, top - _CELL_PAD, BODY_SIZE, align="right")
                else:
                    draw_lines(canvas, lines, x + _CELL_PAD, top - _CELL_PAD, BODY_SIZE)
            canvas.setLineWidth(0.3)
            canvas.line(MARGIN, top - height, MARGIN + body_w, top - height)

        rows.append(Row(height, draw, table=table))
    return rows
