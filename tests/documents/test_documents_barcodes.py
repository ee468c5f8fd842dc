"""The one barcode drawing path: symbols scan back exactly, bars sit on whole printer dots."""

from __future__ import annotations

import pytest
from document_samples import scan_pages
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.core.errors import BadInput
from oms_cli.documents.barcodes import (
    Symbol,
    barcode_width,
    code128,
    draw_barcode,
    ean13,
    module_dots,
    product_symbol,
    sscc_symbol,
    upca,
)
from oms_cli.documents.pages import finish, new_canvas


def scanned(symbol: Symbol, dpi: int = 203, target_mm: float = 0.375) -> list[tuple[str, str]]:
    """Draw ``symbol`` alone on a small page and scan it."""
    canvas, buffer = new_canvas((420.0, 110.0), title="test")
    dots = module_dots(symbol, dpi, target_mm, 400)
    draw_barcode(canvas, symbol, 10, 30, height=60, dpi=dpi, dots=dots)
    canvas.showPage()
    return [(s.text, s.symbology) for s in scan_pages(finish(canvas, buffer))[0]]


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        (code128("991234"), ("991234", "]C0")),  # python-barcode 0.16 alone drops the leading 99
        (code128("99"), ("99", "]C0")),
        (code128("1Z999AA10123456784"), ("1Z999AA10123456784", "]C0")),
        (code128("shop:#1001 ~^_>"), ("shop:#1001 ~^_>", "]C0")),
        (sscc_symbol("106141411234567897"), ("(00)106141411234567897", "]C1")),
        (ean13("4006381333931"), ("4006381333931", "]E0")),
        # zxing reports a UPC-A as the 13-digit EAN it is a subset of.
        (upca("036000291452"), ("0036000291452", "]E0")),
    ],
)
@pytest.mark.parametrize("dpi", [203, 300])
def test_symbols_scan_back_exactly(symbol: Symbol, expected: tuple[str, str], dpi: int) -> None:
    assert scanned(symbol, dpi) == [expected]


@settings(max_examples=25, deadline=None)
@given(st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=16))
def test_any_printable_ascii_code128_scans_back(data: str) -> None:
    assert scanned(code128(data)) == [(data, "]C0")]


@pytest.mark.parametrize(("dpi", "target", "dots"), [(203, 0.375, 3), (203, 0.5, 4), (300, 0.375, 4), (300, 0.5, 6)])
def test_module_is_a_whole_number_of_dots_near_the_target(dpi: int, target: float, dots: int) -> None:
    assert module_dots(code128("A1"), dpi, target, 1000) == dots


def test_module_narrows_to_fit_but_never_below_the_readable_minimum() -> None:
    symbol = sscc_symbol("106141411234567897")
    assert symbol.width_modules == 176  # quiet zones, start, FNC1, 10 pairs, check, stop
    assert module_dots(symbol, 203, 0.5, 200) == 3
    assert module_dots(symbol, 203, 0.5, 150) == 2
    assert barcode_width(symbol, 3, 203) > 150 >= barcode_width(symbol, 2, 203)
    with pytest.raises(BadInput, match="too long to print readably"):
        module_dots(symbol, 203, 0.5, 100)


def test_check_digits_are_verified_not_silently_corrected() -> None:
    with pytest.raises(BadInput, match="not an EAN-13 with a valid check digit"):
        ean13("4006381333932")
    with pytest.raises(BadInput, match="not a UPC-A"):
        upca("036000291453")
    with pytest.raises(BadInput, match="not an 18-digit SSCC"):
        sscc_symbol("106141411234567890")


def test_product_symbol_prefers_the_products_own_barcode() -> None:
    assert product_symbol("MUG-1", "4006381333931").kind == "ean13"
    assert product_symbol("MUG-1", " 036000291452 ").kind == "upca"
    assert product_symbol("MUG-1", None).data == "MUG-1"
    with pytest.raises(BadInput, match="product barcode of MUG-1 '12345' is neither"):
        product_symbol("MUG-1", "12345")
    with pytest.raises(BadInput, match="sku 'Mug–1' cannot be a Code 128"):
        product_symbol("Mug–1", None)
