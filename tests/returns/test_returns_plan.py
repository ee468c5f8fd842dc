"""The pure return rules: line specs, what may come back, what a receipt checks in."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms_cli.core.errors import NotFound, Refused, UsageError
from oms_cli.returns.plan import (
    OrderLineState,
    ReturnLineState,
    all_items_back,
    allocate_return,
    parse_line_specs,
    plan_receipt,
    rma_number,
    units_back,
)


def test_rma_numbers_are_zero_padded() -> None:
    assert rma_number(1) == "RMA-000001"
    assert rma_number(1234567) == "RMA-1234567"


def test_line_specs_add_up_and_keep_colons_in_skus() -> None:
    assert parse_line_specs(["MUG-1:2", " TEE:M:1 ", "MUG-1:1"]) == {"MUG-1": 3, "TEE:M": 1}


@pytest.mark.parametrize("spec", ["MUG-1", "MUG-1:", ":2", "MUG-1:0", "MUG-1:-1", "MUG-1:two", "MUG-1:1.5"])
def test_bad_line_specs_name_the_value(spec: str) -> None:
    with pytest.raises(UsageError) as exc:
        parse_line_specs([spec])
    assert f"'{spec}'" in exc.value.message


LINES = [
    OrderLineState(1, "MUG", shipped=2),
    OrderLineState(2, "TEE", shipped=1, back=1),
    OrderLineState(3, "MUG", shipped=1, expected=1),
    OrderLineState(4, "CARD", shipped=1, added_by_shop=True),
]


def test_everything_means_what_is_still_with_the_customer_without_inserts() -> None:
    taken = allocate_return(LINES, None, "shop:1")
    assert [(u.order_line_id, u.sku, u.quantity) for u in taken] == [(1, "MUG", 2)]


def test_a_sku_on_two_lines_is_taken_from_the_first_line_first() -> None:
    lines = [OrderLineState(1, "MUG", shipped=1), OrderLineState(2, "MUG", shipped=2)]
    taken = allocate_return(lines, {"MUG": 2}, "shop:1")
    assert [(u.order_line_id, u.quantity) for u in taken] == [(1, 1), (2, 1)]


def test_more_than_may_come_back_is_refused_naming_the_sku() -> None:
    with pytest.raises(Refused) as exc:
        allocate_return(LINES, {"MUG": 3}, "shop:1")
    assert "MUG" in exc.value.message and "only 2 of 3" in exc.value.message
    with pytest.raises(Refused):
        allocate_return(LINES, {"TEE": 1}, "shop:1")


def test_a_sku_not_on_the_order_is_not_found() -> None:
    with pytest.raises(NotFound) as exc:
        allocate_return(LINES, {"HAT": 1}, "shop:1")
    assert "HAT" in exc.value.message


def test_an_insert_may_still_be_returned_by_name() -> None:
    taken = allocate_return(LINES, {"CARD": 1}, "shop:1")
    assert [(u.order_line_id, u.quantity) for u in taken] == [(4, 1)]


def test_all_items_back_ignores_inserts_and_counts_units() -> None:
    lines = [OrderLineState(1, "MUG", shipped=2, back=2), OrderLineState(4, "CARD", shipped=1, added_by_shop=True)]
    assert all_items_back(lines)
    assert units_back(lines) == (2, 2)
    lines[0] = OrderLineState(1, "MUG", shipped=2, back=1)
    assert not all_items_back(lines)
    assert units_back(lines) == (1, 2)
    assert not all_items_back([])


RETURN_LINES = [ReturnLineState(10, "MUG", 2), ReturnLineState(11, "TEE", 1, "damaged"), ReturnLineState(12, "MUG", 1)]


def test_a_receipt_takes_what_is_awaited() -> None:
    plan = plan_receipt(RETURN_LINES, None, "RMA-000001")
    assert [(r.return_line_id, r.quantity, r.whole) for r in plan] == [(10, 2, True), (12, 1, True)]
    plan = plan_receipt(RETURN_LINES, {"MUG": 1}, "RMA-000001")
    assert [(r.return_line_id, r.quantity, r.whole) for r in plan] == [(10, 1, False)]


def test_receiving_more_than_awaited_is_refused() -> None:
    with pytest.raises(Refused) as exc:
        plan_receipt(RETURN_LINES, {"MUG": 4}, "RMA-000001")
    assert "MUG" in exc.value.message and "only 3 of 3" in exc.value.message
    with pytest.raises(Refused):
        plan_receipt(RETURN_LINES, {"TEE": 1}, "RMA-000001")
    with pytest.raises(NotFound):
        plan_receipt(RETURN_LINES, {"HAT": 1}, "RMA-000001")


line_states = st.lists(
    st.tuples(st.sampled_from(["MUG", "TEE", "CAP"]), st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)),
    min_size=1,
    max_size=6,
).map(
    lambda rows: [
        OrderLineState(i, sku, shipped, min(back, shipped), min(exp, max(shipped - back, 0)))
        for i, (sku, shipped, back, exp) in enumerate(rows)
    ]
)


@given(line_states, st.dictionaries(st.sampled_from(["MUG", "TEE", "CAP"]), st.integers(1, 12), max_size=3))
def test_a_return_never_takes_more_than_a_line_may_give(lines: list[OrderLineState], wanted: dict[str, int]) -> None:
    wanted = {sku: qty for sku, qty in wanted.items() if any(ln.sku == sku for ln in lines)}
    free = {sku: sum(ln.returnable for ln in lines if ln.sku == sku) for sku in wanted}
    if any(qty > free[sku] for sku, qty in wanted.items()):
        with pytest.raises(Refused):
            allocate_return(lines, wanted, "shop:1")
        return
    taken = allocate_return(lines, wanted, "shop:1")
    by_line = {ln.order_line_id: ln for ln in lines}
    for u in taken:
        assert 0 < u.quantity <= by_line[u.order_line_id].returnable
        assert by_line[u.order_line_id].sku == u.sku
    assert {sku: sum(u.quantity for u in taken if u.sku == sku) for sku in wanted} == wanted
