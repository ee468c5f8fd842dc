"""The documents service against a real store: what goes on each document, in which
order, and the SSCCs and invoice numbers it writes once and reuses."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from document_samples import page_texts, scan_pages, texts
from sqlalchemy import select, update

from oms_cli.core.config import load_config
from oms_cli.core.errors import ConfigError, NotFound, UsageError
from oms_cli.documents.gs1 import is_sscc18
from oms_cli.documents.service import (
    OrderSelection,
    consolidation_sheets,
    invoices,
    packing_slips,
    pick_lists,
    select_orders,
    shipping_labels,
)
from oms_cli.orders.events import record_event, transition
from oms_cli.store.engine import Store
from oms_cli.store.tables import counters as counters_t
from oms_cli.store.tables import invoices as invoices_t
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import packages as packages_t
from tests.documents.store_fixtures import PRESET_SSCC, THANK_YOU, Floor, build_floor


@pytest.fixture
def floor(oms: Any, store: Store) -> Floor:
    return build_floor(oms, store)


def labels(store: Store, *refs: str, **options: Any) -> Any:
    settings = {"size": "4x6", "fmt": "pdf", "dpi": 203} | options
    return shipping_labels(store, load_config(), OrderSelection(refs=refs), **settings)


def counter(store: Store, name: str) -> int | None:
    with store.connect(write=False) as conn:
        return conn.execute(select(counters_t.c.value).where(counters_t.c.name == name)).scalar()


def stored_ssccs(store: Store) -> dict[int, str | None]:
    with store.connect(write=False) as conn:
        return {p.id: p.sscc for p in conn.execute(select(packages_t.c.id, packages_t.c.sscc))}


def test_one_label_per_package_in_packing_order_and_orders_without_packages_skipped(store: Store, floor: Floor) -> None:
    batch = shipping_labels(store, load_config(), OrderSelection(), size="4x6", fmt="pdf", dpi=203)
    # packed by default; run 1 tote 1 (1042) before tote 2 (1041), then orders on no run
    assert [(d["ref"], d["package"], d["of"]) for d in batch.details] == [
        ("shopify:1042", 1, 1),
        ("shopify:1041", 1, 2),
        ("shopify:1041", 2, 2),
        ("shopify:1046", 1, 1),
    ]
    assert [(s.ref, s.reason) for s in batch.skipped] == [
        ("shopify:1047", "no packages recorded (packed); pack it first")
    ]
    assert batch.rendered is not None and batch.rendered.pages == 4
    text = page_texts(batch.rendered.content)
    assert "Package 1 of 2" in text[1] and "Weight 1.22 kg" in text[1] and "Box M" in text[1]  # measured 1215 g wins
    assert "Package 2 of 2" in text[2] and "Weight 0.26 kg" in text[2] and "Box S" in text[2]
    assert "EXPEDITED" in text[0] and "EXPEDITED" not in text[1]


def test_missing_ssccs_are_numbered_once_from_the_shops_gs1_prefix_and_reused(
    store: Store, floor: Floor, config_file: Any
) -> None:
    config_file({"shop": {"gs1_company_prefix": "4012345", "sscc_extension": 3}})
    first = labels(store, "shopify:1041", "shopify:1042")
    given = [d["sscc"] for d in first.details]
    assert given[0] == PRESET_SSCC  # the package's own SSCC is kept
    assert all(is_sscc18(s) and s.startswith("34012345") for s in given[1:]) and len(set(given)) == 3
    saved = stored_ssccs(store)
    assert [
        saved[floor.packages[("shopify:1042", 1)]],
        saved[floor.packages[("shopify:1041", 1)]],
        saved[floor.packages[("shopify:1041", 2)]],
    ] == given
    assert counter(store, "sscc") == 2

    again = labels(store, "shopify:1042", "shopify:1041")
    assert [d["sscc"] for d in again.details] == given
    assert counter(store, "sscc") == 2
    assert again.rendered is not None and first.rendered is not None
    assert again.rendered.content == first.rendered.content


def test_a_bad_gs1_prefix_is_a_config_error_and_numbers_nothing(store: Store, floor: Floor, config_file: Any) -> None:
    config_file({"shop": {"gs1_company_prefix": "12AB"}})
    before = stored_ssccs(store)
    with pytest.raises(ConfigError, match="shop.gs1_company_prefix"):
        labels(store, "shopify:1041")
    assert stored_ssccs(store) == before and counter(store, "sscc") is None


def test_a_bad_label_option_is_refused_before_any_sscc_is_given(store: Store, floor: Floor) -> None:
    with pytest.raises(UsageError, match="ZPL labels come in"):
        labels(store, "shopify:1041", size="a4-2up", fmt="zpl")
    assert counter(store, "sscc") is None


def test_packing_order_is_latest_pick_run_list_and_tote_then_ship_by(store: Store, floor: Floor) -> None:
    with store.connect(write=True) as conn:
        soon = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
        conn.execute(update(orders_t).where(orders_t.c.ref == "shopify:1047").values(ship_by=soon))
        conn.execute(update(orders_t).where(orders_t.c.ref == "shopify:1046").values(ship_by=soon + timedelta(days=1)))
    named = (
        "shopify:1046",
        "shopify:1047",
        "shopify:1043",
        "shopify:1041",
        "1045",
        "shopify:1042",
        "shopify:1044",
        "shopify:1041",
    )
    with store.connect(write=False) as conn:
        rows = select_orders(conn, OrderSelection(refs=named))
        by_list = select_orders(conn, OrderSelection(pick_list=floor.zone_lists["w1-front"]))
    # 1043 was shorted on run 1 and planned again on run 2: it is packed from run 2.
    assert [r.ref for r in rows] == [
        "shopify:1042",
        "shopify:1041",
        "shopify:1044",
        "shopify:1043",
        "shopify:1045",
        "shopify:1047",
        "shopify:1046",
    ]
    assert [r.ref for r in by_list] == ["shopify:1043", "shopify:1045"]


def test_unknown_orders_runs_and_lists_are_not_found(store: Store, floor: Floor) -> None:
    with store.connect(write=False) as conn:
        with pytest.raises(NotFound, match="shopify:9999: no such order"):
            select_orders(conn, OrderSelection(refs=("shopify:9999",)))
        with pytest.raises(NotFound, match="pick run 99"):
            select_orders(conn, OrderSelection(run=99))
    with pytest.raises(NotFound, match="pick list 99"):
        pick_lists(store, [floor.batch_list, 99])


def test_invoice_numbers_follow_packing_order_and_are_kept_with_their_issue_time(store: Store, floor: Floor) -> None:
    config = load_config()
    first = invoices(store, config, OrderSelection(refs=("shopify:1046", "shopify:1041", "shopify:1042")), page="a4")
    assert [(d["ref"], d["invoice"], d["new"]) for d in first.details] == [
        ("shopify:1042", "INV-000001", True),
        ("shopify:1041", "INV-000002", True),
        ("shopify:1046", "INV-000003", True),
    ]
    second = invoices(store, config, OrderSelection(refs=("shopify:1044", "shopify:1041")), page="a4")
    assert [(d["ref"], d["invoice"], d["new"]) for d in second.details] == [
        ("shopify:1041", "INV-000002", False),
        ("shopify:1044", "INV-000004", True),
    ]
    assert second.details[0]["issued_at"] == first.details[1]["issued_at"]
    with store.connect(write=False) as conn:
        assert conn.execute(select(invoices_t.c.number).order_by(invoices_t.c.number)).scalars().all() == [
            "INV-000001",
            "INV-000002",
            "INV-000003",
            "INV-000004",
        ]
    assert counter(store, "invoice") == 4
    text = page_texts(second.rendered.content)  # type: ignore[union-attr]
    assert "Invoice INV-000002" in text[0] and "Invoice INV-000004" in text[1]


def test_a_cancelled_order_gets_no_new_invoice_but_one_issued_before_reprints(store: Store, floor: Floor) -> None:
    config = load_config()
    invoices(store, config, OrderSelection(refs=("shopify:1041",)), page="a4")
    with store.connect(write=True) as conn:
        for ref in ("shopify:1041", "shopify:1050"):
            row = conn.execute(select(orders_t).where(orders_t.c.ref == ref)).one()
            transition(conn, row.id, ref, row.status, "cancelled", command="test cancel")
    batch = invoices(store, config, OrderSelection(refs=("shopify:1041", "shopify:1050")), page="a4")
    assert batch.documents == ["shopify:1041"] and [d["invoice"] for d in batch.details] == ["INV-000001"]
    assert [s.ref for s in batch.skipped] == ["shopify:1050"]
    assert counter(store, "invoice") == 1


def test_slips_carry_the_freebie_the_latest_thank_you_note_and_the_instruction(store: Store, floor: Floor) -> None:
    with store.connect(write=True) as conn:
        # an older note on 1042 and a newer one on 1041: the latest one on each order prints
        record_event(
            conn,
            floor.orders["shopify:1041"],
            command="release",
            kind="note",
            note="thank-you note: an older note",
            at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        record_event(conn, floor.orders["shopify:1042"], command="release", kind="note", note="released with care")
    batch = packing_slips(store, load_config(), OrderSelection(refs=("shopify:1041", "shopify:1042")), page="letter")
    assert batch.documents == ["shopify:1042", "shopify:1041"]
    slip_1042, slip_1041 = page_texts(batch.rendered.content)  # type: ignore[union-attr]
    assert "Gift for my mum, please don't include the receipt." in slip_1042
    assert "released with care" not in slip_1042 and THANK_YOU not in slip_1042
    assert THANK_YOU in slip_1041 and "an older note" not in slip_1041
    assert "THANKYOU-CARD" in slip_1041 and "FREE — with our thanks" in slip_1041
    assert "Return within 30 days" in slip_1041


def test_pick_list_prints_stops_in_walking_order_without_shorted_units(store: Store, floor: Floor) -> None:
    batch = pick_lists(store, [floor.batch_list])
    assert batch.documents == [str(floor.batch_list)]
    walk = ["A01-B03-L1", "A02-B05-L2", "A03-B12-L2", "A03-B14-L1", "A04-B10-L2", "A10-B03-L4", "A01-B01-L4"]
    products = [
        "0614141000012",
        "0614141000036",
        "0614141000050",
        "0614141000067",
        "0614141000111",
        "0614141000142",
        "0614141000173",
    ]
    (page,) = scan_pages(batch.rendered.content)  # type: ignore[union-attr]
    assert texts(page) == Counter([str(floor.batch_list), *walk, *products])
    (text,) = page_texts(batch.rendered.content)  # type: ignore[union-attr]
    assert sorted(walk, key=text.index) == walk
    assert "A04-B08-L1" not in text  # 1043's units there were shorted: nothing left to pick
    assert text.count("⚑ Gift for my mum") == 2 and "7 stops · 8 units · route 84.2 m" in text
    # the tote key, as the terminal shows it: which tote holds which order
    key = text[text.index("TOTES AND THEIR ORDERS") :].splitlines()[1:4]
    assert key == [
        "Tote 1: shopify:1042, 2 units ⚑",
        "Tote 2: shopify:1041, 4 units",
        "Tote 3: shopify:1044, 2 units ⚑",
    ]


def test_consolidation_sheets_one_per_wave_with_each_orders_totes_by_zone(store: Store, floor: Floor) -> None:
    batch = consolidation_sheets(store, floor.zone_run)
    assert batch.documents == ["R2-W1", "R2-W2"]
    first, second = scan_pages(batch.rendered.content)  # type: ignore[union-attr]
    assert texts(first) == Counter(["R2-W1", "shopify:1043", "shopify:1045", "shopify:1049"])
    assert texts(second) == Counter(["R2-W2", "shopify:1050"])
    one, two = page_texts(batch.rendered.content)  # type: ignore[union-attr]
    lists = floor.zone_lists
    assert f"front: tote 1 (1 unit, list {lists['w1-front']})" in one
    assert f"back: tote 1 (2 units, list {lists['w1-back']})" in one
    assert f"middle: tote 3 (2 units, list {lists['w1-middle']})" in one
    assert one.index("shopify:1043") < one.index("shopify:1045") < one.index("shopify:1049")
    assert (
        f"middle: tote 1 (1 unit, list {lists['w2-middle']})" in two
        and f"back: tote 1 (1 unit, list {lists['w2-back']})" in two
    )


def test_the_logo_is_found_beside_the_config_file(store: Store, floor: Floor, config_file: Any, tmp_path: Path) -> None:
    from PIL import Image

    from oms_cli.documents.service import shop_from_config

    path = config_file({"shop": {"logo": "logo.png", "name": "Hearth & Field"}})
    Image.new("RGB", (40, 20), "black").save(path.parent / "logo.png")
    shop = shop_from_config(load_config())
    assert shop.logo_path == str(path.parent / "logo.png") and shop.name == "Hearth & Field"
    batch = packing_slips(store, load_config(), OrderSelection(refs=("shopify:1042",)), page="a4")
    assert batch.warnings == []  # the logo was read
