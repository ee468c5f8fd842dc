"""Customers hear each thing once and in order (against a real SMTP server): the answer to
a special instruction before "on its way", no feedback request once they have answered,
no thank-you for a complaint, delay notices only when the shop wants them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from shipping.fixtures import UPS_1, SmtpSink, make_order
from storedb import connect, rows


def statuses(db: Path) -> dict[str, str]:
    return {r[0]: r[1] for r in rows(db, "SELECT key, status FROM outbox ORDER BY id")}


def test_the_answer_to_an_instruction_arrives_before_on_its_way(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink
) -> None:
    config_file({"notify": smtp_server.config()})
    make_order(store, notes="Please gift-wrap it", instruction_state="pending")
    assert oms("orders", "ack", "shopify:1001", "--reply", "Wrapped in blue paper.").exit_code == 0
    # "on its way" is queued at ship, the answer only by the next send: both go in that send
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1).exit_code == 0
    r = oms("notify", "send")
    assert r.exit_code == 0, r.stderr
    assert [m["Subject"] for m in smtp_server.messages] == [
        "About your note on order 1001",
        "Your order 1001 is on its way",
    ]


def test_on_its_way_waits_while_the_answer_cannot_be_delivered(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink
) -> None:
    config_file({"notify": smtp_server.config()})
    make_order(store, notes="Please gift-wrap it", instruction_state="pending")
    assert oms("orders", "ack", "shopify:1001", "--reply", "Wrapped in blue paper.").exit_code == 0
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1).exit_code == 0
    smtp_server.tempfail.add("ada@example.com")
    r = oms("notify", "send")
    assert r.exit_code == 6  # the answer will be retried
    assert "instruction_reply:shopify:1001) will be retried" in r.stderr
    assert smtp_server.messages == []
    assert set(statuses(db_path).values()) == {"queued"}  # "on its way" not even tried
    tries = {r[0]: r[1] for r in rows(db_path, "SELECT kind, attempts FROM outbox")}
    with connect(db_path) as con:
        con.execute("UPDATE outbox SET next_attempt_at = NULL")  # the retry time has come
    assert tries == {"instruction_reply": 1, "shipped": 0}
    smtp_server.tempfail.clear()
    assert oms("notify", "send").exit_code == 0
    assert [m["Subject"] for m in smtp_server.messages] == [
        "About your note on order 1001",
        "Your order 1001 is on its way",
    ]


def test_a_feedback_request_is_withdrawn_once_the_customer_has_answered(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink
) -> None:
    config_file({"notify": smtp_server.config() | {"feedback_delay_hours": 0}})
    make_order(store)
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1).exit_code == 0
    assert oms("deliver", "shopify:1001").exit_code == 0
    assert statuses(db_path)["delivered_feedback_request:shopify:1001"] == "queued"
    r = oms("--json", "feedback", "add", "shopify:1001", "--rating", "5", "--comment", "Lovely")
    assert r.exit_code == 0, r.stderr
    assert r.json()["withdrawn"] == ["delivered_feedback_request:shopify:1001"]
    assert statuses(db_path)["delivered_feedback_request:shopify:1001"] == "withdrawn"
    assert oms("notify", "send").exit_code == 0
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert "Thank you for your feedback" in subjects
    assert not any("feedback" in s.lower() and "thank" not in s.lower() for s in subjects), subjects
    r = oms("--json", "notify", "list", "--withdrawn")
    assert r.exit_code == 0, r.stderr
    assert "delivered_feedback_request:shopify:1001" in r.stdout


def test_feedback_before_delivery_means_no_request_is_queued(oms, store, db_path: Path, config_file) -> None:
    make_order(store)
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1).exit_code == 0
    assert oms("feedback", "add", "shopify:1001", "--rating", "4").exit_code == 0
    assert oms("deliver", "shopify:1001").exit_code == 0
    assert "delivered_feedback_request:shopify:1001" not in statuses(db_path)


def test_a_complaint_is_never_thanked(oms, store, db_path: Path, config_file, smtp_server: SmtpSink) -> None:
    config_file({"notify": smtp_server.config()})
    make_order(store, status="delivered")
    r = oms("--json", "feedback", "add", "shopify:1001", "--rating", "5", "--comment", "The candle melted in the box")
    assert r.exit_code == 0, r.stderr
    assert r.json()["thanks"] is None and r.json()["problem_id"] is not None
    make_order(store, "shopify:1002", status="delivered", email="bo@example.com")
    assert oms("feedback", "add", "shopify:1002", "--rating", "5", "--comment", "Great").exit_code == 0
    # a second word from the same customer, a complaint, before the thank-you went out
    r = oms("--json", "feedback", "add", "shopify:1002", "--rating", "2", "--comment", "Actually it leaks")
    assert r.exit_code == 0, r.stderr
    assert r.json()["withdrawn"] == ["feedback_thanks:shopify:1002"]
    assert oms("notify", "send").exit_code == 0
    assert smtp_server.messages == []


def test_delay_notices_follow_the_switch_and_the_threshold(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink
) -> None:
    now = datetime.now(UTC)
    make_order(store, "shopify:1", service_level="expedited", ship_by=now - timedelta(hours=2), status="ready")
    make_order(store, "shopify:2", service_level="next_day", ship_by=now - timedelta(hours=30), status="ready")
    config_file({"notify": smtp_server.config() | {"delay_notices": False}})
    assert oms("notify", "send").exit_code == 0
    assert statuses(db_path) == {}
    config_file({"notify": smtp_server.config() | {"delay_after_hours": 24}})
    r = oms("notify", "send")
    assert r.exit_code == 0, r.stderr
    assert "queued 1 delay notice(s)" in r.stderr
    assert list(statuses(db_path)) == ["delay_notice:shopify:2"]
