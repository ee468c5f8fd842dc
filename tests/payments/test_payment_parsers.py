"""Payment processor exports: detection, locale handling, records and located errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.core.errors import BadInput
from oms_cli.payments.parsers import PaymentRecord, detect_format, read_payment_file

DATA = Path(__file__).parent / "data"
UTC = UTC

PAYPAL_HEADER = (
    '"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net",'
    '"From Email Address","To Email Address","Transaction ID","Reference Txn ID","Invoice Number"'
)


def _read(name: str, date_order: str | None = None) -> tuple[str, list[PaymentRecord]]:
    return read_payment_file(DATA / name, (DATA / name).read_bytes(), date_order)


def _paypal(*rows: str, header: str = PAYPAL_HEADER, newline: str = "\r\n") -> bytes:
    return newline.join((header, *rows)).encode("utf-8") + newline.encode()


def _by_id(records: list[PaymentRecord]) -> dict[str, PaymentRecord]:
    return {r.transaction_id: r for r in records}


# --- detection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected", "count"),
    [
        ("stripe_balance.csv", "stripe_balance", 8),
        ("stripe_payments.csv", "stripe_payments", 6),
        ("paypal_us.csv", "paypal", 5),
        ("paypal_eu.csv", "paypal", 4),
    ],
)
def test_formats_are_detected_from_the_header(name: str, expected: str, count: int) -> None:
    fmt, records = _read(name)
    assert fmt == expected
    assert len(records) == count
    assert all(r.at.utcoffset() == timedelta(0) for r in records)
    assert all(isinstance(r.gross, Decimal) for r in records)


def test_detect_format_ignores_case_order_and_unknown_columns() -> None:
    assert detect_format(["Extra", "REPORTING_CATEGORY", "\ufeffbalance_transaction_id"]) == "stripe_balance"
    assert detect_format(["Amount", "id", "Currency", "Created date (UTC)", "Foo"]) == "stripe_payments"
    assert detect_format(['"Date"', "Gross", "Transaction ID"]) == "paypal"
    assert detect_format(["Datum", "Brutto", "Transaktionscode"]) == "paypal"
    assert detect_format(["order-id", "order-item-id"]) is None


def test_unrecognised_file_names_it() -> None:
    with pytest.raises(BadInput, match=r"^orders\.csv: not a payment file oms can read"):
        read_payment_file("/tmp/orders.csv", b"Name,Email,Total\r\n#1001,a@example.com,10.00\r\n")


def test_empty_file_is_refused() -> None:
    with pytest.raises(BadInput, match=r"^empty\.csv: file is empty$"):
        read_payment_file("empty.csv", b"\xef\xbb\xbf\r\n")


# --- Stripe ---------------------------------------------------------------------------


def test_stripe_balance_records() -> None:
    _, records = _read("stripe_balance.csv")
    by_id = _by_id(records)
    first = by_id["ch_3Q1001"]
    assert first == PaymentRecord(
        source="stripe_balance",
        transaction_id="ch_3Q1001",
        kind="charge",
        at=datetime(2025, 10, 6, 14, 2, 11, tzinfo=UTC),
        currency="USD",
        gross=Decimal("59.90"),
        fee=Decimal("2.04"),
        net=Decimal("57.86"),
        email="ann@example.com",
        order_ref_hint="#1001",
        description="Order #1001",
        payout_id="po_1QA",
        related_txn=None,
        line=2,
        processor_type="charge",
        status="",
    )
    assert by_id["ch_3Q1002"].order_ref_hint == "#1002"  # from the description
    assert by_id["ch_3Q1003"].order_ref_hint is None
    refund = by_id["re_3R1001"]
    assert (refund.kind, refund.gross, refund.related_txn) == ("refund", Decimal("-10.00"), "ch_3Q1001")
    assert by_id["fee_1RadarOct"].kind == "fee"
    payout = by_id["po_1QA"]
    assert (payout.kind, payout.gross, payout.payout_id) == ("payout", Decimal("-177.97"), "po_1QA")
    assert by_id["ch_3Q1008"].payout_id is None
    assert by_id["ch_3Q1008"].order_ref_hint == "shopify:1008"


def test_stripe_payments_export_records() -> None:
    _, records = _read("stripe_payments.csv")
    by_id = _by_id(records)
    assert by_id["ch_3S1011"].order_ref_hint == "shopify:1011"  # order_id (metadata)
    assert by_id["ch_3S1011"].net == Decimal("77.38")
    assert by_id["ch_3S1012"].at == datetime(2025, 10, 5, 13, 10, tzinfo=UTC)  # minutes only
    refund = by_id["ch_3S1012:refunded"]
    assert (refund.kind, refund.gross, refund.related_txn, refund.processor_type) == (
        "refund",
        Decimal("-30.00"),
        "ch_3S1012",
        "amount_refunded",
    )
    failed = by_id["ch_3S1013"]
    assert failed.kind == "other" and failed.status == "Failed"
    assert "ch_3S1013:refunded" not in by_id
    converted = by_id["py_3S1014"]
    # Fee is in the settlement currency (USD) only: not comparable with the EUR amount.
    assert (converted.currency, converted.gross, converted.fee, converted.net) == ("EUR", Decimal("100.00"), None, None)
    assert by_id["py_3S1014:refunded"].gross == Decimal("-40.00")


def test_stripe_balance_metadata_columns_are_optional() -> None:
    data = (
        b"balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,description\n"
        b"txn_1,2025-10-01T10:00:00Z,eur,10.00,0.45,9.55,charge,Bestellung Nr. 4711\n"
        b"txn_2,2025-10-01 11:00:00,eur,-1.00,0.00,-1.00,dispute,Chargeback\n"
        b"txn_3,2025-10-01 12:00:00,eur,5.00,0.00,5.00,issuing_authorization_hold,\n"
    )
    fmt, records = read_payment_file("balance.csv", data)
    assert fmt == "stripe_balance"
    assert [(r.transaction_id, r.kind, r.order_ref_hint) for r in records] == [
        ("txn_1", "charge", "4711"),
        ("txn_2", "adjustment", None),
        ("txn_3", "other", None),
    ]


# --- PayPal ---------------------------------------------------------------------------


def test_paypal_us_file() -> None:
    fmt, records = _read("paypal_us.csv")
    by_id = _by_id(records)
    payment = by_id["5TY01234AB567890C"]
    # 10/07/2025 09:12:44 PDT (UTC-7), month first: "10/13/2025" elsewhere in the file proves it.
    assert payment.at == datetime(2025, 10, 7, 16, 12, 44, tzinfo=UTC)
    assert (payment.gross, payment.fee, payment.net) == (Decimal("1250.00"), Decimal("36.55"), Decimal("1213.45"))
    assert payment.email == "dana@example.com"
    assert payment.order_ref_hint == "WC-5012"
    assert by_id["7KX09876CD543210E"].order_ref_hint == "#1009"  # from the item title
    refund = by_id["9AB11111CD222222F"]
    assert (refund.kind, refund.email, refund.related_txn) == ("refund", "dana@example.com", "5TY01234AB567890C")
    assert refund.fee == Decimal("-0.73")  # PayPal gave part of its fee back
    assert by_id["1GH22222JK333333L"].kind == "other"  # memo: authorisation only
    withdrawal = by_id["2WD33333MN444444P"]
    assert (withdrawal.kind, withdrawal.gross, withdrawal.payout_id) == (
        "payout",
        Decimal("-1275.30"),
        "2WD33333MN444444P",
    )


def test_paypal_european_file_decimal_commas_and_day_first_dates() -> None:
    _, records = _read("paypal_eu.csv")
    first, second, refund, withdrawal = records
    # "03/10/2025" is 3 October: "13/10/2025" two lines down proves day-first.
    assert first.at == datetime(2025, 10, 3, 8, 15, tzinfo=UTC)  # CEST is UTC+2
    assert (first.gross, first.fee, first.net) == (Decimal("1234.56"), Decimal("35.95"), Decimal("1198.61"))
    assert (first.currency, first.order_ref_hint) == ("EUR", "#1010")
    assert second.at == datetime(2025, 10, 13, 20, 40, 5, tzinfo=UTC)
    assert (refund.gross, refund.fee, refund.net) == (Decimal("-49.90"), Decimal("-1.45"), Decimal("-48.45"))
    assert withdrawal.at == datetime(2025, 10, 27, 6, 5, tzinfo=UTC)  # CET is UTC+1
    assert withdrawal.gross == Decimal("-1198.26")


def test_ambiguous_dates_follow_the_decimal_comma() -> None:
    data = _paypal(
        '"05/10/2025","10:00:00","UTC","A","Website Payment","Completed","EUR","10,50","-0,50","10,00","a@x.eu","s@x.eu","T1","",""'
    )
    _, (record,) = read_payment_file("eu.csv", data)
    assert record.at == datetime(2025, 10, 5, 10, 0, tzinfo=UTC)


def test_ambiguous_dates_follow_a_us_time_zone() -> None:
    data = _paypal(
        '"05/10/2025","10:00:00","EST","A","Website Payment","Completed","USD","10.50","-0.50","10.00","a@x.us","s@x.us","T1","",""'
    )
    _, (record,) = read_payment_file("us.csv", data)
    assert record.at == datetime(2025, 5, 10, 15, 0, tzinfo=UTC)


def test_dates_that_cannot_be_decided_need_date_order() -> None:
    row = '"05/10/2025","10:00:00","UTC","A","Website Payment","Completed","USD","10.50","-0.50","10.00","a@x","s@x","T1","",""'
    with pytest.raises(BadInput, match=r"^x\.csv:2: Date '05/10/2025' could be day-first or month-first"):
        read_payment_file("x.csv", _paypal(row))
    _, (mdy,) = read_payment_file("x.csv", _paypal(row), date_order="MDY")
    _, (dmy,) = read_payment_file("x.csv", _paypal(row), date_order="dd/mm/yyyy")
    assert mdy.at.date().isoformat() == "2025-05-10"
    assert dmy.at.date().isoformat() == "2025-10-05"


def test_date_order_parameter_wins_and_names_the_line_it_cannot_read() -> None:
    rows = (
        '"10/07/2025","10:00:00","PDT","A","Website Payment","Completed","USD","1.00","0.00","1.00","a@x","s@x","T1","",""',
        '"10/13/2025","10:00:00","PDT","A","Website Payment","Completed","USD","1.00","0.00","1.00","a@x","s@x","T2","",""',
    )
    with pytest.raises(BadInput, match=r"^pp\.csv:3: Date '10/13/2025' is not a DD/MM/YYYY date$"):
        read_payment_file("pp.csv", _paypal(*rows), date_order="DMY")
    with pytest.raises(BadInput, match="date order must be one of DMY, MDY, YMD"):
        read_payment_file("pp.csv", _paypal(*rows), date_order="sideways")


def test_mixed_date_orders_in_one_file_are_refused() -> None:
    rows = (
        '"13/07/2025","10:00:00","GMT","A","Website Payment","Completed","USD","1.00","0.00","1.00","a@x","s@x","T1","",""',
        '"07/13/2025","10:00:00","GMT","A","Website Payment","Completed","USD","1.00","0.00","1.00","a@x","s@x","T2","",""',
    )
    with pytest.raises(BadInput, match=r"^mixed\.csv:3: Date is written MDY but line 2 is DMY"):
        read_payment_file("mixed.csv", _paypal(*rows))


def test_german_paypal_download_with_semicolons_and_dotted_dates() -> None:
    header = '"Datum";"Uhrzeit";"Zeitzone";"Name";"Typ";"Status";"Währung";"Brutto";"Gebühr";"Netto";"Absender E-Mail-Adresse";"Empfänger E-Mail-Adresse";"Transaktionscode";"Rechnungsnummer"'
    row = '"01.10.2025";"18:30:00";"Europe/Berlin";"Jan Jäger";"Handyzahlung";"Abgeschlossen";"EUR";"2.345,00";"-45,00";"2.300,00";"jan@example.de";"shop@example.de";"4DE55555";"WC-6001"'
    data = ("\ufeff" + header + "\r\n" + row + "\r\n").encode("utf-8")
    fmt, (record,) = read_payment_file("Download.CSV", data)
    assert fmt == "paypal"
    assert record.kind == "charge"
    assert record.at == datetime(2025, 10, 1, 16, 30, tzinfo=UTC)
    assert (record.gross, record.fee, record.net) == (Decimal("2345.00"), Decimal("45.00"), Decimal("2300.00"))
    assert record.order_ref_hint == "WC-6001"


def test_lf_line_endings_am_pm_times_and_windows_code_page() -> None:
    row = '"10/13/2025","3:05:09 PM","PST","Zoë","Express Checkout Payment","Completed","USD","5.00","-0.45","4.55","z@x","s@x","T9","","#1001"'
    data = _paypal(row, newline="\n").decode("utf-8").encode("cp1252")
    _, (record,) = read_payment_file("legacy.csv", data)
    assert record.at == datetime(2025, 10, 13, 23, 5, 9, tzinfo=UTC)
    assert record.order_ref_hint == "#1001"


# --- errors ---------------------------------------------------------------------------

_GOOD = '"10/13/2025","10:00:00","PDT","A","Website Payment","Completed","USD","10.00","-0.50","9.50","a@x","s@x","T1","",""'


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            _GOOD.replace('"10.00"', '"10.0x"'),
            "bad.csv:3: Gross '10.0x' is not an amount (file read with a decimal point)",
        ),
        (_GOOD.replace('"10.00"', '""'), "bad.csv:3: Gross is empty"),
        (_GOOD.replace('"9.50"', '"9.40"'), "bad.csv:3: Net 9.40 is not gross 10.00 less fee 0.50"),
        (_GOOD.replace('"10/13/2025"', '"02/30/2025"'), "bad.csv:3: Date '02/30/2025' is not a MM/DD/YYYY date"),
        (_GOOD.replace('"10:00:00"', '"25:00:00"'), "bad.csv:3: Time '25:00:00' is not a time"),
        (_GOOD.replace('"PDT"', '"Mars/Olympus"'), "bad.csv:3: TimeZone 'Mars/Olympus' is not a time zone oms knows"),
        (_GOOD.replace('"USD"', '"US$"'), "bad.csv:3: Currency 'US$' is not a currency code"),
        (_GOOD.replace('"T1"', '""'), "bad.csv:3: Transaction ID is empty"),
    ],
    ids=["amount", "empty-amount", "net", "date", "time", "zone", "currency", "transaction-id"],
)
def test_bad_values_name_file_line_column_and_value(row: str, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        read_payment_file("/somewhere/bad.csv", _paypal(_GOOD, row))
    assert caught.value.message == message


def test_missing_column_is_reported_on_the_header_line() -> None:
    data = b"balance_transaction_id,created_utc,currency,gross,fee,reporting_category\r\ntxn_1,2025-10-01,usd,1,0,charge\r\n"
    with pytest.raises(
        BadInput, match=r"^b\.csv:1: Stripe itemised balance change from activity report lacks column\(s\): net$"
    ):
        read_payment_file("b.csv", data)


def test_line_numbers_count_physical_lines() -> None:
    data = (
        b"balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,description\r\n"
        b'txn_1,2025-10-01 10:00:00,usd,1.00,0.00,1.00,charge,"two\r\nlines"\r\n'
        b"\r\n"
        b"txn_2,2025-10-01 10:00:00,usd,1.00,0.00,1.00,charge,x\r\n"
        b"txn_3,yesterday,usd,1.00,0.00,1.00,charge,x\r\n"
    )
    with pytest.raises(BadInput) as caught:
        read_payment_file("lines.csv", data)
    assert caught.value.message == "lines.csv:6: created_utc 'yesterday' is not a date and time"


def test_comma_and_point_decimals_mixed_in_one_file_are_refused() -> None:
    rows = (
        _GOOD.replace('"10.00","-0.50","9.50"', '"10,00","-0,50","9,50"'),
        _GOOD.replace('"10.00","-0.50","9.50"', '"1,234.50","0.00","1,234.50"'),
    )
    with pytest.raises(
        BadInput, match=r"^mix\.csv:3: Gross '1,234.50' is not an amount \(file read with a decimal comma\)"
    ):
        read_payment_file("mix.csv", _paypal(*rows))


# --- numbers and references ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (("1,234.56", "-35.95", "1,198.61"), "1234.56"),
        (("1.234,56", "-35,95", "1.198,61"), "1234.56"),
        (("1 234,56", "-35,95", "1 198,61"), "1234.56"),
        (("1\u00a0234,56", "-35,95", "1\u00a0198,61"), "1234.56"),
        (("1'234.56", "-35.95", "1'198.61"), "1234.56"),
        (("1234", "0", "1234"), "1234"),  # JPY: no decimals
        (("1,234,567", "0", "1,234,567"), "1234567"),
        (("$12.00", "-$0.50", "$11.50"), "12.00"),
    ],
)
def test_locale_numbers(cells: tuple[str, str, str], expected: str) -> None:
    gross, fee, net = cells
    row = _GOOD.replace('"10.00","-0.50","9.50"', f'"{gross}","{fee}","{net}"')
    _, (record,) = read_payment_file("n.csv", _paypal(row))
    assert record.gross == Decimal(expected)
    assert record.fee is not None and record.net == record.gross - record.fee


@settings(max_examples=120, deadline=None)
@given(
    cents=st.integers(min_value=-(10**9), max_value=10**9),
    style=st.sampled_from([(",", "."), (".", ","), (" ", ","), ("'", "."), ("", "."), ("", ",")]),
)
def test_amounts_round_trip_in_every_locale(cents: int, style: tuple[str, str]) -> None:
    thousands, mark = style
    whole, frac = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", thousands)
    text = f"{'-' if cents < 0 else ''}{grouped}{mark}{frac:02d}"
    row = _GOOD.replace('"10.00","-0.50","9.50"', f'"{text}","0{mark}00","{text}"')
    _, (record,) = read_payment_file("p.csv", _paypal(row))
    assert record.gross == Decimal(cents) / 100


@pytest.mark.parametrize(
    ("description", "hint"),
    [
        ("Order #1002 from Demo Shop", "#1002"),
        ("Demo Shop - Order 5012", "5012"),
        ("Bestellung Nr. 4711", "4711"),
        ("Paid shopify:1001 in full", "shopify:1001"),
        ("see https://shop.example/x", None),
        ("Payment for invoice", None),
        ("# 1003", "#1003"),
    ],
)
def test_order_reference_in_descriptions(description: str, hint: str | None) -> None:
    data = (
        "balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,description\r\n"
        f'txn_1,2025-10-01 10:00:00,usd,1.00,0.00,1.00,charge,"{description}"\r\n'
    ).encode()
    _, (record,) = read_payment_file("d.csv", data)
    assert record.order_ref_hint == hint
