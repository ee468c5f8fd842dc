"""Sample shop data for the documents tests, and the scanner that reads printed pages back.

Pages are rendered at 203 dpi, the resolution of the commonest label printer, with
path anti-aliasing off: a thermal or laser printer puts each dot down black or
white, it never prints a grey edge. Every barcode found is returned, so a test can
assert the page carries exactly the barcodes it should and nothing else.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from decimal import Decimal

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader

from oms_cli.documents.data import (
    DocumentLine,
    LabelData,
    OrderDocument,
    PostalAddress,
    Shop,
)
from oms_cli.documents.gs1 import sscc18

SCAN_DPI = 203


@dataclass(frozen=True)
class Scan:
    """One decoded barcode: its text and the symbology identifier (]C0 Code 128, ]C1 GS1-128, ]E0 EAN)."""

    text: str
    symbology: str


def scan_pages(pdf: bytes, *, smooth: bool = False) -> list[list[Scan]]:
    """Every barcode on every page of ``pdf``, page by page."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    for page in document:
        image = page.render(scale=SCAN_DPI / 72, no_smoothpath=not smooth).to_pil().convert("L")
        found = zxingcpp.read_barcodes(image)
        pages.append(sorted((Scan(r.text, r.symbology_identifier) for r in found), key=lambda s: s.text))
    document.close()
    return pages


def texts(scans: list[Scan]) -> Counter[str]:
    """The decoded texts of one page, counted."""
    return Counter(s.text for s in scans)


def page_texts(pdf: bytes) -> list[str]:
    """The extractable text of each page."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


SHOP = Shop(
    name="Bramble & Co",
    address=PostalAddress(address1="12 Mill Lane", city="Leeds", postal_code="LS1 4AB", country="GB"),
    email="hello@bramble.example",
    phone="+44 113 496 0000",
    website="bramble.example",
    vat_number="GB123456789",
    return_instructions="Unused items can be returned within 30 days: write the order number on the parcel.",
)

ADDRESSES = {
    "us": PostalAddress(
        name="Jane Doe",
        company="Acme Rockets",
        address1="1 Main St",
        address2="Suite 100",
        city="Springfield",
        province="IL",
        postal_code="62704",
        country="US",
    ),
    "ru": PostalAddress(
        name="Анна Петрова", address1="ул. Тверская, д. 7, кв. 12", city="Москва", postal_code="125009", country="RU"
    ),
    "gr": PostalAddress(
        name="Ελένη Παπαδοπούλου", address1="Οδός Αιόλου 12", city="Αθήνα", postal_code="105 51", country="GR"
    ),
    "fr": PostalAddress(
        name="Zoë Lefèvre-Castañeda", address1="3 rue de l'Église", city="Besançon", postal_code="25000", country="FR"
    ),
    "gb": PostalAddress(
        name="Tom Smith",
        address1="Flat 2",
        address2="10 High Street",
        city="Leeds",
        province="West Yorkshire",
        postal_code="LS1 4AB",
        country="GB",
    ),
    "long": PostalAddress(
        name="Maximilian Alexander Bartholomew von Hohenzollern-Sigmaringen",
        company="Internationale Gesellschaft für Versandhandel und Logistikdienstleistungen mbH",
        address1="Hauptstraße 123, Hinterhaus, 4. Obergeschoss links, bei Familie Müller klingeln",
        address2="Gewerbegebiet Nord, Halle 7, Tor 3 (Anlieferung nur werktags 7-15 Uhr)",
        address3="c/o Poststelle, Zimmer 4711",
        city="Garmisch-Partenkirchen",
        postal_code="82467",
        country="DE",
    ),
    "cjk": PostalAddress(
        name="王小明", address1="1-2-3 Shibuya", city="Shibuya-ku, Tokyo", postal_code="150-0002", country="JP"
    ),
}


def label(
    key: str,
    n: int = 1,
    count: int = 1,
    *,
    service: str = "standard",
    tracking: str | None = None,
    carrier: str | None = None,
) -> LabelData:
    """A label for package ``n`` of ``count`` to the sample address ``key``."""
    return LabelData(
        order_ref=f"shop:{key}-{n}",
        ship_to=ADDRESSES[key],
        sscc=sscc18(3, "0614141", sum(map(ord, key)) * 100 + n),
        package_number=n,
        package_count=count,
        weight_grams=1250,
        box_name="M-Box",
        service_level=service,  # type: ignore[arg-type]
        tracking_number=tracking,
        carrier=carrier,
    )


def order(
    ref: str, lines: int = 3, *, ship_to: str = "gr", note: str | None = "Please gift wrap.", currency: str = "EUR"
) -> OrderDocument:
    """An order with ``lines`` priced lines and one freebie."""
    items = tuple(
        DocumentLine(f"MUG-{i:03d}", f"Ceramic mug no. {i}, glazed blue", i % 3 + 1, Decimal("12.50"))
        for i in range(1, lines + 1)
    ) + (DocumentLine("STICKERS", "Sticker pack", 1, None, free=True),)
    return OrderDocument(
        order_ref=ref,
        placed_at=datetime(2025, 10, 7, 9, 50, tzinfo=UTC),
        ship_to=ADDRESSES[ship_to],
        lines=items,
        bill_to=ADDRESSES["fr"],
        customer_email="buyer@example.com",
        shipping_method="Royal Mail Tracked 48",
        special_instructions=note,
        thank_you_note="Thank you for shopping with us!",
        currency=currency,
        shipping=Decimal("4.90"),
        tax=Decimal("2.10"),
    )
