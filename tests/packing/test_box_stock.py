"""The standard boxes on hand: counted, received, counted down by packing, given back by a re-pack."""

from __future__ import annotations

from typing import Any

from oms_cli.orders.events import transition
from oms_cli.orders.service import resolve_ref
from tests.packing.store_fixtures import examples_db, examples_store, pick  # noqa: F401 - fixtures

REF = "shopify:1041"


def _box_of(oms: Any, ref: str) -> str:
    """The box the engine chooses for the order now (a one-package order)."""
    plan = oms("--json", "pack", ref).json()
    (package,) = plan["packages"]
    return str(package["box"])


def _on_hand(oms: Any) -> dict[str, Any]:
    return {b["box"]: b["stock"] for b in oms("--json", "boxes", "list").json()}


def test_count_receive_and_list(oms, examples_store) -> None:
    assert _on_hand(oms) == {"S": None, "M": None, "T": None, "L": None, "XL": None}  # nothing counted yet
    r = oms("boxes", "count", "m", "3")
    assert r.exit_code == 0, r.stderr
    assert "box M: 3 on hand (was not counted)" in r.stderr
    listed = oms("boxes", "list")
    assert "3  LOW" in listed.stdout  # packing.box_low_stock is 10
    received = oms("--json", "boxes", "receive", "M", "20", "--note", "delivery 4471").json()
    assert received == {"box": "M", "was": 3, "on_hand": 23, "received": 20}
    again = oms("--json", "boxes", "count", "M", "23").json()
    assert again["changed"] is False and again["on_hand"] == 23  # a count that agrees changes nothing
    assert _on_hand(oms)["M"] == 23
    moves = oms("--json", "boxes", "moves", "M").json()
    assert [(m["quantity"], m["reason"], m["note"]) for m in moves] == [
        (20, "receive", "delivery 4471"),
        (3, "count", "counted 3"),
    ]


def test_bad_box_and_numbers(oms, examples_store) -> None:
    r = oms("boxes", "count", "HUGE", "3")
    assert r.exit_code == 4 and "no box 'HUGE' in packing.boxes" in r.stderr
    assert oms("boxes", "count", "M", "-1").exit_code == 2
    assert oms("boxes", "receive", "M", "0").exit_code == 2
    assert oms("--json", "boxes", "moves").json() == []


def test_packing_counts_boxes_down_and_warns_when_low(oms, examples_store) -> None:
    pick(examples_store, REF)
    box = _box_of(oms, REF)
    assert oms("boxes", "count", box, "2").exit_code == 0
    r = oms("--json", "pack", "verify", REF, "--all")
    assert r.exit_code == 0, r.stderr
    assert r.json()["boxes_left"] == {box: 1}
    assert f"box {box}: 1 left" in r.stderr
    assert _on_hand(oms)[box] == 1
    latest = oms("--json", "boxes", "moves", box, "-n", "1").json()[0]
    assert (latest["quantity"], latest["reason"], latest["order"]) == (-1, "pack", REF)


def test_a_box_run_out_is_not_chosen(oms, examples_store) -> None:
    pick(examples_store, REF)
    box = _box_of(oms, REF)
    assert oms("boxes", "count", box, "0").exit_code == 0
    other = _box_of(oms, REF)
    assert other != box
    r = oms("--json", "pack", "verify", REF, "--all")
    assert r.exit_code == 0, r.stderr
    assert [p["box"] for p in r.json()["packages"]] == [other]
    assert _on_hand(oms)[box] == 0


def test_the_configs_stock_is_the_starting_number(oms, examples_store, config_file) -> None:
    from oms_cli.core.config import DEFAULTS

    boxes = [dict(b, stock=5) for b in DEFAULTS["packing"]["boxes"]]
    config_file({"packing": {"boxes": boxes}})
    assert set(_on_hand(oms).values()) == {5}
    pick(examples_store, REF)
    box = _box_of(oms, REF)
    assert oms("pack", "verify", REF, "--all").exit_code == 0
    assert _on_hand(oms)[box] == 4
    moves = oms("--json", "boxes", "moves", box).json()
    assert [(m["quantity"], m["reason"]) for m in reversed(moves)] == [(5, "count"), (-1, "pack")]
    assert "starting number from packing.boxes stock" in moves[-1]["note"]


def test_packing_again_gives_the_earlier_boxes_back(oms, examples_store) -> None:
    pick(examples_store, REF)
    box = _box_of(oms, REF)
    assert oms("boxes", "count", box, "10").exit_code == 0
    assert oms("pack", "verify", REF, "--all").exit_code == 0
    assert oms("orders", "hold", REF, "--reason", "manual").exit_code == 0
    with examples_store.connect(write=True) as conn:  # released and picked again, as the floor would
        row = resolve_ref(conn, REF)
        for current, target in (("on_hold", "ready"), ("ready", "picking"), ("picking", "picked")):
            transition(conn, row.id, row.ref, current, target, command="test")
    assert oms("pack", "verify", REF, "--all").exit_code == 0
    assert _on_hand(oms)[box] == 9  # one box in use, not two
    reasons = [(m["quantity"], m["reason"]) for m in reversed(oms("--json", "boxes", "moves", box).json())]
    assert reasons == [(10, "count"), (-1, "pack"), (1, "repack"), (-1, "pack")]


def test_a_count_starts_from_the_configs_stock(oms, examples_store, config_file) -> None:
    from oms_cli.core.config import DEFAULTS

    config_file(
        {"packing": {"boxes": [dict(b, stock=50) if b["ref"] == "S" else b for b in DEFAULTS["packing"]["boxes"]]}}
    )
    counted = oms("--json", "boxes", "count", "S", "30").json()
    assert (counted["was"], counted["on_hand"], counted["change"]) == (50, 30, -20)
    assert _on_hand(oms)["S"] == 30
    assert [(m["quantity"], m["reason"]) for m in reversed(oms("--json", "boxes", "moves", "S").json())] == [
        (50, "count"),
        (-20, "count"),
    ]
    # a box the config does not count is counted by the store from its first count, even of none
    assert oms("--json", "boxes", "count", "M", "0").json()["changed"] is True
    assert [(m["quantity"], m["reason"]) for m in oms("--json", "boxes", "moves", "M").json()] == [(0, "count")]
    assert _on_hand(oms)["M"] == 0


def test_two_packers_and_the_last_box(oms, examples_store) -> None:
    """Both were shown the last box counted: each order is recorded in the box it was
    packed in, the count goes below zero (a recount is due), and planning goes on."""
    from oms_cli.core.config import load_config
    from oms_cli.packing.service import begin_verify, finish_verify

    config = load_config(None)
    refs = ["shopify:1041", "shopify:1046"]
    pick(examples_store, *refs)
    boxes = {ref: _box_of(oms, ref) for ref in refs}
    shared = boxes[refs[0]]
    if boxes[refs[1]] != shared:  # make them want the same box: count every other box out
        for other in {"S", "M", "T", "L", "XL"} - {shared}:
            assert oms("boxes", "count", other, "0").exit_code == 0
    assert oms("boxes", "count", shared, "1").exit_code == 0
    starts = [begin_verify(examples_store, config, ref) for ref in refs]
    shown = [[p.box.ref for p in s.plan.packages] for s in starts]
    assert shown[0] == shown[1] == [shared]
    for start, boxes_shown in zip(starts, shown):
        out = finish_verify(examples_store, config, start.ref, [], trust_pick=True, shown_boxes=boxes_shown)
        assert [p["box"] for p in out.packages] == [shared]
    assert _on_hand(oms)[shared] == -1
    listed = oms("boxes", "list")
    assert listed.exit_code == 0 and "-1  LOW" in listed.stdout
    assert oms("pack", "shopify:1042").exit_code == 0  # planning still works (a box below zero is none)


def test_scans_are_kept_when_the_order_changed_meanwhile(oms, examples_store, db_path) -> None:
    import pytest

    from oms_cli.core.config import load_config
    from oms_cli.core.errors import Refused
    from oms_cli.packing.service import begin_verify, finish_verify
    from oms_cli.packing.verify import Scan
    from tests import storedb

    config = load_config(None)
    pick(examples_store, REF)
    start = begin_verify(examples_store, config, REF)
    assert oms("orders", "hold", REF, "--reason", "manual").exit_code == 0  # meanwhile, at the desk
    with pytest.raises(Refused, match="not picked"):
        finish_verify(
            examples_store,
            config,
            REF,
            [Scan("0614141000012", "MUG-SPK-BLU", "ok")],
            shown_boxes=[start.plan.packages[0].box.ref],
        )
    con = storedb.connect(db_path)
    try:
        assert con.execute("SELECT code, result FROM verify_scans").fetchall() == [("0614141000012", "ok")]
    finally:
        con.close()


def test_a_bad_low_stock_setting_stops_before_anything_is_packed(oms, examples_store, config_file) -> None:
    config_file({"packing": {"box_low_stock": "ten"}})
    pick(examples_store, REF)
    r = oms("pack", "verify", REF, "--all")
    assert r.exit_code == 3 and "packing.box_low_stock" in r.stderr
    config_file({})  # every command refuses the bad setting: look with a good one
    assert oms("--json", "orders", "show", REF).json()["status"] == "picked"


def test_box_names_are_told_apart_without_regard_to_case(oms, examples_store, config_file) -> None:
    from oms_cli.core.config import DEFAULTS

    m = next(b for b in DEFAULTS["packing"]["boxes"] if b["ref"] == "M")
    config_file({"packing": {"boxes": [m, dict(m, ref="m")]}})
    r = oms("boxes", "list")
    assert r.exit_code == 3 and "used twice" in r.stderr
    config_file({"packing": {"boxes": [dict(m, ref="KARTON-Ä")]}})
    assert oms("boxes", "count", "karton-ä", "4").exit_code == 0
    moves = oms("--json", "boxes", "moves", "Karton-ä").json()
    assert [(x["box"], x["quantity"]) for x in moves] == [("KARTON-Ä", 4)]
    assert oms("boxes", "moves", "NOPE").exit_code == 4
    assert oms("boxes", "moves", "-n", "-3").exit_code == 2


def test_a_repack_may_use_the_box_its_earlier_packing_took(oms, examples_store) -> None:
    pick(examples_store, REF)
    box = _box_of(oms, REF)
    assert oms("boxes", "count", box, "1").exit_code == 0
    assert oms("pack", "verify", REF, "--all").exit_code == 0
    assert _on_hand(oms)[box] == 0
    assert oms("orders", "hold", REF, "--reason", "manual").exit_code == 0
    with examples_store.connect(write=True) as conn:
        row = resolve_ref(conn, REF)
        for current, target in (("on_hold", "ready"), ("ready", "picking"), ("picking", "picked")):
            transition(conn, row.id, row.ref, current, target, command="test")
    assert _box_of(oms, REF) == box  # its own box comes back to it
    r = oms("--json", "pack", "verify", REF, "--all")
    assert r.exit_code == 0, r.stderr
    assert [p["box"] for p in r.json()["packages"]] == [box]
    assert _on_hand(oms)[box] == 0
