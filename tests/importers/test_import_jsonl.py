"""JSON Lines: the canonical order survives a round trip through a .jsonl file."""

from __future__ import annotations

from datetime import UTC, timezone
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import DATA, by_ref, read_orders, write

from oms_cli.importers.canonical import order_dict
from oms_cli.importers.countries import COUNTRY_NAMES
from oms_cli.importers.model import STATUSES, Address, Customer, Line, Order, Payment, Totals

words = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda s: s == s.strip() and s
)
maybe_words = st.none() | words
money = st.none() | st.decimals(min_value=Decimal("-1000"), max_value=Decimal("100000"), places=2, allow_nan=False)
moments = st.datetimes(timezones=st.just(UTC))

lines = st.builds(
    Line,
    sku=words,
    name=maybe_words,
    quantity=st.integers(1, 500),
    unit_price=money,
    line_id=maybe_words,
    free=st.booleans(),
)
orders = st.builds(
    lambda channel, external_id, **fields: Order(
        ref=f"{channel}:{external_id}", channel=channel, external_id=external_id, **fields
    ),
    channel=st.sampled_from(["shopify", "amazon", "etsy", "phone-orders"]),
    external_id=words.filter(lambda s: "\n" not in s),
    placed_at=moments,
    status=st.sampled_from(STATUSES),
    payment=st.builds(
        Payment,
        status=st.sampled_from(["paid", "pending", "cod", "refunded"]),
        method=maybe_words,
        reference=maybe_words,
    ),
    customer=st.builds(Customer, name=maybe_words, email=maybe_words, phone=maybe_words),
    ship_to=st.builds(
        Address,
        name=maybe_words,
        company=maybe_words,
        address1=maybe_words,
        address2=maybe_words,
        address3=maybe_words,
        city=maybe_words,
        province=maybe_words,
        postal_code=maybe_words,
        country=st.none() | st.sampled_from(sorted(COUNTRY_NAMES)),
        phone=maybe_words,
    ),
    service_level=st.sampled_from(["standard", "expedited", "next_day"]),
    shipping_method=maybe_words,
    notes=st.none() | st.text(min_size=1, max_size=40).filter(lambda s: s == s.strip() and s),
    tags=st.lists(words, max_size=3),
    currency=st.none() | st.sampled_from(["USD", "EUR", "GBP"]),
    totals=st.builds(Totals, subtotal=money, shipping=money, tax=money, discount=money, total=money),
    lines=st.lists(lines, min_size=1, max_size=4),
    ship_by=st.none() | moments,
    hold_reason=maybe_words,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(orders, min_size=1, max_size=4, unique_by=lambda o: o.ref))
def test_order_to_json_line_and_back_is_the_same_order(originals: list[Order]) -> None:
    path = write("round.jsonl", "".join(order.model_dump_json() + "\n" for order in originals))
    parsed = read_orders(path)
    assert parsed == [order_dict(order) for order in originals]
    assert [Order.model_validate(order) for order in parsed] == originals


def test_sample_file_fills_refs_and_normalises() -> None:
    orders = by_ref(read_orders(DATA / "orders.jsonl"))
    assert list(orders) == ["shopify:3001", "phone:T-7"]
    first = orders["shopify:3001"]
    assert first["ship_to"]["country"] == "PT"
    assert first["totals"]["total"] == Decimal("42.50")
    assert first["lines"][1]["unit_price"] is None
    phoned = orders["phone:T-7"]
    assert phoned["placed_at"].isoformat() == "2026-11-21T07:15:00+00:00"
    assert phoned["notes"] == "Called in; wants gift wrap"
