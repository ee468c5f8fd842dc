"""At pack time and at `oms ship` without a service: the cheapest service that keeps the promise."""

from __future__ import annotations

from pathlib import Path

from storedb import rows

from oms_cli.store.engine import Store
from tests.packing.store_fixtures import examples_db, examples_store, pick  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
RATES = ROOT / "examples" / "rates"
USPS_1 = "9400111201080805483016"
UPS_1 = "1Z5R89390357567127"


def _packages(db: Path, ref: str) -> list[tuple]:
    return [
        tuple(r)
        for r in rows(
            db,
            "SELECT p.carrier, p.service, p.cost_minor FROM packages p JOIN orders o ON o.id = p.order_id "
            "WHERE o.ref = ? ORDER BY p.package_no",
            ref,
        )
    ]


def _load_rates(oms) -> None:  # type: ignore[no-untyped-def]
    assert oms("rates", "import", RATES / "rates.csv").exit_code == 0
    assert oms("rates", "import", RATES / "ups_zones.csv").exit_code == 0


def test_pack_verify_books_the_cheapest_service_and_ship_keeps_it(oms, examples_store: Store, db_path: Path) -> None:
    _load_rates(oms)
    pick(examples_store, "shopify:1041")  # standard, to Portland: USPS Ground Advantage 13.40 beats UPS Ground 14.60
    r = oms("--json", "pack", "verify", "shopify:1041", "--all")
    assert r.exit_code == 0, r.stderr
    service = r.json()["service"]
    assert (service["carrier"], service["service"], service["price"]) == ("usps", "Ground Advantage", "13.40")
    assert _packages(db_path, "shopify:1041") == [("usps", "Ground Advantage", 1340)]
    r = oms("--json", "ship", "shopify:1041", "--carrier", "usps", "--tracking", USPS_1)
    assert r.exit_code == 0, r.stderr
    assert _packages(db_path, "shopify:1041") == [("usps", "Ground Advantage", 1340)]


def test_an_expedited_order_never_gets_a_slower_service(oms, examples_store: Store, db_path: Path) -> None:
    _load_rates(oms)
    pick(examples_store, "shopify:1042", "shopify:1044")
    assert oms("pack", "verify", "shopify:1042", "--all").exit_code == 0
    # Express Shipping: Ground Advantage (4 days) is cheaper but slower; Priority Mail takes 2 days
    assert _packages(db_path, "shopify:1042")[0][:2] == ("usps", "Priority Mail")
    assert oms("pack", "verify", "shopify:1044", "--all").exit_code == 0
    (carrier, service, _), *_ = _packages(db_path, "shopify:1044")
    assert (carrier, service) == ("ups", "Next Day Air")


def test_config_rules_exclude_a_carrier_for_a_country(oms, examples_store: Store, db_path: Path, config_file) -> None:  # type: ignore[no-untyped-def]
    config_file({"shipping": {"carrier_rules": [{"country": "US", "exclude": ["usps"]}]}})
    _load_rates(oms)
    pick(examples_store, "shopify:1041")
    r = oms("pack", "verify", "shopify:1041", "--all")
    assert r.exit_code == 0, r.stderr
    assert "ship with ups Ground" in r.stderr
    assert _packages(db_path, "shopify:1041") == [("ups", "Ground", 1460)]


def test_ship_without_a_service_chooses_one_for_the_carrier_given(oms, examples_store: Store, db_path: Path) -> None:
    pick(examples_store, "shopify:1041")
    assert oms("pack", "verify", "shopify:1041", "--all").exit_code == 0  # no rate cards yet: no service
    assert _packages(db_path, "shopify:1041")[0][1] is None
    _load_rates(oms)
    r = oms("--json", "ship", "shopify:1041", "--carrier", "ups", "--tracking", UPS_1)
    assert r.exit_code == 0, r.stderr
    assert _packages(db_path, "shopify:1041") == [("ups", "Ground", 1460)]


def test_no_service_keeps_the_promise_is_said_at_pack_time(
    oms, examples_store: Store, db_path: Path, tmp_path: Path
) -> None:
    slow = tmp_path / "slow.csv"
    slow.write_text(
        "carrier,service,country,weight_break,price,currency,dim_rule,transit_days\nslow,Freight,US,30,6.00,USD,none,9\n",
        encoding="utf-8",
    )
    assert oms("rates", "import", slow).exit_code == 0
    pick(examples_store, "shopify:1041")
    r = oms("pack", "verify", "shopify:1041", "--all")
    assert r.exit_code == 0, r.stderr
    assert "no carrier service keeps the promise" in r.stderr
    assert _packages(db_path, "shopify:1041")[0][1] is None


def test_the_report_shows_money_lost_to_dimensional_weight(oms, examples_store: Store, tmp_path: Path) -> None:
    # box M (outer 31 x 24 x 16 cm, 1,100 g): by the metric rule 11,904 cm3 / 5,000 = 2.4 -> 3 kg billable,
    # so it pays the 2-5 kg price (12.00) instead of the 1-2 kg one (9.00): 3.00 lost
    card = tmp_path / "post.csv"
    card.write_text(
        "carrier,service,country,weight_break,price,currency,dim_rule,transit_days\n"
        "post,Parcel,US,2,9.00,USD,metric,3\npost,Parcel,US,5,12.00,USD,metric,3\n",
        encoding="utf-8",
    )
    assert oms("rates", "import", card).exit_code == 0
    pick(examples_store, "shopify:1041")
    assert oms("pack", "verify", "shopify:1041", "--all").exit_code == 0
    r = oms("--json", "report")
    assert r.exit_code == 0, r.stderr
    report = r.json()
    assert report["dim_weight_cost"] == [
        {"currency": "USD", "packages": 1, "lost": "3.00", "lost_per_package": "3.00", "low_sample": True}
    ]
    quote = oms("--json", "rates", "quote", "shopify:1041").json()
    assert quote["chosen"]["dim_weight_cost"] == "3.00" and quote["packages"] == "recorded"
    text = oms("report")
    assert "Money lost to dimensional weight" in text.stdout
