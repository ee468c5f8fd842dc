"""Test helpers for shipping, notifications and aftercare: packed orders written
straight into the store (as release, picking and packing would leave them), and a
real SMTP server (aiosmtpd) on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import ssl
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from oms_cli.orders.events import record_event
from oms_cli.store import tables
from oms_cli.store.engine import Store

UTC = UTC


def _root_conftest() -> Any:
    # tests/conftest.py is shadowed as "conftest" by the per-folder ones: load it by path.
    spec = importlib.util.spec_from_file_location(
        "oms_tests_root_conftest", Path(__file__).resolve().parents[1] / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_root = _root_conftest()
store_digest = _root.store_digest
table_counts = _root.table_counts
LIFECYCLE = ("new", "ready", "picking", "picked", "packed", "shipped", "delivered")

# Valid numbers from the courier data, for tests that need real ones.
UPS_1 = "1Z5R89390357567127"
UPS_2 = "1Z879E930346834440"
UPS_3 = "1ZXX3150YW44070023"
FEDEX_1 = "986578788855"
USPS_1 = "9400111201080805483016"

DEFAULT_LINES = (("MUG-1", 1, "4001"), ("TEE-M", 2, "4002"))


def make_order(
    store: Store,
    ref: str = "shopify:1001",
    *,
    status: str = "packed",
    packages: int = 1,
    email: str | None = "ada@example.com",
    name: str | None = "Ada Lovelace",
    lines: tuple[tuple[str, int, str | None], ...] = DEFAULT_LINES,
    notes: str | None = None,
    instruction_state: str | None = None,
    service_level: str = "standard",
    ship_by: datetime | None = None,
    currency: str = "USD",
    placed_at: datetime | None = None,
    location: str = "A-01-01",
    on_hand: int = 10,
    placements: list[list[dict[str, Any]]] | None = None,
) -> int:
    """An order in ``status`` with the events, stock, reservations and packages
    that the earlier steps would have written; returns its id."""
    channel, _, external_id = ref.partition(":")
    now = datetime.now(UTC)
    placed = placed_at or now - timedelta(days=1)
    with store.connect(write=True) as conn:
        order_id = conn.execute(
            insert(tables.orders).values(
                ref=ref,
                channel=channel,
                external_id=external_id,
                placed_at=placed,
                status="new",
                payment_status="paid",
                customer_name=name,
                customer_email=email,
                ship_name=name,
                ship_address1="12 Analytical Row",
                ship_city="London",
                ship_postal_code="N1 7GU",
                ship_country="GB",
                service_level=service_level,
                notes=notes,
                instruction_state=instruction_state or ("pending" if notes else "none"),
                tags=[],
                currency=currency,
                total_minor=4500,
                ship_by=ship_by,
                imported_at=placed,
                updated_at=placed,
            )
        ).inserted_primary_key[0]
        line_ids = []
        for no, (sku, qty, line_id) in enumerate(lines, start=1):
            line_ids.append(
                conn.execute(
                    insert(tables.order_lines).values(
                        order_id=order_id,
                        line_no=no,
                        line_id=line_id,
                        sku=sku,
                        name=f"{sku} name",
                        quantity=qty,
                        unit_price_minor=1500,
                    )
                ).inserted_primary_key[0]
            )
        record_event(conn, order_id, command="import", from_status=None, to_status="new", at=placed)
        steps = LIFECYCLE[: LIFECYCLE.index(status) + 1] if status in LIFECYCLE else ("new", status)
        for i, (a, b) in enumerate(zip(steps, steps[1:]), start=1):
            record_event(
                conn, order_id, command=f"test {b}", from_status=a, to_status=b, at=placed + timedelta(minutes=i)
            )
        conn.execute(tables.orders.update().where(tables.orders.c.id == order_id).values(status=status))
        reached = LIFECYCLE.index(status) if status in LIFECYCLE else 0
        if reached >= LIFECYCLE.index("ready"):
            for (sku, qty, _), line_pk in zip(lines, line_ids):
                stock = tables.stock
                existing = conn.execute(stock.select().where(stock.c.sku == sku, stock.c.location == location)).first()
                if existing is None:
                    conn.execute(insert(stock).values(sku=sku, location=location, on_hand=on_hand, reserved=qty))
                else:
                    conn.execute(
                        stock.update().where(stock.c.id == existing.id).values(reserved=stock.c.reserved + qty)
                    )
                conn.execute(
                    insert(tables.reservations).values(
                        order_id=order_id,
                        order_line_id=line_pk,
                        sku=sku,
                        location=location,
                        quantity=qty,
                        state="picked" if reached >= LIFECYCLE.index("picked") else "active",
                        created_at=placed,
                    )
                )
        if reached >= LIFECYCLE.index("packed"):
            for n in range(1, packages + 1):
                conn.execute(
                    insert(tables.packages).values(
                        order_id=order_id,
                        package_no=n,
                        box="M",
                        length_mm=310,
                        width_mm=240,
                        height_mm=160,
                        weight_g=900 + n,
                        materials=[],
                        placements=(placements[n - 1] if placements else []),
                        packed_at=placed + timedelta(minutes=5),
                    )
                )
    return int(order_id)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    """One message the SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage


@dataclass
class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it accepts.

    Recipients in ``tempfail`` get ``451`` (try later), in ``reject`` get ``550``.
    ``users`` turns on AUTH (PLAIN/LOGIN) over a plain connection; ``tls`` is
    ``(certfile, keyfile)`` and ``mode`` is ``starttls`` or ``tls`` (implicit).
    """

    port: int = field(default_factory=free_port)
    tempfail: set[str] = field(default_factory=set)
    reject: set[str] = field(default_factory=set)
    users: dict[str, str] | None = None
    tls: tuple[Path, Path] | None = None
    mode: str = "none"
    delay_s: float = 0.0  # a slow server keeps concurrent senders overlapping
    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    _controller: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:  # noqa: N802 - aiosmtpd hook name
        if address in self.reject:
            return "550 5.1.1 mailbox unavailable"
        if address in self.tempfail:
            return "451 4.3.0 please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook name
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        raw = envelope.original_content or envelope.content
        msg = message_from_bytes(raw, policy=policy.default)
        with self._lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw, msg))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if isinstance(auth_data, LoginPassword) and self.users is not None:
            user = auth_data.login.decode()
            if self.users.get(user) == auth_data.password.decode():
                self.logins.append(user)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def start(self) -> SmtpSink:
        """Start listening on ``self.port``."""
        from aiosmtpd.controller import Controller

        kwargs: dict[str, Any] = {}
        if self.users is not None:
            # With implicit TLS aiosmtpd does not see the session as TLS, so it would hide AUTH.
            kwargs.update(
                authenticator=self._authenticate, auth_require_tls=self.tls is not None and self.mode != "tls"
            )
        if self.tls is not None:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(self.tls[0]), str(self.tls[1]))
            if self.mode == "tls":
                kwargs["ssl_context"] = ctx
            else:
                kwargs.update(tls_context=ctx, require_starttls=True)
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        if self.mode == "tls":
            # The readiness probe of aiosmtpd speaks plain SMTP; wait for the port instead.
            self._controller.ready_timeout = 5
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening (the port is free again)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        """The parsed messages received so far."""
        with self._lock:
            return [r.message for r in self.received]

    def config(self, **smtp: Any) -> dict[str, Any]:
        """The `notify` config section pointing at this server."""
        return {"smtp": {"host": "127.0.0.1", "port": self.port, "security": "none", "timeout_s": 5, **smtp}}


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    """A running SMTP server on 127.0.0.1 that records what it accepts."""
    sink = SmtpSink().start()
    yield sink
    sink.stop()
