"""Where everything goes on a shipping label, computed once for both PDF and ZPL.

Pure module: label data in, a list of drawing operations out, in points with the
origin at the label's bottom-left corner. ``labels`` draws them with reportlab and
``zpl`` turns them into ZPL II, so both formats carry the same content in the same
places. Tall frames (4x6, A6) stack the sections; wide frames (half an A4 or Letter
sheet) put the addresses on the left and the barcodes on the right.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from ..core.errors import BadInput
from .addresses import address_lines
from .barcodes import Symbol, barcode_width, code128, module_dots, sscc_symbol
from .data import LabelData, Shop, WeightUnit
from .fonts import GlyphCheck
from .naming import customer_order_name, service_line
from .typesetting import LEADING, FittedBlock, fit_block

Align = Literal["left", "centre", "right"]

BANNERS = {"expedited": "EXPEDITED", "next_day": "NEXT DAY"}
TRACKING_MODULE_MM = 0.375  # 3 dots at 203 dpi: what carriers print their own labels at
SSCC_MODULE_MM = 0.5  # GS1 logistic label range is 0.495–1.016 mm
_GRAMS_PER_POUND = Decimal("453.59237")


@dataclass(frozen=True)
class TextOp:
    """One line of text; ``x`` is the left edge of a box ``width`` wide that ``align`` refers to."""

    x: float
    y: float  # baseline
    size: float
    text: str
    bold: bool = False
    align: Align = "left"
    width: float = 0.0


@dataclass(frozen=True)
class RuleOp:
    """A horizontal rule."""

    x: float
    y: float
    width: float
    thickness: float = 1.0


@dataclass(frozen=True)
class BannerOp:
    """A black bar with white capitals: the service level that must not be missed."""

    x: float
    y: float
    width: float
    height: float
    text: str
    size: float


@dataclass(frozen=True)
class BarcodeOp:
    """A barcode with quiet zones from ``x``, bars rising from ``y``, human-readable line below."""

    x: float
    y: float
    symbol: Symbol
    dots: int
    height: float
    text_size: float


LabelOp = TextOp | RuleOp | BannerOp | BarcodeOp


@dataclass(frozen=True)
class LabelLayout:
    """A label's drawing operations and the warnings met while preparing its text."""

    width: float
    height: float
    ops: tuple[LabelOp, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Content:
    from_lines: list[tuple[str, bool]]
    to_lines: list[tuple[str, bool]]
    info_lines: list[tuple[str, bool]]
    order_line: str
    banner: str | None
    scan_caption: str
    scan_symbol: Symbol
    sscc: Symbol


def format_weight(grams: int, unit: WeightUnit) -> str:
    """A package weight for the label, e.g. ``1.25 kg`` or ``2.76 lb``."""
    if unit == "lb":
        value = Decimal(grams) / _GRAMS_PER_POUND
    else:
        value = Decimal(grams) / 1000
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)} {unit}"


def _where(label: LabelData) -> str:
    return f"label {label.order_ref} package {label.package_number}"


def _content(label: LabelData, shop: Shop, unit: WeightUnit, check: GlyphCheck) -> _Content:
    where = _where(label)
    if not 1 <= label.package_number <= label.package_count:
        raise BadInput(f"{where}: package_number {label.package_number} is not within 1..{label.package_count}")
    try:
        sscc = sscc_symbol(label.sscc)
    except BadInput as e:
        raise BadInput(f"{where}: {e.message}") from e
    home = shop.address.country
    from_address = check.address(replace(shop.address, name=None), f"{where} ship_from")
    from_lines = [(check.text(shop.name, f"{where} ship_from.name"), True)]
    from_lines += [(line, False) for line in address_lines(from_address, home)]
    to_lines = [
        (line, i == 0) for i, line in enumerate(address_lines(check.address(label.ship_to, f"{where} ship_to"), home))
    ]
    if not to_lines:
        raise BadInput(f"{where}: ship_to has no address to print")
    info: list[tuple[str, bool]] = [(f"Package {label.package_number} of {label.package_count}", True)]
    if label.weight_grams is not None:
        info.append((f"Weight {format_weight(label.weight_grams, unit)}", False))
    if label.box_name:
        info.append((f"Box {check.text(label.box_name, f'{where} box_name')}", False))
    service = service_line(label.carrier, label.shipping_method)
    if service:
        info.append((check.text(service, f"{where} shipping_method"), False))
    tracking = "".join((label.tracking_number or "").split())
    if tracking:
        scan = code128(tracking, field=f"{where}: tracking_number")
        caption = f"TRACKING {label.carrier.upper()}" if label.carrier else "TRACKING"
    else:
        scan = code128(label.order_ref, field=f"{where}: order_ref")
        caption = "ORDER"
    return _Content(
        from_lines=from_lines,
        to_lines=to_lines,
        info_lines=info,
        order_line=f"Order {check.text(customer_order_name(label.order_ref), f'{where} order_ref')}",
        banner=BANNERS.get(label.service_level),
        scan_caption=caption,
        scan_symbol=scan,
        sscc=sscc,
    )


def _block_ops(block: FittedBlock, x: float, top: float, width: float, align: Align = "left") -> list[LabelOp]:
    ops: list[LabelOp] = []
    y = top
    for text, bold in block.lines:
        y -= block.size * LEADING
        ops.append(TextOp(x, y + block.size * 0.25, block.size, text, bold, align, width))
    return ops


def _barcode_section(
    symbol: Symbol, caption: str, x: float, foot: float, width: float, height: float, dpi: int, target_mm: float
) -> tuple[list[LabelOp], float]:
    """A captioned, centred barcode whose human-readable line sits on ``foot``; returns ops and top."""
    text_size = 9.0
    dots = module_dots(symbol, dpi, target_mm, width)
    left = x + (width - barcode_width(symbol, dots, dpi)) / 2
    bars_at = foot + text_size * 1.4
    ops: list[LabelOp] = [
        BarcodeOp(left, bars_at, symbol, dots, height, text_size),
        TextOp(x, bars_at + height + 3, 6.5, caption, True),
    ]
    return ops, bars_at + height + 3 + 6.5 * LEADING


def layout_label(
    label: LabelData, shop: Shop, width: float, height: float, *, dpi: int, weight_unit: WeightUnit = "kg"
) -> LabelLayout:
    """The drawing operations of one label in a ``width`` x ``height`` point frame."""
    check = GlyphCheck()
    content = _content(label, shop, weight_unit, check)
    where = _where(label)

    def fitted(
        lines: list[tuple[str, bool]], what: str, w: float, room: float, big: float, small: float
    ) -> FittedBlock:
        block = fit_block(lines, w, room, max_size=big, min_size=small)
        if not block.complete:
            check.warnings.append(f"{where}: {what} is too long for the label; shortened with …")
        return block

    tall = height >= width
    margin = 10.0 if tall else 14.0
    x0, inner = margin, width - 2 * margin
    top = height - margin
    if tall:  # one column: sender and package details, banner, ship-to, barcodes
        col_x, col_w, left_w = x0, inner, inner
        from_w, info_x, info_w = inner * 0.58, x0 + inner * 0.58 + 6, inner * 0.42 - 6
        from_room, to_size = 56.0, 16.0
        track_h, sscc_h = (48.0, 64.0) if height >= 400 else (40.0, 54.0)
    else:  # two columns: addresses on the left, package details and barcodes on the right
        col_w = left_w = inner / 2 - 6
        col_x = x0 + inner - col_w
        from_w, info_x, info_w = left_w, col_x, col_w
        from_room, to_size = 70.0, 20.0
        track_h, sscc_h = 64.0, 96.0

    # Barcodes from the bottom up: their sizes are fixed, the ship-to takes what is left.
    ops: list[LabelOp] = []
    sscc_ops, sscc_top = _barcode_section(content.sscc, "SSCC", col_x, margin, col_w, sscc_h, dpi, SSCC_MODULE_MM)
    track_ops, track_top = _barcode_section(
        content.scan_symbol, content.scan_caption, col_x, sscc_top + 6, col_w, track_h, dpi, TRACKING_MODULE_MM
    )
    ops += sscc_ops + track_ops
    ops.append(RuleOp(col_x, sscc_top + 3, col_w, 0.8))
    ops.append(TextOp(col_x, track_top + 4, 10, content.order_line, True))
    barcodes_top = track_top + 2 + 10 * LEADING + 2

    ops.append(TextOp(x0, top - 6, 6.5, "FROM", True))
    from_block = fitted(content.from_lines, "ship-from address", from_w, from_room, 8, 6)
    ops += _block_ops(from_block, x0, top - 8, from_w)
    info_block = fitted(content.info_lines, "package details", info_w, from_room, 10, 6)
    ops += _block_ops(info_block, info_x, top - 8, info_w, "right" if tall else "left")
    y = top - 8 - (max(from_block.height, info_block.height) if tall else from_room)
    ops.append(RuleOp(x0, y - 3, left_w, 0.8))
    y -= 8
    if content.banner:
        ops.append(BannerOp(x0, y - 34, left_w, 34, content.banner, 22))
        y -= 40
    bottom = barcodes_top + 4 if tall else margin
    if tall:
        ops.append(RuleOp(x0, barcodes_top, inner, 0.8))
    room = y - 10 - bottom
    if room < 2 * 7 * LEADING:
        raise BadInput(f"{where}: the label is too small for its content")
    ops.append(TextOp(x0, y - 7, 7, "SHIP TO", True))
    ops += _block_ops(fitted(content.to_lines, "ship-to address", left_w, room, to_size, 7), x0, y - 10, left_w)
    return LabelLayout(width, height, tuple(ops), tuple(check.warnings))
