"""`oms release` and `oms orders release` against a real store: every hold reason and its later
release, COD, partial stock, cancelling, thank-you rules, ship-by, queue and instructions."""

from __future__ import annotations

from datetime import UTC, datetime, timezone
from pathlib import Path

import pytest
from release_shop import make_order, store_digest

UTC = UTC


def release(oms, *args: str):  # type: ignore[no-untyped-def]
    r = oms("--json", "release", *(args or ("--all",)))
    assert r.exit_code == 0, r.stderr
    return r.json()


def held(report: dict) -> dict[str, str]:
    return {h["ref"]: h["reason"] for h in report["held"]}


def test_each_hold_reason_and_its_later_release(oms, shop) -> None:
    shop.receive("MUG", 5)
    shop.orders(
        make_order("unpaid", [("MUG", 1)], payment="pending"),
        make_order("badzip", [("MUG", 1)], postal_code="ABCDE"),
        make_order("ghost", [("GHOST", 1)]),
        make_order("noloc", [("NOLOC", 1)]),
        make_order("short", [("TEE", 2)]),
    )
    first = release(oms)
    assert held(first) == {
        "shop:unpaid": "awaiting_payment",
        "shop:badzip": "incorrect_address",
        "shop:ghost": "unknown_sku",
        "shop:noloc": "no_location",
        "shop:short": "out_of_stock",
    }
    assert first["released"] == [] and first["unchanged"] == 0
    assert {h["ref"]: h["detail"] for h in first["held"]}["shop:short"] == "TEE needs 2, 0 available"
    assert shop.order("shop:short").hold_note == "TEE needs 2, 0 available"
    assert shop.stock("MUG") == {"A01-B01": (5, 0)}

    # cron again with nothing new: nothing changes, no new events
    events_before = len(shop.events("shop:unpaid"))
    again = release(oms)
    assert again["released"] == [] and again["unchanged"] == 5
    assert all(not h["changed"] for h in again["held"])
    assert len(shop.events("shop:unpaid")) == events_before

    # the world is put right, then cron picks the orders up
    shop.update("shop:unpaid", payment_status="paid")
    shop.update("shop:badzip", ship_postal_code="62704")
    assert oms("products", "set", "GHOST", "--create", "--location", "A05-B01").exit_code == 0
    shop.receive("GHOST", 1)
    assert oms("products", "set", "NOLOC", "--location", "A06-B01").exit_code == 0
    shop.receive("NOLOC", 1)
    shop.receive("TEE", 2)
    last = release(oms)
    assert sorted(r["ref"] for r in last["released"]) == [
        "shop:badzip",
        "shop:ghost",
        "shop:noloc",
        "shop:short",
        "shop:unpaid",
    ]
    assert last["held"] == []
    for ref in ("shop:unpaid", "shop:badzip", "shop:ghost", "shop:noloc", "shop:short"):
        row = shop.order(ref)
        assert (row.status, row.hold_reason, row.hold_note) == ("ready", None, None)
        assert row.ship_by is not None
        assert [(e.from_status, e.to_status) for e in shop.events(ref) if e.kind == "status"] == [
            (None, "new"),
            ("new", "on_hold"),
            ("on_hold", "ready"),
        ]
    assert shop.stock("MUG") == {"A01-B01": (5, 2)}
    assert shop.reservations("shop:short") == [("TEE", "A03-B01", 2)]
    assert oms("stock", "check").exit_code == 0


def test_human_output_names_the_orders_and_reasons(oms, shop) -> None:
    shop.receive("MUG", 1)
    shop.orders(make_order("1", [("MUG", 1)]), make_order("2", [("MUG", 1)], payment="pending"))
    r = oms("release", "--all")
    assert r.exit_code == 0
    assert "shop:1" in r.stdout and "released" in r.stdout
    assert "shop:2" in r.stdout and "awaiting_payment" in r.stdout and "payment is pending" in r.stdout
    assert "released 1, held 1" in r.stderr
    r = oms("release", "--all")
    assert "shop:2" not in r.stdout
    assert "1 still on hold for the same reason" in r.stderr


def test_usage(oms, shop) -> None:
    assert oms("release").exit_code == 2
    assert oms("release", "--all", "shop:1").exit_code == 2
    assert oms("release", "shop:nope").exit_code == 4


def test_cod_allowed_by_default_and_refused_by_config(oms, shop, config_file) -> None:
    shop.receive("MUG", 5)
    shop.orders(
        make_order("cod1", [("MUG", 1)], payment="pending", method="Cash on Delivery (COD)"),
        make_order("cod2", [("MUG", 1)], payment="cod"),
    )
    config_file({"release": {"allow_cod": False}})
    assert held(release(oms)) == {"shop:cod1": "cod_not_allowed", "shop:cod2": "cod_not_allowed"}
    config_file({"release": {"allow_cod": True}})
    assert sorted(r["ref"] for r in release(oms)["released"]) == ["shop:cod1", "shop:cod2"]


def test_partial_stock_held_whole_by_default(oms, shop) -> None:
    shop.receive("MUG", 2)
    shop.receive("TEE", 5)
    shop.orders(make_order("p", [("MUG", 3), ("TEE", 1)]))
    assert held(release(oms)) == {"shop:p": "out_of_stock"}
    assert shop.reservations("shop:p") == []
    assert shop.stock("MUG") == {"A01-B01": (2, 0)}


def test_partial_stock_split_into_a_shipment_and_a_backorder(oms, shop, config_file) -> None:
    config_file(
        {
            "release": {
                "partial_stock": "split",
                "thank_you": [{"name": "thanks", "when": "units >= 1", "tag": "thanked"}],
            }
        }
    )
    shop.receive("MUG", 2)
    shop.receive("TEE", 5)
    shop.orders(make_order("p", [("MUG", 3), ("TEE", 1), ("CARD", 2)]))
    report = release(oms)
    (rel,) = report["released"]
    assert rel["ref"] == "shop:p" and rel["backorder"] == "shop:p-BO1"
    assert shop.order("shop:p").status == "ready"
    assert [(ln.sku, ln.quantity) for ln in shop.lines("shop:p")] == [("MUG", 2), ("TEE", 1)]
    assert sorted(shop.reservations("shop:p")) == [("MUG", "A01-B01", 2), ("TEE", "A03-B01", 1)]
    bo = shop.order("shop:p-BO1")
    assert (bo.status, bo.hold_reason, bo.channel, bo.external_id) == ("on_hold", "out_of_stock", "shop", "p-BO1")
    assert [(ln.sku, ln.quantity) for ln in shop.lines("shop:p-BO1")] == [("MUG", 1), ("CARD", 2)]
    assert any("moved to backorder shop:p-BO1" in (e.note or "") for e in shop.events("shop:p"))
    assert any((e.note or "").startswith("backorder of shop:p") for e in shop.events("shop:p-BO1"))
    # the backorder waits for stock, then goes on its own; thank-you rules were for the original order
    assert release(oms)["unchanged"] == 1
    shop.receive("MUG", 1)
    shop.receive("CARD", 2)
    later = release(oms)
    assert [r["ref"] for r in later["released"]] == ["shop:p-BO1"]
    assert later["released"][0]["thank_you"] == []
    assert "thanked" in shop.order("shop:p").tags and "thanked" not in (shop.order("shop:p-BO1").tags or [])
    assert oms("stock", "check").exit_code == 0


def test_a_backorder_split_from_a_released_order_starts_its_own_milestones(oms, shop, config_file, db_path) -> None:
    from tests import storedb

    config_file({"release": {"partial_stock": "split"}})
    shop.receive("MUG", 3)
    shop.orders(make_order("p", [("MUG", 3)]))
    release(oms)  # released whole
    assert oms("orders", "hold", "shop:p", "--reason", "manual").exit_code == 0
    assert oms("stock", "adjust", "MUG", "-2", "--reason", "damaged").exit_code == 0
    assert oms("orders", "release", "shop:p").exit_code == 0  # released again with 1 of 3: split
    assert shop.order("shop:p-BO1").status == "on_hold"
    con = storedb.connect(db_path)
    try:
        rows = con.execute(
            "SELECT ref, released_at, (SELECT min(at) FROM order_events e WHERE e.order_id = o.id AND e.kind = 'status' "
            "AND e.to_status = 'ready') FROM orders o ORDER BY ref"
        ).fetchall()
    finally:
        con.close()
    assert [(ref, stored == first) for ref, stored, first in rows] == [("shop:p", True), ("shop:p-BO1", True)]
    assert rows[1][1] is None  # the backorder was never released


def test_cancelling_frees_the_reservation(oms, shop) -> None:
    shop.receive("MUG", 3)
    shop.orders(make_order("c", [("MUG", 3)]), make_order("d", [("MUG", 1)]))
    report = release(oms)
    assert [r["ref"] for r in report["released"]] == ["shop:c"]
    assert shop.stock("MUG") == {"A01-B01": (3, 3)}
    assert oms("orders", "cancel", "shop:c").exit_code == 0
    assert shop.stock("MUG") == {"A01-B01": (3, 0)}
    assert shop.reservations("shop:c") == [] and shop.reservations("shop:c", "released") == [("MUG", "A01-B01", 3)]
    assert [r["ref"] for r in release(oms)["released"]] == ["shop:d"]


def test_reservations_follow_the_primary_location_first(oms, shop) -> None:
    shop.receive("MUG", 1)
    shop.receive("MUG", 4, "A02-B01")
    shop.orders(make_order("x", [("MUG", 3)]))
    release(oms)
    assert shop.reservations("shop:x") == [("MUG", "A01-B01", 1), ("MUG", "A02-B01", 2)]
    assert shop.stock("MUG") == {"A01-B01": (1, 1), "A02-B01": (4, 2)}


def test_scarce_stock_goes_to_fast_orders_first(oms, shop) -> None:
    shop.receive("MUG", 2)
    shop.orders(
        make_order("old", [("MUG", 1)], placed="2025-01-01T09:00:00+00:00"),
        make_order("exp", [("MUG", 1)], level="expedited", placed="2030-01-07T11:00:00+00:00"),
        make_order("nd", [("MUG", 1)], level="next_day", placed="2030-01-07T12:00:00+00:00"),
    )
    report = release(oms)
    # "old" is overdue already, so it comes first; then next day beats expedited
    assert [r["ref"] for r in report["released"]] == ["shop:old", "shop:nd"]
    assert held(report) == {"shop:exp": "out_of_stock"}


def test_person_holds_are_left_to_people(oms, shop) -> None:
    shop.receive("MUG", 5)
    shop.orders(make_order("m", [("MUG", 1)]), make_order("r", [("MUG", 1)]))
    assert oms("orders", "hold", "shop:m", "--reason", "manual").exit_code == 0
    assert oms("orders", "hold", "shop:r", "--reason", "high_risk").exit_code == 0
    assert release(oms) == {"released": [], "held": [], "unchanged": 0, "skipped": [], "errors": []}
    r = oms("orders", "release", "shop:m")
    assert r.exit_code == 0, r.stderr
    assert shop.order("shop:m").status == "ready"
    assert shop.order("shop:r").status == "on_hold"


def test_orders_release_of_one_order_and_its_refusals(oms, shop) -> None:
    shop.receive("MUG", 5)
    shop.orders(make_order("one", [("MUG", 1)]), make_order("gone", [("MUG", 1)]))
    r = oms("--json", "orders", "release", "one")
    assert r.exit_code == 0 and [x["ref"] for x in r.json()["released"]] == ["shop:one"]
    r = oms("orders", "release", "shop:one")
    assert r.exit_code == 0 and "already released" in r.stderr
    oms("orders", "cancel", "shop:gone")
    r = oms("orders", "release", "shop:gone")
    assert r.exit_code == 5 and "shop:gone is cancelled: only new or on-hold orders can be released" in r.stderr


def test_thank_you_rules_apply_once(oms, shop, config_file) -> None:
    config_file(
        {
            "release": {
                "thank_you": [
                    {
                        "name": "vip",
                        "when": "units >= 10 or total >= 200.00",
                        "add_sku": "CARD",
                        "tag": "vip",
                        "note": "Hand-written card, please",
                    },
                ]
            }
        }
    )
    shop.receive("MUG", 30)
    shop.receive("CARD", 5)
    shop.orders(
        make_order("big", [("MUG", 10)]),
        make_order("rich", [("MUG", 1)], total="250.00"),
        make_order("small", [("MUG", 1)]),
    )
    report = release(oms)
    by_ref = {r["ref"]: r for r in report["released"]}
    assert by_ref["shop:big"]["thank_you"] == [
        {"rule": "vip", "added": "CARD x1", "tags": ["vip"], "note": "Hand-written card, please", "skipped": None}
    ]
    assert by_ref["shop:small"]["thank_you"] == []
    lines = shop.lines("shop:big")
    assert [(ln.sku, ln.quantity, ln.free, ln.added_by_rule, ln.unit_price_minor) for ln in lines] == [
        ("MUG", 10, False, None, 500),
        ("CARD", 1, True, "vip", 0),
    ]
    assert ("CARD", "A04-B01", 1) in shop.reservations("shop:big")
    assert shop.order("shop:big").tags == ["vip"]
    notes = [e.note for e in shop.events("shop:big") if e.kind == "note"]
    assert "thank-you rule 'vip' applied: added CARD x1 (free); tagged vip; packing note" in notes
    assert "thank-you note: Hand-written card, please" in notes
    assert shop.stock("CARD") == {"A04-B01": (5, 2)}

    # on hold and back again: the rule is not applied a second time
    assert oms("orders", "hold", "shop:big", "--reason", "manual").exit_code == 0
    r = oms("--json", "orders", "release", "shop:big")
    assert r.json()["released"][0]["thank_you"] == []
    assert [ln.sku for ln in shop.lines("shop:big")] == ["MUG", "CARD"]
    assert shop.stock("CARD") == {"A04-B01": (5, 2)}
    assert sum(1 for e in shop.events("shop:big") if (e.note or "").startswith("thank-you rule 'vip'")) == 1
    assert oms("stock", "check").exit_code == 0


def test_a_gift_out_of_stock_does_not_hold_the_order(oms, shop, config_file) -> None:
    config_file({"release": {"thank_you": [{"name": "vip", "when": "units >= 2", "add_sku": "CARD"}]}})
    shop.receive("MUG", 2)
    shop.orders(make_order("g", [("MUG", 2)]))
    (rel,) = release(oms)["released"]
    assert rel["thank_you"][0]["skipped"] == "CARD out of stock (0 available)"
    assert [ln.sku for ln in shop.lines("shop:g")] == ["MUG"]
    assert any("CARD not added: CARD out of stock" in (e.note or "") for e in shop.events("shop:g"))


def test_a_bad_rule_is_a_clear_config_error(oms, shop, config_file, db_path: Path) -> None:
    config_file({"release": {"thank_you": [{"name": "vip", "when": "unit >= 10", "tag": "vip"}]}})
    shop.orders(make_order("1", [("MUG", 1)]))
    before = store_digest(db_path)
    r = oms("release", "--all")
    assert r.exit_code == 3
    assert "release.thank_you[1] (vip): unknown field 'unit' in 'unit >= 10'" in r.stderr
    assert "fields: units, lines, total" in r.stderr
    assert store_digest(db_path) == before


def test_ship_by_is_set_from_the_schedule(oms, shop, config_file) -> None:
    config_file({"schedule": {"cutoff": "14:00", "holidays": ["2025-01-13"]}})
    shop.receive("MUG", 5)
    # Friday 10 January 2025 after the cut-off; Monday 13 is a holiday
    shop.orders(
        make_order("fri", [("MUG", 1)], level="next_day", placed="2025-01-10T15:00:00+00:00"),
        make_order("std", [("MUG", 1)], placed="2025-01-10T13:00:00+00:00"),
    )
    release(oms)
    assert shop.order("shop:fri").ship_by == datetime(2025, 1, 14, 14, 0, tzinfo=UTC)
    assert shop.order("shop:std").ship_by == datetime(2025, 1, 15, 14, 0, tzinfo=UTC)


def test_the_payment_clock_starts_when_payment_arrives(oms, shop) -> None:
    shop.receive("MUG", 5)
    shop.orders(make_order("late", [("MUG", 1)], payment="pending", placed="2025-01-06T10:00:00+00:00"))
    release(oms)
    shop.update("shop:late", payment_status="paid")
    release(oms)
    # held for payment: the deadline counts from release (now), not from 2025
    assert shop.order("shop:late").ship_by > datetime.now(UTC)


def test_queue_order_and_late_promises(oms, shop) -> None:
    shop.receive("MUG", 10)
    shop.orders(
        make_order("std-old", [("MUG", 1)], placed="2030-01-07T09:00:00+00:00"),
        make_order("std-new", [("MUG", 1)], placed="2030-01-07T10:00:00+00:00"),
        make_order("exp", [("MUG", 1)], level="expedited", placed="2030-01-07T11:00:00+00:00"),
        make_order("nd", [("MUG", 1)], level="next_day", placed="2030-01-07T12:00:00+00:00", notes="Ring twice"),
        make_order("exp-old", [("MUG", 1)], level="expedited", placed="2030-01-02T10:00:00+00:00"),
    )
    release(oms)
    # ship-by (cut-off 15:00 UTC): exp-old Thu 3 Jan, nd Mon 7, exp Tue 8, std-* Wed 9
    r = oms("--json", "queue", "--at", "2030-01-07T16:00:00Z")
    assert r.exit_code == 0, r.stderr
    q = r.json()
    assert [o["ref"] for o in q["orders"]] == ["shop:nd", "shop:exp-old", "shop:exp", "shop:std-old", "shop:std-new"]
    assert (q["overdue"], q["late_promises"], q["instructions_pending"]) == (2, 2, 1)
    assert [o["late_promise"] for o in q["orders"]] == [True, True, False, False, False]
    early = oms("--json", "queue", "--at", "2030-01-07T08:00:00Z").json()
    assert [o["ref"] for o in early["orders"]] == [
        "shop:exp-old",
        "shop:nd",
        "shop:exp",
        "shop:std-old",
        "shop:std-new",
    ]
    human = oms("queue", "--at", "2030-01-07T16:00:00Z")
    assert "2 paid fast deliveries late (red)" in human.stdout
    assert "2 expedited/next-day orders are past their ship-by time" in human.stderr


def test_instructions_are_flagged_acknowledged_and_block_shipping(oms, shop, store) -> None:
    from oms_cli.core.errors import Refused
    from oms_cli.release.instructions import check_can_ship

    shop.receive("MUG", 5)
    shop.orders(
        make_order("note", [("MUG", 1)], notes="Please  gift wrap\nand no invoice"), make_order("plain", [("MUG", 1)])
    )
    report = release(oms)
    assert {r["ref"]: r["instruction"] for r in report["released"]} == {"shop:note": "pending", "shop:plain": "none"}
    listed = oms("orders", "list")
    assert "! = special instruction not yet acknowledged" in listed.stdout
    row = shop.order("shop:note")
    with pytest.raises(Refused) as info:
        check_can_ship(row.ref, row.instruction_state, row.notes)
    assert (
        info.value.message
        == 'shop:note: the buyer\'s special instruction is not acknowledged yet ("Please gift wrap and no invoice")'
    )
    assert "oms orders ack shop:note --done" in (info.value.hint or "")
    check_can_ship("shop:plain", shop.order("shop:plain").instruction_state, None)

    r = oms("--json", "orders", "ack", "shop:note", "--done")
    assert r.exit_code == 0 and r.json() == {"ref": "shop:note", "instruction_state": "done", "changed": True}
    assert oms("--json", "orders", "ack", "shop:note", "--done").json()["changed"] is False
    check_can_ship("shop:note", shop.order("shop:note").instruction_state, shop.order("shop:note").notes)
    r = oms("orders", "ack", "shop:note", "--reply", "Gift wrap yes; the invoice must go in, sorry")
    assert r.exit_code == 0
    row = shop.order("shop:note")
    assert (row.instruction_state, row.instruction_reply) == ("replied", "Gift wrap yes; the invoice must go in, sorry")
    notes = [e.note for e in shop.events("shop:note") if e.kind == "note"]
    assert notes == [
        "instruction acknowledged: will be fulfilled",
        "reply to the buyer: Gift wrap yes; the invoice must go in, sorry",
    ]
    assert oms("orders", "ack", "shop:plain", "--done").exit_code == 5
    assert oms("orders", "ack", "shop:note").exit_code == 2
    assert oms("orders", "ack", "shop:note", "--done", "--reply", "x").exit_code == 2


def test_an_adjustment_below_what_is_reserved_needs_attention(oms, shop) -> None:
    shop.receive("MUG", 3)
    shop.orders(make_order("r", [("MUG", 3)]))
    release(oms)
    r = oms("stock", "adjust", "MUG", "-2", "--reason", "damaged")
    assert r.exit_code == 9
    assert "MUG at A01-B01: 3 reserved but 1 on hand; orders shop:r cannot all be filled from here" in r.stderr
