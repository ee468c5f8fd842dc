"""`oms payments import`, `record`, `refund` and `list`: bad input names file, line and
column and changes nothing; later exports update rows; money recorded by hand is never
counted twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from returns.fixtures import load_demo, store_digest, table_counts

from tests import storedb

DATA = Path(__file__).resolve().parent / "reconcile_data"
PAYPAL_HEADER = '"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net","From Email Address","To Email Address","Transaction ID","Invoice Number"'


@pytest.fixture
def shop(oms: Any, store: Any) -> Any:
    """The demo orders, none shipped."""
    load_demo(oms)
    return store


def paypal(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([PAYPAL_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_bad_amount_names_file_line_and_column_and_changes_nothing(oms, shop, db_path, tmp_path) -> None:
    bad = paypal(
        tmp_path,
        "activity.csv",
        '"11/21/2026","08:40:12","EST","A","Express Checkout Payment","Completed","USD","75.00","-2.97","72.03","a@example.com","s@example.com","TX1","#1043"',
        '"11/22/2026","08:40:12","EST","B","Express Checkout Payment","Completed","USD","12,3x","-0.50","11.80","b@example.com","s@example.com","TX2",""',
    )
    digest = store_digest(db_path)
    r = oms("payments", "import", bad)
    assert r.exit_code == 3
    assert r.stderr.startswith(
        "oms: error: activity.csv:3: Gross '12,3x' is not an amount (file read with a decimal point)"
    )
    assert store_digest(db_path) == digest


def test_one_bad_file_among_several_is_reported_and_the_others_imported(oms, shop, db_path, tmp_path) -> None:
    bad = paypal(
        tmp_path,
        "late.csv",
        '"11/21/2026","08:40:12","Mars/Olympus","A","Express Checkout Payment","Completed","USD","75.00","-2.97","72.03","a@example.com","s@example.com","TX1",""',
    )
    r = oms("--json", "payments", "import", DATA / "paypal_us.csv", bad)
    assert r.exit_code == 6
    files = {Path(f["file"]).name: f for f in r.json()["files"]}
    assert files["paypal_us.csv"]["new"] == 3
    assert files["late.csv"]["error"] == "late.csv:2: TimeZone 'Mars/Olympus' is not a time zone oms knows"
    assert table_counts(db_path)["payments"] == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("sku,name\nMUG,Mug\n", "orders.csv: not a payment file oms can read"),
        ("", "orders.csv: file is empty"),
    ],
)
def test_a_file_that_is_not_a_payment_export_is_refused(
    oms, shop, db_path, tmp_path, content: str, message: str
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(content, encoding="utf-8")
    digest = store_digest(db_path)
    r = oms("payments", "import", path)
    assert r.exit_code == 3
    assert message in r.stderr
    r = oms("payments", "import", tmp_path / "nowhere.csv")
    assert r.exit_code == 4
    assert "nowhere.csv: no such file" in r.stderr
    assert store_digest(db_path) == digest


def test_ambiguous_dates_need_the_date_order(oms, shop, db_path, tmp_path) -> None:
    path = paypal(
        tmp_path,
        "utc.csv",
        '"05/10/2026","10:00:00","UTC","A","Express Checkout Payment","Completed","EUR","10.00","-0.50","9.50","a@example.com","s@example.com","TX9",""',
    )
    r = oms("payments", "import", path)
    assert r.exit_code == 3
    assert "utc.csv:2: Date '05/10/2026' could be day-first or month-first" in r.stderr
    assert table_counts(db_path)["payments"] == 0
    assert oms("payments", "import", path, "--date-order", "DMY").exit_code == 0
    [(at,)] = storedb.connect(db_path).execute("SELECT at FROM payments").fetchall()
    assert at.startswith("2026-10-05 10:00:00")


def test_a_later_export_updates_what_changed(oms, shop, db_path, tmp_path) -> None:
    source = (DATA / "stripe_payments.csv").read_text(encoding="utf-8").splitlines()
    header, charge = source[0], source[1]
    path = tmp_path / "payments.csv"
    path.write_text(f"{header}\n{charge.replace(',10.00,', ',0.00,', 1)}\n", encoding="utf-8")
    r = oms("--json", "payments", "import", path)
    assert [(f["new"], f["updated"], f["unchanged"]) for f in r.json()["files"]] == [(1, 0, 0)]
    path.write_text(f"{header}\n{charge}\n", encoding="utf-8")  # 10.00 refunded since
    r = oms("--json", "payments", "import", path)
    assert [(f["new"], f["updated"], f["unchanged"]) for f in r.json()["files"]] == [(1, 0, 1)]
    path.write_text(f"{header}\n{charge.replace(',10.00,', ',15.00,', 1)}\n", encoding="utf-8")  # and 5.00 more
    r = oms("--json", "payments", "import", path)
    assert [(f["new"], f["updated"], f["unchanged"]) for f in r.json()["files"]] == [(0, 1, 1)]
    rows = (
        storedb.connect(db_path)
        .execute("SELECT transaction_id, kind, gross_minor FROM payments ORDER BY id")
        .fetchall()
    )
    assert rows == [("ch_T2150", "charge", 4690), ("ch_T2150:refunded", "refund", -1500)]


def test_cash_is_never_counted_twice(oms, shop, db_path) -> None:
    r = oms("--json", "payments", "record", "woocommerce:2151", "30.00", "--method", "cash", "--at", "2026-11-27")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["transaction_id"], out["amount"], out["currency"], out["received"], out["total"]) == (
        "cash:woocommerce:2151:1",
        "30.00",
        "EUR",
        "30.00",
        "64.50",
    )
    digest = store_digest(db_path)
    r = oms("payments", "record", "woocommerce:2151", "30", "--method", "cash")
    assert r.exit_code == 5
    assert "woocommerce:2151: 30.00 EUR was already recorded (cash, 2026-11-27, cash:woocommerce:2151:1)" in r.stderr
    assert "--again" in r.stderr
    assert store_digest(db_path) == digest
    r = oms("payments", "record", "woocommerce:2151", "30.00", "--again")
    assert r.exit_code == 0
    assert "60.00 of 64.50 EUR received" in r.stderr
    assert oms("payments", "record", "woocommerce:2151", "4.50").exit_code == 0
    rows = (
        storedb.connect(db_path)
        .execute(
            "SELECT source, transaction_id, kind, method, gross_minor, fee_minor, net_minor, order_id IS NOT NULL FROM payments ORDER BY id"
        )
        .fetchall()
    )
    assert rows == [
        ("manual", "cash:woocommerce:2151:1", "charge", "cash", 3000, 0, 3000, 1),
        ("manual", "cash:woocommerce:2151:2", "charge", "cash", 3000, 0, 3000, 1),
        ("manual", "cash:woocommerce:2151:3", "charge", "cash", 450, 0, 450, 1),
    ]
    notes = [
        n
        for (n,) in storedb.connect(db_path).execute("SELECT note FROM order_events WHERE command = 'payments record'")
    ]
    assert notes == ["payment recorded: 30.00 EUR cash"] * 2 + ["payment recorded: 4.50 EUR cash"]
    listed = oms("--json", "payments", "list", "--source", "manual").json()
    assert [p["order_ref"] for p in listed] == ["woocommerce:2151"] * 3


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("woocommerce:2151", "12.345"), 2, "AMOUNT: 12.345 has more decimals than EUR allows"),
        (("woocommerce:2151", "0"), 2, "AMOUNT: 0 must be more than 0"),
        (("--", "woocommerce:2151", "-5"), 2, "AMOUNT: -5 must be more than 0"),
        (("woocommerce:2151", "ten"), 2, "AMOUNT: 'ten' is not an amount"),
        (("woocommerce:2151", "10", "--method", "bank transfer"), 2, "must be one word"),
        (("woocommerce:2151", "10", "--currency", "USD"), 2, "woocommerce:2151 is in EUR, not USD"),
        (("woocommerce:9999", "10"), 4, "no such order"),
    ],
)
def test_bad_payments_by_hand_change_nothing(
    oms, shop, db_path, args: tuple[str, ...], code: int, message: str
) -> None:
    digest = store_digest(db_path)
    r = oms("payments", "record", *args)
    assert r.exit_code == code
    assert message in r.stderr
    assert store_digest(db_path) == digest


def test_refunds_by_hand(oms, shop, db_path) -> None:
    r = oms("payments", "refund", "woocommerce:2155", "29.90", "--note", "cancelled before shipping")
    assert r.exit_code == 0, r.stderr
    assert "refund of 29.90 EUR recorded (29.90 refunded in all)" in r.stderr
    digest = store_digest(db_path)
    r = oms("payments", "refund", "woocommerce:2155", "29.90")
    assert r.exit_code == 5
    assert "a refund of 29.90 EUR was already recorded" in r.stderr
    r = oms("payments", "refund", "woocommerce:2155", "0.01")
    assert r.exit_code == 5
    assert "refunds would come to 29.91 EUR, more than the total of 29.90 EUR" in r.stderr
    assert store_digest(db_path) == digest
    assert storedb.connect(db_path).execute("SELECT amount_minor, return_id, note FROM refunds").fetchall() == [
        (2990, None, "cancelled before shipping")
    ]
