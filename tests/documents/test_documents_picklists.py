"""Pick lists and consolidation sheets: every location, product and id barcode scans."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timezone
from decimal import Decimal

import pytest
from document_samples import page_texts, scan_pages, texts

from oms_cli.core.errors import BadInput
from oms_cli.documents.data import (
    ConsolidationOrder,
    ConsolidationSheet,
    PickList,
    PickStop,
    ToteQuantity,
    ZoneTote,
)
from oms_cli.documents.picklists import render_consolidation_sheets, render_pick_lists

EANS = ["4006381333931", "5901234123457", None]
UPCS = ["036000291452", "012345678905"]
WHEN = datetime(2025, 10, 7, 9, 0, tzinfo=UTC)


def stops(count: int) -> tuple[PickStop, ...]:
    """Stops in a deliberately non-sorted walking order, with EAN, UPC and SKU-only products."""
    out = []
    for i in range(count):
        aisle, bay = (i * 7) % 12 + 1, i + 1
        code = (EANS + UPCS)[i % 5]
        totes = (ToteQuantity("T-01", 1 + i % 2, "shop:1"),)
        if i % 3 == 0:
            totes += (ToteQuantity("T-02", 2, "shop:2", "Gift wrap, no invoice in the parcel"),)
        out.append(PickStop(f"A{aisle:02d}-B{bay:02d}-L{i % 3 + 1}", f"SKU-{i:03d}", f"Product {i}", totes, code))
    return tuple(out)


def expected_product(stop: PickStop) -> str:
    # zxing reads a UPC-A as the 13-digit EAN it is a subset of.
    if stop.product_barcode and len(stop.product_barcode) == 12:
        return "0" + stop.product_barcode
    return stop.product_barcode or stop.sku


def test_every_stop_and_the_list_id_scan_in_walking_order_across_pages() -> None:
    pick_list = PickList("PL-0042", stops(14), WHEN, "front", "W-7", "Sam", Decimal("86.5"))
    document = render_pick_lists([pick_list])
    scans = scan_pages(document.content)
    assert document.pages == len(scans) >= 2
    seen: Counter[str] = Counter()
    for page in scans:
        found = texts(page)
        assert found["PL-0042"] == 1  # the list id heads every page
        seen += found - Counter({"PL-0042": 1})
    expected = Counter(s.location for s in pick_list.stops) + Counter(expected_product(s) for s in pick_list.stops)
    assert seen == expected
    text = "\n".join(page_texts(document.content))
    locations = [s.location for s in pick_list.stops]
    assert sorted(locations, key=text.index) == locations, "stops print in the order given"
    assert "zone front · wave W-7 · picker Sam" in text and "14 stops" in text and "route 86.5 m" in text
    assert text.count("⚑ Gift wrap, no invoice in the parcel") == 5
    assert "T-02: 2 ⚑" in text and "Pick 3" in text


def test_batch_of_lists_keeps_the_given_order_each_on_its_own_pages() -> None:
    lists = [PickList(f"PL-{n}", stops(2)) for n in (3, 1, 2)]
    document = render_pick_lists(lists)
    heads = [[s.text for s in page if s.text.startswith("PL-")] for page in scan_pages(document.content)]
    assert heads == [["PL-3"], ["PL-1"], ["PL-2"]]


def test_consolidation_sheet_scans_wave_and_every_order_and_lists_totes_by_zone() -> None:
    orders = tuple(
        ConsolidationOrder(
            f"shop:{n}",
            (ZoneTote("front", f"T-{n:02d}", 2, "PL-1"), ZoneTote("back", f"T-{n + 40:02d}", 1, "PL-2")),
            "Gift wrap" if n % 4 == 0 else None,
        )
        for n in range(1, 16)
    )
    document = render_consolidation_sheets([ConsolidationSheet("W-7", orders, WHEN)])
    scans = scan_pages(document.content)
    assert document.pages >= 2
    seen: Counter[str] = Counter()
    for page in scans:
        assert texts(page)["W-7"] == 1
        seen += texts(page) - Counter({"W-7": 1})
    assert seen == Counter(o.order_ref for o in orders)
    text = "\n".join(page_texts(document.content))
    assert "front: tote T-01 (2 units, list PL-1)" in text and "back: tote T-41 (1 unit, list PL-2)" in text
    assert "15 orders · 30 totes" in text and text.count("⚑ Gift wrap") == 3


def test_same_input_gives_byte_identical_pick_lists_and_sheets() -> None:
    pick_list = PickList("PL-1", stops(5), WHEN)
    assert render_pick_lists([pick_list]).content == render_pick_lists([pick_list]).content
    sheet = ConsolidationSheet("W-1", (ConsolidationOrder("shop:1", (ZoneTote("front", "T-1", 1),)),))
    assert render_consolidation_sheets([sheet]).content == render_consolidation_sheets([sheet]).content


def test_bad_product_barcode_is_refused_naming_the_sku() -> None:
    bad = PickStop("A01-B01", "SKU-1", "Mug", (ToteQuantity("T-1", 1),), "4006381333932")
    with pytest.raises(BadInput, match="product barcode of SKU-1 '4006381333932' is not an EAN-13"):
        render_pick_lists([PickList("PL-1", (bad,))])
    with pytest.raises(BadInput, match="selection is empty"):
        render_consolidation_sheets([])


def test_consolidation_sheet_scans_long_marketplace_refs_at_both_resolutions() -> None:
    refs = ["amazon:112-9936720-4455210", "ebay:12-11002-77889", "woocommerce:2151"]
    orders = tuple(
        ConsolidationOrder(ref, (ZoneTote("front", f"T-{i}", 1, "PL-1"),)) for i, ref in enumerate(refs, start=1)
    )
    for dpi in (203, 300):
        document = render_consolidation_sheets([ConsolidationSheet("R1-W1", orders, WHEN)], dpi=dpi)
        seen: Counter[str] = Counter()
        for page in scan_pages(document.content):
            seen += texts(page)
        assert seen == Counter(refs + ["R1-W1"] * document.pages)
