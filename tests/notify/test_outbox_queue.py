"""Queueing customer messages: in the caller's transaction, once per key, rendered from
the shop's templates or the defaults; delay notices, answers, feedback requests."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from shipping.fixtures import UPS_1, SmtpSink, free_port, make_order, store_digest

from oms_cli.core.config import load_config
from oms_cli.core.errors import BadInput
from oms_cli.notify.outbox import queue_message
from tests import storedb


def outbox(db: Path) -> list[storedb.Row]:
    con = storedb.connect(db)
    try:
        return con.execute("SELECT * FROM outbox ORDER BY id").fetchall()
    finally:
        con.close()


def test_queue_message_is_idempotent_and_part_of_the_callers_transaction(store, db_path: Path) -> None:
    config = load_config()
    order_id = make_order(store)
    with store.connect() as conn:
        first = queue_message(
            conn, key="shipped:shopify:1001", order_id=order_id, kind="shipped", context={}, config=config
        )
        again = queue_message(
            conn, key="shipped:shopify:1001", order_id=order_id, kind="shipped", context={}, config=config
        )
    assert first.created and not again.created and first.id == again.id
    before = store_digest(db_path)

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with store.connect() as conn:
            queue_message(
                conn, key="delay_notice:shopify:1001", order_id=order_id, kind="delay_notice", context={}, config=config
            )
            raise Boom
    assert store_digest(db_path) == before
    assert [r["key"] for r in outbox(db_path)] == ["shipped:shopify:1001"]


def test_no_message_without_an_address(store, db_path: Path) -> None:
    order_id = make_order(store, email="not an address")
    with store.connect() as conn:
        q = queue_message(conn, key="k", order_id=order_id, kind="shipped", context={}, config=load_config())
    assert (q.id, q.created, q.skipped) == (None, False, "no usable customer e-mail address")
    assert outbox(db_path) == []


def test_unknown_kind_is_bad_input(store) -> None:
    order_id = make_order(store)
    with pytest.raises(BadInput, match="unknown message kind 'postcard'"):
        with store.connect() as conn:
            queue_message(conn, key="k", order_id=order_id, kind="postcard", context={}, config=load_config())


def test_the_shops_own_templates_win_and_html_is_escaped(
    oms, store, db_path: Path, config_file, oms_home: Path
) -> None:
    config_file({"shop": {"name": "Mugs <& Tees>"}, "notify": {"templates_dir": "mail"}})
    folder = oms_home / "mail"
    folder.mkdir()
    (folder / "shipped.subject.j2").write_text(
        "{{ shop.name }}: parcel for {{ customer.first_name }} ({{ order.ref }})\n", encoding="utf-8"
    )
    make_order(store, name="Zoë <b>Bold</b>")
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1).exit_code == 0
    (row,) = outbox(db_path)
    assert row["subject"] == "Mugs <& Tees>: parcel for Zoë (shopify:1001)"
    assert "Hello Zoë," in row["body_text"]  # the default text template still applies
    assert "Zoë &lt;b&gt;Bold&lt;/b&gt;" not in row["body_html"]  # only the first name is used…
    assert (
        "Hello Zoë," in row["body_html"] and "Mugs &lt;&amp; Tees&gt;" in row["body_html"]
    )  # …and the shop name is escaped


def test_a_broken_template_refuses_the_change_and_names_the_file(
    oms, store, db_path: Path, config_file, oms_home: Path
) -> None:
    config_file({})
    folder = oms_home / "templates"
    folder.mkdir()
    (folder / "shipped.txt.j2").write_text("Hello\n{% if customer.name %}\nno end\n", encoding="utf-8")
    make_order(store)
    before = store_digest(db_path)
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    assert r.exit_code == 3
    assert re.search(rf"{re.escape(str(folder / 'shipped.txt.j2'))}:\d+: template error", r.stderr)
    assert store_digest(db_path) == before


def test_delay_notices_for_late_expedited_orders_go_once(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink
) -> None:
    config_file({"notify": smtp_server.config()})
    past = datetime.now(UTC) - timedelta(hours=2)
    make_order(store, "shopify:1", service_level="expedited", ship_by=past, status="picking", email="late@example.com")
    make_order(store, "shopify:2", service_level="next_day", ship_by=past, status="ready", email="late2@example.com")
    make_order(store, "shopify:3", service_level="standard", ship_by=past, status="ready")
    make_order(
        store, "shopify:4", service_level="expedited", ship_by=datetime.now(UTC) + timedelta(hours=5), status="ready"
    )
    make_order(store, "shopify:5", service_level="expedited", ship_by=past, status="cancelled")
    make_order(store, "shopify:6", service_level="expedited", ship_by=past, status="packed")
    oms("ship", "shopify:6", "-c", "ups", "-t", UPS_1)
    r = oms("notify", "send")
    assert r.exit_code == 0
    assert "queued 2 delay notice(s)" in r.stderr
    late = sorted((m["To"], m["Subject"]) for m in smtp_server.messages if "late" in m["Subject"])
    assert late == [
        ("late2@example.com", "Your order 2 is running late"),
        ("late@example.com", "Your order 1 is running late"),
    ]
    assert oms("notify", "send").exit_code == 0
    assert len(smtp_server.messages) == 3  # two notices and the shipped message, nothing again
    body = next(m for m in smtp_server.messages if m["To"] == "late2@example.com").get_body(("plain",)).get_content()
    assert "next day delivery" in body


def test_answers_to_special_instructions_are_sent_once(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink
) -> None:
    config_file({"notify": smtp_server.config()})
    make_order(store, notes="Can you engrave it 'For Grace'?", status="ready")
    assert oms("orders", "ack", "shopify:1001", "--reply", "Yes, engraved for free.\nEnjoy!").exit_code == 0
    r = oms("notify", "send")
    assert r.exit_code == 0
    assert "1 instruction answer(s)" in r.stderr
    (msg,) = smtp_server.messages
    assert msg["Subject"] == "About your note on order 1001"
    text = msg.get_body(("plain",)).get_content()
    assert "Can you engrave it 'For Grace'?" in text and "Yes, engraved for free." in text
    assert "engraved for free.<br>" in msg.get_body(("html",)).get_content()
    assert [r["key"] for r in outbox(db_path)] == ["instruction_reply:shopify:1001"]
    assert oms("notify", "send").exit_code == 0
    assert len(smtp_server.messages) == 1


def test_the_feedback_request_waits_for_its_delay(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink
) -> None:
    config_file({"notify": smtp_server.config() | {"feedback_delay_hours": 24}})
    make_order(store, "shopify:1001")
    make_order(store, "shopify:1002", email="bo@example.com")
    for ref, number in (("shopify:1001", UPS_1), ("shopify:1002", "1Z879E930346834440")):
        assert oms("ship", ref, "-c", "ups", "-t", number).exit_code == 0
    con = storedb.connect(db_path)
    con.execute(
        "UPDATE packages SET shipped_at = ?",
        ((datetime.now(UTC) - timedelta(days=5)).strftime("%Y-%m-%d %H:%M:%S.000000"),),
    )
    con.commit()
    con.close()
    assert oms("deliver", "shopify:1001").exit_code == 0
    assert oms("deliver", "shopify:1002", "--at", (datetime.now(UTC) - timedelta(days=2)).isoformat()).exit_code == 0
    assert oms("notify", "send").exit_code == 0
    requests = [m for m in smtp_server.messages if m["Subject"].startswith("How did we do")]
    assert [m["To"] for m in requests] == ["bo@example.com"]
    waiting = [r for r in outbox(db_path) if r["kind"] == "delivered_feedback_request" and r["status"] == "queued"]
    assert [r["key"] for r in waiting] == ["delivered_feedback_request:shopify:1001"]


def test_return_instructions_carry_the_label(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink, tmp_path: Path
) -> None:
    config_file(
        {"notify": smtp_server.config(), "shop": {"return_instructions": "Drop the parcel at any post office."}}
    )
    config = load_config()
    order_id = make_order(store, status="delivered")
    label = tmp_path / "RMA-000123-label.pdf"
    label.write_bytes(b"%PDF-1.4 a return label\n%%EOF\n")
    with store.connect() as conn:
        q = queue_message(
            conn,
            key="return_instructions:RMA-000123",
            order_id=order_id,
            kind="return_instructions",
            context={
                "rma": "RMA-000123",
                "label_path": str(label),
                "return_items": [{"sku": "MUG-1", "name": "Mug", "quantity": 1}],
            },
            config=config,
        )
    assert q.created
    label.unlink()  # the outbox kept its own copy
    r = oms("notify", "show", str(q.id))
    assert r.exit_code == 0 and "Attachments: RMA-000123-label.pdf" in r.stdout
    assert oms("notify", "send").exit_code == 0
    (msg,) = smtp_server.messages
    assert msg["Subject"] == "Your return RMA-000123 for order 1001"
    assert msg.get_content_type() == "multipart/mixed"
    text = msg.get_body(("plain",)).get_content()
    assert "Drop the parcel at any post office." in text and "label is attached" in text and "1 x Mug" in text
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "RMA-000123-label.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.4 a return label\n%%EOF\n"


def test_a_missing_attachment_is_bad_input(store, tmp_path: Path) -> None:
    order_id = make_order(store)
    with pytest.raises(BadInput, match="nope.pdf: attachment for message r:1 not found"):
        with store.connect() as conn:
            queue_message(
                conn,
                key="r:1",
                order_id=order_id,
                kind="return_instructions",
                context={"rma": "R1", "label_path": str(tmp_path / "nope.pdf")},
                config=load_config(),
            )


def test_list_and_show(oms, store) -> None:
    make_order(store)
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    r = oms("--json", "notify", "list", "--queued")
    assert r.exit_code == 0
    (m,) = r.json()
    assert (m["order"], m["kind"], m["status"], m["to"]) == ("shopify:1001", "shipped", "queued", "ada@example.com")
    assert oms("--json", "notify", "list", "--sent").json() == []
    assert oms("--json", "notify", "list", "--order", "1001").json()[0]["id"] == m["id"]
    r = oms("notify", "show", str(m["id"]))
    assert "Subject: Your order 1001 is on its way" in r.stdout and UPS_1 in r.stdout
    assert oms("notify", "show", "999").exit_code == 4
    assert oms("notify", "retry", "999").exit_code == 4
    r = oms("notify", "list")
    assert r.exit_code == 0 and "shopify:1001" in r.stdout


def test_templates_copy_gives_editable_defaults(oms, config_file, oms_home: Path) -> None:
    config_file({})
    r = oms("--json", "notify", "templates", "--copy")
    assert r.exit_code == 0
    data = r.json()
    assert data["folder"] == str(oms_home / "templates")
    names = {t["template"] for t in data["templates"]}
    for kind in (
        "shipped",
        "delivered_feedback_request",
        "instruction_reply",
        "delay_notice",
        "feedback_thanks",
        "return_instructions",
    ):
        assert {f"{kind}.subject.j2", f"{kind}.txt.j2", f"{kind}.html.j2"} <= names
    assert all(t["shop_version"] for t in data["templates"])
    edited = oms_home / "templates" / "shipped.subject.j2"
    edited.write_text("changed\n", encoding="utf-8")
    assert oms("--json", "notify", "templates", "--copy").json()["copied"] == []
    assert edited.read_text(encoding="utf-8") == "changed\n"


def test_an_answer_changed_before_it_went_out_is_sent_as_changed(oms, store, db_path: Path, config_file) -> None:
    sink = SmtpSink(port=free_port())
    config_file({"notify": sink.config()})
    make_order(store, notes="Ring the bell twice", status="ready")
    oms("orders", "ack", "shopify:1001", "--reply", "We will.")
    assert oms("notify", "send").exit_code == 7  # queued, but the server is down
    oms("orders", "ack", "shopify:1001", "--reply", "Sorry, our courier cannot promise that.")
    sink.start()
    try:
        assert oms("notify", "send").exit_code == 0
        (msg,) = sink.messages
        text = msg.get_body(("plain",)).get_content()
        assert "Sorry, our courier cannot promise that." in text and "We will." not in text
    finally:
        sink.stop()
