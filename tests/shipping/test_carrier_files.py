"""Reading shipment lists and delivery reports (pure): columns, times, costs, statuses."""

from __future__ import annotations

from datetime import UTC, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from oms_cli.core.errors import BadInput
from oms_cli.shipping.carrier_files import (
    is_delivered_status,
    parse_cost,
    parse_time,
    read_delivery_report,
    read_ship_list,
)

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20 14:03", datetime(2026, 11, 20, 14, 3, tzinfo=UTC)),
        ("2026-11-20T14:03:00+01:00", datetime(2026, 11, 20, 13, 3, tzinfo=UTC)),
        ("2026-11-20T14:03:00Z", datetime(2026, 11, 20, 14, 3, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 20, 0, 0, tzinfo=UTC)),
        ("11/20/2026 2:03 PM", datetime(2026, 11, 20, 14, 3, tzinfo=UTC)),
        ("11/20/2026 12:10 AM", datetime(2026, 11, 20, 0, 10, tzinfo=UTC)),
        ("20.11.2026 14:03", datetime(2026, 11, 20, 14, 3, tzinfo=UTC)),
    ],
)
def test_times(text: str, expected: datetime) -> None:
    assert parse_time(text, now=NOW) == expected


def test_times_without_offset_are_local() -> None:
    assert parse_time("2026-11-20 09:00", ZoneInfo("America/New_York"), NOW) == datetime(
        2026, 11, 20, 14, 0, tzinfo=UTC
    )


@pytest.mark.parametrize("text", ["2026-11-21", "2026-11-20 20:00", "yesterday", "2026-02-30", "13/45/2026"])
def test_bad_or_future_times(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text, now=NOW)


@pytest.mark.parametrize(
    ("text", "value"),
    [("7.45", "7.45"), ("$7.45", "7.45"), ("7,45 €", "7.45"), ("1,234.50", "1234.50"), ("EUR 12", "12"), ("0", "0")],
)
def test_costs(text: str, value: str) -> None:
    assert parse_cost(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "-3.00", "1.2.3", ""])
def test_bad_costs(text: str) -> None:
    with pytest.raises(ValueError):
        parse_cost(text)


@pytest.mark.parametrize(
    ("status", "delivered"),
    [
        ("Delivered", True),
        ("DELIVERED - front door", True),
        ("", True),
        (None, True),
        ("DLV", True),
        ("POD", True),
        ("In transit", False),
        ("Out for delivery", False),
        ("Delivery attempted", False),
        ("Undeliverable", False),
        ("Not delivered", False),
        ("Returned to sender", False),
        ("Delivery exception", False),
    ],
)
def test_delivery_statuses(status: str | None, delivered: bool) -> None:
    assert is_delivered_status(status) is delivered


def test_ship_list_reports_every_bad_row_at_once() -> None:
    text = "order;carrier;tracking;package;cost\n1001;ups;1Z5R89390357567128;0;x\n;;;;\n1002;;1Z5R89390357567127;;\n"
    with pytest.raises(BadInput) as err:
        read_ship_list(text, "in.csv")
    lines = err.value.message.splitlines()
    assert lines[0].startswith("in.csv:2: tracking 1Z5R89390357567128 is not a valid UPS number")
    assert lines[1:] == [
        "in.csv:2: package '0' is not a package number (1, 2, …)",
        "in.csv:2: cost 'x' is not an amount",
        "in.csv:4: carrier is empty",
    ]
    assert err.value.hint == "4 bad rows; nothing was changed"


def test_ship_list_default_carrier_and_unknown_carrier_warning() -> None:
    rows = read_ship_list("order,tracking\n1001,1Z5R89390357567127\n", "in.csv", default_carrier="ups")
    assert (rows[0].carrier, rows[0].tracking, rows[0].warning) == ("ups", "1Z5R89390357567127", None)
    rows = read_ship_list("1001,Hermes,H123\n", "in.csv")
    assert rows[0].warning == "carrier 'Hermes' is not known; number not checked"


def test_empty_files() -> None:
    with pytest.raises(BadInput, match="in.csv: the file is empty"):
        read_ship_list("\n\n", "in.csv")
    with pytest.raises(BadInput, match="in.csv: no shipments"):
        read_ship_list("order,carrier,tracking\n", "in.csv")


def test_delivery_report_rows() -> None:
    rows = read_delivery_report(
        "Status,Tracking,Delivered On\nDelivered,1z 5r8 939 0357 5671 27,2026-11-19 10:00\nIn transit,X1,\n",
        "d.csv",
        now=NOW,
    )
    assert [(r.line, r.tracking, r.delivered, r.delivered_at) for r in rows] == [
        (2, "1Z5R89390357567127", True, datetime(2026, 11, 19, 10, 0, tzinfo=UTC)),
        (3, "X1", False, None),
    ]
    with pytest.raises(BadInput, match=r"d.csv:2: delivered_at is empty"):
        read_delivery_report("tracking,delivered_at\nX1,\n", "d.csv", now=NOW)
