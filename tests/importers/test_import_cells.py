"""Reading single cells (money, dates, countries), service levels and the import settings."""

from __future__ import annotations

from datetime import UTC, datetime, timezone
from decimal import Decimal

import pytest

from oms_cli.core.errors import ConfigError
from oms_cli.importers import ImportSettings
from oms_cli.importers.cells import CellError, country, money, named_zone_date, quantity, timestamp, us_date
from oms_cli.importers.countries import _COUNTRIES, _key, country_code, country_name
from oms_cli.importers.ebay import money_currency
from oms_cli.importers.service_levels import service_level_for
from oms_cli.importers.woocommerce import packed_items

UTC = UTC


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("US", "US"),
        ("us", "US"),
        ("USA", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("U.S.A.", "US"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("GBR", "GB"),
        ("Deutschland", "DE"),
        ("germany", "DE"),
        ("DEU", "DE"),
        ("France", "FR"),
        ("Australia", "AU"),
        ("Canada", "CA"),
        ("the Netherlands", "NL"),
        ("Holland", "NL"),
        ("Côte d'Ivoire", "CI"),
        ("Cote dIvoire", "CI"),
        ("St. Lucia", "LC"),
        ("Bosnia & Herzegovina", "BA"),
        ("Korea, Republic of", "KR"),
        ("Ελλάδα", "GR"),
        ("Россия", "RU"),
        ("Czech Republic", "CZ"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Viet Nam", "VN"),
        ("  Japan ", "JP"),
        ("Ireland", "IE"),
    ],
)
def test_country_names_and_codes(text: str, code: str) -> None:
    assert country_code(text) == code


def test_every_country_has_a_distinct_code_and_name() -> None:
    assert len(_COUNTRIES) >= 249
    codes = [c[0] for c in _COUNTRIES]
    assert len(set(codes)) == len(codes)
    owners: dict[str, str] = {}
    for code, _alpha3, name, others in _COUNTRIES:
        for spelling in (name, *others):
            assert owners.setdefault(_key(spelling), code) == code, spelling
        assert country_code(name) == code
    assert country_name("de") == "Germany"


def test_unknown_country() -> None:
    assert country_code("Narnia") is None and country_code("") is None and country_code("XX") is None
    with pytest.raises(CellError) as caught:
        country("Narnia", "Ship Country")
    assert str(caught.value) == "Ship Country 'Narnia' is not a country oms knows (write its English name or ISO code)"
    assert country("  ", "Ship Country") is None


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("12.34", Decimal("12.34")),
        ("0", Decimal("0")),
        ("-5.00", Decimal("-5.00")),
        ("$12.34", Decimal("12.34")),
        ("US $1,234.50", Decimal("1234.50")),
        ("£0.99", Decimal("0.99")),
        ("€ 12,50", Decimal("12.50")),
        ("12,50 €", Decimal("12.50")),
        ("1.234,56", Decimal("1234.56")),
        ("1,234", Decimal("1234")),
        ("1 234.00", Decimal("1234.00")),
        ("EUR 7.5", Decimal("7.5")),
        ("-$3.00", Decimal("-3.00")),
        ("AU $20.00", Decimal("20.00")),
        ("1'234.50", Decimal("1234.50")),
        ("12.34 USD", Decimal("12.34")),
    ],
)
def test_money(text: str, amount: Decimal) -> None:
    assert money(text, "Total") == amount


@pytest.mark.parametrize("text", ["abc", "12.3x", "NaN", "Infinity", "$", "1.2.3a", "twelve dollars"])
def test_not_money(text: str) -> None:
    with pytest.raises(CellError) as caught:
        money(text, "Total")
    assert caught.value.message == f"{text!r} is not an amount of money"


def test_empty_money_is_none() -> None:
    assert money("", "Total") is None and money("  ", "Total") is None


def test_money_is_never_float() -> None:
    assert type(money("0.1", "Total")) is Decimal


@pytest.mark.parametrize(
    ("text", "code"),
    [("$12.34", "USD"), ("AU $5", "AUD"), ("C $5", "CAD"), ("£5", "GBP"), ("€5", "EUR"), ("5.00", None)],
)
def test_ebay_money_currency(text: str, code: str | None) -> None:
    assert money_currency(text) == code


def test_quantities() -> None:
    assert quantity("3", "Qty") == 3 and quantity(" 12 ", "Qty") == 12
    for bad, message in (("two", "'two' is not a whole number"), ("0", "'0' must be at least 1"), ("", "is empty")):
        with pytest.raises(CellError) as caught:
            quantity(bad, "Qty")
        assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-11-20 09:50:26 +0200", datetime(2026, 11, 20, 7, 50, 26, tzinfo=UTC)),
        ("2026-11-20T09:50:26-08:00", datetime(2026, 11, 20, 17, 50, 26, tzinfo=UTC)),
        ("2026-11-20T09:50:26Z", datetime(2026, 11, 20, 9, 50, 26, tzinfo=UTC)),
        ("2026-11-20 09:50:26", datetime(2026, 11, 20, 9, 50, 26, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
        ("2026-11-20 09:50:26 UTC", datetime(2026, 11, 20, 9, 50, 26, tzinfo=UTC)),
    ],
)
def test_timestamps_become_aware_utc(text: str, moment: datetime) -> None:
    parsed = timestamp(text, "Created at")
    assert parsed == moment and parsed.tzinfo is UTC


def test_us_dates() -> None:
    assert us_date("11/21/26", "Sale Date") == datetime(2026, 11, 21, tzinfo=UTC)
    assert us_date("1/2/2026", "Sale Date") == datetime(2026, 1, 2, tzinfo=UTC)
    with pytest.raises(CellError):
        us_date("21/11/26", "Sale Date")


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("Nov-21-26", datetime(2026, 11, 21, tzinfo=UTC)),
        ("21-Nov-26", datetime(2026, 11, 21, tzinfo=UTC)),
        ("Nov 21, 2026", datetime(2026, 11, 21, tzinfo=UTC)),
        ("Nov-21-26 10:15:02 PST", datetime(2026, 11, 21, 18, 15, 2, tzinfo=UTC)),
        ("2026-11-21T10:15:02+01:00", datetime(2026, 11, 21, 9, 15, 2, tzinfo=UTC)),
    ],
)
def test_ebay_dates(text: str, moment: datetime) -> None:
    assert named_zone_date(text, "Sale Date") == moment


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Standard", "standard"),
        ("Standard Shipping", "standard"),
        ("Free shipping", "standard"),
        (None, "standard"),
        ("Expedited", "expedited"),
        ("Express Shipping", "expedited"),
        ("USPS Priority Mail", "expedited"),
        ("2-Day", "expedited"),
        ("SecondDay", "expedited"),
        ("UPS 2nd Day Air", "expedited"),
        ("NextDay", "next_day"),
        ("Next Day Delivery", "next_day"),
        ("FedEx Standard Overnight", "next_day"),
        ("1-day", "next_day"),
        ("Express Overnight", "next_day"),
        ("Standard 5-7 days", "standard"),
    ],
)
def test_default_service_levels(text: str | None, level: str) -> None:
    assert service_level_for(text, []) == level


def test_shop_rules_come_before_the_defaults() -> None:
    rules = [("tracked 24", "next_day"), ("(?i)priority", "standard")]
    assert service_level_for("Royal Mail Tracked 24", rules) == "next_day"
    assert service_level_for("USPS Priority Mail", rules) == "standard"
    assert service_level_for("Express", rules) == "expedited"


def test_packed_items_keep_separators_inside_values() -> None:
    items = packed_items("id:1|name:Mug | blue; large|sku:MUG|quantity:2;id:2|name:Card|sku:CARD|quantity:1")
    assert items == [
        {"id": "1", "name": "Mug | blue; large", "sku": "MUG", "quantity": "2"},
        {"id": "2", "name": "Card", "sku": "CARD", "quantity": "1"},
    ]


def test_settings_from_config() -> None:
    settings = ImportSettings.from_config(
        {
            "csv_channel": "wholesale",
            "csv_columns": {"external_id": "Order No", "sku": "Item"},
            "service_level_rules": [{"match": "tracked 24", "level": "next_day"}, ["48", "standard"]],
            "cod_methods": ["Nachnahme"],
        }
    )
    assert settings.csv_channel == "wholesale"
    assert settings.csv_columns == {"external_id": "Order No", "sku": "Item"}
    assert settings.service_level_rules == [("tracked 24", "next_day"), ("48", "standard")]
    assert settings.cod_method_set() == frozenset({"nachnahme"})
    assert ImportSettings.from_config(None) == ImportSettings()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            {"colour": "red"},
            "import: unknown key 'colour' (known: csv_columns, csv_channel, service_level_rules, cod_methods)",
        ),
        ({"csv_columns": {"order": "Order No"}}, "import.csv_columns: unknown field 'order'"),
        ({"csv_channel": "Whole Sale"}, "import.csv_channel: must be a lower-case name"),
        (
            {"service_level_rules": [{"match": "x", "level": "fast"}]},
            "import.service_level_rules: rule 1: level 'fast' is not one of",
        ),
        (
            {"service_level_rules": [{"match": "(", "level": "standard"}]},
            "import.service_level_rules: rule 1: pattern '(' is not",
        ),
        ({"cod_methods": "cod"}, "import.cod_methods: must be a list"),
    ],
)
def test_bad_settings(mapping: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ImportSettings.from_config(mapping)
    assert caught.value.message.startswith(message)
