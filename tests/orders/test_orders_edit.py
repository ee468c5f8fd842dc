"""`oms orders edit`: correcting an order before it is picked, as the owner meets it:
a wrong address, a changed quantity, a new instruction, a faster service, against a real store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from returns.fixtures import load_demo, ship, store_digest, table_counts

ROOT = Path(__file__).resolve().parents[2]
REF = "shopify:1044"  # new, next day: VASE-BUD-WHT x1, CARD-BDAY x1


@pytest.fixture
def shop(oms: Any, store: Any) -> Any:
    load_demo(oms)
    return store


def show(oms: Any, ref: str = REF) -> dict[str, Any]:
    r = oms("--json", "orders", "show", ref)
    assert r.exit_code == 0, r.stderr
    return r.json()


def test_an_address_is_corrected_and_the_edit_is_kept_as_an_event(oms, shop, db_path) -> None:
    r = oms("orders", "edit", REF, "--address2", "Apt 4B", "--postcode", "10011", "--country", "United States")
    assert r.exit_code == 0, r.stderr
    assert "shopify:1044 edited (2 change(s))" in r.stderr
    assert "Apt 4B" in r.stdout and "Floor 12" in r.stdout  # was / now
    order = show(oms)
    assert (order["ship_to"]["address2"], order["ship_to"]["postal_code"], order["ship_to"]["country"]) == (
        "Apt 4B",
        "10011",
        "US",
    )
    [event] = [e for e in order["events"] if e["kind"] == "edited"]
    assert event["note"] == "edited: ship_to.address2 Floor 12 -> Apt 4B; ship_to.postal_code 10001 -> 10011"
    # the same edit again changes nothing and writes no second event
    digest = store_digest(db_path)
    r = oms("orders", "edit", REF, "--address2", "Apt 4B", "--postcode", "10011")
    assert r.exit_code == 0
    assert "nothing changed" in r.stderr
    assert store_digest(db_path) == digest


def test_lines_change_add_and_go(oms, shop) -> None:
    r = oms(
        "--json",
        "orders",
        "edit",
        REF,
        "--set-line",
        "VASE-BUD-WHT=3",
        "--set-line",
        "CARD-BDAY=0",
        "--add-line",
        "MUG-SPK-BLU=2",
        "--add-line",
        "NO-SUCH-SKU=1",
    )
    assert r.exit_code == 0, r.stderr
    changes = {c["field"]: (c["before"], c["after"]) for c in r.json()["changes"]}
    assert changes == {
        "line VASE-BUD-WHT": (1, 3),
        "line CARD-BDAY": (1, None),
        "line MUG-SPK-BLU": (None, 2),
        "line NO-SUCH-SKU": (None, 1),
    }
    assert "NO-SUCH-SKU is not in the catalog" in r.stderr
    lines = {ln["sku"]: (ln["quantity"], ln["name"]) for ln in show(oms)["lines"]}
    assert lines == {
        "VASE-BUD-WHT": (3, "Porcelain bud vase - White"),
        "MUG-SPK-BLU": (2, "Speckled stoneware mug - Blue"),
        "NO-SUCH-SKU": (1, None),
    }
    # release sees the edited lines: the unknown SKU holds the order
    r = oms("--json", "orders", "release", REF)
    assert show(oms)["status"] == "on_hold" and show(oms)["hold_reason"] == "unknown_sku"


def test_a_new_instruction_waits_for_its_answer(oms, shop) -> None:
    ref = "shopify:1041"
    assert oms("orders", "edit", ref, "--note", "Please gift-wrap it").exit_code == 0
    order = show(oms, ref)
    assert (order["notes"], order["instruction_state"]) == ("Please gift-wrap it", "pending")
    assert oms("orders", "edit", ref, "--note", "").exit_code == 0
    order = show(oms, ref)
    assert (order["notes"], order["instruction_state"]) == (None, "none")


def test_a_released_order_takes_a_new_service_with_a_new_ship_by_but_not_new_lines(oms, shop, db_path) -> None:
    ref = "shopify:1041"
    assert oms("orders", "release", ref).exit_code == 0
    before = show(oms, ref)
    assert before["status"] == "ready" and before["service_level"] == "standard"
    r = oms("--json", "orders", "edit", ref, "--service", "next_day")
    assert r.exit_code == 0, r.stderr
    after = show(oms, ref)
    assert after["service_level"] == "next_day"
    assert after["ship_by"] == r.json()["ship_by"] and after["ship_by"] < before["ship_by"]

    digest = store_digest(db_path)
    r = oms("orders", "edit", ref, "--set-line", "MUG-SPK-BLU=5")
    assert r.exit_code == 5
    assert f"{ref} is ready: only new or on-hold orders can be given other lines" in r.stderr
    assert f"oms orders hold {ref}" in r.stderr
    assert store_digest(db_path) == digest


def test_a_picked_or_shipped_order_is_not_edited(oms, shop, db_path) -> None:
    ship(shop, [REF])
    digest = store_digest(db_path)
    r = oms("orders", "edit", REF, "--city", "Boston")
    assert r.exit_code == 5
    assert "shopify:1044 is shipped: only orders not yet picked can be edited" in r.stderr
    assert store_digest(db_path) == digest


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--country", "Atlantis"), 3, "shopify:1044: ship_to.country 'Atlantis' is not a country oms knows"),
        (("--service", "overnight"), 3, 'shopify:1044: service_level "overnight": input should be'),
        (("--set-line", "NOPE=2"), 3, "shopify:1044: line NOPE is not on the order"),
        (("--add-line", "CARD-BDAY=1"), 3, "shopify:1044: line CARD-BDAY is already on the order"),
        (("--set-line", "VASE-BUD-WHT=0", "--set-line", "CARD-BDAY=0"), 3, "lines the order would have none left"),
        (("--set-line", "VASE-BUD-WHT"), 2, "--set-line 'VASE-BUD-WHT': write SKU=QUANTITY"),
        ((), 2, "nothing to change"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(oms, shop, db_path, args, code, message) -> None:
    counts, digest = table_counts(db_path), store_digest(db_path)
    r = oms("orders", "edit", REF, *args)
    assert r.exit_code == code, r.stderr
    assert message in r.stderr
    assert r.stderr.count("\n") <= 2  # one line, and a hint at most
    assert (table_counts(db_path), store_digest(db_path)) == (counts, digest)


def test_dry_run_shows_and_changes_nothing(oms, shop, db_path) -> None:
    digest = store_digest(db_path)
    r = oms("orders", "edit", REF, "--city", "Brooklyn", "--dry-run")
    assert r.exit_code == 0, r.stderr
    assert "Brooklyn" in r.stdout and "dry run, nothing changed" in r.stderr
    assert store_digest(db_path) == digest


def test_importing_the_same_export_again_keeps_the_edit(oms, shop) -> None:
    assert oms("orders", "edit", REF, "--address2", "Apt 4B").exit_code == 0
    r = oms("import", ROOT / "examples" / "shopify_orders.csv")
    assert r.exit_code == 0, r.stderr
    assert show(oms)["ship_to"]["address2"] == "Apt 4B"
