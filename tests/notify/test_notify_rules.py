"""Pure parts of notifications: backoff, which refusals are final, Message-IDs, MIME."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes, policy
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from oms_cli.notify.message import build_message, eml_filename, message_id_for, valid_address
from oms_cli.notify.policy import MAX_BACKOFF_S, is_permanent, next_attempt_at, stale_after

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_backoff_doubles_from_the_configured_step() -> None:
    waits = [next_attempt_at(NOW, n, 60) - NOW for n in (1, 2, 3, 4)]
    assert waits == [timedelta(seconds=s) for s in (60, 120, 240, 480)]
    assert next_attempt_at(NOW, 1, 0) == NOW


@given(st.integers(min_value=1, max_value=200), st.floats(min_value=0, max_value=10_000))
def test_backoff_never_shrinks_and_is_capped(attempts: int, step: float) -> None:
    now_wait = next_attempt_at(NOW, attempts, step) - NOW
    next_wait = next_attempt_at(NOW, attempts + 1, step) - NOW
    assert timedelta(0) <= now_wait <= next_wait <= timedelta(seconds=MAX_BACKOFF_S)


def test_only_5xx_replies_are_final() -> None:
    assert is_permanent(550) and is_permanent(554)
    assert not is_permanent(451) and not is_permanent(421) and not is_permanent(None)


def test_a_sender_is_taken_over_only_long_after_any_smtp_timeout() -> None:
    assert stale_after(10) == timedelta(minutes=10)
    assert stale_after(120) == timedelta(minutes=20)


def test_message_ids_are_fixed_by_key_and_id() -> None:
    a = message_id_for("shipped:shopify:1001", 7, "Shop <orders@shop.example>")
    assert a == message_id_for("shipped:shopify:1001", 7, "Shop <orders@shop.example>")
    assert a != message_id_for("shipped:shopify:1002", 7, "Shop <orders@shop.example>")
    assert a.startswith("<oms.7.") and a.endswith("@shop.example>")


def test_addresses() -> None:
    assert valid_address("ada@example.com") and valid_address("Ada <ada@example.com>")
    assert not valid_address(None) and not valid_address("") and not valid_address("ada@localhost")
    assert not valid_address("a@example.com, b@example.com") and not valid_address("not an address")


def test_build_message_parts_and_headers(tmp_path: Path) -> None:
    label = tmp_path / "label.pdf"
    label.write_bytes(b"%PDF-1.4\n")
    msg = build_message(
        from_header="Café Ünïcode <orders@shop.example>",
        to_addr="zoë@example.com",
        subject="Ihre Bestellung ist unterwegs ✓",
        body_text="Hallo Zoë\n",
        body_html="<p>Hallo Zoë</p>",
        message_id="<m1@shop.example>",
        date=NOW,
        reply_to="help@shop.example",
        attachments=[label],
    )
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Ihre Bestellung ist unterwegs ✓"
    assert parsed["From"] == "Café Ünïcode <orders@shop.example>"
    assert parsed["Message-ID"] == "<m1@shop.example>" and parsed["Reply-To"] == "help@shop.example"
    assert parsed["Date"] == "Fri, 20 Nov 2026 12:00:00 +0000"
    assert parsed.get_content_type() == "multipart/mixed"
    # On the wire every line ends in CRLF.
    assert parsed.get_body(("plain",)).get_content() == "Hallo Zoë\r\n"
    assert parsed.get_body(("html",)).get_content() == "<p>Hallo Zoë</p>\r\n"
    assert [a.get_filename() for a in parsed.iter_attachments()] == ["label.pdf"]


def test_eml_file_names_are_safe() -> None:
    assert eml_filename(3, "shipped", "shipped:amazon:113-400/12 x") == "3-shipped-amazon_113-400_12_x.eml"
