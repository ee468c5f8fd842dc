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
    assert _on_hand(oms) == {"S": None, "M": None, "L": None, "XL": None}  # nothing counted yet
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
    assert [(m["quantity"], m["reason"], m["note"]) for m in moves] == [(20, "receive", "delivery 4471"), (3, "count", "counted 3")]


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
