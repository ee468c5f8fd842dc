"""Barcodes for every document: symbols computed by python-barcode, drawn one way.

A :class:`Symbol` is the module pattern of a Code 128, GS1-128, EAN-13 or UPC-A
barcode plus what a scanner reads back. :func:`draw_barcode` is the only place bars
are put on a page: vector rectangles whose module width is a whole number of printer
dots, starting on the printer's dot grid, so no bar is widened or thinned by
rounding when a 203 or 300 dpi printer rasterises the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from barcode import codex
from barcode.charsets import code128 as code128_charset
from barcode.ean import EuropeanArticleNumber13
from barcode.upc import UniversalProductCodeA

from ..core.errors import BadInput, UsageError
from . import gs1
from .data import PRINTER_DPIS
from .fonts import register_fonts

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

SymbolKind = Literal["code128", "gs1-128", "ean13", "upca"]
POINTS_PER_INCH = 72.0
MM_PER_INCH = 25.4
# Narrowest bar most scanners read reliably (7.5 mil); thinner symbols are refused.
MIN_MODULE_MM = 0.19


@dataclass(frozen=True)
class Symbol:
    """A barcode symbol: its bars and spaces, quiet zones and the text it carries."""

    kind: SymbolKind
    data: str  # what a scanner reports (GS1 in bracketed form, e.g. "(00)3…")
    text: str  # the human-readable line printed under the bars
    modules: str  # "1" bar module, "0" space module, quiet zones excluded
    quiet_left: int
    quiet_right: int
    values: tuple[int, ...] = ()  # Code 128 code values from the start code on, no check

    @property
    def width_modules(self) -> int:
        """Width in modules, quiet zones included."""
        return self.quiet_left + len(self.modules) + self.quiet_right


class _FoldOnlyRealSwitches:
    """python-barcode's start-code folding, minus its loss of a leading "99" digit pair.

    python-barcode always starts in subset C and folds "start C, switch to B" into
    "start B". Up to 0.16.1 it also took a first data pair 99 for a switch to C and
    dropped it, so "991234" scanned as "1234" (WhyNotHugo/python-barcode#251).
    """

    def _try_to_optimize(self, encoded: list[int]) -> list[int]:
        start_c, switches = code128_charset.START_CODES["C"], code128_charset.TO
        if encoded[0] == start_c and len(encoded) > 1 and encoded[1] in switches and encoded[1] != 99:
            encoded[:2] = [switches[encoded[1]]]
        return encoded


class _Code128(_FoldOnlyRealSwitches, codex.Code128):
    pass


class _Gs1128(_FoldOnlyRealSwitches, codex.Gs1_128):
    pass


def _code128_symbol(kind: SymbolKind, payload: str, data: str, text: str) -> Symbol:
    # Gs1_128 puts FNC1 right after the start code; a fresh encoder per symbol, as it keeps state.
    encoder = _Gs1128(payload) if kind == "gs1-128" else _Code128(payload)
    values = tuple(encoder.encoded)
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    modules = "".join(code128_charset.CODES[v] for v in (*values, check))
    return Symbol(kind, data, text, modules + code128_charset.STOP + "11", 10, 10, values)


def code128(data: str, *, field: str = "barcode") -> Symbol:
    """A Code 128 symbol for ``data`` (printable ASCII)."""
    if not data or not all(" " <= ch <= "~" for ch in data):
        raise BadInput(f"{field} {data!r} cannot be a Code 128 barcode: use printable ASCII only")
    return _code128_symbol("code128", data, data, data)


def sscc_symbol(sscc: str) -> Symbol:
    """The GS1-128 package barcode for an SSCC-18: application identifier (00) then the SSCC."""
    if not gs1.is_sscc18(sscc):
        raise BadInput(f"sscc {sscc!r} is not an 18-digit SSCC with a valid check digit")
    return _code128_symbol("gs1-128", "00" + sscc, f"(00){sscc}", f"(00) {sscc}")


def ean13(code: str, *, field: str = "barcode") -> Symbol:
    """An EAN-13 symbol; the check digit must already be correct."""
    if not gs1.is_ean13(code):
        raise BadInput(f"{field} {code!r} is not an EAN-13 with a valid check digit")
    modules = EuropeanArticleNumber13(code).build()[0]
    return Symbol("ean13", code, code, modules, 11, 7)


def upca(code: str, *, field: str = "barcode") -> Symbol:
    """A UPC-A symbol; the check digit must already be correct."""
    if not gs1.is_upca(code):
        raise BadInput(f"{field} {code!r} is not a UPC-A with a valid check digit")
    modules = UniversalProductCodeA(code).build()[0]
    return Symbol("upca", code, code, modules, 9, 9)


def product_symbol(sku: str, product_barcode: str | None) -> Symbol:
    """The product's own EAN-13/UPC-A when it has one, else Code 128 of the SKU."""
    if product_barcode:
        code = product_barcode.strip()
        if len(code) == 13:
            return ean13(code, field=f"product barcode of {sku}")
        if len(code) == 12:
            return upca(code, field=f"product barcode of {sku}")
        raise BadInput(f"product barcode of {sku} {code!r} is neither an EAN-13 nor a UPC-A")
    return code128(sku, field="sku")


def dot(dpi: int) -> float:
    """One printer dot in points."""
    return POINTS_PER_INCH / dpi


def check_dpi(dpi: int) -> None:
    """Refuse a printer resolution the bar widths are not laid out for."""
    if dpi not in PRINTER_DPIS:
        raise UsageError(f"printer dpi {dpi} is not one of {', '.join(map(str, PRINTER_DPIS))}")


def module_dots(symbol: Symbol, dpi: int, target_mm: float, max_width: float) -> int:
    """Whole printer dots per module: near ``target_mm``, narrowed until the symbol fits ``max_width`` points."""
    check_dpi(dpi)
    smallest = math.ceil(MIN_MODULE_MM * dpi / MM_PER_INCH)
    dots = max(smallest, round(target_mm * dpi / MM_PER_INCH))
    while dots > smallest and symbol.width_modules * dots * dot(dpi) > max_width:
        dots -= 1
    if symbol.width_modules * dots * dot(dpi) > max_width + 1e-6:
        raise BadInput(
            f"barcode {symbol.text!r} is too long to print readably in "
            f"{max_width / POINTS_PER_INCH * MM_PER_INCH:.0f} mm"
        )
    return dots


def barcode_width(symbol: Symbol, dots: int, dpi: int) -> float:
    """Width in points of ``symbol`` at ``dots`` per module, quiet zones included."""
    return symbol.width_modules * dots * dot(dpi)


def _bar_rectangles(modules: str) -> str:
    """PDF operators filling each bar of ``modules`` as a unit-height rectangle."""
    ops = []
    start = -1
    for i, m in enumerate(modules + "0"):
        if m == "1" and start < 0:
            start = i
        elif m == "0" and start >= 0:
            ops.append(f"{start} 0 {i - start} 1 re")
            start = -1
    ops.append("f")
    return "\n".join(ops)


def draw_barcode(
    canvas: Canvas,
    symbol: Symbol,
    x: float,
    y: float,
    *,
    height: float,
    dpi: int,
    dots: int,
    text_size: float = 8.0,
    show_text: bool = True,
) -> float:
    """Draw ``symbol`` with its quiet zones starting at ``x`` and the bars' foot at ``y``; return its width.

    The human-readable line goes below ``y``; leave ``text_size * 1.3`` points for it.
    """
    pitch = dot(dpi)
    module = dots * pitch
    # Snap to the dot grid so every bar edge falls between two printer dots.
    left = round(x / pitch) * pitch + symbol.quiet_left * module
    canvas.saveState()
    canvas.setFillGray(0)
    if show_text:
        regular, _ = register_fonts()
        canvas.setFont(regular, text_size)
        centre = left + len(symbol.modules) * module / 2
        canvas.drawCentredString(centre, y - text_size * 1.1, symbol.text)
    # In module x bar-height units every bar is a rectangle with integer corners:
    # exact edges, and cheap to write (a label has some 90 bars per barcode).
    canvas.transform(module, 0, 0, height, left, y)
    canvas.addLiteral(_bar_rectangles(symbol.modules))
    canvas.restoreState()
    return symbol.width_modules * module
