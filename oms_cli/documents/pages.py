"""Multi-page documents: a deterministic canvas and rows that flow onto pages.

Packing slips, invoices, pick lists and consolidation sheets are a page frame (header
with a barcode, footer with "page n of N") around rows. Rows are paginated first,
so every page knows the page count, and a table continued on a new page gets its
column headings again.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen.canvas import Canvas

from ..core.errors import UsageError
from .barcodes import Symbol, barcode_width, check_dpi, draw_barcode, module_dots
from .data import PAGE_SIZES, PageSize
from .fonts import register_fonts
from .typesetting import LEADING

MARGIN = 36.0  # half an inch: inside every office printer's printable area

DrawAt = Callable[[Canvas, float], None]  # draws with its top edge at the given y


def new_canvas(page_size: tuple[float, float], *, title: str) -> tuple[Canvas, io.BytesIO]:
    """A reportlab canvas in invariant mode (same input, same bytes) writing to memory."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page_size, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("oms")
    canvas.setProducer("oms")
    return canvas, buffer


def page_size(name: PageSize, dpi: int) -> tuple[float, float]:
    """Width and height in points of an A4 or Letter page, once ``dpi`` is known to be supported."""
    check_dpi(dpi)
    if name not in PAGE_SIZES:
        raise UsageError(f"page size {name!r} is not one of {', '.join(PAGE_SIZES)}")
    return A4 if name == "a4" else LETTER


@dataclass(frozen=True)
class Table:
    """A table's column headings, drawn again where the table continues on a new page."""

    height: float
    draw: DrawAt


@dataclass(frozen=True)
class Row:
    """A slice of a document that is never split across pages."""

    height: float
    draw: DrawAt
    table: Table | None = None
    keep_with_next: bool = False


@dataclass
class PageDocument:
    """One document (one order, one pick list): a page frame and its rows."""

    rows: list[Row]
    frame: Callable[[Canvas, int, int], None]  # draws header and footer of page n of N
    body_top: float
    body_bottom: float


def paginate(rows: Sequence[Row], body_height: float) -> list[list[Row]]:
    """Rows distributed over pages, with table headings repeated on continued pages."""
    pages: list[list[Row]] = [[]]
    used = 0.0
    previous: Row | None = None
    for i, row in enumerate(rows):
        need = row.height
        # A heading stays with what it introduces.
        j = i
        while rows[j].keep_with_next and j + 1 < len(rows):
            j += 1
            need += rows[j].height
        if pages[-1] and used + need > body_height:
            pages.append([])
            used = 0.0
            if row.table is not None and previous is not None and previous.table is row.table:
                pages[-1].append(Row(row.table.height, row.table.draw))
                used += row.table.height
        pages[-1].append(row)
        used += row.height
        previous = row
    return pages


def draw_documents(canvas: Canvas, documents: Sequence[PageDocument]) -> int:
    """Draw every document, each starting on a new page; return the number of pages drawn."""
    total = 0
    for document in documents:
        pages = paginate(document.rows, document.body_top - document.body_bottom)
        for number, rows in enumerate(pages, start=1):
            document.frame(canvas, number, len(pages))
            y = document.body_top
            for row in rows:
                row.draw(canvas, y)
                y -= row.height
            canvas.showPage()
        total += len(pages)
    return total


def finish(canvas: Canvas, buffer: io.BytesIO) -> bytes:
    """Close the PDF and return its bytes."""
    canvas.save()
    return buffer.getvalue()


SHEET_MODULE_MM = 0.34  # 4 dots at 300 dpi, 3 at 203: reads well off an office print


def barcode_at_right(
    canvas: Canvas, symbol: Symbol, right: float, y: float, *, height: float, dpi: int, max_width: float
) -> float:
    """Draw ``symbol`` so its quiet zone ends at ``right``, bars rising from ``y``; return its width."""
    dots = module_dots(symbol, dpi, SHEET_MODULE_MM, max_width)
    width = barcode_width(symbol, dots, dpi)
    return draw_barcode(canvas, symbol, right - width, y, height=height, dpi=dpi, dots=dots, text_size=7)


def barcode_at(
    canvas: Canvas, symbol: Symbol, x: float, y: float, *, height: float, dpi: int, max_width: float
) -> float:
    """Draw ``symbol`` with its quiet zone starting at ``x``, bars rising from ``y``; return its width."""
    dots = module_dots(symbol, dpi, SHEET_MODULE_MM, max_width)
    return draw_barcode(canvas, symbol, x, y, height=height, dpi=dpi, dots=dots, text_size=7)


def draw_lines(
    canvas: Canvas,
    lines: Sequence[tuple[str, bool]],
    x: float,
    top: float,
    size: float,
    align: Literal["left", "right"] = "left",
) -> float:
    """Draw (text, bold) lines downwards from ``top``; return the y under the last line."""
    regular, bold = register_fonts()
    y = top
    for text, heavy in lines:
        y -= size * LEADING
        canvas.setFont(bold if heavy else regular, size)
        if align == "right":
            canvas.drawRightString(x, y + size * 0.25, text)
        else:
            canvas.drawString(x, y + size * 0.25, text)
    return y
