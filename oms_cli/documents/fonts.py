"""The embedded Unicode fonts and the visible fallback for characters they lack.

DejaVu Sans covers Latin, Greek, Cyrillic and much more, but not CJK. A character it
cannot draw would print as an empty box or nothing at all, silently; instead it is
replaced by U+FFFD (a visible diamond with a question mark) and the field is named
in a warning so the owner can check that parcel by hand.
"""

from __future__ import annotations

from dataclasses import fields, replace
from functools import lru_cache
from pathlib import Path

from .data import PostalAddress

FONT_DIR = Path(__file__).with_name("fonts")
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
REPLACEMENT = "\ufffd"


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register the embedded DejaVu fonts with reportlab; return (regular, bold) font names.

    Safe to call many times. The family is registered too, so ``<b>`` works in
    platypus paragraphs (the metrics report uses them).
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)  # no oblique face is shipped
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD


@lru_cache(maxsize=1)
def _printable_codepoints() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    regular = pdfmetrics.getFont(REGULAR).face.charToGlyph
    bold = pdfmetrics.getFont(BOLD).face.charToGlyph
    # A field may be printed in either weight; only characters both faces have are safe.
    return frozenset(regular) & frozenset(bold)


def missing_glyphs(text: str) -> list[str]:
    """The distinct characters of ``text`` the document fonts cannot draw, in order of appearance."""
    covered = _printable_codepoints()
    seen: list[str] = []
    for ch in text:
        if ord(ch) not in covered and not ch.isspace() and ch not in seen:
            seen.append(ch)
    return seen


class GlyphCheck:
    """Replaces characters the fonts cannot draw and collects one warning per field."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def text(self, value: str | None, where: str) -> str:
        """``value`` on one line, with undrawable characters shown as U+FFFD."""
        if not value:
            return ""
        return " ".join(self._replace(value, where).split())

    def paragraph(self, value: str | None, where: str) -> list[str]:
        """``value`` as its own lines (buyer notes keep their line breaks), replaced likewise."""
        if not value:
            return []
        replaced = self._replace(value, where)
        return [" ".join(line.split()) for line in replaced.splitlines() if line.strip()]

    def address(self, address: PostalAddress, where: str) -> PostalAddress:
        """``address`` with every text field checked as ``<where>.<field>``."""
        return replace(
            address,
            **{
                f.name: self.text(value, f"{where}.{f.name}") or None
                for f in fields(address)
                if isinstance(value := getattr(address, f.name), str)
            },
        )

    def _replace(self, value: str, where: str) -> str:
        missing = missing_glyphs(value)
        if not missing:
            return value
        message = (
            f"{where}: {len(missing)} character(s) the document font cannot print "
            f"({''.join(missing[:8])}{'…' if len(missing) > 8 else ''}); printed as {REPLACEMENT}"
        )
        if message not in self.warnings:
            self.warnings.append(message)
        table = {ord(ch): REPLACEMENT for ch in missing}
        return value.translate(table)
