"""Shipping labels as PDF: every barcode scans to exactly what it should, addresses print."""

from __future__ import annotations

from collections import Counter

import pytest
from document_samples import ADDRESSES, SHOP, label, page_texts, scan_pages, texts

from oms_cli.core.errors import BadInput, UsageError
from oms_cli.documents.data import LABEL_SIZES, LabelData
from oms_cli.documents.fonts import REPLACEMENT
from oms_cli.documents.labels import render_labels

BATCH = [
    label("us", 1, 2, service="next_day", tracking="1Z 999 AA1 0123456784", carrier="UPS"),
    label("us", 2, 2, service="next_day", tracking="1Z999AA10123456793", carrier="UPS"),
    label("ru", service="expedited"),
    label("gr"),
    label("fr", tracking="9400111899223856925831", carrier="USPS"),
    label("long"),
]


def expected_scans(item: LabelData) -> Counter[str]:
    """A label carries the tracking number (or the order ref) and the SSCC in GS1 form."""
    scan = "".join(item.tracking_number.split()) if item.tracking_number else item.order_ref
    return Counter({scan: 1, f"(00){item.sscc}": 1})


@pytest.mark.parametrize("size", LABEL_SIZES)
def test_every_barcode_on_every_size_scans_to_exactly_the_expected_text(size: str) -> None:
    document = render_labels(BATCH, SHOP, size=size)  # type: ignore[arg-type]
    per_page = 2 if size.endswith("2up") else 1
    assert document.pages == -(-len(BATCH) // per_page)
    scans = scan_pages(document.content)
    assert len(scans) == document.pages
    for number, page in enumerate(scans):
        on_page = BATCH[number * per_page : (number + 1) * per_page]
        assert texts(page) == sum((expected_scans(item) for item in on_page), Counter())
        sscc_scans = [s for s in page if s.text.startswith("(00)")]
        assert {s.symbology for s in sscc_scans} == {"]C1"}, "the SSCC must be GS1-128 (FNC1 first)"
        assert {s.symbology for s in page if s not in sscc_scans} == {"]C0"}


def test_labels_for_300_dpi_printers_scan_too() -> None:
    document = render_labels(BATCH[:3], SHOP, dpi=300)
    for item, page in zip(BATCH[:3], scan_pages(document.content)):
        assert texts(page) == expected_scans(item)


def test_anti_aliased_rendering_of_a_203_dpi_label_scans() -> None:
    # Bars sit on the 203 dpi grid, so even a screen-style rendering has crisp edges.
    document = render_labels(BATCH[:2], SHOP)
    for item, page in zip(BATCH[:2], scan_pages(document.content, smooth=True)):
        assert texts(page) == expected_scans(item)


def test_address_lines_print_in_the_destination_countrys_order() -> None:
    document = render_labels(BATCH, SHOP)
    pages = page_texts(document.content)
    us, ru, gr, fr = pages[0], pages[2], pages[3], pages[4]
    for line in ["Jane Doe", "Acme Rockets", "1 Main St", "Suite 100", "Springfield IL 62704", "UNITED STATES"]:
        assert line in us
    for line in ["Анна Петрова", "ул. Тверская, д. 7, кв. 12", "Москва 125009", "RUSSIA"]:
        assert line in ru
    for line in ["Ελένη Παπαδοπούλου", "Οδός Αιόλου 12", "105 51 Αθήνα", "GREECE"]:
        assert line in gr
    for line in ["Zoë Lefèvre-Castañeda", "3 rue de l'Église", "25000 Besançon", "FRANCE"]:
        assert line in fr
    for page in pages:
        assert "Bramble & Co" in page and "12 Mill Lane" in page and "LS1 4AB" in page
    assert "Package 1 of 2" in us and "Weight 1.25 kg" in us and "Box M-Box" in us and "Order us-1" in us


def test_gb_destination_puts_the_postcode_on_its_own_line() -> None:
    document = render_labels([label("gb")], SHOP)
    lines = page_texts(document.content)[0].splitlines()
    ship_to = lines[lines.index("SHIP TO") + 1 :]
    # Domestic parcel: no country line.
    assert ship_to == ["Tom Smith", "Flat 2", "10 High Street", "Leeds", "West Yorkshire", "LS1 4AB"]


def test_service_banner_only_for_expedited_and_next_day() -> None:
    pages = page_texts(render_labels(BATCH[:4], SHOP).content)
    assert "NEXT DAY" in pages[0] and "EXPEDITED" in pages[2]
    assert "NEXT DAY" not in pages[3] and "EXPEDITED" not in pages[3]


def test_long_address_is_wrapped_without_losing_a_word_or_a_barcode() -> None:
    document = render_labels([label("long")], SHOP)
    assert texts(scan_pages(document.content)[0]) == expected_scans(label("long"))
    printed = " ".join(page_texts(document.content)[0].split())
    for word in "Maximilian Hohenzollern-Sigmaringen Logistikdienstleistungen Obergeschoss Halle 4711 82467".split():
        assert word in printed


def test_an_address_too_long_for_the_label_is_shortened_with_a_warning() -> None:
    endless = ADDRESSES["long"].__class__(
        name="Name",
        address1=" ".join(["Very long street name"] * 60),
        city="Berlin",
        postal_code="10115",
        country="DE",
    )
    item = LabelData("shop:endless", endless, label("us").sscc)
    document = render_labels([item], SHOP)
    assert any("ship-to address is too long" in w for w in document.warnings)
    assert texts(scan_pages(document.content)[0]) == Counter({"shop:endless": 1, f"(00){item.sscc}": 1})


def test_cjk_name_prints_a_visible_replacement_and_warns_naming_the_field() -> None:
    document = render_labels([label("cjk"), label("ru")], SHOP)
    assert document.warnings == (
        "label shop:cjk-1 package 1 ship_to.name: 3 character(s) the document font cannot print (王小明); "
        f"printed as {REPLACEMENT}",
    )
    text = page_texts(document.content)[0]
    assert REPLACEMENT * 3 in text and "1-2-3 Shibuya" in text
    assert texts(scan_pages(document.content)[0]) == expected_scans(label("cjk"))


def test_same_input_gives_byte_identical_pdf() -> None:
    assert render_labels(BATCH, SHOP).content == render_labels(BATCH, SHOP).content
    two_up = render_labels(BATCH, SHOP, size="a4-2up")
    assert two_up.content == render_labels(BATCH, SHOP, size="a4-2up").content


def test_bad_label_data_is_refused_naming_the_label_and_field() -> None:
    with pytest.raises(BadInput, match=r"label shop:us-1 package 1: sscc '123' is not an 18-digit SSCC"):
        render_labels([LabelData("shop:us-1", ADDRESSES["us"], "123")], SHOP)
    with pytest.raises(BadInput, match=r"label shop:x package 3: package_number 3 is not within 1..2"):
        render_labels([LabelData("shop:x", ADDRESSES["us"], label("us").sscc, 3, 2)], SHOP)
    with pytest.raises(BadInput, match="tracking_number .* printable ASCII"):
        render_labels([LabelData("shop:x", ADDRESSES["us"], label("us").sscc, tracking_number="ÄÖÜ")], SHOP)
    with pytest.raises(BadInput, match="selection is empty"):
        render_labels([], SHOP)


def test_unknown_size_format_or_dpi_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="label size"):
        render_labels(BATCH, SHOP, size="a5")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="label format"):
        render_labels(BATCH, SHOP, fmt="png")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="dpi 600"):
        render_labels(BATCH, SHOP, dpi=600)
    with pytest.raises(UsageError, match="ZPL labels come in 4x6 or a6"):
        render_labels(BATCH, SHOP, size="a4-2up", fmt="zpl")
