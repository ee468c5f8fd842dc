"""Address checks: required fields and postal code shapes per country (pure)."""

from __future__ import annotations

import pytest

from oms_cli.core.errors import ConfigError
from oms_cli.release.addresses import address_problems, check_required, postcode_ok

REQUIRED = ("name", "address1", "city", "postal_code", "country")


@pytest.mark.parametrize(
    ("country", "good", "bad"),
    [
        ("US", ["62701", "62701-1234"], ["6270", "ABCDE", "62701-12"]),
        ("CA", ["K1A 0B1", "k1a0b1", "M5V 3L9"], ["K1A 0B", "D1A 0B1", "12345"]),
        (
            "GB",
            ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB", "gir 0aa"],
            ["SW1A", "12345", "SW1A 1A"],
        ),
        ("DE", ["10115", "01067"], ["1011", "101155", "D-10115"]),
        ("FR", ["75001", "97400"], ["7500", "75 001"]),
        ("AU", ["2000", "0800"], ["200", "20000"]),
    ],
)
def test_postal_code_shapes(country: str, good: list[str], bad: list[str]) -> None:
    for p in good:
        assert postcode_ok(country, p), p
    for p in bad:
        assert not postcode_ok(country, p), p


def address(**over: str | None) -> dict:
    base = {
        "name": "Ann",
        "address1": "1 Main St",
        "city": "Springfield",
        "province": "IL",
        "postal_code": "62701",
        "country": "US",
    }
    return base | over


def test_a_complete_address_passes() -> None:
    assert address_problems(address(), REQUIRED) == []


def test_missing_and_wrong_fields_are_named() -> None:
    assert address_problems(address(city=None, address1="  "), REQUIRED) == ["no street address", "no city"]
    assert address_problems(address(postal_code="ABC"), REQUIRED) == [
        "postal code 'ABC' does not look like a US postal code"
    ]
    assert address_problems(address(province=None), REQUIRED) == ["no state/province (needed for US)"]
    assert address_problems(address(country="USA"), REQUIRED) == ["country 'USA' is not a two-letter ISO code"]


def test_countries_without_postal_codes_do_not_need_one() -> None:
    assert address_problems(address(country="HK", postal_code=None, province=None), REQUIRED) == []
    assert address_problems(address(country="GB", postal_code=None, province=None), REQUIRED) == ["no postal code"]


def test_unknown_required_field_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="release.address_required: unknown field 'zip'"):
        check_required(["name", "zip"])
