"""The picking service against a real store: plans, holds, priorities, zones, waves, scans and completion."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from oms_cli.core.config import load_config
from oms_cli.core.errors import NotFound, UsageError
from oms_cli.picking import service
from oms_cli.picking.service import PlanRequest
from tests.conftest import store_digest
from tests.picking.store_fixtures import Floor, Product, ean13, floor, order, random_orders, random_shop  # noqa: F401

ZONES = {"front": [1, 2, 3, 4], "middle": [5, 6, 7, 8], "back": [9, 10, 11, 12]}


def build(floor: Floor, orders: int = 40, seed: int = 7, placed: datetime | None = None) -> None:
    """A catalog of 30 products across the warehouse, plenty of stock, and released orders."""
    rng = random.Random(seed)
    floor.catalog(random_shop(rng))
    floor.stock_everything()
    floor.import_orders(random_orders(rng, list(floor.products_by_sku.values()), orders, placed=placed))
    floor.release()


def plan(floor: Floor, **options: Any) -> dict[str, Any]:
    return service.plan_run(floor.store, load_config(), PlanRequest(**options))


def aisle(location: str) -> int:
    return int(location.split("-")[0][1:])


@pytest.mark.parametrize("method", ["single", "batch", "zone", "wave"])
def test_every_ready_line_is_in_exactly_one_list_with_its_quantity(floor: Floor, method: str) -> None:
    build(floor)
    ready = floor.ready_lines()
    reserved = {
        (r[0], r[1]): r[2]
        for r in floor.query(
            "SELECT order_line_id, location, SUM(quantity) FROM reservations WHERE state = 'active' GROUP BY order_line_id, location"
        )
    }
    doc = plan(floor, method=method)
    assert doc["run"] is not None and not doc["held"]
    allocs = floor.allocations()
    per_line: Counter[int] = Counter()
    lists_per_line: dict[int, set[int]] = defaultdict(set)
    for a in allocs:
        per_line[a.order_line_id] += a.quantity
        lists_per_line[a.order_line_id].add(a.list_id)
        # Picked where the stock was reserved for this very line.
        assert reserved[(a.order_line_id, a.location)] == a.quantity
        assert a.run_id == doc["run"]
    assert per_line == Counter({line_id: qty for line_id, (_, _, qty) in ready.items()})
    assert all(len(lists) == 1 for lists in lists_per_line.values())
    refs = {ref for ref, _, _ in ready.values()}
    statuses = floor.statuses()
    assert all(statuses[ref] == "picking" for ref in refs)
    # The JSON names the same lists and stops as the store.
    assert [x["list"] for x in doc["lists"]] == sorted({a.list_id for a in allocs})
    assert sum(o["quantity"] for x in doc["lists"] for s in x["stops"] for o in s["orders"]) == sum(per_line.values())
    events = floor.query("SELECT note FROM order_events WHERE command = 'pick plan' AND to_status = 'picking'")
    assert len(events) == len(refs) and all(e[0].startswith(f"run {doc['run']} list") for e in events)


def test_cart_capacities_are_respected(floor: Floor) -> None:
    build(floor, orders=40)
    doc = plan(floor, method="batch", cart_orders=3, cart_items=7)
    by_list: dict[int, dict[str, int]] = defaultdict(Counter)
    totes: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for a in floor.allocations():
        by_list[a.list_id][a.ref] += a.quantity
        totes[a.list_id][a.ref].add(a.tote)
    assert len(by_list) == len(doc["lists"]) > 40 // 3
    for list_id, units in by_list.items():
        assert len(units) <= 3
        # An order bigger than a cart gets a cart of its own.
        assert sum(units.values()) <= 7 or len(units) == 1
        # One tote per order, numbered 1..n on the cart.
        assert all(len(t) == 1 for t in totes[list_id].values())
        assert sorted(t for ts in totes[list_id].values() for t in ts) == list(range(1, len(units) + 1))


def test_cart_options_default_to_the_config(floor: Floor, config_file: Any) -> None:
    config_file({"picking": {"cart": {"orders": 2, "items": 50}}})
    build(floor, orders=12)
    plan(floor, method="batch")
    per_list = Counter()
    for list_id, _ref in {(a.list_id, a.ref) for a in floor.allocations()}:
        per_list[list_id] += 1
    assert max(per_list.values()) == 2 and len(per_list) == 6


@pytest.mark.parametrize("method", ["zone", "wave"])
def test_zone_lists_hold_only_their_zone_s_locations(floor: Floor, method: str) -> None:
    build(floor, orders=30)
    doc = plan(floor, method=method)
    allocs = floor.allocations()
    assert {a.zone for a in allocs} == set(ZONES)
    for a in allocs:
        assert aisle(a.location) in ZONES[a.zone], a
    # The consolidation sheet names every list an order is on, with its tote.
    on_lists: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for a in allocs:
        on_lists[a.ref].add((a.list_id, a.tote))
    sheet = {c["ref"]: {(t["list"], t["tote"]) for t in c["totes"]} for c in doc["consolidation"]}
    assert sheet == dict(on_lists)


def test_queue_priority_decides_who_is_planned_and_who_goes_first(floor: Floor) -> None:
    rng = random.Random(3)
    products = random_shop(rng, skus=12)
    floor.catalog(products)
    floor.stock_everything()
    base = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    levels = ["standard"] * 10 + ["expedited"] * 5 + ["next_day"] * 5
    rng.shuffle(levels)
    floor.import_orders(
        [
            order(str(2000 + i), [(rng.choice(products).sku, 1)], level=level, placed=base + timedelta(minutes=i))
            for i, level in enumerate(levels)
        ]
    )
    floor.release()
    queue = [o["ref"] for o in floor.run("--json", "queue", "--limit", "0").json()["orders"]]
    doc = plan(floor, method="batch", max_orders=8, cart_orders=3)
    planned = {r for x in doc["lists"] for r in x["orders"]}
    assert planned == set(queue[:8])
    assert set(doc["left_out"]) == set(queue[8:])
    statuses = floor.statuses()
    assert all(statuses[r] == "ready" for r in queue[8:])
    # More urgent classes ride in earlier carts.
    level_of = {f"shop:{2000 + i}": level for i, level in enumerate(levels)}
    rank = {"next_day": 0, "expedited": 1, "standard": 2}
    list_of = {a.ref: a.list_id for a in floor.allocations()}
    for a_ref in planned:
        for b_ref in planned:
            if rank[level_of[a_ref]] < rank[level_of[b_ref]]:
                assert list_of[a_ref] < list_of[b_ref]
    # The rest are planned next time, the least urgent last.
    again = plan(floor, method="batch")
    assert {r for x in again["lists"] for r in x["orders"]} == set(queue[8:])


def test_lines_are_picked_where_their_stock_is_reserved(floor: Floor) -> None:
    floor.catalog([Product("MUG", ("A01-B01-L1", "A06-B02-L1"), ean13(1)), Product("TEE", ("A03-B01-L1",), ean13(2))])
    floor.count([("MUG", "A01-B01-L1", 1), ("MUG", "A06-B02-L1", 10), ("TEE", "A03-B01-L1", 5)])
    floor.import_orders([order("1", [("MUG", 3), ("TEE", 1)])])
    floor.release()
    doc = plan(floor, method="single")
    stops = {(s["location"], s["sku"]): s["quantity"] for s in doc["lists"][0]["stops"]}
    assert stops == {("A01-B01-L1", "MUG"): 1, ("A06-B02-L1", "MUG"): 2, ("A03-B01-L1", "TEE"): 1}


def test_a_line_without_a_usable_location_holds_its_order_and_the_run_goes_on(floor: Floor, config_file: Any) -> None:
    floor.catalog([Product("NEAR", ("A02-B03-L1",), ean13(1)), Product("FAR", ("A11-B03-L1",), ean13(2))])
    floor.stock_everything(20)
    floor.import_orders([order("1", [("NEAR", 1)]), order("2", [("NEAR", 1), ("FAR", 2)])])
    floor.release()
    # The warehouse was made smaller after release: aisle 11 is no longer walkable.
    config_file({"warehouse": {"aisles": 8, "zones": {"front": [1, 2, 3, 4], "back": [5, 6, 7, 8]}}})
    doc = plan(floor, method="batch")
    assert doc["held"] == [
        {
            "ref": "shop:2",
            "reason": "no_location",
            "detail": "FAR: location 'A11-B03-L1': aisle 11 is outside the warehouse (aisles 1-8)",
        }
    ]
    assert [x["orders"] for x in doc["lists"]] == [["shop:1"]]
    row = floor.query("SELECT status, hold_reason, hold_note FROM orders WHERE ref = 'shop:2'")[0]
    assert tuple(row)[:2] == ("on_hold", "no_location") and "A11-B03-L1" in row[2]
    assert {r[3] for r in floor.reservations("shop:2")} == {"released"}
    assert floor.stock("FAR", "A11-B03-L1") == (20, 0)
    assert floor.stock("NEAR", "A02-B03-L1") == (20, 1)  # shop:1 keeps its reservation


def test_dry_run_writes_nothing_and_shows_the_same_lists(floor: Floor) -> None:
    build(floor, orders=15)
    before = store_digest(floor.db)
    dry = plan(floor, method="batch", dry_run=True)
    assert store_digest(floor.db) == before
    assert dry["run"] is None and dry["dry_run"] is True
    real = plan(floor, method="batch", batching="fcfs")
    dry_fcfs_orders = [x["orders"] for x in plan(floor, method="batch", dry_run=True)["lists"]]
    assert dry_fcfs_orders == []  # everything is picking now
    assert sum(len(x["orders"]) for x in dry["lists"]) == sum(len(x["orders"]) for x in real["lists"]) == 15


def test_planning_twice_finds_nothing_the_second_time(floor: Floor) -> None:
    build(floor, orders=10)
    first = plan(floor, method="zone")
    before = store_digest(floor.db)
    second = plan(floor, method="zone")
    assert first["lists"] and second["lists"] == [] and second["run"] is None
    assert store_digest(floor.db) == before


def test_named_orders_only(floor: Floor) -> None:
    build(floor, orders=6)
    doc = plan(floor, method="batch", refs=["shop:1001", "1003"])
    assert sorted(r for x in doc["lists"] for r in x["orders"]) == ["shop:1001", "shop:1003"]
    again = plan(floor, method="batch", refs=["shop:1001"])
    assert again["lists"] == [] and again["skipped"][0]["status"] == "picking"
    with pytest.raises(NotFound):
        plan(floor, method="batch", refs=["shop:nope"])


def test_bad_options_are_usage_errors(floor: Floor) -> None:
    for options in (
        {"method": "zig"},
        {"method": "batch", "wave_cutoff": "15:00"},
        {"method": "batch", "cart_orders": 0},
        {"method": "batch", "batching": "greedy"},
        {"method": "wave", "wave_cutoff": "teatime"},
        {"method": "batch", "max_orders": 0},
    ):
        with pytest.raises(UsageError):
            plan(floor, **options)


def test_waves_follow_the_carrier_cut_off(floor: Floor) -> None:
    # Placed just now: next-day orders must leave first, standard ones days later.
    build(floor, orders=30, placed=datetime.now(UTC) - timedelta(hours=1))
    ship_by = {r.ref: r.ship_by for r in floor.query("SELECT ref, ship_by FROM orders")}
    doc = plan(floor, method="wave")
    wave_of = {}
    for x in doc["lists"]:
        for ref in x["orders"]:
            wave_of[ref] = x["wave"]
    assert len(set(wave_of.values())) > 1
    for a, wa in wave_of.items():
        for b, wb in wave_of.items():
            if wa < wb:
                assert ship_by[a] < ship_by[b]
    assert all(c["wave"] == wave_of[c["ref"]] for c in doc["consolidation"])


def test_wave_cut_off_plans_only_orders_due_by_then(floor: Floor) -> None:
    build(floor, orders=30, placed=datetime.now(UTC) - timedelta(hours=1))
    ship_by = {
        r.ref: datetime.fromisoformat(str(r.ship_by)).replace(tzinfo=UTC)
        for r in floor.query("SELECT ref, ship_by FROM orders")
    }
    first_cut = min(ship_by.values())
    doc = plan(floor, method="wave", wave_cutoff=first_cut.isoformat())
    planned = {r for x in doc["lists"] for r in x["orders"]}
    assert planned == {r for r, t in ship_by.items() if t <= first_cut}
    assert set(doc["after_cutoff"]) == set(ship_by) - planned
    assert all(floor.status(r) == "ready" for r in doc["after_cutoff"])


# --- picking: claims, scans, completion ------------------------------------------


def small_zone_run(floor: Floor) -> dict[str, Any]:
    """Orders X (FRONT x2, MID x1) and Y (FRONT x1, BACK x1), planned by zone."""
    floor.catalog(
        [
            Product("FRONT", ("A01-B02-L1",), ean13(1)),
            Product("MID", ("A05-B03-L1",), ean13(2)),
            Product("BACK", ("A10-B04-L1",), ean13(3)),
        ]
    )
    floor.stock_everything(10)
    floor.import_orders([order("X", [("FRONT", 2), ("MID", 1)]), order("Y", [("FRONT", 1), ("BACK", 1)])])
    floor.release()
    doc = plan(floor, method="zone")
    assert [(x["zone"], x["orders"]) for x in doc["lists"]] == [
        ("front", ["shop:X", "shop:Y"]),
        ("middle", ["shop:X"]),
        ("back", ["shop:Y"]),
    ]
    return {x["zone"]: x["list"] for x in doc["lists"]}


def feed(floor: Floor, list_id: int, *scans: str) -> list[dict[str, Any]]:
    """Scan one by one through the service, carrying the cursor like the CLI does."""
    start = service.start_confirm(floor.store, list_id)
    cursor = start["cursor"]
    events: list[dict[str, Any]] = []
    for text in scans:
        result = service.scan(floor.store, list_id, text, cursor=cursor)
        cursor = result["cursor"]
        events += result["events"]
    return events


def test_an_order_is_picked_when_all_its_zone_lists_are(floor: Floor) -> None:
    lists = small_zone_run(floor)
    events = feed(floor, lists["front"], ean13(1), ean13(1), ean13(1))
    assert [e["tote"] for e in events if e["kind"] == "picked"] == [1, 1, 2]
    assert floor.query("SELECT status FROM pick_lists WHERE id = ?", lists["front"])[0][0] == "done"
    assert floor.status("shop:X") == "picking"  # MID is still on the middle list
    res = service.confirm_all(floor.store, lists["middle"])
    assert res["orders_picked"] == ["shop:X"] and res["units"] == 1
    assert floor.status("shop:X") == "picked"
    assert {r[3] for r in floor.reservations("shop:X")} == {"picked"}
    assert floor.status("shop:Y") == "picking"
    again = service.confirm_all(floor.store, lists["middle"])
    assert again["changed"] is False and again["already_done"] is True
    note = floor.query(
        "SELECT note FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.ref = 'shop:X' AND e.to_status = 'picked'"
    )
    assert note[0][0].startswith("picked: run ")


def test_a_short_pick_holds_the_order_frees_its_stock_and_books_the_shortage(floor: Floor) -> None:
    lists = small_zone_run(floor)
    feed(floor, lists["front"], ean13(1), ean13(1), ean13(1))  # Y's FRONT is in tote 2
    events = feed(floor, lists["back"], "A10-B04-L1", "short 1")
    assert [e["kind"] for e in events][:3] == ["location", "short", "order_held"]
    put_back = [e["message"] for e in events if e["kind"] == "put_back"]
    assert put_back == [f"shop:Y: put the 1 unit already picked on list {lists['front']} (tote 2) back on the shelf"]
    row = floor.query("SELECT status, hold_reason, hold_note FROM orders WHERE ref = 'shop:Y'")[0]
    assert (row[0], row[1]) == ("on_hold", "out_of_stock") and "BACK" in row[2]
    assert {r[3] for r in floor.reservations("shop:Y")} == {"released"}
    assert floor.stock("BACK", "A10-B04-L1") == (9, 0)  # the missing unit is off the books
    assert floor.stock("FRONT", "A01-B02-L1") == (10, 2)  # only X's FRONT still reserved
    moves = floor.query("SELECT quantity, reason FROM stock_movements WHERE sku = 'BACK' AND reason = 'pick_short'")
    assert [tuple(m) for m in moves] == [(-1, "pick_short")]
    assert floor.query("SELECT status FROM pick_lists WHERE id = ?", lists["back"])[0][0] == "done"
    # X goes on; Y is never completed to picked.
    service.confirm_all(floor.store, lists["middle"])
    assert floor.status("shop:X") == "picked" and floor.status("shop:Y") == "on_hold"


def test_wrong_scans_change_nothing(floor: Floor) -> None:
    lists = small_zone_run(floor)
    before = store_digest(floor.db)
    service.start_confirm(floor.store, lists["front"])  # claims the list
    claimed = store_digest(floor.db)
    assert claimed != before
    events = feed(floor, lists["front"], ean13(3), "A12-B01", "NOPE", "short 9")
    assert [e["kind"] for e in events] == ["wrong_item", "not_on_list", "unknown_code", "refused"]
    assert store_digest(floor.db) == claimed


def test_claim_next_gives_each_list_once_and_respects_zones(floor: Floor, config_file: Any) -> None:
    config_file({"picking": {"pickers": [{"name": "ann", "zones": ["front"]}, {"name": "bob", "zones": ["back"]}]}})
    lists = small_zone_run(floor)
    config = load_config()
    ann = service.claim_next(floor.store, config, "ann")
    assert ann["list"] == lists["front"] and ann["claimed"] is True
    assert service.claim_next(floor.store, config, "ann")["resumed"] is True  # safe to ask twice
    assert service.claim_next(floor.store, config, "bob")["list"] == lists["back"]
    service.confirm_all(floor.store, lists["front"])
    assert service.claim_next(floor.store, config, "ann")["list"] is None  # middle is not her zone
    assert service.claim_next(floor.store, config, "cleo")["list"] == lists["middle"]  # not in config: any zone


def test_a_list_whose_orders_all_left_the_floor_is_not_handed_out(floor: Floor) -> None:
    lists = small_zone_run(floor)
    floor.run("orders", "cancel", "shop:Y")
    config = load_config()
    assert service.claim_next(floor.store, config, "dan")["list"] == lists["front"]
    assert service.claim_next(floor.store, config, "eve")["list"] == lists["middle"]
    # The back list served only Y: it is closed, not handed to anyone.
    assert service.claim_next(floor.store, config, "fay")["list"] is None
    assert floor.query("SELECT status FROM pick_lists WHERE id = ?", lists["back"])[0][0] == "done"
    view = service.show_list(floor.store, lists["front"])
    assert view["remaining"] == 2 and [t["status"] for t in view["totes"]] == ["picking", "cancelled"]


def test_show_list_flags_special_instructions(floor: Floor) -> None:
    floor.catalog([Product("MUG", ("A01-B02-L1",), ean13(1))])
    floor.stock_everything(10)
    floor.import_orders([order("1", [("MUG", 1)], notes="Gift wrap, no receipt"), order("2", [("MUG", 2)])])
    floor.release()
    doc = plan(floor, method="batch")
    view = service.show_list(floor.store, doc["lists"][0]["list"])
    notes = {t["ref"]: (t["instruction"], t["notes"]) for t in view["totes"]}
    assert notes == {"shop:1": ("pending", "Gift wrap, no receipt"), "shop:2": ("none", None)}
    assert doc["instructions"] == {"shop:1": "Gift wrap, no receipt"}
    with pytest.raises(NotFound):
        service.show_list(floor.store, 999)
