"""The release gate's decision for one order, from plain data (pure)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms_cli.core.config import DEFAULTS
from oms_cli.core.errors import ConfigError
from oms_cli.release.decision import Allocation, Catalog, Gate, LineFacts, OrderFacts, allocate, decide
from oms_cli.release.thank_you import parse_rules

CATALOG = Catalog(
    frozenset({"MUG", "TEE", "CARD", "NOLOC"}), {"MUG": ["A01-B01", "A02-B01"], "TEE": ["A03-B01"], "CARD": ["A04-B01"]}
)
ADDRESS = {
    "name": "Ann",
    "address1": "1 Main St",
    "city": "Springfield",
    "province": "IL",
    "postal_code": "62701",
    "country": "US",
}


def order(lines: list[tuple[str, int]], **over: Any) -> OrderFacts:
    base: dict[str, Any] = {
        "ref": "shop:1",
        "payment_status": "paid",
        "payment_method": None,
        "ship_to": ADDRESS,
        "lines": [LineFacts(i, s, q) for i, (s, q) in enumerate(lines, start=1)],
    }
    return OrderFacts(**(base | over))


def stock(**levels: dict[str, tuple[int, int]]) -> dict[str, dict[str, tuple[int, int]]]:
    return levels


GATE = Gate.from_config(DEFAULTS["release"], DEFAULTS["import"]["cod_methods"])
PLENTY = stock(MUG={"A01-B01": (10, 0)}, TEE={"A03-B01": (10, 0)}, CARD={"A04-B01": (10, 0)})


def test_a_paid_complete_order_in_stock_is_released_from_the_primary_location() -> None:
    d = decide(order([("MUG", 2), ("TEE", 1)]), GATE, CATALOG, PLENTY)
    assert d.release and d.reason is None
    assert d.allocations == [Allocation(1, "MUG", "A01-B01", 2), Allocation(2, "TEE", "A03-B01", 1)]


def test_stock_spills_to_the_next_location_and_lines_share_a_sku() -> None:
    levels = stock(MUG={"A01-B01": (3, 1), "A02-B01": (5, 0)})
    d = decide(order([("MUG", 3), ("MUG", 2)]), GATE, CATALOG, levels)
    assert d.allocations == [
        Allocation(1, "MUG", "A01-B01", 2),
        Allocation(1, "MUG", "A02-B01", 1),
        Allocation(2, "MUG", "A02-B01", 2),
    ]


@pytest.mark.parametrize(
    ("over", "lines", "reason", "detail"),
    [
        ({"payment_status": "pending"}, [("MUG", 1)], "awaiting_payment", "payment is pending"),
        ({"payment_status": "voided"}, [("MUG", 1)], "awaiting_payment", "payment is voided"),
        (
            {"ship_to": ADDRESS | {"postal_code": "SW1A 1AA"}},
            [("MUG", 1)],
            "incorrect_address",
            "postal code 'SW1A 1AA' does not look like a US postal code",
        ),
        ({}, [("GHOST", 1), ("MUG", 1)], "unknown_sku", "not in the catalog: GHOST"),
        ({}, [("NOLOC", 1)], "no_location", "no location for NOLOC"),
        ({}, [("MUG", 11)], "out_of_stock", "MUG needs 11, 10 available"),
    ],
)
def test_each_hold_reason(over: dict, lines: list, reason: str, detail: str) -> None:
    d = decide(order(lines, **over), GATE, CATALOG, PLENTY)
    assert not d.release
    assert (d.reason, d.detail) == (reason, detail)
    assert d.allocations == []


def test_the_first_reason_wins_and_the_detail_lists_them_all() -> None:
    d = decide(
        order([("GHOST", 1), ("MUG", 20)], payment_status="pending", ship_to=ADDRESS | {"city": ""}),
        GATE,
        CATALOG,
        PLENTY,
    )
    assert d.reason == "awaiting_payment"
    assert d.detail == "payment is pending; no city; not in the catalog: GHOST; MUG needs 20, 10 available"


def test_cod_allowed_and_refused_by_config() -> None:
    cod = order([("MUG", 1)], payment_status="pending", payment_method="Cash on Delivery (COD)")
    assert decide(cod, GATE, CATALOG, PLENTY).release
    assert decide(order([("MUG", 1)], payment_status="cod"), GATE, CATALOG, PLENTY).release
    no_cod = Gate.from_config(DEFAULTS["release"] | {"allow_cod": False}, DEFAULTS["import"]["cod_methods"])
    d = decide(cod, no_cod, CATALOG, PLENTY)
    assert (d.release, d.reason) == (False, "cod_not_allowed")
    # pending by card is not COD
    assert (
        decide(order([("MUG", 1)], payment_status="pending", payment_method="card"), GATE, CATALOG, PLENTY).reason
        == "awaiting_payment"
    )


def test_partial_stock_hold_or_split() -> None:
    levels = stock(MUG={"A01-B01": (2, 0)}, TEE={"A03-B01": (5, 0)})
    o = order([("MUG", 3), ("TEE", 1)])
    held = decide(o, GATE, CATALOG, levels)
    assert (held.release, held.reason, held.detail) == (False, "out_of_stock", "MUG needs 3, 2 available")
    split = Gate.from_config(DEFAULTS["release"] | {"partial_stock": "split"}, ())
    d = decide(o, split, CATALOG, levels)
    assert d.release
    assert d.allocations == [Allocation(1, "MUG", "A01-B01", 2), Allocation(2, "TEE", "A03-B01", 1)]
    assert d.backorder == {1: 1}
    # nothing at all in stock: no point in splitting
    none = decide(order([("MUG", 3)]), split, CATALOG, stock(MUG={"A01-B01": (0, 0)}))
    assert (none.release, none.reason) == (False, "out_of_stock")


def test_bad_partial_choice_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="release.partial_stock: 'some' is not one of hold, split"):
        Gate.from_config(DEFAULTS["release"] | {"partial_stock": "some"}, ())


def test_thank_you_gift_reserves_stock_and_never_holds_the_order() -> None:
    rules = tuple(parse_rules([{"name": "vip", "when": "units >= 3", "add_sku": "CARD", "tag": "vip"}]))
    gate = Gate(rules=rules)
    big = order([("MUG", 3)], rule_facts={"units": 3})
    d = decide(big, gate, CATALOG, PLENTY)
    assert d.release and d.outcomes[0].skipped is None
    assert Allocation("rule:vip", "CARD", "A04-B01", 1) in d.allocations
    d = decide(big, gate, CATALOG, stock(MUG={"A01-B01": (3, 0)}, CARD={"A04-B01": (1, 1)}))
    assert d.release
    assert d.outcomes[0].skipped == "CARD out of stock (0 available)"
    assert all(a.sku != "CARD" for a in d.allocations)
    # already applied, a backorder, or a held order: no gift
    assert (
        decide(order([("MUG", 3)], rule_facts={"units": 3}, applied_rules={"vip"}), gate, CATALOG, PLENTY).outcomes
        == []
    )
    assert decide(order([("MUG", 3)], rule_facts={"units": 3}, is_backorder=True), gate, CATALOG, PLENTY).outcomes == []
    assert decide(order([("MUG", 30)], rule_facts={"units": 30}), gate, CATALOG, PLENTY).outcomes == []


levels_strategy = st.dictionaries(
    st.sampled_from(["A01-B01", "A02-B01"]), st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=0, max_size=2
)


@given(
    st.lists(st.tuples(st.sampled_from(["MUG", "TEE"]), st.integers(1, 5)), min_size=1, max_size=6),
    levels_strategy,
    levels_strategy,
    st.booleans(),
)
def test_allocations_never_exceed_what_is_available(lines: list, mug: dict, tee: dict, split: bool) -> None:
    levels = {"MUG": mug, "TEE": {k.replace("A01", "A03"): v for k, v in tee.items() if k == "A01-B01"}}
    gate = Gate(partial="split" if split else "hold")
    d = decide(order(lines), gate, CATALOG, levels)
    taken: dict[tuple[str, str], int] = {}
    for a in d.allocations:
        taken[(a.sku, a.location)] = taken.get((a.sku, a.location), 0) + a.quantity
    for (sku, loc), q in taken.items():
        on_hand, reserved = levels[sku][loc]
        assert q <= max(0, on_hand - reserved)
    if d.release:
        # every unit of every line is either reserved now or on the backorder
        for i, (_sku, q) in enumerate(lines, start=1):
            assert sum(a.quantity for a in d.allocations if a.line == i) + d.backorder.get(i, 0) == q
        if not split:
            assert d.backorder == {}
    else:
        assert d.allocations == []


def test_allocate_takes_locations_in_order() -> None:
    free = {"MUG": [["A01-B01", 1], ["A02-B01", 4]]}
    allocs, missing = allocate([LineFacts(7, "MUG", 6)], free)
    assert allocs == [Allocation(7, "MUG", "A01-B01", 1), Allocation(7, "MUG", "A02-B01", 4)]
    assert missing == {7: 1}
    assert free == {"MUG": [["A01-B01", 0], ["A02-B01", 0]]}


def test_money_facts_compare_exactly() -> None:
    rules = tuple(parse_rules([{"name": "big", "when": "total >= 200.00", "tag": "vip"}]))
    gate = Gate(rules=rules)
    assert decide(order([("MUG", 1)], rule_facts={"total": Decimal("200.00")}), gate, CATALOG, PLENTY).outcomes
    assert not decide(order([("MUG", 1)], rule_facts={"total": Decimal("199.99")}), gate, CATALOG, PLENTY).outcomes
