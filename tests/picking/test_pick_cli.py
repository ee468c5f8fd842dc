"""`oms pick …` commands end to end: output, JSON shape, exit codes, and the scan loop fed through stdin."""

from __future__ import annotations

import re
from typing import Any

from oms_cli.picking.routing import tour_length
from oms_cli.warehouse.layout import Layout
from tests.conftest import store_digest
from tests.picking.store_fixtures import Floor, Product, ean13, floor, order  # noqa: F401

MUG, TEE, CARD, FAR = ean13(1), ean13(2), ean13(3), ean13(4)


def shop(floor: Floor, *orders: dict[str, Any]) -> None:
    """MUG and TEE in the front zone, CARD in the back, FAR in the middle; stock for all."""
    floor.catalog(
        [
            Product("MUG", ("A02-B05-L1",), MUG),
            Product("TEE", ("A03-B10-L2",), TEE),
            Product("CARD", ("A10-B03-L4",), CARD),
            Product("FAR", ("A07-B18-L1",), FAR),
        ]
    )
    floor.stock_everything(50)
    floor.import_orders(
        list(orders)
        or [
            order("1", [("MUG", 2), ("CARD", 1)], notes="Please gift wrap"),
            order("2", [("MUG", 1), ("TEE", 1)]),
            order("3", [("FAR", 1)]),
        ]
    )
    floor.release()


def test_plan_json_has_the_documented_shape_and_model_distances(floor: Floor) -> None:
    shop(floor)
    r = floor.run("--json", "pick", "plan", "--method", "batch")
    doc = r.json()
    assert set(doc) >= {
        "run",
        "method",
        "lists",
        "distance_m",
        "consolidation",
        "left_out",
        "held",
        "code_order_distance_m",
    }
    assert isinstance(doc["run"], int) and doc["method"] == "batch"
    layout = Layout()
    total = 0.0
    for entry in doc["lists"]:
        assert set(entry) >= {"list", "picker", "zone", "orders", "stops", "distance_m"}
        for stop in entry["stops"]:
            assert set(stop) == {"location", "sku", "quantity", "orders"}
            assert re.fullmatch(r"A\d\d-B\d\d-L\d", stop["location"])
            assert stop["quantity"] == sum(o["quantity"] for o in stop["orders"])
            assert all(set(o) == {"ref", "quantity", "tote"} for o in stop["orders"])
        # The distance is the model's tour through the stops in the printed order.
        assert entry["distance_m"] == tour_length(layout, [s["location"] for s in entry["stops"]])
        assert entry["distance_m"] <= entry["code_order_distance_m"]
        total += entry["distance_m"]
    assert doc["distance_m"] == round(total, 3)
    assert sorted(r for x in doc["lists"] for r in x["orders"]) == ["shop:1", "shop:2", "shop:3"]


def test_plan_prints_each_list_with_its_route_and_a_summary(floor: Floor) -> None:
    shop(floor)
    r = floor.run("pick", "plan", "--method", "single")
    routes = re.findall(r"route (\d+\.\d) m \(sorted by location code: (\d+\.\d) m\)", r.stdout)
    assert len(routes) == 3
    listed = floor.run("--json", "pick", "lists").json()
    assert [f"{x['distance_m']:.1f}" for x in listed] == [a for a, _ in routes]
    assert "totes: 1 = shop:1 !" in r.stdout  # the pending instruction is flagged
    assert re.search(r"run \d+: 3 lists, 3 orders \(single\), walking [\d.]+ m", r.stderr)
    again = floor.oms("pick", "plan")
    assert again.exit_code == 0 and "nothing to plan" in again.stderr and again.stdout == ""


def test_a_large_run_prints_one_line_per_list(floor: Floor) -> None:
    shop(floor, *[order(str(n), [("MUG", 1)]) for n in range(25)])
    r = floor.run("pick", "plan", "--method", "single")
    lists = floor.run("--json", "pick", "lists").json()
    assert len(lists) == 25
    assert "25 pick lists" in r.stdout and "totes:" not in r.stdout  # no stop-by-stop tables
    for x in lists:
        assert re.search(rf"│ +{x['list']} +│.*│ +1 +│ +1 +│ +1 +│ +{x['distance_m']:,.0f} m +│", r.stdout), x
    assert re.search(r"run \d+: 25 lists, 25 orders \(single\)", r.stderr)


def test_wave_plan_prints_the_consolidation_sheet(floor: Floor) -> None:
    shop(floor)
    r = floor.run("pick", "plan", "--method", "wave")
    assert "consolidation sheet" in r.stdout
    # Order 1 has picks in front and back: two totes to bring together.
    line = next(ln for ln in r.stdout.splitlines() if "shop:1" in ln and "+" in ln)
    assert "(front)" in line and "(back)" in line


def test_dry_run_prints_lists_and_changes_nothing(floor: Floor) -> None:
    shop(floor)
    before = store_digest(floor.db)
    r = floor.run("pick", "plan", "--method", "zone", "--dry-run")
    assert "dry run, nothing written" in r.stderr and "route" in r.stdout
    assert store_digest(floor.db) == before


def test_unlocated_line_is_a_warning_not_a_failure(floor: Floor, config_file: Any) -> None:
    shop(floor)
    config_file({"warehouse": {"aisles": 6, "zones": {"front": [1, 2, 3], "back": [4, 5, 6]}}})
    r = floor.oms("pick", "plan")
    assert r.exit_code == 0
    assert "shop:1 goes on hold (no_location)" in r.stderr and "A10-B03-L4" in r.stderr
    assert floor.status("shop:1") == "on_hold" and floor.status("shop:2") == "picking"


def test_plan_refuses_orders_that_are_not_ready(floor: Floor) -> None:
    shop(floor, order("1", [("MUG", 1)]), order("2", [("MUG", 1)], payment="pending"))
    before = store_digest(floor.db)
    r = floor.oms("pick", "plan", "shop:2")
    assert r.exit_code == 5 and "shop:2 is on_hold" in r.stderr
    assert store_digest(floor.db) == before
    assert floor.oms("pick", "plan", "shop:nope").exit_code == 4
    assert floor.oms("pick", "plan", "--method", "zigzag").exit_code == 2
    assert floor.oms("pick", "plan", "--wave-cutoff", "15:00").exit_code == 2


def test_lists_show_and_next(floor: Floor) -> None:
    shop(floor)
    floor.run("pick", "plan", "--method", "batch", "--cart-orders", "2")
    lists = floor.run("--json", "pick", "lists", "--open").json()
    assert [x["status"] for x in lists] == ["open", "open"]
    first = lists[0]["list"]
    shown = floor.run("pick", "show", str(first))
    assert "Please gift wrap" in shown.stdout and "! = special instruction" in shown.stdout
    claimed = floor.run("--json", "pick", "next", "--picker", "ann").json()
    assert claimed["list"] == first and claimed["claimed"] is True and claimed["picker"] == "ann"
    assert floor.run("--json", "pick", "next", "--picker", "ann").json()["resumed"] is True
    assert floor.run("--json", "pick", "next", "--picker", "bob").json()["list"] == lists[1]["list"]
    taken = floor.oms("pick", "confirm", str(first), "--picker", "bob", input=f"{MUG}\n")
    assert taken.exit_code == 5 and f"pick list {first} is being picked by ann" in taken.stderr
    none = floor.oms("--json", "pick", "next", "--picker", "cleo")
    assert none.exit_code == 0 and none.json()["list"] is None
    human = floor.oms("pick", "next", "--picker", "cleo")
    assert human.exit_code == 0 and "no open pick list for cleo" in human.stderr
    assert floor.oms("pick", "show", "999").exit_code == 4
    assert floor.oms("pick", "confirm", "999", "--all").exit_code == 4


def test_scan_loop_right_wrong_location_and_tote(floor: Floor) -> None:
    shop(floor, order("1", [("MUG", 2), ("TEE", 1)]), order("2", [("MUG", 1)]))
    floor.run("pick", "plan", "--method", "batch")
    scans = ["A09-B01-L1", TEE, "A02-B05-L1", MUG, "4006381333931", MUG, MUG, TEE]
    r = floor.oms("pick", "confirm", "1", "--picker", "ann", input="\n".join(scans) + "\n")
    assert r.exit_code == 0, r.stderr
    err = r.stderr
    assert "go to A02-B05-L1: take 3 x MUG" in err
    assert "A09-B01-L1 is not on this list" in err
    assert "WRONG ITEM TEE" in err and "\a" in err
    assert "UNKNOWN CODE '4006381333931'" in err
    assert [m for m in re.findall(r"MUG -> tote (\d)", err)] == ["1", "1", "2"]
    assert "list complete" in err
    assert floor.status("shop:1") == "picked" and floor.status("shop:2") == "picked"
    assert floor.query("SELECT status, picker FROM pick_lists WHERE id = 1")[0] == ("done", "ann")
    assert floor.oms("pick", "confirm", "1").stderr.strip() == "list 1 is already done"


def test_scan_loop_stops_at_end_of_input_and_carries_on_later(floor: Floor) -> None:
    shop(floor, order("1", [("MUG", 2), ("CARD", 1)]))
    floor.run("pick", "plan", "--method", "single")
    first = floor.oms("pick", "confirm", "1", input=f"{MUG}\n")
    assert first.exit_code == 0 and "2 units left on this list" in first.stderr
    assert floor.status("shop:1") == "picking"
    assert floor.run("--json", "pick", "show", "1").json()["remaining"] == 2
    second = floor.oms("--json", "pick", "confirm", "1", input=f"{MUG}\nskip\nA10-B03-L4\n{CARD}\n")
    assert second.exit_code == 0
    out = second.json()
    assert out["status"] == "done" and out["remaining"] == 0
    assert "order_picked" in [e["kind"] for e in out["events"]]
    assert floor.status("shop:1") == "picked"


def test_scan_loop_short_holds_the_order_and_releases_its_stock(floor: Floor) -> None:
    shop(floor, order("1", [("MUG", 1)]), order("2", [("MUG", 2), ("TEE", 1)]))
    floor.run("pick", "plan", "--method", "batch")
    # Two MUGs on the shelf, three wanted: order 2 (tote 2) goes short.
    r = floor.oms("pick", "confirm", "1", input=f"{MUG}\nshort 1\n")
    assert r.exit_code == 0, r.stderr
    assert "1 x MUG short at A02-B05-L1" in r.stderr
    assert "order shop:2 goes on hold (out_of_stock)" in r.stderr
    assert floor.status("shop:1") == "picked" and floor.status("shop:2") == "on_hold"
    assert {s for *_, s in floor.reservations("shop:2")} == {"released"}
    assert floor.stock("MUG", "A02-B05-L1") == (49, 1)  # one off the books, shop:1's still held
    assert floor.stock("TEE", "A03-B10-L2") == (50, 0)
    view = floor.run("--json", "pick", "show", "1").json()
    assert view["status"] == "done" and view["remaining"] == 0
    # Order 2 is off the list: neither its MUG nor its TEE is asked for any more.
    assert view["picked"] == 1 and "list complete" in r.stderr


def test_confirm_all_for_scripts_is_safe_to_repeat(floor: Floor) -> None:
    shop(floor)
    floor.run("pick", "plan", "--method", "batch")
    r = floor.run("--json", "pick", "confirm", "1", "--all")
    assert r.json()["units"] == 6 and sorted(r.json()["orders_picked"]) == ["shop:1", "shop:2", "shop:3"]
    before = store_digest(floor.db)
    again = floor.oms("pick", "confirm", "1", "--all")
    assert again.exit_code == 0 and "already done" in again.stderr
    assert store_digest(floor.db) == before
