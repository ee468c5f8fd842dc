"""Thank-you rules: parsing with clear errors, evaluation, applied once (pure)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oms_cli.core.errors import ConfigError
from oms_cli.release.thank_you import evaluate, fields_used, parse_rules

VIP = {
    "name": "vip",
    "when": "units >= 10 or total >= 200.00",
    "add_sku": "THANKYOU-CARD",
    "tag": "vip",
    "note": "Hand-written card",
}


def facts(**over: object) -> dict:
    return {
        "units": 2,
        "lines": 1,
        "total": Decimal("50.00"),
        "subtotal": None,
        "customer_orders": 1,
        "country": "US",
        "channel": "shopify",
        "service_level": "standard",
        "currency": "USD",
        "payment": "paid",
        "tags": [],
        "skus": ["MUG"],
    } | over


def test_the_issue_example() -> None:
    (rule,) = parse_rules([VIP])
    assert evaluate([rule], facts(), set()) == []
    (o,) = evaluate([rule], facts(units=10), set())
    assert (o.rule, o.add_sku, o.quantity, o.tags, o.note) == ("vip", "THANKYOU-CARD", 1, ["vip"], "Hand-written card")
    assert evaluate([rule], facts(total=Decimal("200.00")), set())
    assert not evaluate([rule], facts(total=Decimal("199.99")), set())
    assert not evaluate([rule], facts(total=None), set())


def test_a_rule_already_applied_is_not_applied_again() -> None:
    rules = parse_rules([VIP])
    assert evaluate(rules, facts(units=12), {"vip"}) == []


def test_and_binds_tighter_than_or_and_lists_mean_all() -> None:
    (r,) = parse_rules([{"name": "r", "when": "country == us and units > 3 or tags contains VIP", "tag": "x"}])
    assert r.matches(facts(units=4))
    assert not r.matches(facts(units=4, country="CA"))
    assert r.matches(facts(country="CA", tags=["vip"]))
    (r2,) = parse_rules(
        [{"name": "r2", "when": ["country in [US, CA]", "skus contains mug", "customer_orders == 1"], "tag": "first"}]
    )
    assert r2.matches(facts())
    assert not r2.matches(facts(customer_orders=2))
    assert not r2.matches(facts(country="DE"))
    assert fields_used([r, r2]) == {"country", "units", "tags", "skus", "customer_orders"}


def test_text_and_list_negations() -> None:
    (r,) = parse_rules(
        [
            {
                "name": "r",
                "when": "channel != amazon and skus not contains CARD and country not in ['GB', \"IE\"]",
                "note": "n",
            }
        ]
    )
    assert r.matches(facts())
    assert not r.matches(facts(channel="Amazon"))
    assert not r.matches(facts(skus=["card"]))
    assert not r.matches(facts(country="ie"))


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        (
            {"name": "a", "when": "unit >= 10", "tag": "x"},
            "release.thank_you[1] (a): unknown field 'unit' in 'unit >= 10'",
        ),
        (
            {"name": "a", "when": "units => 10", "tag": "x"},
            "release.thank_you[1] (a): unknown operator '=>' in 'units => 10'",
        ),
        ({"name": "a", "when": "units ≥ 10", "tag": "x"}, "unknown operator '≥'"),
        ({"name": "a", "when": "units between 10", "tag": "x"}, "unknown operator 'between'"),
        ({"name": "a", "when": "country >= US", "tag": "x"}, "operator '>=' does not apply to country"),
        ({"name": "a", "when": "total >= lots", "tag": "x"}, "'lots' in 'total >= lots' is not a number"),
        ({"name": "a", "when": "units >= 2.5", "tag": "x"}, "is not a whole number"),
        ({"name": "a", "when": "units >=", "tag": "x"}, "no value after '>='"),
        ({"name": "a", "when": "units >= 1", "add_skew": "CARD"}, "release.thank_you[1] (a): unknown field 'add_skew'"),
        ({"name": "a", "when": "units >= 1"}, "the rule does nothing"),
        ({"when": "units >= 1", "tag": "x"}, "every rule needs a name"),
        ({"name": "a", "tag": "x"}, "no 'when' condition"),
        (
            {"name": "a", "when": "units >= 1", "add_sku": "CARD", "quantity": 0},
            "quantity must be a whole number of at least 1",
        ),
    ],
)
def test_clear_errors(rule: dict, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_rules([rule])
    assert fragment in info.value.message


def test_duplicate_names_and_wrong_shapes() -> None:
    with pytest.raises(ConfigError, match="another rule is already called 'a'"):
        parse_rules([{"name": "a", "when": "units > 1", "tag": "x"}, {"name": "a", "when": "units > 2", "tag": "y"}])
    with pytest.raises(ConfigError, match="must be a list"):
        parse_rules({"name": "a"})
    assert parse_rules(None) == []
