"""The sample payment files shipped in examples/payments stay readable."""

from __future__ import annotations

from pathlib import Path

import pytest

from oms_cli.payments.parsers import read_payment_file

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "payments"


@pytest.mark.parametrize(("name", "fmt"), [("stripe_balance.csv", "stripe_balance"), ("paypal_activity.csv", "paypal")])
def test_example_payment_files_read(name: str, fmt: str) -> None:
    detected, records = read_payment_file(name, (EXAMPLES / name).read_bytes())
    assert detected == fmt
    assert records
    assert {r.kind for r in records} >= {"charge", "payout"}
