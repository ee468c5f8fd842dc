"""ZPL II for Zebra label printers, from the same label layout the PDF is drawn from.

Pure module: a :class:`LabelLayout` in, the text of one ``^XA … ^XZ`` format out.
Text is sent as UTF-8 (``^CI28``); every field goes through ``^FH`` so ``^``, ``~``
and ``_`` in customer data cannot end a field or start a command. Barcodes are sent
as the exact Code 128 code values python-barcode chose (start code, subset switches,
FNC1), so the printer draws the same symbol the PDF shows.
"""

from __future__ import annotations

from .barcodes import Symbol
from .label_layout import BannerOp, BarcodeOp, LabelLayout, RuleOp, TextOp
from .typesetting import text_width

# Code 128 start codes and the values above the data range, as ZPL invocation codes.
_START = {103: (">9", "A"), 104: (">:", "B"), 105: (">;", "C")}
_INVOKE = {95: ">1", 96: ">2", 97: ">3", 98: ">4", 99: ">5", 100: ">6", 101: ">7", 102: ">8"}
# Which subset a switch value leads to, from each subset (the others are FNC codes).
_SWITCHES = {"A": {99: "C", 100: "B"}, "B": {99: "C", 101: "A"}, "C": {100: "B", 101: "A"}}
# Subset B characters ZPL reserves, written as invocation codes instead.
_SUBSET_B_ESCAPES = {">": "><", "~": ">="}


def _hex_escaped(text: str) -> str:
    out = []
    for ch in text:
        if ch in "^~_":
            out.append(f"_{ord(ch):02X}")
        elif ch < " ":
            continue  # control characters have no place on a label
        else:
            out.append(ch)
    return "".join(out)


def code128_field_data(symbol: Symbol) -> str:
    """The ``^FH^FD`` data of a ``^BC`` field (mode N) encoding exactly ``symbol``'s code values."""
    start, subset = _START[symbol.values[0]]
    parts = [start]
    for value in symbol.values[1:]:
        if subset == "C" and value < 100:
            parts.append(f"{value:02d}")
        elif subset == "A" and value < 95:
            parts.append(f"{value:02d}")  # ZPL takes subset A as pairs of digits
        elif subset == "B" and value < 95:
            ch = chr(value + 32)
            parts.append(_SUBSET_B_ESCAPES.get(ch, ch))
        else:
            parts.append(_INVOKE[value])
            subset = _SWITCHES[subset].get(value, subset)
    return _hex_escaped("".join(parts))


def label_zpl(layout: LabelLayout, dpi: int, *, font: str | None = None) -> str:
    """One label as a ZPL II format (``^XA`` … ``^XZ``) for a ``dpi`` printer.

    ``font`` names a printer-resident TrueType font (e.g. ``E:TT0003M_.TTF``) to use
    instead of the built-in font 0, for scripts font 0 does not carry.
    """
    scale = dpi / 72.0
    width, height = round(layout.width * scale), round(layout.height * scale)

    def d(v: float) -> int:
        return round(v * scale)

    def ybase(v: float) -> int:
        return height - d(v)

    face = "Z" if font else "0"
    out = ["^XA", "^CI28", f"^PW{width}", f"^LL{height}", "^LH0,0"]
    if font:
        out.append(f"^CW{face},{font}")
    for op in layout.ops:
        if isinstance(op, TextOp):
            h = max(10, d(op.size))
            if op.align == "left":
                out.append(f"^FT{d(op.x)},{ybase(op.y)}^A{face}N,{h},{h}^FH^FD{_hex_escaped(op.text)}^FS")
            else:
                justify = "C" if op.align == "centre" else "R"
                out.append(
                    f"^FT{d(op.x)},{ybase(op.y)}^FB{d(op.width)},1,0,{justify}"
                    f"^A{face}N,{h},{h}^FH^FD{_hex_escaped(op.text)}^FS"
                )
        elif isinstance(op, RuleOp):
            t = max(1, d(op.thickness))
            out.append(f"^FO{d(op.x)},{ybase(op.y) - t // 2}^GB{d(op.width)},{t},{t}^FS")
        elif isinstance(op, BannerOp):
            h = d(op.height)
            out.append(f"^FO{d(op.x)},{ybase(op.y + op.height)}^GB{d(op.width)},{h},{h}^FS")
            size = d(op.size)
            baseline = ybase(op.y + (op.height - op.size * 0.72) / 2)
            out.append(
                f"^FT{d(op.x)},{baseline}^FB{d(op.width)},1,0,C"
                f"^A{face}N,{size},{size}^FR^FH^FD{_hex_escaped(op.text)}^FS"
            )
        elif isinstance(op, BarcodeOp):
            module = op.dots * 72.0 / dpi
            bars_x = round(op.x / (72.0 / dpi)) + op.symbol.quiet_left * op.dots
            out.append(
                f"^FO{bars_x},{ybase(op.y + op.height)}^BY{op.dots},3,{d(op.height)}"
                f"^BCN,{d(op.height)},N,N,N^FH^FD{code128_field_data(op.symbol)}^FS"
            )
            # The human-readable line is our own text field, so GS1 keeps its brackets.
            centre = op.x + op.symbol.quiet_left * module + len(op.symbol.modules) * module / 2
            text_w = text_width(op.symbol.text, op.text_size) + 4
            h = d(op.text_size)
            out.append(
                f"^FT{d(centre - text_w / 2)},{ybase(op.y - op.text_size * 1.1)}^FB{d(text_w)},1,0,C"
                f"^A{face}N,{h},{h}^FH^FD{_hex_escaped(op.symbol.text)}^FS"
            )
    out.append("^XZ")
    return "\n".join(out) + "\n"
