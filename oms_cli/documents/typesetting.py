"""Fitting text into boxes: word wrapping and shrinking, measured with the embedded fonts.

Shared by labels (PDF and ZPL), slips, invoices and pick lists so a long address is
wrapped the same way everywhere instead of running over a barcode.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from .fonts import register_fonts

LEADING = 1.2  # line height as a multiple of the font size


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of ``text`` in the document font."""
    regular, heavy = register_fonts()
    return stringWidth(text, heavy if bold else regular, size)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``width``; over-long words are split."""
    words = text.split()
    if not words:
        return []
    if text_width(text, size, bold) <= width:  # most lines fit: one measurement, not one per word
        return [" ".join(words)]
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        # A word wider than the box (a long house name, a URL) is cut where it must be.
        while text_width(word, size, bold) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], size, bold) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    lines.append(current)
    return lines


def shorten(text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` cut with an ellipsis so that it fits ``width`` on one line."""
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass(frozen=True)
class FittedBlock:
    """Lines set at one size: each line with its weight; ``complete`` is False when cut short."""

    size: float
    lines: tuple[tuple[str, bool], ...]
    complete: bool

    @property
    def height(self) -> float:
        """Height of the block in points."""
        return len(self.lines) * self.size * LEADING


def fit_block(
    lines: list[tuple[str, bool]],
    width: float,
    max_height: float,
    *,
    max_size: float,
    min_size: float,
    step: float = 0.5,
) -> FittedBlock:
    """The largest size at which ``lines`` (text, bold) wrap into ``width`` x ``max_height``.

    At ``min_size`` whatever does not fit is dropped and the last kept line ends in "…".
    """
    size = max_size
    while True:
        wrapped = [(part, bold) for text, bold in lines for part in wrap(text, width, size, bold)]
        if len(wrapped) * size * LEADING <= max_height + 1e-6:
            return FittedBlock(size, tuple(wrapped), True)
        if size - step < min_size - 1e-6:
            break
        size -= step
    room = max(1, int((max_height + 1e-6) // (size * LEADING)))
    kept = wrapped[:room]
    text, bold = kept[-1]
    kept[-1] = (shorten(text + " …", width, size, bold), bold)
    return FittedBlock(size, tuple(kept), False)
