"""Rate cards read and checked, and quotes against hand-worked tables."""

from __future__ import annotations

from datetime import date

import pytest

from oms_cli.core.errors import BadInput
from oms_cli.packing.dimweight import METRIC, UPS
from oms_cli.rates.cards import read_rate_file
from oms_cli.rates.quote import (
    CarrierRule,
    Parcel,
    Place,
    add_business_days,
    cheapest_keeping_promise,
    quote_services,
    zone_of,
)

RULES = {"ups": UPS, "metric": METRIC}
HEADER = "carrier,service,zone,country,weight_break,price,currency,dim_rule,transit_days,level"


def card(*rows: str, header: str = HEADER):  # type: ignore[no-untyped-def]
    return read_rate_file([header + "\n", *(r + "\n" for r in rows)], "card.csv", RULES)


def test_bands_run_from_the_previous_break() -> None:
    parsed = card(
        "ups,Ground,2,,5,11.20,USD,ups,5,standard",
        "ups,Ground,2,,1,8.50,usd,ups,5,standard",
        "ups,Ground,2,,20,19.80,USD,ups,5,",
    )
    assert parsed.kind == "rates" and parsed.carriers == ["ups"]
    bands = sorted((r.weight_from_g, r.weight_to_g, r.price_minor, r.currency) for r in parsed.rates)
    assert bands == [(0, 1000, 850, "USD"), (1000, 5000, 1120, "USD"), (5000, 20000, 1980, "USD")]


@pytest.mark.parametrize(
    ("header", "row", "where"),
    [
        # missing column: the header line, the column after the last
        (
            "carrier,service,zone,weight_break,currency,dim_rule",
            "ups,Ground,2,1,USD,ups",
            "card.csv:1:7: no 'price' column in the header",
        ),
        (HEADER, "ups,Ground,2,,1,-8.50,USD,ups,5,standard", "card.csv:3:6: price '-8.50' is negative"),
        (HEADER, "ups,Ground,2,,1,8.50,XYZ,ups,5,standard", "card.csv:3:7: currency 'XYZ' is not a known ISO 4217"),
        (HEADER, "ups,Ground,2,,1,8.5O,USD,ups,5,standard", "card.csv:3:6: price '8.5O' is not an amount"),
        (HEADER, "ups,Ground,2,,1,8.505,USD,ups,5,standard", "card.csv:3:6: price '8.505' has more decimals"),
        (HEADER, "ups,Ground,2,,1,8.50,USD,dhl,5,standard", "card.csv:3:8: dim_rule 'dhl' is not a dimensional"),
        (HEADER, "ups,Ground,2,US,1,8.50,USD,ups,5,standard", "card.csv:3:3: zone and country: give exactly one"),
    ],
)
def test_a_bad_card_names_file_line_and_column(header: str, row: str, where: str) -> None:
    with pytest.raises(BadInput) as exc:
        card("ups,Ground,2,,20,19.80,USD,ups,5,standard", row, header=header)
    assert str(exc.value).startswith(where), str(exc.value)


def test_overlapping_weight_breaks_are_refused() -> None:
    with pytest.raises(BadInput) as exc:
        card("ups,Ground,2,,1,8.50,USD,ups,5,standard", "ups,Ground,2,,1,9.00,USD,ups,5,standard")
    assert str(exc.value).startswith("card.csv:3:5: weight_break overlaps line 2")
    header = HEADER + ",weight_from"
    with pytest.raises(BadInput) as exc:
        card(
            "ups,Ground,2,,2,8.50,USD,ups,5,standard,0",
            "ups,Ground,2,,5,9.00,USD,ups,5,standard,1.5",
            header=header,
        )
    assert str(exc.value).startswith("card.csv:3:11: weight_from overlaps line 2")
    # the same break for another zone is no overlap
    assert len(card("ups,Ground,2,,1,8.50,USD,ups,5,", "ups,Ground,5,,1,9.00,USD,ups,5,").rates) == 2


def test_zone_chart_longest_prefixes_win() -> None:
    chart = read_rate_file(
        [
            "carrier,origin_prefix,destination_prefix,country,zone\n",
            "ups,627,,US,5\n",
            "ups,627,6,US,2\n",
            "ups,627,605,US,1\n",
            "ups,,,CA,8\n",
        ],
        "zones.csv",
        RULES,
    )
    assert chart.kind == "zones"
    zones = chart.zones
    here = Place("US", "62701")
    assert zone_of(zones, "ups", here, Place("US", "60614")) == "2"
    assert zone_of(zones, "ups", here, Place("US", "605 12")) == "1"
    assert zone_of(zones, "ups", here, Place("US", "97205")) == "5"
    assert zone_of(zones, "ups", here, Place("CA", "K1A 0B1")) == "8"
    assert zone_of(zones, "ups", Place("US", "10001"), Place("US", "60614")) is None
    assert zone_of(zones, "fedex", here, Place("US", "60614")) is None


def test_business_days_skip_the_weekend() -> None:
    friday = date(2026, 12, 4)
    assert add_business_days(friday, 1) == date(2026, 12, 7)
    assert add_business_days(friday, 2) == date(2026, 12, 8)
    assert add_business_days(date(2026, 12, 7), 5) == date(2026, 12, 14)


# Hand-worked: box M, outer 310x240x160 mm, 1,100 g gross.
#   UPS: 12.2 x 9.4 x 6.3 in round to 12 x 9 x 6 = 648 in3 (at most 1,728, so divisor 166): 3.9 -> 4 lb
#        = 1,815 g billable (4 lb = 1,814.4 g, rounded up); the actual 1,100 g rounds up to 3 lb = 1,361 g.
#   metric (5,000 cm3/kg): 31 x 24 x 16 cm = 11,904 cm3 -> 2.38 -> 3 kg billable; actual 1.1 -> 2 kg.
M_BOX = Parcel((310, 240, 160), 1100)
TABLE = [
    "ups,Ground,5,,1,10.10,USD,ups,5,standard",
    "ups,Ground,5,,5,14.60,USD,ups,5,standard",
    "ups,2nd Day Air,5,,1,21.30,USD,ups,2,expedited",
    "ups,2nd Day Air,5,,5,29.90,USD,ups,2,expedited",
    "post,Parcel,,US,2,9.00,USD,metric,3,standard",
    "post,Parcel,,US,5,12.00,USD,metric,3,standard",
    "slow,Freight,,US,30,6.00,USD,none,8,standard",
]
ZONES = [("ups", "", "US", "", "5")]


def quotes(level: str = "standard", deliver_by: date | None = None, parcels=(M_BOX,)):  # type: ignore[no-untyped-def]
    from oms_cli.rates.cards import ZoneRow

    return quote_services(
        list(parcels),
        card(*TABLE).rates,
        [ZoneRow(*z) for z in ZONES],
        Place("US", "62701"),
        Place("US", "97205"),
        RULES,
        ship_on=date(2026, 12, 4),  # a Friday
        deliver_by=deliver_by,
        level=level,
    )


def test_each_service_priced_by_its_own_billable_weight() -> None:
    found = {(q.carrier, q.service): q for q in quotes()}
    ground = found[("ups", "Ground")]
    assert ground.billable_g == 1815 and ground.zone == "5"
    assert ground.price_minor == 1460  # 1,815 g is in the 1-5 kg band
    assert ground.dim_cost_minor == 1460 - 1460  # the actual 1,100 g is in the same band
    parcel = found[("post", "Parcel")]
    assert parcel.billable_g == 3000
    assert parcel.price_minor == 1200 and parcel.actual_price_minor == 900
    assert parcel.dim_cost_minor == 300  # money lost to dimensional weight
    freight = found[("slow", "Freight")]
    assert freight.billable_g == 1100 and freight.price_minor == 600 and freight.dim_cost_minor == 0
    assert ground.delivery == date(2026, 12, 11) and parcel.delivery == date(2026, 12, 9)
    assert found[("ups", "2nd Day Air")].delivery == date(2026, 12, 8)


def test_the_cheapest_service_that_keeps_the_promise() -> None:
    # standard, deliver by Thursday 10th: freight (8 days) is cheapest but late and slower than standard
    standard = quotes(deliver_by=date(2026, 12, 10))
    chosen = cheapest_keeping_promise(standard, "US")
    assert chosen is not None and (chosen.carrier, chosen.service) == ("post", "Parcel")
    # an expedited order never gets a slower service, even one that would arrive in time
    expedited = quotes(level="expedited", deliver_by=date(2026, 12, 31))
    chosen = cheapest_keeping_promise(expedited, "US")
    assert chosen is not None and (chosen.carrier, chosen.service) == ("ups", "2nd Day Air")
    # next day: nothing here is that fast
    assert cheapest_keeping_promise(quotes(level="next_day"), "US") is None


def test_carrier_rules_prefer_and_exclude_per_country() -> None:
    standard = quotes(deliver_by=date(2026, 12, 31))
    assert cheapest_keeping_promise(standard, "US", [CarrierRule("US", exclude=("post",))]).carrier == "ups"  # type: ignore[union-attr]
    prefer = [CarrierRule("US", prefer=("ups",))]
    assert cheapest_keeping_promise(standard, "US", prefer).service == "Ground"  # type: ignore[union-attr]
    # a rule for another country changes nothing; '*' applies everywhere
    assert cheapest_keeping_promise(standard, "US", [CarrierRule("CA", exclude=("post",))]).carrier == "post"  # type: ignore[union-attr]
    assert cheapest_keeping_promise(standard, "US", [CarrierRule("*", exclude=("post",))]).carrier == "ups"  # type: ignore[union-attr]


def test_a_parcel_over_the_heaviest_break_is_not_taken() -> None:
    heavy = Parcel((310, 240, 160), 9000)
    found = {(q.carrier, q.service): q for q in quotes(parcels=(heavy,))}
    assert found[("post", "Parcel")].price_minor is None
    assert "up to 5000 g" in (found[("post", "Parcel")].reason or "")
    assert found[("slow", "Freight")].price_minor == 600


def test_a_trip_the_zone_chart_lacks_is_named_as_such() -> None:
    from oms_cli.rates.cards import ZoneRow

    found = quote_services(
        [M_BOX],
        card(*TABLE).rates,
        [ZoneRow("ups", "627", "US", "", "5")],
        Place("US", "97214"),  # not from 627..
        Place("US", "97205"),
        RULES,
        ship_on=date(2026, 12, 4),
        deliver_by=None,
    )
    ground = next(q for q in found if q.service == "Ground")
    assert ground.price_minor is None
    assert ground.reason == "no zone in the ups zone chart from 97214 to US 97205"
