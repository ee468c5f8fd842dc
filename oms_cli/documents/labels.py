"""Shipping labels: one per package, as PDF (4x6, A6, 2-up A4/Letter) or ZPL II.

Pure renderer: label data in, bytes out. The layout is computed once per label by
``label_layout`` and drawn either with reportlab or as ZPL, in the order given.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, A6, LETTER
from reportlab.pdfgen.canvas import Canvas

from ..core.errors import BadInput, UsageError
from .barcodes import check_dpi, draw_barcode
from .data import (
    LABEL_FORMATS,
    LABEL_SIZES,
    PDF_MEDIA_TYPE,
    ZPL_MEDIA_TYPE,
    LabelData,
    LabelFormat,
    LabelSize,
    RenderedDocument,
    Shop,
    WeightUnit,
)
from .fonts import register_fonts
from .label_layout import BannerOp, BarcodeOp, LabelLayout, RuleOp, TextOp, layout_label
from .pages import new_canvas
from .zpl import label_zpl

# Page size and label frames (x, y, width, height) on each page, top frame first.
_SHEETS: dict[LabelSize, tuple[tuple[float, float], tuple[tuple[float, float, float, float], ...]]] = {
    "4x6": ((288.0, 432.0), ((0.0, 0.0, 288.0, 432.0),)),
    "a6": (A6, ((0.0, 0.0, *A6),)),
    "a4-2up": (A4, ((0.0, A4[1] / 2, A4[0], A4[1] / 2), (0.0, 0.0, A4[0], A4[1] / 2))),
    "letter-2up": (LETTER, ((0.0, LETTER[1] / 2, LETTER[0], LETTER[1] / 2), (0.0, 0.0, LETTER[0], LETTER[1] / 2))),
}
# Roll printers take one label per format; sheets of two are for office printers.
_ZPL_SIZES: tuple[LabelSize, ...] = ("4x6", "a6")


def label_size(size: LabelSize) -> tuple[float, float]:
    """Width and height in points of one label of ``size``."""
    _, _, width, height = _SHEETS[size][1][0]
    return width, height


def _check_options(size: str, fmt: str, dpi: int) -> None:
    if size not in LABEL_SIZES:
        raise UsageError(f"label size {size!r} is not one of {', '.join(LABEL_SIZES)}")
    if fmt not in LABEL_FORMATS:
        raise UsageError(f"label format {fmt!r} is not one of {', '.join(LABEL_FORMATS)}")
    check_dpi(dpi)
    if fmt == "zpl" and size not in _ZPL_SIZES:
        raise UsageError(
            f"ZPL labels come in {' or '.join(_ZPL_SIZES)}; {size} sheets are for office printers",
            hint="use --format pdf for 2-up sheets",
        )


def draw_label(canvas: Canvas, layout: LabelLayout, x: float, y: float, dpi: int) -> None:
    """Draw a laid-out label with its bottom-left corner at (``x``, ``y``)."""
    regular, bold = register_fonts()
    for op in layout.ops:
        if isinstance(op, TextOp):
            canvas.setFont(bold if op.bold else regular, op.size)
            if op.align == "left":
                canvas.drawString(x + op.x, y + op.y, op.text)
            elif op.align == "right":
                canvas.drawRightString(x + op.x + op.width, y + op.y, op.text)
            else:
                canvas.drawCentredString(x + op.x + op.width / 2, y + op.y, op.text)
        elif isinstance(op, RuleOp):
            canvas.setLineWidth(op.thickness)
            canvas.line(x + op.x, y + op.y, x + op.x + op.width, y + op.y)
        elif isinstance(op, BannerOp):
            canvas.rect(x + op.x, y + op.y, op.width, op.height, stroke=0, fill=1)
            canvas.setFillGray(1)
            canvas.setFont(bold, op.size)
            canvas.drawCentredString(x + op.x + op.width / 2, y + op.y + (op.height - op.size * 0.72) / 2, op.text)
            canvas.setFillGray(0)
        elif isinstance(op, BarcodeOp):
            draw_barcode(
                canvas, op.symbol, x + op.x, y + op.y, height=op.height, dpi=dpi, dots=op.dots, text_size=op.text_size
            )


def render_labels(
    labels: Sequence[LabelData],
    shop: Shop,
    *,
    size: LabelSize = "4x6",
    fmt: LabelFormat = "pdf",
    dpi: int = 203,
    weight_unit: WeightUnit = "kg",
    zpl_font: str | None = None,
) -> RenderedDocument:
    """All ``labels``, in the order given, as one PDF or one ZPL file.

    ``dpi`` is the label printer's resolution: bar widths are whole dots of it.
    ``zpl_font`` names a printer-resident Unicode font for ZPL text (see ``zpl``).
    """
    _check_options(size, fmt, dpi)
    if not labels:
        raise BadInput("no labels to render: the selection is empty")
    width, height = label_size(size)
    layouts = [layout_label(label, shop, width, height, dpi=dpi, weight_unit=weight_unit) for label in labels]
    warnings = [w for layout in layouts for w in layout.warnings]
    if fmt == "zpl":
        if not zpl_font:
            warnings += _zpl_font_warnings(labels, layouts)
        text = "".join(label_zpl(layout, dpi, font=zpl_font) for layout in layouts)
        return RenderedDocument(text.encode("utf-8"), ZPL_MEDIA_TYPE, len(layouts), tuple(warnings))
    page_size, frames = _SHEETS[size]
    canvas, buffer = new_canvas(page_size, title=f"Shipping labels ({len(labels)})")
    pages = 0
    for start in range(0, len(layouts), len(frames)):
        for layout, (fx, fy, _, _) in zip(layouts[start : start + len(frames)], frames):
            draw_label(canvas, layout, fx, fy, dpi)
        if len(frames) > 1:
            _cut_line(canvas, page_size)
        canvas.showPage()
        pages += 1
    canvas.save()
    return RenderedDocument(buffer.getvalue(), PDF_MEDIA_TYPE, pages, tuple(warnings))


def _cut_line(canvas: Canvas, page_size: tuple[float, float]) -> None:
    canvas.saveState()
    canvas.setDash(4, 4)
    canvas.setLineWidth(0.3)
    canvas.line(0, page_size[1] / 2, page_size[0], page_size[1] / 2)
    canvas.restoreState()


def _zpl_font_warnings(labels: Sequence[LabelData], layouts: Sequence[LabelLayout]) -> list[str]:
    # Zebra's resident font 0 is a Latin font: Cyrillic, Greek and the rest print only with a
    # Unicode font stored on the printer, which ZPL cannot check from here.
    warnings = []
    for label, layout in zip(labels, layouts):
        text = "".join(op.text for op in layout.ops if isinstance(op, TextOp))
        if any(ord(ch) > 0xFF and ch != "…" for ch in text):
            warnings.append(
                f"label {label.order_ref} package {label.package_number}: text outside Latin-1 needs a "
                "Unicode font on the printer, which font 0 may not be (name one, e.g. E:TT0003M_.TTF)"
            )
    return warnings
