"""Packing slips and invoices: page barcodes, spill-over pages, instructions, totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from document_samples import SHOP, order, page_texts, scan_pages, texts
from PIL import Image

from oms_cli.core.errors import BadInput, UsageError
from oms_cli.documents.data import DocumentLine, Invoice
from oms_cli.documents.fonts import REPLACEMENT
from oms_cli.documents.invoices import invoice_totals, render_invoices
from oms_cli.documents.slips import render_packing_slips

ISSUED = datetime(2025, 10, 8, 12, 0, tzinfo=UTC)


def test_each_order_starts_a_new_document_and_every_page_carries_its_ref_barcode() -> None:
    orders = [order("shop:1001", 3), order("shop:1002", 45, ship_to="ru"), order("shop:1003", 2, note=None)]
    document = render_packing_slips(orders, SHOP)
    scans = scan_pages(document.content)
    refs = [next(iter(texts(page))) for page in scans]
    assert all(len(page) == 1 and page[0].symbology == "]C0" for page in scans)
    # The 45-line order spills over; the batch keeps the order it was given.
    assert refs == ["shop:1001", "shop:1002", "shop:1002", "shop:1003"]
    assert document.pages == 4


def test_spilled_pages_repeat_header_and_table_headings_and_number_the_pages() -> None:
    document = render_packing_slips([order("shop:1002", 45)], SHOP)
    first, second = page_texts(document.content)
    for page, number in ((first, 1), (second, 2)):
        assert "PACKING SLIP" in page and "Order 1002" in page and "Bramble & Co" in page
        assert "SKU" in page and "ITEM" in page and "QTY" in page
        assert f"Page {number} of 2" in page
    assert "MUG-001" in first and "MUG-045" in second and "MUG-045" not in first
    # Closing blocks come once, at the end.
    assert "Thank you for shopping with us!" in second and "RETURNS" in second
    assert "SPECIAL INSTRUCTIONS" in first and "SPECIAL INSTRUCTIONS" not in second


def test_slip_shows_skus_names_quantities_freebies_and_the_boxed_instruction() -> None:
    slip = page_texts(render_packing_slips([order("shop:1001", 3)], SHOP).content)[0]
    for text in [
        "MUG-001",
        "Ceramic mug no. 1, glazed blue",
        "STICKERS",
        "Sticker pack",
        "FREE — with our thanks",
        "SPECIAL INSTRUCTIONS",
        "Please gift wrap.",
        "Ελένη Παπαδοπούλου",
        "105 51 Αθήνα",
        "GREECE",
        "Unused items can be returned within 30 days",
    ]:
        assert text in slip
    assert "€" not in slip  # prices are for the invoice


def test_invoice_adds_prices_tax_shipping_and_totals_in_the_orders_currency() -> None:
    document = render_invoices([Invoice("INV-000042", ISSUED, order("shop:1001", 3))], SHOP, page="letter")
    text = " ".join(page_texts(document.content)[0].split())
    for piece in [
        "INVOICE",
        "Invoice INV-000042",
        "Issued 2025-10-08",
        "BILL TO",
        "Zoë Lefèvre-Castañeda",
        "€12.50",
        "€25.00",
        "€37.50",
        "free",
        "€0.00",
        "Subtotal €75.00",
        "Shipping €4.90",
        "Tax €2.10",
        "Total (EUR) €82.00",
        "VAT GB123456789",
    ]:
        assert piece in text, piece
    assert texts(scan_pages(document.content)[0]) == Counter({"shop:1001": 1})


def test_invoice_totals_use_the_channels_figures_when_given() -> None:
    computed = invoice_totals(order("x", 3))
    assert (computed.subtotal, computed.total) == (Decimal("75.00"), Decimal("82.00"))
    channel = replace(order("x", 3), subtotal=Decimal("70"), discount=Decimal("5"), total=Decimal("71.99"))
    given = invoice_totals(channel)
    assert (given.subtotal, given.discount, given.total) == (Decimal("70"), Decimal("5"), Decimal("71.99"))
    jpy = replace(
        order("x", 1),
        currency="JPY",
        lines=(DocumentLine("TEA", "Sencha", 3, Decimal("1200")),),
        shipping=Decimal("500"),
        tax=None,
    )
    text = " ".join(page_texts(render_invoices([Invoice("INV-1", ISSUED, jpy)], SHOP).content)[0].split())
    assert "¥3,600" in text and "Total (JPY) ¥4,100" in text


def test_many_line_invoice_spills_with_totals_at_the_end() -> None:
    document = render_invoices([Invoice("INV-7", ISSUED, order("shop:2001", 40))], SHOP)
    assert [texts(p) for p in scan_pages(document.content)] == [Counter({"shop:2001": 1})] * document.pages
    pages = page_texts(document.content)
    assert document.pages >= 2 and "Total (EUR)" in pages[-1]
    assert all("Invoice INV-7" in page for page in pages)


def test_logo_is_drawn_and_an_unreadable_logo_only_warns(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 60), (30, 90, 160)).save(logo)
    with_logo = render_packing_slips([order("shop:1001")], replace(SHOP, logo_path=str(logo)))
    plain = render_packing_slips([order("shop:1001")], SHOP)
    assert with_logo.warnings == () and b"/Subtype /Image" in with_logo.content
    assert texts(scan_pages(with_logo.content)[0]) == Counter({"shop:1001": 1})
    missing = render_packing_slips([order("shop:1001")], replace(SHOP, logo_path=str(tmp_path / "nope.png")))
    assert len(missing.warnings) == 1 and "nope.png" in missing.warnings[0]
    assert missing.content == plain.content


def test_cjk_text_on_a_slip_is_replaced_and_reported() -> None:
    document = render_packing_slips([order("shop:3001", ship_to="cjk")], SHOP)
    assert document.warnings == (
        f"order shop:3001 ship_to.name: 3 character(s) the document font cannot print (王小明); printed as {REPLACEMENT}",
    )
    assert REPLACEMENT * 3 in page_texts(document.content)[0]


def test_same_input_gives_byte_identical_slips_and_invoices() -> None:
    orders = [order("shop:1001", 30), order("shop:1002")]
    assert render_packing_slips(orders, SHOP).content == render_packing_slips(orders, SHOP).content
    invoices = [Invoice(f"INV-{i}", ISSUED, o) for i, o in enumerate(orders)]
    assert render_invoices(invoices, SHOP).content == render_invoices(invoices, SHOP).content


def test_empty_selection_and_unknown_page_size_are_refused() -> None:
    with pytest.raises(BadInput, match="selection is empty"):
        render_packing_slips([], SHOP)
    with pytest.raises(UsageError, match="page size 'a5'"):
        render_invoices([Invoice("INV-1", ISSUED, order("x"))], SHOP, page="a5")  # type: ignore[arg-type]
    with pytest.raises(BadInput, match="order shop:ü: order_ref 'shop:ü' cannot be a Code 128"):
        render_packing_slips([order("shop:ü")], SHOP)
