"""`oms rates import` and `oms rates quote` on a real store."""

from __future__ import annotations

from pathlib import Path

from storedb import rows

from oms_cli.store.engine import Store
from tests.conftest import store_digest
from tests.packing.store_fixtures import examples_db, examples_store, pick  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
RATES = ROOT / "examples" / "rates"
REF = "shopify:1041"  # to Portland, OR 97205: UPS zone 5 from the shop's 62701


def _count(db: Path, table: str) -> int:
    return int(rows(db, f"SELECT count(*) FROM {table}")[0][0])


def test_import_rates_and_zones_twice_changes_nothing_the_second_time(oms, db_path: Path) -> None:
    r = oms("--json", "rates", "import", RATES / "rates.csv")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert out["kind"] == "rates" and out["carriers"] == ["ups", "usps"] and out["rows"] == 24
    r = oms("rates", "import", RATES / "ups_zones.csv")
    assert r.exit_code == 0, r.stderr
    assert "4 zone rows for ups" in r.stderr
    before = store_digest(db_path)
    again = oms("--json", "rates", "import", RATES / "rates.csv").json()
    assert again["unchanged"] is True and again["replaced"] == 0
    assert store_digest(db_path) == before
    assert _count(db_path, "rate_cards") == 24 and _count(db_path, "rate_zones") == 4


def test_a_new_card_replaces_only_its_carriers(oms, db_path: Path, tmp_path: Path) -> None:
    assert oms("rates", "import", RATES / "rates.csv").exit_code == 0
    newer = tmp_path / "usps.csv"
    newer.write_text(
        "carrier,service,country,weight_break,price,currency,dim_rule,transit_days\n"
        "usps,Ground Advantage,US,10,14.00,USD,usps,4\n",
        encoding="utf-8",
    )
    out = oms("--json", "rates", "import", newer).json()
    assert out["replaced"] == 8 and out["rows"] == 1
    assert _count(db_path, "rate_cards") == 16 + 1


def test_a_bad_rate_file_is_refused_whole(oms, db_path: Path, tmp_path: Path) -> None:
    assert oms("rates", "import", RATES / "rates.csv").exit_code == 0
    before = store_digest(db_path)
    cases = {
        "missing.csv": (
            "carrier,service,zone,weight_break,currency,dim_rule\nups,Ground,2,1,USD,ups\n",
            "missing.csv:1:7: no 'price' column in the header",
        ),
        "overlap.csv": (
            "carrier,service,zone,weight_break,price,currency,dim_rule\n"
            "ups,Ground,2,1,8.50,USD,ups\nups,Ground,2,5,9.00,USD,ups\nups,Ground,2,5,9.50,USD,ups\n",
            "overlap.csv:4:4: weight_break overlaps line 3",
        ),
        "negative.csv": (
            "carrier,service,zone,weight_break,price,currency,dim_rule\nups,Ground,2,1,8.50,USD,ups\nups,Ground,2,5,-3,USD,ups\n",
            "negative.csv:3:5: price '-3' is negative",
        ),
        "currency.csv": (
            "carrier,service,zone,weight_break,price,currency,dim_rule\nups,Ground,2,1,8.50,DOLLARS,ups\n",
            "currency.csv:2:6: currency 'DOLLARS' is not a known ISO 4217 currency code",
        ),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        r = oms("rates", "import", path)
        assert r.exit_code == 3, (name, r.stderr)
        assert message in r.stderr, (name, r.stderr)
        assert r.stdout == ""
        assert store_digest(db_path) == before, name
    r = oms("rates", "import", tmp_path / "nowhere.csv")
    assert r.exit_code == 4 and "nowhere.csv" in r.stderr


def test_quote_lists_every_service_for_the_planned_box(oms, examples_store: Store) -> None:
    pick(examples_store, REF)
    assert oms("rates", "import", RATES / "rates.csv").exit_code == 0
    assert oms("rates", "import", RATES / "ups_zones.csv").exit_code == 0
    out = oms("--json", "rates", "quote", REF).json()
    assert out["order"] == REF and out["packages"] == "planned"
    # box M, outer 310x240x160 mm, 1,100 g (see tests/rates/test_cards.py): UPS and USPS bill 4 lb
    assert out["parcels"] == [{"outer": [310, 240, 160], "weight_g": 1100}]
    found = {(q["carrier"], q["service"]): q for q in out["quotes"]}
    ground = found[("ups", "Ground")]
    assert ground["zone"] == "5" and ground["billable_weight_g"] == 1815 and ground["price"] == "14.60"
    assert ground["price_at_actual_weight"] == "14.60" and ground["dim_weight_cost"] == "0.00"
    usps = found[("usps", "Ground Advantage")]
    assert usps["billable_weight_g"] == 1361  # USPS: at most 1,728 in3 bills the actual weight (3 lb)
    assert usps["price"] == "13.40"
    assert found[("usps", "Priority Mail International")]["reason"] == "does not serve US"
    assert out["chosen"]["carrier"] == "usps" and out["chosen"]["service"] == "Ground Advantage"
    text = oms("rates", "quote", REF)
    assert text.exit_code == 0
    assert "Ground Advantage" in text.stdout and "14.60 USD" in text.stdout


def test_quote_without_rate_cards_says_how_to_load_them(oms, examples_store: Store) -> None:
    r = oms("rates", "quote", REF)
    assert r.exit_code == 4
    assert "no rate cards" in r.stderr and "oms rates import" in r.stderr
