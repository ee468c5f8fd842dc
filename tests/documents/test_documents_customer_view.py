"""What the customer reads on slips and invoices of real imported orders: the order as
they know it (#2151), no packer's note on the invoice, cash on delivery said, no false
"Total 0.00" for an order the channel gave no prices for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from document_samples import page_texts
from returns.fixtures import load_demo

from oms_cli.documents.service import channel_method_for_label

ROOT = Path(__file__).resolve().parents[2]


def _pdf_text(oms: Any, tmp_path: Path, *args: str) -> str:
    out = tmp_path / f"{args[0]}.pdf"
    r = oms(*args, "--out", out)
    assert r.exit_code == 0, r.stderr
    return "\n".join(page_texts(out.read_bytes()))


def test_a_cash_on_delivery_invoice_says_so_and_leaves_the_packers_note_to_the_slip(oms, store, tmp_path) -> None:
    load_demo(oms)
    invoice = _pdf_text(oms, tmp_path, "invoices", "print", "woocommerce:2151")
    assert "Order #2151" in invoice and "Invoice · order #2151" in invoice
    assert "Cash on delivery: €64.50 due when the parcel is delivered" in invoice
    assert "sonner deux fois" not in invoice
    slip = _pdf_text(oms, tmp_path, "slips", "print", "woocommerce:2151")
    assert "Order #2151" in slip and "sonner deux fois" in slip
    # a paid order's invoice says nothing about cash
    assert "Cash on delivery" not in _pdf_text(oms, tmp_path, "invoices", "print", "woocommerce:2150")


def test_an_order_without_prices_gets_no_false_total(oms, store, tmp_path) -> None:
    r = oms("import", ROOT / "examples" / "amazon_unshipped.txt")
    assert r.exit_code == 0, r.stderr
    invoice = _pdf_text(oms, tmp_path, "invoices", "print", "amazon:113-4827191-2736201")
    assert "Order 113-4827191-2736201" in invoice
    assert "gave no prices for this order" in invoice
    assert "Total" not in invoice and "0.00" not in invoice


def test_a_label_names_the_carrier_taking_the_parcel_only() -> None:
    assert channel_method_for_label("ups", "DHL Express") is None
    assert channel_method_for_label("ups", "UPS Next Day Air") == "UPS Next Day Air"
    assert channel_method_for_label("dhl", "DHL Express") == "DHL Express"
    assert channel_method_for_label("ups", "Flat rate") == "Flat rate"
    assert channel_method_for_label("royal_mail", "Royal Mail Tracked 48") == "Royal Mail Tracked 48"
    assert channel_method_for_label(None, "Express") == "Express"
