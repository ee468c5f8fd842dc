"""The order lifecycle: allowed and refused transitions, and the commands that steer orders."""

from __future__ import annotations

import pytest

from oms_cli.core.errors import Refused
from oms_cli.importers.model import STATUSES
from oms_cli.orders.lifecycle import TRANSITIONS, can_transition, check_transition
from tests.conftest import EXAMPLES, store_digest

ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in sorted(targets)]
REFUSED = [(a, b) for a in STATUSES for b in STATUSES if b not in TRANSITIONS[a] and a != b]


def test_every_status_has_its_transitions_defined() -> None:
    assert set(TRANSITIONS) == set(STATUSES)
    assert all(t <= set(STATUSES) for t in TRANSITIONS.values())


@pytest.mark.parametrize("current,target", ALLOWED)
def test_allowed(current: str, target: str) -> None:
    assert can_transition(current, target)
    check_transition("x:1", current, target)


@pytest.mark.parametrize("current,target", REFUSED)
def test_refused(current: str, target: str) -> None:
    assert not can_transition(current, target)
    with pytest.raises(Refused, match=f"x:1: cannot move from {current} to {target}"):
        check_transition("x:1", current, target)


def test_final_states_go_nowhere() -> None:
    assert TRANSITIONS["cancelled"] == frozenset() and TRANSITIONS["returned"] == frozenset()


def _set_status(db_path, ref: str, status: str) -> None:  # type: ignore[no-untyped-def]
    from tests import storedb

    con = storedb.connect(db_path)
    with con:
        con.execute("UPDATE orders SET status=? WHERE ref=?", (status, ref))
    con.close()


def test_cancel_hold_and_tag_write_events_and_are_safe_to_repeat(oms, db_path) -> None:
    assert oms("import", EXAMPLES / "shopify_orders.csv").exit_code == 0
    r = oms("--json", "orders", "hold", "shopify:1041", "--reason", "incorrect_address", "--note", "no flat number")
    assert r.exit_code == 0 and r.json()["changed"] is True
    assert oms("--json", "orders", "hold", "shopify:1041", "--reason", "incorrect_address").json()["changed"] is False
    assert oms("--json", "orders", "tag", "shopify:1041", "vip", "gift").json()["tags"][-2:] == ["vip", "gift"]
    assert oms("--json", "orders", "tag", "shopify:1041", "vip").json()["changed"] is False
    assert oms("--json", "orders", "cancel", "shopify:1041").json()["changed"] is True
    again = oms("--json", "orders", "cancel", "shopify:1041")
    assert again.exit_code == 0 and again.json()["changed"] is False
    events = oms("--json", "orders", "show", "1041").json()["events"]
    assert [(e["from"], e["to"]) for e in events if e["kind"] == "status"] == [
        (None, "new"),
        ("new", "on_hold"),
        ("on_hold", "cancelled"),
    ]
    assert [e["command"] for e in events] == ["import", "orders hold", "orders tag", "orders cancel"]


def test_cancelling_a_shipped_order_is_refused_and_changes_nothing(oms, db_path) -> None:
    assert oms("import", EXAMPLES / "shopify_orders.csv").exit_code == 0
    _set_status(db_path, "shopify:1042", "shipped")
    before = store_digest(db_path)
    r = oms("orders", "cancel", "shopify:1042")
    assert r.exit_code == 5
    assert "shopify:1042 is shipped: only orders not yet shipped can be cancelled" in r.stderr
    assert "oms returns open" in r.stderr
    assert store_digest(db_path) == before


def test_unknown_hold_reason_is_a_usage_error(oms) -> None:
    assert oms("import", EXAMPLES / "shopify_orders.csv").exit_code == 0
    r = oms("orders", "hold", "shopify:1041", "--reason", "because")
    assert r.exit_code == 2
    assert "awaiting_payment" in r.stderr


def test_ambiguous_external_id_asks_for_the_channel(oms, tmp_path) -> None:
    import json

    assert oms("import", EXAMPLES / "shopify_orders.csv").exit_code == 0
    line = oms("orders", "export", "--format", "jsonl").stdout.splitlines()[0]
    order = json.loads(line)
    order["channel"] = "csv"
    order["ref"] = f"csv:{order['external_id']}"
    f = tmp_path / "dup.jsonl"
    f.write_text(json.dumps(order) + "\n")
    assert oms("import", "--channel", "jsonl", f).exit_code == 0
    r = oms("orders", "show", order["external_id"])
    assert r.exit_code == 2
    assert "ambiguous" in r.stderr


def test_internal_error_writes_a_log_and_debug_shows_it(oms, oms_home, monkeypatch) -> None:
    import oms_cli.orders.service as service

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "list_orders", broken)
    r = oms("orders", "list")
    assert r.exit_code == 1
    assert "internal error: RuntimeError: boom" in r.stderr
    logs = list((oms_home / "home" / "state" / "oms").glob("crash-*.log"))
    assert len(logs) == 1 and "RuntimeError: boom" in logs[0].read_text()
    assert str(logs[0]) in r.stderr
    r = oms("--debug", "orders", "list")
    assert r.exit_code == 1
    assert "Traceback" in r.stderr


def test_a_misspelt_status_filter_is_a_usage_error(oms) -> None:
    assert oms("import", EXAMPLES / "shopify_orders.csv").exit_code == 0
    for args in (
        ("orders", "list", "--status", "shiped"),
        ("orders", "export", "--status", "shiped"),
        ("queue", "--status", "shiped"),
    ):
        r = oms(*args)
        assert r.exit_code == 2, args
        assert "unknown status shiped" in r.stderr
