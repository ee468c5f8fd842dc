"""`oms payments ack`: an explained finding stops making reconcile exit 9 (for cron), and
comes back the moment it changes, against a real store."""

from __future__ import annotations

import csv
import io
from typing import Any

from returns.fixtures import store_digest, table_counts
from test_payments_reconcile_store import FILES, reconciled, shop  # noqa: F401 - fixture


def _keys(out: dict[str, Any]) -> set[str]:
    keys = {f"unpaid_shipped:{o['order_ref']}" for o in out["unpaid_shipped"]}
    keys |= {f"unmatched_payment:{p['transaction_id']}" for p in out["unmatched_payments"]}
    keys |= {f"amount_mismatch:{m['order_ref']}" for m in out["amount_mismatches"]}
    keys |= {f"unrecorded_refund:{r['order_ref']}" for r in out["unrecorded_refunds"]}
    return keys


def test_acknowledging_every_finding_lets_reconcile_pass_and_lists_them(oms, shop) -> None:
    assert oms("payments", "import", *FILES).exit_code == 0
    code, out = reconciled(oms)
    assert code == 9
    keys = _keys(out)
    assert len(keys) >= 4
    # the CSV names each finding by the key ack takes
    rows = list(csv.DictReader(io.StringIO(oms("payments", "reconcile", "--csv").stdout)))
    assert {r["finding"] for r in rows if r["finding"]} == keys
    assert all(r["finding"] == "" for r in rows if r["category"] in ("payout", "cod_awaiting_cash"))

    for key in sorted(keys):
        r = oms("payments", "ack", key, "--note", f"explained {key}")
        assert r.exit_code == 0, r.stderr
        assert f"{key}: acknowledged" in r.stderr
    code, out = reconciled(oms)
    assert code == 0
    assert out["needs_attention"] is False
    assert {a["finding"]: a["note"] for a in out["acknowledged"]} == {k: f"explained {k}" for k in keys}
    assert out["counts"]["acknowledged"] == len(keys)
    # human output lists them under their own heading
    r = oms("payments", "reconcile")
    assert r.exit_code == 0
    assert "Acknowledged" in r.stdout


def test_ack_twice_replaces_the_note_and_undo_brings_the_finding_back(oms, shop, db_path) -> None:
    assert oms("payments", "import", *FILES).exit_code == 0
    key = sorted(_keys(reconciled(oms)[1]))[0]
    assert oms("payments", "ack", key, "--note", "first").exit_code == 0
    r = oms("--json", "payments", "ack", key, "--note", "second")
    assert r.exit_code == 0, r.stderr
    assert r.json()["note"] == "second" and r.json()["finding"] == key
    assert [a["note"] for a in reconciled(oms)[1]["acknowledged"]] == ["second"]
    assert table_counts(db_path)["payment_acks"] == 1

    r = oms("payments", "ack", key, "--undo")
    assert r.exit_code == 0, r.stderr
    code, out = reconciled(oms)
    assert code == 9 and key in _keys(out) and out["acknowledged"] == []
    r = oms("payments", "ack", key, "--undo")
    assert r.exit_code == 4
    assert f"no acknowledgement of {key}" in r.stderr


def test_a_finding_that_changes_needs_attention_again(oms, shop) -> None:
    assert oms("payments", "import", *FILES).exit_code == 0
    unpaid = [o for o in reconciled(oms)[1]["unpaid_shipped"] if o["order_ref"] == "shopify:1050"]
    assert unpaid, "shopify:1050 is shipped and unpaid in the sample data"
    third = f"{float(unpaid[0]['total']) / 3:.2f}"
    # a third arrives: the order now has an amount that differs, and the owner explains it
    assert oms("payments", "record", "shopify:1050", third, "--method", "bank_transfer").exit_code == 0
    key = "amount_mismatch:shopify:1050"
    assert key in _keys(reconciled(oms)[1])
    assert oms("payments", "ack", key, "--note", "the rest comes by bank next week").exit_code == 0
    assert key not in _keys(reconciled(oms)[1])
    # another third: the difference is no longer the one explained
    again = oms("payments", "record", "shopify:1050", third, "--method", "bank_transfer", "--again")
    assert again.exit_code == 0, again.stderr
    code, out = reconciled(oms)
    assert code == 9
    assert key in _keys(out)
    assert all(a["finding"] != key for a in out["acknowledged"])


def test_bad_acks_are_refused_and_change_nothing(oms, shop, db_path) -> None:
    assert oms("payments", "import", *FILES).exit_code == 0
    key = sorted(_keys(reconciled(oms)[1]))[0]
    counts, digest = table_counts(db_path), store_digest(db_path)
    r = oms("payments", "ack", "amount_mismatch:shopify:9999", "--note", "x")
    assert r.exit_code == 4
    assert "no open finding amount_mismatch:shopify:9999" in r.stderr
    r = oms("payments", "ack", key)
    assert r.exit_code == 2
    assert "--note" in r.stderr
    r = oms("payments", "ack", key, "--note", "   ")
    assert r.exit_code == 2
    assert table_counts(db_path) == counts
    assert store_digest(db_path) == digest
