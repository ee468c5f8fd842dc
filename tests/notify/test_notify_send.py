"""`oms notify send` against a real SMTP server (aiosmtpd on 127.0.0.1): exactly the
expected messages, exactly once, also with the server down and two senders at once."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from shipping.fixtures import UPS_1, UPS_2, SmtpSink, free_port, make_order, store_digest

from tests import storedb


def outbox(db: Path) -> list[storedb.Row]:
    con = storedb.connect(db)
    try:
        return con.execute("SELECT * FROM outbox ORDER BY id").fetchall()
    finally:
        con.close()


def shipped_orders(oms, store, n: int, prefix: str = "shopify:") -> None:  # type: ignore[no-untyped-def]
    """n shipped orders, each with its "on its way" message queued (the first with UPS_1)."""
    from shipping.fixtures import UPS_3

    numbers = [UPS_1, UPS_2, UPS_3]
    for i in range(n):
        ref = f"{prefix}{2000 + i}"
        make_order(store, ref, email=f"customer{i}@example.com", name=f"Customer {i}")
        # Unknown carrier for the rest: any number is accepted, so each order gets its own.
        carrier, number = ("ups", numbers[i]) if i < 3 else ("Local Courier", f"LC{i:06d}")
        assert oms("ship", ref, "-c", carrier, "-t", number).exit_code == 0


def test_the_shipped_message_arrives_once_with_both_parts(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink
) -> None:
    config_file(
        {
            "shop": {"name": "Teapot & Co"},
            "notify": smtp_server.config()
            | {"from": "Teapot & Co <orders@teapot.example>", "reply_to": "help@teapot.example"},
        }
    )
    make_order(store)
    assert oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1).exit_code == 0
    r = oms("notify", "send")
    assert r.exit_code == 0, r.stderr
    assert "1 sent" in r.stderr
    assert len(smtp_server.received) == 1
    got = smtp_server.received[0]
    assert got.mail_from == "orders@teapot.example"
    assert got.rcpt_tos == ["ada@example.com"]
    msg = got.message
    assert msg["From"] == "Teapot & Co <orders@teapot.example>"
    assert msg["To"] == "ada@example.com"
    assert msg["Reply-To"] == "help@teapot.example"
    assert msg["Subject"] == "Your order 1001 is on its way"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Date"]
    assert msg.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in msg.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    link = f"https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums={UPS_1}"
    assert link in text and "Hello Ada" in text and "Teapot & Co" in text
    assert f'href="{link.replace("&", "&amp;")}"' in html and "Teapot &amp; Co" in html
    assert "2 x TEE-M name" in text
    (row,) = outbox(db_path)
    assert row["status"] == "sent" and row["attempts"] == 1 and row["sent_at"]
    assert row["message_id"] == msg["Message-ID"]
    assert row["message_id"].endswith("@teapot.example>")
    # A second run sends nothing more.
    r = oms("notify", "send")
    assert r.exit_code == 0
    assert len(smtp_server.received) == 1


def test_with_the_server_down_messages_wait_and_go_once_when_it_is_back(oms, store, db_path: Path, config_file) -> None:
    sink = SmtpSink(port=free_port())
    config_file({"notify": sink.config()})
    shipped_orders(oms, store, 3)
    r = oms("notify", "send")
    assert r.exit_code == 7
    assert "cannot be reached" in r.stderr and "3 messages left queued" in r.stderr
    assert [(m["status"], m["attempts"]) for m in outbox(db_path)] == [("queued", 0)] * 3
    sink.start()
    try:
        assert oms("notify", "send").exit_code == 0
        assert oms("notify", "send").exit_code == 0
        assert sorted(m["To"] for m in sink.messages) == [
            "customer0@example.com",
            "customer1@example.com",
            "customer2@example.com",
        ]
        assert {m["status"] for m in outbox(db_path)} == {"sent"}
    finally:
        sink.stop()


def test_two_senders_at_once_deliver_each_message_exactly_once(
    oms, oms_proc, store, db_path: Path, config_file
) -> None:
    sink = SmtpSink(port=free_port(), delay_s=0.05)
    config_file({"notify": sink.config()})
    shipped_orders(oms, store, 24)
    sink.start()
    try:
        procs = [oms_proc("notify", "send") for _ in range(2)]
        results = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], results
        ids = [m["Message-ID"] for m in sink.messages]
        assert len(ids) == 24 and len(set(ids)) == 24
        rows = outbox(db_path)
        assert {r["status"] for r in rows} == {"sent"} and {r["attempts"] for r in rows} == {1}
        assert sorted(r["message_id"] for r in rows) == sorted(ids)
    finally:
        sink.stop()
    # Nothing is left due, so a later run does not even need the (now stopped) server.
    assert oms("notify", "send").exit_code == 0


def test_notify_auto_sends_right_after_ship(oms, store, db_path: Path, config_file, smtp_server: SmtpSink) -> None:
    config_file({"notify": smtp_server.config() | {"auto": True}})
    make_order(store)
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    assert r.exit_code == 0
    assert "customer notified" in r.stderr
    assert [m["Subject"] for m in smtp_server.messages] == ["Your order 1001 is on its way"]
    assert outbox(db_path)[0]["status"] == "sent"


def test_notify_auto_with_the_server_down_ships_and_keeps_the_message(oms, store, db_path: Path, config_file) -> None:
    config_file({"notify": SmtpSink(port=free_port()).config() | {"auto": True}})
    make_order(store)
    r = oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    assert r.exit_code == 0
    assert "customer message left queued" in r.stderr
    assert outbox(db_path)[0]["status"] == "queued"


def test_temporary_refusals_back_off_then_fail_and_retry_brings_them_back(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink
) -> None:
    config_file({"notify": smtp_server.config() | {"backoff_s": 0, "max_attempts": 3}})
    make_order(store, email="busy@example.com")
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    smtp_server.tempfail.add("busy@example.com")
    r = oms("notify", "send")
    assert r.exit_code == 6
    assert "will be retried" in r.stderr and "451" in r.stderr
    (row,) = outbox(db_path)
    assert (row["status"], row["attempts"]) == ("queued", 1)
    assert row["next_attempt_at"] and "451" in row["last_error"]
    assert oms("notify", "send").exit_code == 6
    r = oms("notify", "send")
    assert r.exit_code == 6 and "failed" in r.stderr
    (row,) = outbox(db_path)
    assert (row["status"], row["attempts"]) == ("failed", 3)
    r = oms("--json", "notify", "list", "--failed")
    assert [m["id"] for m in r.json()] == [row["id"]]
    assert oms("notify", "send").exit_code == 0  # a failed message is not retried by itself
    assert smtp_server.received == []
    smtp_server.tempfail.clear()
    r = oms("notify", "retry", str(row["id"]))
    assert r.exit_code == 0 and "queued again" in r.stderr
    assert oms("notify", "send").exit_code == 0
    assert len(smtp_server.received) == 1
    assert smtp_server.messages[0]["Message-ID"] == outbox(db_path)[0]["message_id"]
    r = oms("notify", "retry", str(row["id"]))
    assert r.exit_code == 5 and "would duplicate" in r.stderr


def test_backoff_keeps_a_deferred_message_waiting(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink
) -> None:
    config_file({"notify": smtp_server.config() | {"backoff_s": 3600}})
    make_order(store, email="busy@example.com")
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    smtp_server.tempfail.add("busy@example.com")
    assert oms("notify", "send").exit_code == 6
    smtp_server.tempfail.clear()
    assert oms("notify", "send").exit_code == 0  # not due again for an hour
    assert smtp_server.received == []
    (row,) = outbox(db_path)
    wait = datetime.fromisoformat(row["next_attempt_at"]) - datetime.now(UTC).replace(tzinfo=None)
    assert timedelta(minutes=55) < wait <= timedelta(hours=1)


def test_a_permanent_refusal_fails_at_once(oms, store, db_path: Path, config_file, smtp_server: SmtpSink) -> None:
    config_file({"notify": smtp_server.config()})
    make_order(store, email="gone@example.com")
    make_order(store, "shopify:1002", email="fine@example.com")
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    oms("ship", "shopify:1002", "-c", "ups", "-t", UPS_2)
    smtp_server.reject.add("gone@example.com")
    r = oms("notify", "send")
    assert r.exit_code == 6
    assert [(m["to_addr"], m["status"], m["attempts"]) for m in outbox(db_path)] == [
        ("gone@example.com", "failed", 1),
        ("fine@example.com", "sent", 1),
    ]
    assert "550" in outbox(db_path)[0]["last_error"]
    assert [m["To"] for m in smtp_server.messages] == ["fine@example.com"]


def test_a_message_left_sending_by_a_crash_is_taken_over(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink
) -> None:
    config_file({"notify": smtp_server.config()})
    make_order(store)
    make_order(store, "shopify:1002", email="bo@example.com")
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    oms("ship", "shopify:1002", "-c", "ups", "-t", UPS_2)
    long_ago = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.000000")
    just_now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.000000")
    con = storedb.connect(db_path)
    con.execute(
        "UPDATE outbox SET status='sending', attempts=1, claimed_by='crashed', claimed_at=?, message_id='<kept.1@example.com>' WHERE id=1",
        (long_ago,),
    )
    con.execute(
        "UPDATE outbox SET status='sending', attempts=1, claimed_by='alive', claimed_at=? WHERE id=2", (just_now,)
    )
    con.commit()
    con.close()
    assert oms("notify", "send").exit_code == 0
    assert [m["Message-ID"] for m in smtp_server.messages] == ["<kept.1@example.com>"]
    assert [(m["status"], m["attempts"]) for m in outbox(db_path)] == [("sent", 2), ("sending", 1)]
    r = oms("notify", "retry", "2")
    assert r.exit_code == 5 and "being sent right now" in r.stderr


def test_dry_run_writes_eml_files_and_changes_nothing(oms, store, db_path: Path, config_file, tmp_path: Path) -> None:
    config_file({"notify": SmtpSink(port=free_port()).config()})
    shipped_orders(oms, store, 2)
    before = store_digest(db_path)
    r = oms("notify", "send", "--dry-run", "--out", tmp_path / "preview")
    assert r.exit_code == 0, r.stderr
    files = sorted((tmp_path / "preview").glob("*.eml"))
    assert [f.name for f in files] == ["1-shipped-shopify_2000.eml", "2-shipped-shopify_2001.eml"]
    assert r.stdout.split() == [str(f) for f in files]
    from email import message_from_bytes, policy

    msg = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["To"] == "customer0@example.com" and msg["Message-ID"]
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert UPS_1 in msg.get_body(("plain",)).get_content()
    assert store_digest(db_path) == before


def test_login_uses_the_password_from_the_environment_and_never_shows_it(
    oms, oms_proc, store, db_path: Path, config_file, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = SmtpSink(users={"shop": "s3cret-Pa55"}).start()
    try:
        config_file({"notify": sink.config(user="shop", password_env="SHOP_SMTP_PASSWORD")})
        make_order(store)
        oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
        monkeypatch.delenv("SHOP_SMTP_PASSWORD", raising=False)
        r = oms("notify", "send")
        assert r.exit_code == 3
        assert "SHOP_SMTP_PASSWORD" in r.stderr
        monkeypatch.setenv("SHOP_SMTP_PASSWORD", "wrong")
        r = oms("notify", "send")
        assert r.exit_code == 3 and "refused the login of shop" in r.stderr and "wrong" not in r.stderr
        proc = oms_proc("--debug", "notify", "send", env={"SHOP_SMTP_PASSWORD": "s3cret-Pa55"})
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert sink.logins == ["shop"] and len(sink.received) == 1
        assert "s3cret" not in out + err
        assert "s3cret" not in storedb.all_rows_text(db_path)
        if not storedb.POSTGRESQL:
            assert b"s3cret" not in db_path.read_bytes()
        folder = Path(os.environ["HOME"]).parent  # the test's folder: home, config, store file, logs
        assert not any(b"s3cret" in p.read_bytes() for p in folder.rglob("*") if p.is_file() and p != db_path)
    finally:
        sink.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"openssl cannot make a test certificate: {exc}")
    return cert, key


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_starttls_and_implicit_tls(
    mode: str, oms, store, db_path: Path, config_file, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = SmtpSink(tls=certificate, mode=mode, users={"shop": "pw"}).start()
    try:
        config_file({"notify": sink.config(security=mode, user="shop")})
        monkeypatch.setenv("OMS_SMTP_PASSWORD", "pw")
        make_order(store)
        oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
        # Without trusting the shop's own certificate authority, TLS is refused.
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0].parent / "missing.pem"))
        r = oms("notify", "send")
        assert r.exit_code == 7 and "left queued" in r.stderr
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
        r = oms("notify", "send")
        assert r.exit_code == 0, r.stderr
        assert sink.logins == ["shop"] and len(sink.received) == 1
    finally:
        sink.stop()


def test_starttls_is_required_when_configured(oms, store, config_file, smtp_server: SmtpSink) -> None:
    config_file({"notify": smtp_server.config(security="starttls")})
    make_order(store)
    oms("ship", "shopify:1001", "-c", "ups", "-t", UPS_1)
    r = oms("notify", "send")
    assert r.exit_code == 7
    assert "does not offer STARTTLS" in r.stderr
    assert smtp_server.received == []
